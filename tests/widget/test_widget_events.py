"""The embed's events as typed records (app.widget.events): no browser and no anywidget needed."""

from __future__ import annotations

import pytest

from app.widget.events import EmbedError, RaceEnd, RunEnded, RunShown, StepShown

STEP = {
    "type": "step",
    "race": 3,
    "step": 20,
    "index": 10,
    "runs": [
        {
            "label": "adam",
            "optimizer": "adam",
            "params": [1.5, -2],
            "loss": 0.25,
            "status": "running",
        },
        {
            "label": "sgd",
            "optimizer": "sgd",
            "params": [None, None],
            "loss": None,
            "status": "diverged",
        },
    ],
}
END = {
    "type": "end",
    "race": 3,
    "step": 40,
    "runs": [
        {
            **STEP["runs"][0],
            "status": "max_steps",
            "steps_taken": 40,
            "message": "took all 40 steps",
        }
    ],
}


def test_a_step_event_becomes_a_record_with_every_run():
    shown = StepShown.from_event(STEP)
    assert (shown.race, shown.step, shown.index) == (3, 20, 10)
    assert shown.runs[0] == RunShown("adam", "adam", (1.5, -2.0), 0.25, "running")
    # A diverged run's non-finite numbers arrive as null and stay None.
    assert shown.runs[1] == RunShown("sgd", "sgd", (None, None), None, "diverged")
    assert isinstance(shown.runs[0].params[1], float)


def test_an_end_event_becomes_a_record_with_each_runs_ending():
    end = RaceEnd.from_event(END)
    assert (end.race, end.step) == (3, 40)
    assert end.runs == (
        RunEnded("adam", "adam", (1.5, -2.0), 0.25, "max_steps", 40, "took all 40 steps"),
    )


def test_an_error_event_keeps_field_reason_and_the_command_it_answers():
    error = EmbedError.from_event(
        {"type": "error", "id": 4, "reply_to": "configure", "field": "state.steps", "reason": "r"}
    )
    assert error == EmbedError(field="state.steps", reason="r", reply_to="configure", id=4)
    assert EmbedError.from_event({"type": "error", "reason": "the run failed"}).field is None


@pytest.mark.parametrize(
    "change",
    [
        {"step": "20"},
        {"step": True},
        {"race": None},
        {"runs": None},
        {"runs": [{**STEP["runs"][0], "loss": "0.25"}]},
        {"runs": [{**STEP["runs"][0], "status": 1}]},
        {"runs": [{"label": "adam"}]},
    ],
)
def test_a_malformed_step_event_is_refused(change):
    with pytest.raises(ValueError):
        StepShown.from_event({**STEP, **change})


def test_a_malformed_end_event_is_refused():
    with pytest.raises(ValueError):
        RaceEnd.from_event({**END, "runs": [{**END["runs"][0], "steps_taken": 4.5}]})
    with pytest.raises(ValueError):
        RaceEnd.from_event({"type": "end", "race": 1})
