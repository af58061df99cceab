"""Where the model fits of app/objectives/model_fitting.py have their minimum: exact least
squares, Newton's method, and the reweighted least squares of robust fits."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

from app.objectives.base import Minimum

GradHess = tuple[np.ndarray, np.ndarray]
MAX_PAIRS_N = 200  # an exact L1 fit tries every pair of samples: n² lines of n residuals each


def newton(
    grad_hess: Callable[[np.ndarray], GradHess], start: tuple[float, float], iters: int = 50
) -> np.ndarray:
    """Newton's method for the small convex fits (exact gradient and Hessian)."""
    p = np.array(start, dtype=np.float64)
    for _ in range(iters):
        g, h = grad_hess(p)
        step = np.linalg.solve(h, g)
        p = p - step
        if np.abs(step).max() < 1e-15:
            break
    return p


def minima_of(loss_fn: Any, best: np.ndarray | None) -> tuple[Minimum, ...]:
    """The fit's minimum, or none where it has no finite one (classes a line separates)."""
    if best is None:
        return ()
    value = float(loss_fn(best[None, :], None)[0])
    return (Minimum((float(best[0]), float(best[1])), value, "global"),)


def newton_or_none(
    grad_hess: Callable[[np.ndarray], GradHess], iters: int = 100
) -> np.ndarray | None:
    """Newton's minimum from (0, 0), or None when its steps do not shrink to nothing (no
    finite minimum: classes a line separates drive the weights off to infinity)."""
    p = np.zeros(2)
    with np.errstate(all="ignore"):
        for _ in range(iters):
            g, h = grad_hess(p)
            try:
                step = np.linalg.solve(h, g)
            except np.linalg.LinAlgError:
                return None
            p = p - step
            if not np.all(np.isfinite(p)):
                return None
            if np.abs(step).max() <= 1e-12 * max(1.0, float(np.abs(p).max())):
                return p
    return None


def fit_line(x: np.ndarray, y: np.ndarray, kind: str, delta: float) -> tuple[float, float]:
    """The line w·x + b minimising the mean loss of its residuals on (x, y)."""
    design = np.stack([x, np.ones_like(x)], axis=1)
    if kind == "mse":
        w, b = np.linalg.lstsq(design, y, rcond=None)[0]
        return float(w), float(b)
    if kind == "mae" and len(x) > MAX_PAIRS_N:
        return _l1_by_reweighting(design, y)
    if kind == "mae":
        # An L1 fit passes through two data points: try every pair and keep the best line.
        best, best_loss = (0.0, 0.0), np.inf
        for i, j in itertools.combinations(range(len(x)), 2):
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


def _l1_by_reweighting(design: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """An L1 fit by iteratively reweighted least squares (weights 1/|r|): close to the exact
    fit, which is too costly to search for among many samples."""
    coef = np.linalg.lstsq(design, y, rcond=None)[0]
    for _ in range(500):
        r = np.abs(design @ coef - y)
        wts = 1.0 / np.maximum(r, 1e-9 * max(float(r.max()), 1e-300))
        new = np.linalg.solve(design.T @ (wts[:, None] * design), design.T @ (wts * y))
        if np.abs(new - coef).max() < 1e-13 * max(1.0, float(np.abs(new).max())):
            return float(new[0]), float(new[1])
        coef = new
    return float(coef[0]), float(coef[1])
