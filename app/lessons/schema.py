"""What a lesson is: cards that load a playground configuration, state numbers computed by the
engine, point at the page's controls, and may ask for a prediction or set a challenge.

The records are plain frozen dataclasses; app/lessons/parse.py builds them from a lesson file
and names the file and field of anything wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.runs import StopRules

# The page's controls a card may point at (static/js/lessons/highlight.js maps each to its
# element), and the extra views it may open.
VIEWS = ("backprop", "curvature", "sweep", "basins", "state", "stochastic", "surface3d", "rule")
CONTROLS = (
    "objective",
    "option-loss",
    "option-batch_size",
    "start",
    "steps",
    "stop-loss",
    "optimizer",
    "lr",
    "more-settings",
    "add-run",
    "tune",
    "play",
    "step",
    "scrub",
    "surface",
    "data-panel",
    "loss-chart",
    "run-table",
    "update-rule",
    *(f"view-{v}" for v in VIEWS if v != "rule"),
)

# What a number slot can state, by where it is read from.
RUN_QUANTITIES = ("params", "grad", "loss", "update", "state", "grad_norm", "grad_angle")
OUTCOME_QUANTITIES = ("steps_taken", "final_loss", "final_params")
POINT_QUANTITIES = ("prediction", "error", "lambda_max", "lr_limit", "lr_times_lambda")
OBJECTIVE_QUANTITIES = ("minimum_point", "minimum_value", "target", "input", "sample_x", "sample_y")
CONFIG_QUANTITIES = ("lr", "hp", "start", "steps", "stop_loss", "budget", "threshold", "within")
QUANTITIES = (
    *RUN_QUANTITIES,
    *OUTCOME_QUANTITIES,
    *POINT_QUANTITIES,
    *OBJECTIVE_QUANTITIES,
    *CONFIG_QUANTITIES,
)
STYLES = ("auto", "money", "int", "sci", "degrees")
RULES = ("converge", "diverge", "reach_minimum", "race")


@dataclass(frozen=True)
class RunSpec:
    """One run of a configuration: an optimizer by torch.optim's name and its settings."""

    name: str
    hyperparams: Mapping[str, Any] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        """The run's optimizer as POST /runs takes it."""
        return {"name": self.name, **self.hyperparams}


@dataclass(frozen=True)
class Config:
    """The playground configuration a card loads: a POST /runs body, plus the view box."""

    objective: Mapping[str, Any]
    runs: tuple[RunSpec, ...]
    steps: int
    start: tuple[float, ...] | None = None
    stop: StopRules = field(default_factory=StopRules)
    view: tuple[tuple[float, float], ...] | None = None

    def request(self) -> dict[str, Any]:
        """The configuration as a POST /runs body (any tool can run it as it is)."""
        body: dict[str, Any] = {
            "objective": dict(self.objective),
            "runs": [
                {"optimizer": run.body(), **({"start": list(self.start)} if self.start else {})}
                for run in self.runs
            ],
            "steps": self.steps,
        }
        stop = {k: v for k, v in vars(self.stop).items() if v is not None}
        if stop:
            body["stop"] = stop
        return body


@dataclass(frozen=True)
class Probe:
    """Where one number a card states comes from. Runs use the card's configuration unless the
    probe replaces its objective, runs, start, steps or stop rules."""

    of: str
    step: int = 0
    run: int = 0
    index: int = 0
    point: tuple[float, ...] | None = None
    input: float | None = None
    buffer: str = ""
    name: str = ""
    minimum: int = 0
    objective: Mapping[str, Any] | None = None
    runs: tuple[RunSpec, ...] | None = None
    start: tuple[float, ...] | None = None
    steps: int | None = None
    stop: StopRules | None = None
    digits: int = 4
    style: str = "auto"


@dataclass(frozen=True)
class Prediction:
    """Before the step plays: click where it lands (kind "point"), or pick a choice."""

    kind: str
    question: str
    explain: str
    step: int = 1  # the step whose point is guessed (the playhead goes from step − 1 to it)
    run: int = 0
    choices: tuple[str, ...] = ()
    answer: int | None = None


@dataclass(frozen=True)
class Contender:
    """Which of the learner's runs races: its optimizer, and the settings it must have on."""

    name: str
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Challenge:
    """A task graded by the server from the learner's run request, by the run loop's statuses.

    rule: "converge" (a run meets the stop rule within the budget), "diverge" (a run diverges),
    "reach_minimum" (a run ends within `within` of the objective's minimum number `minimum`),
    "race" (the contender meets the stop rule in fewer steps than the fixed opponent).
    """

    task: str
    rule: str
    steps: int
    objective: Mapping[str, Any]
    start: tuple[float, ...] | None = None
    stop: StopRules = field(default_factory=StopRules)
    optimizers: tuple[str, ...] = ()
    minimum: int = 0
    within: float = 0.0
    opponent: RunSpec | None = None
    contender: Contender | None = None


@dataclass(frozen=True)
class Card:
    title: str
    text: str
    config: Config
    numbers: Mapping[str, Probe] = field(default_factory=dict)
    points_at: tuple[str, ...] = ()
    open_views: tuple[str, ...] = ()
    predict: Prediction | None = None
    challenge: Challenge | None = None

    def templates(self) -> dict[str, str]:
        """Every text of the card that may hold number slots, by its field name."""
        out = {"text": self.text}
        if self.predict:
            out["predict.question"] = self.predict.question
            out["predict.explain"] = self.predict.explain
            for i, choice in enumerate(self.predict.choices):
                out[f"predict.choices[{i}]"] = choice
        if self.challenge:
            out["challenge.task"] = self.challenge.task
        return out


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    summary: str
    texts: tuple[str, ...]
    cards: tuple[Card, ...]
    source: str  # the lesson file, as errors name it
