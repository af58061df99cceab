"""The model fits (linear and logistic regression, the softmax classifier) on your own data.

    {"id": "linear-regression", "loss": "huber", "dataset": {"csv": "size,price\\n...", ...}}

The dataset is any `dataset` a network takes (app/objectives/dataset_spec.py) with one feature:
a numeric target for the line, 2 classes for logistic regression, 3 for the softmax classifier.
A fit trains on every row (no test rows), standardised unless `standardize` is false; its view
box is centred on the fit's minimum.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from app.objectives.base import (
    Entry,
    Objective,
    ObjectiveError,
    batch_size_option,
    resolve_settings,
)
from app.objectives.dataset_spec import PREFIX, prepare
from app.objectives.datasets import Dataset
from app.objectives.model_fitting import ON_DATA

VIEW_HALF_WIDTH = 2.0  # at least this far on each side of the minimum
START_SHARE = 0.6  # the default start sits this share of the half-width from the minimum


def takes_data(oid: str) -> bool:
    return oid in ON_DATA


def fit_on_data(entry: Entry, spec: Mapping[str, Any]) -> Objective:
    """Validate the spec of a model fit with a `dataset` and build it (cached by its JSON)."""
    try:
        key = json.dumps(dict(spec), sort_keys=True, allow_nan=False)
    except (TypeError, ValueError):
        raise ObjectiveError("objective.dataset", "must hold only JSON values") from None
    return _build(entry, key)


@lru_cache(maxsize=16)
def _build(entry: Entry, key: str) -> Objective:
    spec = json.loads(key)
    dataset = spec.pop("dataset")
    spec.pop("id")
    builder, classes = ON_DATA[entry.id]
    if not isinstance(dataset, Mapping):
        raise ObjectiveError(PREFIX, "must be an object with a 'name' or a 'csv'")
    if dataset.get("test_fraction", 0) != 0:
        raise ObjectiveError(
            f"{PREFIX}.test_fraction", "a model fit trains on every row; only networks hold out"
        )
    data = prepare({**dataset, "test_fraction": 0.0})
    table = data.table
    if table.features.shape[1] != 1:
        raise ObjectiveError(
            PREFIX,
            f"{entry.id} fits one feature, this table has {table.features.shape[1]}: "
            "name one column in 'features' (CSV), or train a network (id 'mlp')",
        )
    found = len(table.classes) if table.classes is not None else None
    if found != classes:
        need = "a numeric target" if classes is None else f"{classes} classes"
        have = "a numeric target" if found is None else f"{found} classes"
        raise ObjectiveError(PREFIX, f"{entry.id} needs {need}; this table has {have}")
    options = tuple(
        batch_size_option(table.n) if o.name == "batch_size" else o for o in entry.options
    )
    settings = resolve_settings(options, spec)
    rows = Dataset(table.name, data.inputs(table)[:, 0], data.targets(table))
    objective = builder(settings, rows)
    center = objective.minima[0].point if objective.minima else (0.0, 0.0)
    halves = [max(VIEW_HALF_WIDTH, 1.5 * abs(c)) for c in center]
    scaled = " (standardised)" if data.settings["standardize"] else ""
    model = objective.data
    return dataclasses.replace(
        objective,
        title=f"{objective.title} on {table.name}",
        view_box=tuple((c - h, c + h) for c, h in zip(center, halves, strict=True)),
        default_start=(
            center[0] - START_SHARE * halves[0],
            center[1] + START_SHARE * halves[1],
        ),
        description=f"{objective.title} on your data: {table.n} rows of "
        f"{table.feature_names[0]}{scaled} against {table.target_name}.",
        options=options,
        settings=MappingProxyType({**settings, "dataset": data.settings}),
        data=dataclasses.replace(  # type: ignore[type-var]
            model,
            x_label=f"{table.feature_names[0]}{scaled}",
            y_label=f"{table.target_name}{scaled}" if classes is None else "probability",
            **({"classes": table.classes} if classes is not None else {}),
        ),
    )
