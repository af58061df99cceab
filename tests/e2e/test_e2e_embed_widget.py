"""End-to-end: the notebook widget's front end (app/widget/widget.js) in a page that runs it as
anywidget does: Python's commands reach /embed, and its events come back to Python, where the
widget turns them into step records."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from conftest import uvicorn_server
from embedsites import NOTEBOOK_QUERY, course_site

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def sites(chromium_path):
    """(the notebook's origin, the embed server listing it)."""
    with course_site() as notebook, uvicorn_server({"GDP_EMBED_ORIGINS": notebook}) as server:
        yield notebook, server


def test_the_notebook_widgets_front_end_relays_both_ways(gdp_browser, sites):
    """widget.js in a notebook page: Python's commands reach the embed, and the embed's events
    reach Python, where the widget turns them into its step records."""
    pytest.importorskip("anywidget", reason="the [widget] extra is not installed")
    from app.widget import PlaygroundWidget
    from tests.widget.test_widget import Sent

    course, server = sites
    context = gdp_browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{course}/notebook?{urlencode({'server': server})}")
        page.wait_for_function("() => received.some((m) => m.type === 'ready')", timeout=20_000)
        page.evaluate("command", {"type": "scrub", "id": 1, "step": 0})
        page.evaluate("command", {"type": "play", "id": 2})
        # Played from step 0 to the end (the commands may come before the race is on screen).
        page.wait_for_function(
            "() => received.findLastIndex((m) => m.type === 'end')"
            " > received.findIndex((m) => m.type === 'step' && m.step === 0)"
            " && received.some((m) => m.type === 'step' && m.step === 0)",
            timeout=30_000,
        )
        received = page.evaluate("received")
        assert received[0] == {"type": "loading", "url": f"{server}/embed?{NOTEBOOK_QUERY}"}
    finally:
        context.close()
    widget = PlaygroundWidget(server)
    widget.comm.send = Sent()
    for message in received:
        widget._handle_custom_msg(message, [])
    assert widget.ready and widget.state["objective"] == "booth"
    # The race opened whole (autoplay=0), went back to step 0 and played: 0 … 20 once each.
    assert [s.step for s in widget.steps][-21:] == list(range(21))
    assert widget.ended.step == 20 and widget.ended.runs[0].optimizer == "sgd"
