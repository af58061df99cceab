"""A race as records, CSV and JSON: the page's columns, every number kept."""

from __future__ import annotations

import csv
import io
import json

import pytest

from app.client import Playground, Race, run


@pytest.fixture(scope="module")
def race() -> Race:
    from app.main import create_app

    with Playground(app=create_app()) as pg:
        # sqrt(x) is not finite left of 0, where the second run jumps: its last loss is null.
        return pg.runs(
            {"expression": "sqrt(x) + y^2"},
            [run("adam", lr=0.05, start=[0.5, 1]), run("sgd", lr=1.0, label="too fast")],
            steps=40,
        )


def test_records_have_the_pages_columns(race: Race) -> None:
    records = race.to_records()
    first = race.runs[0]
    assert list(records[0]) == [
        "run", "label", "optimizer", "step", "x", "y", "loss", "grad_x", "grad_y"
    ]  # fmt: skip
    assert records[0] == {
        "run": 1,
        "label": "adam #1",
        "optimizer": "adam",
        "step": 0,
        "x": first.trace.params[0][0],
        "y": first.trace.params[0][1],
        "loss": first.trace.loss[0],
        "grad_x": first.trace.grad[0][0],
        "grad_y": first.trace.grad[0][1],
    }
    # One record per run per recorded step; the diverged run stops where it ended.
    assert len(records) == sum(len(r.trace.step) for r in race.runs)
    second = [r for r in records if r["run"] == 2]
    assert second[-1]["step"] == race.runs[1].steps_taken < 40
    assert second[-1]["label"] == "too fast"


def test_param_names_rename_the_columns(race: Race) -> None:
    records = race.to_records(param_names=["w", "b"])
    assert {"w", "b", "grad_w", "grad_b"} <= set(records[0])
    with pytest.raises(ValueError, match="2 parameter"):
        race.to_records(param_names=["w"])


def test_csv_reads_back_as_the_records(race: Race) -> None:
    text = race.to_csv()
    assert text.splitlines()[0] == "run,label,optimizer,step,x,y,loss,grad_x,grad_y"
    assert text.endswith("\r\n")  # RFC 4180, like the page's export
    rows = list(csv.DictReader(io.StringIO(text)))
    records = race.to_records()
    assert len(rows) == len(records)
    for row, record in zip(rows, records, strict=True):
        for name, value in record.items():
            # A number that was not finite (None) is an empty field; the rest read back exactly.
            expected = "" if value is None else str(value)
            assert row[name] == expected
    assert rows[-1]["loss"] == "" and race.runs[1].final_loss is None


def test_json_round_trips(race: Race) -> None:
    document = json.loads(json.dumps(race.to_json()))
    assert Race.from_json(document) == race
    assert set(document["runs"][0]) >= {"label", "status", "steps_taken", "trace", "final_state"}
