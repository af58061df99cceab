"""The numbers a card states, worked out when it is shown: runs go through the run loop (the
engine's losses and gradients, the optimizers' own updates), curvature through the engine's
Hessian, predictions through the objective's own model. Nothing a card states is typed in."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.lessons.format import format_value
from app.lessons.schema import (
    CONFIG_QUANTITIES,
    OBJECTIVE_QUANTITIES,
    OUTCOME_QUANTITIES,
    POINT_QUANTITIES,
    Card,
    Probe,
    RunSpec,
)
from app.objectives import Objective, make_objective
from app.objectives.data_models import Regression, Target
from app.runs import RunConfig, RunProblem, Simulation, StopRules, Trace
from app.runs.evaluator import evaluator_for


class ProbeError(ValueError):
    """A number that cannot be worked out as its probe asks (a step past the run's end, ...)."""


@dataclass(frozen=True)
class Number:
    value: float
    text: str  # for prose
    tex: str  # for math

    def as_json(self) -> dict[str, Any]:
        return {"value": self.value, "text": self.text, "tex": self.tex}


@dataclass(frozen=True)
class _Run:
    """One simulation's every step, and how each run ended."""

    simulation: Simulation
    trace: Trace

    def row(self, run: int, step: int) -> int:
        ended = self.simulation.outcomes[run].steps_taken
        if step > ended:
            raise ProbeError(f"step {step} is past run {run + 1}'s end at step {ended}")
        return step

    def last_row(self, run: int) -> int:
        return self.trace.rows_until(self.simulation.outcomes[run].steps_taken).stop - 1


class CardNumbers:
    """Works out a card's numbers; simulations shared by several numbers run once."""

    def __init__(self, card: Card) -> None:
        self.card = card
        self._runs: dict[str, _Run] = {}

    def all(self) -> dict[str, Number]:
        return {name: self.number(probe) for name, probe in self.card.numbers.items()}

    def number(self, probe: Probe) -> Number:
        value = self.value(probe)
        if not math.isfinite(value):
            raise ProbeError(f"{probe.of} is not finite here")
        text, tex = format_value(value, probe.digits, probe.style)
        return Number(value, text, tex)

    def value(self, probe: Probe) -> float:
        if probe.of in CONFIG_QUANTITIES:
            return self._config(probe)
        objective = make_objective(probe.objective or self.card.config.objective)
        if probe.of in OBJECTIVE_QUANTITIES:
            return _objective_constant(objective, probe)
        if probe.of in POINT_QUANTITIES:
            return self._at_point(objective, probe)
        if probe.of in OUTCOME_QUANTITIES:
            return self._outcome(probe)
        return self._run_quantity(probe)

    # --- runs -------------------------------------------------------------------------------

    def _specs(self, probe: Probe) -> tuple[RunSpec, ...]:
        return probe.runs or self.card.config.runs

    def _simulate(self, probe: Probe, *, point: tuple[float, ...] | None = None) -> _Run:
        config = self.card.config
        spec = dict(probe.objective or config.objective)
        runs = self._specs(probe)
        start = point or probe.start or config.start
        steps = 0 if point is not None else (config.steps if probe.steps is None else probe.steps)
        stop = config.stop if probe.stop is None else probe.stop
        key = json.dumps(
            [spec, [(r.name, dict(r.hyperparams)) for r in runs], start, steps, vars(stop)],
            sort_keys=True,
        )
        if key not in self._runs:
            problem = RunProblem(
                objective=make_objective(spec),
                runs=tuple(RunConfig(r.name, r.hyperparams, start) for r in runs),
                steps=steps,
                stop=StopRules() if point is not None else stop,
            )
            simulation = Simulation(problem)
            self._runs[key] = _Run(simulation, simulation.run())
        return self._runs[key]

    def _run_quantity(self, probe: Probe) -> float:
        if probe.point is not None:
            if probe.of in ("update", "state"):
                raise ProbeError(f"{probe.of} needs a run's step, not a point")
            run, row = self._simulate(probe, point=probe.point), 0
        else:
            run = self._simulate(probe)
            row = run.row(probe.run, probe.step)
        trace, r = run.trace, probe.run
        if probe.of == "params":
            return float(trace.params[row, r, probe.index])
        if probe.of == "loss":
            return float(trace.loss[row, r])
        grad = trace.grad[row, r]
        if probe.of == "grad":
            return float(grad[probe.index])
        if probe.of == "grad_norm":
            return float(np.linalg.norm(grad))
        if probe.of == "grad_angle":  # the gradient's direction, in degrees from the +x axis
            return math.degrees(math.atan2(float(grad[1]), float(grad[0])))
        if probe.of == "update":
            after = run.row(probe.run, probe.step + 1)
            return float(trace.params[after, r, probe.index] - trace.params[row, r, probe.index])
        group, place = run.simulation.layout.places[r]
        buffers = trace.states[group]
        if probe.buffer not in buffers:
            raise ProbeError(f"no buffer {probe.buffer!r}; this run has {', '.join(buffers)}")
        return float(buffers[probe.buffer][row, place, probe.index])

    def _outcome(self, probe: Probe) -> float:
        run = self._simulate(probe)
        if probe.of == "steps_taken":
            return float(run.simulation.outcomes[probe.run].steps_taken)
        row = run.last_row(probe.run)
        if probe.of == "final_loss":
            return float(run.trace.loss[row, probe.run])
        return float(run.trace.params[row, probe.run, probe.index])

    # --- at a point ---------------------------------------------------------------------------

    def _at_point(self, objective: Objective, probe: Probe) -> float:
        point = probe.point
        if point is None:  # the run's point at its step
            run = self._simulate(probe)
            point = tuple(run.trace.params[run.row(probe.run, probe.step), probe.run])
        points = np.array([point], dtype=np.float64)
        if probe.of in ("prediction", "error"):
            return _prediction(objective, points, probe)
        _, _, hessians = evaluator_for(objective, needs_hessian=True, seed=0)(points)
        lambda_max = float(np.linalg.eigvalsh((hessians[0] + hessians[0].T) / 2)[-1])
        if probe.of == "lambda_max":
            return lambda_max
        if not lambda_max > 0:
            raise ProbeError("λmax ≤ 0 here: no curvature limits the step")
        if probe.of == "lr_limit":
            return 2.0 / lambda_max
        return float(self._specs(probe)[probe.run].hyperparams["lr"]) * lambda_max

    # --- constants ----------------------------------------------------------------------------

    def _config(self, probe: Probe) -> float:
        config, challenge = self.card.config, self.card.challenge
        if probe.of in ("lr", "hp"):
            settings = self._specs(probe)[probe.run].hyperparams
            name = probe.name or "lr"
            if name not in settings:
                raise ProbeError(f"run {probe.run + 1} does not set {name!r}")
            return float(settings[name])
        if probe.of == "start":
            start = probe.start or config.start
            if start is None:
                raise ProbeError("the configuration sets no start")
            return start[probe.index]
        if probe.of == "steps":
            return float(config.steps if probe.steps is None else probe.steps)
        if probe.of == "stop_loss":
            return _given(config.stop.loss_below, "the configuration's loss_below")
        if challenge is None:
            raise ProbeError(f"{probe.of} needs the card's challenge")
        if probe.of == "budget":
            return float(challenge.steps)
        if probe.of == "within":
            return challenge.within
        return _given(challenge.stop.loss_below, "the challenge's loss_below")


def _given(value: float | None, what: str) -> float:
    if value is None:
        raise ProbeError(f"{what} is not set")
    return value


def _objective_constant(objective: Objective, probe: Probe) -> float:
    if probe.of in ("minimum_point", "minimum_value"):
        if probe.minimum >= len(objective.minima):
            raise ProbeError(f"{objective.id} has {len(objective.minima)} known minima")
        minimum = objective.minima[probe.minimum]
        return minimum.value if probe.of == "minimum_value" else minimum.point[probe.index]
    data = objective.data
    if probe.of in ("target", "input"):
        if not isinstance(data, Target):
            raise ProbeError(f"{objective.id} has no single target")
        return data.target if probe.of == "target" else data.input
    if not isinstance(data, Regression):
        raise ProbeError(f"{objective.id} has no samples")
    return float((data.x if probe.of == "sample_x" else data.y)[probe.index])


def _prediction(objective: Objective, points: np.ndarray, probe: Probe) -> float:
    data = objective.data
    if isinstance(data, Target):
        value = float(np.asarray(data.predict(points))[0])
        return value - data.target if probe.of == "error" else value
    if isinstance(data, Regression):
        if probe.input is None:
            raise ProbeError("name the sample's input")
        value = float(np.asarray(data.predict(points, np.array([probe.input])))[0, 0])
        if probe.of == "prediction":
            return value
        matches = np.flatnonzero(np.isclose(data.x, probe.input))
        if not len(matches):
            raise ProbeError(f"no sample has input {probe.input}")
        return value - float(data.y[matches[0]])
    raise ProbeError(f"{objective.id} predicts no single output")


def numbers_json(card: Card) -> Mapping[str, dict[str, Any]]:
    return {name: number.as_json() for name, number in CardNumbers(card).all().items()}
