"""POST /explain-step: one optimizer update and the quantities of its rule at that step."""

from __future__ import annotations

import numpy as np
from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.encoding import StrictJSONResponse, json_response
from app.api.responses import ExplainOut
from app.api.schemas import ExplainStepRequest
from app.errors import FieldError
from app.optim import OPTIMIZERS
from app.optim.explain import explain_step

router = APIRouter(tags=["compute"], default_response_class=StrictJSONResponse)


def checked_state(body: ExplainStepRequest, names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The state's buffers, each as long as params; empty, or exactly the optimizer's names."""
    if not body.state:
        return {}
    for name in body.state:
        if name not in names:
            known = ", ".join(names) or "none"
            raise FieldError(f"state.{name}", f"not a buffer of {body.optimizer.name!r}: {known}")
    for name in names:
        if name not in body.state:
            raise FieldError(f"state.{name}", "missing: give every buffer, or none at step 1")
        if len(body.state[name]) != len(body.params):
            raise FieldError(f"state.{name}", f"needs {len(body.params)} value(s), like params")
    return {name: np.array(body.state[name], dtype=np.float64) for name in names}


@router.post(
    "/explain-step",
    summary="One optimizer update by the optimizer's own code, with its rule's terms",
    description=(
        "params_after and state_after are what POST /runs computes for update t from the same "
        "params, gradient and state (bit for bit). terms holds the rule's quantities, e.g. "
        "Adam's m, v, m_hat, v_hat, bias corrections and effective_step = lr·m̂/(√v̂ + ε)."
    ),
    responses={200: {"model": ExplainOut}},
)
def explain(body: ExplainStepRequest, request: Request) -> Response:
    settings = request.app.state.settings
    if body.step > settings.max_steps:
        raise FieldError("step", f"{body.step} is over the cap of {settings.max_steps}")
    opt = OPTIMIZERS[body.optimizer.name]
    d = len(body.params)
    if len(body.grad) != d:
        raise FieldError("grad", f"needs {d} value(s), like params")
    state = checked_state(body, opt.state_names)
    hessian = None
    if body.hessian is not None:
        hessian = np.array(body.hessian, dtype=np.float64)
        if any(len(row) != d for row in body.hessian) or len(body.hessian) != d:
            raise FieldError("hessian", f"needs {d} × {d} values")
    elif opt.needs_hessian:
        raise FieldError("hessian", f"{opt.name!r} divides by the curvature: give the Hessian")
    try:
        answer = explain_step(
            opt,
            body.optimizer.hyperparams(),
            body.step,
            np.array(body.params, dtype=np.float64),
            np.array(body.grad, dtype=np.float64),
            state,
            schedule=None if body.schedule is None else body.schedule.model_dump(),
            clip=None if body.clip is None else body.clip.model_dump(exclude_none=True),
            hessian=hessian,
        )
    except ValueError as error:  # a cross-field rule (nesterov), a schedule or a clip setting
        raise _field_error(str(error)) from None
    return json_response(answer)


def _field_error(text: str) -> FieldError:
    """ "nesterov: ..." -> optimizer.nesterov; "schedule.gamma: ..." stays as it is."""
    head, sep, reason = text.partition(": ")
    if not sep or " " in head:
        return FieldError("optimizer", text)
    if head.startswith(("schedule", "clip")):
        return FieldError(head, reason)
    return FieldError(f"optimizer.{head}", reason)
