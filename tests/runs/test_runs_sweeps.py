"""Sweeps: a learning-rate curve and basin-of-attraction maps, each run as one batch."""

from __future__ import annotations

import time

import numpy as np
import pytest

from app.objectives import make_objective
from app.runs import (
    ProblemError,
    RunConfig,
    RunProblem,
    Simulation,
    basin_of,
    start_grid,
    sweep,
    sweep_values,
)
from app.runs.status import DIVERGENCE_LIMIT

FINAL = {"converged", "max_steps", "diverged", "stopped"}


def base(spec, config, steps, **options):
    objective = make_objective(spec if isinstance(spec, dict) else {"id": spec})
    return RunProblem(objective, (config,), steps, **options)


def grid_sweep(spec, lr, steps, bounds, resolution):
    problem = base(spec, RunConfig("sgd", {"lr": lr}), steps)
    return sweep(problem, {"start": {"bounds": bounds, "resolution": resolution}})


# --- the learning-rate curve ----------------------------------------------------------------


def closed_form_sgd_rosenbrock(lrs, start, steps):
    """Batched SGD on Rosenbrock by hand: final params and the first diverged step (or -1)."""
    p = np.tile(np.array(start, dtype=np.float64), (len(lrs), 1))
    lr = lrs[:, None]
    first_bad = np.full(len(lrs), -1)
    with np.errstate(all="ignore"):
        for k in range(steps + 1):
            bad = ~(np.abs(p) <= DIVERGENCE_LIMIT).all(axis=1) & (first_bad < 0)
            first_bad[bad] = k
            if k == steps:
                break
            x, y = p[:, 0], p[:, 1]
            b = y - x * x
            g = np.stack([-2.0 * (1.0 - x) - 400.0 * x * b, 200.0 * b], axis=1)
            p = np.where((first_bad < 0)[:, None], p - lr * g, p)
    return p, first_bad


def test_a_thousand_log_spaced_learning_rates_make_a_learning_rate_curve():
    steps = 150
    problem = base("rosenbrock", RunConfig("sgd", {}), steps)
    result = sweep(problem, {"lr": {"min": 1e-6, "max": 1.0, "num": 1000, "scale": "log"}})
    np.testing.assert_allclose(result.values, np.geomspace(1e-6, 1.0, 1000))
    status = np.array(result.status)
    assert set(status) == {"max_steps", "diverged"}
    assert (status[result.values <= 1e-3] == "max_steps").all()
    assert (status[result.values >= 0.1] == "diverged").all()
    # the boundary between the two is (nearly) a single switch along the curve
    assert np.count_nonzero(status[1:] != status[:-1]) <= 3
    assert (result.steps_taken[status == "max_steps"] == steps).all()
    diverged = status == "diverged"
    assert (result.steps_taken[diverged] < steps).all()
    # the same numbers as batched SGD written by hand (just below the boundary SGD bounces
    # chaotically across the valley and rounding differences grow, so compare short of it)
    params, first_bad = closed_form_sgd_rosenbrock(result.values, (-1.2, 1.0), steps)
    ok = ~diverged
    assert (first_bad[ok] == -1).all()
    calm = result.values < 0.5 * result.values[diverged].min()
    np.testing.assert_allclose(result.final_params[calm], params[calm], rtol=1e-9)
    assert np.count_nonzero(result.steps_taken[diverged] != first_bad[diverged]) <= 2
    assert np.isfinite(result.final_loss[ok]).all()
    assert result.final_loss[0] > result.final_loss[calm][-1]  # bigger steps got further
    assert result.basin is None


def test_a_learning_rate_sweep_equals_separate_runs():
    values = sweep_values({"min": 1e-4, "max": 3e-3, "num": 5}, "over.lr")
    config = RunConfig("sgd", {"momentum": 0.5})
    result = sweep(base("rosenbrock", config, 100), {"lr": {"min": 1e-4, "max": 3e-3, "num": 5}})
    for i, lr in enumerate(values):
        solo = RunConfig("sgd", {"momentum": 0.5, "lr": float(lr)})
        sim = Simulation(base("rosenbrock", solo, 100))
        last = list(sim)[-1]
        np.testing.assert_allclose(result.final_params[i], last.params[0], rtol=1e-12)
        assert result.status[i] == sim.outcomes[0].status.value
        assert result.steps_taken[i] == sim.outcomes[0].steps_taken


def test_sweep_values_linear_and_bad_specs():
    np.testing.assert_allclose(
        sweep_values({"min": 0.0, "max": 1.0, "num": 5, "scale": "linear"}, "over.lr"),
        [0.0, 0.25, 0.5, 0.75, 1.0],
    )
    for spec, field in [
        ({"min": 0.0, "max": 1.0, "num": 5}, "over.lr.min"),
        ({"min": 1.0, "max": 0.1, "num": 5}, "over.lr"),
        ({"min": 0.1, "max": 1.0, "num": 0}, "over.lr.num"),
        ({"min": 0.1, "max": 1.0, "num": 3, "scale": "cubic"}, "over.lr.scale"),
    ]:
        with pytest.raises(ProblemError) as info:
            sweep_values(spec, "over.lr")
        assert info.value.field == field


# --- basins of attraction -------------------------------------------------------------------


def test_start_grid_varies_x_fastest():
    grid = start_grid([[0.0, 1.0], [10.0, 12.0]], 3)
    assert grid.shape == (9, 2)
    np.testing.assert_allclose(grid[:3], [[0.0, 10.0], [0.5, 10.0], [1.0, 10.0]])
    np.testing.assert_allclose(grid[3:6, 1], 11.0)


def test_himmelblau_start_grid_finds_exactly_its_four_basins():
    objective = make_objective({"id": "himmelblau"})
    result = grid_sweep("himmelblau", 0.01, 500, [[-5.0, 5.0], [-5.0, 5.0]], 64)
    assert result.values.shape == (64 * 64, 2) and result.final_params.shape == (4096, 2)
    assert set(result.status) <= FINAL
    assert set(np.unique(result.basin)) == {0, 1, 2, 3}
    # every catchment area is a sizeable part of the view
    counts = np.bincount(result.basin, minlength=4)
    assert (counts > 500).all()
    # the start nearest each minimum ends in that minimum's basin
    for i, minimum in enumerate(objective.minima):
        nearest = np.argmin(np.linalg.norm(result.values - minimum.point, axis=1))
        assert result.basin[nearest] == i
        ended = result.final_params[result.basin == i]
        np.testing.assert_allclose(ended, np.broadcast_to(minimum.point, ended.shape), atol=1e-3)


def test_six_hump_camel_basins_are_point_symmetric():
    objective = make_objective({"id": "six-hump-camel"})
    bounds = [list(b) for b in objective.view_box]
    result = grid_sweep("six-hump-camel", 0.01, 500, bounds, 32)
    assert set(np.unique(result.basin)) == set(range(6))
    # f(x, y) = f(−x, −y); the grid reversed is the grid mirrored through the origin, and the
    # minima come in mirrored pairs (0, 1), (2, 3), (4, 5).
    np.testing.assert_allclose(result.values[::-1], -result.values, atol=1e-12)
    mirrored = result.basin[::-1]
    agree = (mirrored >= 0) & (result.basin >= 0)
    assert np.mean(mirrored[agree] == (result.basin[agree] ^ 1)) > 0.98


def test_double_well_basins_split_at_the_hump():
    objective = make_objective({"id": "double-well"})
    result = grid_sweep("double-well", 0.01, 500, [[-2.5, 2.5]], 41)
    hump = sorted(np.roots([4.0, 0.0, -8.0, 1.0]).real)[1]  # f′ = 0 between the wells
    starts = result.values[:, 0]
    left = objective.minima.index(min(objective.minima, key=lambda m: m.point[0]))
    away = np.abs(starts - hump) > 0.05
    expected = np.where(starts < hump, left, 1 - left)
    np.testing.assert_array_equal(result.basin[away], expected[away])
    assert set(result.basin) == {0, 1}


def test_diverged_runs_have_no_basin():
    # lr 0.05 on the double well: starts far out overshoot and diverge, near ones settle.
    result = grid_sweep("double-well", 0.05, 300, [[-4.0, 4.0]], 33)
    status = np.array(result.status)
    assert (status == "diverged").any() and (status != "diverged").any()
    assert (result.basin[status == "diverged"] == -1).all()
    assert (result.basin[status != "diverged"] >= 0).any()


def test_basin_of_ignores_runs_that_did_not_finish_well():
    objective = make_objective({"id": "himmelblau"})
    points = np.array([m.point for m in objective.minima] + [[0.0, 0.0]])
    ok = np.array([True, True, False, True, True])
    np.testing.assert_array_equal(basin_of(objective, points, ok), [0, 1, -1, 3, -1])
    custom = make_objective({"expression": "x^2 + y^2"})
    np.testing.assert_array_equal(basin_of(custom, points, ok), [-1] * 5)


# --- stopping a sweep -----------------------------------------------------------------------


def test_a_sweep_past_its_deadline_reports_every_run_stopped():
    problem = base("rosenbrock", RunConfig("sgd", {}), 100)
    result = sweep(
        problem, {"lr": {"min": 1e-4, "max": 1e-2, "num": 8}}, deadline=time.monotonic() - 1.0
    )
    assert result.status == ("stopped",) * 8
    np.testing.assert_array_equal(result.steps_taken, 0)
    np.testing.assert_allclose(result.final_params, np.tile([-1.2, 1.0], (8, 1)))


def test_a_cancelled_sweep_reports_stopped_not_running():
    calls = {"n": 0}

    def should_stop():
        calls["n"] += 1
        return calls["n"] > 10

    problem = base("himmelblau", RunConfig("sgd", {"lr": 0.01}), 500)
    result = sweep(
        problem,
        {"start": {"bounds": [[-5.0, 5.0], [-5.0, 5.0]], "resolution": 8}},
        should_stop=should_stop,
    )
    assert set(result.status) == {"stopped"}
    np.testing.assert_array_equal(result.steps_taken, 10)
    assert (result.basin == -1).all()
