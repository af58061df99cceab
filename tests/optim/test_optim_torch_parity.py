"""Replay torch 2.13's recorded gradients through our optimizers and compare every step.

The reference comes from tests/optim/make_torch_fixtures.py (torch is not needed here).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from app.optim import OPTIMIZERS, broadcast_hyperparams, clip_gradients, lr_at

FIXTURE = Path(__file__).with_name("torch_reference.json")
RTOL, ATOL = 1e-9, 1e-12


@cache
def reference() -> dict:
    return json.loads(FIXTURE.read_text())


def cases() -> list[dict]:
    return reference()["optimizers"]


def replay(name: str, configs: list[dict], grads: np.ndarray, starts: np.ndarray, lrs=None):
    """Feed recorded grads (steps, R, d); returns params after each step and the final state."""
    opt = OPTIMIZERS[name]
    R = starts.shape[0]
    hp = broadcast_hyperparams(opt, configs, R)
    base_lr = hp["lr"]
    params, state = starts, opt.init(starts, hp)
    history = []
    for step, g in enumerate(grads, start=1):
        if lrs is not None:
            hp = {**hp, "lr": lrs(base_lr, step)}
        params, state = opt.update(params, g, state, hp, step)
        history.append(params)
    return np.stack(history), state


def test_fixture_is_from_torch_2_13_in_float64() -> None:
    ref = reference()
    assert ref["torch_version"].startswith("2.13")
    assert ref["dtype"] == "float64"
    assert ref["steps"] >= 60
    covered = {c["optimizer"] for c in cases()}
    assert covered == {"sgd", "adagrad", "rmsprop", "adam", "adamw", "nadam", "adadelta", "adamax"}


@pytest.mark.parametrize("case", cases(), ids=lambda c: c["id"])
def test_matches_torch_step_by_step(case: dict) -> None:
    starts = np.array(reference()["starts"])
    grads = np.array(case["grads"])
    expected = np.array(case["params"])
    got, state = replay(case["optimizer"], [case["hp"]], grads, starts)
    for step in range(len(expected)):
        np.testing.assert_allclose(
            got[step], expected[step], rtol=RTOL, atol=ATOL, err_msg=f"step {step + 1}"
        )
    assert set(case["final_state"]) <= set(OPTIMIZERS[case["optimizer"]].state_names)
    for name, value in case["final_state"].items():
        want = np.broadcast_to(np.array(value), starts.shape)
        np.testing.assert_allclose(state[name], want, rtol=RTOL, atol=ATOL, err_msg=name)


@pytest.mark.parametrize("name", sorted({c["optimizer"] for c in cases()}))
def test_all_configurations_in_one_batch(name: str) -> None:
    """Every recorded configuration of one optimizer as one (R, d) batch with per-run hps."""
    group = [c for c in cases() if c["optimizer"] == name]
    starts = np.array(reference()["starts"])
    n = starts.shape[0]
    configs = [c["hp"] for c in group for _ in range(n)]
    grads = np.concatenate([np.array(c["grads"]) for c in group], axis=1)
    expected = np.concatenate([np.array(c["params"]) for c in group], axis=1)
    got, state = replay(name, configs, grads, np.tile(starts, (len(group), 1)))
    np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL)
    for i, case in enumerate(group):
        for key, value in case["final_state"].items():
            want = np.broadcast_to(np.array(value), starts.shape)
            np.testing.assert_allclose(
                state[key][i * n : (i + 1) * n], want, rtol=RTOL, atol=ATOL, err_msg=case["id"]
            )


@pytest.mark.parametrize("case", reference()["schedules"], ids=lambda c: c["id"])
def test_schedules_match_torch_lr_schedulers(case: dict) -> None:
    lrs = np.array(case["lrs"])
    base = case["hp"]["lr"]
    ours = np.array([lr_at(case["schedule"], base, step) for step in range(1, len(lrs) + 1)])
    np.testing.assert_allclose(ours, lrs, rtol=RTOL, atol=1e-18)
    # Driving SGD with lr_at reproduces torch's optimizer + scheduler trajectory.
    starts = np.array(reference()["starts"])
    got, _ = replay(
        case["optimizer"],
        [case["hp"]],
        np.array(case["grads"]),
        starts,
        lrs=lambda base_lr, step: lr_at(case["schedule"], base_lr, step),
    )
    np.testing.assert_allclose(got, np.array(case["params"]), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("case", reference()["clipping"], ids=lambda c: str(c["clip"]))
def test_clipping_matches_torch(case: dict) -> None:
    grads = np.array(case["grads"])
    clipped, mask = clip_gradients(grads, case["clip"])
    np.testing.assert_allclose(clipped, np.array(case["clipped"]), rtol=RTOL, atol=ATOL)
    np.testing.assert_array_equal(mask, (clipped != grads).any(axis=1))
