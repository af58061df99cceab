"""Regenerate docs/screenshot.png (the first view: SGD, momentum and Adam racing down Rosenbrock's
valley), docs/data-panel.png (a Huber line fit with its data, residuals and the loss surface),
docs/phone.png (the first view at phone width) and docs/views.png (backpropagation stepped
through the house-price chain, and Himmelblau's basins).

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
FIT_PATH = (
    "/?objective=linear-regression&o.loss=huber&steps=60&speed=0&run=sgd:lr=0.3&run=adam:lr=0.3"
)
DONE = "body[data-run=done]"


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
            page.goto(base + "/")  # the first view plays its race by itself
            page.wait_for_selector(DONE, timeout=30_000)
            page.screenshot(path=str(ROOT / "docs" / "screenshot.png"))
            page.goto(base + FIT_PATH)
            page.wait_for_selector("[data-testid=data-panel][data-ready='1']", timeout=30_000)
            page.wait_for_selector(DONE, timeout=30_000)
            page.locator("main.layout").screenshot(path=str(ROOT / "docs" / "data-panel.png"))
            phone = browser.new_page(viewport={"width": 390, "height": 844})
            phone.goto(base + "/")
            phone.wait_for_selector(DONE, timeout=30_000)
            phone.screenshot(path=str(ROOT / "docs" / "phone.png"))
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
