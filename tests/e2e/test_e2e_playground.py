"""End-to-end: the page against the live API in Debian's chromium (see conftest.py)."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from playback import play_to_end

pytestmark = pytest.mark.e2e

DONE = "body[data-run=done]"
# Predicates are arrow functions, not bare expressions: Playwright eval()s bare expressions,
# which the page's CSP (script-src 'self') forbids.


FIRST_STEP_CELL = "document.querySelector('[data-testid=run-table] td[data-field=step]')"


def objectives(base: str) -> list[dict]:
    with urllib.request.urlopen(f"{base}/api/v1/objectives") as r:
        return json.load(r)["objectives"]


def canvas_ink(page, selector: str) -> int:
    """Number of non-transparent pixels on a canvas (the paths' layer is transparent when empty)."""
    return page.eval_on_selector(
        selector,
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }""",
    )


def final_params(page) -> list:
    rows = page.locator("[data-testid=run-table] tbody tr")
    return [
        json.loads(rows.nth(i).locator("[data-field=params]").get_attribute("data-value"))
        for i in range(rows.count())
    ]


def test_objectives_are_grouped_and_pickable(gdp):
    page = gdp.goto("/")
    groups = page.eval_on_selector_all(
        "[data-testid=objective] optgroup", "els => els.map(e => e.label)"
    )
    for label in (
        "Test functions",
        "Model-fitting losses",
        "Worked examples",
        "One-dimensional",
        "Custom",
    ):
        assert label in groups
    page.get_by_test_id("objective").select_option("himmelblau")
    page.wait_for_function("() => location.search.includes('objective=himmelblau')")
    page.wait_for_selector("[data-testid=surface][data-ready='1']")
    assert int(page.get_by_test_id("surface").get_attribute("data-levels")) > 5
    gdp.assert_clean()


def test_model_fitting_objective_shows_its_options(gdp):
    page = gdp.goto("/")
    fitting = [o for o in objectives(gdp.base) if o["group"] == "model-fitting" and o["options"]]
    assert fitting, "the API lists no model-fitting objective with options"
    for obj in fitting:
        page.get_by_test_id("objective").select_option(obj["id"])
        # Every model-fitting objective shows its loss (a choice where several apply), its batch
        # size for stochastic gradients and the seed that draws the batches.
        for tid in ("option-loss", "option-batch_size", "seed"):
            assert page.get_by_test_id(tid).is_visible(), (obj["id"], tid)
        for opt in obj["options"]:
            if opt["name"] != "delta":  # δ belongs to the Huber loss: shown with it, below
                assert page.get_by_test_id(f"option-{opt['name']}").is_visible()
    page.get_by_test_id("objective").select_option("linear-regression")
    loss = page.get_by_test_id("option-loss")
    assert loss.is_enabled()
    labels = loss.locator("option").all_inner_texts()
    assert [t.split()[0] for t in labels] == ["MSE", "MAE", "Huber"]
    assert page.get_by_test_id("option-delta").is_hidden()
    loss.select_option("huber")
    assert page.get_by_test_id("option-delta").is_visible()
    page.wait_for_function("() => location.search.includes('o.loss=huber')")
    page.get_by_test_id("objective").select_option("logistic-regression")
    assert page.get_by_test_id("option-loss").is_disabled()
    assert "BCE" in page.get_by_test_id("option-loss").inner_text()
    gdp.assert_clean()


def test_add_runs_play_draws_paths_and_updates_table(gdp):
    page = gdp.goto("/?objective=rosenbrock&steps=150&speed=0&run=adam:lr=0.05")
    page.get_by_test_id("add-run").click()
    page.get_by_test_id("add-run").click()
    assert page.get_by_test_id("optimizer").count() == 3
    page.get_by_test_id("optimizer").nth(1).select_option("sgd")
    page.get_by_test_id("lr").nth(1).fill("0.001")
    page.get_by_test_id("lr").nth(1).dispatch_event("change")
    play_to_end(page)
    assert canvas_ink(page, "[data-testid=surface] canvas.trail") > 100
    points = int(page.get_by_test_id("surface").get_attribute("data-points"))
    assert 3 < points <= 3 * 151
    rows = page.locator("[data-testid=run-table] tbody tr")
    assert rows.count() == 3
    for i in range(3):
        assert rows.nth(i).locator("[data-field=status]").inner_text() in (
            "max steps",
            "converged",
            "diverged",
        )
        assert rows.nth(i).locator("[data-field=step]").inner_text() != "0"
    # The URL follows within a moment (history.replaceState is rate-limited by browsers).
    page.wait_for_function("() => location.search.includes('run=sgd:lr=0.001')")
    gdp.assert_clean()


def test_keyboard_space_plays_and_arrows_step(gdp):
    page = gdp.goto("/?objective=rosenbrock&steps=50&speed=0.25")
    page.wait_for_selector("body[data-run=playing]")  # a new configuration plays by itself
    page.locator("h1").click()
    page.keyboard.press("Space")
    page.wait_for_selector("body[data-run=paused]")
    page.keyboard.press("Space")
    page.wait_for_selector("body[data-run=playing]")
    page.keyboard.press("Space")
    page.wait_for_selector("body[data-run=paused]")
    page.get_by_test_id("reset").click()
    page.locator("h1").click()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => {FIRST_STEP_CELL}.textContent === '2'")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => {FIRST_STEP_CELL}.textContent === '1'")
    gdp.assert_clean()


def test_url_round_trip_reproduces_the_same_final_params(gdp, gdp_browser, live_server):
    page = gdp.goto("/")
    page.get_by_test_id("objective").select_option("himmelblau")
    page.get_by_test_id("add-run").click()
    page.get_by_test_id("optimizer").nth(1).select_option("sgd")
    page.get_by_test_id("lr").nth(1).fill("0.01")
    page.get_by_test_id("lr").nth(1).dispatch_event("change")
    # Click the surface to move the start point, then shorten the run.
    overlay = page.locator("[data-testid=surface] canvas.overlay")
    overlay.scroll_into_view_if_needed()  # editing the fourth run scrolled the page down
    box = overlay.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.35)
    page.get_by_test_id("steps").fill("120")
    page.get_by_test_id("steps").dispatch_event("change")
    page.get_by_test_id("speed").select_option("0")
    play_to_end(page)
    first = final_params(page)
    # The URL is written (history.replaceState) 150 ms after the last change.
    page.wait_for_function(
        "() => location.search.includes('steps=120') && location.search.includes('start=')"
    )
    url = page.evaluate("() => location.href")
    assert "start=" in url and "steps=120" in url
    other = gdp_browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        other.goto(url)
        other.wait_for_selector("body[data-phase=ready]")
        assert other.get_by_test_id("optimizer").count() == 4  # the first race's three, plus one
        play_to_end(other)
        assert final_params(other) == first
    finally:
        other.close()
    gdp.assert_clean()


def test_bad_expression_shows_its_message(gdp):
    page = gdp.goto("/")
    page.get_by_test_id("objective").select_option("custom")
    box = page.get_by_test_id("expression")
    assert box.is_visible()
    box.fill("x^2 + foo(y)")
    error = page.get_by_test_id("expression-error")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=expression-error]').textContent.length > 0"
    )
    assert "foo" in error.inner_text()
    assert box.get_attribute("aria-invalid") is not None
    box.fill("x^2 + 3*y^2")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=expression-error]').textContent === ''"
    )
    page.wait_for_function("() => location.search.includes('expr=')")
    # A 422 is an expected answer here, not a page error.
    gdp.errors = [e for e in gdp.errors if "422" not in e]
    gdp.assert_clean()


def test_diverging_learning_rate_says_diverged(gdp):
    page = gdp.goto("/?objective=rosenbrock&steps=200&run=sgd:lr=1&speed=0")
    play_to_end(page)
    assert "diverged" in page.get_by_test_id("status").inner_text()
    assert (
        page.locator("[data-testid=run-table] td[data-field=status]").first.inner_text()
        == "diverged"
    )
    # Nothing froze or blanked: the contour is still drawn and the page still answers.
    assert canvas_ink(page, "[data-testid=surface] canvas.base") > 1000
    page.get_by_test_id("reset").click()
    page.wait_for_selector("body[data-run=paused]")
    gdp.assert_clean()


def test_one_dimensional_objective_draws_its_curve(gdp):
    one_d = [o for o in objectives(gdp.base) if o["dim"] == 1]
    assert one_d
    page = gdp.goto(f"/?objective={one_d[0]['id']}&steps=60&speed=0")
    assert page.get_by_test_id("surface").is_hidden()
    curve = page.get_by_test_id("curve")
    assert curve.is_visible()
    page.wait_for_selector("[data-testid=curve][data-ready='1']")
    play_to_end(page)
    assert int(curve.get_attribute("data-points")) > 1
    at_end = page.eval_on_selector("[data-testid=curve] canvas", "c => c.toDataURL()")
    page.get_by_test_id("reset").click()
    # Back at step 0: one point per run of the first race.
    page.wait_for_function(
        "() => document.querySelector('[data-testid=curve]').dataset.points === '3'"
    )
    assert page.eval_on_selector("[data-testid=curve] canvas", "c => c.toDataURL()") != at_end
    gdp.assert_clean()


def test_phone_width_fits_without_horizontal_scroll(gdp_phone):
    page = gdp_phone.goto("/")
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 390 + 1
    for tid in ("play", "surface", "objective", "add-run"):
        page.get_by_test_id(tid).scroll_into_view_if_needed()
        assert page.get_by_test_id(tid).is_visible()
    gdp_phone.assert_clean()


def test_share_exports_csv_and_shows_the_curl_command(gdp):
    page = gdp.goto("/?objective=rosenbrock&steps=20&speed=0&run=adam:lr=0.05")
    page.get_by_role("button", name="Copy curl command").click()
    snippet = page.locator("#snippet")
    # The buttons' code is fetched on the first click: the snippet follows a moment later.
    page.wait_for_function("() => document.querySelector('#snippet').value.includes('curl')")
    assert "curl" in snippet.input_value() and "/api/v1/runs" in snippet.input_value()
    play_to_end(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Export CSV").click()
    lines = Path(info.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("run,label,optimizer,step,")
    assert len(lines) == 1 + 21
    gdp.assert_clean()
