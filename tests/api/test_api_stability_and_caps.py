"""The SGD stability limit from /inspect, and every cap from GET /limits."""

from __future__ import annotations

import pytest

from app.settings import SETTINGS

pytestmark = pytest.mark.anyio

CAPS = {
    "max_runs",
    "max_steps",
    "max_steps_times_runs",
    "max_resolution",
    "max_sweep_runs",
    "max_sweep_work",
    "max_concurrent_computations",
    "max_body_bytes",
}


async def inspect(client, kit, objective, point):
    r = await client.post(f"{kit.API}/inspect", json={"objective": objective, "point": point})
    assert r.status_code == 200, r.text[:500]
    return kit.strict_loads(r.content)


async def test_sgd_limit_is_two_over_the_largest_curvature(client, kit):
    got = await inspect(client, kit, {"expression": "x^2 + 10*y^2"}, [1.0, 1.0])
    assert got["eigenvalues"] == pytest.approx([2.0, 20.0])
    assert got["sgd_lr_limit"] == pytest.approx(0.1)
    assert "0.1" in got["stability_note"] and "λmax = 20" in got["stability_note"]


async def test_the_limit_separates_settling_from_blowing_up(client, kit):
    limit = (await inspect(client, kit, {"expression": "x^2 + 10*y^2"}, [1.0, 1.0]))["sgd_lr_limit"]
    runs = [{"optimizer": {"name": "sgd", "lr": limit * f}, "start": [1, 1]} for f in (0.95, 1.05)]
    body = {"objective": {"expression": "x^2 + 10*y^2"}, "runs": runs, "steps": 400}
    raced = kit.strict_loads((await client.post(f"{kit.API}/runs", json=body)).content)["runs"]
    below, above = (run["trace"]["loss"][-1] for run in raced)
    assert below < 1e-6
    assert above is None or above > 1e6 or raced[1]["status"] == "diverged"


@pytest.mark.parametrize(
    ("objective", "point"),
    [({"expression": "-(x^2) - y^2"}, [0.0, 0.0]), ({"expression": "x + y"}, [1.0, 2.0])],
)
async def test_no_limit_without_upward_curvature(client, kit, objective, point):
    got = await inspect(client, kit, objective, point)
    assert got["sgd_lr_limit"] is None
    assert "no learning rate" in got["stability_note"]


async def test_no_limit_where_the_hessian_is_not_finite(client, kit):
    got = await inspect(client, kit, {"expression": "sqrt(x) + y^2"}, [0.0, 1.0])
    assert got["sgd_lr_limit"] is None and "not finite" in got["stability_note"]


async def test_limits_lists_every_cap_of_the_settings(client, kit):
    r = await client.get(f"{kit.API}/limits")
    got = kit.strict_loads(r.content)
    assert set(got) >= CAPS
    for name in got:
        assert got[name] == getattr(SETTINGS, name)


async def test_limits_follow_the_apps_own_settings(kit):
    app = kit.make_app(**kit.SMALL_CAPS)
    async with kit.strict_client(app) as client:
        got = kit.strict_loads((await client.get(f"{kit.API}/limits")).content)
    expected = app.state.settings.model_dump()
    assert {name: got[name] for name in CAPS} == {name: expected[name] for name in CAPS}
    assert got["max_steps"] == kit.SMALL_CAPS["max_steps"]


async def test_new_routes_are_in_the_openapi_schema(client, kit):
    spec = kit.strict_loads((await client.get(f"{kit.API}/openapi.json")).content)
    paths = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    for route in [
        ("GET", "/api/v1/limits"),
        ("GET", "/api/v1/objectives/custom"),
        ("POST", "/api/v1/tune"),
        ("POST", "/api/v1/predict"),
        ("POST", "/api/v1/explain-step"),
    ]:
        assert route in paths
        operation = spec["paths"][route[1]][route[0].lower()]
        assert operation["summary"] and "200" in operation["responses"]
    schemas = spec["components"]["schemas"]
    for name in ("TuneRequest2D", "PredictRequest2D", "ExplainStepRequest2DAdam"):
        for prop in ("num", "points", "step"):
            if prop in schemas[name]["properties"]:
                assert schemas[name]["properties"][prop]["description"]
    inspect_out = schemas["InspectOut"]["properties"]
    assert inspect_out["sgd_lr_limit"]["description"] and inspect_out["stability_note"]
