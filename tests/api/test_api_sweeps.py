"""POST /sweeps: a start grid's basins, a learning-rate curve, caps and bad input."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.anyio


async def sweep(client, kit, body):
    r = await client.post(f"{kit.API}/sweeps", json=body)
    assert r.status_code == 200, r.text[:500]
    return kit.strict_loads(r.content)


async def test_himmelblau_start_grid_finds_all_four_basins(client, kit):
    body = {
        "objective": {"id": "himmelblau"},
        "optimizer": {"name": "sgd", "lr": 0.01},
        "over": {"start": {"resolution": 16}},
        "steps": 200,
    }
    result = await sweep(client, kit, body)
    assert result["over"] == "start"
    assert len(result["values"]) == len(result["final_params"]) == 256
    assert len(result["final_loss"]) == len(result["status"]) == len(result["steps_taken"]) == 256
    # The grid spans the view box, x varying fastest.
    axis = np.linspace(-5, 5, 16)
    np.testing.assert_allclose(result["values"][:16], np.stack([axis, [-5] * 16], axis=1))
    np.testing.assert_allclose(result["values"][16], [-5, axis[1]])
    assert set(result["basin"]) == {0, 1, 2, 3}
    minima = [m["point"] for m in result["minima"]]
    assert len(minima) == 4
    for basin, params, loss, status, steps in zip(
        result["basin"],
        result["final_params"],
        result["final_loss"],
        result["status"],
        result["steps_taken"],
        strict=True,
    ):
        assert status == "max_steps" and steps == 200
        np.testing.assert_allclose(params, minima[basin], atol=0.1)
        assert loss < 1e-3
    # Each basin's runs start in its own quadrant around the centre (0, 0) or so.
    for basin, start in zip(result["basin"], result["values"], strict=True):
        if abs(start[0]) > 1.5 and abs(start[1]) > 1.5:
            assert np.sign(start).tolist() == np.sign(minima[basin]).tolist()


async def test_lr_sweep_marks_big_learning_rates_diverged(client, kit):
    body = {
        "objective": {"id": "rosenbrock"},
        "optimizer": {"name": "sgd"},
        "over": {"lr": {"min": 1e-5, "max": 1, "num": 11, "scale": "log"}},
        "steps": 200,
    }
    result = await sweep(client, kit, body)
    assert result["over"] == "lr"
    np.testing.assert_allclose(result["values"], np.geomspace(1e-5, 1, 11))
    assert result["basin"] is None
    status = result["status"]
    assert status[:6] == ["max_steps"] * 6
    assert status[6:] == ["diverged"] * 5
    assert all(s == 200 for s in result["steps_taken"][:6])
    assert all(s < 10 for s in result["steps_taken"][6:])
    assert result["final_loss"][5] < result["final_loss"][0]


async def test_linear_sweep_of_another_hyperparameter(client, kit):
    body = {
        "objective": {"id": "u-curve"},
        "optimizer": {"name": "sgd", "lr": 0.01},
        "over": {"momentum": {"min": 0, "max": 0.9, "num": 4, "scale": "linear"}},
        "steps": 50,
    }
    result = await sweep(client, kit, body)
    np.testing.assert_allclose(result["values"], [0, 0.3, 0.6, 0.9])
    # Plain SGD on x^2 from 8: x_k = 8 * (1 - 2 lr)^k.
    assert result["final_params"][0][0] == pytest.approx(8 * 0.98**50)
    assert result["final_loss"][1] < result["final_loss"][0]


async def test_sweep_divergence_is_null_not_nan(client, kit):
    body = {
        "objective": {"id": "rosenbrock"},
        "optimizer": {"name": "sgd"},
        "over": {"lr": {"min": 1e-3, "max": 1e100, "num": 3}},
        "steps": 20,
    }
    r = await client.post(f"{kit.API}/sweeps", json=body)
    assert b"NaN" not in r.content and b"Infinity" not in r.content
    result = kit.strict_loads(r.content)
    assert result["status"][-1] == "diverged" and result["final_loss"][-1] is None


async def test_one_dimensional_start_grid(client, kit):
    body = {
        "objective": {"id": "double-well"},
        "optimizer": {"name": "sgd", "lr": 0.01},
        "over": {"start": {"bounds": [[-2.4, 2.4]], "resolution": 5}},
        "steps": 300,
    }
    result = await sweep(client, kit, body)
    np.testing.assert_allclose(result["values"], [[-2.4], [-1.2], [0.0], [1.2], [2.4]])
    assert result["basin"][0] == 0 and result["basin"][-1] == 1


async def test_sweep_caps_name_the_cap(small_client, kit):
    caps = kit.SMALL_CAPS
    base = {"objective": {"id": "rosenbrock"}, "optimizer": {"name": "sgd"}, "steps": 10}
    over = {"lr": {"min": 1e-4, "max": 1, "num": caps["max_sweep_runs"] + 1}}
    r = await small_client.post(f"{kit.API}/sweeps", json={**base, "over": over})
    kit.assert_problem(r, 422, "over.lr.num", str(caps["max_sweep_runs"]))
    grid = {"start": {"resolution": 9}}  # 81 runs > 64: the finest 2-D grid is 8 × 8
    r = await small_client.post(f"{kit.API}/sweeps", json={**base, "over": grid})
    kit.assert_problem(r, 422, "over.start.resolution", "8")
    over = {"lr": {"min": 1e-4, "max": 1, "num": 50}}  # 50 x 101 = 5050 > 5000
    r = await small_client.post(f"{kit.API}/sweeps", json={**base, "over": over, "steps": 101})
    kit.assert_problem(r, 422, "steps", str(caps["max_sweep_work"]))
    r = await small_client.post(f"{kit.API}/sweeps", json={**base, "over": over, "steps": 100})
    assert r.status_code == 200


async def test_shipped_sweep_cap(client, kit):
    body = {
        "objective": {"id": "rosenbrock"},
        "optimizer": {"name": "sgd"},
        "over": {"lr": {"min": 1e-4, "max": 1, "num": 4097}},
    }
    r = await client.post(f"{kit.API}/sweeps", json=body)
    kit.assert_problem(r, 422, "over.lr.num", "4096")


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999"])
async def test_non_finite_sweep_numbers_are_422(client, kit, token):
    for over, optimizer, where in (
        ('{"lr": {"min": 1e-4, "max": %s, "num": 3}}', '{"name": "sgd"}', "over.lr"),
        ('{"lr": {"min": 1e-4, "max": 1, "num": 3}}', '{"name": "sgd", "lr": %s}', "optimizer"),
        ('{"start": {"bounds": [[0, %s], [0, 1]]}}', '{"name": "sgd"}', "over.start"),
    ):
        raw = (
            '{"objective": {"id": "rosenbrock"}, "optimizer": '
            + (optimizer % token if "%s" in optimizer else optimizer)
            + ', "over": '
            + (over % token if "%s" in over else over)
            + "}"
        )
        r = await kit.post_raw(client, "/sweeps", raw)
        detail = kit.assert_problem(r, 422)
        assert detail["field"].startswith(where), (raw, detail)


@pytest.mark.parametrize(
    ("over", "optimizer", "field", "word"),
    [
        ({"nesterov": {"min": 0, "max": 1, "num": 3}}, "sgd", "over.nesterov", "lr"),
        ({"betas": {"min": 0, "max": 1, "num": 3}}, "adam", "over.betas", "lr"),
        ({"start": {"min": 0, "max": 1, "num": 3}}, "sgd", "over.start.min", "resolution"),
        ({"lr": {"bounds": [[0, 1], [0, 1]]}}, "sgd", "over.lr.bounds", "min, max, num"),
        ({"lr": {"min": 0.1, "max": 1, "num": 3, "scale": "cubic"}}, "sgd", "over.lr.scale", ""),
        ({"start": {"bounds": [[1, 0], [0, 1]]}}, "sgd", "over.start.bounds[0]", "min < max"),
        ({"start": {"bounds": [[0, 1]]}}, "sgd", "over.start.bounds", "2"),
        # Rejected by the sweep itself: 422 naming the field, not a 500.
        ({"lr": {"min": 1, "max": 0.1, "num": 3}}, "sgd", "over.lr", "min ≤ max"),
        ({"lr": {"min": 0, "max": 0.1, "num": 3, "scale": "log"}}, "sgd", "over.lr.min", "than 0"),
    ],
)
async def test_bad_sweeps_name_the_field(client, kit, over, optimizer, field, word):
    body = {"objective": {"id": "rosenbrock"}, "optimizer": {"name": optimizer}, "over": over}
    r = await client.post(f"{kit.API}/sweeps", json=body)
    kit.assert_problem(r, 422, field, word)


async def test_swept_values_out_of_the_hyperparameter_bounds_are_422(client, kit):
    body = {
        "objective": {"id": "rosenbrock"},
        "optimizer": {"name": "sgd"},
        "over": {"dampening": {"min": 0.5, "max": 3, "num": 3, "scale": "linear"}},
    }
    r = await client.post(f"{kit.API}/sweeps", json=body)
    detail = kit.assert_problem(r, 422)
    assert detail["field"] == "over.dampening.max", detail


async def test_sweep_over_needs_exactly_one_entry(client, kit):
    base = {"objective": {"id": "rosenbrock"}, "optimizer": {"name": "sgd"}}
    r = await client.post(f"{kit.API}/sweeps", json={**base, "over": {}})
    kit.assert_problem(r, 422, "over")
    two = {"lr": {"min": 1e-3, "max": 1e-2, "num": 2}, "start": {"resolution": 2}}
    r = await client.post(f"{kit.API}/sweeps", json={**base, "over": two})
    kit.assert_problem(r, 422, "over")


async def test_sweep_start_of_the_wrong_length_names_start(client, kit):
    body = {
        "objective": {"id": "rosenbrock"},
        "optimizer": {"name": "sgd"},
        "start": [1],
        "over": {"lr": {"min": 1e-3, "max": 1e-2, "num": 2}},
    }
    r = await client.post(f"{kit.API}/sweeps", json=body)
    kit.assert_problem(r, 422, "start", "2")
