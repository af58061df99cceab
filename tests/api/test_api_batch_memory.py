"""A batch of runs that would not fit in memory is refused at the edge (422 naming the field
that sets its size), before anything is allocated or queued: one network of 4 × 32 units on
3,750 train rows holds about 60 MB while it steps, so 64 of them (a 200-byte request) would take
gigabytes."""

from __future__ import annotations

import pytest

from app.objectives import make_objective, run_bytes
from app.settings import SETTINGS

pytestmark = pytest.mark.anyio

LARGE = {
    "id": "mlp",
    "dataset": {"name": "clusters", "n": 5000, "classes": 6},
    "hidden": [32, 32, 32, 32],
}
FITS = SETTINGS.max_batch_bytes // run_bytes(make_objective(LARGE))
ADAM = {"name": "adam", "lr": 0.01}


def refused(r, field: str) -> str:
    assert r.status_code == 422, r.text[:300]
    (problem,) = r.json()["detail"]
    assert problem["field"] == field
    return problem["msg"]


def test_the_large_network_fits_a_few_runs_not_a_race_of_64():
    assert 1 <= FITS < 8


async def test_runs_over_the_cap_are_refused_naming_runs(client, kit):
    body = {"objective": LARGE, "runs": [{"optimizer": ADAM}] * (FITS + 1), "steps": 1}
    msg = refused(await client.post(f"{kit.API}/runs", json=body), "runs")
    assert f"{FITS:,} fit" in msg and "batch_size" in msg
    body["runs"] = body["runs"][:FITS]
    assert (
        await client.post(f"{kit.API}/runs", json={**body, "record": "final"})
    ).status_code == 200


async def test_mini_batches_let_a_race_of_the_large_network_run(client, kit):
    batched = {**LARGE, "batch_size": 32}
    body = {"objective": batched, "runs": [{"optimizer": ADAM}] * 16, "steps": 2}
    r = await client.post(f"{kit.API}/runs", json={**body, "record": "final"})
    assert r.status_code == 200, r.text[:300]


async def test_tune_counts_runs_times_num(client, kit):
    body = {"objective": LARGE, "runs": [{"optimizer": ADAM}], "num": FITS + 1, "steps": 1}
    refused(await client.post(f"{kit.API}/tune", json=body), "num")


async def test_a_sweep_counts_its_rates(client, kit):
    over = {"lr": {"min": 1e-3, "max": 1.0, "num": FITS + 1}}
    body = {"objective": LARGE, "optimizer": {"name": "adam"}, "over": over, "steps": 1}
    refused(await client.post(f"{kit.API}/sweeps", json=body), "over.lr.num")


async def test_limits_names_the_cap(client, kit):
    limits = (await client.get(f"{kit.API}/limits")).json()
    assert limits["max_batch_bytes"] == SETTINGS.max_batch_bytes
