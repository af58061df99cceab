"""The objective data model: what a loss surface is, its minima, and its tunable options."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from app.errors import FieldError
from app.objectives.data_models import DataModel

# (points (N, dim), batch (N, B) of sample indices or None) -> per-point losses (N,)
LossFn = Callable[[Any, "np.ndarray | None"], Any]
Metrics = Callable[[np.ndarray], dict[str, np.ndarray]]

GROUPS = ("test-function", "one-dimensional", "model-fitting", "worked-example", "custom")


class ObjectiveError(FieldError):
    """A bad objective spec."""


@dataclass(frozen=True)
class Minimum:
    point: tuple[float, ...]
    value: float
    kind: str  # "global" | "local"


@dataclass(frozen=True)
class OptionSpec:
    name: str
    kind: str  # "choice" | "int" | "float" | "bool"
    default: object
    description: str
    choices: tuple[str, ...] | None = None
    low: float | None = None
    high: float | None = None


def _frozen_empty() -> Mapping[str, object]:
    return MappingProxyType({})


@dataclass(frozen=True, kw_only=True)
class Objective:
    id: str
    title: str
    group: str
    dim: int
    view_box: tuple[tuple[float, float], ...]
    default_start: tuple[float, ...]
    minima: tuple[Minimum, ...]
    formula: str
    description: str
    loss_fn: LossFn = field(repr=False, compare=False)
    options: tuple[OptionSpec, ...] = ()
    settings: Mapping[str, object] = field(default_factory=_frozen_empty)
    n_samples: int | None = None
    batch_size: int | None = None
    param_names: tuple[str, ...] = ("x", "y")
    default_lr: float | None = None
    # The data and model behind a fit (None for test functions and custom formulas).
    data: DataModel | None = field(default=None, repr=False, compare=False)
    # Numbers reported beside the loss at each kept step (a network's test loss and accuracy):
    # metrics(points (N, dim)) gives {name: (N,)} for every name in metric_names.
    metric_names: tuple[str, ...] = ()
    metrics: Metrics | None = field(default=None, repr=False, compare=False)

    @property
    def data_kind(self) -> str | None:
        return None if self.data is None else self.data.kind

    def loss(self, points: Any, batch: np.ndarray | None = None) -> Any:
        """Per-point loss of `points` (N, dim); `batch` (N, B) picks each run's samples."""
        shape = tuple(points.shape)
        if len(shape) != 2 or shape[1] != self.dim:
            raise ValueError(f"points must have shape (N, {self.dim}), got {shape}")
        if batch is not None and self.n_samples is not None:
            batch = check_batch(batch, shape[0], self.n_samples)
        elif batch is not None:
            batch = None  # deterministic objectives have no dataset to sample from
        return self.loss_fn(points, batch)


def check_batch(batch: Any, n_points: int, n_samples: int) -> np.ndarray:
    """Validate one row of sample indices per point, all within the dataset."""
    arr = np.asarray(batch)
    if arr.ndim != 2 or arr.shape[0] != n_points or arr.shape[1] < 1:
        raise ValueError(f"batch must have shape ({n_points}, B) with B >= 1, got {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        raise ValueError("batch must hold integer sample indices")
    if arr.size and (arr.min() < 0 or arr.max() >= n_samples):
        raise ValueError(f"batch indices must lie in [0, {n_samples})")
    return arr


@dataclass(frozen=True)
class Entry:
    """A registered objective: its options and a builder taking resolved settings."""

    id: str
    options: tuple[OptionSpec, ...]
    build: Callable[[Mapping[str, object]], Objective]


def _coerce(spec: OptionSpec, raw: object, prefix: str = "objective") -> object:
    """Check one option value against its spec, returning the normalised value."""
    where = f"{prefix}.{spec.name}"
    if spec.kind == "bool":
        if not isinstance(raw, bool):
            raise ObjectiveError(where, "must be true or false")
        return raw
    if spec.kind == "choice":
        if not isinstance(raw, str) or raw not in (spec.choices or ()):
            raise ObjectiveError(where, f"must be one of {', '.join(spec.choices or ())}")
        return raw
    if isinstance(raw, bool) or not isinstance(raw, numbers.Real):
        raise ObjectiveError(where, f"must be a number, got {type(raw).__name__}")
    if not math.isfinite(float(raw)):
        raise ObjectiveError(where, "must be finite")
    if spec.kind == "int":
        if float(raw) != int(raw):
            raise ObjectiveError(where, "must be a whole number")
        value: object = int(raw)
    else:
        value = float(raw)
    if spec.low is not None and value < spec.low:  # type: ignore[operator]
        raise ObjectiveError(where, f"must be ≥ {spec.low:g}")
    if spec.high is not None and value > spec.high:  # type: ignore[operator]
        raise ObjectiveError(where, f"must be ≤ {spec.high:g}")
    return value


def resolve_settings(
    options: tuple[OptionSpec, ...], given: Mapping[str, object], prefix: str = "objective"
) -> dict[str, object]:
    """Defaults overlaid with the given values; unknown names and bad values raise, naming the
    field as prefix.name."""
    by_name = {o.name: o for o in options}
    for name in given:
        if name not in by_name:
            known = ", ".join(by_name) or "none"
            raise ObjectiveError(f"{prefix}.{name}", f"unknown option; options: {known}")
    settings: dict[str, object] = {}
    for spec in options:
        raw = given.get(spec.name)
        settings[spec.name] = spec.default if raw is None else _coerce(spec, raw, prefix)
    return settings


def batch_size_option(n_samples: int) -> OptionSpec:
    """The `batch_size` option shared by every dataset-backed objective."""
    return OptionSpec(
        name="batch_size",
        kind="int",
        default=0,
        description=f"Samples averaged per step (1–{n_samples}); 0 uses the full batch.",
        low=0,
        high=n_samples,
    )
