"""GET /health, /objectives, /objectives/{id}, /optimizers; OpenAPI and CORS."""

from __future__ import annotations

import pytest

from app.objectives import get_objective_ids
from app.optim import OPTIMIZERS

pytestmark = pytest.mark.anyio

OBJECTIVE_KEYS = {
    "id",
    "title",
    "dim",
    "view_box",
    "default_start",
    "minima",
    "formula",
    "description",
    "options",
}


async def test_health(client, kit):
    r = await client.get(f"{kit.API}/health")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    body = kit.strict_loads(r.content)
    assert body["status"] == "ok"
    assert body["busy"] == 0
    assert body["capacity"] >= 1


async def test_objectives_list_every_objective_with_its_fields(client, kit):
    r = await client.get(f"{kit.API}/objectives")
    assert r.status_code == 200
    objectives = kit.strict_loads(r.content)["objectives"]
    assert [o["id"] for o in objectives] == list(get_objective_ids())
    for o in objectives:
        assert o.keys() >= OBJECTIVE_KEYS, o["id"]
        assert o["dim"] in (1, 2)
        assert len(o["view_box"]) == o["dim"]
        assert all(lo < hi for lo, hi in o["view_box"])
        assert len(o["default_start"]) == o["dim"]
        for m in o["minima"]:
            assert len(m["point"]) == o["dim"]
            assert isinstance(m["value"], float)
        assert o["formula"] and o["description"] and o["title"]
        for option in o["options"]:
            assert {"name", "default", "description"} <= option.keys()


async def test_objective_by_id_matches_the_list(client, kit):
    listed = kit.strict_loads((await client.get(f"{kit.API}/objectives")).content)["objectives"]
    for o in listed:
        r = await client.get(f"{kit.API}/objectives/{o['id']}")
        assert r.status_code == 200
        assert kit.strict_loads(r.content) == o


async def test_known_objective_facts(client, kit):
    r = await client.get(f"{kit.API}/objectives/rosenbrock")
    o = kit.strict_loads(r.content)
    assert o["dim"] == 2
    assert o["minima"][0]["point"] == [1.0, 1.0] and o["minima"][0]["value"] == 0.0
    assert o["default_start"] == [-1.2, 1.0]
    quadratic = kit.strict_loads((await client.get(f"{kit.API}/objectives/quadratic")).content)
    assert {opt["name"] for opt in quadratic["options"]} == {"condition", "angle"}


async def test_unknown_objective_is_404_naming_the_id(client, kit):
    r = await client.get(f"{kit.API}/objectives/no-such-thing")
    kit.assert_problem(r, 404, "objective_id", "no-such-thing")


async def test_optimizers_carry_every_hyperparameter(client, kit):
    r = await client.get(f"{kit.API}/optimizers")
    assert r.status_code == 200
    body = kit.strict_loads(r.content)
    listed = {o["name"]: o for o in body["optimizers"]}
    assert set(listed) == set(OPTIMIZERS)
    for name, opt in OPTIMIZERS.items():
        got = listed[name]["hyperparams"]
        assert [h["name"] for h in got] == [h.name for h in opt.hyperparams]
        for h, spec in zip(got, opt.hyperparams, strict=True):
            assert {"name", "default", "low", "high", "description"} <= h.keys()
            default = list(spec.default) if isinstance(spec.default, tuple) else spec.default
            assert h["default"] == default
            assert (h["low"], h["high"]) == (spec.low, spec.high)
            assert h["description"] and "\n" not in h["description"]
    sgd = {h["name"]: h for h in listed["sgd"]["hyperparams"]}
    assert sgd["lr"]["low"] == 0.0 and sgd["dampening"]["high"] == 1.0
    assert body["schedules"] and body["clip_modes"]


async def test_openapi_optimizer_config_is_a_discriminated_union(client, kit):
    r = await client.get(f"{kit.API}/openapi.json")
    assert r.status_code == 200
    spec = kit.strict_loads(r.content)
    schemas = spec["components"]["schemas"]
    for owner in ("RunSpec2D", "RunSpec1D"):
        optimizer = schemas[owner]["properties"]["optimizer"]
        union = optimizer.get("oneOf") or optimizer.get("anyOf")
        assert union, optimizer
        assert optimizer["discriminator"]["propertyName"] == "name"
        mapping = optimizer["discriminator"]["mapping"]
        assert set(mapping) == set(OPTIMIZERS)
        assert {u["$ref"] for u in union} == set(mapping.values())
    for name, ref in mapping.items():
        model = schemas[ref.rsplit("/", 1)[1]]
        tag = model["properties"]["name"]
        assert tag.get("const") == name or tag.get("enum") == [name]
        assert model.get("additionalProperties") is False
        for spec_h in OPTIMIZERS[name].hyperparams:
            prop = model["properties"][spec_h.name]
            assert prop.get("description"), (name, spec_h.name)
    lr = schemas["SgdConfig"]["properties"]["lr"]
    assert lr["default"] == 0.001 and lr["minimum"] == 0.0


async def test_openapi_lists_every_endpoint(client, kit):
    spec = kit.strict_loads((await client.get(f"{kit.API}/openapi.json")).content)
    paths = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    expected = {
        ("GET", "/api/v1/health"),
        ("GET", "/api/v1/objectives"),
        ("GET", "/api/v1/objectives/rosenbrock"),
        ("GET", "/api/v1/objectives/custom"),
        ("GET", "/api/v1/optimizers"),
        ("POST", "/api/v1/surface"),
        ("POST", "/api/v1/runs"),
        ("POST", "/api/v1/sweeps"),
        ("POST", "/api/v1/inspect"),
    }
    assert expected <= paths
    runs_200 = spec["paths"]["/api/v1/runs"]["post"]["responses"]["200"]["content"]
    assert {"application/json", "application/jsonl", "text/event-stream"} <= set(runs_200)


async def test_cors_simple_get_from_any_origin(client, kit):
    r = await client.get(f"{kit.API}/objectives", headers={"Origin": "https://elsewhere.example"})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in r.headers


async def test_cors_preflight_post(client, kit):
    r = await client.options(
        f"{kit.API}/runs",
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "*"
    assert "POST" in r.headers["access-control-allow-methods"]
    assert "content-type" in r.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in r.headers


async def test_cors_preflight_refuses_other_methods(client, kit):
    r = await client.options(
        f"{kit.API}/runs",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "DELETE"},
    )
    assert r.status_code == 400
    assert "DELETE" not in r.headers.get("access-control-allow-methods", "")
