"""The batched run loop: iterates, stop rules, batching, optimizer state, schedules, clipping."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from app.engine import batch_value_and_grad
from app.objectives import make_objective
from app.optim import OPTIMIZERS, broadcast_hyperparams
from app.runs import STATUSES, RunConfig, RunProblem, RunStatus, Simulation, StopRules


def run(spec, runs, steps, **options):
    """Build and fully iterate a problem; returns (simulation, list of Steps)."""
    objective = make_objective(spec if isinstance(spec, dict) else {"id": spec})
    simulation = Simulation(RunProblem(objective, tuple(runs), steps, **options))
    return simulation, list(simulation)


def trajectory(steps, run_index=0):
    return np.array([s.params[run_index] for s in steps])


def rosenbrock_grad(p):
    """Closed-form gradient of (1 − x)² + 100·(y − x²)² for (R, 2) points."""
    x, y = p[:, 0], p[:, 1]
    a, b = 1.0 - x, y - x * x
    return np.stack([-2.0 * a - 400.0 * x * b, 200.0 * b], axis=1)


# --- the texts' worked examples -------------------------------------------------------------


def test_one_weight_network_matches_the_text():
    sim, steps = run("one-weight-network", [RunConfig("sgd", {"lr": 0.1})], 3)
    assert steps[0].params[0, 0] == 2.0
    assert steps[0].grad[0, 0] == -4.0
    assert steps[0].loss[0] == 4.0
    assert steps[1].params[0, 0] == pytest.approx(2.4, abs=1e-15)
    assert steps[1].grad[0, 0] == pytest.approx(-3.2, abs=1e-15)
    # w_k = 4 − 2·0.8^k
    np.testing.assert_allclose(trajectory(steps)[:, 0], 4.0 - 2.0 * 0.8 ** np.arange(4))
    assert sim.outcomes[0].status is RunStatus.MAX_STEPS


def test_two_weight_chain_runs_with_the_texts_gradients():
    lr = 1e-11
    sim, steps = run("two-weight-chain", [RunConfig("sgd", {"lr": lr})], 20)
    w1, w2 = 200.0, 1.4
    error = 1000.0 * w1 * w2 - 300_000.0  # $280,000 predicted: −$20,000
    assert steps[0].loss[0] == pytest.approx(error**2)
    expected = 2.0 * error * 1000.0 * np.array([w2, w1])
    np.testing.assert_allclose(steps[0].grad[0], expected, rtol=1e-12)
    # W2 multiplies 200,000, so its gradient is W1/W2 ≈ 140 times W1's
    assert steps[0].grad[0, 1] / steps[0].grad[0, 0] == pytest.approx(w1 / w2)
    np.testing.assert_allclose(steps[1].params[0], [w1, w2] - lr * expected, rtol=1e-12)
    assert steps[-1].loss[0] < 1e-3 * steps[0].loss[0]
    assert np.prod(steps[-1].params[0]) == pytest.approx(300.0, rel=1e-3)
    assert sim.outcomes[0].status is RunStatus.MAX_STEPS


def test_black_box_run_matches_the_table_and_cracks_the_rule():
    table = np.array([[1.0, 2.21], [1.1, 2.431], [1.2, 2.652], [2.0, 4.42]])
    x, z = table.T
    _, steps = run("black-box", [RunConfig("sgd", {"lr": 0.1})], 1500)
    a, b = 1.0, 1.0
    error = a * x + b * x * x - z
    assert steps[0].loss[0] == pytest.approx(np.mean(error**2), rel=1e-12)
    grad = np.array([np.mean(2 * error * x), np.mean(2 * error * x * x)])
    np.testing.assert_allclose(steps[0].grad[0], grad, rtol=1e-12)
    np.testing.assert_allclose(steps[1].params[0], [a, b] - 0.1 * grad, rtol=1e-12)
    # the table is exactly z = 2.21·x
    np.testing.assert_allclose(steps[-1].params[0], [2.21, 0.0], atol=1e-6)


# --- budgets and stop rules -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("objective", "config"),
    [
        ("rosenbrock", RunConfig("adam", {"lr": 0.01})),
        ("u-curve", RunConfig("sgd", {"lr": 0.1})),
        ("himmelblau", RunConfig("rmsprop", {"lr": 0.01})),
        ("double-well", RunConfig("sgd", {"lr": 0.01, "momentum": 0.9})),
    ],
)
def test_without_stop_rules_a_run_takes_exactly_the_budget(objective, config):
    sim, steps = run(objective, [config], 37)
    assert [s.index for s in steps] == list(range(38))
    (outcome,) = sim.outcomes
    assert outcome.status is RunStatus.MAX_STEPS
    assert outcome.steps_taken == 37
    assert outcome.converged_by is None and outcome.diverged_at is None
    assert all(STATUSES[s.status[0]] is RunStatus.RUNNING for s in steps[:-1])
    assert STATUSES[steps[-1].status[0]] is RunStatus.MAX_STEPS
    assert steps[-1].lr[0] == 0.0  # no update leaves the last step
    assert not np.array_equal(steps[-1].params, steps[-2].params)


def test_zero_steps_evaluates_the_start_only():
    sim, steps = run("u-curve", [RunConfig("sgd", {"lr": 0.1})], 0)
    assert len(steps) == 1
    assert steps[0].params[0, 0] == 8.0 and steps[0].loss[0] == 64.0
    assert sim.outcomes[0].status is RunStatus.MAX_STEPS and sim.outcomes[0].steps_taken == 0


def u_curve_sgd(lr, start, n):
    """Hand-computed SGD on f(x) = x²: x ← x − lr·2x."""
    xs = [start]
    for _ in range(n):
        xs.append(xs[-1] - lr * 2.0 * xs[-1])
    return np.array(xs)


def test_loss_below_stops_at_the_first_step_under_the_threshold():
    xs = u_curve_sgd(0.1, 8.0, 200)
    first = int(np.argmax(xs * xs < 0.001))
    assert first > 0
    sim, steps = run("u-curve", [RunConfig("sgd", {"lr": 0.1})], 200, stop=StopRules(0.001))
    (outcome,) = sim.outcomes
    assert outcome.status is RunStatus.CONVERGED
    assert outcome.converged_by == "loss_below"
    assert "loss" in outcome.message and "0.001" in outcome.message
    assert outcome.steps_taken == first == len(steps) - 1
    np.testing.assert_allclose(trajectory(steps)[:, 0], xs[: first + 1], rtol=1e-14)
    assert steps[-1].loss[0] < 0.001 <= steps[-2].loss[0]
    assert STATUSES[steps[-1].status[0]] is RunStatus.CONVERGED


def test_grad_norm_below_stops_at_the_first_step_under_the_threshold():
    xs = u_curve_sgd(0.1, 8.0, 200)
    first = int(np.argmax(np.abs(2.0 * xs) < 0.01))
    sim, steps = run(
        "u-curve", [RunConfig("sgd", {"lr": 0.1})], 200, stop=StopRules(grad_norm_below=0.01)
    )
    (outcome,) = sim.outcomes
    assert outcome.status is RunStatus.CONVERGED
    assert outcome.converged_by == "grad_norm_below"
    assert "gradient" in outcome.message
    assert outcome.steps_taken == first == len(steps) - 1


def test_grad_norm_rule_uses_the_euclidean_norm():
    # Booth from (-8, 8): checked against the norm of the loop's own reported gradients.
    sim, steps = run("booth", [RunConfig("sgd", {"lr": 0.05})], 300, stop=StopRules(None, 1e-3))
    norms = np.array([np.linalg.norm(s.grad[0]) for s in steps])
    assert (norms[:-1] >= 1e-3).all() and norms[-1] < 1e-3
    assert sim.outcomes[0].converged_by == "grad_norm_below"


def test_each_run_stops_on_its_own_rule_and_step():
    rules = StopRules(loss_below=0.001, grad_norm_below=0.5)
    runs = [RunConfig("sgd", {"lr": lr}) for lr in (0.1, 0.01)]
    sim, steps = run("u-curve", runs, 1000, stop=rules)
    for i, lr in enumerate((0.1, 0.01)):
        xs = u_curve_sgd(lr, 8.0, 1000)
        first = int(np.argmax((xs * xs < 0.001) | (np.abs(2 * xs) < 0.5)))
        assert sim.outcomes[i].steps_taken == first
        # |2x| < 0.5 (x < 0.25) comes before x² < 0.001 (x < 0.032) on the way down
        assert sim.outcomes[i].converged_by == "grad_norm_below"
    assert sim.outcomes[0].steps_taken < sim.outcomes[1].steps_taken
    assert len(steps) == sim.outcomes[1].steps_taken + 1


def test_a_start_already_below_the_threshold_converges_at_step_zero():
    sim, steps = run("u-curve", [RunConfig("sgd", {"lr": 0.1}, (0.01,))], 50, stop=StopRules(1e-3))
    assert len(steps) == 1
    assert sim.outcomes[0].status is RunStatus.CONVERGED and sim.outcomes[0].steps_taken == 0


# --- runs advance together ------------------------------------------------------------------

MIXED = (
    RunConfig("sgd", {"lr": 1e-3}),
    RunConfig("sgd", {"lr": 5e-4, "momentum": 0.9, "nesterov": True}),
    RunConfig("adam", {"lr": 1e-2}, (0.5, -0.5)),
    RunConfig("rmsprop", {"lr": 1e-3}),
    RunConfig("adagrad", {"lr": 0.1}, (1.5, 2.5)),
    RunConfig("adamw", {"lr": 1e-2}),
    RunConfig("nadam", {"lr": 1e-2}),
    RunConfig("lion", {"lr": 1e-3}),
    RunConfig("newton", {"lr": 0.5, "damping": 1.0}),
    RunConfig("adam", {"lr": 3e-2, "amsgrad": True}, (-1.5, 2.0)),
)


def test_several_optimizers_in_one_problem_equal_each_run_alone():
    sim, together = run("rosenbrock", MIXED, 60)
    assert len(together) == 61
    assert all(o.status is RunStatus.MAX_STEPS for o in sim.outcomes)
    for i, config in enumerate(MIXED):
        _, alone = run("rosenbrock", [config], 60)
        np.testing.assert_allclose(
            trajectory(together, i), trajectory(alone), rtol=1e-12, atol=1e-12, err_msg=str(i)
        )
        np.testing.assert_allclose(
            [s.loss[i] for s in together], [s.loss[0] for s in alone], rtol=1e-12
        )


def test_sgd_runs_with_and_without_momentum_in_one_group_equal_each_run_alone():
    # A run without momentum takes plain gradient steps whatever its dampening.
    for dampening in (0.0, 0.5):
        configs = [
            RunConfig("sgd", {"lr": 1e-3, "dampening": dampening}),
            RunConfig("sgd", {"lr": 5e-4, "momentum": 0.9, "dampening": dampening}),
        ]
        _, together = run("rosenbrock", configs, 40)
        for i, config in enumerate(configs):
            _, alone = run("rosenbrock", [config], 40)
            np.testing.assert_array_equal(trajectory(together, i), trajectory(alone))
            buffers = [s.state_of(i)["momentum_buffer"] for s in together]
            assert np.any(buffers) if i else not np.any(buffers)


def test_per_run_learning_rates_equal_separate_runs():
    lrs = (1e-4, 3e-4, 1e-3, 2e-3)
    _, together = run("rosenbrock", [RunConfig("sgd", {"lr": lr}) for lr in lrs], 80)
    for i, lr in enumerate(lrs):
        _, alone = run("rosenbrock", [RunConfig("sgd", {"lr": lr})], 80)
        np.testing.assert_allclose(trajectory(together, i), trajectory(alone), rtol=1e-12)
        np.testing.assert_array_equal([s.lr[i] for s in together[:-1]], lr)
    finals = together[-1].params
    assert len({tuple(p) for p in finals}) == len(lrs)


# --- iterates against app.optim by hand -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "hp"),
    [
        ("sgd", {"lr": 1e-3}),
        ("sgd", {"lr": 2e-4, "momentum": 0.8, "weight_decay": 0.01}),
        ("adam", {"lr": 1e-2}),
        ("adam", {"lr": 2e-2, "betas": (0.8, 0.99), "amsgrad": True}),
    ],
)
def test_iterates_equal_app_optim_with_the_engine_gradient(name, hp):
    objective = make_objective({"id": "rosenbrock"})
    starts = [(-1.2, 1.0), (0.3, 2.5), (1.8, -0.7)]
    _, steps = run("rosenbrock", [RunConfig(name, hp, s) for s in starts], 50)
    opt = OPTIMIZERS[name]
    params = np.array(starts)
    hps = broadcast_hyperparams(opt, [hp], len(starts))
    state = opt.init(params, hps)
    for k in range(50):
        _, grads = batch_value_and_grad(objective.loss, params)
        np.testing.assert_allclose(steps[k].params, params, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(steps[k].grad, grads, rtol=1e-13, atol=1e-12)
        params, state = opt.update(params, grads, state, hps, k + 1)
    np.testing.assert_allclose(steps[50].params, params, rtol=1e-13, atol=1e-15)


def test_adam_equals_a_closed_form_torch_adam():
    """Adam as torch writes it, on the closed-form Rosenbrock gradient: no app code involved."""
    lr, b1, b2, eps, n = 1e-2, 0.9, 0.999, 1e-8, 200
    starts = np.array([(-1.2, 1.0), (0.3, 2.5), (1.8, -0.7), (-2.0, 3.0)])
    _, steps = run("rosenbrock", [RunConfig("adam", {"lr": lr}, tuple(s)) for s in starts], n)
    p, m, v = starts.copy(), np.zeros_like(starts), np.zeros_like(starts)
    for t in range(1, n + 1):
        g = rosenbrock_grad(p)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        denom = np.sqrt(v) / math.sqrt(1 - b2**t) + eps
        p = p - (lr / (1 - b1**t)) * m / denom
        if t in (1, 10, n):
            np.testing.assert_allclose(steps[t].params, p, rtol=1e-9, err_msg=f"step {t}")
            np.testing.assert_allclose(steps[t].state_of(0)["exp_avg"], m[0], rtol=1e-9)


def test_sgd_equals_a_closed_form_sgd():
    lr, n = 1e-3, 300
    starts = np.array([(-1.2, 1.0), (0.3, 2.5), (1.8, -0.7)])
    _, steps = run("rosenbrock", [RunConfig("sgd", {"lr": lr}, tuple(s)) for s in starts], n)
    p = starts.copy()
    for _ in range(n):
        p = p - lr * rosenbrock_grad(p)
    np.testing.assert_allclose(steps[-1].params, p, rtol=1e-9)


# --- optimizer state ------------------------------------------------------------------------


def test_state_of_reports_adam_moments():
    lr, b1, b2 = 0.1, 0.9, 0.999
    runs = [RunConfig("sgd", {"lr": 0.1}), RunConfig("adam", {"lr": lr})]
    _, steps = run("u-curve", runs, 5)
    assert set(steps[0].state_of(1)) >= {"exp_avg", "exp_avg_sq"}
    x, m, v = 8.0, 0.0, 0.0
    for k in range(5):
        state = steps[k].state_of(1)
        assert state["exp_avg"].shape == (1,)
        assert state["exp_avg"][0] == pytest.approx(m, rel=1e-12, abs=1e-300)
        assert state["exp_avg_sq"][0] == pytest.approx(v, rel=1e-12, abs=1e-300)
        assert steps[k].params[1, 0] == pytest.approx(x, rel=1e-12)
        g = 2.0 * x
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        t = k + 1
        x -= lr / (1 - b1**t) * m / (math.sqrt(v) / math.sqrt(1 - b2**t) + 1e-8)


def test_state_of_reports_the_sgd_momentum_buffer():
    lr, mu = 0.05, 0.9
    runs = [RunConfig("adam", {"lr": 0.1}), RunConfig("sgd", {"lr": lr, "momentum": mu})]
    _, steps = run("u-curve", runs, 6)
    x, buf = 8.0, 0.0
    for k in range(6):
        assert steps[k].state_of(1)["momentum_buffer"][0] == pytest.approx(buf, rel=1e-12)
        assert steps[k].params[1, 0] == pytest.approx(x, rel=1e-12)
        g = 2.0 * x
        buf = g if k == 0 else mu * buf + g
        x -= lr * buf
    assert "momentum_buffer" not in steps[0].state_of(0)
    assert steps[0].state_of(99) == {}


# --- schedules and clipping -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "factor"),
    [
        (None, lambda t: 1.0),
        ({"name": "step", "step_size": 3, "gamma": 0.5}, lambda t: 0.5 ** (t // 3)),
        ({"name": "exponential", "gamma": 0.9}, lambda t: 0.9**t),
        (
            {"name": "cosine", "t_max": 8, "eta_min": 0.0},
            lambda t: (1 + math.cos(math.pi * t / 8)) / 2,
        ),
        (
            {"name": "warmup", "warmup_steps": 4, "start_factor": 0.25},
            lambda t: 0.25 + 0.75 * min(t, 4) / 4,
        ),
    ],
)
def test_schedules_change_the_reported_and_applied_lr(schedule, factor):
    base = 0.2
    _, steps = run("u-curve", [RunConfig("sgd", {"lr": base})], 10, schedule=schedule)
    expected = np.array([base * factor(k) for k in range(10)])
    np.testing.assert_allclose([s.lr[0] for s in steps[:-1]], expected, rtol=1e-14, atol=1e-16)
    for k in range(10):
        x = steps[k].params[0, 0]
        assert steps[k + 1].params[0, 0] == pytest.approx(x - expected[k] * 2 * x, rel=1e-13)
    if schedule is not None:
        assert len(set(expected)) > 1


def test_a_schedule_scales_each_runs_own_lr():
    schedule = {"name": "exponential", "gamma": 0.5}
    runs = [RunConfig("sgd", {"lr": 0.1}), RunConfig("adam", {"lr": 0.01})]
    _, steps = run("u-curve", runs, 4, schedule=schedule)
    expected = np.array([[0.1, 0.01]]) * 0.5 ** np.arange(4)[:, None]
    np.testing.assert_allclose([s.lr for s in steps[:-1]], expected, rtol=1e-15)


def test_max_norm_clipping_applies_the_clipped_update_and_counts_it():
    lr, limit = 0.1, 1.0
    sim, steps = run("u-curve", [RunConfig("sgd", {"lr": lr})], 100, clip={"max_norm": limit})
    x, count = 8.0, 0
    for k in range(100):
        assert steps[k].params[0, 0] == pytest.approx(x, rel=1e-12, abs=1e-300)
        g = 2.0 * x
        scale = min(limit / (abs(g) + 1e-6), 1.0)  # torch's clip_grad_norm_
        assert bool(steps[k].clipped[0]) == (scale < 1.0)
        count += scale < 1.0
        x -= lr * g * scale
    assert 60 < count < 90  # clipped on the long walk in, not once the gradient is small
    assert sim.outcomes[0].clipped_steps == count == sum(bool(s.clipped[0]) for s in steps)
    assert not steps[-1].clipped[0]


def test_clipping_is_per_run():
    runs = [RunConfig("sgd", {"lr": 0.1}, (8.0,)), RunConfig("sgd", {"lr": 0.1}, (0.1,))]
    sim, steps = run("u-curve", runs, 5, clip={"max_norm": 1.0})
    assert [o.clipped_steps for o in sim.outcomes] == [5, 0]
    assert all(s.clipped.tolist() == [True, False] for s in steps[:-1])


def test_max_value_clipping_clamps_each_coordinate():
    sim, steps = run("rosenbrock", [RunConfig("sgd", {"lr": 0.01})], 3, clip={"max_value": 2.0})
    g = np.clip(rosenbrock_grad(steps[0].params), -2.0, 2.0)
    np.testing.assert_allclose(steps[1].params, steps[0].params - 0.01 * g, rtol=1e-13)
    assert steps[0].clipped[0] and sim.outcomes[0].clipped_steps >= 1


# --- mini-batches ---------------------------------------------------------------------------


def linear_run(batch_size, seed, steps=30, runs=1):
    configs = [RunConfig("sgd", {"lr": 0.05})] * runs
    spec = {"id": "linear-regression", "batch_size": batch_size}
    return run(spec, configs, steps, seed=seed)[1]


def test_same_seed_gives_the_same_stochastic_trajectory():
    a, b = linear_run(3, seed=7), linear_run(3, seed=7)
    np.testing.assert_array_equal(trajectory(a), trajectory(b))
    np.testing.assert_array_equal([s.loss for s in a], [s.loss for s in b])


def test_different_seeds_give_different_stochastic_trajectories():
    a, b = linear_run(3, seed=7), linear_run(3, seed=8)
    assert not np.allclose(trajectory(a)[1:], trajectory(b)[1:])


def test_full_batch_is_deterministic_whatever_the_seed():
    a, b = linear_run(0, seed=1), linear_run(0, seed=2)
    np.testing.assert_array_equal(trajectory(a), trajectory(b))
    c = linear_run(3, seed=1)
    assert not np.allclose(trajectory(a)[1:], trajectory(c)[1:])


def test_each_stochastic_gradient_is_the_gradient_of_batch_size_samples():
    """The step-0 gradient must be the MSE gradient over some 3 distinct samples."""
    from app.objectives.datasets import LINE

    steps = linear_run(3, seed=3, steps=2)
    w, b = steps[0].params[0]
    r = w * LINE.x + b - LINE.y
    subsets = np.array(list(itertools.combinations(range(LINE.n), 3)))
    grads = np.stack(
        [(2 * r * LINE.x)[subsets].mean(axis=1), (2 * r)[subsets].mean(axis=1)], axis=1
    )
    full = np.array([(2 * r * LINE.x).mean(), (2 * r).mean()])
    assert not np.allclose(steps[0].grad[0], full)
    assert np.isclose(grads, steps[0].grad[0], rtol=1e-12).all(axis=1).any()


# --- Newton ---------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", [{"id": "quadratic"}, {"id": "quadratic", "condition": 500}])
def test_newton_solves_the_quadratic_bowl_in_one_step(spec):
    sim, steps = run(
        spec, [RunConfig("newton", {"lr": 1.0})], 10, stop=StopRules(grad_norm_below=1e-9)
    )
    assert steps[0].loss[0] > 1.0
    np.testing.assert_allclose(steps[1].params[0], [0.0, 0.0], atol=1e-12)
    assert sim.outcomes[0].status is RunStatus.CONVERGED
    assert sim.outcomes[0].steps_taken == 1


# --- Step records ---------------------------------------------------------------------------


def test_steps_hold_fresh_arrays_that_are_never_changed_later():
    """Each Step's arrays are its own: keeping a Step and iterating on leaves it as it was."""
    calls = 0

    def stop_after_four():
        nonlocal calls
        calls += 1
        return calls > 4

    objective = make_objective({"id": "rosenbrock"})
    runs = (RunConfig("sgd", {"lr": 1.0}), RunConfig("adam", {"lr": 0.01}))
    sim = Simulation(RunProblem(objective, runs, 10), should_stop=stop_after_four)
    kept, copies = [], []
    for step in sim:
        kept.append(step)
        copies.append({k: np.copy(getattr(step, k)) for k in ("params", "loss", "grad", "status")})
    assert len(kept) == 4
    for step, copy in zip(kept, copies, strict=True):
        for name, value in copy.items():
            np.testing.assert_array_equal(
                getattr(step, name), value, err_msg=f"step {step.index}.{name} changed later"
            )
