"""POST /predict: the data behind a fit and the model's predictions at given points."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from app.api.encoding import StrictJSONResponse, json_response
from app.api.responses import PredictOut
from app.api.schemas import Bodies
from app.objectives.fits import fit_report


def routes(bodies: Bodies) -> APIRouter:
    router = APIRouter(tags=["compute"], default_response_class=StrictJSONResponse)
    Body: Any = bodies.predict

    @router.post(
        "/predict",
        summary="The data a model fits and its predictions at up to 64 points (the data panel)",
        description=(
            "For objectives whose data_kind is not null. Every number comes from the objective's "
            "own model code; each fit's loss is the objective's loss at that point. Small, "
            "bounded work (≤ 64 points × ≤ 512 grid values): it runs in a worker thread and "
            "takes no compute slot."
        ),
        responses={200: {"model": PredictOut}},
    )
    def predict(body: Body) -> Response:  # a plain def: FastAPI runs it in a worker thread
        report = fit_report(body.objective.build(), body.points_array(), body.resolution)
        return json_response(report)

    return router
