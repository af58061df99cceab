"""The largest admitted request of each route, for benchmarks/load.py's memory and stall phase."""

from __future__ import annotations

import numpy as np

from app.objectives import make_objective
from app.objectives.tables import MAX_CLASSES, MAX_FEATURES, MAX_ROWS
from app.settings import SETTINGS

RUNS, STEPS = SETTINGS.max_runs, SETTINGS.max_steps_times_runs // SETTINGS.max_runs


def race(runs: int, steps: int, record: object = "final") -> dict:
    return {
        "objective": {"id": "rosenbrock"},
        "runs": [{"optimizer": {"name": "adam", "lr": 0.001}}] * runs,
        "steps": steps,
        "record": record,
    }


def largest_csv() -> str:
    """A table of the most rows and features allowed, every cell written to 15 decimals."""
    rng = np.random.default_rng(0)
    features = rng.normal(size=(MAX_ROWS, MAX_FEATURES))
    labels = rng.integers(0, MAX_CLASSES, size=MAX_ROWS)
    header = ",".join(f"x{i}" for i in range(MAX_FEATURES)) + ",y"
    cells = (",".join(f"{v:.15f}" for v in row) for row in features)
    rows = (f"{row},{y}" for row, y in zip(cells, labels, strict=True))
    return "\n".join([header, *rows])


NETWORK_ON_CSV = {
    "id": "mlp",
    "dataset": {"csv": largest_csv(), "classes": "yes"},
    "hidden": [32, 32],
}
NETWORK_DIM = make_objective(NETWORK_ON_CSV).dim

LARGEST = {
    "POST /runs (JSON, the most numbers an answer may hold)": (
        "/runs",
        race(RUNS, SETTINGS.max_response_numbers // (RUNS * 12) - 1, "all"),
        {},
    ),
    "POST /runs (JSON Lines, every step)": (
        "/runs",
        race(RUNS, STEPS, "all"),
        {"accept": "application/jsonl"},
    ),
    "POST /runs (SSE, every step)": (
        "/runs",
        race(RUNS, STEPS, "all"),
        {"accept": "text/event-stream"},
    ),
    "POST /surface (512 × 512)": (
        "/surface",
        {"objective": {"id": "rosenbrock"}, "resolution": SETTINGS.max_resolution},
        {},
    ),
    "POST /sweeps (4,096 rates)": (
        "/sweeps",
        {
            "objective": {"id": "rosenbrock"},
            "optimizer": {"name": "adam"},
            "over": {"lr": {"min": 1e-5, "max": 1, "num": SETTINGS.max_sweep_runs}},
            "steps": SETTINGS.max_sweep_work // SETTINGS.max_sweep_runs,
        },
        {},
    ),
    "POST /tune (runs × num = 4,096)": (
        "/tune",
        {
            **race(RUNS, SETTINGS.max_sweep_work // SETTINGS.max_sweep_runs),
            "num": SETTINGS.max_sweep_runs // RUNS,
        },
        {},
    ),
    "POST /inspect (the backprop graph of a model fit)": (
        "/inspect",
        {"objective": {"id": "softmax-classifier"}, "point": [0.5, -0.5]},
        {},
    ),
    "POST /predict (64 points × 512)": (
        "/predict",
        {"objective": {"id": "linear-regression"}, "points": [[0.5, 1.0]] * 64, "resolution": 512},
        {},
    ),
    "POST /runs (a network on a pasted CSV of 5,000 rows × 17 columns)": (
        "/runs",
        {
            "objective": NETWORK_ON_CSV,
            "runs": [{"optimizer": {"name": "adam", "lr": 0.01}}] * 4,
            "steps": 50,
            "record": "final",
        },
        {},
    ),
    "POST /inspect (λmax of that network)": (
        "/inspect",
        {"objective": NETWORK_ON_CSV, "point": [0.01] * NETWORK_DIM},
        {},
    ),
    "GET /objectives/mlp (suggested rates for the largest network on 5,000 rows)": (
        "/objectives/mlp?dataset=clusters&dataset.n=5000&dataset.classes=6&hidden=32,32,32,32",
        None,
        {},
    ),
    "GET /objectives/custom (a new formula's suggestions)": (
        "/objectives/custom?expression=x%5E2%2B3*y%5E2%2Bsin(x*y)",
        None,
        {},
    ),
}
