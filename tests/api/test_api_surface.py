"""POST /surface: z[i][j] = f(x[j], y[i]), default bounds, 1-D shape, nulls, caps, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytestmark = pytest.mark.anyio


def rosenbrock(x: float, y: float) -> float:
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


async def test_surface_grid_orientation_and_values(client, kit):
    # Different x and y ranges, so swapping the axes (z[j][i]) cannot pass.
    body = {"objective": {"id": "rosenbrock"}, "bounds": [[-2, 2], [-1, 3]], "resolution": 9}
    r = await client.post(f"{kit.API}/surface", json=body)
    assert r.status_code == 200
    grid = kit.strict_loads(r.content)
    assert set(grid) == {"x", "y", "z"}
    np.testing.assert_allclose(grid["x"], np.linspace(-2, 2, 9))
    np.testing.assert_allclose(grid["y"], np.linspace(-1, 3, 9))
    assert len(grid["z"]) == 9 and all(len(row) == 9 for row in grid["z"])
    for i, y in enumerate(grid["y"]):
        for j, x in enumerate(grid["x"]):
            assert grid["z"][i][j] == pytest.approx(rosenbrock(x, y), rel=1e-12, abs=1e-12)


async def test_surface_of_an_expression(client, kit):
    body = {"objective": {"expression": "x^2 + 10*y^2"}, "bounds": [[0, 1], [0, 2]]}
    r = await client.post(f"{kit.API}/surface", json={**body, "resolution": 3})
    grid = kit.strict_loads(r.content)
    assert grid["z"] == [
        [pytest.approx(x * x + 10 * y * y) for x in (0, 0.5, 1)] for y in (0, 1, 2)
    ]


async def test_surface_bounds_default_to_the_view_box(client, kit):
    r = await client.post(
        f"{kit.API}/surface", json={"objective": {"id": "himmelblau"}, "resolution": 5}
    )
    grid = kit.strict_loads(r.content)
    assert grid["x"] == [-5.0, -2.5, 0.0, 2.5, 5.0]
    assert grid["y"] == [-5.0, -2.5, 0.0, 2.5, 5.0]
    # Himmelblau at (x, y) = (0, -5): (0 - 5 - 11)^2 + (0 + 25 - 7)^2 = 256 + 324
    assert grid["z"][0][2] == pytest.approx(580.0)


async def test_surface_default_resolution(client, kit):
    r = await client.post(f"{kit.API}/surface", json={"objective": {"id": "booth"}})
    grid = kit.strict_loads(r.content)
    assert len(grid["x"]) == len(grid["y"]) == len(grid["z"]) == 128


async def test_surface_one_dimensional(client, kit):
    r = await client.post(
        f"{kit.API}/surface",
        json={"objective": {"id": "one-weight-network"}, "bounds": [[0, 8]], "resolution": 5},
    )
    grid = kit.strict_loads(r.content)
    assert set(grid) == {"x", "z"}
    assert grid["x"] == [0.0, 2.0, 4.0, 6.0, 8.0]
    assert grid["z"] == pytest.approx([16.0, 4.0, 0.0, 4.0, 16.0])


async def test_surface_non_finite_values_are_null(client, kit):
    r = await client.post(
        f"{kit.API}/surface",
        json={"objective": {"expression": "log(x)"}, "bounds": [[-1, 1]], "resolution": 5},
    )
    assert r.status_code == 200
    assert b"NaN" not in r.content and b"Infinity" not in r.content
    z = kit.strict_loads(r.content)["z"]
    assert z[:3] == [None, None, None]
    assert z[3] == pytest.approx(math.log(0.5)) and z[4] == 0.0


async def test_surface_overflow_is_null(client, kit):
    r = await client.post(
        f"{kit.API}/surface",
        json={"objective": {"expression": "exp(x*y)"}, "bounds": [[0, 1000], [0, 1]]},
    )
    grid = kit.strict_loads(r.content)
    assert grid["z"][-1][-1] is None and grid["z"][0][0] == 1.0


async def test_surface_resolution_cap(app, client, kit):
    assert app.state.settings.max_resolution == 512
    ok = {"objective": {"id": "u-curve"}, "resolution": 512}
    r = await client.post(f"{kit.API}/surface", json=ok)
    assert r.status_code == 200
    r = await client.post(f"{kit.API}/surface", json={**ok, "resolution": 513})
    kit.assert_problem(r, 422, "resolution", "512")


@pytest.mark.parametrize(
    ("bounds", "field"),
    [
        ("[[0, NaN], [0, 1]]", "bounds[0][1]"),
        ("[[Infinity, 1], [0, 1]]", "bounds[0][0]"),
        ("[[0, 1], [-Infinity, 1]]", "bounds[1][0]"),
        ("[[0, 1e999], [0, 1]]", "bounds[0][1]"),
    ],
)
async def test_surface_non_finite_bounds_are_422(client, kit, bounds, field):
    raw = '{"objective": {"id": "rosenbrock"}, "bounds": ' + bounds + "}"
    r = await kit.post_raw(client, "/surface", raw)
    kit.assert_problem(r, 422, field, "finite")


@pytest.mark.parametrize(
    ("body", "field", "word"),
    [
        ({"bounds": [[1, 0], [0, 1]]}, "bounds[0]", "min < max"),
        ({"bounds": [[0, 1]]}, "bounds", "2"),
        ({"resolution": 1}, "resolution", "2"),
        ({"objective": {"id": "nope"}}, "objective.id", "nope"),
        ({"objective": {"id": "quadratic", "condition": 0.5}}, "objective.condition", "1"),
        ({"objective": {"id": "quadratic", "bogus": 3}}, "objective.bogus", "unknown"),
        ({"objective": {"id": "rosenbrock", "expression": "x"}}, "objective", "exactly one"),
        ({"objective": {}}, "objective", "exactly one"),
        ({"colour": "red"}, "colour", "unknown field"),
    ],
)
async def test_surface_bad_input_names_the_field(client, kit, body, field, word):
    r = await client.post(f"{kit.API}/surface", json={"objective": {"id": "rosenbrock"}, **body})
    kit.assert_problem(r, 422, field, word)


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("x^2 + ", ["invalid syntax", "column 7"]),
        ("x^^2", ["invalid syntax", "column 3"]),
        ("x + foo(y)", ["'foo' is not an allowed function"]),
        ("x*y*z", ["unknown name 'z'"]),
        ("(" * 40 + "x" + ")" * 40, ["nest"]),
    ],
)
async def test_surface_bad_expression_has_the_parser_message(client, kit, expression, words):
    r = await client.post(f"{kit.API}/surface", json={"objective": {"expression": expression}})
    kit.assert_problem(r, 422, "objective.expression", *words)
