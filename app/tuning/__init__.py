"""Learning rates chosen by running: suggestions per objective and optimizer, and tuning a race."""

from app.tuning.search import Finals, best_index, run_to_end, suggested_index
from app.tuning.suggested import SUGGESTION_RATES, SUGGESTION_STEPS, cached_suggestions, suggest
from app.tuning.tune import TUNE_CRITERION, lr_grid, tune

__all__ = [
    "SUGGESTION_RATES",
    "SUGGESTION_STEPS",
    "TUNE_CRITERION",
    "Finals",
    "best_index",
    "cached_suggestions",
    "lr_grid",
    "run_to_end",
    "suggest",
    "suggested_index",
    "tune",
]
