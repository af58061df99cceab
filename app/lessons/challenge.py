"""Grading a challenge: the learner's run request, held to the challenge's conditions, is run by
the run loop with the challenge's budget and stop rules; its statuses decide, and the verdict
says why in words."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.lessons.format import format_value
from app.lessons.schema import Challenge, RunSpec
from app.objectives import Objective, make_objective
from app.optim import OPTIMIZERS
from app.runs import FINAL_STEP, RunConfig, RunProblem, RunStatus, Simulation


@dataclass(frozen=True)
class RunResult:
    label: str
    status: str
    steps_taken: int
    final_loss: float | None
    final_params: list[float | None]
    message: str


@dataclass(frozen=True)
class Verdict:
    passed: bool
    reason: str
    runs: list[RunResult] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"passed": self.passed, "reason": self.reason, "runs": [vars(r) for r in self.runs]}


def num(value: float | None, digits: int = 4) -> str:
    return "not finite" if value is None else format_value(value, digits)[0]


def judge(
    challenge: Challenge,
    attempt: RunProblem,
    *,
    should_stop: Callable[[], bool] | None = None,
    deadline: float | None = None,
) -> Verdict:
    """Pass or fail the attempt (a validated POST /runs request) with the reason in words."""
    refusal = _conditions(challenge, attempt)
    if refusal:
        return Verdict(False, refusal)
    runs = list(attempt.runs)
    if challenge.rule == "race":
        contender = _contender(challenge, runs)
        if contender is None:
            needs = " and ".join(challenge.contender.needs) or "its defaults"
            return Verdict(
                False, f"Add a {challenge.contender.name} run with {needs} set to race with."
            )
        opponent = challenge.opponent
        start = challenge.start or contender.start
        runs = [contender, RunConfig(opponent.name, opponent.hyperparams, start)]
    problem = RunProblem(
        objective=attempt.objective,
        runs=tuple(runs),
        steps=challenge.steps,
        stop=challenge.stop,
        schedule=attempt.schedule,
        clip=attempt.clip,
        seed=attempt.seed,
    )
    simulation = Simulation(problem, record=FINAL_STEP, should_stop=should_stop, deadline=deadline)
    trace = simulation.run()
    results = [
        _result(run, outcome, trace, r)
        for r, (run, outcome) in enumerate(zip(runs, simulation.outcomes, strict=True))
    ]
    if any(r.status == RunStatus.STOPPED for r in results):
        return Verdict(False, f"The run was stopped before the end: {results[0].message}", results)
    passed, reason = RULES[challenge.rule](challenge, problem.objective, results)
    return Verdict(passed, reason, results)


def _conditions(challenge: Challenge, attempt: RunProblem) -> str:
    """Why the attempt is not an attempt at this challenge ("" when it is)."""
    wanted = make_objective(challenge.objective)
    if _identity(attempt.objective) != _identity(wanted):
        return f"This challenge is on {wanted.title} ({_settings(wanted)}): load its card again."
    if challenge.start is not None:
        for i, start in enumerate(attempt.starts):
            if not np.allclose(start, challenge.start, rtol=1e-9, atol=1e-12):
                where = ", ".join(num(v) for v in challenge.start)
                return f"Run {i + 1} starts elsewhere: this challenge starts at ({where})."
    if challenge.optimizers:
        for i, run in enumerate(attempt.runs):
            if run.optimizer not in challenge.optimizers:
                allowed = " or ".join(challenge.optimizers)
                return f"Run {i + 1} uses {run.optimizer}: this challenge is for {allowed}."
    return ""


def _identity(objective: Objective) -> tuple[str, tuple[tuple[str, Any], ...]]:
    return objective.id, tuple(sorted(objective.settings.items()))


def _settings(objective: Objective) -> str:
    return ", ".join(f"{k} = {v}" for k, v in objective.settings.items()) or "its defaults"


def _label(run: RunSpec) -> str:
    """The optimizer and the settings that differ from its defaults (a checked config lists
    every default too)."""
    defaults = {h.name: h.default for h in OPTIMIZERS[run.name].hyperparams}
    given = {k: v for k, v in run.hyperparams.items() if k not in defaults or v != defaults[k]}
    settings = " ".join(f"{k}={v}" for k, v in given.items())
    return f"{run.name} {settings}".strip()


def _contender(challenge: Challenge, runs: Sequence[RunConfig]) -> RunConfig | None:
    wanted = challenge.contender
    for run in runs:
        if run.optimizer == wanted.name and all(run.hyperparams.get(n) for n in wanted.needs):
            return run
    return None


def _result(run: RunConfig, outcome: Any, trace: Any, r: int) -> RunResult:
    row = trace.count - 1
    loss = float(trace.loss[row, r]) if trace.count else math.nan
    params = trace.params[row, r].tolist() if trace.count else [math.nan]
    return RunResult(
        label=_label(RunSpec(run.optimizer, run.hyperparams)),
        status=outcome.status.value,
        steps_taken=outcome.steps_taken,
        final_loss=loss if math.isfinite(loss) else None,
        final_params=[v if math.isfinite(v) else None for v in params],
        message=outcome.message,
    )


def _ending(r: RunResult, i: int) -> str:
    """ "run 1 (sgd lr=0.1) took all 25 steps and ended at loss 0.02"."""
    who = f"run {i + 1} ({r.label})"
    if r.status == RunStatus.DIVERGED:
        return f"{who} {r.message}"
    return f"{who} {r.message}, at loss {num(r.final_loss)}"


def _converge(challenge: Challenge, objective: Objective, runs: list[RunResult]):
    goal = f"{_goal(challenge)} within {challenge.steps} steps"
    for i, r in enumerate(runs):
        if r.status == RunStatus.CONVERGED:
            return True, f"Passed: {_ending(r, i)}, within the {challenge.steps} steps allowed."
    endings = "; ".join(_ending(r, i) for i, r in enumerate(runs))
    return False, f"Not yet: {endings}. The goal is {goal}."


def _diverge(challenge: Challenge, objective: Objective, runs: list[RunResult]):
    for i, r in enumerate(runs):
        if r.status == RunStatus.DIVERGED:
            return True, f"Passed: {_ending(r, i)}."
    endings = "; ".join(_ending(r, i) for i, r in enumerate(runs))
    return False, f"Not yet: no run diverged within {challenge.steps} steps ({endings})."


def _reach_minimum(challenge: Challenge, objective: Objective, runs: list[RunResult]):
    target = objective.minima[challenge.minimum]
    where = _point(target.point)
    for i, r in enumerate(runs):
        if (
            None not in r.final_params
            and _distance(r.final_params, target.point) <= challenge.within
        ):
            return True, (
                f"Passed: run {i + 1} ({r.label}) ended at {_point(r.final_params)}, in the "
                f"{target.kind} minimum's valley at {where} (loss {num(r.final_loss)})."
            )
    endings = []
    for i, r in enumerate(runs):
        if None in r.final_params:
            endings.append(_ending(r, i))
            continue
        near = min(objective.minima, key=lambda m: _distance(r.final_params, m.point))
        endings.append(
            f"run {i + 1} ({r.label}) ended at {_point(r.final_params)}, nearest the "
            f"{near.kind} minimum at {_point(near.point)}"
        )
    return False, f"Not yet: {'; '.join(endings)}. The {target.kind} minimum is at {where}."


def _race(challenge: Challenge, objective: Objective, runs: list[RunResult]):
    mine, theirs = runs
    goal = _goal(challenge)
    if mine.status != RunStatus.CONVERGED:
        return False, f"Not yet: {_ending(mine, 0)}; {goal} is the finish line."
    if theirs.status == RunStatus.CONVERGED and theirs.steps_taken <= mine.steps_taken:
        return False, (
            f"Not yet: yours reached {goal} at step {mine.steps_taken}, but {theirs.label} "
            f"got there at step {theirs.steps_taken}."
        )
    them = (
        f"{theirs.label} needed {theirs.steps_taken}"
        if theirs.status == RunStatus.CONVERGED
        else f"{theirs.label} did not get there in {challenge.steps}"
    )
    return True, f"Passed: yours reached {goal} at step {mine.steps_taken}; {them}."


def _goal(challenge: Challenge) -> str:
    parts = []
    if challenge.stop.loss_below is not None:
        parts.append(f"loss < {num(challenge.stop.loss_below)}")
    if challenge.stop.grad_norm_below is not None:
        parts.append(f"‖gradient‖ < {num(challenge.stop.grad_norm_below)}")
    return " or ".join(parts)


def _distance(a: Sequence[float | None], b: Sequence[float]) -> float:
    return float(np.linalg.norm(np.subtract(a, b)))


def _point(p: Sequence[float | None]) -> str:
    return f"({', '.join(num(v) for v in p)})" if len(p) > 1 else f"x = {num(p[0])}"


RULES = {
    "converge": _converge,
    "diverge": _diverge,
    "reach_minimum": _reach_minimum,
    "race": _race,
}
