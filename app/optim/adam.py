"""The Adam family: Adam, AdamW, Adamax, NAdam (torch 2.13 single-tensor, non-capturable paths)."""

from __future__ import annotations

import numpy as np

from app.optim import hyperparams as spec
from app.optim.arithmetic import (
    Array,
    add_weight_decay,
    any_run,
    as_column,
    betas,
    bias_correction,
    decoupled_decay,
    flag,
    lerp,
)
from app.optim.base import OptimizerDef, State, UpdateFn
from app.optim.hyperparams import HyperParam, HyperParams

AMSGRAD = spec.boolean("amsgrad", "Divide by the largest squared average seen so far.")


# ---- Adam / AdamW ----


def _adam_init(params: Array, hp: HyperParams) -> State:
    zeros = np.zeros_like(params)
    return {"exp_avg": zeros, "exp_avg_sq": zeros.copy(), "max_exp_avg_sq": zeros.copy()}


def _adam_step(
    params: Array, grads: Array, state: State, hp: HyperParams, step: int, decoupled: bool
) -> tuple[Array, State]:
    lr = as_column(hp["lr"])
    beta1, beta2 = betas(hp)
    amsgrad = flag(hp["amsgrad"])
    if decoupled:
        params = decoupled_decay(params, lr, hp["weight_decay"])
        grad = grads
    else:
        grad = add_weight_decay(grads, params, hp["weight_decay"])
    exp_avg = lerp(state["exp_avg"], grad, 1.0 - beta1)
    # In-place arithmetic on arrays this step created (the inputs are never touched).
    exp_avg_sq = state["exp_avg_sq"] * beta2
    grad_sq = grad * grad
    grad_sq *= 1.0 - beta2
    exp_avg_sq += grad_sq
    step_size = lr / bias_correction(beta1, step)
    bias_correction2_sqrt = bias_correction(beta2, step) ** 0.5
    # max_exp_avg_sq only exists in torch with amsgrad; elsewhere it stays 0.
    if any_run(amsgrad):
        max_sq = np.where(amsgrad, np.maximum(state["max_exp_avg_sq"], exp_avg_sq), 0.0)
        second = np.where(amsgrad, max_sq, exp_avg_sq)
    else:
        max_sq, second = state["max_exp_avg_sq"], exp_avg_sq
    denom = np.sqrt(second)
    denom /= bias_correction2_sqrt
    denom += as_column(hp["eps"])
    new_params = exp_avg / denom
    new_params *= -step_size
    new_params += params  # params + update: the same sum, in the array already made
    return new_params, {"exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq, "max_exp_avg_sq": max_sq}


def _adam_update(
    params: Array, grads: Array, state: State, hp: HyperParams, step: int, hessians: Array | None
) -> tuple[Array, State]:
    return _adam_step(params, grads, state, hp, step, decoupled=False)


def _adamw_update(
    params: Array, grads: Array, state: State, hp: HyperParams, step: int, hessians: Array | None
) -> tuple[Array, State]:
    return _adam_step(params, grads, state, hp, step, decoupled=True)


def _adam_like(
    name: str, title: str, description: str, decay: HyperParam, update: UpdateFn
) -> OptimizerDef:
    return OptimizerDef(
        name=name,
        title=title,
        description=description,
        hyperparams=(spec.lr(1e-3), spec.betas((0.9, 0.999)), spec.eps(1e-8), decay, AMSGRAD),
        state_names=("exp_avg", "exp_avg_sq", "max_exp_avg_sq"),
        init_fn=_adam_init,
        update_fn=update,
    )


ADAM = _adam_like(
    "adam",
    "Adam",
    "Momentum on the gradient divided by a running RMS, with bias correction.",
    spec.weight_decay(),
    _adam_update,
)
ADAMW = _adam_like(
    "adamw",
    "AdamW",
    "Adam with weight decay applied to the params directly, not via the gradient.",
    spec.weight_decay(0.01, decoupled=True),
    _adamw_update,
)


# ---- Adamax ----


def _adamax_init(params: Array, hp: HyperParams) -> State:
    return {"exp_avg": np.zeros_like(params), "exp_inf": np.zeros_like(params)}


def _adamax_update(
    params: Array, grads: Array, state: State, hp: HyperParams, step: int, hessians: Array | None
) -> tuple[Array, State]:
    beta1, beta2 = betas(hp)
    grad = add_weight_decay(grads, params, hp["weight_decay"])
    exp_avg = lerp(state["exp_avg"], grad, 1.0 - beta1)
    exp_inf = np.maximum(state["exp_inf"] * beta2, np.abs(grad) + as_column(hp["eps"]))
    clr = as_column(hp["lr"]) / bias_correction(beta1, step)
    return params + (-clr) * (exp_avg / exp_inf), {"exp_avg": exp_avg, "exp_inf": exp_inf}


ADAMAX = OptimizerDef(
    name="adamax",
    title="Adamax",
    description="Adam with the running RMS replaced by a decaying running maximum.",
    hyperparams=(spec.lr(2e-3), spec.betas((0.9, 0.999)), spec.eps(1e-8), spec.weight_decay()),
    state_names=("exp_avg", "exp_inf"),
    init_fn=_adamax_init,
    update_fn=_adamax_update,
)


# ---- NAdam ----


def _nadam_init(params: Array, hp: HyperParams) -> State:
    # torch keeps one scalar mu_product per tensor; here it fills each run's row.
    return {
        "exp_avg": np.zeros_like(params),
        "exp_avg_sq": np.zeros_like(params),
        "mu_product": np.ones_like(params),
    }


def _nadam_update(
    params: Array, grads: Array, state: State, hp: HyperParams, step: int, hessians: Array | None
) -> tuple[Array, State]:
    lr = as_column(hp["lr"])
    beta1, beta2 = betas(hp)
    momentum_decay = as_column(hp["momentum_decay"])
    decoupled = flag(hp["decoupled_weight_decay"])
    bias_correction2 = bias_correction(beta2, step)
    grad = np.where(decoupled, grads, add_weight_decay(grads, params, hp["weight_decay"]))
    params = np.where(decoupled, decoupled_decay(params, lr, hp["weight_decay"]), params)
    # Momentum schedule of Dozat (2016): mu_t and mu_{t+1}.
    mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
    mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
    mu_product = state["mu_product"] * mu
    exp_avg = lerp(state["exp_avg"], grad, 1.0 - beta1)
    exp_avg_sq = state["exp_avg_sq"] * beta2 + (1.0 - beta2) * (grad * grad)
    denom = np.sqrt(exp_avg_sq / bias_correction2) + as_column(hp["eps"])
    mu_product_next = mu_product * mu_next
    params = params + (-lr * (1.0 - mu) / (1.0 - mu_product)) * (grad / denom)
    params = params + ((-lr * mu_next) / (1.0 - mu_product_next)) * (exp_avg / denom)
    return params, {"exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq, "mu_product": mu_product}


NADAM = OptimizerDef(
    name="nadam",
    title="NAdam",
    description="Adam with Nesterov momentum: it looks one step ahead along its average.",
    hyperparams=(
        spec.lr(2e-3),
        spec.betas((0.9, 0.999)),
        spec.eps(1e-8),
        spec.weight_decay(),
        HyperParam("momentum_decay", 0.004, 0.0, None, "float", "How fast the momentum warms up."),
        spec.boolean(
            "decoupled_weight_decay", "Apply weight decay to the params directly (AdamW style)."
        ),
    ),
    state_names=("exp_avg", "exp_avg_sq", "mu_product"),
    init_fn=_nadam_init,
    update_fn=_nadam_update,
)

FAMILY = (ADAM, ADAMW, ADAMAX, NADAM)
