"""POST /predict: the data behind a fit and the model's predictions at given points."""

from __future__ import annotations

import numpy as np
from fastapi import APIRouter
from fastapi.responses import Response

from app.api.encoding import StrictJSONResponse, json_response
from app.api.responses import PredictOut
from app.api.schemas import PredictRequest
from app.objectives import make_objective
from app.objectives.fits import fit_report
from app.runs import ProblemError

router = APIRouter(tags=["compute"], default_response_class=StrictJSONResponse)


@router.post(
    "/predict",
    summary="The data a model fits and its predictions at up to 64 points (the data panel)",
    description=(
        "For objectives whose data_kind is not null. Every number comes from the objective's "
        "own model code; each fit's loss is the objective's loss at that point. Small, bounded "
        "work (≤ 64 points × ≤ 512 grid values), so it takes no compute slot."
    ),
    responses={200: {"model": PredictOut}},
)
def predict(body: PredictRequest) -> Response:
    objective = make_objective(body.objective.as_dict())
    for i, point in enumerate(body.points):
        if len(point) != objective.dim:
            raise ProblemError(
                f"points[{i}]", f"needs {objective.dim} coordinate(s) for {objective.id!r}"
            )
    points = np.array(body.points, dtype=np.float64)
    return json_response(fit_report(objective, points, body.resolution))
