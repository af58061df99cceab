"""Optimizers as pure batched array updates matching torch.optim 2.13, plus schedules and clipping.

See app/optim/base.py for the array conventions. ``OPTIMIZERS`` maps each name to its
``OptimizerDef``; ``broadcast_hyperparams`` turns per-run settings into the arrays they take.
"""

from app.optim.adam import ADAM, ADAMAX, ADAMW, NADAM
from app.optim.adaptive import ADADELTA, ADAGRAD, RMSPROP
from app.optim.base import HyperParam, OptimizerDef, broadcast_hyperparams, shared_as_scalars
from app.optim.beyond_torch import LION, NEWTON, SIGNSGD
from app.optim.clipping import CLIP_MODES, clip_gradients
from app.optim.schedules import SCHEDULES, ScheduleDef, lr_at, resolve_schedule
from app.optim.sgd import SGD

OPTIMIZERS: dict[str, OptimizerDef] = {
    opt.name: opt
    for opt in (SGD, ADAGRAD, RMSPROP, ADADELTA, ADAM, ADAMW, ADAMAX, NADAM, LION, SIGNSGD, NEWTON)
}

__all__ = [
    "CLIP_MODES",
    "OPTIMIZERS",
    "SCHEDULES",
    "HyperParam",
    "OptimizerDef",
    "ScheduleDef",
    "broadcast_hyperparams",
    "clip_gradients",
    "lr_at",
    "resolve_schedule",
    "shared_as_scalars",
]
