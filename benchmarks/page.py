"""The live page in Debian's chromium: how soon the picture answers a change, and how smooth it
plays. Three measures, each beside its peer measured in the same page in the same run:

- drag: the start marker dragged at 60 moves per second over Rosenbrock with 1 run x 300 steps;
  latency from each pointermove to the first frame that draws a path computed for that start or
  a later one (p50, p95), beside the bare POST /runs round trip for the same request (fetch in
  the page). Target p95 <= 50 ms.
- slider: the first run's learning-rate slider moved at 60 steps per second with 4 runs x 1,000
  steps; latency from each input event to the frame that draws its race or a later one. Target
  p95 <= 120 ms.
- frames: frame times while 8 runs x 5,000 steps stream and play, beside the same page idle.
  Target p95 <= 20 ms.

Run: python -m benchmarks.page   (needs Debian's chromium and the dev extras)
"""

from __future__ import annotations

import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
MOVES = 90
BARE = "the bare POST /runs round trip from the page"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

DRAG_URL = "/?objective=rosenbrock&steps=300&run=adam:lr=0.05&speed=0"
SLIDER_URL = (
    "/?objective=rosenbrock&steps=1000&speed=0&run=sgd:lr=0.0015"
    "&run=sgd:lr=0.0005,momentum=0.9&run=rmsprop:lr=0.01&run=adam:lr=0.05"
)
RUNS8 = "&".join(f"run=adam:lr={lr}" for lr in (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4))
FRAMES_URL = f"/?objective=rosenbrock&steps=5000&speed=4&{RUNS8}"

# Installed in the page before its own scripts: each input event's time and the request it
# started (body[data-job] after the page's handler ran), and the time each request is drawn.
PROBE = """
(() => {
  const inputs = [];
  const drawn = [];
  window.__probe = { inputs, drawn };
  const now = (key) => ({ t: performance.now(), job: Number(document.body.dataset[key]) });
  const note = () => inputs.push(now("job"));
  for (const type of ["pointermove", "input"]) document.addEventListener(type, note);
  // The body exists only once the document is parsed (before the page's first request).
  document.addEventListener("DOMContentLoaded", () =>
    new MutationObserver(() => drawn.push(now("drawnJob")))
      .observe(document.body, { attributeFilter: ["data-drawn-job"] }));
})();
"""

# Latency of every input whose request (or a later one) was drawn.
LATENCIES = """
() => {
  const { inputs, drawn } = window.__probe;
  const out = [];
  for (const i of inputs) {
    if (!(i.job > 0)) continue;
    const d = drawn.find((x) => x.t >= i.t && x.job >= i.job);
    if (d) out.push(d.t - i.t);
  }
  return out;
}
"""

BARE_FETCH = """
async ([body, n]) => {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const headers = { 'Content-Type': 'application/json' };
    const r = await fetch('/api/v1/runs', { method: 'POST', headers, body });
    await r.json();
    times.push(performance.now() - t);
  }
  return times;
}
"""

FRAME_TIMES = """
(ms) => new Promise((done) => {
  const deltas = [];
  let last = performance.now();
  const end = last + ms;
  const step = (t) => {
    deltas.push(t - last);
    last = t;
    if (t < end) requestAnimationFrame(step);
    else done(deltas);
  };
  requestAnimationFrame(step);
})
"""


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def serve() -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port), "--no-access-log"],
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{base}/api/v1/health", timeout=1)
            return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


def open_page(browser, base: str, path: str):
    """A page of the configuration `path`, played to its end; page.runs_body is the newest
    POST /runs body it sent (for the bare round trip beside it)."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.add_init_script(PROBE)
    sent: dict[str, str] = {}
    page.on("request", lambda r: r.url.endswith("/api/v1/runs") and sent.update(body=r.post_data))
    page.goto(base + path)
    page.wait_for_selector("body[data-phase=ready]")
    page.wait_for_selector("body[data-run=done]", timeout=60_000)
    return page, sent


def drag(browser, base: str) -> tuple[list[float], list[float]]:
    page, sent = open_page(browser, base, DRAG_URL)
    box = page.locator("#surface canvas.overlay").bounding_box()
    marker = page.get_by_test_id("surface").get_attribute("data-start-px")
    x0, y0 = (float(v) for v in marker.split(","))
    page.mouse.move(box["x"] + x0, box["y"] + y0)
    page.mouse.down()
    for i in range(MOVES):
        page.mouse.move(box["x"] + x0 + 2 * (i % 40) + 1, box["y"] + y0 + (i // 40) * 6)
        time.sleep(1 / 60)
    page.wait_for_timeout(400)
    page.mouse.up()
    latencies = page.evaluate(LATENCIES)
    bare = page.evaluate(BARE_FETCH, [sent["body"], 15])
    page.close()
    return latencies, bare


def slider(browser, base: str) -> tuple[list[float], list[float]]:
    page, sent = open_page(browser, base, SLIDER_URL)
    handle = page.locator(".lr-slider").first
    handle.focus()
    for i in range(MOVES):
        page.keyboard.press("ArrowRight" if (i // 30) % 2 == 0 else "ArrowLeft")
        time.sleep(1 / 60)
    page.wait_for_timeout(600)
    latencies = page.evaluate(LATENCIES)
    bare = page.evaluate(BARE_FETCH, [sent["body"], 15])
    page.close()
    return latencies, bare


def frames(browser, base: str) -> tuple[list[float], list[float]]:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(base + FRAMES_URL)
    page.wait_for_selector("body[data-run=playing]", timeout=30_000)
    playing = page.evaluate(FRAME_TIMES, 4000)
    page.wait_for_selector("body[data-run=done]", timeout=120_000)
    idle = page.evaluate(FRAME_TIMES, 2000)
    page.close()
    return playing, idle


def report(name: str, values: list[float], peer_name: str, peer: list[float], limit: float) -> None:
    p50, p95 = pct(values, 0.5), pct(values, 0.95)
    peer50 = statistics.median(peer)
    print(f"{name}: n = {len(values)}, p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    print(f"  {peer_name}: p50 {peer50:.1f} ms  ->  p50 is {p50 / peer50:.2f}x it")
    verdict = "meets" if p95 <= limit else "MISSES"
    print(f"  target p95 <= {limit:g} ms: {p95 / limit:.2f}x the limit ({verdict})")


def main() -> None:
    chromium = shutil.which("chromium")
    if not chromium:
        raise SystemExit("Debian's chromium is needed: apt-get install chromium")
    proc, base = serve()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=ARGS)
            lat, bare = drag(browser, base)
            report("drag -> redrawn path (1 run x 300 steps)", lat, BARE, bare, 50)
            lat, bare = slider(browser, base)
            report("slider -> redrawn path (4 runs x 1,000 steps)", lat, BARE, bare, 120)
            playing, idle = frames(browser, base)
            what = "frame time while 8 runs x 5,000 steps stream and play"
            report(what, playing, "the idle page's frame time", idle, 20)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
