"""The loss over a 2-D slice of weight space, and paths projected onto it.

The slice through a centre c along directions d₁, d₂ is L(c + α·d₁ + β·d₂) on a grid of α
(columns) and β (rows): z[i][j] = L(c + α[j]·d₁ + β[i]·d₂), as POST /surface lays out z.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.landscape.directions import (
    Directions,
    LandscapeError,
    checked_vector,
    pca_directions,
    random_directions,
)
from app.objectives import Objective
from app.objectives.data_models import Network

WORK_PER_CHUNK = 2_000_000  # floats of activations a chunk of grid points may take
MARGIN = 0.25  # a PCA slice spans its path plus this fraction of the path's extent


def _chunk(objective: Objective) -> int:
    """How many grid points to evaluate at once, so a network's activations stay small."""
    data = objective.data
    if objective.n_samples is None or not isinstance(data, Network):
        return 4096
    widest = max(data.architecture.sizes)
    return max(1, WORK_PER_CHUNK // (objective.n_samples * widest))


def slice_losses(
    objective: Objective,
    center: np.ndarray,
    directions: np.ndarray,
    alphas: np.ndarray,
    betas: np.ndarray,
    should_stop: Callable[[], bool] | None = None,
) -> np.ndarray:
    """z (len(betas), len(alphas)): the full loss at center + α·d₁ + β·d₂. should_stop is asked
    between chunks; when it says so, the points not reached stay NaN."""
    center = checked_vector(objective, center, "center")
    directions = np.asarray(directions, dtype=np.float64)
    if directions.shape != (2, objective.dim):
        raise LandscapeError("directions", f"needs 2 rows of {objective.dim} numbers")
    alphas, betas = np.asarray(alphas, np.float64), np.asarray(betas, np.float64)
    a, b = np.meshgrid(alphas, betas)  # row i: betas[i], every alpha
    coefficients = np.stack([a.reshape(-1), b.reshape(-1)], axis=1)
    out = np.full(len(coefficients), np.nan)
    step = _chunk(objective)
    with np.errstate(all="ignore"):
        for lo in range(0, len(coefficients), step):
            if should_stop is not None and should_stop():
                break
            points = center + coefficients[lo : lo + step] @ directions
            out[lo : lo + step] = np.asarray(objective.loss(points), dtype=np.float64)
    return out.reshape(len(betas), len(alphas))


def project_path(
    path: np.ndarray, center: np.ndarray, directions: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates (T, 2) of each point of path (T, d) in the plane through center spanned by
    directions (2, d) (least squares, for directions that are not orthogonal), and each
    point's distance (T,) from the plane: 0 for a path lying in it."""
    path = np.asarray(path, dtype=np.float64)
    offsets = path - np.asarray(center, dtype=np.float64)
    basis = np.asarray(directions, dtype=np.float64).T  # (d, 2)
    coords, *_ = np.linalg.lstsq(basis, offsets.T, rcond=None)
    residual = offsets - coords.T @ basis.T
    return coords.T, np.linalg.norm(residual, axis=1)


@dataclass(frozen=True)
class Landscape:
    """A slice ready to draw: its grid, its losses, and the path on it."""

    center: np.ndarray  # (d,)
    directions: Directions
    alphas: np.ndarray  # (nx,)
    betas: np.ndarray  # (ny,)
    z: np.ndarray  # (ny, nx)
    path: np.ndarray | None  # (T, 2) coordinates, or None
    path_offset: np.ndarray | None  # (T,) distances from the plane


def landscape(
    objective: Objective,
    center: np.ndarray,
    *,
    method: str = "random",
    path: np.ndarray | None = None,
    seed: int = 0,
    resolution: int = 41,
    span: float | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Landscape:
    """The slice through center along random filter-normalised directions ("random"; unit
    length where every weight is 0) or the
    path's first two principal components ("pca"), with the path (T, d), if given, projected
    onto it. span: the half-width of the square grid of α and β (default: 1 for random
    directions, the path's extent plus a margin for principal components)."""
    center = checked_vector(objective, center, "center")
    if objective.dim < 2:
        raise LandscapeError("objective", "a slice needs at least 2 weights")
    if resolution < 2:
        raise LandscapeError("resolution", "must be at least 2")
    if method == "random":
        network = objective.data is not None and objective.data.kind == "network"
        try:
            normalize = "filter" if network else "unit"
            directions = random_directions(objective, center, seed, normalize=normalize)
        except LandscapeError:  # every weight 0 (a zeros init): no filter has a norm to follow
            directions = random_directions(objective, center, seed, normalize="unit")
    elif method == "pca":
        if path is None:
            raise LandscapeError("path", "principal components need the run's path")
        directions = pca_directions(objective, path)
    else:
        raise LandscapeError("method", "must be 'random' or 'pca'")
    coords = offset = None
    if path is not None:
        coords, offset = project_path(path, center, directions.vectors)
    if span is None:
        span = 1.0
        if method == "pca" and coords is not None:
            span = float(np.abs(coords).max()) * (1.0 + MARGIN) or 1.0
    if not (np.isfinite(span) and span > 0):
        raise LandscapeError("span", "must be a positive number")
    grid = np.linspace(-span, span, resolution)
    z = slice_losses(objective, center, directions.vectors, grid, grid, should_stop)
    return Landscape(center, directions, grid, grid.copy(), z, coords, offset)
