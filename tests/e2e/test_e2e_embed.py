"""End-to-end: a course page at another origin frames /embed and drives it by postMessage
(configure, step, play, pause, scrub), and gets a step event for every step and an end event,
with the numbers the API computes. A page at an origin the operator did not list can neither
frame it (CSP frame-ancestors) nor, framing it anyway, drive it (the embed's own check)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import httpx
import pytest
from conftest import uvicorn_server
from embedsites import course_site

from app.widget.events import RaceEnd, StepShown

pytestmark = pytest.mark.e2e

FIRST = "/embed?objective=himmelblau&steps=30&run=adam:lr=0.05&autoplay=0"
STATE = {
    "objective": "booth",
    "runs": [{"optimizer": "sgd", "hp": {"lr": 0.05}}, {"optimizer": "adam", "hp": {"lr": 0.3}}],
    "start": [3, -2],
    "steps": 25,
    "speed": 1,
}
# The same race as a POST /runs body: what the API computes for it is what the embed must report.
REQUEST = {
    "objective": {"id": "booth"},
    "runs": [
        {"optimizer": {"name": "sgd", "lr": 0.05}, "start": [3, -2]},
        {"optimizer": {"name": "adam", "lr": 0.3}, "start": [3, -2]},
    ],
    "steps": 25,
    "record": "all",
}


@pytest.fixture(scope="module")
def sites(chromium_path):
    """(the course's origin, a stranger's origin, the embed server listing the course alone)."""
    with (
        course_site() as course,
        course_site() as stranger,
        uvicorn_server({"GDP_EMBED_ORIGINS": course}) as server,
    ):
        yield course, stranger, server


def host_page(browser, server: str, host: str, *, strip_policy: bool = False):
    """A page at `host` framing the embed; with strip_policy the embed's CSP is removed on the
    way, as if the browser ignored frame-ancestors, to test the embed's own origin check."""
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    page = context.new_page()

    def without_policy(route):
        response = route.fetch()
        headers = {
            k: v
            for k, v in response.headers.items()
            if k not in ("content-security-policy", "x-frame-options")
        }
        route.fulfill(response=response, headers=headers)

    if strip_policy:
        page.route(f"{server}/embed*", without_policy)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{host}/?{urlencode({'embed': server + FIRST})}")
    return context, page, errors


def events(page, since: int = 0) -> list[dict]:
    return page.evaluate(f"events.slice({since})")


def wait_for(page, condition: str, timeout: float = 20_000) -> None:
    """Wait until some event `e` (JS) satisfies `condition`."""
    page.wait_for_function(f"() => events.some((e) => {condition})", timeout=timeout)


def the_api_race(server: str) -> dict:
    return httpx.post(f"{server}/api/v1/runs", json=REQUEST, timeout=30).json()


def test_a_course_page_drives_the_embed_and_gets_every_step_with_the_apis_numbers(
    gdp_browser, sites
):
    course, _, server = sites
    context, page, errors = host_page(gdp_browser, server, course)
    try:
        wait_for(page, "e.type === 'ready'")
        ready = events(page)[0]
        assert (ready["type"], ready["protocol"], ready["state"]["objective"]) == (
            "ready",
            1,
            "himmelblau",
        )
        page.evaluate("send", {"type": "configure", "id": 1, "state": STATE, "play": False})
        wait_for(page, "e.type === 'configured' && e.id === 1")
        mark = page.evaluate("events.findIndex((e) => e.type === 'configured') + 1")
        wait_for(page, "e.type === 'step' && e.runs.length === 2 && e.step === 0")
        race = next(e["race"] for e in events(page, mark) if e["type"] == "step")
        for _ in range(3):
            page.evaluate("send", {"type": "step"})
        page.evaluate("send", {"type": "step", "by": -2})
        wait_for(page, f"e.type === 'step' && e.race === {race} && e.step === 3")
        wait_for(page, f"e.type === 'step' && e.race === {race} && e.step === 1")
        page.evaluate("send", {"type": "play", "id": 2})
        wait_for(page, f"e.type === 'end' && e.race === {race}")
        page.wait_for_timeout(300)  # nothing may follow the end
        seen = [e for e in events(page, mark) if e.get("race") == race]
        assert [e["step"] for e in seen if e["type"] == "step"] == [0, 1, 2, 3, 1, *range(2, 26)]
        assert [e["type"] for e in seen].count("end") == 1 and seen[-1]["type"] == "end"

        api = the_api_race(server)["runs"]
        for event in seen[:-1]:
            k = event["step"]
            shown = StepShown.from_event(event)  # the widget reads the same events
            for run, ours in zip(api, shown.runs, strict=True):
                assert list(ours.params) == run["trace"]["params"][k], (k, ours)
                assert ours.loss == run["trace"]["loss"][k], (k, ours)
        end = RaceEnd.from_event(seen[-1])
        assert end.step == 25
        for run, ours in zip(api, end.runs, strict=True):
            assert (ours.status, ours.steps_taken, ours.loss) == (
                run["status"],
                run["steps_taken"],
                run["trace"]["loss"][-1],
            )
        assert not errors, errors
    finally:
        context.close()


def test_pause_stops_the_playhead_and_scrub_moves_it(gdp_browser, sites):
    course, _, server = sites
    context, page, _ = host_page(gdp_browser, server, course)
    try:
        wait_for(page, "e.type === 'ready'")
        slow = {**STATE, "steps": 2000, "speed": 0.25}  # a quarter step per frame
        page.evaluate("send", {"type": "configure", "id": 1, "state": slow, "play": True})
        wait_for(page, "e.type === 'step' && e.runs.length === 2 && e.step >= 5")
        page.evaluate("send", {"type": "pause"})
        page.wait_for_timeout(300)
        stopped = events(page)[-1]
        page.wait_for_timeout(700)
        assert events(page)[-1] == stopped and stopped["type"] == "step"
        assert 5 <= stopped["step"] < 200
        page.evaluate("send", {"type": "scrub", "step": 1500})
        wait_for(page, "e.type === 'step' && e.step === 1500")
        page.wait_for_timeout(300)
        assert events(page)[-1]["step"] == 1500  # scrubbing leaves it paused
    finally:
        context.close()


def test_a_bad_command_is_answered_with_an_error_naming_the_field(gdp_browser, sites):
    course, _, server = sites
    context, page, _ = host_page(gdp_browser, server, course)
    try:
        wait_for(page, "e.type === 'ready'")
        page.evaluate("send", {"type": "step", "id": 7, "by": 0})
        page.evaluate("send", {"type": "configure", "id": 8, "state": {"objective": "moon"}})
        wait_for(page, "e.type === 'error' && e.id === 8")
        errors = {e["id"]: e for e in events(page) if e["type"] == "error"}
        assert (errors[7]["reply_to"], errors[7]["field"]) == ("step", "by")
        assert (errors[8]["reply_to"], errors[8]["field"]) == ("configure", "state.objective")
        assert "not an objective of this server" in errors[8]["reason"]
    finally:
        context.close()


def test_an_unlisted_origin_cannot_frame_the_embed(gdp_browser, sites):
    _, stranger, server = sites
    context, page, _ = host_page(gdp_browser, server, stranger)
    try:
        page.wait_for_timeout(1500)
        frame = page.frames[1]
        assert frame.query_selector("#surface") is None, frame.url
        assert events(page) == []
    finally:
        context.close()


def test_an_unlisted_origins_messages_are_ignored_even_if_it_frames_the_embed(gdp_browser, sites):
    _, stranger, server = sites
    context, page, _ = host_page(gdp_browser, server, stranger, strip_policy=True)
    try:
        frame = page.frames[1]
        frame.wait_for_selector("body[data-phase=ready]", timeout=15_000)
        # autoplay=0: the whole race, paused at its end.
        frame.wait_for_function(
            "document.querySelector('#step-readout').textContent === 'step 30 / 30'"
        )
        readout = frame.locator("#step-readout")
        before = readout.text_content()
        for message in (
            {"type": "hello"},
            {"type": "scrub", "step": 3},
            {"type": "configure", "state": {"objective": "booth", "steps": 5}, "play": True},
        ):
            page.evaluate("send", message)
        page.wait_for_timeout(1500)
        assert readout.text_content() == before
        assert events(page) == [], json.dumps(events(page))[:500]
    finally:
        context.close()
