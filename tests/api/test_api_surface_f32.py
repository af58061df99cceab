"""POST /surface with format f32: z as base64 little-endian float32, the JSON still strict."""

from __future__ import annotations

import base64

import numpy as np
import pytest

pytestmark = pytest.mark.anyio


async def surface(client, kit, body):
    r = await client.post(f"{kit.API}/surface", json=body)
    assert r.status_code == 200, r.text[:500]
    kit.check_strict(r.headers["content-type"], r.content)  # no NaN token anywhere
    return kit.strict_loads(r.content)


def decode(grid):
    values = np.frombuffer(base64.b64decode(grid["z"], validate=True), dtype="<f4")
    return values.reshape(grid["shape"])


async def test_f32_decodes_to_the_json_grid(client, kit):
    body = {"objective": {"id": "rosenbrock"}, "bounds": [[-2, 2], [-1, 3]], "resolution": 7}
    plain = await surface(client, kit, {**body, "resolution": 7})
    packed = await surface(client, kit, {**body, "format": "f32"})
    assert packed["x"] == plain["x"] and packed["y"] == plain["y"]
    assert packed["shape"] == [7, 7] and isinstance(packed["z"], str)
    z = decode(packed)
    np.testing.assert_array_equal(z, np.array(plain["z"], dtype=np.float32))
    assert packed["z_min"] == float(z.min()) and packed["z_max"] == float(z.max())


async def test_f32_rows_are_y_and_columns_x(client, kit):
    body = {"objective": {"expression": "x + 10*y"}, "bounds": [[0, 1], [0, 2]], "resolution": 3}
    z = decode(await surface(client, kit, {**body, "format": "f32"}))
    np.testing.assert_array_equal(z, [[0, 0.5, 1], [10, 10.5, 11], [20, 20.5, 21]])


async def test_non_finite_values_are_nan_inside_the_binary_only(client, kit):
    body = {
        "objective": {"expression": "log(x) + y"},
        "bounds": [[-1, 1], [0, 1]],
        "resolution": 3,
        "format": "f32",
    }
    packed = await surface(client, kit, body)
    z = decode(packed)
    assert np.isnan(z[:, 0]).all() and np.isnan(z[:, 1]).all()  # log(-1) and log(0) = -inf
    np.testing.assert_array_equal(z[:, 2], [0.0, 0.5, 1.0])
    assert packed["z_min"] == 0.0 and packed["z_max"] == 1.0
    nothing = await surface(client, kit, {**body, "objective": {"expression": "log(x - 5) + y"}})
    assert nothing["z_min"] is None and nothing["z_max"] is None


async def test_huge_finite_values_stay_finite(client, kit):
    body = {"objective": {"expression": "exp(x)"}, "bounds": [[0, 200]], "resolution": 3}
    packed = await surface(client, kit, {**body, "format": "f32"})
    z = decode(packed)
    assert packed["shape"] == [3] and np.isfinite(z).all()
    assert z[2] == np.finfo(np.float32).max  # e^200 is beyond float32: clamped, not a hole


async def test_json_stays_the_default(client, kit):
    grid = await surface(client, kit, {"objective": {"id": "booth"}, "resolution": 4})
    assert set(grid) == {"x", "y", "z"} and isinstance(grid["z"], list)


async def test_unknown_format_is_422(client, kit):
    r = await client.post(
        f"{kit.API}/surface", json={"objective": {"id": "booth"}, "format": "f16"}
    )
    kit.assert_problem(r, 422, "format")


async def test_format_is_documented(client, kit):
    spec = kit.strict_loads((await client.get(f"{kit.API}/openapi.json")).content)
    prop = spec["components"]["schemas"]["SurfaceRequest2D"]["properties"]["format"]
    assert prop["enum"] == ["json", "f32"] and "base64" in prop["description"]
