"""Shared pieces of the optimizer registry: hyper-parameter specs, optimizer records, broadcasting.

Conventions (see docs/INTERFACES.md):
- params, grads and every state buffer are float64 arrays of shape (R, d), one row per run.
- every hyper-parameter is an array broadcastable to (R, 1), so one batch can mix values;
  booleans are bool arrays; the "pair" kind (torch's ``betas``) is an (R, 2) array whose
  columns are (beta1, beta2).
- ``step`` is the 1-based update count, shared by all runs of a batch, as torch counts it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

Array = np.ndarray
State = dict[str, Array]
HyperParams = Mapping[str, Any]
InitFn = Callable[[Array, HyperParams], State]
UpdateFn = Callable[[Array, Array, State, HyperParams, int, Array | None], tuple[Array, State]]
CheckFn = Callable[[dict[str, Array]], None]


@dataclass(frozen=True)
class HyperParam:
    """One optimizer (or schedule) setting, with the bounds used to validate user input."""

    name: str
    default: Any
    low: float | None
    high: float | None
    kind: Literal["float", "bool", "int", "pair"]
    description: str
    # Bounds are inclusive unless flagged; torch needs e.g. 0 <= beta < 1.
    low_inclusive: bool = True
    high_inclusive: bool = True


@dataclass(frozen=True)
class OptimizerDef:
    """A registered optimizer: metadata for the API plus pure batched init/update functions."""

    name: str
    title: str
    description: str
    hyperparams: tuple[HyperParam, ...]
    needs_hessian: bool
    state_names: tuple[str, ...]
    init_fn: InitFn = field(repr=False, compare=False)
    update_fn: UpdateFn = field(repr=False, compare=False)
    # Cross-field rules torch enforces (e.g. nesterov needs momentum); raises ValueError.
    check_fn: CheckFn | None = field(default=None, repr=False, compare=False)

    def init(self, params: Array, hp: HyperParams) -> State:
        """Fresh state buffers for a batch of runs starting at ``params`` (R, d)."""
        return self.init_fn(np.asarray(params, dtype=np.float64), hp)

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
        if isinstance(step, bool) or int(step) != step or step < 1:
            raise ValueError(f"step: must be an integer >= 1 (1-based like torch), got {step!r}")
        if self.needs_hessian and hessians is None:
            raise ValueError(f"hessians: optimizer {self.name!r} needs Hessians of shape (R, d, d)")
        params = np.asarray(params, dtype=np.float64)
        grads = np.asarray(grads, dtype=np.float64)
        if params.ndim != 2 or grads.shape != params.shape:
            raise ValueError(
                f"grads: expected params and grads of one shape (R, d), got "
                f"{params.shape} and {grads.shape}"
            )
        return self.update_fn(params, grads, state, hp, int(step), hessians)

    def param(self, name: str) -> HyperParam:
        """The spec of hyper-parameter ``name``."""
        for hp in self.hyperparams:
            if hp.name == name:
                return hp
        raise KeyError(name)


def _bound_error(spec: HyperParam, value: float) -> str | None:
    """Why ``value`` is out of ``spec``'s bounds, or None when it is inside."""
    if spec.low is not None and (
        value < spec.low or (value == spec.low and not spec.low_inclusive)
    ):
        op = ">=" if spec.low_inclusive else ">"
        return f"must be {op} {spec.low}, got {value}"
    if spec.high is not None and (
        value > spec.high or (value == spec.high and not spec.high_inclusive)
    ):
        op = "<=" if spec.high_inclusive else "<"
        return f"must be {op} {spec.high}, got {value}"
    return None


def validate_value(spec: HyperParam, value: Any, where: str = "") -> Any:
    """Check one user-supplied value against its spec; returns it as float, int, bool or pair."""
    label = f"{where}{spec.name}"
    if spec.kind == "bool":
        if not isinstance(value, bool | np.bool_):
            raise ValueError(f"{label}: must be true or false, got {value!r}")
        return bool(value)
    if spec.kind == "pair":
        if isinstance(value, str | bytes) or not isinstance(value, Sequence | np.ndarray):
            raise ValueError(f"{label}: must be a pair of numbers, got {value!r}")
        items = list(value)
        if len(items) != 2:
            raise ValueError(f"{label}: must be a pair of numbers, got {len(items)} values")
        sub = replace(spec, kind="float")
        return tuple(validate_value(sub, v, where) for v in items)
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        raise ValueError(f"{label}: must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{label}: must be finite, got {value!r}")
    if spec.kind == "int":
        if number != int(number):
            raise ValueError(f"{label}: must be an integer, got {value!r}")
        number = int(number)
    problem = _bound_error(spec, number)
    if problem is not None:
        raise ValueError(f"{label}: {problem}")
    return number


def broadcast_hyperparams(
    opt: OptimizerDef, configs: Sequence[Mapping[str, Any]], R: int
) -> dict[str, Array]:
    """Validate per-run settings, fill defaults and stack them into per-run arrays.

    ``configs`` holds either one dict (shared by all R runs) or R dicts (one per run). Returns
    float/int hyper-parameters as float64 (R, 1), bools as bool (R, 1) and pairs (``betas``) as
    float64 (R, 2); a setting every run shares is one row, (1, 1) or (1, 2), because NumPy
    broadcasts a single row over (R, d) far faster than an (R, 1) column. Unknown names and
    out-of-range values raise ValueError naming the field.
    """
    if R < 1:
        raise ValueError(f"R: need at least one run, got {R}")
    if len(configs) not in (1, R):
        raise ValueError(f"configs: expected 1 or {R} hyper-parameter sets, got {len(configs)}")
    known = {hp.name for hp in opt.hyperparams}
    rows: list[dict[str, Any]] = []
    checked: dict[tuple, dict[str, Any]] = {}  # a sweep repeats one config; validate it once
    validated = 0
    for i, config in enumerate(configs):
        key = _config_key(config)
        row = None if key is None else checked.get(key)
        if row is None:
            row = _validated_row(opt, known, config, f"runs[{i}]." if len(configs) > 1 else "")
            validated += 1
            if key is not None:
                checked[key] = row
        rows.append(row)
    if validated == 1:
        rows = rows[:1]  # every run holds the one validated row: every setting is shared
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
    if opt.check_fn is not None:
        opt.check_fn(out)
    return out


def _validated_row(
    opt: OptimizerDef, known: set[str], config: Mapping[str, Any], where: str
) -> dict[str, Any]:
    """One run's settings, checked against opt's specs, with the defaults filled in."""
    unknown = sorted(set(config) - known)
    if unknown:
        raise ValueError(
            f"{where}{unknown[0]}: unknown hyper-parameter for {opt.name!r}; "
            f"expected one of {sorted(known)}"
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


# ---- numeric helpers shared by the optimizer families ----


def shared_as_scalars(hp: HyperParams) -> dict[str, Any]:
    """hp with every setting the runs share as a Python scalar (a float, bool or pair of floats).

    Optimizers take either form. A run loop converts once, so each step's arithmetic broadcasts
    plain numbers (NumPy's cheapest operand, and torch's own float arithmetic).
    """
    out: dict[str, Any] = {}
    for name, value in hp.items():
        arr = np.asarray(value)
        if arr.ndim != 2 or len(arr) != 1:
            out[name] = value
        elif arr.dtype == bool:
            out[name] = bool(arr[0, 0])
        elif arr.shape[1] == 2:
            out[name] = (float(arr[0, 0]), float(arr[0, 1]))
        else:
            out[name] = float(arr[0, 0])
    return out


def as_column(value: Any) -> Array | float:
    """A hyper-parameter broadcastable against (R, d): a Python float when every run shares it
    (the cheapest operand NumPy has, and torch's own arithmetic), else an (R, 1) column."""
    if type(value) is float:
        return value
    arr = np.asarray(value)
    if arr.size == 1:
        return float(arr.reshape(()))
    return arr.reshape(-1, 1) if arr.ndim == 1 else arr


def flag(value: Any) -> Array | bool:
    """A boolean hyper-parameter broadcastable against (R, d); a Python bool when shared."""
    if type(value) is bool:
        return value
    arr = np.asarray(value, dtype=bool)
    if arr.size == 1:
        return bool(arr.reshape(()))
    return arr.reshape(-1, 1) if arr.ndim == 1 else arr


def any_run(value: Array | bool) -> bool:
    """Whether a flag (or a per-run mask) is set for any run."""
    if type(value) is bool:
        return value
    # The method skips np.any's dispatch, a third of its cost on a small mask.
    return bool(value.any() if type(value) is np.ndarray else np.any(value))


def every_run(value: Array | bool) -> bool:
    """Whether a flag (or a per-run mask) is set for every run."""
    if type(value) is bool:
        return value
    return bool(value.all() if type(value) is np.ndarray else np.all(value))


def betas(hp: HyperParams) -> tuple[Array | float, Array | float]:
    """(beta1, beta2): Python floats when every run shares them (torch's own arithmetic, and
    cheaper), else (R, 1) columns from the (R, 2) array."""
    pair = hp["betas"]
    if type(pair) is tuple:
        return pair
    pair = np.asarray(pair, dtype=np.float64)
    pair = pair.reshape(1, 2) if pair.ndim == 1 else pair
    if len(pair) == 1 or (pair == pair[0]).all():
        return float(pair[0, 0]), float(pair[0, 1])
    return pair[:, 0:1], pair[:, 1:2]


def lerp(start: Array, end: Array, weight: Array | float) -> Array:
    """torch.lerp's formula (ATen Lerp.h), which picks the better-conditioned form by weight."""
    diff = end - start
    if type(weight) is float:
        if abs(weight) < 0.5:
            diff *= weight
            diff += start
            return diff
        return end - diff * (1.0 - weight)
    # Checked on the (R, 1) column first: the common batch takes one branch for every run.
    if np.all(np.abs(weight) < 0.5):
        return start + weight * diff
    weight = np.broadcast_to(weight, np.broadcast_shapes(np.shape(weight), np.shape(start)))
    return np.where(np.abs(weight) < 0.5, start + weight * diff, end - diff * (1.0 - weight))


def add_weight_decay(grads: Array, params: Array, weight_decay: Array) -> Array:
    """Coupled (L2) weight decay, grad + wd * param; skipped where wd == 0 as torch does."""
    wd = as_column(weight_decay)
    if type(wd) is float:
        return grads if wd == 0 else grads + wd * params
    decays = wd != 0
    if not decays.any():
        return grads
    if decays.all():
        return grads + wd * params
    return np.where(decays, grads + wd * params, grads)


def power_of_step(base: Array, step: int) -> Array | float:
    """base ** step per run; a base shared by all runs is raised as a float, as torch does."""
    if type(base) is float:
        return base**step
    flat = np.ravel(base)
    if np.all(flat == flat[0]):
        return float(flat[0]) ** step
    return base**step
