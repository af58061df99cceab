"""OptimizerDef.bind: hyper-parameters and schedule checked once, then one cheap call per step."""

from __future__ import annotations

import numpy as np
import pytest

from app.optim import (
    OPTIMIZERS,
    SCHEDULE_NAMES,
    SCHEDULES,
    broadcast_hyperparams,
    lr_at,
    shared_as_scalars,
)
from app.optim.arithmetic import bias_correction

SETTINGS = {
    "sgd": {"lr": 0.1, "momentum": 0.9, "nesterov": True},
    "adam": {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1},
    "rmsprop": {"momentum": 0.5, "centered": True},
    "nadam": {"decoupled_weight_decay": True, "weight_decay": 0.1},
}
SCHEDULE_CASES = [
    None,
    {"name": "step", "step_size": 2, "gamma": 0.5},
    {"name": "exponential", "gamma": 0.9},
    {"name": "cosine", "t_max": 3, "eta_min": 0.001},
    {"name": "warmup", "warmup_steps": 3, "start_factor": 0.25},
]


def batch(name: str, R: int = 4, d: int = 3, seed: int = 0):
    opt = OPTIMIZERS[name]
    rng = np.random.default_rng(seed)
    params, grads = rng.normal(size=(R, d)), rng.normal(size=(R, d))
    a = rng.normal(size=(R, d, d))
    hessians = a @ np.swapaxes(a, 1, 2) + np.eye(d) if opt.needs_hessian else None
    configs = [SETTINGS.get(name, {}), {**SETTINGS.get(name, {}), "lr": 0.02}] * (R // 2)
    return opt, params, grads, hessians, broadcast_hyperparams(opt, configs, R)


@pytest.mark.parametrize(
    "schedule", SCHEDULE_CASES, ids=lambda s: "none" if s is None else s["name"]
)
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_bound_steps_equal_the_update_functions_with_the_scheduled_lr(name, schedule) -> None:
    opt, params, grads, hessians, hp = batch(name)
    update = opt.bind(hp, schedule)
    ours, theirs = (params, opt.init(params, hp)), (params, opt.init(params, hp))
    scalars = shared_as_scalars(hp)
    for step in range(1, 6):
        lr = scalars["lr"] if schedule is None else lr_at(schedule, scalars["lr"], step)
        ours = update(ours[0], grads, ours[1], step, hessians)
        theirs = opt.update_fn(theirs[0], grads, theirs[1], {**scalars, "lr": lr}, step, hessians)
        np.testing.assert_array_equal(ours[0], theirs[0])
        for key in opt.state_names:
            np.testing.assert_array_equal(ours[1][key], theirs[1][key])
        np.testing.assert_array_equal(update.lr(step), lr)


def test_bind_checks_the_names_and_cross_field_rules_once() -> None:
    sgd = OPTIMIZERS["sgd"]
    hp = broadcast_hyperparams(sgd, [{}], 1)
    with pytest.raises(ValueError, match="momentum: missing"):
        sgd.bind({k: v for k, v in hp.items() if k != "momentum"})
    with pytest.raises(ValueError, match="betas: unknown"):
        sgd.bind({**hp, "betas": (0.9, 0.99)})
    with pytest.raises(ValueError, match="nesterov"):
        sgd.bind({**hp, "nesterov": np.array([[True]])})
    with pytest.raises(ValueError, match=r"schedule\.gamma"):
        sgd.bind(hp, {"name": "step", "gamma": -1.0})


def test_a_bound_update_checks_what_changes_from_step_to_step() -> None:
    opt, params, grads, _, hp = batch("adam")
    update = opt.bind(hp)
    state = opt.init(params, hp)
    for bad in (0, 1.5, True):
        with pytest.raises(ValueError, match="step"):
            update(params, grads, state, bad)
    with pytest.raises(ValueError, match="grads"):
        update(params, grads[:, :2], state, 1)
    newton, params, grads, _, hp = batch("newton")
    with pytest.raises(ValueError, match="hessians"):
        newton.bind(hp)(params, grads, newton.init(params, hp), 1)
    moved, _ = update(params.tolist(), grads.tolist(), state, np.int64(1))  # lists and NumPy ints
    assert moved.shape == params.shape


def test_schedule_names_come_from_the_registry() -> None:
    assert (
        SCHEDULE_NAMES
        == tuple(SCHEDULES)
        == ("constant", "step", "exponential", "cosine", "warmup")
    )
    for schedule in SCHEDULES.values():
        assert schedule.formula(2.0, 0, {p.name: p.default for p in schedule.params}) > 0


def test_bias_correction_is_torch_s_float_arithmetic_for_shared_betas() -> None:
    for beta, step in [(0.9, 1), (0.999, 7), (0.8, 60)]:
        assert bias_correction(beta, step) == 1 - beta**step
        assert bias_correction(np.full((3, 1), beta), step) == 1 - beta**step
    mixed = bias_correction(np.array([[0.9], [0.99]]), 3)
    np.testing.assert_array_equal(mixed, [[1 - 0.9**3], [1 - 0.99**3]])
