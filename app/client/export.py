"""A race as flat records, CSV text or JSON: the same columns and shape as the page's export."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.client.records import Race

DEFAULT_PARAM_NAMES = ("x", "y")


def param_names_for(dim: int, names: Sequence[str] | None) -> list[str]:
    """The names of a run's parameters: the ones given, else x and y (x0, x1, ... beyond 2-D)."""
    if names is not None:
        if len(names) != dim:
            raise ValueError(f"{len(names)} param_names for {dim} parameter(s)")
        return list(names)
    return list(DEFAULT_PARAM_NAMES[:dim]) if dim <= 2 else [f"x{i}" for i in range(dim)]


def race_records(race: Race, param_names: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """One dict per run per recorded step: run (from 1), label, optimizer, step, each parameter,
    loss and each gradient component (grad_<name>)."""
    records = []
    for r, run in enumerate(race.runs, start=1):
        dim = len(run.trace.params[0]) if run.trace.params else 0
        names = param_names_for(dim, param_names)
        name = run.optimizer.get("name", "")
        for k, step in enumerate(run.trace.step):
            record: dict[str, Any] = {"run": r, "label": run.label, "optimizer": name, "step": step}
            record.update(zip(names, run.trace.params[k], strict=True))
            record["loss"] = run.trace.loss[k]
            record.update(zip([f"grad_{n}" for n in names], run.trace.grad[k], strict=True))
            records.append(record)
    return records


def csv_text(records: Sequence[dict[str, Any]]) -> str:
    """Records as CSV with a header row; columns in first-seen order; the csv module writes
    None (a number that was not finite) as an empty field."""
    columns: dict[str, None] = {}
    for record in records:
        columns.update(dict.fromkeys(record))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), restval="")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()


def race_json(race: Race) -> dict[str, Any]:
    """The shape of POST /runs' JSON document (tuples as lists)."""
    return {
        "runs": [
            {
                "label": run.label,
                "optimizer": dict(run.optimizer),
                "status": run.status,
                "steps_taken": run.steps_taken,
                "message": run.message,
                "diverged_at": run.diverged_at,
                "converged_by": run.converged_by,
                "clipped_steps": run.clipped_steps,
                "trace": {
                    "step": list(run.trace.step),
                    "params": [list(p) for p in run.trace.params],
                    "loss": list(run.trace.loss),
                    "grad": [list(g) for g in run.trace.grad],
                    "state": {n: [list(v) for v in rows] for n, rows in run.trace.state.items()},
                },
                "final_state": {n: list(v) for n, v in run.final_state.items()},
            }
            for run in race.runs
        ]
    }
