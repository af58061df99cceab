"""Stochastic gradient descent with momentum, as torch.optim.SGD (torch 2.13 _single_tensor_sgd)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from app.errors import FieldError
from app.optim import hyperparams as spec
from app.optim.arithmetic import Array, add_weight_decay, any_run, as_column, every_run, flag
from app.optim.base import OptimizerDef, State
from app.optim.hyperparams import HyperParam, HyperParams


def _init(params: Array, hp: HyperParams) -> State:
    return {"momentum_buffer": np.zeros_like(params)}


def _update(
    params: Array, grads: Array, state: State, hp: HyperParams, step: int, hessians: Array | None
) -> tuple[Array, State]:
    momentum = as_column(hp["momentum"])
    dampening = as_column(hp["dampening"])
    grad = add_weight_decay(grads, params, hp["weight_decay"])
    uses_momentum = momentum != 0  # a bool when every run shares momentum
    lr = as_column(hp["lr"])
    if not any_run(uses_momentum):
        # Plain gradient descent for every run: the all-zero buffer stays as it is.
        return params - lr * grad, {"momentum_buffer": state["momentum_buffer"]}
    # torch starts the buffer AT the first gradient (no dampening on step 1).
    undamped = step == 1 or (type(dampening) is float and dampening == 0.0)
    if step == 1:
        buf = grad
    elif undamped:
        buf = momentum * state["momentum_buffer"] + grad  # torch's alpha = 1 - 0 adds grad as is
    else:
        buf = momentum * state["momentum_buffer"] + (1.0 - dampening) * grad
    nesterov = flag(hp["nesterov"])
    direction = np.where(nesterov, grad + momentum * buf, buf) if any_run(nesterov) else buf
    if not every_run(uses_momentum):
        # A run without momentum has an all-zero buffer: undamped, its row is 0 * 0 + grad,
        # already its plain gradient step (and it has no Nesterov, which needs momentum > 0).
        if not undamped:
            direction = np.where(uses_momentum, direction, grad)
        buf = np.where(uses_momentum, buf, 0.0)  # kept all-zero, as torch keeps no buffer
    return params - lr * direction, {"momentum_buffer": buf}


def _check(hp: Mapping[str, Array]) -> None:
    bad = hp["nesterov"] & ((hp["momentum"] <= 0) | (hp["dampening"] != 0))
    if np.any(bad):
        raise FieldError("nesterov", "Nesterov momentum requires a momentum > 0 and zero dampening")


SGD = OptimizerDef(
    name="sgd",
    title="SGD (momentum, Nesterov)",
    description="Step against the gradient; momentum lets past steps keep rolling.",
    hyperparams=(
        spec.lr(1e-3),
        spec.momentum("Fraction of the previous step kept."),
        HyperParam("dampening", 0.0, 0.0, 1.0, "float", "Damps the new gradient in the momentum."),
        spec.weight_decay(),
        spec.boolean("nesterov", "Look ahead along the momentum first."),
    ),
    state_names=("momentum_buffer",),
    init_fn=_init,
    update_fn=_update,
    check_fn=_check,
)

FAMILY = (SGD,)
