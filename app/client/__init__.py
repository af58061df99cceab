"""A Python client of the playground's /api/v1 JSON API (httpx), against a server or in-process.

from app.client import Playground, run
with Playground("http://127.0.0.1:8000") as pg:
    race = pg.runs("rosenbrock", [run("adam", lr=0.05), run("sgd", lr=0.001)], steps=500)
    print(race.runs[0].status, race.runs[0].final_loss)
"""

from app.client.aio import AsyncPlayground
from app.client.calls import run
from app.client.errors import (
    APIError,
    BadRequest,
    Busy,
    ComputationFailed,
    NotFound,
    PlaygroundError,
    Problem,
    Unreachable,
)
from app.client.export import csv_text
from app.client.records import Done, Race, RunAtStep, RunOutcome, RunTrace, Step, Trace
from app.client.sync import DEFAULT_URL, Playground

__all__ = [
    "DEFAULT_URL",
    "APIError",
    "AsyncPlayground",
    "BadRequest",
    "Busy",
    "ComputationFailed",
    "Done",
    "NotFound",
    "Playground",
    "PlaygroundError",
    "Problem",
    "Race",
    "RunAtStep",
    "RunOutcome",
    "RunTrace",
    "Step",
    "Trace",
    "Unreachable",
    "csv_text",
    "run",
]
