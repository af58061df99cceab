"""The live playground's API calls, through the ASGI app in-process, each beside its floor:

(a) GET /objectives warm (24 objectives with suggested rates) beside GET /optimizers, a static
    catalogue route: what the suggestions and data kinds add;
(b) GET /objectives/custom for a new formula (its suggestions computed: 11 optimizers x 53 rates
    x 300 steps) and again (cached);
(c) POST /predict, 64 points x 512 grid values on the softmax classifier, beside the bare
    app.objectives.fits.fit_report it serves;
(d) POST /tune, 4 runs x 25 rates x 300 steps on Rosenbrock, beside the same 100 runs in the
    bare batched run loop;
(e) POST /surface 256x256 as JSON and as f32: time and bytes.

Run: python -m benchmarks.live_api
"""

from __future__ import annotations

import asyncio
import itertools

import httpx
import numpy as np

from app.main import create_app
from app.objectives import make_objective
from app.objectives.fits import fit_report
from app.runs import RunConfig, RunProblem, Simulation
from app.settings import SETTINGS
from app.tuning import lr_grid
from benchmarks._timing import row, side_by_side

API = "/api/v1"
RACE = [
    {"name": "sgd", "lr": 0.001},
    {"name": "sgd", "lr": 0.001, "momentum": 0.9},
    {"name": "adam", "lr": 0.01},
    {"name": "rmsprop", "lr": 0.01},
]
TUNE = {
    "objective": {"id": "rosenbrock"},
    "runs": [{"optimizer": o} for o in RACE],
    "steps": 300,
    "num": 25,
}
POINTS = np.column_stack([np.linspace(-3, 3, 64), np.linspace(3, -3, 64)])
PREDICT = {"objective": {"id": "softmax-classifier"}, "points": POINTS.tolist(), "resolution": 512}


def settings_of(optimizer: dict) -> dict:
    return {k: v for k, v in optimizer.items() if k != "name"}


def final_of(problem: RunProblem) -> np.ndarray:
    last = None
    for last in Simulation(problem):  # noqa: B007
        pass
    return last.params


def main() -> None:
    app = create_app(SETTINGS)
    softmax = make_objective({"id": "softmax-classifier"})
    rosenbrock = make_objective({"id": "rosenbrock"})
    tune_batch = RunProblem(
        rosenbrock,
        tuple(
            RunConfig(o["name"], {**settings_of(o), "lr": float(lr)})
            for o in RACE
            for lr in lr_grid(o["lr"], 25)
        ),
        300,
    )
    counter = itertools.count()
    with asyncio.Runner() as runner:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b")

        def get(path: str) -> bytes:
            r = runner.run(client.get(API + path))
            r.raise_for_status()
            return r.content

        def post(path: str, body: dict) -> bytes:
            r = runner.run(client.post(API + path, json=body))
            r.raise_for_status()
            return r.content

        get("/objectives")
        t = side_by_side(
            {"objectives": lambda: get("/objectives"), "optimizers": lambda: get("/optimizers")},
            repeat=9,
            min_time=0.05,
        )
        print("(a) GET /objectives, warm")
        print(row("GET /objectives (24, with suggested_lr)", t["objectives"]))
        print(row("GET /optimizers (static catalogue)", t["optimizers"]))
        print(f"  {len(get('/objectives')) / 1024:.0f} KB   [well under 50 ms]")
        print()

        def new_formula() -> bytes:
            return get(f"/objectives/custom?expression=x%5E2%2B{next(counter) + 2}*y%5E2")

        t = side_by_side(
            {"first": new_formula, "cached": lambda: get("/objectives/custom?expression=x%5E2")},
            repeat=3,
            min_time=0.01,
        )
        print("(b) GET /objectives/custom")
        print(row("a new formula (suggestions computed)", t["first"]))
        print(row("a formula seen before (cached)", t["cached"]))
        print()

        points = np.array(PREDICT["points"])
        t = side_by_side(
            {
                "api": lambda: post("/predict", PREDICT),
                "bare": lambda: fit_report(softmax, points, 512),
            },
            repeat=9,
            min_time=0.05,
        )
        print("(c) POST /predict, 64 points x 512 grid values, softmax classifier")
        print(row("POST /predict, request to JSON answer", t["api"]))
        print(row("fit_report in-process", t["bare"]))
        size = len(post("/predict", PREDICT)) / 1024
        print(f"  {t['api'] / t['bare']:.2f}x the bare report; {size:.0f} KB")
        print()

        t = side_by_side(
            {"api": lambda: post("/tune", TUNE), "loop": lambda: final_of(tune_batch)},
            repeat=5,
            min_time=0.05,
        )
        print("(d) POST /tune, 4 runs x 25 rates x 300 steps, Rosenbrock")
        print(row("POST /tune", t["api"]))
        print(row("the same 100 runs, bare batched run loop", t["loop"]))
        print(f"  /tune is {t['api'] / t['loop']:.2f}x the bare loop")
        print()

        bodies = {
            fmt: {"objective": {"id": "rosenbrock"}, "resolution": 256, "format": fmt}
            for fmt in ("json", "f32")
        }
        t = side_by_side(
            {fmt: (lambda b=body: post("/surface", b)) for fmt, body in bodies.items()},
            repeat=7,
            min_time=0.05,
        )
        print("(e) POST /surface 256x256, Rosenbrock")
        for fmt, body in bodies.items():
            size = len(post("/surface", body)) / 1024
            print(row(f"format {fmt} ({size:.0f} KB)", t[fmt]))
        runner.run(client.aclose())


if __name__ == "__main__":
    main()
