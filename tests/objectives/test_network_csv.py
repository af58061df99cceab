"""Your own data as CSV text: what is read, and every bad cell named by its row and column."""

from __future__ import annotations

import numpy as np
import pytest

from app.objectives import ObjectiveError
from app.objectives.csv_table import parse_csv
from app.objectives.tables import MAX_ROWS

TEXT = "x1,x2,label\n0.5,1,cat\n-2,3e-1,dog\n\n+.25,-4.,cat\n"


def error_of(text: str, **options: object) -> ObjectiveError:
    with pytest.raises(ObjectiveError) as info:
        parse_csv(text, **options)  # type: ignore[arg-type]
    return info.value


def test_reads_features_and_labels_skipping_blank_lines() -> None:
    table = parse_csv(TEXT)
    np.testing.assert_array_equal(table.features, [[0.5, 1.0], [-2.0, 0.3], [0.25, -4.0]])
    assert table.classes == ("cat", "dog") and table.target.tolist() == [0, 1, 0]
    assert (table.feature_names, table.target_name) == (("x1", "x2"), "label")


def test_target_and_features_by_name_tabs_and_quoted_cells() -> None:
    table = parse_csv("a\tb\tc\n1\t2\t3\n4\t5\t6\n", target="a", features=["c"])
    assert table.classes is None and table.target.tolist() == [1.0, 4.0]
    assert table.features.tolist() == [[3.0], [6.0]]
    table = parse_csv('"size, sq ft",price\n" 1000 ",300000\n')
    assert table.feature_names == ("size, sq ft",) and table.features[0, 0] == 1000.0


def test_numeric_labels_sort_by_value_and_numbers_can_be_classes_when_asked() -> None:
    text = "x,y\n1,10\n2,9\n3,10\n4,2\n"
    assert parse_csv(text).classes is None
    table = parse_csv(text, classes=True)
    assert table.classes == ("2", "9", "10") and table.target.tolist() == [2, 1, 2, 0]


@pytest.mark.parametrize(
    ("text", "options", "field", "reason"),
    [
        ("x1,x2,y\n1,2,3\n4,abc,5\n", {}, "csv", "row 2, column 'x2': not a number ('abc')"),
        ("x1,x2,y\n1,2,3\n4,5\n", {}, "csv", "row 2, column 'y': missing cell"),
        ("x1,x2,y\n1,,3\n", {}, "csv", "row 1, column 'x2': empty cell"),
        ("x1,x2,y\n1,nan,3\n", {}, "csv", "row 1, column 'x2': not a finite number ('nan')"),
        ("x1,x2,y\n1,-inf,3\n", {}, "csv", "row 1, column 'x2': not a finite number"),
        ("x1,x2,y\n1,1e999,3\n", {}, "csv", "row 1, column 'x2': not a finite number"),
        ("x1,x2,y\n1,1_000,3\n", {}, "csv", "row 1, column 'x2': not a number ('1_000')"),
        ("x1,y\n1,2\n3,NaN\n", {"classes": False}, "csv", "row 2, column 'y': not a finite"),
        ("x1,y\n1,2,7\n", {}, "csv", "row 1: 3 cells, but the header names 2"),
        ("x1,,y\n1,2,3\n", {}, "csv", "header: column 2 has no name"),
        ("x,x,y\n1,2,3\n", {}, "csv", "header: column 'x' appears twice"),
        ("x,y\n", {}, "csv", "no rows after the header"),
        ("\n \n", {}, "csv", "empty"),
        ("y\n1\n", {}, "csv", "at least one feature column"),
        ("x,y\n1,a\n2,\n", {}, "csv", "row 2, column 'y': empty cell"),
        ("x,y\n1,a\n2,a\n", {}, "csv", "column 'y': needs at least 2 distinct labels"),
        ("x,y\n1,2\n", {"target": "z"}, "target", "no column 'z'; columns: x, y"),
        ("x,y\n1,2\n", {"features": ["y"]}, "features", "no feature column 'y'"),
        ("x,y,z\n1,2,3\n", {"features": ["x", "x"]}, "features", "named twice"),
    ],
)
def test_bad_input_names_the_row_and_column(text, options, field, reason) -> None:
    error = error_of(text, **options)
    assert error.field == f"objective.dataset.{field}"
    assert reason in error.reason, error.reason


def test_at_most_5000_rows_and_10_labels_and_16_features() -> None:
    rows = "\n".join(f"{i},{i % 2}" for i in range(MAX_ROWS))
    assert parse_csv("x,y\n" + rows).n == MAX_ROWS
    error = error_of("x,y\n" + rows + "\n1,0\n")
    assert error.reason == "row 5001: too many rows (at most 5,000)"
    labels = "\n".join(f"{i},c{i}" for i in range(11))
    assert "11 distinct labels (at most 10)" in error_of("x,y\n" + labels).reason
    header = ",".join(f"f{i}" for i in range(17)) + ",y"
    row = ",".join("1" for _ in range(18))
    assert "17 feature columns (at most 16)" in error_of(f"{header}\n{row}\n").reason


def test_a_long_bad_cell_is_quoted_short() -> None:
    reason = error_of("x,y\n" + "z" * 100 + ",1\n").reason
    assert reason == "row 1, column 'x': not a number ('" + "z" * 20 + "…')"
