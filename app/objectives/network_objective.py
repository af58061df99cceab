"""The `mlp` objective: a small network trained on a dataset, its weights the points to descend.

    {"id": "mlp", "dataset": {"name": "xor"}, "hidden": [8, 8], "activation": "tanh",
     "output": "bce", "weight_decay": 0.0, "init": "xavier", "seed": 0, "batch_size": 0}

The loss is the mean data loss over the train rows, plus (weight_decay / 2)·Σ w² over the
weights when weight decay is on; test loss and accuracy are the objective's metrics.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import numpy as np

from app.objectives.base import (
    LossFn,
    Objective,
    ObjectiveError,
    OptionSpec,
    batch_size_option,
    resolve_settings,
)
from app.objectives.data_models import Network
from app.objectives.dataset_spec import PreparedData, prepare
from app.objectives.network import ACTIVATIONS, INITS, OUTPUTS, Architecture, initial_weights

MAX_HIDDEN_LAYERS = 4
MAX_UNITS = 32
DEFAULT_HIDDEN = (8, 8)
DEFAULT_DATASET: Mapping[str, object] = MappingProxyType({"name": "xor"})
OUTPUT_TEXT = {
    "mse": "mean squared error",
    "bce": "binary cross-entropy on one logit",
    "ce": "cross-entropy on one logit per class",
}

OPTIONS = (
    OptionSpec("activation", "choice", "tanh", "Activation of every hidden unit.", ACTIVATIONS),
    OptionSpec(
        "output",
        "choice",
        "auto",
        "Output and its loss; auto: mse for a regression, bce for 2 classes, ce for more.",
        ("auto", *OUTPUTS),
    ),
    OptionSpec(
        "weight_decay", "float", 0.0, "L2 penalty λ/2·Σw² on the weights.", low=0.0, high=1.0
    ),
    OptionSpec("init", "choice", "xavier", "Initialisation scheme of the weights.", INITS),
    OptionSpec("seed", "int", 0, "Seed of the initial weights.", low=0, high=2**32 - 1),
)


def _hidden(raw: object) -> tuple[int, ...]:
    where = "objective.hidden"
    if raw is None:
        return DEFAULT_HIDDEN
    if not isinstance(raw, list | tuple):
        raise ObjectiveError(where, "must be a list of layer sizes, such as [8, 8]")
    if len(raw) > MAX_HIDDEN_LAYERS:
        raise ObjectiveError(where, f"at most {MAX_HIDDEN_LAYERS} hidden layers")
    for i, units in enumerate(raw):
        if isinstance(units, bool) or not isinstance(units, int) or not 1 <= units <= MAX_UNITS:
            raise ObjectiveError(f"{where}[{i}]", f"must be a whole number from 1 to {MAX_UNITS}")
    return tuple(raw)


def _output(choice: str, data: PreparedData) -> str:
    table = data.table
    if choice == "auto":
        if not table.is_classification:
            return "mse"
        return "bce" if len(table.classes or ()) == 2 else "ce"
    if choice == "mse" and table.is_classification:
        raise ObjectiveError("objective.output", "mse needs a numeric target; these are classes")
    if choice != "mse" and not table.is_classification:
        raise ObjectiveError("objective.output", f"{choice} needs class labels; use mse")
    if choice == "bce" and len(table.classes or ()) != 2:
        raise ObjectiveError("objective.output", "bce needs exactly 2 classes; use ce")
    return choice


def make_network_objective(spec: Mapping[str, Any]) -> Objective:
    """Validate an `mlp` spec and build its objective (cached by the spec's canonical JSON)."""
    given = {k: v for k, v in spec.items() if k not in ("id", "dataset", "hidden", "batch_size")}
    settings = resolve_settings(OPTIONS, given)
    hidden = _hidden(spec.get("hidden"))
    batch = spec.get("batch_size")
    if batch is not None and (isinstance(batch, bool) or not isinstance(batch, int | float)):
        raise ObjectiveError("objective.batch_size", "must be a whole number")
    dataset = spec.get("dataset", DEFAULT_DATASET)
    try:
        key = json.dumps(
            [dict(dataset) if isinstance(dataset, Mapping) else dataset, hidden, settings, batch],
            sort_keys=True,
            allow_nan=False,
        )
    except (TypeError, ValueError):
        raise ObjectiveError("objective.dataset", "must hold only JSON values") from None
    return _build(key)


@lru_cache(maxsize=16)
def _build(key: str) -> Objective:
    dataset, hidden, settings, batch = json.loads(key)
    data = prepare(dataset)
    output = _output(settings["output"], data)
    train, test = data.split.train, data.split.test
    classes = len(data.table.classes or ())
    outputs = classes if output == "ce" else 1
    arch = Architecture((train.features.shape[1], *hidden, outputs), settings["activation"], output)
    batch_size = int(
        resolve_settings((batch_size_option(train.n),), {"batch_size": batch})["batch_size"]  # type: ignore[arg-type]
    )
    decay = float(settings["weight_decay"])
    loss_fn = _loss_fn(arch, data.inputs(train), data.targets(train), decay)
    start = initial_weights(arch, settings["init"], int(settings["seed"]))
    names = tuple(f"{b.name}[{i}]" for b in arch.blocks for i in range(b.size))
    sizes = "-".join(str(s) for s in arch.sizes)
    penalty = f" + {decay:g}/2·Σw²" if decay else ""
    return Objective(
        id="mlp",
        title=f"Network {sizes} ({settings['activation']}) on {data.table.name}",
        group="network",
        dim=arch.dim,
        view_box=tuple((float(s) - 1.0, float(s) + 1.0) for s in start),
        default_start=tuple(float(s) for s in start),
        minima=(),
        formula=f"L(w) = mean over the {train.n} train rows of {OUTPUT_TEXT[output]}{penalty}",
        description=(
            f"A {sizes} network with {arch.dim} weights and biases, trained on "
            f"{data.table.name} ({train.n} train rows, {test.n} test rows)."
        ),
        loss_fn=loss_fn,
        settings=MappingProxyType(
            {"dataset": data.settings, "hidden": list(hidden), **settings, "output": output}
        ),
        n_samples=train.n,
        batch_size=batch_size or None,
        param_names=names,
        default_lr=0.01,
        data=Network(architecture=arch, prepared=data),
        metric_names=_metric_names(arch, test.n),
        metrics=NetworkMetrics(arch, data),
    )


def _loss_fn(arch: Architecture, x: np.ndarray, y: np.ndarray, decay: float) -> LossFn:
    """The mean data loss over rows x (scaled) with targets y, plus the weight decay penalty."""
    target = arch.loss_target(y)

    def loss_fn(points: Any, batch_rows: np.ndarray | None) -> Any:
        if batch_rows is None:
            outputs = arch.columns(points, x)[-1]
            loss = arch.data_loss(outputs, target)
        else:
            loss = arch.loss(points, x[batch_rows], y[batch_rows])
        return loss + arch.penalty(points) * decay if decay else loss

    return loss_fn


def on_train_rows(objective: Objective, rows: int, seed: int = 0) -> Objective:
    """The same network (weights, start, loss) trained on `rows` of its train rows drawn with
    `seed` (all of them when it has no more), full-batch and without metrics: a stand-in whose
    steps cost a bounded amount, for sweeps that judge learning rates rather than report."""
    if not isinstance(objective.data, Network):
        raise ObjectiveError("objective", f"{objective.id!r} is not a network")
    arch, data = objective.data.architecture, objective.data.prepared
    train = data.split.train
    quiet = dataclasses.replace(objective, batch_size=None, metric_names=(), metrics=None)
    if train.n <= rows:
        return quiet
    picked = np.sort(np.random.default_rng(seed).permutation(train.n)[:rows])
    x, y = data.inputs(train)[picked], data.targets(train)[picked]
    decay = float(objective.settings["weight_decay"])  # type: ignore[arg-type]
    return dataclasses.replace(quiet, loss_fn=_loss_fn(arch, x, y, decay), n_samples=rows)


def _metric_names(arch: Architecture, n_test: int) -> tuple[str, ...]:
    names = ("test_loss",) if n_test else ()
    if arch.output != "mse":
        names += ("train_accuracy", "test_accuracy") if n_test else ("train_accuracy",)
    return names


class NetworkMetrics:
    """Test loss (the data loss alone, without weight decay) and train and test accuracy of
    every network in points (R, d), from one forward pass over the rows they need."""

    def __init__(self, arch: Architecture, data: PreparedData) -> None:
        train, test = data.split.train, data.split.test
        self.arch, self.names = arch, _metric_names(arch, test.n)
        classes = arch.output != "mse"
        parts = [train, test] if classes else [test]
        self.inputs = np.concatenate([data.inputs(part) for part in parts])
        self.n_train = train.n if classes else 0
        self.test_target = arch.loss_target(data.targets(test))
        self.labels = np.concatenate([part.target for part in parts]) if classes else None

    def __call__(self, points: np.ndarray) -> dict[str, np.ndarray]:
        arch, split = self.arch, self.n_train
        if not self.names:
            return {}
        outputs = np.asarray(arch.columns(np.asarray(points, np.float64), self.inputs)[-1])
        out: dict[str, np.ndarray] = {}
        if "test_loss" in self.names:
            out["test_loss"] = np.asarray(arch.data_loss(outputs[:, :, split:], self.test_target))
        if self.labels is not None:
            hits = arch.predicted_class(np.swapaxes(outputs, 1, 2)) == self.labels
            out["train_accuracy"] = hits[:, :split].mean(axis=1)
            if split < hits.shape[1]:
                out["test_accuracy"] = hits[:, split:].mean(axis=1)
        return {name: out[name] for name in self.names}
