"""The page's figures in headless Chromium: time to the first contour, frames per second while
8 runs x 5,000 steps animate, and the first view's JS and CSS weight, each against its target.

Needs Debian's chromium (apt-get install chromium) and the dev extras (Playwright). Starts its
own server on a free port, unless BASE_URL names one that is already running.

Run: python -m benchmarks.first_view
"""

from __future__ import annotations

import contextlib
import gzip
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
FPS_SCRIPT = """() => new Promise(done => { let n = 0; const t0 = performance.now();
    const tick = () => { n++;
      if (performance.now() - t0 < 3000) requestAnimationFrame(tick);
      else done(n * 1000 / (performance.now() - t0)); };
    requestAnimationFrame(tick); })"""


@contextlib.contextmanager
def server() -> Iterator[str]:
    """The base URL of BASE_URL's server, or of a uvicorn started for the run."""
    if os.environ.get("BASE_URL"):
        yield os.environ["BASE_URL"].rstrip("/")
        return
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port)]
    proc = subprocess.Popen([*command, "--log-level", "warning"], cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{base}/api/v1/health"):
                break
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def first_view(page, base: str) -> tuple[float, float, int, float, float]:
    """(ms to the first contour as the page counts it, ms of wall clock, asset files, KB raw,
    KB gzipped) for a fresh load of the page."""
    responses: list[tuple[str, str]] = []
    page.on("response", lambda r: responses.append((r.url, r.request.resource_type)))
    t0 = time.perf_counter()
    page.goto(base + "/")
    page.wait_for_selector("[data-testid=surface][data-ready='1']", timeout=15_000)
    wall = (time.perf_counter() - t0) * 1000
    in_page = float(page.get_by_test_id("surface").get_attribute("data-first-contour-ms"))
    assets = sorted({u for u, kind in responses if kind in ("script", "stylesheet")})
    raw = zipped = 0
    for url in assets:
        with urllib.request.urlopen(url) as r:
            body = r.read()
        raw += len(body)
        zipped += len(gzip.compress(body, 9))
    return in_page, wall, len(assets), raw / 1024, zipped / 1024


def animation_fps(page, base: str) -> tuple[float, str | None]:
    """Frames per second while 8 runs x 5,000 steps play, and the points drawn by then."""
    runs = "&".join(["run=sgd:lr=0.0005", "run=adam:lr=0.02"] * 4)
    page.goto(f"{base}/?objective=rosenbrock&steps=5000&speed=16&{runs}")
    page.wait_for_selector("body[data-phase=ready]", timeout=15_000)
    page.get_by_test_id("play").click()
    page.wait_for_function(
        "() => Number(document.querySelector('[data-testid=surface]').dataset.points) > 8 * 200",
        timeout=60_000,
    )
    fps = page.evaluate(FPS_SCRIPT)
    return fps, page.get_by_test_id("surface").get_attribute("data-points")


def main() -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with server() as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 720})
            page = context.new_page()
            in_page, wall, files, raw, zipped = first_view(page, base)
            fps, points = animation_fps(page, base)
        finally:
            browser.close()
    print(f"time to first contour: {in_page:.0f} ms after navigation [<= 1000]")
    print(f"  ({wall:.0f} ms of wall clock, page.goto included)")
    print(f"frames per second, 8 runs x 5,000 steps: {fps:.1f} [>= 50] (points drawn: {points})")
    print(f"first view's JS and CSS: {files} files, {raw:.1f} KB, {zipped:.1f} KB gzipped [<= 300]")


if __name__ == "__main__":
    main()
