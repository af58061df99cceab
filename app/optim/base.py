"""The optimizer record, its bound update, and per-run hyper-parameters as arrays.

Conventions (see docs/INTERFACES.md):
- params, grads and every state buffer are float64 arrays of shape (R, d), one row per run.
- every hyper-parameter is an array broadcastable to (R, 1), so one batch can mix values;
  booleans are bool arrays; the "pair" kind (torch's ``betas``) is an (R, 2) array whose
  columns are (beta1, beta2). A setting every run shares may also be a Python scalar.
- ``step`` is the 1-based update count, shared by all runs of a batch, as torch counts it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.errors import FieldError
from app.optim.hyperparams import (
    CheckedHyperparams,
    HyperParam,
    HyperParams,
    shared_as_scalars,
    validate_value,
)
from app.optim.schedules import SCHEDULES, Schedule, parse_schedule

Array = np.ndarray
State = dict[str, Array]
InitFn = Callable[[Array, HyperParams], State]
UpdateFn = Callable[[Array, Array, State, HyperParams, int, Array | None], tuple[Array, State]]
CheckFn = Callable[[Mapping[str, Array]], None]


@dataclass(frozen=True, kw_only=True)
class OptimizerDef:
    """A registered optimizer: metadata for the API plus pure batched init/update functions."""

    name: str
    title: str
    description: str
    hyperparams: tuple[HyperParam, ...]
    state_names: tuple[str, ...]
    init_fn: InitFn = field(repr=False, compare=False)
    update_fn: UpdateFn = field(repr=False, compare=False)
    needs_hessian: bool = False  # update_fn takes each run's (d, d) Hessian
    # Cross-field rules torch enforces (e.g. nesterov needs momentum); raises ValueError.
    check_fn: CheckFn | None = field(default=None, repr=False, compare=False)

    def init(self, params: Array, hp: HyperParams) -> State:
        """Fresh state buffers for a batch of runs starting at ``params`` (R, d)."""
        return self.init_fn(np.asarray(params, dtype=np.float64), hp)

    def check(self, config: Mapping[str, Any]) -> CheckedHyperparams:
        """One run's settings checked against the specs and the cross-field rules, with the
        defaults filled in; raises FieldError naming the setting."""
        known = {hp.name for hp in self.hyperparams}
        row = CheckedHyperparams(_validated_row(self, known, config, ""))
        if self.check_fn is not None:
            self.check_fn({k: np.asarray(v) for k, v in row.items()})
        return row

    def bind(
        self, hp: HyperParams, schedule: Mapping[str, Any] | Schedule | None = None
    ) -> BoundUpdate:
        """This optimizer's update with hp (from broadcast_hyperparams) and the learning-rate
        schedule checked once: call the result once per step."""
        return BoundUpdate(self, hp, schedule)

    def update(
        self,
        params: Array,
        grads: Array,
        state: State,
        hp: HyperParams,
        step: int,
        hessians: Array | None = None,
    ) -> tuple[Array, State]:
        """One optimizer step for every run; returns new arrays and never mutates its inputs."""
        return self.bind(hp)(params, grads, state, step, hessians)


class BoundUpdate:
    """An optimizer with its hyper-parameters and schedule checked: one call per step.

    update(params, grads, state, step, hessians=None) -> (params, state) checks only what
    changes from step to step (the step number, the arrays' shapes, the Hessians' presence).
    """

    __slots__ = ("_formula", "hyperparams", "optimizer", "schedule")

    def __init__(
        self,
        optimizer: OptimizerDef,
        hp: HyperParams,
        schedule: Mapping[str, Any] | Schedule | None,
    ) -> None:
        names = {spec.name for spec in optimizer.hyperparams}
        missing, unknown = sorted(names - set(hp)), sorted(set(hp) - names)
        if missing or unknown:
            name, why = (missing[0], "missing") if missing else (unknown[0], "unknown")
            raise FieldError(name, f"{why} hyper-parameter for {optimizer.name!r}")
        if optimizer.check_fn is not None:
            optimizer.check_fn({k: np.asarray(v) for k, v in hp.items()})
        self.optimizer = optimizer
        self.hyperparams = shared_as_scalars(hp)  # plain numbers where every run shares them
        self.schedule = parse_schedule(schedule)
        self._formula = None if self.schedule.constant else SCHEDULES[self.schedule.name].formula

    def lr(self, step: int) -> Array | float:
        """The learning rate of 1-based update ``step``, shaped like the base lr."""
        base = self.hyperparams["lr"]
        return (
            base if self._formula is None else self._formula(base, step - 1, self.schedule.params)
        )

    def __call__(
        self,
        params: Array,
        grads: Array,
        state: State,
        step: int,
        hessians: Array | None = None,
    ) -> tuple[Array, State]:
        if type(step) is not int and (isinstance(step, bool) or int(step) != step):
            raise FieldError("step", f"must be an integer >= 1 (1-based like torch), got {step!r}")
        if step < 1:
            raise FieldError("step", f"must be an integer >= 1 (1-based like torch), got {step!r}")
        optimizer = self.optimizer
        if optimizer.needs_hessian and hessians is None:
            name = optimizer.name
            raise FieldError("hessians", f"optimizer {name!r} needs Hessians of shape (R, d, d)")
        if type(params) is not np.ndarray or params.dtype != np.float64:
            params = np.asarray(params, dtype=np.float64)
        if type(grads) is not np.ndarray or grads.dtype != np.float64:
            grads = np.asarray(grads, dtype=np.float64)
        if params.ndim != 2 or grads.shape != params.shape:
            raise FieldError(
                "grads",
                f"expected params and grads of one shape (R, d), got {params.shape} and "
                f"{grads.shape}",
            )
        hp = self.hyperparams
        if self._formula is not None:
            hp = {**hp, "lr": self._formula(hp["lr"], int(step) - 1, self.schedule.params)}
        return optimizer.update_fn(params, grads, state, hp, int(step), hessians)


def broadcast_hyperparams(
    opt: OptimizerDef, configs: Sequence[Mapping[str, Any]], R: int
) -> dict[str, Array]:
    """Validate per-run settings, fill defaults and stack them into per-run arrays.

    ``configs`` holds either one dict (shared by all R runs) or R dicts (one per run); a
    CheckedHyperparams is taken as checked. Returns float/int hyper-parameters as float64
    (R, 1), bools as bool (R, 1) and pairs (``betas``) as float64 (R, 2); a setting every run
    shares is one row, (1, 1) or (1, 2), because NumPy broadcasts a single row over (R, d) far
    faster than an (R, 1) column. Unknown names and out-of-range values raise FieldError naming
    the field.
    """
    if R < 1:
        raise FieldError("R", f"need at least one run, got {R}")
    if len(configs) not in (1, R):
        raise FieldError("configs", f"expected 1 or {R} hyper-parameter sets, got {len(configs)}")
    known = {hp.name for hp in opt.hyperparams}
    rows: list[Mapping[str, Any]] = []
    checked: dict[tuple, dict[str, Any]] = {}  # a sweep repeats one config; validate it once
    unchecked = False
    for i, config in enumerate(configs):
        if isinstance(config, CheckedHyperparams):
            rows.append(config)
            continue
        unchecked = True
        key = _config_key(config)
        row = None if key is None else checked.get(key)
        if row is None:
            row = _validated_row(opt, known, config, f"runs[{i}]." if len(configs) > 1 else "")
            if key is not None:
                checked[key] = row
        rows.append(row)
    out = stack_hyperparams(opt, rows, R)
    if unchecked and opt.check_fn is not None:
        opt.check_fn(out)
    return out


def stack_hyperparams(
    opt: OptimizerDef, rows: Sequence[Mapping[str, Any]], R: int
) -> dict[str, Array]:
    """Complete rows of settings (one shared, or one per run) as per-run arrays, without
    checking them again; see broadcast_hyperparams for the shapes."""
    if all(row is rows[0] for row in rows):
        rows = rows[:1]  # every run holds the one row: every setting is shared
    out: dict[str, Array] = {}
    for hp in opt.hyperparams:
        values = [row[hp.name] for row in rows]
        if values.count(values[0]) == len(values):  # every run shares it
            values = values[:1]
        n = len(values) if len(values) == 1 else R
        if hp.kind == "bool":
            out[hp.name] = np.array(values, dtype=bool).reshape(n, 1)
        elif hp.kind == "pair":
            out[hp.name] = np.array(values, dtype=np.float64).reshape(n, 2)
        else:
            out[hp.name] = np.array(values, dtype=np.float64).reshape(n, 1)
    return out


def _validated_row(
    opt: OptimizerDef, known: set[str], config: Mapping[str, Any], where: str
) -> dict[str, Any]:
    """One run's settings, checked against opt's specs, with the defaults filled in."""
    unknown = sorted(set(config) - known)
    if unknown:
        raise FieldError(
            f"{where}{unknown[0]}",
            f"unknown hyper-parameter for {opt.name!r}; expected one of {sorted(known)}",
        )
    return {
        hp.name: validate_value(hp, config.get(hp.name, hp.default), where)
        for hp in opt.hyperparams
    }


def _config_key(config: Mapping[str, Any]) -> tuple | None:
    """A hashable key for a config of plain values, or None when one is not hashable.

    Types are part of the key: True == 1, yet only one of them is a valid flag.
    """
    try:
        key = tuple([(k, type(v), tuple(v) if type(v) is list else v) for k, v in config.items()])
        hash(key)
    except TypeError:
        return None
    return key
