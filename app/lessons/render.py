"""Lessons as the API sends them: the list, and each lesson with its cards' numbers worked out
(once per lesson: a lesson's numbers never change while the server runs)."""

from __future__ import annotations

from typing import Any

from app.lessons.card_numbers import CardNumbers, ProbeError
from app.lessons.reader import LessonError
from app.lessons.schema import Card, Challenge, Lesson, Prediction
from app.lessons.texts import TEXTS


def texts_json() -> list[dict[str, str]]:
    return [{"id": t.id, "title": t.title, "examples": t.examples} for t in TEXTS]


def summary_json(lesson: Lesson) -> dict[str, Any]:
    return {
        "id": lesson.id,
        "title": lesson.title,
        "summary": lesson.summary,
        "texts": list(lesson.texts),
        "cards": len(lesson.cards),
        "challenges": sum(card.challenge is not None for card in lesson.cards),
    }


_RENDERED: dict[tuple[str, str], dict[str, Any]] = {}


def lesson_json(lesson: Lesson) -> dict[str, Any]:
    """The lesson with every card's numbers; worked out on first use, then kept."""
    key = (lesson.source, lesson.id)
    if key not in _RENDERED:
        cards = [card_json(lesson, n, card) for n, card in enumerate(lesson.cards, start=1)]
        _RENDERED[key] = {**summary_json(lesson), "cards": cards}
    return _RENDERED[key]


def card_json(lesson: Lesson, n: int, card: Card) -> dict[str, Any]:
    numbers = {}
    worker = CardNumbers(card)
    for name, probe in card.numbers.items():
        try:
            numbers[name] = worker.number(probe).as_json()
        except (ProbeError, ValueError) as error:
            raise LessonError(lesson.source, f"cards[{n - 1}].numbers.{name}", str(error)) from None
    config = card.config
    return {
        "n": n,
        "title": card.title,
        "text": card.text,
        "numbers": numbers,
        "config": config.request(),
        "view": None if config.view is None else [list(r) for r in config.view],
        "points_at": list(card.points_at),
        "open_views": list(card.open_views),
        "predict": None if card.predict is None else _prediction_json(card.predict),
        "challenge": None if card.challenge is None else _challenge_json(lesson, n, card.challenge),
    }


def _prediction_json(p: Prediction) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": p.kind, "question": p.question, "explain": p.explain}
    if p.kind == "point":
        out |= {"step": p.step, "run": p.run}
    else:
        out |= {"choices": list(p.choices), "answer": p.answer, "step": p.step}
    return out


def _challenge_json(lesson: Lesson, n: int, c: Challenge) -> dict[str, Any]:
    stop = {k: v for k, v in vars(c.stop).items() if v is not None}
    return {
        "task": c.task,
        "rule": c.rule,
        "steps": c.steps,
        "stop": stop,
        "objective": dict(c.objective),
        "start": None if c.start is None else list(c.start),
        "optimizers": list(c.optimizers),
        "check": f"/lessons/{lesson.id}/cards/{n}/check",
    }
