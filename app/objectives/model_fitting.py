"""Loss landscapes of small models over two weights, on the built-in datasets.

Each loss is the mean over samples; with a batch (N, B) of indices, row i averages only over
the samples batch[i] (the texts' "burst of three shots averaged into one loss").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import numpy as np

import app.engine as E
from app.objectives.base import Entry, Minimum, Objective, OptionSpec, batch_size_option
from app.objectives.data_models import Classification, Regression
from app.objectives.datasets import LINE, THREE_CLASSES, TWO_CLASSES, Dataset
from app.objectives.fit_minima import fit_line, minima_of, newton, newton_or_none


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
    return fit_line(LINE.x, LINE.y, kind, delta)


def line(points: Any, x: Any) -> Any:
    """ŷ = w·x + b for every point (N, 2) and input (1, n) or (N, B)."""
    return weight(points, 0) * x + weight(points, 1)


def _build_linear(settings: Mapping[str, object], data: Dataset = LINE) -> Objective:
    kind = str(settings["loss"])
    delta = float(settings["delta"])  # type: ignore[arg-type]

    def loss_fn(points: Any, batch: np.ndarray | None) -> Any:
        x, y = gather(data, batch)
        r = line(points, x) - y
        return residual_loss(r, kind, delta).mean(axis=1)

    w, b = linear_minimum(kind, delta) if data is LINE else fit_line(data.x, data.y, kind, delta)
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
        n_samples=data.n,
        batch_size=batch_size_of(settings),
        param_names=("w", "b"),
        default_lr=0.1,
        data=Regression(x_label="x", y_label="y", x=data.x, y=data.y, predict=line),
    )


# --- logistic regression ------------------------------------------------------------------


def _logistic_grad_hess(
    p: np.ndarray, data: Dataset = TWO_CLASSES
) -> tuple[np.ndarray, np.ndarray]:
    feats = np.stack([data.x, np.ones(data.n)], axis=1)
    prob = 1.0 / (1.0 + np.exp(-(feats @ p)))
    g = feats.T @ (prob - data.y) / data.n
    h = (feats.T * (prob * (1.0 - prob))) @ feats / data.n
    return g, h


def _logistic_logits(points: Any, x: Any) -> Any:
    """Class logits (0, w·x + b): P(class 1) = sigmoid(w·x + b), the loss's own z."""
    z = np.asarray(line(points, x))
    return np.stack([np.zeros_like(z), z], axis=-1)


def _build_logistic(settings: Mapping[str, object], data: Dataset = TWO_CLASSES) -> Objective:
    def loss_fn(points: Any, batch: np.ndarray | None) -> Any:
        x, y = gather(data, batch)
        z = line(points, x)
        # BCE written as softplus(z) − y·z: no log(0) even when sigmoid(z) rounds to 0 or 1.
        return (E.softplus(z) - y * z).mean(axis=1)

    if data is TWO_CLASSES:
        best: np.ndarray | None = newton(_logistic_grad_hess, (0.0, 0.0))
    else:
        best = newton_or_none(lambda p: _logistic_grad_hess(p, data))
    return Objective(
        id="logistic-regression",
        title="Logistic regression",
        group="model-fitting",
        dim=2,
        view_box=((-3.0, 7.0), (-5.0, 5.0)),
        default_start=(-2.0, 4.0),
        minima=minima_of(loss_fn, best),
        formula="L(w, b) = mean of −[y·log p + (1 − y)·log(1 − p)], p = sigmoid(w·x + b)",
        description=(
            "Binary cross-entropy of a one-feature classifier on two overlapping classes. "
            "Because the classes overlap, the loss has a finite lowest point instead of "
            "sliding away forever."
        ),
        loss_fn=loss_fn,
        n_samples=data.n,
        batch_size=batch_size_of(settings),
        param_names=("w", "b"),
        default_lr=0.5,
        data=Classification(
            x_label="x",
            y_label="probability",
            x=data.x,
            y=data.y,
            classes=("class 0", "class 1"),
            logits=_logistic_logits,
        ),
    )


# --- softmax classifier -------------------------------------------------------------------

SOFTMAX_BIAS = 1.0  # fixed logit of the centre class, so the two weights are the only freedom


def _softmax_grad_hess(
    p: np.ndarray, data: Dataset = THREE_CLASSES
) -> tuple[np.ndarray, np.ndarray]:
    x, y = data.x, data.y
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


def _build_softmax(settings: Mapping[str, object], data: Dataset = THREE_CLASSES) -> Objective:
    def loss_fn(points: Any, batch: np.ndarray | None) -> Any:
        x, y = gather(data, batch)
        log_p = E.log_softmax(_softmax_logits(points, x), axis=2)
        return -(log_p * np.eye(3)[y]).sum(axis=2).mean(axis=1)

    if data is THREE_CLASSES:
        best: np.ndarray | None = newton(_softmax_grad_hess, (0.0, 0.0))
    else:
        best = newton_or_none(lambda p: _softmax_grad_hess(p, data))
    return Objective(
        id="softmax-classifier",
        title="Softmax classifier",
        group="model-fitting",
        dim=2,
        view_box=((-6.0, 4.0), (-4.0, 6.0)),
        default_start=(3.0, -3.0),
        minima=minima_of(loss_fn, best),
        formula="L(w₁, w₂) = mean of −log softmax(w₁·x, w₂·x, 1)[class]",
        description=(
            "Categorical cross-entropy for three classes along a line: left, right and centre. "
            "Logits are (w₁·x, w₂·x, 1); the centre class keeps a fixed logit of 1 so that "
            "two weights describe the whole model."
        ),
        loss_fn=loss_fn,
        n_samples=data.n,
        batch_size=batch_size_of(settings),
        param_names=("w1", "w2"),
        default_lr=0.5,
        data=Classification(
            x_label="x",
            y_label="probability",
            x=data.x,
            y=data.y,
            classes=("left", "right", "centre"),
            logits=_softmax_logits,
        ),
    )


ENTRIES: tuple[Entry, ...] = (
    Entry("linear-regression", LINEAR_OPTIONS, _build_linear),
    Entry("logistic-regression", (batch_size_option(TWO_CLASSES.n),), _build_logistic),
    Entry("softmax-classifier", (batch_size_option(THREE_CLASSES.n),), _build_softmax),
)

# The fits that take your data instead (app/objectives/fits_on_data.py): builder, and the
# classes the data must have (None: a numeric target).
ON_DATA: dict[str, tuple[Callable[[Mapping[str, object], Dataset], Objective], int | None]] = {
    "linear-regression": (_build_linear, None),
    "logistic-regression": (_build_logistic, 2),
    "softmax-classifier": (_build_softmax, 3),
}
