"""Per-coordinate adaptive steps: Adagrad, RMSprop, Adadelta (torch 2.13 single-tensor paths)."""

from __future__ import annotations

import numpy as np

from app.optim import hyperparams as spec
from app.optim.arithmetic import Array, add_weight_decay, any_run, as_column, flag, lerp
from app.optim.base import OptimizerDef, State
from app.optim.hyperparams import HyperParam, HyperParams

# ---- Adagrad ----


def _adagrad_init(params: Array, hp: HyperParams) -> State:
    start = as_column(hp["initial_accumulator_value"])
    return {"sum": np.broadcast_to(start, params.shape).astype(np.float64)}


def _adagrad_update(
    params: Array, grads: Array, state: State, hp: HyperParams, step: int, hessians: Array | None
) -> tuple[Array, State]:
    grad = add_weight_decay(grads, params, hp["weight_decay"])
    clr = as_column(hp["lr"]) / (1.0 + (step - 1) * as_column(hp["lr_decay"]))
    total = state["sum"] + grad * grad
    std = np.sqrt(total) + as_column(hp["eps"])
    return params + (-clr) * (grad / std), {"sum": total}


ADAGRAD = OptimizerDef(
    name="adagrad",
    title="Adagrad",
    description="Divides each coordinate's step by the root of its summed squared gradients.",
    hyperparams=(
        spec.lr(0.01),
        HyperParam("lr_decay", 0.0, 0.0, None, "float", "lr / (1 + (step - 1) * lr_decay)."),
        spec.weight_decay(),
        HyperParam(
            "initial_accumulator_value",
            0.0,
            0.0,
            None,
            "float",
            "Starting value of the squared-gradient sum.",
        ),
        spec.eps(1e-10),
    ),
    state_names=("sum",),
    init_fn=_adagrad_init,
    update_fn=_adagrad_update,
)


# ---- RMSprop ----


def _rmsprop_init(params: Array, hp: HyperParams) -> State:
    zeros = np.zeros_like(params)
    return {"square_avg": zeros, "momentum_buffer": zeros.copy(), "grad_avg": zeros.copy()}


def _rmsprop_update(
    params: Array, grads: Array, state: State, hp: HyperParams, step: int, hessians: Array | None
) -> tuple[Array, State]:
    alpha = as_column(hp["alpha"])
    momentum = as_column(hp["momentum"])
    centered = flag(hp["centered"])
    grad = add_weight_decay(grads, params, hp["weight_decay"])
    square_avg = state["square_avg"] * alpha + (1.0 - alpha) * (grad * grad)
    # grad_avg only exists in torch when centered; elsewhere it stays 0.
    if any_run(centered):
        grad_avg = np.where(centered, lerp(state["grad_avg"], grad, 1.0 - alpha), 0.0)
        # Like torch, a variance rounding below 0 gives NaN rather than a silent fix.
        with np.errstate(invalid="ignore"):
            avg = np.sqrt(np.where(centered, square_avg - grad_avg * grad_avg, square_avg))
    else:
        grad_avg, avg = state["grad_avg"], np.sqrt(square_avg)
    avg = avg + as_column(hp["eps"])
    uses_momentum = momentum > 0  # a bool when every run shares momentum
    lr = as_column(hp["lr"])
    if not any_run(uses_momentum):  # the all-zero buffer stays as it is
        buf, new_params = state["momentum_buffer"], params + (-lr) * (grad / avg)
    else:
        buf = np.where(uses_momentum, state["momentum_buffer"] * momentum + grad / avg, 0.0)
        new_params = np.where(uses_momentum, params + (-lr) * buf, params + (-lr) * (grad / avg))
    return new_params, {"square_avg": square_avg, "momentum_buffer": buf, "grad_avg": grad_avg}


RMSPROP = OptimizerDef(
    name="rmsprop",
    title="RMSprop",
    description="Divides each step by a running root-mean-square of recent gradients.",
    hyperparams=(
        spec.lr(0.01),
        HyperParam("alpha", 0.99, 0.0, 1.0, "float", "Smoothing of the squared-gradient average."),
        spec.eps(1e-8),
        spec.weight_decay(),
        spec.momentum("Momentum on the normalised step."),
        spec.boolean("centered", "Divide by the gradient's variance."),
    ),
    state_names=("square_avg", "momentum_buffer", "grad_avg"),
    init_fn=_rmsprop_init,
    update_fn=_rmsprop_update,
)


# ---- Adadelta ----


def _adadelta_init(params: Array, hp: HyperParams) -> State:
    return {"square_avg": np.zeros_like(params), "acc_delta": np.zeros_like(params)}


def _adadelta_update(
    params: Array, grads: Array, state: State, hp: HyperParams, step: int, hessians: Array | None
) -> tuple[Array, State]:
    rho = as_column(hp["rho"])
    eps = as_column(hp["eps"])
    grad = add_weight_decay(grads, params, hp["weight_decay"])
    square_avg = state["square_avg"] * rho + (1.0 - rho) * (grad * grad)
    std = np.sqrt(square_avg + eps)
    delta = np.sqrt(state["acc_delta"] + eps) / std * grad
    acc_delta = state["acc_delta"] * rho + (1.0 - rho) * (delta * delta)
    new_params = params + (-as_column(hp["lr"])) * delta
    return new_params, {"square_avg": square_avg, "acc_delta": acc_delta}


ADADELTA = OptimizerDef(
    name="adadelta",
    title="Adadelta",
    description="Scales steps by the ratio of recent step sizes to recent gradient sizes.",
    hyperparams=(
        spec.lr(1.0),
        HyperParam("rho", 0.9, 0.0, 1.0, "float", "Smoothing of both running averages."),
        spec.eps(1e-6),
        spec.weight_decay(),
    ),
    state_names=("square_avg", "acc_delta"),
    init_fn=_adadelta_init,
    update_fn=_adadelta_update,
)

FAMILY = (ADAGRAD, RMSPROP, ADADELTA)
