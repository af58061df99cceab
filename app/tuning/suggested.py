"""A suggested learning rate for every optimizer on an objective, chosen by one rule for all.

Every optimizer (its other settings at their defaults) runs from the objective's default start
for SUGGESTION_STEPS steps at each of SUGGESTION_RATES, all in one batch. Rates whose path
diverges or strays far out of the view box are out; of the rest, the suggestion is the smallest
rate whose final loss is within NEAR_TIE of the best progress (app.tuning.search.suggested_index).
Built-in objectives with their default options (or another loss) read a committed table
(scripts/make_suggested_lr.py writes it; a test keeps it current); any other objective is
computed on first use and kept in a small cache.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from app.objectives import Objective, list_objectives, make_objective
from app.optim import OPTIMIZERS
from app.runs import RunConfig, RunProblem
from app.tuning.search import run_to_end, suggested_index

SUGGESTION_STEPS = 300
# 1, 1.8, 3.2 and 5.6 per decade from 1e-12 to 10: four log-spaced rates a decade, each already
# at two significant digits, so the rate served is exactly the rate that was run.
_DECADES = range(-12, 1)
SUGGESTION_RATES = (
    *(float(f"{mantissa}e{exponent}") for exponent in _DECADES for mantissa in (1, 1.8, 3.2, 5.6)),
    10.0,
)
# A rate ties with the best when its final loss is within this fraction of the best's progress.
NEAR_TIE = 1e-3
TABLE_PATH = Path(__file__).with_name("suggested_lr.json")
CACHE_SIZE = 256

_cache: OrderedDict[str, dict[str, float]] = OrderedDict()
_lock = threading.Lock()


def key_of(objective: Objective) -> str:
    """The objective as built: its id and every resolved option (or its expression)."""
    return json.dumps({"id": objective.id, **objective.settings}, sort_keys=True)


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, float]]:
    if not TABLE_PATH.exists():
        return {}
    return json.loads(TABLE_PATH.read_text())["suggested_lr"]


def cached_suggestions(objective: Objective) -> dict[str, float] | None:
    """The suggestions from the table or the cache, or None when they must be computed."""
    key = key_of(objective)
    found = _table().get(key)
    if found is None:
        with _lock:
            found = _cache.get(key)
            if found is not None:
                _cache.move_to_end(key)
    if found is None or set(found) != set(OPTIMIZERS):
        return None  # a new optimizer since the table was written: compute afresh
    return found


def compute_suggestions(
    objective: Objective,
    *,
    should_stop: Callable[[], bool] | None = None,
    deadline: float | None = None,
) -> tuple[dict[str, float], bool]:
    """Run the sweep; returns (suggestion per optimizer, whether every run finished)."""
    rates = np.array(SUGGESTION_RATES)
    names = list(OPTIMIZERS)
    runs = tuple(RunConfig(name, {"lr": float(rate)}) for name in names for rate in rates)
    problem = RunProblem(objective=objective, runs=runs, steps=SUGGESTION_STEPS)
    finals = run_to_end(problem, should_stop=should_stop, deadline=deadline, watch_view=True)
    shape = (len(names), len(rates))
    losses = finals.final_loss.reshape(shape)
    # A rate whose path runs far out of view is as useless to watch as one that diverges.
    unusable = (finals.diverged | finals.strayed).reshape(shape)
    picks = {
        name: float(
            rates[suggested_index(rates, losses[i], unusable[i], finals.start_loss, NEAR_TIE)]
        )
        for i, name in enumerate(names)
    }
    return picks, "stopped" not in finals.status


def suggest(
    objective: Objective,
    *,
    should_stop: Callable[[], bool] | None = None,
    deadline: float | None = None,
) -> dict[str, float]:
    """The suggestions, computed (and cached when complete) if the table does not hold them."""
    found = cached_suggestions(objective)
    if found is not None:
        return found
    picks, complete = compute_suggestions(objective, should_stop=should_stop, deadline=deadline)
    if complete:
        with _lock:
            _cache[key_of(objective)] = picks
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return picks


def build_rule() -> str:
    """The suggestion rule in one sentence."""
    return (
        f"each optimizer at default settings runs {SUGGESTION_STEPS} steps from the default "
        f"start at every rate of {SUGGESTION_RATES[0]:g}..{SUGGESTION_RATES[-1]:g} (4 per "
        f"decade); of the rates that neither diverge nor leave the view box by more than its "
        f"size, the suggestion is the smallest within {NEAR_TIE:g} of the best progress"
    )


def tabled_objectives() -> list[Objective]:
    """What the table holds: every built-in at its defaults, and with each other choice of a
    choice option (a loss), which a learner flips at once."""
    objectives = []
    for objective in list_objectives():
        objectives.append(objective)
        for spec in objective.options:
            for choice in spec.choices or ():
                if choice != spec.default:
                    objectives.append(make_objective({"id": objective.id, spec.name: choice}))
    return objectives


def build_table(objectives: list[Objective]) -> dict[str, Any]:
    """The committed table's contents for these objectives."""
    return {
        "rule": build_rule(),
        "suggested_lr": {key_of(o): compute_suggestions(o)[0] for o in objectives},
    }
