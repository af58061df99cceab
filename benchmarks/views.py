"""The views' requests: (a) a 1,000-learning-rate Adam sweep on Rosenbrock x 1,000 steps through
POST /sweeps (the ASGI app in-process, full JSON answer) side by side with the in-process batched
run loop (app.runs) on the same 1,000 runs, and with app.runs.sweep called directly (the API's
own overhead); (b) a 64x64 basin map x 500 steps on Himmelblau
through POST /sweeps, for the two optimizers the basin view shows by default.

Run: python -m benchmarks.views
"""

from __future__ import annotations

import asyncio
import json

import httpx
import numpy as np

from app.main import create_app
from app.objectives import make_objective
from app.runs import FINAL_STEP, RunConfig, RunProblem, Simulation, sweep
from app.settings import SETTINGS
from benchmarks._timing import row, side_by_side

API = "/api/v1"
RATES = 1_000
STEPS = 1_000
LR_MIN, LR_MAX = 1e-4, 1.0
BASIN_RES, BASIN_STEPS = 64, 500

SWEEP = {
    "objective": {"id": "rosenbrock"},
    "optimizer": {"name": "adam"},
    "steps": STEPS,
    "over": {"lr": {"min": LR_MIN, "max": LR_MAX, "num": RATES, "scale": "log"}},
}


def basin_body(name: str, lr: float) -> dict:
    return {
        "objective": {"id": "himmelblau"},
        "optimizer": {"name": name, "lr": lr},
        "steps": BASIN_STEPS,
        "over": {"start": {"resolution": BASIN_RES}},
    }


def run_loop(problem: RunProblem) -> np.ndarray:
    """Iterate the Simulation keeping only the last Step, as a sweep does."""
    last = None
    for last in Simulation(problem, record=FINAL_STEP):  # noqa: B007
        pass
    return last.params


def main() -> None:
    app = create_app(SETTINGS)
    rosenbrock = make_objective({"id": "rosenbrock"})
    rates = np.geomspace(LR_MIN, LR_MAX, RATES)
    start = tuple(rosenbrock.default_start)
    batch = RunProblem(
        rosenbrock, tuple(RunConfig("adam", {"lr": float(lr)}, start) for lr in rates), STEPS
    )

    with asyncio.Runner() as runner:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b")

        def post(body: dict) -> bytes:
            r = runner.run(client.post(f"{API}/sweeps", json=body))
            r.raise_for_status()
            return r.content

        answer = json.loads(post(SWEEP))
        np.testing.assert_allclose(answer["values"], rates, rtol=1e-12)
        finite = np.array([p is not None and None not in p for p in answer["final_params"]])
        loop_final = run_loop(batch)
        got = np.array(
            [
                p if ok else [np.nan, np.nan]
                for p, ok in zip(answer["final_params"], finite, strict=True)
            ],
            dtype=float,
        )
        np.testing.assert_allclose(got[finite], loop_final[finite], rtol=1e-9, atol=1e-12)
        size = len(post(SWEEP))
        template = RunProblem(rosenbrock, (RunConfig("adam", {}, start),), STEPS)
        over = {"lr": SWEEP["over"]["lr"]}

        times = side_by_side(
            {
                "api": lambda: post(SWEEP),
                "loop": lambda: run_loop(batch),
                "sweep": lambda: sweep(template, over),
            },
            repeat=3,
            min_time=0.01,
        )
        print(
            f"(a) {RATES:,} Adam learning rates ({LR_MIN:g} … {LR_MAX:g})"
            f" x {STEPS:,} steps on Rosenbrock"
        )
        print(row("POST /sweeps, in-process ASGI, JSON answer", times["api"]))
        print(row("batched run loop (app.runs.Simulation)", times["loop"]))
        print(row("app.runs.sweep in-process (what /sweeps runs)", times["sweep"]))
        print(
            f"  answer: {size / 1024:.0f} KB; statuses: "
            + ", ".join(f"{s} {answer['status'].count(s)}" for s in sorted(set(answer["status"])))
        )
        print(f"  /sweeps is {times['api'] / times['loop']:5.2f}x the batched run loop   [<= 2]")
        print(f"  /sweeps is {times['api'] / times['sweep']:5.2f}x app.runs.sweep in-process")
        print()

        bodies = {"sgd": basin_body("sgd", 0.01), "adam": basin_body("adam", 0.05)}
        for body in bodies.values():
            basins = json.loads(post(body))["basin"]
            assert len(basins) == BASIN_RES**2 and len(set(basins) - {-1}) == 4, set(basins)
        basin_times = side_by_side(
            {name: (lambda b=body: post(b)) for name, body in bodies.items()},
            repeat=3,
            min_time=0.01,
        )
        print(
            f"(b) basin map of Himmelblau: {BASIN_RES}x{BASIN_RES} starts"
            f" x {BASIN_STEPS} steps, POST /sweeps"
        )
        for name, seconds in basin_times.items():
            print(
                row(
                    f"{name} (lr {bodies[name]['optimizer']['lr']:g}), request to parsed answer",
                    seconds,
                )
            )
        print(f"  slowest: {max(basin_times.values()):.2f} s   [<= 2 s]")
        runner.run(client.aclose())


if __name__ == "__main__":
    main()
