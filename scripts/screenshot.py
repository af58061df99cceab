"""Regenerate docs/screenshot.png (the page racing optimizers down Rosenbrock's valley) and
docs/views.png (backpropagation stepped through the house-price chain, and Himmelblau's basins).

Run: python scripts/screenshot.py  (needs Debian's chromium and the dev extras)
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
RUNS = "run=sgd:lr=0.0015&run=adam:lr=0.05&run=rmsprop:lr=0.01&run=sgd:lr=0.0005"
URL_PATH = f"/?objective=rosenbrock&steps=400&speed=16&{RUNS}"


def main() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "app", "--port", str(port)], cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{base}/api/v1/health")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=shutil.which("chromium"),
                args=["--headless", "--no-sandbox", "--disable-gpu"],
            )
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(base + URL_PATH)
            page.get_by_test_id("play").click()
            page.wait_for_timeout(6000)
            page.screenshot(path=str(ROOT / "docs" / "screenshot.png"))
            shoot_views(browser.new_page(viewport={"width": 1280, "height": 800}), base)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


def shoot_views(page, base: str) -> None:
    page.goto(base + "/")
    page.wait_for_selector("[data-testid=surface][data-ready='1']")
    for name in ("backprop", "basins"):
        page.locator(f"[data-testid=view-{name}] > summary").click()
        page.wait_for_selector(f"[data-testid=view-{name}][data-loaded='1']")
    page.get_by_test_id("backprop-summary").wait_for()
    step = page.get_by_test_id("backprop-step")
    for _ in range(4):
        step.click()
    page.get_by_test_id("basin-run").click()
    page.wait_for_selector("[data-testid=view-basins] .view-body[data-ready='1']", timeout=30_000)
    page.locator("#views").screenshot(path=str(ROOT / "docs" / "views.png"))


if __name__ == "__main__":
    main()
