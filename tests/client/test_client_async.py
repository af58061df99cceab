"""AsyncPlayground: the same answers as Playground, awaited, live and in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from client_live import LiveServer
from fastapi import FastAPI

from app.client import AsyncPlayground, BadRequest, Busy, Done, Playground, Race, Step, run

pytestmark = pytest.mark.anyio
BOWL = {
    "objective": {"expression": "x^2 + 10*y^2"},
    "runs": [run("sgd", lr=0.05, start=[4, 2]), run("adam", lr=0.5, start=[4, 2])],
    "steps": 200,
    "stop": {"loss_below": 1e-3},
}


@pytest.fixture(params=["live", "in_process"])
async def apg(
    request: pytest.FixtureRequest, app: FastAPI, live: LiveServer
) -> AsyncIterator[AsyncPlayground]:
    client = AsyncPlayground(live.url) if request.param == "live" else AsyncPlayground(app=app)
    async with client:
        yield client


async def test_catalog_and_compute_routes(apg: AsyncPlayground, app: FastAPI) -> None:
    with Playground(app=app) as pg:
        assert await apg.limits() == pg.limits()
        assert await apg.optimizers() == pg.optimizers()
        assert await apg.objective("booth") == pg.objective("booth")
        assert await apg.custom_objective("x^2") == pg.custom_objective("x^2")
        assert len(await apg.objectives()) == len(pg.objectives())
        assert await apg.surface("booth", resolution=6) == pg.surface("booth", resolution=6)
        assert await apg.inspect("booth", [0, 0]) == pg.inspect("booth", [0, 0])
        assert await apg.predict("linear-regression", [[1, 0]]) == pg.predict(
            "linear-regression", [[1, 0]]
        )
        over = {"lr": {"min": 0.01, "max": 0.1, "num": 3}}
        assert await apg.sweeps("booth", "sgd", over, steps=20) == pg.sweeps(
            "booth", "sgd", over, steps=20
        )
        assert await apg.tune("booth", ["sgd"], steps=20, num=3) == pg.tune(
            "booth", ["sgd"], steps=20, num=3
        )
        explain = {"step": 1, "params": [1.0], "grad": [2.0]}
        assert await apg.explain_step("sgd", **explain) == pg.explain_step("sgd", **explain)
        assert (await apg.health())["status"] == "ok"


async def test_async_stream_collects_to_the_document(apg: AsyncPlayground) -> None:
    events = [event async for event in apg.stream(**BOWL)]
    assert all(isinstance(e, Step) for e in events[:-1]) and isinstance(events[-1], Done)
    assert events[0].runs[0].params == (4.0, 2.0)
    assert Race.from_stream(events) == await apg.runs(**BOWL)


async def test_async_errors_name_the_field(apg: AsyncPlayground, app: FastAPI) -> None:
    with pytest.raises(BadRequest) as caught:
        await apg.runs("booth", [run("adam", betas=[0.9, 2.0])])
    assert caught.value.field == "runs[0].optimizer.betas[1]"
    with pytest.raises(BadRequest) as caught:
        async for _ in apg.stream("booth", [run("adam", lr=-1)]):
            pass
    assert caught.value.field == "runs[0].optimizer.lr"
    slots = app.state.compute_slots
    taken = 0
    while slots.try_acquire():
        taken += 1
    try:
        with pytest.raises(Busy):
            await apg.surface("booth", resolution=4)
    finally:
        for _ in range(taken):
            slots.release()
