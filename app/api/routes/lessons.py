"""GET /lessons, GET /lessons/{id} and POST /lessons/{id}/cards/{n}/check: the lessons from the
teaching texts, each card with its numbers worked out, and a challenge graded by the run loop.

A thin door onto app/lessons: the request is the learner's POST /runs body, validated and built
into a run problem exactly as /runs does it (caps included); the lesson domain does the rest."""

from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from app.api.compute import Job, compute
from app.api.encoding import StrictJSONResponse, json_response
from app.api.errors import ProblemBody
from app.api.schemas import Bodies
from app.lessons import LESSONS, Lesson, judge, lesson_json, summary_json, texts_json

NOT_FOUND = {404: {"description": "No such lesson, card or challenge", "model": ProblemBody}}


class TextOut(BaseModel):
    id: str = Field(description="the teaching text's number, 000 to 004")
    title: str
    examples: str


class LessonSummary(BaseModel):
    id: str
    title: str
    summary: str
    texts: list[str] = Field(description="the ids of the texts it comes from")
    cards: int = Field(description="how many cards")
    challenges: int = Field(description="how many of its cards set a challenge")


class LessonList(BaseModel):
    lessons: list[LessonSummary]
    texts: list[TextOut]


class NumberOut(BaseModel):
    value: float = Field(description="worked out by the run loop and the engine when served")
    text: str = Field(description="as prose states it, e.g. −5.6e7 or 280,000")
    tex: str = Field(description="as math states it (KaTeX)")


class PredictOut(BaseModel):
    kind: Literal["point", "choice"]
    question: str
    explain: str
    step: int = Field(description="the step whose outcome is predicted")
    run: int | None = None
    choices: list[str] | None = None
    answer: int | None = None


class ChallengeOut(BaseModel):
    task: str
    rule: Literal["converge", "diverge", "reach_minimum", "race"]
    steps: int = Field(description="the budget: the attempt is run for this many steps")
    stop: dict[str, float] = Field(description="the stop rule the attempt must meet")
    objective: dict[str, Any]
    start: list[float] | None = Field(description="where every run must start; null: anywhere")
    optimizers: list[str] = Field(description="the optimizers allowed; empty: any")
    check: str = Field(description="POST the attempt (a POST /runs body) here")


class CardOut(BaseModel):
    n: int = Field(description="the card's number, from 1")
    title: str
    text: str = Field(description=r"prose with \( \) and \[ \] math and {=name} number slots")
    numbers: dict[str, NumberOut]
    config: dict[str, Any] = Field(description="the playground configuration: a POST /runs body")
    view: list[list[float]] | None = Field(description="the view box, when not the objective's")
    points_at: list[str] = Field(description="the page's controls the card points at")
    open_views: list[str]
    predict: PredictOut | None
    challenge: ChallengeOut | None


class LessonOut(BaseModel):
    id: str
    title: str
    summary: str
    texts: list[str]
    challenges: int
    cards: list[CardOut]


class RunResultOut(BaseModel):
    label: str
    status: str
    steps_taken: int
    final_loss: float | None
    final_params: list[float | None]
    message: str


class VerdictOut(BaseModel):
    passed: bool
    reason: str = Field(description="why, in words, from the runs' statuses and numbers")
    runs: list[RunResultOut]


def lesson_of(lesson_id: str) -> Lesson:
    if lesson_id not in LESSONS:
        known = ", ".join(LESSONS)
        raise HTTPException(
            404, [_missing("lesson_id", f"no lesson {lesson_id!r}; known: {known}")]
        )
    return LESSONS[lesson_id]


def _missing(field: str, msg: str) -> dict[str, Any]:
    return {"field": field, "loc": ["path", field], "msg": msg, "type": "not_found"}


def routes(bodies: Bodies) -> APIRouter:
    router = APIRouter(tags=["lessons"], default_response_class=StrictJSONResponse)
    Body: Any = bodies.runs

    @router.get(
        "/lessons",
        summary="Every lesson: id, title, summary, the texts it comes from, cards and challenges",
        responses={200: {"model": LessonList}},
    )
    def lessons() -> Response:
        listed = [summary_json(lesson) for lesson in LESSONS.values()]
        return json_response({"lessons": listed, "texts": texts_json()})

    @router.get(
        "/lessons/{lesson_id}",
        summary="One lesson's cards, with every number they state worked out by the engine",
        responses={200: {"model": LessonOut}, **NOT_FOUND},
    )
    async def lesson(lesson_id: str) -> Response:
        found = lesson_of(lesson_id)
        return json_response(await run_in_threadpool(lesson_json, found))

    @router.post(
        "/lessons/{lesson_id}/cards/{n}/check",
        summary="Grade the learner's run request against card n's challenge",
        description=(
            "The body is the learner's POST /runs request. It is held to the challenge's "
            "objective, start and optimizers, then run for the challenge's steps with its stop "
            "rule; the run loop's statuses decide, and the reason says why in words."
        ),
        responses={200: {"model": VerdictOut}, **NOT_FOUND},
    )
    async def check(
        body: Body,
        request: Request,
        lesson_id: str,
        n: int = Path(ge=1, description="the card's number, from 1"),
    ) -> Response:
        found = lesson_of(lesson_id)
        if n > len(found.cards) or found.cards[n - 1].challenge is None:
            with_challenges = [i + 1 for i, c in enumerate(found.cards) if c.challenge]
            msg = f"card {n} of {lesson_id!r} sets no challenge; these do: {with_challenges}"
            raise HTTPException(404, [_missing("n", msg)])
        challenge = found.cards[n - 1].challenge
        problem = body.problem()

        def work(job: Job) -> dict[str, Any]:
            verdict = judge(challenge, problem, should_stop=job.should_stop, deadline=job.deadline)
            return verdict.as_json()

        return json_response(await compute(request, work))

    return router
