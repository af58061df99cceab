"""Registry metadata, hyper-parameter broadcasting, purity, schedules and clipping by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.optim import (
    OPTIMIZERS,
    SCHEDULES,
    HyperParam,
    OptimizerDef,
    broadcast_hyperparams,
    clip_gradients,
    lr_at,
    shared_as_scalars,
)

TORCH_DEFAULTS = {
    "sgd": {"lr": 1e-3, "momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False},
    "adagrad": {"lr": 0.01, "lr_decay": 0.0, "initial_accumulator_value": 0.0, "eps": 1e-10},
    "rmsprop": {"lr": 0.01, "alpha": 0.99, "eps": 1e-8, "momentum": 0.0, "centered": False},
    "adam": {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0},
    "adamw": {"lr": 1e-3, "betas": (0.9, 0.999), "weight_decay": 0.01, "amsgrad": False},
    "nadam": {"lr": 2e-3, "weight_decay": 0.0, "momentum_decay": 0.004},
    "adadelta": {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.0},
    "adamax": {"lr": 2e-3, "betas": (0.9, 0.999), "eps": 1e-8},
    "lion": {"lr": 1e-4, "betas": (0.9, 0.99), "weight_decay": 0.0},
    "newton": {"lr": 1.0, "damping": 0.0},
}


def test_registry_lists_every_optimizer_with_metadata() -> None:
    assert set(OPTIMIZERS) == {*TORCH_DEFAULTS, "signsgd"}
    for name, opt in OPTIMIZERS.items():
        assert isinstance(opt, OptimizerDef) and opt.name == name
        assert opt.title and opt.description and "\n" not in opt.description
        assert opt.needs_hessian == (name == "newton")
        for hp in opt.hyperparams:
            assert isinstance(hp, HyperParam)
            assert hp.kind in {"float", "bool", "int", "pair"}
            assert hp.description and "\n" not in hp.description
        # Defaults pass their own validation.
        broadcast_hyperparams(opt, [{}], 1)


@pytest.mark.parametrize("name", sorted(TORCH_DEFAULTS))
def test_defaults_are_torchs(name: str) -> None:
    specs = {spec.name: spec for spec in OPTIMIZERS[name].hyperparams}
    for key, value in TORCH_DEFAULTS[name].items():
        assert specs[key].default == value, key


def test_dataclasses_are_frozen() -> None:
    with pytest.raises(AttributeError):
        OPTIMIZERS["adam"].name = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        OPTIMIZERS["adam"].hyperparams[0].default = 1.0  # type: ignore[misc]


def test_broadcast_fills_defaults_and_shapes_per_run() -> None:
    hp = broadcast_hyperparams(OPTIMIZERS["adam"], [{"lr": 0.1}, {"amsgrad": True}], 2)
    np.testing.assert_array_equal(hp["lr"], [[0.1], [1e-3]])
    assert hp["lr"].dtype == np.float64
    assert hp["amsgrad"].dtype == bool and hp["amsgrad"].shape == (2, 1)
    np.testing.assert_array_equal(hp["amsgrad"], [[False], [True]])
    # a setting every run shares is one row: it broadcasts over (R, d) without a slow column
    np.testing.assert_array_equal(hp["betas"], [[0.9, 0.999]])
    shared = broadcast_hyperparams(OPTIMIZERS["sgd"], [{"lr": 0.5}], 1000)
    assert shared["lr"].shape == (1, 1) and shared["lr"][0, 0] == 0.5
    same = broadcast_hyperparams(OPTIMIZERS["sgd"], [{"lr": 0.5}] * 3 + [{"lr": 0.25}], 4)
    np.testing.assert_array_equal(same["lr"], [[0.5], [0.5], [0.5], [0.25]])
    assert same["momentum"].shape == (1, 1)


def test_broadcast_validates_each_repeated_config() -> None:
    """Configs validated once per distinct value must still reject a 1 posing as True."""
    with pytest.raises(ValueError, match=r"runs\[1\]\.nesterov"):
        broadcast_hyperparams(
            OPTIMIZERS["sgd"],
            [{"momentum": 0.9, "nesterov": True}, {"momentum": 0.9, "nesterov": 1}],
            2,
        )


@pytest.mark.parametrize(
    ("name", "config", "field"),
    [
        ("adam", {"learning_rate": 0.1}, "learning_rate"),
        ("adam", {"lr": -1.0}, "lr"),
        ("adam", {"lr": math.inf}, "lr"),
        ("adam", {"lr": "fast"}, "lr"),
        ("adam", {"betas": [0.9, 1.0]}, "betas"),
        ("adam", {"betas": [0.9]}, "betas"),
        ("adam", {"amsgrad": 1}, "amsgrad"),
        ("rmsprop", {"alpha": 1.5}, "alpha"),
        ("sgd", {"nesterov": True}, "nesterov"),
        ("sgd", {"nesterov": True, "momentum": 0.9, "dampening": 0.1}, "nesterov"),
        ("newton", {"damping": -0.1}, "damping"),
    ],
)
def test_bad_hyperparams_raise_naming_the_field(name: str, config: dict, field: str) -> None:
    with pytest.raises(ValueError, match=field):
        broadcast_hyperparams(OPTIMIZERS[name], [config], 1)


def test_broadcast_rejects_wrong_number_of_configs() -> None:
    with pytest.raises(ValueError, match="configs"):
        broadcast_hyperparams(OPTIMIZERS["sgd"], [{}, {}], 3)
    with pytest.raises(ValueError, match=r"runs\[1\]\.lr"):
        broadcast_hyperparams(OPTIMIZERS["sgd"], [{}, {"lr": -1}, {}], 3)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_update_is_pure_and_keeps_shapes(name: str) -> None:
    opt = OPTIMIZERS[name]
    rng = np.random.default_rng(0)
    R, d = 4, 3
    params = rng.normal(size=(R, d))
    grads = rng.normal(size=(R, d))
    a = rng.normal(size=(R, d, d))
    hessians = a @ np.swapaxes(a, 1, 2) + np.eye(d) if opt.needs_hessian else None
    hp = broadcast_hyperparams(opt, [{}], R)
    state = opt.init(params, hp)
    assert tuple(state) == opt.state_names
    snapshot = (params.copy(), grads.copy(), {k: v.copy() for k, v in state.items()})
    for step in (1, 2):
        new_params, new_state = opt.update(params, grads, state, hp, step, hessians)
        assert new_params.shape == (R, d) and new_params.dtype == np.float64
        assert np.isfinite(new_params).all() and not np.array_equal(new_params, params)
        assert set(new_state) == set(opt.state_names)
        assert all(v.shape == (R, d) for v in new_state.values())
    np.testing.assert_array_equal(params, snapshot[0])
    np.testing.assert_array_equal(grads, snapshot[1])
    for key, value in snapshot[2].items():
        np.testing.assert_array_equal(state[key], value)


# Non-default settings, so every branch (momentum, amsgrad, centered, decay) takes part.
SETTINGS = {
    "sgd": {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01},
    "adam": {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1},
    "adamw": {"lr": 0.05, "betas": (0.8, 0.99)},
    "rmsprop": {"lr": 0.01, "momentum": 0.5, "centered": True},
    "nadam": {"lr": 0.01, "decoupled_weight_decay": True, "weight_decay": 0.1},
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_shared_scalars_step_exactly_like_per_run_columns(name: str) -> None:
    """The run loop hands optimizers plain numbers; the arithmetic must agree to the last ulp or
    so (NAdam's 0.96 ** (step * decay) rounds an ulp apart as an array power; torch, like the
    scalar form, uses Python floats)."""
    opt = OPTIMIZERS[name]
    rng = np.random.default_rng(1)
    R, d = 5, 2
    params, grads = rng.normal(size=(R, d)), rng.normal(size=(R, d))
    a = rng.normal(size=(R, d, d))
    hessians = a @ np.swapaxes(a, 1, 2) + np.eye(d) if opt.needs_hessian else None
    columns = {
        k: np.repeat(v, R, axis=0)
        for k, v in broadcast_hyperparams(opt, [SETTINGS.get(name, {})], R).items()
    }
    scalars = shared_as_scalars(broadcast_hyperparams(opt, [SETTINGS.get(name, {})], R))
    assert all(isinstance(v, float | bool | tuple) for v in scalars.values())
    state_a = state_b = opt.init(params, columns)
    for step in (1, 2, 3):
        pa, state_a = opt.update(params, grads, state_a, columns, step, hessians)
        pb, state_b = opt.update(params, grads, state_b, scalars, step, hessians)
        np.testing.assert_allclose(pa, pb, rtol=1e-15, atol=0)
        for key in state_a:
            np.testing.assert_allclose(state_a[key], state_b[key], rtol=1e-15, atol=0)


def test_update_rejects_bad_step_and_missing_hessians() -> None:
    opt = OPTIMIZERS["sgd"]
    hp = broadcast_hyperparams(opt, [{}], 1)
    x = np.zeros((1, 2))
    with pytest.raises(ValueError, match="step"):
        opt.update(x, x, opt.init(x, hp), hp, 0)
    newton = OPTIMIZERS["newton"]
    nhp = broadcast_hyperparams(newton, [{}], 1)
    with pytest.raises(ValueError, match="hessians"):
        newton.update(x, x, newton.init(x, nhp), nhp, 1)


def test_sgd_momentum_buffer_starts_at_the_gradient() -> None:
    opt = OPTIMIZERS["sgd"]
    hp = broadcast_hyperparams(opt, [{"lr": 0.1, "momentum": 0.9, "dampening": 0.5}], 1)
    x, g = np.array([[1.0]]), np.array([[2.0]])
    x1, s1 = opt.update(x, g, opt.init(x, hp), hp, 1)
    np.testing.assert_allclose(s1["momentum_buffer"], [[2.0]])  # no dampening on step 1
    np.testing.assert_allclose(x1, [[0.8]])
    _, s2 = opt.update(x1, g, s1, hp, 2)
    np.testing.assert_allclose(s2["momentum_buffer"], [[0.9 * 2.0 + 0.5 * 2.0]])


# ---- schedules ----


def test_schedule_metadata() -> None:
    assert set(SCHEDULES) == {"constant", "step", "exponential", "cosine", "warmup"}
    for spec in SCHEDULES.values():
        assert spec.description and "\n" not in spec.description
        for p in spec.params:
            assert p.description and p.kind in {"int", "float"}


def test_schedules_by_hand() -> None:
    base = np.array([[0.1], [1.0]])
    np.testing.assert_array_equal(lr_at(None, base, 7), base)
    np.testing.assert_array_equal(lr_at({"name": "constant"}, base, 7), base)
    step = {"name": "step", "step_size": 3, "gamma": 0.5}
    assert [float(lr_at(step, 8.0, s)) for s in range(1, 8)] == [8, 8, 8, 4, 4, 4, 2]
    assert float(lr_at({"name": "exponential", "gamma": 0.5}, 8.0, 4)) == 1.0
    cosine = {"name": "cosine", "t_max": 10, "eta_min": 0.1}
    assert float(lr_at(cosine, 1.0, 1)) == 1.0
    assert math.isclose(float(lr_at(cosine, 1.0, 6)), 0.55)
    assert math.isclose(float(lr_at(cosine, 1.0, 11)), 0.1)
    warm = {"name": "warmup", "warmup_steps": 4, "start_factor": 0.2}
    got = [float(lr_at(warm, 1.0, s)) for s in range(1, 7)]
    np.testing.assert_allclose(got, [0.2, 0.4, 0.6, 0.8, 1.0, 1.0])
    assert lr_at(warm, base, 1).shape == (2, 1)


@pytest.mark.parametrize(
    ("schedule", "field"),
    [
        ({"name": "linear"}, "schedule.name"),
        ({"gamma": 0.5}, "schedule.name"),
        ({"name": "step", "step_size": 0}, "schedule.step_size"),
        ({"name": "step", "step_size": 2.5}, "schedule.step_size"),
        ({"name": "exponential", "gamma": -1}, "schedule.gamma"),
        ({"name": "cosine", "T_max": 5}, "schedule.T_max"),
        ({"name": "warmup", "start_factor": 0.0}, "schedule.start_factor"),
        ("cosine", "schedule"),
    ],
)
def test_bad_schedules_raise_naming_the_field(schedule, field: str) -> None:
    with pytest.raises(ValueError, match=field.replace(".", r"\.")):
        lr_at(schedule, 0.1, 1)


# ---- clipping ----


def test_clip_none_is_a_no_op_with_an_all_false_mask() -> None:
    g = np.array([[1e6, -1e6], [0.0, 1.0]])
    clipped, mask = clip_gradients(g, None)
    np.testing.assert_array_equal(clipped, g)
    assert clipped is not g
    np.testing.assert_array_equal(mask, [False, False])


def test_clip_by_norm_per_run() -> None:
    g = np.array([[3.0, 4.0], [0.03, 0.04], [0.0, 0.0]])
    clipped, mask = clip_gradients(g, {"max_norm": 1.0})
    np.testing.assert_allclose(clipped[0], [3.0, 4.0] / np.float64(5.0 + 1e-6), rtol=1e-15)
    np.testing.assert_array_equal(clipped[1:], g[1:])
    np.testing.assert_array_equal(mask, [True, False, False])


def test_clip_by_value() -> None:
    g = np.array([[3.0, -0.1], [-5.0, 0.2], [0.5, -0.5]])
    clipped, mask = clip_gradients(g, {"max_value": 0.5})
    np.testing.assert_array_equal(clipped, [[0.5, -0.1], [-0.5, 0.2], [0.5, -0.5]])
    np.testing.assert_array_equal(mask, [True, True, False])


@pytest.mark.parametrize(
    ("clip", "field"),
    [
        ({}, "clip"),
        ({"max_norm": 1.0, "max_value": 1.0}, "clip"),
        ({"max_norm": 0.0}, "clip.max_norm"),
        ({"max_value": "big"}, "clip.max_value"),
        ({"norm": 1.0}, "clip.norm"),
    ],
)
def test_bad_clip_specs_raise(clip: dict, field: str) -> None:
    with pytest.raises(ValueError, match=field.replace(".", r"\.")):
        clip_gradients(np.ones((1, 2)), clip)
