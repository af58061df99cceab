"""Request schemas of the v1 API: every rule a request is held to, built for the app's caps.

Each body is a union of variants (per objective dimension, per optimizer) chosen by the input;
each variant turns itself into domain values (a RunProblem, a Schedule, a Clip, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from app.api.schemas.caps import Caps
from app.api.schemas.datasets import CSV_FORMAT
from app.api.schemas.network_requests import NetworkPredictBase, NetworkSurfaceBase
from app.api.schemas.objectives import FORMULA_FORMATS, ObjectiveSpecBase
from app.api.schemas.requests import NetworkPointBase, inspect_body, predict_body, surface_body
from app.api.schemas.run_requests import runs_body, tune_body
from app.api.schemas.sweeps import explain_body, sweep_body

__all__ = [
    "CSV_FORMAT",
    "FORMULA_FORMATS",
    "Bodies",
    "Caps",
    "NetworkPointBase",
    "NetworkPredictBase",
    "NetworkSurfaceBase",
    "ObjectiveSpecBase",
    "bodies_for",
]


@dataclass(frozen=True)
class Bodies:
    """The request body type of every POST route, for one set of caps."""

    runs: Any
    tune: Any
    surface: Any
    sweeps: Any
    inspect: Any
    predict: Any
    explain: Any


@lru_cache(maxsize=8)
def bodies_for(caps: Caps) -> Bodies:
    return Bodies(
        runs=runs_body(caps),
        tune=tune_body(caps),
        surface=surface_body(caps),
        sweeps=sweep_body(caps),
        inspect=inspect_body(),
        predict=predict_body(),
        explain=explain_body(caps),
    )
