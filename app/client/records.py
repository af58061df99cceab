"""Typed records of a race: each streamed step, the closing outcomes, and whole traces.

Numbers that were not finite on the server arrive as JSON null and stay None here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.client.export import csv_text, race_json, race_records

Number = float | None
Vector = tuple[Number, ...]


def _vector(values: Sequence[Number]) -> Vector:
    return tuple(values)


@dataclass(frozen=True)
class RunAtStep:
    """One run at one step: where it is, its loss and gradient there, and the update leaving it.

    `lr` is the learning rate of the update that leaves this step: 0.0 on a run's last step,
    since no update follows it.
    """

    params: Vector
    loss: Number
    grad: Vector
    state: Mapping[str, Vector]
    status: str
    lr: Number
    clipped: bool

    @classmethod
    def from_json(cls, run: Mapping[str, Any]) -> RunAtStep:
        return cls(
            params=_vector(run["params"]),
            loss=run["loss"],
            grad=_vector(run["grad"]),
            state={name: _vector(v) for name, v in run["state"].items()},
            status=run["status"],
            lr=run["lr"],
            clipped=bool(run["clipped"]),
        )


@dataclass(frozen=True)
class Step:
    """One line of a stream: step k of every run of the race."""

    step: int
    runs: tuple[RunAtStep, ...]

    @classmethod
    def from_json(cls, line: Mapping[str, Any]) -> Step:
        return cls(step=line["step"], runs=tuple(RunAtStep.from_json(r) for r in line["runs"]))


@dataclass(frozen=True)
class RunOutcome:
    """How one run ended, as SciPy's OptimizeResult would say it."""

    label: str
    optimizer: Mapping[str, Any]
    status: str
    steps_taken: int
    message: str
    diverged_at: int | None
    converged_by: str | None
    clipped_steps: int

    @classmethod
    def fields_of(cls, run: Mapping[str, Any]) -> dict[str, Any]:
        return {name: run[name] for name in cls.__dataclass_fields__}

    @classmethod
    def from_json(cls, run: Mapping[str, Any]) -> RunOutcome:
        return cls(**cls.fields_of(run))


@dataclass(frozen=True)
class Done:
    """The stream's last line: every run's outcome."""

    runs: tuple[RunOutcome, ...]

    @classmethod
    def from_json(cls, line: Mapping[str, Any]) -> Done:
        return cls(runs=tuple(RunOutcome.from_json(r) for r in line["runs"]))


@dataclass(frozen=True)
class Trace:
    """A run's recorded steps, one entry per step in each field."""

    step: tuple[int, ...]
    params: tuple[Vector, ...]
    loss: tuple[Number, ...]
    grad: tuple[Vector, ...]
    state: Mapping[str, tuple[Vector, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class RunTrace(RunOutcome):
    """A run's outcome with its whole trace and its optimizer state after the last step."""

    trace: Trace = field(default_factory=lambda: Trace((), (), (), ()))
    final_state: Mapping[str, Vector] = field(default_factory=dict)

    @property
    def final_loss(self) -> Number:
        return self.trace.loss[-1] if self.trace.loss else None

    @property
    def final_params(self) -> Vector:
        return self.trace.params[-1] if self.trace.params else ()

    @classmethod
    def from_json(cls, run: Mapping[str, Any]) -> RunTrace:
        t = run["trace"]
        trace = Trace(
            step=tuple(t["step"]),
            params=tuple(_vector(p) for p in t["params"]),
            loss=tuple(t["loss"]),
            grad=tuple(_vector(g) for g in t["grad"]),
            state={name: tuple(_vector(v) for v in rows) for name, rows in t["state"].items()},
        )
        final_state = {name: _vector(v) for name, v in run["final_state"].items()}
        return cls(**RunOutcome.fields_of(run), trace=trace, final_state=final_state)


@dataclass(frozen=True)
class Race:
    """Every run of a race with its trace: what POST /runs answers as one JSON document."""

    runs: tuple[RunTrace, ...]

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> Race:
        return cls(runs=tuple(RunTrace.from_json(r) for r in document["runs"]))

    @classmethod
    def from_stream(cls, events: Iterable[Step | Done]) -> Race:
        """The same Race from a stream's steps and its done line: each run's trace ends at the
        step where that run ended, as in the JSON document."""
        steps: list[Step] = []
        done: Done | None = None
        for event in events:
            if isinstance(event, Step):
                steps.append(event)
            else:
                done = event
        if done is None:
            raise ValueError("the stream has no done line")
        return cls(runs=tuple(_trace_of(steps, r, o) for r, o in enumerate(done.runs)))

    def to_records(self, param_names: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """One flat dict per run per recorded step (the page's CSV columns)."""
        return race_records(self, param_names)

    def to_csv(self, param_names: Sequence[str] | None = None) -> str:
        """to_records() as CSV text (RFC 4180; a missing number is an empty field)."""
        return csv_text(self.to_records(param_names))

    def to_json(self) -> dict[str, Any]:
        """The race as POST /runs answers it, ready for json.dump."""
        return race_json(self)


def _trace_of(steps: Sequence[Step], r: int, outcome: RunOutcome) -> RunTrace:
    """Run r's rows: those at or before the step it ended at; when only a later step was kept
    (record "final" or every k), the last one, where the ended run's row stays frozen, labelled
    with its own last step, as the server labels it."""
    rows = [s for s in steps if s.step <= outcome.steps_taken]
    labels = [s.step for s in rows]
    if not rows and steps:
        rows, labels = [steps[-1]], [outcome.steps_taken]
    names = rows[0].runs[r].state.keys() if rows else ()
    trace = Trace(
        step=tuple(labels),
        params=tuple(s.runs[r].params for s in rows),
        loss=tuple(s.runs[r].loss for s in rows),
        grad=tuple(s.runs[r].grad for s in rows),
        state={name: tuple(s.runs[r].state[name] for s in rows) for name in names},
    )
    final_state = {name: values[-1] for name, values in trace.state.items()}
    return RunTrace(**_outcome_fields(outcome), trace=trace, final_state=final_state)


def _outcome_fields(outcome: RunOutcome) -> dict[str, Any]:
    return {name: getattr(outcome, name) for name in RunOutcome.__dataclass_fields__}
