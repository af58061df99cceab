"""Directions spanning a 2-D slice of weight space (Li et al. 2018, "Visualizing the Loss
Landscape of Neural Nets"; tomgoldstein/loss-landscape's net_plotter.py and projection.py).

- random: two Gaussian directions, each filter (a row of a layer's weight: one unit's incoming
  weights) scaled to the norm of the same filter at the centre, so the slice's scale follows the
  network's own; bias directions are zero (their `ignore="biasbn"`);
- pca: the first two principal components of a trajectory's points, orthonormal, signed so the
  trajectory's start lies at negative coordinates of both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.errors import FieldError
from app.objectives import Objective
from app.objectives.data_models import Network
from app.objectives.network import Block

FILTER_EPS = 1e-10  # as their normalize_direction: keeps a zero direction row finite


class LandscapeError(FieldError):
    """A slice that cannot be drawn: which field, and why."""


@dataclass(frozen=True)
class Directions:
    """Two directions (2, d) and, for principal components, the share of the trajectory's
    variance each explains (None for random directions)."""

    vectors: np.ndarray
    explained: tuple[float, float] | None = None


def is_network(objective: Objective) -> bool:
    return isinstance(objective.data, Network)


def blocks_of(objective: Objective) -> tuple[Block, ...]:
    """A network's parameter tensors; any other objective is one filter of all its weights."""
    if isinstance(objective.data, Network):
        return objective.data.architecture.blocks
    return (Block("params", 0, (1, objective.dim)),)


def filter_normalized(direction: np.ndarray, center: np.ndarray, blocks: Sequence[Block]) -> None:
    """Scale each filter of direction (d,) in place to its centre's norm; zero the biases."""
    for block in blocks:
        part = direction[block.start : block.stop]
        if not block.is_weight:
            part[:] = 0.0
            continue
        rows = part.reshape(block.shape)
        weights = center[block.start : block.stop].reshape(block.shape)
        scale = np.linalg.norm(weights, axis=1) / (np.linalg.norm(rows, axis=1) + FILTER_EPS)
        rows *= scale[:, None]


def random_directions(
    objective: Objective, center: np.ndarray, seed: int, *, normalize: str = "filter"
) -> Directions:
    """Two seeded Gaussian directions through center (d,): "filter" normalised as above, or
    "unit" (each scaled to length 1, for surfaces whose weights have no layers)."""
    center = checked_vector(objective, center, "center")
    vectors = np.random.default_rng(seed).normal(size=(2, objective.dim))
    if normalize == "filter":
        for row in vectors:
            filter_normalized(row, center, blocks_of(objective))
    elif normalize == "unit":
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    else:
        raise LandscapeError("normalize", "must be 'filter' or 'unit'")
    if not np.all(np.any(vectors != 0.0, axis=1)):
        raise LandscapeError(
            "center", "every weight is 0 there, so filter-normalised directions vanish"
        )
    return Directions(vectors)


def pca_directions(objective: Objective, path: np.ndarray) -> Directions:
    """The first two principal components of the path's points (T, d)."""
    path = np.asarray(path, dtype=np.float64)
    if path.ndim != 2 or path.shape[1] != objective.dim or len(path) < 3:
        raise LandscapeError("path", f"needs at least 3 points of {objective.dim} numbers")
    if not np.all(np.isfinite(path)):
        raise LandscapeError("path", "holds numbers that are not finite")
    centered = path - path.mean(axis=0)
    _, singular, components = np.linalg.svd(centered, full_matrices=False)
    variance = singular**2
    if len(variance) < 2 or variance[1] <= 1e-24 * max(variance[0], 1e-300):
        raise LandscapeError("path", "moves along one line at most: use random directions")
    vectors = components[:2].copy()
    start = (path[0] - path[-1]) @ vectors.T
    vectors[start > 0] *= -1.0
    total = float(variance.sum())
    return Directions(vectors, (float(variance[0] / total), float(variance[1] / total)))


def checked_vector(objective: Objective, vector: np.ndarray, field: str) -> np.ndarray:
    vector = np.asarray(vector, dtype=np.float64).reshape(-1)
    if vector.shape != (objective.dim,):
        raise LandscapeError(field, f"needs {objective.dim} numbers, got {vector.size}")
    if not np.all(np.isfinite(vector)):
        raise LandscapeError(field, "holds numbers that are not finite")
    return vector
