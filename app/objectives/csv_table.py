"""Your own data: a table pasted or uploaded as CSV text, checked cell by cell.

The first line names the columns; every later non-blank line is a row, counted from 1 (the header
is not a row). Cells are separated by commas, or by tabs when the header has tabs and no commas
(as a spreadsheet pastes them). Feature cells must be finite numbers. The target column holds
numbers for a regression, or up to 10 distinct labels (any text) for classes. A bad cell raises an
ObjectiveError naming its row and column: "row 17, column 'x2': not a number ('abc')".
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence

import numpy as np

from app.objectives.base import ObjectiveError
from app.objectives.tables import MAX_CLASSES, MAX_FEATURES, MAX_ROWS, Table, make_table

# A plain decimal number: Python's float() would also take "nan", "inf" and "1_000".
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_SHOWN = 20  # characters of a bad cell quoted back


def _quoted(cell: str) -> str:
    return repr(cell if len(cell) <= _SHOWN else cell[:_SHOWN] + "…")


def _number(cell: str, row: int, column: str, field: str) -> float:
    text = cell.strip()
    where = f"row {row}, column {column!r}"
    if not text:
        raise ObjectiveError(field, f"{where}: empty cell")
    if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise ObjectiveError(field, f"{where}: not a finite number ({_quoted(text)})")
    if not _NUMBER.fullmatch(text):
        raise ObjectiveError(field, f"{where}: not a number ({_quoted(text)})")
    value = float(text)
    if not math.isfinite(value):
        raise ObjectiveError(field, f"{where}: not a finite number ({_quoted(text)})")
    return value


def _delimiter(header_line: str) -> str:
    return "\t" if "\t" in header_line and "," not in header_line else ","


def read_rows(text: str, field: str) -> tuple[list[str], list[list[str]]]:
    """The header and the rows as cells, each row as long as the header."""
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), None)
    if first is None:
        raise ObjectiveError(field, "empty: give a header line and at least one row")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first))
    records = [r for r in reader if any(cell.strip() for cell in r)]
    header = [name.strip() for name in records[0]]
    for i, name in enumerate(header):
        if not name:
            raise ObjectiveError(field, f"header: column {i + 1} has no name")
        if name in header[:i]:
            raise ObjectiveError(field, f"header: column {name!r} appears twice")
    rows = records[1:]
    if not rows:
        raise ObjectiveError(field, "no rows after the header")
    if len(rows) > MAX_ROWS:
        raise ObjectiveError(field, f"row {MAX_ROWS + 1}: too many rows (at most {MAX_ROWS:,})")
    for number, cells in enumerate(rows, start=1):
        if len(cells) < len(header):
            missing = header[len(cells)]
            raise ObjectiveError(field, f"row {number}, column {missing!r}: missing cell")
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            raise ObjectiveError(
                field, f"row {number}: {len(cells)} cells, but the header names {len(header)}"
            )
    return header, rows


def _labels(values: Sequence[str], column: str, field: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Class ids for labels: numbers sorted by value, any other labels alphabetically."""
    cells = [v.strip() for v in values]
    for number, cell in enumerate(cells, start=1):
        if not cell:
            raise ObjectiveError(field, f"row {number}, column {column!r}: empty cell")
    distinct = set(cells)
    if len(distinct) > MAX_CLASSES:
        raise ObjectiveError(
            field, f"column {column!r}: {len(distinct)} distinct labels (at most {MAX_CLASSES})"
        )
    if len(distinct) < 2:
        raise ObjectiveError(field, f"column {column!r}: needs at least 2 distinct labels")
    numeric = all(_NUMBER.fullmatch(c) for c in distinct)
    names = tuple(sorted(distinct, key=float if numeric else str))
    ids = {name: k for k, name in enumerate(names)}
    return np.array([ids[c] for c in cells], dtype=np.int64), names


def parse_csv(
    text: str,
    *,
    target: str | None = None,
    features: Sequence[str] | None = None,
    classes: bool | None = None,
    prefix: str = "objective.dataset",
) -> Table:
    """A Table from CSV text. target: the target column (default: the last); features: the
    feature columns (default: every other column); classes: True for labels, False for a
    numeric target, None to decide by the target's cells (any non-number makes labels). Errors
    name `{prefix}.csv` (a cell), `{prefix}.target` or `{prefix}.features`."""
    field = f"{prefix}.csv"
    header, rows = read_rows(text, field)
    target = header[-1] if target is None else target
    if target not in header:
        raise ObjectiveError(
            f"{prefix}.target", f"no column {target!r}; columns: {', '.join(header)}"
        )
    names = [c for c in header if c != target] if features is None else list(features)
    if not names:
        raise ObjectiveError(field, "needs at least one feature column besides the target")
    for name in names:
        if name not in header or name == target:
            raise ObjectiveError(
                f"{prefix}.features", f"no feature column {name!r}; columns: {', '.join(header)}"
            )
    if len(set(names)) != len(names):
        raise ObjectiveError(f"{prefix}.features", "a column is named twice")
    if len(names) > MAX_FEATURES:
        raise ObjectiveError(field, f"{len(names)} feature columns (at most {MAX_FEATURES})")
    index = {name: header.index(name) for name in (*names, target)}
    x = np.array(
        [
            [_number(cells[index[name]], r, name, field) for name in names]
            for r, cells in enumerate(rows, start=1)
        ]
    )
    raw = [cells[index[target]] for cells in rows]
    if classes is None:
        classes = not all(_NUMBER.fullmatch(c.strip()) for c in raw)
    if classes:
        y, class_names = _labels(raw, target, field)
        return make_table("csv", x, y, tuple(names), target, class_names)
    y = np.array([_number(c, r, target, field) for r, c in enumerate(raw, start=1)])
    return make_table("csv", x, y, tuple(names), target)
