"""One optimizer update explained: the update itself, by the optimizer's own code, plus the
quantities of its rule at that step (Adam's m̂, v̂ and effective step, a momentum buffer, ...).

The update runs exactly as the run loop runs it (settings broadcast then shared as scalars, the
schedule's lr, clipping), so params_after and state_after match a /runs trace bit for bit. Only
the display terms are worked out here, from the states before and after.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from app.optim import (
    Clip,
    OptimizerDef,
    Schedule,
    broadcast_hyperparams,
    clip_gradients,
    parse_schedule,
    shared_as_scalars,
)
from app.optim.beyond_torch import newton_direction

Terms = dict[str, Any]


def explain_step(
    opt: OptimizerDef,
    hyperparams: Mapping[str, Any],
    step: int,
    params: np.ndarray,
    grad: np.ndarray,
    state: Mapping[str, np.ndarray] | None,
    *,
    schedule: Mapping[str, Any] | Schedule | None = None,
    clip: Mapping[str, Any] | Clip | None = None,
    hessian: np.ndarray | None = None,
) -> dict[str, Any]:
    """Update `step` (1-based) from params (d,) with grad (d,) and the state before it (each
    buffer (d,); None or empty for a fresh start). Raises ValueError naming a bad field."""
    settings = broadcast_hyperparams(opt, [dict(hyperparams)], 1)
    hp = shared_as_scalars(settings)
    rule = parse_schedule(schedule)
    if not rule.constant:
        try:
            hp = {**hp, "lr": rule.rate(hp["lr"], step)}
        except OverflowError:  # gamma ** t past the largest float: the update is not finite
            hp = {**hp, "lr": np.inf}
    p = np.asarray(params, dtype=np.float64)[None, :]
    g = np.asarray(grad, dtype=np.float64)[None, :]
    clipped = False
    if clip is not None:
        g, mask = clip_gradients(g, clip)
        clipped = bool(mask[0])
    before = (
        opt.init(p, settings)
        if not state
        else {k: np.asarray(v)[None, :] for k, v in state.items()}
    )
    hessians = None if hessian is None else np.asarray(hessian, dtype=np.float64)[None, :, :]
    with np.errstate(all="ignore"):
        after_params, after = opt.update(p, g, before, hp, step, hessians)
        lr = float(np.reshape(hp["lr"], -1)[0])
        context = _Context(hp, lr, step, p[0], g[0], {k: v[0] for k, v in before.items()})
        explain = TERMS.get(opt.name)
        terms = {
            "grad": g[0],
            **(explain(context, {k: v[0] for k, v in after.items()}) if explain else {}),
        }
        if opt.name == "newton" and hessians is not None:
            direction, modified = newton_direction(hessians, g, hp["damping"])
            terms |= {"direction": direction[0], "hessian_modified": bool(modified[0])}
            terms["effective_step"] = lr * direction[0]
    return {
        "lr": lr,
        "update": after_params[0] - p[0],
        "params_after": after_params[0],
        "state_after": {name: value[0] for name, value in after.items()},
        "clipped": clipped,
        "terms": terms,
    }


class _Context:
    """What every optimizer's terms start from."""

    def __init__(self, hp, lr, step, params, grad, before) -> None:
        self.hp, self.lr, self.step = hp, lr, step
        self.params, self.grad, self.before = params, grad, before

    def coupled_grad(self) -> np.ndarray:
        """The gradient with L2 weight decay added, as torch's coupled decay does."""
        wd = float(self.hp.get("weight_decay", 0.0))
        return self.grad if wd == 0 else self.grad + wd * self.params


def _adam(c: _Context, after: Terms) -> Terms:
    beta1, beta2 = c.hp["betas"]
    bc1, bc2 = 1.0 - beta1**c.step, 1.0 - beta2**c.step
    m, v = after["exp_avg"], after["exp_avg_sq"]
    second = after["max_exp_avg_sq"] if c.hp.get("amsgrad") else v
    m_hat, v_hat = m / bc1, second / bc2
    return {
        "m": m,
        "v": v,
        "bias_correction1": bc1,
        "bias_correction2": bc2,
        "m_hat": m_hat,
        "v_hat": v_hat,
        "effective_step": c.lr * m_hat / (np.sqrt(v_hat) + c.hp["eps"]),
    }


def _adamax(c: _Context, after: Terms) -> Terms:
    beta1, _ = c.hp["betas"]
    bc1 = 1.0 - beta1**c.step
    m, u = after["exp_avg"], after["exp_inf"]
    return {
        "m": m,
        "u": u,
        "bias_correction1": bc1,
        "m_hat": m / bc1,
        "effective_step": c.lr * (m / bc1) / u,
    }


def _nadam(c: _Context, after: Terms) -> Terms:
    beta1, beta2 = c.hp["betas"]
    decay = c.hp["momentum_decay"]
    mu = beta1 * (1.0 - 0.5 * 0.96 ** (c.step * decay))
    mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((c.step + 1) * decay))
    m, v, product = after["exp_avg"], after["exp_avg_sq"], after["mu_product"]
    bc2 = 1.0 - beta2**c.step
    grad = c.grad if c.hp.get("decoupled_weight_decay") else c.coupled_grad()
    # Nesterov's look-ahead first moment: the new gradient's share plus the next momentum's.
    m_hat = (1.0 - mu) * grad / (1.0 - product) + mu_next * m / (1.0 - product * mu_next)
    v_hat = v / bc2
    return {
        "m": m,
        "v": v,
        "mu": mu,
        "mu_next": mu_next,
        "mu_product": product,
        "bias_correction2": bc2,
        "m_hat": m_hat,
        "v_hat": v_hat,
        "effective_step": c.lr * m_hat / (np.sqrt(v_hat) + c.hp["eps"]),
    }


def _sgd(c: _Context, after: Terms) -> Terms:
    grad, momentum = c.coupled_grad(), c.hp["momentum"]
    buf = after["momentum_buffer"]
    if momentum == 0:
        direction = grad
    elif c.hp["nesterov"]:
        direction = grad + momentum * buf
    else:
        direction = buf
    return {"momentum_buffer": buf, "direction": direction, "effective_step": c.lr * direction}


def _rmsprop(c: _Context, after: Terms) -> Terms:
    square_avg, grad_avg = after["square_avg"], after["grad_avg"]
    variance = square_avg - grad_avg * grad_avg if c.hp["centered"] else square_avg
    denom = np.sqrt(variance) + c.hp["eps"]
    if c.hp["momentum"] > 0:
        step = c.lr * after["momentum_buffer"]
    else:
        step = c.lr * c.coupled_grad() / denom
    terms = {"square_avg": square_avg, "denom": denom, "effective_step": step}
    if c.hp["centered"]:
        terms["grad_avg"] = grad_avg
    if c.hp["momentum"] > 0:
        terms["momentum_buffer"] = after["momentum_buffer"]
    return terms


def _adagrad(c: _Context, after: Terms) -> Terms:
    clr = c.lr / (1.0 + (c.step - 1) * c.hp["lr_decay"])
    denom = np.sqrt(after["sum"]) + c.hp["eps"]
    return {
        "sum": after["sum"],
        "clr": clr,
        "denom": denom,
        "effective_step": clr * c.coupled_grad() / denom,
    }


def _adadelta(c: _Context, after: Terms) -> Terms:
    eps = c.hp["eps"]
    delta = np.sqrt(c.before["acc_delta"] + eps) / np.sqrt(after["square_avg"] + eps)
    delta = delta * c.coupled_grad()
    return {
        "square_avg": after["square_avg"],
        "acc_delta": after["acc_delta"],
        "delta": delta,
        "effective_step": c.lr * delta,
    }


def _lion(c: _Context, after: Terms) -> Terms:
    beta1, _ = c.hp["betas"]
    blend = beta1 * c.before["exp_avg"] + (1.0 - beta1) * c.grad
    return {
        "blend": blend,
        "sign": np.sign(blend),
        "exp_avg": after["exp_avg"],
        "effective_step": c.lr * np.sign(blend),
    }


def _signsgd(c: _Context, after: Terms) -> Terms:
    return {"sign": np.sign(c.grad), "effective_step": c.lr * np.sign(c.grad)}


TERMS: dict[str, Callable[[_Context, Terms], Terms]] = {
    "sgd": _sgd,
    "adam": _adam,
    "adamw": _adam,
    "adamax": _adamax,
    "nadam": _nadam,
    "rmsprop": _rmsprop,
    "adagrad": _adagrad,
    "adadelta": _adadelta,
    "lion": _lion,
    "signsgd": _signsgd,
}
