"""The `dataset` of a network's objective spec: a generated set, the texts' table, or your own
CSV pasted into the request. Each has its options typed from app/objectives/dataset_spec.py; the
CSV's cells are read by the objective, whose errors name the row and the column."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, create_model

from app.api.schemas.base import Strict, dict_get, option_field, refusal, tagged_union
from app.objectives.dataset_spec import NAMES, dataset_options
from app.objectives.tables import MAX_FEATURES, MAX_ROWS

# 5,000 rows of 17 columns of 20 characters each, and then some: the largest table allowed.
MAX_CSV_CHARS = 2_000_000
# The JSON Schema format of the CSV text, so a generator of valid requests can make tables.
CSV_FORMAT = "csv-table"
COLUMN_NAME = Annotated[str, Field(min_length=1, max_length=100)]


def _named(name: str) -> Any:
    title = "".join(part.capitalize() for part in name.split("-"))
    return create_model(
        f"{title}Dataset",
        __base__=Strict,
        name=(Literal[name], Field(description="a dataset of GET /objectives/mlp's datasets")),
        **{spec.name: option_field(spec) for spec in dataset_options(name)},
    )


CsvDataset = create_model(
    "CsvDataset",
    __base__=Strict,
    __doc__=(
        "Your own table: a header line naming the columns, then up to 5,000 rows; commas, or "
        "tabs as a spreadsheet pastes them. Feature cells must be finite numbers; the target "
        "holds numbers (a regression) or up to 10 labels (classes). A bad cell is a 422 naming "
        "its row (the first row after the header is row 1) and its column."
    ),
    csv=(
        Annotated[
            str,
            Field(min_length=1, max_length=MAX_CSV_CHARS, json_schema_extra={"format": CSV_FORMAT}),
        ],
        Field(description=f"the table as CSV text, at most {MAX_ROWS:,} rows"),
    ),
    target=(COLUMN_NAME | None, Field(None, description="the target's column; default the last")),
    features=(
        Annotated[list[COLUMN_NAME], Field(min_length=1, max_length=MAX_FEATURES)] | None,
        Field(None, description="the feature columns; default every column but the target"),
    ),
    **{spec.name: option_field(spec) for spec in dataset_options("csv")},
)

NAMED = {name: _named(name) for name in NAMES}


def _tag(value: Any) -> str:
    if isinstance(value, BaseModel):  # serialising a validated spec
        return "csv" if isinstance(value, CsvDataset) else str(getattr(value, "name", "?"))
    if isinstance(value, dict) and "csv" in value:
        return "csv" if value.get("name", "csv") == "csv" else "?"
    name = dict_get(value, "name")
    return name if isinstance(name, str) and name in NAMED else "?"


DatasetSpec = tagged_union(
    {**NAMED, "csv": CsvDataset},
    _tag,
    hidden={
        "?": refusal(
            "UnknownDataset",
            "dataset",
            lambda v: f"give a 'name' (one of {', '.join(NAMES)}) or a 'csv' table, not both",
        )
    },
    description='{"name": "spiral", "n": 400, "noise": 0.02, ...} or {"csv": "x1,x2,y\\n..."}',
)
