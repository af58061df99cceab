"""POST /explain-step: one optimizer update and the quantities of its rule at that step."""

from typing import Any

import numpy as np
from fastapi import APIRouter
from fastapi.responses import Response

from app.api.encoding import StrictJSONResponse, json_response
from app.api.responses import ExplainOut
from app.api.schemas import Bodies
from app.optim import OPTIMIZERS
from app.optim.explain import explain_step


def routes(bodies: Bodies) -> APIRouter:
    router = APIRouter(tags=["compute"], default_response_class=StrictJSONResponse)
    Body: Any = bodies.explain

    @router.post(
        "/explain-step",
        summary="One optimizer update by the optimizer's own code, with its rule's terms",
        description=(
            "params_after and state_after are what POST /runs computes for update t from the "
            "same params, gradient and state (bit for bit). terms holds the rule's quantities, "
            "e.g. Adam's m, v, m_hat, v_hat, bias corrections and effective_step = "
            "lr·m̂/(√v̂ + ε)."
        ),
        responses={200: {"model": ExplainOut}},
    )
    def explain(body: Body) -> Response:  # a plain def: FastAPI runs it in a worker thread
        state = {name: np.array(values) for name, values in body.buffers().items()}
        answer = explain_step(
            OPTIMIZERS[body.optimizer.name],
            body.optimizer.checked(),
            body.step,
            np.array(body.params, dtype=np.float64),
            np.array(body.grad, dtype=np.float64),
            state,
            schedule=body.parsed_schedule(),
            clip=None if body.clip is None else body.clip.clip(),
            hessian=None if body.hessian is None else np.array(body.hessian, dtype=np.float64),
        )
        return json_response(answer)

    return router
