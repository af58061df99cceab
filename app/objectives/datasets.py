"""Small built-in datasets: fixed seeds and rounding make every surface reproducible."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Dataset:
    """Inputs `x` (n,) and targets `y` (n,): floats for regression, class ids for classifiers."""

    name: str
    x: np.ndarray
    y: np.ndarray

    @property
    def n(self) -> int:
        return int(self.x.shape[0])


def _frozen(name: str, x: np.ndarray, y: np.ndarray) -> Dataset:
    x = np.array(x, dtype=np.float64)
    y = np.array(y)
    x.flags.writeable = False  # shared by every objective instance, so nobody may mutate it
    y.flags.writeable = False
    return Dataset(name, x, y)


def _line_with_outliers() -> Dataset:
    """24 points near y = 2x + 1 (noise σ = 0.5) plus two far-off outliers on the right."""
    rng = np.random.default_rng(20240501)
    x = np.round(np.sort(rng.uniform(-3.0, 3.0, 24)), 2)
    y = np.round(2.0 * x + 1.0 + rng.normal(0.0, 0.5, 24), 2)
    y[[19, 22]] -= 9.0  # outliers below the line: MSE tilts towards them, MAE barely notices
    return _frozen("line-with-outliers", x, y)


def _two_classes() -> Dataset:
    """Two overlapping 1-D classes (12 each), so the logistic loss has a finite minimum."""
    rng = np.random.default_rng(11)
    x = np.round(np.concatenate([rng.normal(-1.0, 1.0, 12), rng.normal(1.5, 1.0, 12)]), 2)
    y = np.repeat([0, 1], 12)
    return _frozen("two-classes", x, y)


def _three_classes() -> Dataset:
    """Three overlapping 1-D classes (8 each): class 0 left, class 1 right, class 2 centre."""
    rng = np.random.default_rng(5)
    centres = np.repeat([-2.0, 2.0, 0.0], 8)
    x = np.round(centres + rng.normal(0.0, 1.0, 24), 2)
    y = np.repeat([0, 1, 2], 8)
    return _frozen("three-classes", x, y)


def _die_rolls() -> Dataset:
    """Ten rolls of a three-sided die: 6 × class 0, 3 × class 1, 1 × class 2 = p (0.6, 0.3, 0.1)."""
    y = np.array([0] * 6 + [1] * 3 + [2])
    return _frozen("die-rolls", np.zeros(10), y)


def _black_box() -> Dataset:
    """Table 2-1 of the black-box text: input → output of the box."""
    return _frozen(
        "black-box", np.array([1.0, 1.1, 1.2, 2.0]), np.array([2.21, 2.431, 2.652, 4.42])
    )


LINE = _line_with_outliers()
TWO_CLASSES = _two_classes()
THREE_CLASSES = _three_classes()
DIE_ROLLS = _die_rolls()
BLACK_BOX = _black_box()
