"""The `dataset` of an objective spec: a generated set, the texts' data, or your own CSV.

    {"name": "spiral", "n": 200, "noise": 0.02, "seed": 0, "test_fraction": 0.25}
    {"name": "black-box"}
    {"csv": "x1,x2,label\\n0.1,0.2,a\\n...", "target": "label", "features": ["x1", "x2"]}

Every dataset takes `test_fraction` (the share of rows held out as the test set, split by
`seed`) and `standardize` (scale features, and a regression target, to zero mean and unit
spread on the train rows). Bad values raise ObjectiveError naming `objective.dataset.<field>`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.objectives.base import ObjectiveError, OptionSpec, resolve_settings
from app.objectives.csv_table import parse_csv
from app.objectives.generated import GENERATORS, black_box
from app.objectives.tables import (
    MAX_ROWS,
    Scaling,
    Split,
    Table,
    identity_scaling,
    split_rows,
    standard_scaling,
)

PREFIX = "objective.dataset"
TEXT_DATASETS = ("black-box",)  # the texts' own tables, fixed
NAMES = (*GENERATORS, *TEXT_DATASETS)
SEED_MAX = 2**32 - 1


def _shared(test_fraction: float) -> tuple[OptionSpec, ...]:
    return (
        OptionSpec(
            "test_fraction",
            "float",
            test_fraction,
            "Share of the rows held out as the test set.",
            low=0.0,
            high=0.5,
        ),
        OptionSpec(
            "standardize",
            "bool",
            True,
            "Scale features (and a regression target) to mean 0, spread 1 on the train rows.",
        ),
        OptionSpec(
            "seed",
            "int",
            0,
            "Seed of the data (generated sets) and of the split.",
            low=0,
            high=SEED_MAX,
        ),
    )


def _generated_options(name: str) -> tuple[OptionSpec, ...]:
    gen = GENERATORS[name]
    options = [
        OptionSpec("n", "int", gen.n, "Number of samples.", low=10, high=MAX_ROWS),
        OptionSpec("noise", "float", gen.noise, "Noise level.", low=0.0, high=1.0),
    ]
    if name == "clusters":
        options.append(OptionSpec("classes", "int", 3, "Number of clusters.", low=2, high=6))
    return (*options, *_shared(0.25))


# Besides `csv` (the text), `target` (a column name; default the last) and `features` (column
# names; default all but the target), checked by _text_options:
_CSV_OPTIONS = (
    OptionSpec(
        "classes",
        "choice",
        "auto",
        "Whether the target holds class labels; auto: labels if any cell is not a number.",
        ("auto", "yes", "no"),
    ),
    *_shared(0.25),
)


def dataset_options(name: str) -> tuple[OptionSpec, ...]:
    """The numeric and choice options of a dataset: a generated set's or the texts' by name, or
    "csv" for your own (whose text fields csv, target and features are checked apart)."""
    if name == "csv":
        return _CSV_OPTIONS
    if name in TEXT_DATASETS:
        return _shared(0.0)
    return _generated_options(name)


def is_classification(name: str) -> bool:
    """Whether a named dataset holds classes (the texts' tables are regressions)."""
    return name in GENERATORS and GENERATORS[name].classification


@dataclass(frozen=True, eq=False)
class PreparedData:
    """A dataset ready for a loss: its split, the scaling learnt from the train rows, and the
    scaled arrays (targets as floats for regression, class ids for classes)."""

    table: Table
    split: Split
    scaling: Scaling
    settings: Mapping[str, object]

    @property
    def is_classification(self) -> bool:
        return self.table.is_classification

    def inputs(self, part: Table) -> np.ndarray:
        return self.scaling.features(part.features)

    def targets(self, part: Table) -> np.ndarray:
        if part.is_classification:
            return np.asarray(part.target)
        return self.scaling.target(part.target)


def _text_options(given: Mapping[str, Any]) -> dict[str, object]:
    """Check the csv dataset's own fields, which are not numbers or choices."""
    text = given.get("csv")
    if not isinstance(text, str) or not text.strip():
        raise ObjectiveError(f"{PREFIX}.csv", "must be CSV text with a header line and rows")
    target = given.get("target")
    if target is not None and not isinstance(target, str):
        raise ObjectiveError(f"{PREFIX}.target", "must be a column name")
    features = given.get("features")
    if features is not None and (
        not isinstance(features, list | tuple) or not all(isinstance(f, str) for f in features)
    ):
        raise ObjectiveError(f"{PREFIX}.features", "must be a list of column names")
    return {"csv": text, "target": target, "features": None if features is None else [*features]}


def resolve_dataset(spec: object) -> tuple[Table, dict[str, object]]:
    """The table a dataset spec names, and its settings with every default filled in."""
    if not isinstance(spec, Mapping):
        raise ObjectiveError(PREFIX, "must be an object with a 'name' or a 'csv'")
    if "csv" in spec:
        if "name" in spec and spec["name"] != "csv":
            raise ObjectiveError(f"{PREFIX}.name", "give either a 'name' or a 'csv', not both")
        given = {k: v for k, v in spec.items() if k != "name"}
        text_fields = _text_options(given)
        rest = {k: v for k, v in given.items() if k not in text_fields}
        settings = {**text_fields, **resolve_settings(_CSV_OPTIONS, rest, PREFIX)}
        choice = {"auto": None, "yes": True, "no": False}[str(settings["classes"])]
        table = parse_csv(
            str(settings["csv"]),
            target=settings["target"],  # type: ignore[arg-type]
            features=settings["features"],  # type: ignore[arg-type]
            classes=choice,
            prefix=PREFIX,
        )
        return table, {"name": "csv", **settings}
    name = spec.get("name")
    if not isinstance(name, str) or name not in NAMES:
        raise ObjectiveError(
            f"{PREFIX}.name", f"unknown dataset {name!r}; known: {', '.join(NAMES)}, or a 'csv'"
        )
    given = {k: v for k, v in spec.items() if k != "name"}
    if name in TEXT_DATASETS:
        settings = resolve_settings(_shared(0.0), given, PREFIX)
        return black_box(), {"name": name, **settings}
    settings = resolve_settings(_generated_options(name), given, PREFIX)
    extra = {"classes": settings["classes"]} if name == "clusters" else {}
    table = GENERATORS[name].make(settings["n"], settings["noise"], settings["seed"], **extra)
    return table, {"name": name, **settings}


def prepare(spec: object) -> PreparedData:
    """The dataset of a spec, split and scaled."""
    table, settings = resolve_dataset(spec)
    split = split_rows(table, float(settings["test_fraction"]), int(settings["seed"]))  # type: ignore[arg-type]
    n_features = table.features.shape[1]
    scaling = (
        standard_scaling(split.train) if settings["standardize"] else identity_scaling(n_features)
    )
    return PreparedData(table, split, scaling, settings)
