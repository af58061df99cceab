"""A suggested learning rate for every optimizer on an objective, chosen by one rule for all.

Every optimizer (its other settings at their defaults) runs from the objective's default start
for SUGGESTION_STEPS steps at each of SUGGESTION_RATES, all in one batch. Rates whose path
diverges or strays far out of the view box are out; of the rest, the suggestion is the smallest
rate whose final loss is within NEAR_TIE of the best progress (app.tuning.search.suggested_index).
A network (id mlp) gets suggestions for the optimizers it can run (not those that need the dense
Hessian), from a sweep bounded in time: on a sample of its train rows when it has many (see
sweep_objective), its smaller rates only where they can matter (see rate_blocks).
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

from app.objectives import NETWORK_ID, Objective, list_objectives, make_objective
from app.objectives.network_objective import on_train_rows
from app.optim import OPTIMIZERS
from app.tuning.blocks import sweep_blocks

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
# A network's sweep steps on at most NETWORK_SWEEP_ROWS train rows and NETWORK_SWEEP_SIZE rows ×
# weights (a seeded draw of rows, the same for every run): the largest network, of 3,462 weights,
# on 130 rows; every default dataset (at most 300 train rows) whole.
NETWORK_SWEEP_ROWS = 300
NETWORK_SWEEP_SIZE = 200_000
# A network's rates below this run only for an optimizer whose larger rates do not settle its
# pick: a network's many weights make every run costly, and small rates rarely matter to it.
NETWORK_FIRST_RATE = 1e-4
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


def optimizer_names(objective: Objective) -> list[str]:
    """The optimizers suggested for: every one, but a network only those it can run."""
    if objective.id == NETWORK_ID:  # a network's d × d Hessian is too large to step with
        return [name for name, opt in OPTIMIZERS.items() if not opt.needs_hessian]
    return list(OPTIMIZERS)


def sweep_objective(objective: Objective) -> Objective:
    """What the sweep runs: the objective itself, or a network on a sample of its train rows
    when it has many (NETWORK_SWEEP_ROWS, NETWORK_SWEEP_SIZE). On all 3,750 train rows of 5,000
    a large network's sweep would take many minutes; the rate that suits a network follows from
    its loss's curvature and scale, which a random sample of the rows shares."""
    if objective.id != NETWORK_ID:
        return objective
    rows = min(NETWORK_SWEEP_ROWS, NETWORK_SWEEP_SIZE // objective.dim)
    return on_train_rows(objective, max(1, rows))


def rate_blocks(objective: Objective) -> list[np.ndarray]:
    """The rates in the blocks they run in: one block, or a network's rates from
    NETWORK_FIRST_RATE up first, the smaller ones only where needed (app/tuning/blocks.py)."""
    rates = np.array(SUGGESTION_RATES)
    if objective.id != NETWORK_ID:
        return [rates]
    return [rates[rates >= NETWORK_FIRST_RATE], rates[rates < NETWORK_FIRST_RATE]]


def cached_suggestions(objective: Objective) -> dict[str, float] | None:
    """The suggestions from the table or the cache, or None when they must be computed."""
    key = key_of(objective)
    found = _table().get(key)
    if found is None:
        with _lock:
            found = _cache.get(key)
            if found is not None:
                _cache.move_to_end(key)
    if found is None or set(found) != set(optimizer_names(objective)):
        return None  # a new optimizer since the table was written: compute afresh
    return found


def compute_suggestions(
    objective: Objective,
    *,
    should_stop: Callable[[], bool] | None = None,
    deadline: float | None = None,
) -> tuple[dict[str, float], bool]:
    """Run the sweep; returns (suggestion per optimizer, whether every run finished)."""
    return sweep_blocks(
        sweep_objective(objective),
        optimizer_names(objective),
        rate_blocks(objective),
        SUGGESTION_STEPS,
        NEAR_TIE,
        should_stop=should_stop,
        deadline=deadline,
    )


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
