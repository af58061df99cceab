"""The picking rules: tuning's best rate and the suggestion's watchable rate."""

from __future__ import annotations

import numpy as np
import pytest

from app.tuning import best_index, lr_grid, suggested_index

RATES = np.array([0.001, 0.01, 0.1, 1.0])


def test_best_is_the_lowest_final_loss_without_diverging():
    losses = np.array([3.0, 1.0, 0.5, 0.1])
    diverged = np.array([False, False, False, True])
    assert best_index(RATES, losses, diverged, np.full(4, 100)) == 2


def test_best_ties_go_to_fewer_steps_then_the_smaller_rate():
    losses = np.array([0.5, 0.5 * (1 + 1e-13), 0.5, 0.7])
    ok = np.zeros(4, dtype=bool)
    assert best_index(RATES, losses, ok, np.array([90, 40, 40, 10])) == 1
    assert best_index(RATES, losses, ok, np.array([40, 40, 40, 10])) == 0
    # Outside 1e-12 relative it is no tie: the lower loss wins whatever its steps.
    losses[1] = 0.5 * (1 - 1e-9)
    assert best_index(RATES, losses, ok, np.array([10, 90, 10, 10])) == 1


def test_best_when_every_rate_diverged_is_the_one_that_lasted_longest():
    diverged = np.ones(4, dtype=bool)
    losses = np.full(4, np.nan)
    assert best_index(RATES, losses, diverged, np.array([50, 80, 80, 3])) == 1


def test_suggestion_is_the_smallest_rate_near_the_best_progress():
    # Start at 100; the best reaches 0; within 1e-3 × 100 = 0.1 of it counts as a near tie.
    losses = np.array([5.0, 0.05, 0.0, 0.0])
    unusable = np.zeros(4, dtype=bool)
    assert suggested_index(RATES, losses, unusable, 100.0, 1e-3) == 1
    assert suggested_index(RATES, losses, unusable, 100.0, 1e-5) == 2
    unusable[2:] = True  # diverged or strayed out of view
    assert suggested_index(RATES, losses, unusable, 100.0, 1e-3) == 1
    assert suggested_index(RATES, losses, np.ones(4, dtype=bool), 100.0, 1e-3) == 0


def test_lr_grid_spans_six_decades_around_the_rate_and_holds_it():
    for num in (3, 4, 7, 25, 60, 1000):
        grid = lr_grid(0.02, num)
        assert len(grid) == num and (np.diff(grid) > 0).all()
        assert 0.02 in grid
        assert grid[0] == pytest.approx(2e-6, rel=0.05) and grid[-1] == pytest.approx(2.0, rel=0.05)
    ratios = np.diff(np.log10(lr_grid(1.0, 25)))
    np.testing.assert_allclose(ratios, 0.25, atol=0.03)  # log-spaced, four a decade


def test_lr_grid_tries_rates_a_learner_would_type():
    grid = lr_grid(0.0031622776601683794, 25)
    others = [rate for rate in grid if rate != 0.0031622776601683794]
    assert all(float(f"{rate:.2g}") == rate for rate in others), others
