"""Loss landscapes of small models over two weights, on the built-in datasets.

Each loss is the mean over samples; with a batch (N, B) of indices, row i averages only over
the samples batch[i] (the texts' "burst of three shots averaged into one loss").
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np

import app.engine as E
from app.objectives.base import Entry, Minimum, Objective, OptionSpec, batch_size_option
from app.objectives.data_models import Classification, Regression
from app.objectives.datasets import LINE, THREE_CLASSES, TWO_CLASSES, Dataset


def gather(data: Dataset, batch: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Inputs and targets as (1, n) for the full batch or (N, B) for per-run samples."""
    if batch is None:
        return data.x[None, :], data.y[None, :]
    return data.x[batch], data.y[batch]


def weight(points: Any, j: int) -> Any:
    """Column j as (N, 1) so it broadcasts against (N, B) samples."""
    return points[:, j].reshape(points.shape[0], 1)


def batch_size_of(settings: Mapping[str, object]) -> int | None:
    size = int(settings.get("batch_size") or 0)  # type: ignore[call-overload]
    return size or None


def _newton(grad_hess: Any, start: tuple[float, float], iters: int = 50) -> np.ndarray:
    """Newton's method for the small convex fits below (exact gradient and Hessian)."""
    p = np.array(start, dtype=np.float64)
    for _ in range(iters):
        g, h = grad_hess(p)
        step = np.linalg.solve(h, g)
        p = p - step
        if np.abs(step).max() < 1e-15:
            break
    return p


# --- linear regression --------------------------------------------------------------------

LINEAR_OPTIONS = (
    OptionSpec(
        "loss", "choice", "mse", "Per-sample loss on the residual.", ("mse", "mae", "huber")
    ),
    OptionSpec(
        "delta",
        "float",
        1.0,
        "Huber: residual size where quadratic turns linear.",
        low=0.05,
        high=10.0,
    ),
    batch_size_option(LINE.n),
)


def residual_loss(r: Any, kind: str, delta: float) -> Any:
    """Per-sample loss of residuals r: squared, absolute or Huber (½r² inside ±δ)."""
    if kind == "mse":
        return r * r
    a = E.abs(r)
    if kind == "mae":
        return a
    clipped = E.minimum(a, delta)
    return clipped * (a - 0.5 * clipped)


@lru_cache(maxsize=16)
def linear_minimum(kind: str, delta: float) -> tuple[float, float]:
    x, y = LINE.x, LINE.y
    design = np.stack([x, np.ones_like(x)], axis=1)
    if kind == "mse":
        w, b = np.linalg.lstsq(design, y, rcond=None)[0]
        return float(w), float(b)
    if kind == "mae":
        # An L1 fit passes through two data points: try every pair and keep the best line.
        best, best_loss = (0.0, 0.0), np.inf
        for i, j in itertools.combinations(range(LINE.n), 2):
            if x[i] == x[j]:
                continue
            w = (y[j] - y[i]) / (x[j] - x[i])
            b = y[i] - w * x[i]
            loss = np.abs(w * x + b - y).mean()
            if loss < best_loss:
                best, best_loss = (float(w), float(b)), loss
        return best
    # Huber: iteratively reweighted least squares, monotone and exact at its fixed point.
    coef = np.linalg.lstsq(design, y, rcond=None)[0]
    for _ in range(500):
        r = design @ coef - y
        wts = np.minimum(1.0, delta / np.maximum(np.abs(r), 1e-300))
        new = np.linalg.solve(design.T @ (wts[:, None] * design), design.T @ (wts * y))
        if np.abs(new - coef).max() < 1e-14:
            coef = new
            break
        coef = new
    return float(coef[0]), float(coef[1])


def line(points: Any, x: Any) -> Any:
    """ŷ = w·x + b for every point (N, 2) and input (1, n) or (N, B)."""
    return weight(points, 0) * x + weight(points, 1)


def _build_linear(settings: Mapping[str, object]) -> Objective:
    kind = str(settings["loss"])
    delta = float(settings["delta"])  # type: ignore[arg-type]

    def loss_fn(points: Any, batch: np.ndarray | None) -> Any:
        x, y = gather(LINE, batch)
        r = line(points, x) - y
        return residual_loss(r, kind, delta).mean(axis=1)

    w, b = linear_minimum(kind, delta)
    value = float(loss_fn(np.array([[w, b]]), None)[0])
    per_sample = {"mse": "(ŷ − y)²", "mae": "|ŷ − y|", "huber": "Huber_δ(ŷ − y)"}[kind]
    return Objective(
        id="linear-regression",
        title="Linear regression",
        group="model-fitting",
        dim=2,
        view_box=((-2.0, 5.0), (-4.0, 5.0)),
        default_start=(-1.5, 4.0),
        minima=(Minimum((w, b), value, "global"),),
        formula=f"L(w, b) = mean over samples of {per_sample}, ŷ = w·x + b",
        description=(
            "Fit a line to 24 points, two of them outliers. MSE squares the residuals, so the "
            "outliers drag its minimum away; MAE grows only linearly (its surface has creases) "
            "and Huber is quadratic near zero and linear beyond δ."
        ),
        loss_fn=loss_fn,
        n_samples=LINE.n,
        batch_size=batch_size_of(settings),
        param_names=("w", "b"),
        default_lr=0.1,
        data=Regression(x_label="x", y_label="y", x=LINE.x, y=LINE.y, predict=line),
    )


# --- logistic regression ------------------------------------------------------------------


def _logistic_grad_hess(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    feats = np.stack([TWO_CLASSES.x, np.ones(TWO_CLASSES.n)], axis=1)
    prob = 1.0 / (1.0 + np.exp(-(feats @ p)))
    g = feats.T @ (prob - TWO_CLASSES.y) / TWO_CLASSES.n
    h = (feats.T * (prob * (1.0 - prob))) @ feats / TWO_CLASSES.n
    return g, h


def _logistic_logits(points: Any, x: Any) -> Any:
    """Class logits (0, w·x + b): P(class 1) = sigmoid(w·x + b), the loss's own z."""
    z = np.asarray(line(points, x))
    return np.stack([np.zeros_like(z), z], axis=-1)


def _build_logistic(settings: Mapping[str, object]) -> Objective:
    def loss_fn(points: Any, batch: np.ndarray | None) -> Any:
        x, y = gather(TWO_CLASSES, batch)
        z = line(points, x)
        # BCE written as softplus(z) − y·z: no log(0) even when sigmoid(z) rounds to 0 or 1.
        return (E.softplus(z) - y * z).mean(axis=1)

    best = _newton(_logistic_grad_hess, (0.0, 0.0))
    value = float(loss_fn(best[None, :], None)[0])
    return Objective(
        id="logistic-regression",
        title="Logistic regression",
        group="model-fitting",
        dim=2,
        view_box=((-3.0, 7.0), (-5.0, 5.0)),
        default_start=(-2.0, 4.0),
        minima=(Minimum((float(best[0]), float(best[1])), value, "global"),),
        formula="L(w, b) = mean of −[y·log p + (1 − y)·log(1 − p)], p = sigmoid(w·x + b)",
        description=(
            "Binary cross-entropy of a one-feature classifier on two overlapping classes. "
            "Because the classes overlap, the loss has a finite lowest point instead of "
            "sliding away forever."
        ),
        loss_fn=loss_fn,
        n_samples=TWO_CLASSES.n,
        batch_size=batch_size_of(settings),
        param_names=("w", "b"),
        default_lr=0.5,
        data=Classification(
            x_label="x",
            y_label="probability",
            x=TWO_CLASSES.x,
            y=TWO_CLASSES.y,
            classes=("class 0", "class 1"),
            logits=_logistic_logits,
        ),
    )


# --- softmax classifier -------------------------------------------------------------------

SOFTMAX_BIAS = 1.0  # fixed logit of the centre class, so the two weights are the only freedom


def _softmax_grad_hess(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = THREE_CLASSES.x, THREE_CLASSES.y
    logits = np.stack([p[0] * x, p[1] * x, np.full_like(x, SOFTMAX_BIAS)], axis=1)
    prob = np.exp(logits - logits.max(axis=1, keepdims=True))
    prob /= prob.sum(axis=1, keepdims=True)
    resid = prob[:, :2] - np.eye(3)[y][:, :2]
    g = (resid * x[:, None]).mean(axis=0)
    q = prob[:, :2]
    cov = np.einsum("ik,kl->ikl", q, np.eye(2)) - q[:, :, None] * q[:, None, :]
    h = (cov * (x * x)[:, None, None]).mean(axis=0)
    return g, h


def _softmax_logits(points: Any, x: Any) -> Any:
    """Logits (w₁·x, w₂·x, 1) of the three classes, (N, n, 3)."""
    z0 = weight(points, 0) * x
    z1 = weight(points, 1) * x
    z2 = np.full(z0.shape, SOFTMAX_BIAS)
    return E.stack([z0, z1, z2], axis=2)


def _build_softmax(settings: Mapping[str, object]) -> Objective:
    def loss_fn(points: Any, batch: np.ndarray | None) -> Any:
        x, y = gather(THREE_CLASSES, batch)
        log_p = E.log_softmax(_softmax_logits(points, x), axis=2)
        return -(log_p * np.eye(3)[y]).sum(axis=2).mean(axis=1)

    best = _newton(_softmax_grad_hess, (0.0, 0.0))
    value = float(loss_fn(best[None, :], None)[0])
    return Objective(
        id="softmax-classifier",
        title="Softmax classifier",
        group="model-fitting",
        dim=2,
        view_box=((-6.0, 4.0), (-4.0, 6.0)),
        default_start=(3.0, -3.0),
        minima=(Minimum((float(best[0]), float(best[1])), value, "global"),),
        formula="L(w₁, w₂) = mean of −log softmax(w₁·x, w₂·x, 1)[class]",
        description=(
            "Categorical cross-entropy for three classes along a line: left, right and centre. "
            "Logits are (w₁·x, w₂·x, 1); the centre class keeps a fixed logit of 1 so that "
            "two weights describe the whole model."
        ),
        loss_fn=loss_fn,
        n_samples=THREE_CLASSES.n,
        batch_size=batch_size_of(settings),
        param_names=("w1", "w2"),
        default_lr=0.5,
        data=Classification(
            x_label="x",
            y_label="probability",
            x=THREE_CLASSES.x,
            y=THREE_CLASSES.y,
            classes=("left", "right", "centre"),
            logits=_softmax_logits,
        ),
    )


ENTRIES: tuple[Entry, ...] = (
    Entry("linear-regression", LINEAR_OPTIONS, _build_linear),
    Entry("logistic-regression", (batch_size_option(TWO_CLASSES.n),), _build_logistic),
    Entry("softmax-classifier", (batch_size_option(THREE_CLASSES.n),), _build_softmax),
)
