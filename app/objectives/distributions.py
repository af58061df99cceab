"""A distribution as the objective: the KL divergence from die-roll frequencies to a model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

import app.engine as E
from app.objectives.base import Entry, Minimum, Objective, batch_size_option
from app.objectives.data_models import Distribution
from app.objectives.datasets import DIE_ROLLS
from app.objectives.model_fitting import batch_size_of

FACES = ("face 1", "face 2", "face 3")


def model_log_q(points: Any) -> Any:
    """log q for q = softmax(θ₁, θ₂, 0), one row (N, 3) per point."""
    zeros = np.zeros(points.shape[0])
    return E.log_softmax(E.stack([points[:, 0], points[:, 1], zeros], axis=1), axis=1)


def _build_kl(settings: Mapping[str, object]) -> Objective:
    onehot = np.eye(3)[DIE_ROLLS.y]
    target = onehot.mean(axis=0)

    log_p = np.log(target)

    def loss_fn(points: Any, batch: np.ndarray | None) -> Any:
        # Σₖ fₖ·(log pₖ − log qₖ) with f the frequencies of the rolls used: f = p for the full
        # set; for a batch it is the mean of log(p/q) at each sampled roll (an unbiased estimate).
        freq = target[None, :] if batch is None else onehot[batch].mean(axis=1)
        return ((log_p - model_log_q(points)) * freq).sum(axis=1)

    best = (float(np.log(target[0] / target[2])), float(np.log(target[1] / target[2])))
    return Objective(
        id="kl-divergence",
        title="KL divergence",
        group="model-fitting",
        dim=2,
        view_box=((-4.0, 6.0), (-4.0, 6.0)),
        default_start=(-3.0, 4.0),
        minima=(Minimum(best, 0.0, "global"),),
        formula="L(θ₁, θ₂) = Σₖ pₖ·log(pₖ / qₖ), q = softmax(θ₁, θ₂, 0), p = (0.6, 0.3, 0.1)",
        description=(
            "How far the model distribution q is from the target p, the frequencies of ten die "
            "rolls (6, 3, 1). It is zero exactly when q = p, at θ = (log 6, log 3). A batch "
            "averages log(pₖ/qₖ) over the sampled rolls: a noisy estimate that can dip below 0."
        ),
        loss_fn=loss_fn,
        n_samples=DIE_ROLLS.n,
        batch_size=batch_size_of(settings),
        param_names=("θ1", "θ2"),
        default_lr=1.0,
        data=Distribution(
            x_label="outcome",
            y_label="probability",
            classes=FACES,
            target=target,
            log_q=model_log_q,
        ),
    )


ENTRIES: tuple[Entry, ...] = (Entry("kl-divergence", (batch_size_option(DIE_ROLLS.n),), _build_kl),)
