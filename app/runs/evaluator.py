"""The evaluator: loss and gradient (and Hessian, for Newton) of a batch of points.

Chosen once per problem, never inside a step:
- a deterministic loss is traced once and replayed (app.engine.compiled);
- a stochastic loss draws each run's mini-batch every step, so its graph changes: eager;
- an optimizer that needs curvature gets Hessians too (eager, with the same mini-batches).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from app.engine import batch_hessian, batch_value_and_grad
from app.engine.compiled import compiled_batch_value_and_grad
from app.objectives import Objective

# (loss (n,), gradients (n, d), Hessians (n, d, d) or None) at n points.
Evaluation = tuple[np.ndarray, np.ndarray, np.ndarray | None]
Evaluate = Callable[[np.ndarray], Evaluation]


def evaluator_for(objective: Objective, *, needs_hessian: bool, seed: int) -> Evaluate:
    """The cheapest evaluator that gives what the problem's optimizers need."""
    stochastic = objective.batch_size is not None and objective.n_samples is not None
    if needs_hessian:
        return _with_hessians(objective, np.random.default_rng(seed) if stochastic else None)
    if stochastic:
        return _mini_batches(objective, np.random.default_rng(seed))
    return _compiled(objective)


def _compiled(objective: Objective) -> Evaluate:
    value_and_grad = compiled_batch_value_and_grad(objective.loss)

    def evaluate(points: np.ndarray) -> Evaluation:
        values, grads = value_and_grad(points)
        return values, grads, None

    return evaluate


def _mini_batches(objective: Objective, rng: np.random.Generator) -> Evaluate:
    def evaluate(points: np.ndarray) -> Evaluation:
        loss = partial(objective.loss, batch=sample_batches(rng, objective, len(points)))
        values, grads = batch_value_and_grad(loss, points)
        return values, grads, None

    return evaluate


def _with_hessians(objective: Objective, rng: np.random.Generator | None) -> Evaluate:
    def evaluate(points: np.ndarray) -> Evaluation:
        loss = objective.loss
        if rng is not None:
            loss = partial(loss, batch=sample_batches(rng, objective, len(points)))
        return batch_hessian(loss, points)

    return evaluate


def sample_batches(rng: np.random.Generator, objective: Objective, runs: int) -> np.ndarray:
    """Each run's mini-batch for this step: batch_size samples drawn without replacement."""
    keys = rng.random((runs, objective.n_samples))
    return np.argsort(keys, axis=1)[:, : objective.batch_size]
