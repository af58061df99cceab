"""Races through the client: the whole document as a Race, and the stream as typed records."""

from __future__ import annotations

import pytest

from app.client import Done, Playground, Race, RunAtStep, RunTrace, Step, run

ONE_WEIGHT = {"objective": "one-weight-network", "runs": [run("sgd", lr=0.1)]}
# Two runs that end at different steps (46 and 58), so each trace is cut where its run ended.
BOWL = {
    "objective": {"expression": "x^2 + 10*y^2"},
    "runs": [run("sgd", lr=0.05, start=[4, 2]), run("adam", lr=0.5, start=[4, 2], label="A")],
    "steps": 200,
    "stop": {"loss_below": 1e-3},
}


def test_runs_gives_the_texts_one_weight_network(pg: Playground) -> None:
    race = pg.runs(**ONE_WEIGHT, steps=3)
    assert isinstance(race, Race)
    (only,) = race.runs
    assert isinstance(only, RunTrace)
    assert (only.label, only.status, only.steps_taken) == ("sgd #1", "max_steps", 3)
    # The server echoes every setting the run used, its defaults included.
    assert only.optimizer == {
        "name": "sgd", "lr": 0.1, "momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0,
        "nesterov": False,
    }  # fmt: skip
    assert only.trace.step == (0, 1, 2, 3)
    assert only.trace.params[:2] == ((2.0,), (2.4,))
    assert only.trace.grad[0] == (-4.0,)
    assert only.final_loss == only.trace.loss[-1] == 1.048576
    assert only.final_state == {"momentum_buffer": (0.0,)}


def test_stream_yields_typed_steps_then_done(pg: Playground) -> None:
    events = list(pg.stream(**ONE_WEIGHT, steps=3))
    assert [type(e) for e in events] == [Step, Step, Step, Step, Done]
    first = events[0]
    assert first.step == 0
    assert first.runs == (
        RunAtStep(
            params=(2.0,),
            loss=4.0,
            grad=(-4.0,),
            state={"momentum_buffer": (0.0,)},
            status="running",
            lr=0.1,
            clipped=False,
        ),
    )
    # The last step has no update leaving it: its lr is 0.0.
    assert events[3].runs[0].lr == 0.0 and events[3].runs[0].status == "max_steps"
    assert events[-1].runs[0].message == "took all 3 steps"


def test_a_collected_stream_equals_the_document(pg: Playground) -> None:
    streamed = Race.from_stream(pg.stream(**BOWL))
    document = pg.runs(**BOWL)
    assert [r.steps_taken for r in document.runs] == [46, 58]
    assert [r.label for r in document.runs] == ["sgd #1", "A"]
    assert streamed == document


@pytest.mark.parametrize("every", [7, 10])
def test_recording_every_kth_step(pg: Playground, every: int) -> None:
    events = list(pg.stream(**ONE_WEIGHT, steps=30, record={"every": every}))
    steps = [e.step for e in events if isinstance(e, Step)]
    assert steps[:3] == [0, every, 2 * every]
    assert Race.from_stream(events) == pg.runs(**ONE_WEIGHT, steps=30, record={"every": every})


@pytest.mark.parametrize("record", ["final", {"every": 7}])
def test_a_run_that_ended_early_is_cut_as_in_the_document(pg: Playground, record) -> None:
    """SGD at lr 1 diverges at step 2; Adam runs all 30. Recording only some steps, the
    diverged run's rows end where it ended, labelled as the server labels them."""
    race = {"objective": "rosenbrock", "runs": [run("sgd", lr=1.0), run("adam", lr=0.05)]}
    document = pg.runs(**race, steps=30, record=record)
    assert document.runs[0].status == "diverged" and document.runs[0].trace.step[-1] == 2
    assert Race.from_stream(pg.stream(**race, steps=30, record=record)) == document


def test_a_race_of_no_steps(pg: Playground) -> None:
    document = pg.runs("rosenbrock", ["adam"], steps=0)
    assert document.runs[0].trace.step == (0,)
    assert Race.from_stream(pg.stream("rosenbrock", ["adam"], steps=0)) == document


def test_from_stream_needs_the_done_line(pg: Playground) -> None:
    steps = [e for e in pg.stream(**ONE_WEIGHT, steps=2) if isinstance(e, Step)]
    with pytest.raises(ValueError, match="no done line"):
        Race.from_stream(steps)


def test_a_diverged_run_carries_none_for_numbers_that_were_not_finite(pg: Playground) -> None:
    race = pg.runs("rosenbrock", [run("sgd", lr=1.0)], steps=20)
    (only,) = race.runs
    assert only.status == "diverged" and only.diverged_at is not None
    every_number = [x for point in only.trace.params for x in point] + list(only.trace.loss)
    assert all(x is None or isinstance(x, float) for x in every_number)
