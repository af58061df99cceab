"""Regenerate docs/lessons.png: a lesson card beside the live page, a prediction made (the ghost
point, the real step and the gap between them) and the update rule with the step's numbers.

Run: python scripts/screenshot_lessons.py  (needs Debian's chromium and the dev extras)
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
CARD = "/?lesson=black-box&card=3"
GUESS = ("0.7", "0.4")  # the learner's guess for (a, b) after the first step


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
            page.goto(base + CARD)
            page.wait_for_selector("[data-testid=lesson-predict][data-phase=guessing]")
            for i, value in enumerate(GUESS):
                page.get_by_test_id(f"guess-{i}").fill(value)
                page.get_by_test_id(f"guess-{i}").dispatch_event("input")
            page.get_by_test_id("lesson-commit").click()
            page.wait_for_selector("[data-testid=lesson-predict][data-phase=shown]")
            rule = "[data-testid=lesson-rule] .view-body[data-ready='1'][data-step]"
            page.wait_for_selector(rule)
            page.mouse.move(0, 0)  # no hover tooltip in the picture
            page.wait_for_timeout(600)
            page.screenshot(path=str(ROOT / "docs" / "lessons.png"))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
