"""Suggested rates for a network: the optimizers it can run, a sweep bounded in time (a sample
of the rows of a large dataset, the small rates only where they can matter) that picks what the
plain sweep of every rate picks."""

from __future__ import annotations

import numpy as np
import pytest

import app.tuning.blocks as blocks
import app.tuning.suggested as suggested
from app.objectives import make_objective, run_bytes
from app.optim import OPTIMIZERS
from app.tuning import SUGGESTION_RATES, SUGGESTION_STEPS, cached_suggestions, suggest
from app.tuning.blocks import Tried, sweep_blocks
from app.tuning.suggested import (
    NEAR_TIE,
    NETWORK_FIRST_RATE,
    NETWORK_SWEEP_ROWS,
    NETWORK_SWEEP_SIZE,
    compute_suggestions,
    optimizer_names,
    rate_blocks,
    sweep_objective,
)

FIRST_ORDER = [name for name, opt in OPTIMIZERS.items() if not opt.needs_hessian]
# A regression on raw dollars: plain SGD needs a rate far below the first block's.
RAW_PRICES = {"id": "mlp", "dataset": {"name": "house-prices", "standardize": False}, "hidden": [3]}
SMALL_XOR = {"id": "mlp", "dataset": {"name": "xor", "n": 40}, "hidden": [4]}


def counted(monkeypatch) -> list[int]:
    """The number of runs of every sweep run from now on."""
    runs: list[int] = []
    real = blocks.run_to_end

    def counting(problem, **kwargs):
        runs.append(len(problem.runs))
        return real(problem, **kwargs)

    monkeypatch.setattr(blocks, "run_to_end", counting)
    return runs


def test_a_network_is_suggested_rates_for_the_optimizers_it_can_run(monkeypatch):
    monkeypatch.setattr(suggested, "_cache", type(suggested._cache)())
    network = make_objective(SMALL_XOR)
    assert optimizer_names(network) == FIRST_ORDER and "newton" not in FIRST_ORDER
    assert optimizer_names(make_objective({"id": "rosenbrock"})) == list(OPTIMIZERS)
    assert cached_suggestions(network) is None
    lrs = suggest(network)
    assert list(lrs) == FIRST_ORDER and set(lrs.values()) <= set(SUGGESTION_RATES)
    assert cached_suggestions(make_objective(SMALL_XOR)) == lrs  # kept for the next ask


@pytest.mark.parametrize("spec", [RAW_PRICES, SMALL_XOR], ids=["raw-prices", "xor"])
def test_the_blocks_pick_what_the_sweep_of_every_rate_picks(monkeypatch, spec):
    network = make_objective(spec)
    runs = counted(monkeypatch)
    picks, complete = compute_suggestions(network)
    staged = sum(runs)
    every, _ = sweep_blocks(
        sweep_objective(network),
        FIRST_ORDER,
        [np.array(SUGGESTION_RATES)],
        SUGGESTION_STEPS,
        NEAR_TIE,
    )
    assert complete and picks == every
    assert staged < len(FIRST_ORDER) * len(SUGGESTION_RATES) == runs[-1]  # it saved runs
    if spec is RAW_PRICES:  # SGD's pick lies in the second block, which ran for it alone
        assert picks["sgd"] < NETWORK_FIRST_RATE <= min(v for k, v in picks.items() if k != "sgd")
        assert len(runs) == 3 and runs[1] < runs[0]


def test_a_network_runs_its_larger_rates_first_and_anything_else_every_rate_at_once():
    first, rest = rate_blocks(make_objective(SMALL_XOR))
    assert first.min() == NETWORK_FIRST_RATE and rest.max() < NETWORK_FIRST_RATE
    assert sorted([*first, *rest]) == sorted(SUGGESTION_RATES)
    (every,) = rate_blocks(make_objective({"id": "rosenbrock"}))
    assert list(every) == list(SUGGESTION_RATES)


def test_a_large_network_is_swept_on_a_sample_of_its_train_rows():
    large = make_objective(
        {"id": "mlp", "dataset": {"name": "spiral", "n": 2000}, "hidden": [32, 32]}
    )
    sweep = sweep_objective(large)
    rows = min(NETWORK_SWEEP_ROWS, NETWORK_SWEEP_SIZE // large.dim)
    assert large.n_samples == 1500 and sweep.n_samples == rows < 200
    assert (sweep.dim, sweep.default_start) == (large.dim, large.default_start)
    assert sweep.metrics is None and sweep.batch_size is None
    start = np.array([large.default_start])
    sample, whole = float(sweep.loss(start)[0]), float(large.loss(start)[0])
    assert sample != whole and abs(sample - whole) < 0.05 * whole  # the same data, sampled
    # A default dataset is swept whole: the same loss function, the same numbers.
    small = make_objective({"id": "mlp", "dataset": {"name": "spiral"}})
    assert small.n_samples == 300 <= NETWORK_SWEEP_ROWS
    assert sweep_objective(small).loss_fn is small.loss_fn


@pytest.mark.parametrize(
    ("losses", "unusable", "settled"),
    [
        ([0.9, 0.8, 0.1, 0.05], [False] * 4, True),  # the smallest rates got least far
        ([0.9, 0.8, 0.1, 0.05], [True, False, False, False], False),  # the smallest diverged
        ([0.8, 0.9, 0.1, 0.05], [False] * 4, False),  # a smaller rate got further
        ([0.05, 0.05, 0.05, 0.05], [False] * 4, False),  # the smallest is near the best
    ],
)
def test_a_pick_is_settled_when_no_smaller_rate_can_change_it(losses, unusable, settled):
    tried = Tried([1e-4, 1e-3, 1e-2, 1e-1], losses, unusable)
    assert tried.settled(start_loss=1.0, near=NEAR_TIE) is settled


def test_a_sweep_runs_as_many_optimizers_at_once_as_fit_its_memory_and_picks_the_same(
    monkeypatch,
):
    network = make_objective(SMALL_XOR)
    whole, _ = compute_suggestions(network)
    first = rate_blocks(network)[0]
    budget = 3 * len(first) * run_bytes(sweep_objective(network))
    monkeypatch.setattr(blocks, "SWEEP_BATCH_BYTES", budget)  # three optimizers' rates at once
    runs = counted(monkeypatch)
    picks, complete = compute_suggestions(network)
    assert complete and picks == whole
    assert runs[:4] == [3 * len(first)] * 3 + [(len(FIRST_ORDER) - 9) * len(first)]
    assert all(n * run_bytes(sweep_objective(network)) <= budget for n in runs)
