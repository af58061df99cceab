"""The notebook widget's Python side, without a browser: its synced traits, the commands it
sends the view (held until the view is ready), and the view's events turned into records."""

from __future__ import annotations

import pytest

from tests.serving.test_settings import python
from tests.widget.test_widget_events import END, STEP

anywidget = pytest.importorskip("anywidget", reason="the [widget] extra is not installed")
traitlets = pytest.importorskip("traitlets")

from app.widget import EmbedError, PlaygroundWidget, RaceEnd, StepShown  # noqa: E402


class Sent(list):
    """What the widget sent its front end, read where ipywidgets hands it to the comm."""

    def __call__(self, data=None, buffers=None, **_: object) -> None:
        assert data["method"] == "custom"
        self.append(data["content"])


@pytest.fixture
def widget() -> tuple[PlaygroundWidget, Sent]:
    w = PlaygroundWidget("http://127.0.0.1:8000/", query="?objective=booth&steps=30")
    sent = Sent()
    w.comm.send = sent
    return w, sent


def view_says(w: PlaygroundWidget, event: dict) -> None:
    """An event from the front end (widget.js relays the embed's postMessage events)."""
    w._handle_custom_msg(event, [])


def ready(w: PlaygroundWidget, **state: object) -> None:
    view_says(w, {"type": "ready", "protocol": 1, "state": {"objective": "booth", **state}})


def test_the_view_is_configured_by_synced_traits(widget):
    w, _ = widget
    assert (w.server, w.query, w.height) == (
        "http://127.0.0.1:8000",
        "objective=booth&steps=30",
        520,
    )
    for name in ("server", "query", "height"):
        assert w.trait_metadata(name, "sync"), name
    for name in ("ready", "state", "shown", "ended", "error"):
        assert not w.trait_metadata(name, "sync"), f"{name} is reported by the view, not synced"
    with pytest.raises(traitlets.TraitError):
        w.height = 50
    assert "export default { render }" in w._esm  # widget.js, from the package


def test_commands_wait_for_the_view_then_go_in_order(widget):
    w, sent = widget
    ids = [w.configure(objective="himmelblau", steps=40), w.play(), w.step(-2), w.scrub(7)]
    assert ids == [1, 2, 3, 4] and sent == []
    ready(w)
    assert w.ready and w.state == {"objective": "booth"}
    assert sent == [
        {
            "type": "configure",
            "id": 1,
            "state": {"objective": "himmelblau", "steps": 40},
            "play": False,
        },
        {"type": "play", "id": 2},
        {"type": "step", "id": 3, "by": -2},
        {"type": "scrub", "id": 4, "step": 7},
    ]
    w.pause()
    assert sent[-1] == {"type": "pause", "id": 5}
    # The view reloads (a new server or query): commands wait for it again.
    view_says(w, {"type": "loading", "url": "http://127.0.0.1:8000/embed"})
    w.play()
    assert not w.ready and sent[-1]["id"] == 5
    ready(w)
    assert sent[-1] == {"type": "play", "id": 6}


def test_configure_takes_state_fields_or_a_runs_request_not_both(widget):
    w, sent = widget
    ready(w)
    w.configure({"objective": "booth"}, steps=10, play=True)
    body = {"objective": {"id": "booth"}, "runs": [{"optimizer": {"name": "sgd"}}]}
    w.configure(request=body)
    assert sent == [
        {"type": "configure", "id": 1, "state": {"objective": "booth", "steps": 10}, "play": True},
        {"type": "configure", "id": 2, "request": body, "play": False},
    ]
    with pytest.raises(ValueError, match="not both"):
        w.configure(request=body, steps=3)
    view_says(w, {"type": "configured", "id": 2, "state": {"objective": "booth", "steps": 100}})
    assert w.state["steps"] == 100


def test_each_step_shown_comes_back_as_a_record_list_trait_and_callback(widget):
    w, _ = widget
    ready(w)
    called, observed = [], []
    w.on_step(called.append)
    w.observe(lambda change: observed.append(change["new"]), "shown")
    for k in range(3):
        view_says(w, {**STEP, "step": 2 * k, "index": k})
    assert [s.step for s in w.steps] == [0, 2, 4]
    assert called == w.steps == observed
    assert w.shown == w.steps[-1] and isinstance(w.shown, StepShown)
    assert w.to_records()[:2] == [
        {"race": 3, "step": 0, "run": 1, "label": "adam", "optimizer": "adam", "x": 1.5, "y": -2.0,
         "loss": 0.25, "status": "running"},
        {"race": 3, "step": 0, "run": 2, "label": "sgd", "optimizer": "sgd", "x": None, "y": None,
         "loss": None, "status": "diverged"},
    ]  # fmt: skip
    # A new race replaces the steps of the old one.
    view_says(w, {**STEP, "race": 4, "step": 0, "index": 0})
    assert [(s.race, s.step) for s in w.steps] == [(4, 0)]


def test_the_end_and_errors_come_back_as_records(widget):
    w, _ = widget
    ends, errors = [], []
    w.on_end(ends.append)
    w.on_error(errors.append)
    view_says(w, END)
    view_says(w, {"type": "error", "id": 1, "reply_to": "configure", "field": "state.steps",
                  "reason": "must be a whole number from 1 to 10000"})  # fmt: skip
    assert ends == [w.ended] and isinstance(w.ended, RaceEnd) and w.ended.runs[0].steps_taken == 40
    assert (
        errors
        == [w.error]
        == [EmbedError("state.steps", "must be a whole number from 1 to 10000", "configure", 1)]
    )


@pytest.mark.parametrize(
    "event",
    [{"type": "step", "race": 1}, {"type": "teleport"}, "step", {"type": "ready"}],
)
def test_a_malformed_event_is_logged_and_ignored(widget, event, caplog):
    w, _ = widget
    view_says(w, event)
    assert w.steps == [] and w.shown is None and not w.ready
    assert "ignored a malformed event" in caplog.text


def test_without_the_extra_the_import_says_how_to_install_it():
    result = python("import sys; sys.modules['anywidget'] = None; import app.widget")
    assert result.returncode != 0
    assert "pip install 'gradient-descent-playground[widget]'" in result.stderr
