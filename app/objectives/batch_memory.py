"""About how much memory a batch of runs takes while it steps, so a request whose batch would not
fit is refused before anything is allocated. A network's runs dominate: each keeps buffers of its
weights' size (weights, gradient, the optimizer's state, the backward pass) and of its layers'
values on every row of a step, forward and backward."""

from __future__ import annotations

from app.errors import FieldError
from app.objectives.base import Objective
from app.objectives.data_models import Network

# Measured with tracemalloc on the compiled replay (Adam and SGD), networks of 1 to 4 hidden
# layers of 8 to 32 units on 57 to 3,750 rows: 41 numbers per weight, 12 to 14.5 per unit and row.
NUMBERS_PER_WEIGHT = 42
NUMBERS_PER_UNIT_ROW = 15
BYTES_PER_NUMBER = 8


def run_bytes(objective: Objective) -> int:
    """About the bytes one run of `objective` holds while a batch of runs steps."""
    per_run = NUMBERS_PER_WEIGHT * objective.dim
    if isinstance(objective.data, Network):
        rows = objective.batch_size or objective.n_samples or 0
        per_run += NUMBERS_PER_UNIT_ROW * rows * sum(objective.data.architecture.sizes)
    return BYTES_PER_NUMBER * per_run


def check_batch_memory(objective: Objective, runs: int, cap: int, field: str) -> None:
    """FieldError(field) when `runs` runs of `objective` would hold more than `cap` bytes."""
    need = runs * run_bytes(objective)
    if need > cap:
        fits = max(0, cap // run_bytes(objective))
        raise FieldError(
            field,
            f"{runs:,} runs of this objective would hold about {need / 1e6:,.0f} MB while they "
            f"step, over the cap of {cap / 1e6:,.0f} MB (max_batch_bytes, GET /limits): "
            f"{fits:,} fit; or step on fewer rows (a batch_size) or use a smaller network",
        )
