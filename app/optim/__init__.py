"""Optimizers as pure batched array updates matching torch.optim 2.13, plus schedules and clipping.

See app/optim/base.py for the array conventions. ``OPTIMIZERS`` maps each name to its
``OptimizerDef``, collected from each family module's FAMILY; ``broadcast_hyperparams`` turns
per-run settings into the arrays they take, and ``OptimizerDef.bind`` checks them once for a run
of many steps. ``SCHEDULES`` maps each learning-rate schedule's name to its record.
"""

from app.optim import adam, adaptive, beyond_torch, sgd
from app.optim.base import BoundUpdate, OptimizerDef, broadcast_hyperparams
from app.optim.clipping import CLIP_MODES, clip_gradients
from app.optim.hyperparams import HyperParam, shared_as_scalars
from app.optim.schedules import SCHEDULE_NAMES, SCHEDULES, ScheduleDef, lr_at, resolve_schedule

OPTIMIZERS: dict[str, OptimizerDef] = {
    opt.name: opt for family in (sgd, adaptive, adam, beyond_torch) for opt in family.FAMILY
}

__all__ = [
    "CLIP_MODES",
    "OPTIMIZERS",
    "SCHEDULES",
    "SCHEDULE_NAMES",
    "BoundUpdate",
    "HyperParam",
    "OptimizerDef",
    "ScheduleDef",
    "broadcast_hyperparams",
    "clip_gradients",
    "lr_at",
    "resolve_schedule",
    "shared_as_scalars",
]
