"""Tables of samples a network (or a model fit) trains on: features, a target, and their split.

A table is regression (float targets) or classification (class ids 0..K-1 with their names). The
split into train and test rows and the standardisation learnt from the train rows are plain
functions, so the route, the loss and the page all see the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_ROWS = 5_000
MAX_FEATURES = 16
MAX_CLASSES = 10


@dataclass(frozen=True, eq=False)
class Table:
    """Samples: features (n, f) and target (n,), floats for regression or class ids."""

    name: str
    features: np.ndarray
    target: np.ndarray
    feature_names: tuple[str, ...]
    target_name: str
    classes: tuple[str, ...] | None = None  # None: a regression target

    @property
    def n(self) -> int:
        return int(self.features.shape[0])

    @property
    def is_classification(self) -> bool:
        return self.classes is not None

    def rows(self, index: np.ndarray) -> Table:
        return Table(
            self.name,
            frozen(self.features[index]),
            frozen(self.target[index]),
            self.feature_names,
            self.target_name,
            self.classes,
        )


def frozen(array: np.ndarray) -> np.ndarray:
    """A read-only copy: tables are shared by cached objectives, so nobody may change them."""
    out = np.array(array)
    out.flags.writeable = False
    return out


def make_table(
    name: str,
    features: np.ndarray,
    target: np.ndarray,
    feature_names: tuple[str, ...],
    target_name: str,
    classes: tuple[str, ...] | None = None,
) -> Table:
    features = np.asarray(features, dtype=np.float64).reshape(len(target), -1)
    target = np.asarray(target, dtype=np.int64 if classes is not None else np.float64)
    return Table(name, frozen(features), frozen(target), feature_names, target_name, classes)


@dataclass(frozen=True, eq=False)
class Split:
    """Train and test rows of one table (test may be empty)."""

    train: Table
    test: Table


def split_rows(table: Table, test_fraction: float, seed: int) -> Split:
    """A seeded random split; round(n · test_fraction) test rows, at least one train row."""
    n_test = min(round(table.n * test_fraction), table.n - 1)
    order = np.random.default_rng(seed).permutation(table.n)
    test, train = np.sort(order[:n_test]), np.sort(order[n_test:])
    return Split(table.rows(train), table.rows(test))


@dataclass(frozen=True, eq=False)
class Scaling:
    """x ↦ (x − shift) / scale per feature, and the same for a regression target."""

    feature_shift: np.ndarray
    feature_scale: np.ndarray
    target_shift: float = 0.0
    target_scale: float = 1.0

    def features(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=np.float64) - self.feature_shift) / self.feature_scale

    def target(self, y: np.ndarray) -> np.ndarray:
        return (np.asarray(y, dtype=np.float64) - self.target_shift) / self.target_scale

    def untarget(self, y: np.ndarray) -> np.ndarray:
        """A prediction in the target's own units."""
        return np.asarray(y) * self.target_scale + self.target_shift


def identity_scaling(n_features: int) -> Scaling:
    return Scaling(np.zeros(n_features), np.ones(n_features))


def standard_scaling(train: Table) -> Scaling:
    """Zero mean and unit spread on the train rows; a constant column is only shifted."""
    mean = train.features.mean(axis=0)
    std = train.features.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    if train.is_classification:
        return Scaling(mean, std)
    t_std = float(train.target.std())
    return Scaling(mean, std, float(train.target.mean()), t_std if t_std > 0 else 1.0)
