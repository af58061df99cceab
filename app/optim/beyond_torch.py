"""Optimizers torch.optim lacks: Lion, sign SGD and a damped Newton method."""

from __future__ import annotations

import numpy as np

from app.optim import hyperparams as spec
from app.optim.arithmetic import Array, as_column, betas, decoupled_decay
from app.optim.base import OptimizerDef, State
from app.optim.hyperparams import HyperParam, HyperParams

MOVE_TEXT = "Learning rate: the size of every move."

# ---- Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms", Algorithm 2) ----


def _lion_init(params: Array, hp: HyperParams) -> State:
    return {"exp_avg": np.zeros_like(params)}


def _lion_update(
    params: Array, grads: Array, state: State, hp: HyperParams, step: int, hessians: Array | None
) -> tuple[Array, State]:
    lr = as_column(hp["lr"])
    beta1, beta2 = betas(hp)
    m = state["exp_avg"]
    # The step direction interpolates with beta1; the memory is updated with beta2.
    c = beta1 * m + (1.0 - beta1) * grads
    new_params = decoupled_decay(params, lr, hp["weight_decay"]) - lr * np.sign(c)
    return new_params, {"exp_avg": beta2 * m + (1.0 - beta2) * grads}


LION = OptimizerDef(
    name="lion",
    title="Lion",
    description="Moves every coordinate by exactly lr along the sign of a momentum blend.",
    hyperparams=(
        spec.lr(1e-4, MOVE_TEXT),
        spec.betas((0.9, 0.99)),
        spec.weight_decay(decoupled=True),
    ),
    state_names=("exp_avg",),
    init_fn=_lion_init,
    update_fn=_lion_update,
)


# ---- sign SGD: only the direction of the gradient is fed back ----


def _no_state(params: Array, hp: HyperParams) -> State:
    return {}


def _signsgd_update(
    params: Array, grads: Array, state: State, hp: HyperParams, step: int, hessians: Array | None
) -> tuple[Array, State]:
    return params - as_column(hp["lr"]) * np.sign(grads), {}


SIGNSGD = OptimizerDef(
    name="signsgd",
    title="signSGD",
    description="Uses only each gradient coordinate's sign, like 'higher or lower?' hints.",
    hyperparams=(spec.lr(0.01, MOVE_TEXT),),
    state_names=(),
    init_fn=_no_state,
    update_fn=_signsgd_update,
)


# ---- damped Newton ----


def newton_direction(hessians: Array, grads: Array, damping: Array) -> tuple[Array, Array]:
    """(H + damping I)^-1 g per run, with a fallback where that matrix is not positive definite.

    Works on the eigen-decomposition of the symmetrised damped Hessian, H_d = V diag(mu) V^T.
    Where every mu is positive and numerically non-zero this is exactly H_d^-1 g. Otherwise the
    run falls back to V diag(1/|mu|) V^T g ("saddle-free Newton", Dauphin et al. 2014), which
    zeroes the step along (near-)flat directions like np.linalg.lstsq's pseudo-inverse
    (|mu| <= d * eps * max|mu|) and turns negative curvature into a descent direction instead of
    walking uphill to a saddle or maximum. Runs with non-finite Hessians get a NaN step. Never
    raises. Returns (direction (R, d), modified (R,) bool: the fallback was used).
    """
    R, d = grads.shape
    h = np.asarray(hessians, dtype=np.float64)
    if h.shape != (R, d, d):
        raise ValueError(f"hessians: expected shape {(R, d, d)}, got {h.shape}")
    h = 0.5 * (h + np.swapaxes(h, 1, 2)) + np.reshape(damping, (-1, 1, 1)) * np.eye(d)
    finite = np.isfinite(h).all(axis=(1, 2)) & np.isfinite(grads).all(axis=1)
    direction = np.full((R, d), np.nan)
    modified = ~finite
    if finite.any():
        mu, vecs = np.linalg.eigh(h[finite])
        size = np.abs(mu)
        cutoff = d * np.finfo(np.float64).eps * size.max(axis=1, keepdims=True)
        keep = size > cutoff
        modified[finite] = ~(keep & (mu > 0)).all(axis=1)
        inv = np.where(keep, 1.0 / np.where(keep, size, 1.0), 0.0)
        coords = np.einsum("rij,ri->rj", vecs, grads[finite])
        direction[finite] = np.einsum("rij,rj->ri", vecs, inv * coords)
    return direction, modified


def _newton_init(params: Array, hp: HyperParams) -> State:
    return {"hessian_modified": np.zeros_like(params)}


def _newton_update(
    params: Array, grads: Array, state: State, hp: HyperParams, step: int, hessians: Array | None
) -> tuple[Array, State]:
    direction, modified = newton_direction(hessians, grads, hp["damping"])
    # 1.0 on every coordinate of a run whose Hessian needed the fallback this step.
    flag_rows = np.broadcast_to(modified[:, None], params.shape).astype(np.float64)
    return params - as_column(hp["lr"]) * direction, {"hessian_modified": flag_rows}


NEWTON = OptimizerDef(
    name="newton",
    title="Newton's method (damped)",
    description="Divides the gradient by the curvature: jumps to a quadratic's minimum at once.",
    hyperparams=(
        spec.lr(1.0, "Fraction of the full Newton step taken."),
        HyperParam("damping", 0.0, 0.0, None, "float", "Added to the Hessian's diagonal."),
    ),
    needs_hessian=True,
    state_names=("hessian_modified",),
    init_fn=_newton_init,
    update_fn=_newton_update,
)

FAMILY = (LION, SIGNSGD, NEWTON)
