"""Refusals become exceptions that name the field and the reason; failures are never silent."""

from __future__ import annotations

import httpx
import pytest

from app.client import (
    BadRequest,
    Busy,
    ComputationFailed,
    NotFound,
    Playground,
    Unreachable,
    run,
)
from app.client.calls import stream_event


def test_a_bad_learning_rate_names_its_field(pg: Playground) -> None:
    with pytest.raises(BadRequest) as caught:
        pg.runs("rosenbrock", [run("adam", lr=-1)])
    error = caught.value
    assert error.status == 422
    assert error.field == "runs[0].optimizer.lr"
    assert error.reason == "Input should be greater than or equal to 0"
    assert str(error) == "422: runs[0].optimizer.lr: Input should be greater than or equal to 0"


def test_a_stream_refused_before_it_starts_raises_on_iteration(pg: Playground) -> None:
    events = pg.stream("rosenbrock", [run("adam")], steps=10**6)
    with pytest.raises(BadRequest) as caught:
        next(iter(events))
    assert (caught.value.field, caught.value.reason) == (
        "steps",
        "Input should be less than or equal to 100000",
    )


def test_every_problem_is_kept(pg: Playground) -> None:
    with pytest.raises(BadRequest) as caught:
        pg.runs("rosenbrock", [run("adam", lr=-1), run("sgd", momentum=-1)])
    fields = [p.field for p in caught.value.problems]
    assert fields == ["runs[0].optimizer.lr", "runs[1].optimizer.momentum"]


def test_an_unknown_objective_is_not_found(pg: Playground) -> None:
    with pytest.raises(NotFound) as caught:
        pg.objective("no-such-surface")
    assert caught.value.status == 404 and caught.value.field == "objective_id"
    assert "no-such-surface" in caught.value.reason


def test_a_bad_option_names_the_option(pg: Playground) -> None:
    with pytest.raises(BadRequest) as caught:
        pg.objective("linear-regression", loss="cubic")
    assert (caught.value.field, caught.value.reason) == ("loss", "must be one of mse, mae, huber")


def test_non_finite_numbers_are_refused_before_sending(pg: Playground) -> None:
    with pytest.raises(BadRequest) as caught:
        pg.runs("rosenbrock", [run("adam"), run("sgd", lr=float("nan"))])
    assert caught.value.status == 0  # refused by the client: JSON cannot carry NaN
    assert caught.value.field == "runs[1].optimizer.lr"
    with pytest.raises(BadRequest, match=r"point\[1\]"):
        pg.inspect("rosenbrock", [0.0, float("inf")])


def test_a_full_server_answers_busy_with_retry_after(pg: Playground, app) -> None:
    slots = app.state.compute_slots
    taken = 0
    while slots.try_acquire():
        taken += 1
    try:
        with pytest.raises(Busy) as caught:
            pg.surface("booth", resolution=4)
        assert caught.value.status == 429 and caught.value.retry_after == 1.0
        assert caught.value.field == "request"
        with pytest.raises(Busy):
            list(pg.stream("booth", ["adam"], steps=3))
    finally:
        for _ in range(taken):
            slots.release()
    assert pg.surface("booth", resolution=4)["z"]  # served again once slots are free


def test_no_server_is_unreachable(free_port: int) -> None:
    with Playground(f"http://127.0.0.1:{free_port}", timeout=5) as pg, pytest.raises(Unreachable):
        pg.health()
    with Playground(f"http://127.0.0.1:{free_port}", timeout=5) as pg, pytest.raises(Unreachable):
        list(pg.stream("booth", ["adam"]))


def _mock(handler) -> Playground:
    return Playground("http://mock", transport=httpx.MockTransport(handler))


def test_a_stream_cut_before_its_done_line_is_an_error() -> None:
    step = b'{"type":"step","step":0,"runs":[{"params":[1.0],"loss":1.0,"grad":[2.0],'
    step += b'"state":{},"status":"running","lr":0.1,"clipped":false}]}\n'
    with _mock(lambda request: httpx.Response(200, content=step)) as pg:
        events = pg.stream("booth", ["sgd"])
        assert next(events).step == 0
        with pytest.raises(Unreachable, match="before its done line"):
            next(events)


def test_a_stream_ending_with_an_error_line_raises_it() -> None:
    line = (
        b'{"type":"error","detail":[{"field":"request","loc":["request"],'
        b'"msg":"the computation failed: RuntimeError: boom","type":"server_error"}]}\n'
    )
    pg = _mock(lambda request: httpx.Response(200, content=line))
    with pg, pytest.raises(ComputationFailed) as caught:
        list(pg.stream("booth", ["sgd"]))
    assert caught.value.reason == "the computation failed: RuntimeError: boom"
    with pytest.raises(ComputationFailed):
        stream_event(line.decode())


def test_a_server_error_without_a_json_body_keeps_its_text() -> None:
    pg = _mock(lambda request: httpx.Response(502, text="Bad Gateway"))
    with pg, pytest.raises(ComputationFailed) as caught:
        pg.limits()
    assert caught.value.status == 502
    assert (caught.value.field, caught.value.reason) == ("request", "Bad Gateway")


def test_a_setting_the_route_does_not_take_is_a_type_error_before_any_request(pg) -> None:
    # A typo is caught where it is written, as for any keyword argument.
    with pytest.raises(TypeError, match=r"unexpected keyword argument.*: step"):
        pg.runs("rosenbrock", ["adam"], step=10)
    with pytest.raises(TypeError, match="record"):
        pg.tune("rosenbrock", ["adam"], record="final")  # /tune records nothing
