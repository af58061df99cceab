"""What a model-fitting objective fits: its data and the model it predicts with.

The objectives' losses call the same model functions, so the data panel's predictions and the
loss surface come from one code path. Model functions take the points (N, d) as arrays or
Tensors; inputs are (1, n) for the full dataset and (N, B) for per-run samples.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

if TYPE_CHECKING:  # imported for the annotations only: those modules import this one
    from app.objectives.dataset_spec import PreparedData
    from app.objectives.network import Architecture

DATA_KINDS = ("regression", "classification", "distribution", "target", "network")


@dataclass(frozen=True, kw_only=True)
class Regression:
    """Targets y at inputs x; `predict(points, inputs)` gives ŷ (N, n)."""

    kind: ClassVar[str] = "regression"
    x_label: str
    y_label: str
    x: np.ndarray
    y: np.ndarray
    predict: Callable[[Any, np.ndarray], Any]
    table: bool = False  # the text prints the samples as a table (the black box's Table 2-1)


@dataclass(frozen=True, kw_only=True)
class Classification:
    """Class ids y at inputs x; `logits(points, inputs)` gives (N, n, K), linear in each input."""

    kind: ClassVar[str] = "classification"
    x_label: str
    y_label: str
    x: np.ndarray
    y: np.ndarray
    classes: tuple[str, ...]
    logits: Callable[[Any, np.ndarray], Any]


@dataclass(frozen=True, kw_only=True)
class Distribution:
    """A target distribution p over classes; `log_q(points)` is the model's, (N, K)."""

    kind: ClassVar[str] = "distribution"
    x_label: str
    y_label: str
    classes: tuple[str, ...]
    target: np.ndarray
    log_q: Callable[[Any], Any]


@dataclass(frozen=True, kw_only=True)
class Target:
    """One input and its target; `predict(points)` gives the model's output (N,)."""

    kind: ClassVar[str] = "target"
    x_label: str
    y_label: str
    input: float
    target: float
    predict: Callable[[Any], Any]


@dataclass(frozen=True, kw_only=True)
class Network:
    """A network and the table it trains on (app/objectives/network_view.py draws it)."""

    kind: ClassVar[str] = "network"
    architecture: Architecture
    prepared: PreparedData


DataModel = Regression | Classification | Distribution | Target | Network
