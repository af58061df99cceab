"""Optimizers as pure batched array updates matching torch.optim 2.13, plus schedules and clipping.

See app/optim/base.py for the array conventions. ``OPTIMIZERS`` maps each name to its
``OptimizerDef``, collected from each family module's FAMILY; ``broadcast_hyperparams`` turns
per-run settings into the arrays they take, and ``OptimizerDef.bind`` checks them once for a run
of many steps. ``SCHEDULES`` maps each learning-rate schedule's name to its record.
"""

from app.optim import adam, adaptive, beyond_torch, sgd
from app.optim.base import BoundUpdate, OptimizerDef, broadcast_hyperparams, stack_hyperparams
from app.optim.clipping import CLIP_MODES, Clip, clip_gradients, parse_clip
from app.optim.hyperparams import CheckedHyperparams, HyperParam, shared_as_scalars
from app.optim.schedules import (
    CONSTANT,
    SCHEDULE_NAMES,
    SCHEDULES,
    Schedule,
    ScheduleDef,
    lr_at,
    parse_schedule,
    resolve_schedule,
)

OPTIMIZERS: dict[str, OptimizerDef] = {
    opt.name: opt for family in (sgd, adaptive, adam, beyond_torch) for opt in family.FAMILY
}

__all__ = [
    "CLIP_MODES",
    "CONSTANT",
    "OPTIMIZERS",
    "SCHEDULES",
    "SCHEDULE_NAMES",
    "BoundUpdate",
    "CheckedHyperparams",
    "Clip",
    "HyperParam",
    "OptimizerDef",
    "Schedule",
    "ScheduleDef",
    "broadcast_hyperparams",
    "clip_gradients",
    "lr_at",
    "parse_clip",
    "parse_schedule",
    "resolve_schedule",
    "shared_as_scalars",
    "stack_hyperparams",
]
