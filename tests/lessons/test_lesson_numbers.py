"""Every number every card states, as GET /lessons/{id} serves it, checked against the engine
through the other routes of the API (/runs, /inspect, /predict, /objectives): the lesson files
hold where a number comes from, never the number. Then the texts' own worked numbers are found
among them, and every card's configuration is a valid POST /runs body."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.lessons import LESSONS
from app.lessons.card_numbers import CardNumbers
from app.lessons.format import parse_text
from app.lessons.parse import SLOT
from app.lessons.schema import Card, Probe
from app.main import create_app

API = "/api/v1"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


@pytest.fixture(scope="module")
def served(client: TestClient) -> dict[str, dict[str, Any]]:
    listed = client.get(f"{API}/lessons").json()["lessons"]
    return {item["id"]: client.get(f"{API}/lessons/{item['id']}").json() for item in listed}


class Engine:
    """Each probe's value, asked of the API's other routes (never of app.lessons)."""

    def __init__(self, client: TestClient, card: Card) -> None:
        self.client, self.card = client, card

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.client.post(f"{API}{path}", json=body)
        assert response.status_code == 200, response.text[:400]
        return response.json()

    def objective(self, p: Probe) -> dict[str, Any]:
        return dict(p.objective or self.card.config.objective)

    def runs(self, p: Probe) -> dict[str, Any]:
        config = self.card.config
        body = config.request()
        body["objective"] = self.objective(p)
        start = list(p.start or config.start or []) or None
        runs = p.runs or config.runs
        body["runs"] = [
            {"optimizer": r.body(), **({"start": start} if start else {})} for r in runs
        ]
        if p.steps is not None:
            body["steps"] = p.steps
        stop = config.stop if p.stop is None else p.stop
        body.pop("stop", None)
        if stop.loss_below or stop.grad_norm_below:
            body["stop"] = {k: v for k, v in vars(stop).items() if v is not None}
        return self.post("/runs", body)["runs"][p.run]

    def point(self, p: Probe) -> list[float]:
        if p.point is not None:
            return list(p.point)
        return self.runs(p)["trace"]["params"][p.step]

    def value(self, p: Probe) -> float:
        card, of = self.card, p.of
        if of in ("lr", "hp"):
            return (p.runs or card.config.runs)[p.run].hyperparams[p.name or "lr"]
        if of == "start":
            return (p.start or card.config.start)[p.index]
        if of in ("steps", "stop_loss", "budget", "threshold", "within"):
            challenge = card.challenge
            return {
                "steps": lambda: card.config.steps if p.steps is None else p.steps,
                "stop_loss": lambda: card.config.stop.loss_below,
                "budget": lambda: challenge.steps,
                "threshold": lambda: challenge.stop.loss_below,
                "within": lambda: challenge.within,
            }[of]()
        if of in ("minimum_point", "minimum_value"):
            spec = self.objective(p)
            query = {k: v for k, v in spec.items() if k != "id"}
            meta = self.client.get(f"{API}/objectives/{spec['id']}", params=query).json()
            minimum = meta["minima"][p.minimum]
            return minimum["value"] if of == "minimum_value" else minimum["point"][p.index]
        if of in ("target", "input", "sample_x", "sample_y", "prediction", "error"):
            return self.data(p)
        if of in ("lambda_max", "lr_limit", "lr_times_lambda"):
            seen = self.post("/inspect", {"objective": self.objective(p), "point": self.point(p)})
            if of == "lambda_max":
                return max(seen["eigenvalues"])
            if of == "lr_limit":
                return seen["sgd_lr_limit"]
            return (p.runs or card.config.runs)[p.run].hyperparams["lr"] * max(seen["eigenvalues"])
        if p.point is not None:  # loss, grad, grad_norm, grad_angle at a point
            seen = self.post("/inspect", {"objective": self.objective(p), "point": list(p.point)})
            return vector_quantity(of, seen["loss"], seen["gradient"], p.index)
        run = self.runs(p)
        trace = run["trace"]
        if of == "steps_taken":
            return run["steps_taken"]
        if of == "final_loss":
            return trace["loss"][-1]
        if of == "final_params":
            return trace["params"][-1][p.index]
        if of == "update":
            return trace["params"][p.step + 1][p.index] - trace["params"][p.step][p.index]
        if of == "state":
            return trace["state"][p.buffer][p.step][p.index]
        if of == "params":
            return trace["params"][p.step][p.index]
        return vector_quantity(of, trace["loss"][p.step], trace["grad"][p.step], p.index)

    def data(self, p: Probe) -> float:
        point = self.point(p) if p.of in ("prediction", "error") else None
        if point is None:
            point = list(self.card.config.start or []) or None
        spec = self.objective(p)
        if point is None:
            point = self.client.get(f"{API}/objectives/{spec['id']}").json()["default_start"]
        seen = self.post("/predict", {"objective": spec, "points": [point]})
        if p.of == "sample_x":
            return seen["samples"]["x"][p.index]
        if p.of == "sample_y":
            return seen["samples"]["y"][p.index]
        rows = seen["fits"][0]["table"]
        row = rows[0] if p.input is None else next(r for r in rows if r["input"] == p.input)
        return {
            "target": row["target"],
            "input": row["input"],
            "prediction": row["prediction"],
            "error": row["error"],
        }[p.of]


def vector_quantity(of: str, loss: float, grad: list[float], index: int) -> float:
    if of == "loss":
        return loss
    if of == "grad":
        return grad[index]
    if of == "grad_norm":
        return math.hypot(*grad)
    assert of == "grad_angle", of
    return math.degrees(math.atan2(grad[1], grad[0]))


CARDS = [(lesson.id, n, card) for lesson in LESSONS.values() for n, card in enumerate(lesson.cards)]


@pytest.mark.parametrize(
    ("lesson_id", "n", "card"), CARDS, ids=[f"{i}-{n + 1}" for i, n, _ in CARDS]
)
def test_every_stated_number_is_the_engines(client, served, lesson_id, n, card) -> None:
    shown = served[lesson_id]["cards"][n]
    assert shown["numbers"].keys() == card.numbers.keys()
    engine = Engine(client, card)
    for name, probe in card.numbers.items():
        number = shown["numbers"][name]
        want = engine.value(probe)
        assert number["value"] == pytest.approx(want, rel=1e-9, abs=1e-12), (name, probe)
        # The text states the value to its digits, and the TeX says the same.
        stated = parse_text(number["text"])
        assert stated == pytest.approx(want, rel=10 ** (1 - probe.digits), abs=0.006), (
            name,
            number,
        )
        tex = number["tex"].replace("{,}", "").replace(r" \times 10^{", "e").rstrip("}")
        assert float(tex.replace("^\\circ", "")) == pytest.approx(stated), (name, number)


@pytest.mark.parametrize(
    ("lesson_id", "n", "card"), CARDS, ids=[f"{i}-{n + 1}" for i, n, _ in CARDS]
)
def test_every_slot_is_filled_and_every_config_runs(client, served, lesson_id, n, card) -> None:
    shown = served[lesson_id]["cards"][n]
    texts = [shown["text"], *(shown["predict"] or {}).get("choices", [])]
    texts += [
        (shown["predict"] or {}).get("question", ""),
        (shown["challenge"] or {}).get("task", ""),
    ]
    for text in texts:
        for name in SLOT.findall(text):
            assert name in shown["numbers"], (name, text)
    body = {**shown["config"], "record": "final"}
    assert client.post(f"{API}/runs", json=body).status_code == 200


# The texts' own worked numbers, each stated by some card (found by value, computed live).
WORKED = {
    "000 the house's price": 300_000,
    "000 the prediction at w = 280": 280_000,
    "000 the loss, the difference": -20_000,
    "000 the weight after one step": 281,
    "000 the loss at w = 281": 19_000,
    "000 the next weight": 282,
    "000 1000 × W1": 200_000,
    "000 W2 = 1.5 gives the price": 0,
    "000 W1 = 210 gives": 294_000,
    "000 and misses by": -6_000,
    "000 ∂L/∂W1": -5.6e7,
    "000 ∂L/∂W2": -8e9,
    "001 the guess z = x + x² at input 1": 2,
    "001 its error": -0.21,
    "001 z = 1.5x + x² at input 1.1": 2.86,
    "001 its error 0.429": 0.429,
    "001 Table 2-1's first output": 2.21,
    "001 Table 2-1's last output": 4.42,
    "001 the indicator": 0.001,
    "001 a first guess of 5": 5,
    "004 the target": 4,
    "004 the gradient at w = 2": -4,
    "004 the weight after one step": 2.4,
    "004 the loss (2 − 4)²": 4,
    "004 the U-curve's minimum": 0,
}


@pytest.mark.parametrize(("what", "value"), WORKED.items(), ids=list(WORKED))
def test_each_texts_worked_numbers_appear_in_a_lesson(served, what, value) -> None:
    text = what.split()[0]
    stated = [
        number["value"]
        for lesson in served.values()
        if text in lesson["texts"]
        for card in lesson["cards"]
        for number in card["numbers"].values()
    ]
    assert any(v == pytest.approx(value, rel=1e-9, abs=1e-12) for v in stated), what


def test_the_numbers_are_worked_out_not_read_from_the_file(monkeypatch) -> None:
    """Break the engine's answer and the card's number follows it: nothing is typed in."""
    card = LESSONS["u-curve"].cards[2]
    assert CardNumbers(card).number(card.numbers["g0"]).value == -4
    monkeypatch.setattr("app.lessons.card_numbers.Simulation.run", _shifted_run)
    assert CardNumbers(card).number(card.numbers["g0"]).value == -3


_original_run = __import__("app.runs", fromlist=["Simulation"]).Simulation.run


def _shifted_run(self):
    trace = _original_run(self)
    trace.grad += 1.0
    return trace


def test_texts_state_no_number_of_their_own() -> None:
    """The parser refuses typed numbers; here, the served text's digits all come from slots."""
    for lesson in LESSONS.values():
        for card in lesson.cards:
            for template in card.templates().values():
                prose = re.sub(r"\\\(.*?\\\)|\\\[.*?\\\]", "", SLOT.sub("", template), flags=re.S)
                prose = re.sub(r"Table 2-1|Figure 2-\d|3-D", "", prose)
                assert not re.search(r"\d", prose), (lesson.id, template)
