"""A network's suggested learning rates: the sweep GET /objectives/mlp runs the first time a spec
is asked for, for the largest networks the route allows (4 hidden layers of 32 units on 5,000
rows), side by side in one run:

- ours: app.tuning.suggested.compute_suggestions (the optimizers a network can run, on a sample
  of the train rows, the rates below 1e-4 only where they can matter);
- the limit: the request deadline (GDP_REQUEST_DEADLINE_SECONDS), after which it is cut;
- the plain sweep (every first-order optimizer's every rate on every train row, as suggest ran
  before but without Newton and the test metrics), timed for a few steps and scaled to the
  sweep's 300: too slow to run whole.

Each of ours is timed twice (the first run also builds and compiles); the faster is kept.
Run: python -m benchmarks.network_suggestions
"""

from __future__ import annotations

import time

import app.tuning.suggested as suggested
from app.objectives import make_objective
from app.optim import OPTIMIZERS
from app.runs import RunConfig, RunProblem
from app.settings import SETTINGS
from app.tuning.search import run_to_end
from benchmarks._timing import row

LARGEST = {"n": 5000}
SPECS = {
    "4x32 tanh, clusters (6)": {
        "dataset": {"name": "clusters", "classes": 6, **LARGEST},
        "hidden": [32] * 4,
    },
    "4x32 relu/he, u-curve": {
        "dataset": {"name": "u-curve", **LARGEST},
        "hidden": [32] * 4,
        "activation": "relu",
        "init": "he",
    },
    "4x32 sigmoid, decay 1, spiral": {
        "dataset": {"name": "spiral", **LARGEST},
        "hidden": [32] * 4,
        "activation": "sigmoid",
        "weight_decay": 1.0,
    },
    "2x32 tanh, moons": {"dataset": {"name": "moons", **LARGEST}, "hidden": [32] * 2},
    "8-8 tanh, xor (default)": {"dataset": {"name": "xor"}, "hidden": [8, 8]},
}
PLAIN_STEPS = 10  # of the plain sweep's 300, timed and scaled


def ours(network: object) -> float:
    best = float("inf")
    for _ in range(2):
        began = time.perf_counter()
        _, complete = suggested.compute_suggestions(network)  # type: ignore[arg-type]
        best = min(best, time.perf_counter() - began)
        assert complete
    return best


def plain(network: object) -> float:
    """Every optimizer at every rate on every train row, as one batch: its time for 300 steps."""
    rates = suggested.SUGGESTION_RATES
    runs = tuple(RunConfig(name, {"lr": r}) for name in OPTIMIZERS for r in rates)
    first_order = tuple(r for r in runs if not OPTIMIZERS[r.optimizer].needs_hessian)
    problem = RunProblem(objective=network, runs=first_order, steps=PLAIN_STEPS)  # type: ignore[arg-type]
    began = time.perf_counter()
    run_to_end(problem, watch_view=True)
    return (time.perf_counter() - began) * suggested.SUGGESTION_STEPS / PLAIN_STEPS


def main() -> None:
    limit = SETTINGS.request_deadline_seconds
    print(f"A network's first suggestions, against the request deadline ({limit:g} s):")
    first = 0.0
    for label, spec in SPECS.items():
        network = make_objective({"id": "mlp", **spec})
        rows = suggested.sweep_objective(network).n_samples
        seconds = ours(network)
        print(row(f"{label}: {network.dim} w, {rows} rows", seconds), end="")
        print(f"   {seconds / limit:5.1%} of the deadline")
        first = first or seconds
    network = make_objective({"id": "mlp", **next(iter(SPECS.values()))})
    seconds = plain(network)
    print("The plain sweep of the first (every rate, all 3,750 train rows; scaled):")
    print(row("plain sweep", seconds), f"  {seconds / limit:5.1f}x the deadline")
    print(f"  ours is {seconds / first:.0f}x faster on it")


if __name__ == "__main__":
    main()
