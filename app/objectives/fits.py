"""The data behind a fit, and the model's predictions at given points (the data panel).

Every number comes from the objective's own code: the loss from `objective.loss`, predictions
from the model functions its loss calls (app/objectives/data_models.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from app.objectives.base import Objective, ObjectiveError
from app.objectives.data_models import Classification, Distribution, Network, Regression, Target
from app.objectives.network_view import network_report

# The model's curve spans the samples' inputs plus this fraction of their span on each side.
GRID_MARGIN = 0.1


def fit_report(objective: Objective, points: np.ndarray, resolution: int) -> dict[str, Any]:
    """Samples, the model's curve and per-sample predictions at each point (P, dim)."""
    data = objective.data
    if data is None:
        raise ObjectiveError(
            "objective", f"{objective.id!r} fits no data: it is a plain surface with no model"
        )
    if isinstance(data, Network):
        return network_report(objective, points, resolution)
    with np.errstate(all="ignore"):
        loss = np.asarray(objective.loss(points), dtype=np.float64)
        if isinstance(data, Regression):
            body, fits = _regression(data, points, resolution)
        elif isinstance(data, Classification):
            body, fits = _classification(data, points, resolution)
        elif isinstance(data, Distribution):
            body, fits = _distribution(data, points)
        else:
            body, fits = _target(data, points)
    fits = [{"loss": float(value), **fit} for fit, value in zip(fits, loss, strict=True)]
    return {
        "kind": data.kind,
        "x_label": data.x_label,
        "y_label": data.y_label,
        **body,
        "fits": fits,
    }


def _grid(x: np.ndarray, resolution: int) -> np.ndarray:
    lo, hi = float(x.min()), float(x.max())
    pad = GRID_MARGIN * (hi - lo) if hi > lo else 1.0
    return np.linspace(lo - pad, hi + pad, resolution)


def _fit(**fields: Any) -> dict[str, Any]:
    empty = {"curve": None, "residuals": None, "boundaries": None, "table": None}
    return {**empty, **fields}


def _regression(data: Regression, points: np.ndarray, resolution: int) -> tuple[dict, list]:
    grid = _grid(data.x, resolution)
    curves = np.asarray(data.predict(points, grid[None, :]))
    predictions = np.asarray(data.predict(points, data.x[None, :]))
    fits = []
    for curve, predicted in zip(curves, predictions, strict=True):
        residuals = predicted - data.y
        table = None
        if data.table:
            table = [
                {"input": x, "target": y, "prediction": p, "error": e}
                for x, y, p, e in zip(
                    data.x.tolist(),
                    data.y.tolist(),
                    predicted.tolist(),
                    residuals.tolist(),
                    strict=True,
                )
            ]
        fits.append(_fit(curve=curve, predictions=predicted, residuals=residuals, table=table))
    body = {"samples": {"x": data.x, "y": data.y}, "classes": None, "grid": grid}
    return body, fits


def _probabilities(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    weights = np.exp(shifted)
    return weights / weights.sum(axis=-1, keepdims=True)


def _classification(data: Classification, points: np.ndarray, resolution: int) -> tuple[dict, list]:
    grid = _grid(data.x, resolution)
    on_grid = _probabilities(np.asarray(data.logits(points, grid[None, :])))  # (P, G, K)
    at_samples = _probabilities(np.asarray(data.logits(points, data.x[None, :])))  # (P, n, K)
    true_class = np.take_along_axis(at_samples, data.y[None, :, None], axis=2)[:, :, 0]
    # The logits are linear in x: their values at 0 and 1 give each class's line.
    intercept = np.asarray(data.logits(points, np.zeros((1, 1))))[:, 0, :]
    slope = np.asarray(data.logits(points, np.ones((1, 1))))[:, 0, :] - intercept
    fits = [
        _fit(
            curve=on_grid[p].T,
            predictions=true_class[p],
            boundaries=class_boundaries(slope[p], intercept[p], grid[0], grid[-1]),
        )
        for p in range(len(points))
    ]
    body = {"samples": {"x": data.x, "y": data.y}, "classes": data.classes, "grid": grid}
    return body, fits


def class_boundaries(slope: np.ndarray, intercept: np.ndarray, lo: float, hi: float) -> list:
    """Where in (lo, hi) the class with the largest logit slope·x + intercept changes."""
    classes = len(slope)
    crossings = set()
    for j in range(classes):
        for k in range(j + 1, classes):
            gap = slope[j] - slope[k]
            if gap != 0:
                x = (intercept[k] - intercept[j]) / gap
                if np.isfinite(x) and lo < x < hi:
                    crossings.add(float(x))
    candidates = sorted(crossings)
    edges = np.array([lo, *candidates, hi])
    middles = (edges[:-1] + edges[1:]) / 2.0
    winners = np.argmax(middles[:, None] * slope[None, :] + intercept[None, :], axis=1)
    return [x for i, x in enumerate(candidates) if winners[i] != winners[i + 1]]


def _distribution(data: Distribution, points: np.ndarray) -> tuple[dict, list]:
    q = np.exp(np.asarray(data.log_q(points)))  # (P, K)
    outcomes = np.arange(len(data.classes), dtype=np.float64)
    fits = [_fit(curve=row, predictions=row) for row in q]
    body = {"samples": {"x": outcomes, "y": data.target}, "classes": data.classes, "grid": outcomes}
    return body, fits


def _target(data: Target, points: np.ndarray) -> tuple[dict, list]:
    predictions = np.asarray(data.predict(points), dtype=np.float64)
    fits = []
    for predicted in predictions.tolist():
        error = predicted - data.target
        row = {"input": data.input, "target": data.target, "prediction": predicted, "error": error}
        fits.append(_fit(predictions=[predicted], table=[row]))
    body = {"samples": {"x": [data.input], "y": [data.target]}, "classes": None, "grid": None}
    return body, fits
