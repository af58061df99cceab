"""PlaygroundWidget: the playground's /embed in a notebook (Jupyter, VS Code, marimo), driven
from Python, with every step it shows handed back to Python.

Its front end (widget.js) puts a running server's /embed in an iframe and relays the postMessage
protocol both ways; the server must list the notebook's origin in GDP_EMBED_ORIGINS.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

try:
    import anywidget
    import traitlets
except ImportError:  # pragma: no cover - the message is the point
    raise ImportError(
        "the notebook widget needs the [widget] extra: "
        "pip install 'gradient-descent-playground[widget]' (anywidget)"
    ) from None

from app.widget.events import EmbedError, RaceEnd, StepShown

DEFAULT_SERVER = "http://127.0.0.1:8000"
EVENTS = ("step", "end", "error")


class PlaygroundWidget(anywidget.AnyWidget):
    """The live surface and playback controls of a playground server, in a notebook cell.

    w = PlaygroundWidget("http://127.0.0.1:8000", query="objective=himmelblau&run=adam:lr=0.05")
    w.configure(objective="booth", steps=50, play=True); w.steps[-1].runs[0].loss
    """

    _esm = Path(__file__).with_name("widget.js")

    # Synced to the view: which server, which configuration it opens with (the page's URL
    # state), and how tall it is. Changing server or query reloads the view.
    server = traitlets.Unicode(DEFAULT_SERVER).tag(sync=True)
    query = traitlets.Unicode("").tag(sync=True)
    height = traitlets.Int(520, min=200, max=4000).tag(sync=True)

    # Reported by the view (observe them: widget.observe(callback, "shown")).
    ready = traitlets.Bool(False)
    state = traitlets.Dict()
    shown = traitlets.Instance(StepShown, allow_none=True)
    ended = traitlets.Instance(RaceEnd, allow_none=True)
    error = traitlets.Instance(EmbedError, allow_none=True)

    def __init__(self, server: str = DEFAULT_SERVER, query: str = "", **kwargs: Any) -> None:
        super().__init__(server=server.rstrip("/"), query=query.lstrip("?"), **kwargs)
        self.steps: list[StepShown] = []  # the race on screen, each step as it was shown
        self._waiting: list[dict[str, Any]] = []  # commands sent before the view was ready
        self._callbacks: dict[str, list[Callable[[Any], None]]] = {e: [] for e in EVENTS}
        self._ids = 0
        self.on_msg(self._receive)

    # ---- Python → the view ------------------------------------------------------------------

    def configure(
        self,
        state: Mapping[str, Any] | None = None,
        *,
        request: Mapping[str, Any] | None = None,
        play: bool = False,
        **fields: Any,
    ) -> int:
        """Show a new race: the page's URL-state fields (objective, runs, steps, start, …; as a
        dict or keywords) or a POST /runs body as `request`. Returns the command's id, which an
        error about it carries."""
        if request is not None and (state is not None or fields):
            raise ValueError("give the URL-state fields or a request, not both")
        if request is not None:
            return self._command("configure", request=dict(request), play=play)
        return self._command("configure", state={**(state or {}), **fields}, play=play)

    def play(self) -> int:
        return self._command("play")

    def pause(self) -> int:
        return self._command("pause")

    def step(self, by: int = 1) -> int:
        """Step the playhead by `by` recorded steps (back when negative), paused."""
        return self._command("step", by=by)

    def scrub(self, step: int) -> int:
        """Move the playhead to optimizer step `step` (the last recorded one at or before it)."""
        return self._command("scrub", step=step)

    def on_step(self, callback: Callable[[StepShown], None]) -> None:
        self._callbacks["step"].append(callback)

    def on_end(self, callback: Callable[[RaceEnd], None]) -> None:
        self._callbacks["end"].append(callback)

    def on_error(self, callback: Callable[[EmbedError], None]) -> None:
        self._callbacks["error"].append(callback)

    def to_records(self) -> list[dict[str, Any]]:
        """One row per run per step shown: race, step, run, label, optimizer, x[, y], loss,
        status."""
        rows = []
        for shown in self.steps:
            for i, run in enumerate(shown.runs, start=1):
                coords = dict(zip(("x", "y"), run.params, strict=False))
                head = {"race": shown.race, "step": shown.step, "run": i, "label": run.label}
                tail = {"loss": run.loss, "status": run.status}
                rows.append({**head, "optimizer": run.optimizer, **coords, **tail})
        return rows

    def _command(self, kind: str, **fields: Any) -> int:
        self._ids += 1
        message = {"type": kind, "id": self._ids, **fields}
        if self.ready:
            self.send(message)
        else:
            self._waiting.append(message)  # sent, in order, when the view says it is ready
        return self._ids

    # ---- the view → Python -------------------------------------------------------------------

    def _receive(self, _widget: Any, event: Any, _buffers: Any) -> None:
        kind = event.get("type") if isinstance(event, dict) else None
        try:
            if kind == "loading":  # the view (re)loads /embed: hold commands until it is ready
                self.ready = False
            elif kind in ("ready", "configured"):
                self.state = dict(event["state"])
                if kind == "ready":
                    self._set_ready()
            elif kind == "step":
                self._shown(StepShown.from_event(event))
            elif kind == "end":
                self.ended = RaceEnd.from_event(event)
                self._call("end", self.ended)
            elif kind == "error":
                self.error = EmbedError.from_event(event)
                self._call("error", self.error)
            else:
                raise ValueError(f"an event of unknown type {kind!r}")
        except (ValueError, KeyError, TypeError) as problem:
            self.log.warning("PlaygroundWidget ignored a malformed event (%s): %r", problem, event)

    def _set_ready(self) -> None:
        self.ready = True
        waiting, self._waiting = self._waiting, []
        for message in waiting:
            self.send(message)

    def _shown(self, step: StepShown) -> None:
        if self.steps and self.steps[-1].race != step.race:
            self.steps = []  # a new race replaced the one on screen
        self.steps.append(step)
        self.shown = step
        self._call("step", step)

    def _call(self, event: str, record: Any) -> None:
        for callback in self._callbacks[event]:
            callback(record)
