"""End-to-end: axe-core finds no accessibility violations on the page with every extra view
open and drawn, at desktop and phone widths. axe-core is vendored for the tests only
(tests/e2e/vendor/axe-core/, copied by scripts/vendor.mjs) and injected here, never served."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from playback import play_to_end

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
PAGE = "/?objective=himmelblau&steps=60&run=adam:lr=0.05&run=sgd:lr=0.01,momentum=0.9"
# What "drawn" means for each view: its body says ready, or its canvas has its data.
DRAWN = {
    "rule": "[data-testid=view-rule] .view-body[data-ready='1']",
    "backprop": "[data-testid=view-backprop] .view-body[data-ready='1']",
    "curvature": "[data-testid=view-curvature] .view-body[data-ready='1']",
    "sweep": "[data-testid=view-sweep] .view-body[data-ready='1']",
    "basins": "[data-testid=view-basins] .view-body[data-ready='1']",
    "state": "[data-testid=view-state] .view-body[data-ready='1']",
    "stochastic": "[data-testid=view-stochastic] .view-body[data-ready='1']",
    "surface3d": "[data-testid=surface3d-canvas][data-ticks]",
}


def open_every_view(page) -> None:
    play_to_end(page)
    for name in DRAWN:
        summary = page.locator(f"[data-testid=view-{name}] > summary")
        summary.scroll_into_view_if_needed()
        summary.click()
        page.wait_for_selector(f"[data-testid=view-{name}][data-loaded='1']", timeout=15_000)
        if name == "sweep":
            page.get_by_test_id("sweep-num").fill("40")
            page.get_by_test_id("sweep-run").click()
    for selector in DRAWN.values():
        page.wait_for_selector(selector, state="attached", timeout=30_000)


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
             const r = await axe.run(document, { resultTypes: ["violations"] });
             return r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.map(n => ({ target: n.target.join(" "), why: n.failureSummary })) }));
           }"""
    )


@contextlib.contextmanager
def checked_page(browser, viewport: tuple[int, int]) -> Iterator:
    """A page at this viewport that must raise no script error. The test injects axe itself (an
    inline script): the page's CSP would refuse it, so the context bypasses it."""
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        yield page
        assert not errors, errors
    finally:
        context.close()


def assert_axe_clean(page, where: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe-core {where}:\n{readable(violations)}"


def readable(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for n in v["nodes"][:8]:
            why = " ".join(n["why"].split())
            lines.append(f"    at {n['target']}: {why}")
    return "\n".join(lines)


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_no_axe_violations_with_every_view_open(gdp_browser, live_server, viewport):
    with checked_page(gdp_browser, viewport) as page:
        page.goto(live_server + PAGE)
        page.wait_for_selector("body[data-phase=ready]", timeout=15_000)
        open_every_view(page)
        # Every control is in the page as a control, never stringified into the text.
        assert "[object " not in page.locator("#views").inner_text()
        assert_axe_clean(page, f"at {viewport[0]}px")


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_no_axe_violations_in_lesson_mode(gdp_browser, live_server, viewport):
    """The lesson list, a card with a prediction made and the update rule, and a challenge
    checked: every part of lesson mode, drawn, at desktop and phone widths."""
    width = viewport[0]
    with checked_page(gdp_browser, viewport) as page:
        page.goto(live_server + "/?learn")
        page.wait_for_selector("[data-testid=lesson-list] li", timeout=15_000)
        assert_axe_clean(page, f"on the lesson list at {width}px")
        page.goto(live_server + "/?lesson=rifle&card=2")
        page.wait_for_selector("[data-testid=lesson-predict][data-phase=guessing]", timeout=15_000)
        page.get_by_test_id("guess-0").fill("-1")
        page.get_by_test_id("guess-0").dispatch_event("input")
        page.get_by_test_id("lesson-commit").click()
        page.wait_for_selector("[data-testid=lesson-predict][data-phase=shown]")
        page.wait_for_selector("[data-testid=lesson-rule] .view-body[data-ready='1'][data-step]")
        assert_axe_clean(page, f"on a prediction at {width}px")
        for n in (3, 4, 5):
            page.get_by_test_id("lesson-next").click()
            page.wait_for_selector(f"[data-testid=lesson][data-card='{n}']")
        page.get_by_test_id("lesson-check").click()
        page.wait_for_selector("[data-testid=lesson-challenge][data-passed]", timeout=15_000)
        assert_axe_clean(page, f"on a challenge at {width}px")


@pytest.mark.parametrize("viewport", [(900, 560), (390, 600)], ids=["frame", "phone"])
@pytest.mark.parametrize("query", ["", "&show=charts,table"], ids=["plain", "charts-table"])
def test_no_axe_violations_on_the_embed(gdp_browser, live_server, viewport, query):
    """/embed as a course page or notebook frames it: the surface and controls, and with
    ?show=charts,table its two extras, played to the end."""
    width = viewport[0]
    with checked_page(gdp_browser, viewport) as page:
        page.goto(live_server + "/embed" + PAGE.removeprefix("/") + query)
        page.wait_for_selector("body[data-phase=ready]", timeout=15_000)
        play_to_end(page)
        assert_axe_clean(page, f"on /embed{query} at {width}px")


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_no_axe_violations_with_a_network_and_its_views(gdp_browser, live_server, viewport):
    """A network on data: its settings and CSV box, the slice, the decision map, the network in
    its backpropagation view, the train/test charts."""
    width = viewport[0]
    with checked_page(gdp_browser, viewport) as page:
        page.goto(live_server + "/?objective=mlp&o.dataset=spiral&steps=60&run=adam:lr=0.02")
        page.wait_for_selector("body[data-phase=ready]", timeout=15_000)
        play_to_end(page)
        page.wait_for_selector("[data-testid=net-panel][data-ready='1'][data-step='60']")
        page.wait_for_selector("#surface[data-slice=pca][data-ready='1']", timeout=30_000)
        page.get_by_test_id("net-edges-gradients").check()
        page.wait_for_selector("[data-testid=net-layer-next]:visible")
        assert_axe_clean(page, f"with a network at {width}px")
        page.select_option("[data-testid=net-dataset]", "csv")
        page.wait_for_selector("[data-testid=net-csv]:visible")
        assert_axe_clean(page, f"with the CSV box at {width}px")
