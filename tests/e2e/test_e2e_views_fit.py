"""End-to-end: every extra view fits its panel and reads, at desktop and phone widths: the
backpropagation graph inside its panel with the loss in view and no clipped or covered label,
curvature labels inside the plot beside their own arrows, 3-D axes with numbered ticks and
titles, the stochastic view on the full loss with both paths in frame; and the views take their
frames from the page's one animation loop."""

from __future__ import annotations

import json
import math
import urllib.request

import pytest
from playback import play_to_end
from test_e2e_views import open_view, post

pytestmark = pytest.mark.e2e

# Geometry of the backprop graph as drawn, in CSS pixels: what overflows, what is hidden.
GRAPH_PROBLEMS = """() => {
  const scroller = document.querySelector('[data-testid=view-backprop] .dag-scroll');
  const svg = scroller.querySelector('svg');
  const box = scroller.getBoundingClientRect();
  const inside = (r, o, slack = 0.5) => r.left >= o.left - slack && r.right <= o.right + slack
    && r.top >= o.top - slack && r.bottom <= o.bottom + slack;
  const overlap = (a, b) => a.left < b.right && b.left < a.right
    && a.top < b.bottom && b.top < a.bottom;
  const problems = [];
  if (scroller.scrollWidth > scroller.clientWidth + 1) problems.push('the graph scrolls sideways');
  if (!inside(svg.getBoundingClientRect(), box)) problems.push('the svg spills out of its panel');
  const rects = [...svg.querySelectorAll('.bp-node rect')].map(r => r.getBoundingClientRect());
  for (const node of svg.querySelectorAll('.bp-node')) {
    const rect = node.querySelector('rect').getBoundingClientRect();
    for (const t of node.querySelectorAll('text'))
      if (!inside(t.getBoundingClientRect(), rect))
        problems.push(`text "${t.textContent}" leaves its box`);
  }
  for (const t of svg.querySelectorAll('.bp-edge-label')) {
    const r = t.getBoundingClientRect();
    if (!t.textContent) continue;
    if (!inside(r, box)) problems.push(`edge label "${t.textContent}" is clipped`);
    if (rects.some(n => overlap(r, n)))
      problems.push(`edge label "${t.textContent}" is under a box`);
  }
  const loss = svg.querySelector('.bp-node[data-name^="loss"] rect').getBoundingClientRect();
  if (!inside(loss, box)) problems.push('the loss node is out of view');
  return { problems, layout: svg.dataset.layout, scale: Number(svg.dataset.scale) };
}"""


def check_backprop_fits(page) -> dict:
    page.wait_for_selector("[data-testid=view-backprop] .view-body[data-ready='1']")
    page.get_by_test_id("backprop-all").click()  # longest gradient texts
    found = page.evaluate(GRAPH_PROBLEMS)
    assert not found["problems"], found
    return found


@pytest.mark.parametrize("fixture", ["gdp", "gdp_phone"])
def test_backprop_graph_fits_its_panel_with_the_loss_in_view(fixture, request):
    watch = request.getfixturevalue(fixture)
    page = open_view(watch, "backprop", "/?objective=two-weight-chain")
    found = check_backprop_fits(page)
    assert found["scale"] == 1.0, "the house-price chain fits without shrinking its text"
    assert found["layout"] == ("bands" if fixture == "gdp" else "stack")
    # A wider graph (Beale: 21 operations) fits too, from the current point.
    page.goto(watch.base + "/?objective=beale")
    page.wait_for_selector("body[data-phase=ready]")
    page.locator("[data-testid=view-backprop] > summary").click()
    page.get_by_test_id("backprop-source").select_option("current")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=backprop-graph] [data-node]').length > 15"
    )
    check_backprop_fits(page)
    watch.assert_clean()


def box_to_segment(box: dict, a: list[float], b: list[float]) -> float:
    """Distance from a label's box to the segment a–b (sampled finely: exact to ~0.5 px)."""
    n = max(2, int(math.dist(a, b) * 2))
    best = math.inf
    for i in range(n + 1):
        x = a[0] + (b[0] - a[0]) * i / n
        y = a[1] + (b[1] - a[1]) * i / n
        dx = max(box["x"] - x, 0, x - box["x"] - box["w"])
        dy = max(box["y"] - y, 0, y - box["y"] - box["h"])
        best = min(best, math.hypot(dx, dy))
    return best


def check_curvature_labels(page) -> list[dict]:
    page.wait_for_function(
        "() => document.querySelector('[data-testid=curvature-readout]')?.dataset.labels"
    )
    readout = page.get_by_test_id("curvature-readout")
    labels = json.loads(readout.get_attribute("data-labels"))
    plot = json.loads(readout.get_attribute("data-plot"))
    assert len(labels) == 2
    for i, label in enumerate(labels):
        box = label["box"]
        assert box["x"] >= plot["x"] and box["x"] + box["w"] <= plot["x"] + plot["w"], label
        assert box["y"] >= plot["y"] and box["y"] + box["h"] <= plot["y"] + plot["h"], label
        own = min(box_to_segment(box, label["from"], t) for t in label["tips"])
        other = labels[1 - i]
        theirs = min(box_to_segment(box, other["from"], t) for t in other["tips"])
        assert own <= 14, f"{label['text']} is {own:.0f} px from its own arrow"
        assert theirs > own and theirs >= 2, f"{label['text']} sits on the other arrow"
    return labels


def test_curvature_labels_sit_inside_the_plot_at_their_own_arrows(gdp, gdp_phone):
    quadratic = "/?objective=custom&expr=x%5E2%20%2B%2010*y%5E2&start=4,2&run=sgd:lr=0.05"
    page = open_view(gdp, "curvature", quadratic)
    labels = check_curvature_labels(page)
    assert [lb["text"] for lb in labels] == ["λ1 = 2", "λ2 = 20 (λmax)"]
    # On a phone, at Rosenbrock's start, the long λmax axis runs to the plot's edge.
    page = open_view(gdp_phone, "curvature", "/?objective=rosenbrock&run=sgd:lr=0.001")
    play_to_end(page)
    page.get_by_test_id("reset").click()  # back to the start, where the page opened playing
    page.wait_for_function(
        "() => document.querySelector('[data-testid=curvature-readout]')?.textContent"
        ".includes('(−1.2, 1)')"
    )
    labels = check_curvature_labels(page)
    assert labels[1]["text"].endswith("(λmax)")
    gdp.assert_clean()
    gdp_phone.assert_clean()


def test_3d_view_has_numbered_ticks_and_axis_titles(gdp_phone):
    page = open_view(gdp_phone, "surface3d", "/?objective=himmelblau")
    page.wait_for_selector("[data-testid=surface3d-canvas][data-ticks]")
    canvas = page.get_by_test_id("surface3d-canvas")
    ticks = json.loads(canvas.get_attribute("data-ticks"))
    assert ticks["x"] == ["-4", "-2", "0", "2", "4"] and ticks["y"] == ticks["x"]
    assert ticks["titles"] == ["x", "y", "loss (log scale)"]
    zmin, zmax = float(canvas.get_attribute("data-zmin")), float(canvas.get_attribute("data-zmax"))
    z = [float(v) for v in ticks["z"]]
    assert len(z) >= 4 and z == sorted(z)
    assert z[0] == pytest.approx(zmin, rel=1e-2) and z[-1] == pytest.approx(zmax, rel=1e-2)
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 391
    gdp_phone.assert_clean()


def test_stochastic_view_compares_full_losses_and_keeps_paths_in_frame(gdp):
    page = open_view(gdp, "stochastic")
    page.wait_for_selector("[data-testid=view-stochastic] .view-body[data-ready='1']")
    assert "full loss" in page.get_by_test_id("stochastic-legend").inner_text()
    slider = page.get_by_test_id("stochastic-batch")
    slider.focus()
    page.keyboard.press("Home")  # batch 1: the noisiest path, leaving the objective's view box
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stochastic-figure]').dataset.batch === '1'"
        " && document.querySelector('[data-testid=view-stochastic] .view-body').dataset.ready"
        " === '1'",
        timeout=30_000,
    )
    figure = page.get_by_test_id("stochastic-figure")
    lr = float(page.get_by_test_id("stochastic-lr").input_value())
    steps = int(page.get_by_test_id("stochastic-steps").input_value())

    def run(batch_size: int) -> dict:
        body = {
            "objective": {"id": "linear-regression", "batch_size": batch_size},
            "runs": [{"optimizer": {"name": "sgd", "lr": lr}}],
            "steps": steps,
        }
        return post(gdp.base, "/runs", body)["runs"][0]["trace"]

    full, mini = run(0), run(1)
    # Like with like: both losses shown are the full loss (the mini-batch trace holds batch losses).
    at_end = {"objective": {"id": "linear-regression"}, "point": mini["params"][-1]}
    end = post(gdp.base, "/inspect", at_end)
    assert float(figure.get_attribute("data-full-loss")) == pytest.approx(full["loss"][-1])
    assert float(figure.get_attribute("data-mini-loss")) == pytest.approx(end["loss"])
    assert end["loss"] != pytest.approx(mini["loss"][-1])
    status = page.get_by_test_id("stochastic-status").inner_text()
    assert "the full loss" in status
    # The frame holds both paths, beyond the objective's own view box.
    (x0, x1), (y0, y1) = json.loads(figure.get_attribute("data-bounds"))
    points = full["params"] + mini["params"]
    assert all(x0 <= p[0] <= x1 and y0 <= p[1] <= y1 for p in points)
    with urllib.request.urlopen(f"{gdp.base}/api/v1/objectives/linear-regression") as r:
        meta = json.load(r)
    assert min(p[1] for p in points) < meta["view_box"][1][0], "this path does leave the view box"
    assert figure.get_attribute("data-off-frame") == "0"
    gdp.assert_clean()


RAF_COUNTER = """
  window.__raf = 0;
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => { window.__raf++; return raf(cb); };
"""


def test_the_views_take_frames_from_the_pages_one_loop(gdp):
    gdp.page.add_init_script(RAF_COUNTER)
    page = gdp.goto("/?objective=himmelblau&steps=40&run=adam:lr=0.05")
    play_to_end(page)
    for name in ("curvature", "state", "surface3d"):
        page.locator(f"[data-testid=view-{name}] > summary").click()
        page.wait_for_selector(f"[data-testid=view-{name}][data-loaded='1']")
    page.wait_for_selector("[data-testid=surface3d-canvas][data-ticks]")
    # Count requestAnimationFrame calls against frames actually shown, over about a second.
    per_frame = page.evaluate(
        """() => new Promise(done => { const c0 = window.__raf; let frames = 0;
             const t0 = performance.now();
             const tick = () => { frames++;
               if (performance.now() - t0 < 1000) requestAnimationFrame(tick);
               else done((window.__raf - c0 - frames) / frames); };
             requestAnimationFrame(tick); })"""
    )
    assert per_frame <= 1.2, f"{per_frame:.2f} animation-frame requests per frame besides ours"
    # Still live: moving the playhead back updates the views from that one loop.
    readout = page.get_by_test_id("curvature-readout")
    before = readout.get_attribute("data-point")
    page.get_by_test_id("reset").click()
    page.wait_for_function(
        "before => document.querySelector('[data-testid=curvature-readout]').dataset.point"
        " !== before",
        arg=before,
    )
    with urllib.request.urlopen(f"{gdp.base}/api/v1/objectives/himmelblau") as r:
        start = json.load(r)["default_start"]
    assert json.loads(readout.get_attribute("data-point")) == pytest.approx(start)
    state_step = "[data-testid=state-table] tr[data-run='0'] td"
    page.wait_for_function(f"() => document.querySelector(\"{state_step}\").textContent === '0'")
    gdp.assert_clean()
