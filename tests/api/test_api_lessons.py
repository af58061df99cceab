"""GET /lessons, GET /lessons/{id} and POST /lessons/{id}/cards/{n}/check.

Every challenge is graded once with an attempt that passes and once with one that fails, each
with its reason in words, by the run loop's statuses."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from app.lessons import LESSONS

pytestmark = pytest.mark.anyio


async def get_card(client, kit, lesson: str, n: int) -> dict[str, Any]:
    r = await client.get(f"{kit.API}/lessons/{lesson}")
    assert r.status_code == 200, r.text[:300]
    return r.json()["cards"][n - 1]


def attempt(card: dict[str, Any], *runs: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The card's own configuration (what the page loads), with the learner's changes."""
    body = copy.deepcopy(card["config"])
    start = body["runs"][0].get("start")
    if runs:
        body["runs"] = [{"optimizer": run, **({"start": start} if start else {})} for run in runs]
    body.update(changes)
    return body


async def check(client, kit, lesson: str, n: int, body: dict[str, Any]) -> dict[str, Any]:
    r = await client.post(f"{kit.API}/lessons/{lesson}/cards/{n}/check", json=body)
    assert r.status_code == 200, r.text[:500]
    verdict = r.json()
    assert isinstance(verdict["reason"], str) and verdict["reason"], verdict
    return verdict


# (lesson, card, a passing run, words in its reason, a failing run, words in its reason)
CHALLENGES = [
    (
        "guessing-game",
        4,
        {"name": "signsgd", "lr": 9.25},
        "converged at step 4",
        {"name": "signsgd", "lr": 10},
        "took all 10 steps",
    ),
    (
        "house-price",
        5,
        {"name": "sgd", "lr": 0.001},
        "converged at step 20",
        {"name": "sgd", "lr": 0.003},
        "took all 25 steps",
    ),
    (
        "u-curve",
        5,
        {"name": "sgd", "lr": 0.5},
        "converged at step 1",
        {"name": "sgd", "lr": 0.1},
        "loss 0.4295",
    ),
    (
        "u-curve",
        6,
        {"name": "sgd", "lr": 1.5},
        "diverged at step",
        {"name": "sgd", "lr": 0.9},
        "no run diverged within 100 steps",
    ),
    (
        "black-box",
        4,
        {"name": "sgd", "lr": 0.15, "momentum": 0.8},
        "converged at step 15",
        {"name": "sgd", "lr": 0.1},
        "The goal is loss < 0.001 within 25 steps",
    ),
    (
        "rifle",
        5,
        {"name": "sgd", "lr": 0.4},
        "converged at step 3",
        {"name": "sgd", "lr": 0.25},
        "took all 3 steps",
    ),
    (
        "backprop-chain",
        5,
        {"name": "sgd", "lr": 1e-11},
        "converged at step 7",
        {"name": "sgd", "lr": 1e-12},
        "took all 10 steps",
    ),
    (
        "loss-functions",
        5,
        {"name": "sgd", "lr": 2},
        "converged at step 20",
        {"name": "sgd", "lr": 1},
        "loss 0.00274",
    ),
    (
        "mountain",
        5,
        {"name": "sgd", "lr": 0.01, "momentum": 0.9},
        "in the global minimum's valley",
        {"name": "sgd", "lr": 0.01},
        "nearest the local minimum at x = 1.347",
    ),
    (
        "momentum-adam",
        5,
        {"name": "sgd", "lr": 0.0015, "momentum": 0.9},
        "at step 344",
        {"name": "sgd", "lr": 0.0004, "momentum": 0.9},
        "adam lr=0.05 got there at step 1090",
    ),
]


def test_every_challenge_of_the_library_is_tested_here() -> None:
    challenges = {
        (lesson.id, n)
        for lesson in LESSONS.values()
        for n, card in enumerate(lesson.cards, start=1)
        if card.challenge
    }
    assert challenges == {(c[0], c[1]) for c in CHALLENGES}


@pytest.mark.parametrize(
    ("lesson", "n", "good", "good_says", "bad", "bad_says"),
    CHALLENGES,
    ids=[f"{c[0]}-{c[1]}" for c in CHALLENGES],
)
async def test_a_challenge_passes_and_fails_with_its_reason(
    client, kit, lesson, n, good, good_says, bad, bad_says
):
    card = await get_card(client, kit, lesson, n)
    race = card["challenge"]["rule"] == "race"
    opponent = [card["config"]["runs"][1]["optimizer"]] if race else []
    passed = await check(client, kit, lesson, n, attempt(card, good, *opponent))
    assert passed["passed"] is True, passed
    assert passed["reason"].startswith("Passed") and good_says in passed["reason"], passed
    failed = await check(client, kit, lesson, n, attempt(card, bad, *opponent))
    assert failed["passed"] is False, failed
    assert failed["reason"].startswith("Not yet") and bad_says in failed["reason"], failed
    # The card as loaded is itself an attempt that does not pass yet.
    assert (await check(client, kit, lesson, n, card["config"]))["passed"] is False


async def test_the_challenges_conditions_hold(client, kit):
    card = await get_card(client, kit, "house-price", 5)
    other = attempt(card, {"name": "sgd", "lr": 0.001}, objective={"id": "house-price"})
    verdict = await check(client, kit, "house-price", 5, other)
    assert not verdict["passed"] and "loss = absolute" in verdict["reason"], verdict
    moved = attempt(card, {"name": "sgd", "lr": 0.001})
    moved["runs"][0]["start"] = [290]
    verdict = await check(client, kit, "house-price", 5, moved)
    assert not verdict["passed"] and "starts at (280)" in verdict["reason"], verdict
    card = await get_card(client, kit, "guessing-game", 4)
    verdict = await check(
        client, kit, "guessing-game", 4, attempt(card, {"name": "sgd", "lr": 0.5})
    )
    assert not verdict["passed"] and "this challenge is for signsgd" in verdict["reason"]
    card = await get_card(client, kit, "momentum-adam", 5)
    plain = attempt(card, {"name": "sgd", "lr": 0.001})
    verdict = await check(client, kit, "momentum-adam", 5, plain)
    assert not verdict["passed"] and "with momentum set to race" in verdict["reason"], verdict


async def test_the_budget_is_the_challenges_not_the_learners(client, kit):
    card = await get_card(client, kit, "house-price", 5)
    slow = attempt(card, {"name": "sgd", "lr": 0.0005}, steps=1000)
    verdict = await check(client, kit, "house-price", 5, slow)
    assert not verdict["passed"] and verdict["runs"][0]["steps_taken"] == 25, verdict


async def test_the_list_and_a_lesson(client, kit):
    r = await client.get(f"{kit.API}/lessons")
    assert r.status_code == 200
    body = r.json()
    assert len(body["lessons"]) >= 8
    assert {t["id"] for t in body["texts"]} == {"000", "001", "002", "003", "004"}
    first = body["lessons"][0]
    assert set(first) == {"id", "title", "summary", "texts", "cards", "challenges"}
    lesson = (await client.get(f"{kit.API}/lessons/{first['id']}")).json()
    assert len(lesson["cards"]) == first["cards"]
    card = lesson["cards"][0]
    assert card["n"] == 1 and card["config"]["runs"] and card["numbers"]
    challenge = next(c for c in lesson["cards"] if c["challenge"])["challenge"]
    assert challenge["check"].startswith(f"/lessons/{first['id']}/cards/")


async def test_unknown_lessons_cards_and_bad_bodies_are_named(client, kit):
    kit.assert_problem(await client.get(f"{kit.API}/lessons/nope"), 404, "lesson_id", "no lesson")
    card = await get_card(client, kit, "house-price", 5)
    url = f"{kit.API}/lessons/house-price/cards"
    kit.assert_problem(
        await client.post(f"{url}/1/check", json=card["config"]), 404, "n", "sets no"
    )
    kit.assert_problem(await client.post(f"{url}/99/check", json=card["config"]), 404, "n")
    kit.assert_problem(await client.post(f"{url}/0/check", json=card["config"]), 422, "n")
    bad = attempt(card, {"name": "sgd", "lr": "fast"})
    kit.assert_problem(await client.post(f"{url}/5/check", json=bad), 422, "runs[0].optimizer.lr")
    kit.assert_problem(
        await client.post(f"{url}/5/check", json=attempt(card, steps=10**9)),
        422,
        "steps",
        "less than or equal",
    )
