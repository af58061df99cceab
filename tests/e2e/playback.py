"""Playing the page in browser tests: a change re-runs and plays by itself, so a test waits for
the newest request's traces to be drawn, and presses Play only to finish a race stopped short."""

from __future__ import annotations

DONE = "body[data-run=done]"
SETTLED = """() => { const b = document.body.dataset;
  return b.run === 'failed' || (b.job && b.drawnJob === b.job && b.run !== 'playing'); }"""


def play_to_end(page, timeout: float = 60_000) -> None:
    """Wait for the configuration on screen to be computed, drawn and played to its end."""
    page.wait_for_function(SETTLED, timeout=timeout)
    if page.get_attribute("body", "data-run") != "done":
        page.get_by_test_id("play").click()
    page.wait_for_selector(DONE, timeout=timeout)
