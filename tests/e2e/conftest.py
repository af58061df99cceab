"""Browser tests: a live uvicorn server and Debian's chromium driven through Playwright.

Chromium comes from apt (`apt-get install chromium`), never from `playwright install`.
Set E2E_BASE_URL to test a server that is already running instead of starting one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "test-results"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(base: str, proc: subprocess.Popen | None, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            pytest.fail(f"uvicorn exited with {proc.returncode} before serving:\n{out[-4000:]}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{base}/api/v1/health", timeout=2) as r,
        ):
            if r.status == 200:
                return
        time.sleep(0.2)
    pytest.fail(f"the server at {base} did not answer /api/v1/health within {timeout:.0f}s")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return path


@contextlib.contextmanager
def uvicorn_server(env: dict[str, str] | None = None) -> Iterator[str]:
    """Base URL of `uvicorn app.main:app` on a free loopback port, with `env` (GDP_* settings)
    added to this process's environment."""
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "app.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture(scope="session")
def live_server(chromium_path: str):
    """Base URL of a live `uvicorn app.main:app` on a free loopback port."""
    given = os.environ.get("E2E_BASE_URL")
    if given:
        _wait_healthy(given.rstrip("/"), None)
        yield given.rstrip("/")
        return
    with uvicorn_server() as base:
        yield base


@pytest.fixture(scope="session")
def gdp_browser(chromium_path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class PageWatch:
    """A page plus what it did: every requested URL and every console error."""

    def __init__(self, page, base: str):
        self.page = page
        self.base = base
        self.urls: list[str] = []
        self.errors: list[str] = []

    def goto(self, path: str = "/"):
        self.page.goto(self.base + path)
        self.page.wait_for_selector("body[data-phase=ready]", timeout=15_000)
        return self.page

    def assert_clean(self) -> None:
        foreign = [
            u
            for u in self.urls
            if urlsplit(u).hostname not in ("127.0.0.1",) and not u.startswith(("data:", "blob:"))
        ]
        assert not foreign, f"requests left localhost: {foreign}"
        assert not self.errors, f"console errors: {self.errors}"


def _watch(browser, base: str, viewport: dict):
    context = browser.new_context(viewport=viewport, service_workers="block")
    page = context.new_page()
    watch = PageWatch(page, base)

    def record(route):
        watch.urls.append(route.request.url)
        host = urlsplit(route.request.url).hostname
        if host == "127.0.0.1" or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            route.abort()  # never let a test reach the network, even if the page tried

    page.route("**/*", record)
    page.on("console", lambda m: m.type == "error" and watch.errors.append(m.text))
    page.on("pageerror", lambda e: watch.errors.append(f"uncaught: {e}"))
    return context, watch


@pytest.fixture
def gdp(gdp_browser, live_server):
    """A fresh 1280×720 page on the live server, watched for foreign requests and errors."""
    context, watch = _watch(gdp_browser, live_server, {"width": 1280, "height": 720})
    yield watch
    context.close()


@pytest.fixture
def gdp_phone(gdp_browser, live_server):
    context, watch = _watch(gdp_browser, live_server, {"width": 390, "height": 844})
    yield watch
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Save a screenshot of the page into test-results/ when a browser test fails."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    for name in ("gdp", "gdp_phone"):
        watch = item.funcargs.get(name)
        if watch is None:
            continue
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"{item.name}.png"
        with contextlib.suppress(Exception):
            watch.page.screenshot(path=str(path), full_page=True)
            report.sections.append(("screenshot", str(path)))
