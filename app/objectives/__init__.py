"""Objectives: the loss surfaces the playground descends, and the registry that builds them."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import numpy as np

from app.objectives import (
    distributions,
    model_fitting,
    multimodal,
    one_dimensional,
    test_functions,
    worked_examples,
)
from app.objectives.base import (
    Entry,
    Minimum,
    Objective,
    ObjectiveError,
    OptionSpec,
    resolve_settings,
)
from app.objectives.batch_memory import check_batch_memory, run_bytes
from app.objectives.fits_on_data import fit_on_data, takes_data
from app.objectives.network_objective import make_network_objective

__all__ = [
    "NETWORK_ID",
    "Minimum",
    "Objective",
    "ObjectiveError",
    "OptionSpec",
    "check_batch_memory",
    "get_objective_ids",
    "list_objectives",
    "make_objective",
    "run_bytes",
]

_ENTRIES: dict[str, Entry] = {
    e.id: e
    for e in (
        *test_functions.ENTRIES,
        *multimodal.ENTRIES,
        *one_dimensional.ENTRIES,
        *model_fitting.ENTRIES,
        *distributions.ENTRIES,
        *worked_examples.ENTRIES,
    )
}


# Networks are built from a spec of their own (app/objectives/network_objective.py), outside the
# catalogue of fixed surfaces.
NETWORK_ID = "mlp"


def get_objective_ids() -> list[str]:
    """Ids of the built-in objectives, in catalogue order."""
    return list(_ENTRIES)


@lru_cache(maxsize=128)
def _build(oid: str, frozen_settings: tuple[tuple[str, object], ...]) -> Objective:
    """Build once per distinct settings: some builders fit a model to find the minimum."""
    entry = _ENTRIES[oid]
    settings = dict(frozen_settings)
    objective = entry.build(settings)
    return dataclasses.replace(
        objective, options=entry.options, settings=MappingProxyType(settings)
    )


def make_objective(spec: Mapping[str, Any]) -> Objective:
    """Build an objective from `{"id": ..., **options}`, `{"expression": "..."}` or a network's
    `{"id": "mlp", "dataset": {...}, "hidden": [...], ...}`."""
    if not isinstance(spec, Mapping):
        raise ObjectiveError("objective", "must be an object with an 'id' or an 'expression'")
    if "expression" in spec:
        return _custom(spec)
    oid = spec.get("id")
    if oid is None:
        raise ObjectiveError("objective.id", "required (or give an 'expression')")
    if oid == NETWORK_ID:
        return make_network_objective(spec)
    if not isinstance(oid, str) or oid not in _ENTRIES:
        known = ", ".join([*_ENTRIES, NETWORK_ID])
        raise ObjectiveError("objective.id", f"unknown objective {oid!r}; known: {known}")
    entry = _ENTRIES[oid]
    if "dataset" in spec and takes_data(oid):
        return fit_on_data(entry, spec)
    options = {k: v for k, v in spec.items() if k != "id"}
    settings = resolve_settings(entry.options, options)
    return _build(oid, tuple(settings.items()))


def list_objectives() -> list[Objective]:
    """Every built-in objective with its default options."""
    return [make_objective({"id": oid}) for oid in _ENTRIES]


def _custom(spec: Mapping[str, Any]) -> Objective:
    """Wrap a user-typed formula in x (and y) as a custom objective."""
    extra = [k for k in spec if k not in ("expression", "id")]
    if extra:
        raise ObjectiveError(f"objective.{extra[0]}", "unknown option for a custom expression")
    if spec.get("id") not in (None, "custom"):
        raise ObjectiveError("objective.id", "give either an 'id' or an 'expression', not both")
    text = spec["expression"]
    if not isinstance(text, str) or not text.strip():
        raise ObjectiveError("objective.expression", "must be a non-empty string")
    from app.objectives.expression import ParseError, parse_expression

    try:
        expr = parse_expression(text)
    except ParseError as exc:
        raise ObjectiveError("objective.expression", str(exc)) from exc
    dim = int(expr.dim)

    def loss_fn(points: Any, batch: np.ndarray | None) -> Any:
        x = points[:, 0]
        out = expr.evaluate(x, points[:, 1] if dim == 2 else None)
        # A constant formula (e.g. "3") evaluates to a scalar: spread it over the points.
        if getattr(out, "shape", ()) != (points.shape[0],):
            out = out + x * 0.0
        return out

    two_d = dim == 2
    return Objective(
        id="custom",
        title=f"Custom: {text.strip()}",
        group="custom",
        dim=dim,
        view_box=((-5.0, 5.0), (-5.0, 5.0)) if two_d else ((-5.0, 5.0),),
        default_start=(-3.0, 4.0) if two_d else (-3.0,),
        minima=(),
        formula=f"f(x, y) = {text.strip()}" if two_d else f"f(x) = {text.strip()}",
        description="Your own formula. Its minima are unknown to the playground.",
        loss_fn=loss_fn,
        settings=MappingProxyType({"expression": text}),
        param_names=("x", "y") if two_d else ("x",),
        default_lr=0.01,
    )
