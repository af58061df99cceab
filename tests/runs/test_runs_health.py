"""The batch health test on large batches, where it takes ndarray.dot rather than @: the same
verdicts as the row-by-row meaning, and only false alarms past the bound."""

from __future__ import annotations

import numpy as np
import pytest

from app.runs.ledger import _GIL_FREE_SIZE, batch_is_healthy
from app.runs.status import DIVERGENCE_LIMIT

RUNS = _GIL_FREE_SIZE  # 2 numbers per run: the gradients are past the size where dot is used
ABOVE_LIMIT = np.nextafter(DIVERGENCE_LIMIT, np.inf)


def rows_are_healthy(loss, params, grads):
    return bool(
        np.isfinite(loss).all()
        and np.isfinite(grads).all()
        and (np.abs(params) <= DIVERGENCE_LIMIT).all()
    )


def large_batch(name=None, cell=None, value=None):
    rng = np.random.default_rng(1)
    arrays = {
        "loss": rng.uniform(0, 10, RUNS),
        "params": rng.uniform(-5, 5, (RUNS, 2)),
        "grads": rng.uniform(-50, 50, (RUNS, 2)),
    }
    if name is not None:
        arrays[name][cell] = value
    return arrays["loss"], arrays["params"], arrays["grads"]


CASES = {
    "all finite": large_batch(),
    "NaN gradient": large_batch("grads", (RUNS - 1, 0), np.nan),
    "-inf gradient": large_batch("grads", (7, 1), -np.inf),
    "inf loss": large_batch("loss", 3, np.inf),
    "NaN loss": large_batch("loss", RUNS - 1, np.nan),
    "a param just above the limit": large_batch("params", (11, 1), -ABOVE_LIMIT),
    "NaN param": large_batch("params", (0, 0), np.nan),
}


def test_these_batches_take_the_dot_path():
    _, _, grads = large_batch()
    assert grads.size > _GIL_FREE_SIZE


@pytest.mark.parametrize("case", CASES)
def test_the_large_batch_health_test_agrees_with_the_rows(case):
    loss, params, grads = CASES[case]
    with np.errstate(all="ignore"):
        assert batch_is_healthy(loss, params, grads) == rows_are_healthy(loss, params, grads)


def test_a_large_batch_sum_past_the_bound_is_only_a_false_alarm():
    loss, params, grads = large_batch()
    params[:3] = DIVERGENCE_LIMIT  # each at the limit, their squares summing past 1e12
    with np.errstate(all="ignore"):
        assert rows_are_healthy(loss, params, grads) and not batch_is_healthy(loss, params, grads)
