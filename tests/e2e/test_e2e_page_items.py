"""End-to-end checks of the page's items one by one: surface interaction, playback, numbers,
outcomes, sharing and layout (issue 5, "What it does"). See conftest.py for the fixtures."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playback import play_to_end

pytestmark = pytest.mark.e2e

DONE = "body[data-run=done]"
SURFACE_READY = "[data-testid=surface][data-ready='1']"
OVERLAY = "[data-testid=surface] canvas.overlay"


def table_cells(page, field: str) -> list[str]:
    return page.eval_on_selector_all(
        f"[data-testid=run-table] tbody td[data-field={field}]", "cs => cs.map(c => c.textContent)"
    )


def table_params(page) -> list:
    return page.eval_on_selector_all(
        "[data-testid=run-table] tbody td[data-field=params]",
        "cs => cs.map(c => JSON.parse(c.dataset.value))",
    )


def wait_step(page, step: int) -> None:
    page.wait_for_function(
        "s => document.querySelector('[data-testid=run-table] td[data-field=step]')"
        ".textContent === String(s)",
        arg=step,
    )


def surface_bounds(gdp_page) -> list:
    """Record the bounds of every POST /api/v1/surface the page sends from now on."""
    seen: list = []

    def on_request(request):
        if request.url.endswith("/api/v1/surface") and request.method == "POST":
            seen.append(json.loads(request.post_data)["bounds"])

    gdp_page.on("request", on_request)
    return seen


def expected_errors_only(gdp, *codes: str) -> None:
    """Drop the browser's own "Failed to load resource: … 4xx/5xx" lines for expected answers."""
    gdp.errors = [e for e in gdp.errors if not any(c in e for c in codes)]


# ---- the known bug: a hand-written URL with speed=0 ---------------------------------------------


def test_hand_written_run_url_with_instant_speed_plays_to_the_end(gdp):
    page = gdp.goto("/?objective=rosenbrock&steps=300&run=sgd:lr=0.001:momentum=0.9&speed=0")
    play_to_end(page)
    text = page.get_by_test_id("status").inner_text()
    assert "?" not in text and "took all 300 steps" in text, text
    assert table_cells(page, "step") == ["300"]
    assert table_cells(page, "status") == ["max steps"]
    assert int(page.get_by_test_id("surface").get_attribute("data-points")) == 301
    # Momentum was applied (not dropped as part of a bad learning rate) and the URL is canonical.
    page.wait_for_function("() => location.search.includes('run=sgd:lr=0.001,momentum=0.9')")
    gdp.assert_clean()


def test_bad_run_settings_in_the_url_are_named_and_the_rest_still_plays(gdp):
    page = gdp.goto("/?objective=booth&steps=20&speed=0&run=sgd:lr=abc,foo=1&run=nosuch:lr=1")
    status = page.get_by_test_id("status").inner_text()
    assert "lr=abc" in status and "foo=1" in status and "nosuch" in status
    assert page.get_by_test_id("optimizer").count() == 1
    play_to_end(page)
    assert table_cells(page, "step") == ["20"]
    gdp.assert_clean()


def test_a_failed_run_keeps_its_error_and_play_tries_again(gdp):
    page = gdp.goto("/?objective=booth&steps=20&speed=0")
    play_to_end(page)
    body = {"detail": [{"field": "steps", "msg": "the server is having a bad day"}]}
    fail = lambda route: route.fulfill(status=503, json=body)  # noqa: E731
    page.route("**/api/v1/runs", fail)
    page.get_by_test_id("steps").fill("25")  # a change re-runs at once, and that run fails
    page.wait_for_selector("body[data-run=failed]")
    page.wait_for_timeout(300)  # a few frames: nothing may cover the error with "Done."
    status = page.get_by_test_id("status")
    assert "bad day" in status.inner_text() and status.get_attribute("data-kind") == "error"
    page.unroute("**/api/v1/runs", fail)
    page.get_by_test_id("play").click()  # tries the failed run again
    page.wait_for_selector(DONE)
    assert table_cells(page, "step") == ["25"] * 3  # the default race: three runs
    expected_errors_only(gdp, "503")
    gdp.assert_clean()


# ---- the surface -----------------------------------------------------------------------------


def test_click_sets_the_start_and_dragging_the_marker_moves_it(gdp):
    page = gdp.goto("/?objective=booth&steps=10&speed=0")
    page.wait_for_selector(SURFACE_READY)
    box = page.locator(OVERLAY).bounding_box()
    x0, y0 = box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.4
    page.mouse.click(x0, y0)
    page.wait_for_function("() => location.search.includes('start=')")
    clicked = [float(page.get_by_test_id(f"start-{i}").input_value()) for i in (0, 1)]
    # Drag the marker right and down: x grows, y shrinks (y points up on the plot).
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + 60, y0 + 40, steps=6)
    page.mouse.up()
    page.wait_for_function(
        "x => Number(document.querySelector('[data-testid=start-0]').value) > x", arg=clicked[0]
    )
    dragged = [float(page.get_by_test_id(f"start-{i}").input_value()) for i in (0, 1)]
    assert dragged[0] > clicked[0] and dragged[1] < clicked[1]
    # The descent starts where the marker was dropped.
    play_to_end(page)
    page.get_by_test_id("reset").click()
    wait_step(page, 0)
    assert table_params(page)[0] == pytest.approx(dragged, abs=1e-9)
    gdp.assert_clean()


def test_zoom_and_pan_recompute_the_surface(gdp):
    page = gdp.page
    bounds = surface_bounds(page)
    gdp.goto("/?objective=himmelblau")
    page.wait_for_selector(SURFACE_READY)
    assert bounds == [[[-5, 5], [-5, 5]]]
    box = page.locator(OVERLAY).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -400)  # zoom in
    page.wait_for_function("() => location.search.includes('view=')")
    page.wait_for_timeout(400)
    assert len(bounds) == 2
    (zx0, zx1), (zy0, zy1) = bounds[-1]
    assert zx1 - zx0 < 10 and zy1 - zy0 < 10
    # Drag (pan) to the left: the view moves right, same size.
    px, py = box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.7
    page.mouse.move(px, py)
    page.mouse.down()
    page.mouse.move(px - 100, py, steps=5)
    page.mouse.up()
    page.wait_for_timeout(400)
    assert len(bounds) == 3
    (px0, px1), (py0, py1) = bounds[-1]
    assert px0 > zx0 and px1 - px0 == pytest.approx(zx1 - zx0, rel=1e-4)
    assert (py0, py1) == pytest.approx((zy0, zy1), rel=1e-4)
    # Keyboard: Tab onto the plot, then ↑ pans up and − zooms out.
    page.get_by_role("button", name="Reset view").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('overlay')")
    page.keyboard.press("ArrowUp")
    page.wait_for_timeout(400)
    assert bounds[-1][1][0] > py0 and bounds[-1][0] == pytest.approx([px0, px1], rel=1e-4)
    page.get_by_role("button", name="Reset view").click()
    page.wait_for_timeout(400)
    assert bounds[-1] == [[-5, 5], [-5, 5]]
    assert page.get_by_test_id("surface").get_attribute("data-ready") == "1"
    gdp.assert_clean()


def test_hover_shows_x_y_and_the_loss(gdp):
    page = gdp.goto("/?objective=booth")
    page.wait_for_selector(SURFACE_READY)
    box = page.locator(OVERLAY).bounding_box()
    tip = page.locator("[data-testid=surface] .tooltip")
    for fx, fy in ((0.5, 0.5), (0.3, 0.7), (0.8, 0.2)):
        page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=surface] .tooltip').hidden"
        )
        m = re.fullmatch(r"x = (\S+), y = (\S+), loss ≈ (\S+)", tip.inner_text())
        assert m, tip.inner_text()
        x, y, loss = (float(v) for v in m.groups())
        booth = (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2
        assert loss == pytest.approx(booth, rel=0.03, abs=0.5)
    gdp.assert_clean()


def test_gradient_and_momentum_arrows_at_the_current_point(gdp):
    page = gdp.goto(
        "/?objective=himmelblau&steps=30&speed=0&run=sgd:lr=0.01,momentum=0.9&run=sgd:lr=0.01"
    )
    play_to_end(page)
    surface = page.get_by_test_id("surface")
    page.get_by_test_id("reset").click()
    for _ in range(3):
        page.get_by_test_id("step").click()
    wait_step(page, 3)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=surface]').dataset.gradientMarks === '2'"
    )
    # Only the run with momentum has a velocity to draw.
    assert surface.get_attribute("data-velocity-marks") == "1"
    # 1-D: the same arrows beside the tangent.
    page = gdp.goto("/?objective=u-curve&steps=30&speed=0&run=sgd:lr=0.05,momentum=0.9")
    play_to_end(page)
    page.get_by_test_id("reset").click()
    page.get_by_test_id("step").click()
    page.get_by_test_id("step").click()
    wait_step(page, 2)
    curve = page.get_by_test_id("curve")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=curve]').dataset.gradientMarks === '1'"
    )
    assert curve.get_attribute("data-velocity-marks") == "1"
    gdp.assert_clean()


# ---- controls and numbers ------------------------------------------------------------------------


def test_step_back_scrub_keys_and_the_charts_follow_the_scrubbed_step(gdp):
    page = gdp.goto("/?objective=himmelblau&steps=100&speed=0&run=sgd:lr=0.01&run=adam:lr=0.1")
    play_to_end(page)
    charts = [page.get_by_test_id("loss-chart"), page.get_by_test_id("grad-chart")]
    for chart in charts:
        assert chart.get_attribute("data-cursor-step") == "100"
    scrub = page.get_by_test_id("scrub")
    assert scrub.is_enabled() and scrub.get_attribute("max") == "100"
    scrub.fill("40")
    wait_step(page, 40)
    assert page.locator("body").get_attribute("data-run") == "paused"
    for chart in charts:
        page.wait_for_function("el => el.dataset.cursorStep === '40'", arg=chart.element_handle())
        # Scrubbing back keeps the whole run on the chart, so the marker can move both ways.
        assert chart.get_attribute("data-last-step") == "100"
    at40 = table_params(page)
    page.get_by_role("button", name="Step back (←)").click()
    wait_step(page, 39)
    page.locator("h1").click()
    page.keyboard.press("ArrowLeft")
    wait_step(page, 38)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    wait_step(page, 40)
    assert table_params(page) == at40
    # Clicking the loss chart near its right end scrubs there.
    over = page.locator("#loss-chart .u-over").bounding_box()
    page.mouse.click(over["x"] + over["width"] * 0.9, over["y"] + over["height"] / 2)
    page.wait_for_function(
        "() => Number(document.querySelector('[data-testid=run-table] td[data-field=step]')"
        ".textContent) > 80"
    )
    assert (
        page.get_by_test_id("grad-chart").get_attribute("data-cursor-step")
        == table_cells(page, "step")[0]
    )
    # Space plays on to the end.
    page.keyboard.press("Space")
    page.wait_for_selector(DONE)
    gdp.assert_clean()


def test_loss_chart_log_scale_option(gdp):
    page = gdp.goto("/?objective=rosenbrock&steps=200&speed=0")
    play_to_end(page)
    chart = page.get_by_test_id("loss-chart")
    assert chart.get_attribute("data-scale") == "log"
    before = page.eval_on_selector("#loss-chart canvas", "c => c.toDataURL()")
    page.get_by_test_id("log-scale").uncheck()
    page.wait_for_function("() => location.search.includes('log=0')")
    assert chart.get_attribute("data-scale") == "linear"
    assert page.eval_on_selector("#loss-chart canvas", "c => c.toDataURL()") != before
    # The choice is part of the shared configuration.
    page.reload()
    page.wait_for_selector("body[data-phase=ready]")
    assert not page.get_by_test_id("log-scale").is_checked()
    gdp.assert_clean()


def test_convergence_and_divergence_are_marked_and_said(gdp):
    page = gdp.goto(
        "/?objective=booth&steps=300&speed=0&stop_loss=0.001&run=sgd:lr=0.05&run=sgd:lr=0.2"
    )
    play_to_end(page)
    status = page.get_by_test_id("status")
    assert re.search(r"run 1 converged at step \d+", status.inner_text())
    assert re.search(r"run 2 diverged at step \d+", status.inner_text())
    # The server's own words for each ending are in the run table.
    titles = page.eval_on_selector_all(
        "[data-testid=run-table] td[data-field=status]", "cs => cs.map(c => c.title)"
    )
    assert re.match(r"converged at step \d+: loss < 0.001", titles[0])
    assert titles[1].startswith("diverged at step")
    assert table_cells(page, "status") == ["converged", "diverged"]
    surface = page.get_by_test_id("surface")
    assert surface.get_attribute("data-converged-marks") == "1"
    assert surface.get_attribute("data-diverged-marks") == "1"
    gdp.assert_clean()


def test_nan_never_blanks_or_freezes_the_page(gdp):
    page = gdp.goto(
        "/?objective=custom&expr=sqrt(x)%20%2B%20y%5E2&start=0.5,1&steps=50&speed=0&run=sgd:lr=0.5"
    )
    page.wait_for_selector(SURFACE_READY)
    play_to_end(page)
    assert "diverged" in page.get_by_test_id("status").inner_text()
    assert table_cells(page, "loss") == ["NaN"]
    assert page.get_by_test_id("surface").get_attribute("data-diverged-marks") == "1"
    # The contours (half of them grey: sqrt of negatives) and the charts are still drawn…
    visible = page.eval_on_selector(
        "[data-testid=surface] canvas.base",
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }""",
    )
    assert visible > 10_000
    # …and the page still answers: scrub back, then switch objective and run again.
    page.get_by_test_id("scrub").fill("0")
    wait_step(page, 0)
    page.get_by_test_id("objective").select_option("booth")
    play_to_end(page)
    assert table_cells(page, "status") == ["max steps"]
    gdp.assert_clean()


# ---- sharing -----------------------------------------------------------------------------------


def test_json_export_and_the_python_and_curl_snippets_reproduce_the_runs(gdp):
    page = gdp.goto("/?objective=himmelblau&steps=40&speed=0&run=sgd:lr=0.01,momentum=0.9")
    play_to_end(page)
    shown = table_params(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Export JSON").click()
    assert info.value.suggested_filename == "descent.json"
    data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert data["request"]["runs"][0]["optimizer"] == {"name": "sgd", "lr": 0.01, "momentum": 0.9}
    assert [r["trace"]["params"][-1] for r in data["runs"]] == shown
    assert len(data["runs"][0]["trace"]["step"]) == 41

    page.get_by_role("button", name="Copy Python (httpx)").click()
    snippet = page.locator("#snippet").input_value()
    assert snippet.startswith("import httpx") and f"{gdp.base}/api/v1/runs" in snippet
    out = subprocess.run(
        [sys.executable, "-c", snippet], capture_output=True, text=True, timeout=60, check=True
    )
    assert str(shown[0]) in out.stdout.replace("\n", " ")

    page.get_by_role("button", name="Copy curl command").click()
    command = page.locator("#snippet").input_value()
    assert command.startswith("curl ")
    if shutil.which("curl"):
        out = subprocess.run(
            ["bash", "-c", command], capture_output=True, text=True, timeout=60, check=True
        )
        assert [r["trace"]["params"][-1] for r in json.loads(out.stdout)["runs"]] == shown
    gdp.assert_clean()


def test_a_stochastic_model_fit_round_trips_through_the_url(gdp, gdp_browser):
    page = gdp.goto("/?objective=linear-regression&steps=60&speed=0")
    page.get_by_test_id("option-batch_size").fill("4")
    page.get_by_test_id("option-batch_size").dispatch_event("change")
    page.get_by_test_id("seed").fill("7")
    page.get_by_test_id("seed").dispatch_event("change")
    page.get_by_test_id("option-loss").select_option("huber")
    play_to_end(page)
    first = table_params(page)
    page.wait_for_function(
        "() => ['o.batch_size=4', 'seed=7', 'o.loss=huber'].every(s => location.search.includes(s))"
    )
    url = page.evaluate("() => location.href")
    other = gdp_browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        other.goto(url)
        other.wait_for_selector("body[data-phase=ready]")
        assert other.get_by_test_id("option-loss").input_value() == "huber"
        assert other.get_by_test_id("seed").input_value() == "7"
        play_to_end(other)
        assert table_params(other) == first
    finally:
        other.close()
    # Another seed draws other mini-batches: another path.
    page.get_by_test_id("seed").fill("8")
    page.get_by_test_id("seed").dispatch_event("change")
    play_to_end(page)
    assert table_params(page) != first
    gdp.assert_clean()


# ---- layout ----------------------------------------------------------------------------------


ACCESSIBLE_NAMES = """() => [...document.querySelectorAll('input, select, textarea, button')]
  .filter(e => e.getClientRects().length)
  .map(e => {
    const byLabel = e.labels ? [...e.labels].map(l => l.textContent.trim()).join(' ') : '';
    const by = e.getAttribute('aria-labelledby');
    const name = byLabel || e.getAttribute('aria-label')
      || (by && document.getElementById(by)?.textContent)
      || (e.tagName === 'BUTTON' && e.textContent.trim()) || '';
    return {what: e.outerHTML.slice(0, 80), name: name.trim()};
  })"""


def test_controls_are_labelled_and_reachable_by_keyboard(gdp):
    page = gdp.goto("/?objective=linear-regression&steps=20&speed=0&run=sgd:lr=0.1&run=adam:lr=0.1")
    play_to_end(page)  # the scrub slider is enabled once there is something to scrub
    controls = page.evaluate(ACCESSIBLE_NAMES)
    assert len(controls) > 25
    unnamed = [c["what"] for c in controls if not c["name"]]
    assert not unnamed, f"controls without an accessible name: {unnamed}"
    wanted = {"objective", "option-loss", "option-batch_size", "optimizer", "lr", "add-run"}
    wanted |= {"reset", "play", "step", "speed", "scrub", "log-scale", "steps", "start-0"}
    reached: set[str] = set()
    page.locator("h1").click()
    for _ in range(80):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("() => document.activeElement.dataset.testid || ''"))
    assert wanted <= reached, f"not reachable with Tab: {wanted - reached}"
    gdp.assert_clean()


def test_usable_at_1280_by_720(gdp):
    page = gdp.goto("/?objective=himmelblau&steps=50&speed=0")
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 1280
    # Without scrolling: the surface, the playback controls, the status, the loss chart.
    for tid in ("surface", "play", "step", "reset", "speed", "status", "loss-chart", "objective"):
        box = page.get_by_test_id(tid).bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= 720, tid
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1280, tid
    play_to_end(page)
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 1280
    gdp.assert_clean()


def test_usable_at_phone_width(gdp_phone):
    page = gdp_phone.goto("/?objective=himmelblau&steps=50&speed=0&run=sgd:lr=0.01&run=adam:lr=0.1")
    page.wait_for_selector(SURFACE_READY)
    # The plot comes first, and a tap on it sets the start.
    box = page.locator(OVERLAY).bounding_box()
    assert box["width"] > 300 and box["y"] < 844
    page.mouse.click(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.4)
    page.wait_for_function("() => location.search.includes('start=')")
    play_to_end(page)
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 391
    for tid in ("play", "step", "scrub", "run-table", "loss-chart", "objective", "add-run"):
        el = page.get_by_test_id(tid)
        el.scroll_into_view_if_needed()
        b = el.bounding_box()
        assert b and b["x"] >= 0 and b["x"] + b["width"] <= 391, tid
    gdp_phone.assert_clean()


def test_expression_message_appears_next_to_the_input(gdp):
    page = gdp.goto("/?objective=custom&expr=x%5E2%20%2B%20y%5E2")
    box = page.get_by_test_id("expression")
    box.fill("x^2 + (y")
    error = page.get_by_test_id("expression-error")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=expression-error]').textContent !== ''"
    )
    assert "never closed" in error.inner_text() and "column" in error.inner_text()
    assert error.get_attribute("id") in box.get_attribute("aria-describedby").split()
    ib, eb = box.bounding_box(), error.bounding_box()
    assert 0 <= eb["y"] - (ib["y"] + ib["height"]) < 20 and abs(eb["x"] - ib["x"]) < 20
    # The last good expression stays in force while the typed one is wrong.
    assert "expr=x%5E2%20%2B%20y%5E2" in page.evaluate("() => location.search")
    expected_errors_only(gdp, "422")
    gdp.assert_clean()
