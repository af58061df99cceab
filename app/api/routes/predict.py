"""POST /predict: the data behind a fit and the model's predictions at given points."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from app.api.encoding import StrictJSONResponse, json_response
from app.api.network_payloads import predict_payload
from app.api.network_responses import NetworkPredictOut
from app.api.responses import PredictOut
from app.api.schemas import Bodies, NetworkPredictBase
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
            "takes no compute slot. For a network (objective id mlp, ≤ 8 points): the train and "
            "test rows, the prediction over a grid (a decision map of P(class) for 2 features, "
            "a curve for 1), and each point's weights and gradient layer by layer."
        ),
        responses={200: {"model": PredictOut | NetworkPredictOut}},
    )
    def predict(body: Body) -> Response:  # a plain def: FastAPI runs it in a worker thread
        if isinstance(body, NetworkPredictBase):
            network, points = body.checked()
            return json_response(predict_payload(network, points, body.resolution))
        report = fit_report(body.objective.build(), body.points_array(), body.resolution)
        return json_response(report)

    return router
