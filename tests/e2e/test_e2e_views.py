"""End-to-end: the extra views of issue 6 (static/js/views/), each opened, drawn and checked
against the API's own numbers. Fixtures (live server, Debian's chromium) are in conftest.py."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playback import play_to_end

pytestmark = pytest.mark.e2e


def post(base: str, path: str, body: dict) -> dict:
    request = urllib.request.Request(
        f"{base}/api/v1{path}",
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request) as r:
        return json.load(r)


def open_view(gdp, name: str, path: str = "/"):
    """Load the page, check the view's module is not fetched before its panel opens, open it."""
    page = gdp.goto(path)
    module = f"/js/views/{name}.js"
    assert not any(module in u for u in gdp.urls), f"{module} loaded before its panel was opened"
    page.locator(f"[data-testid=view-{name}] > summary").click()
    page.wait_for_selector(f"[data-testid=view-{name}][data-loaded='1']", timeout=15_000)
    assert any(module in u for u in gdp.urls), f"{module} was not loaded when its panel opened"
    return page


def close(a: float, b: float, rel: float = 1e-9) -> bool:
    return abs(a - b) <= rel * max(1.0, abs(b))


# --- backpropagation --------------------------------------------------------------------------


def test_backprop_view_of_the_house_price_chain(gdp):
    page = open_view(gdp, "backprop")
    view = page.get_by_test_id("view-backprop")
    page.wait_for_selector("[data-testid=view-backprop] .view-body[data-ready='1']")
    api = post(gdp.base, "/inspect", {"objective": {"id": "two-weight-chain"}, "point": [200, 1.4]})

    # Every node of the API's graph is drawn with the API's value and gradient.
    nodes = page.locator("[data-testid=backprop-graph] [data-node]")
    assert nodes.count() == len(api["graph"]["nodes"])
    for node in api["graph"]["nodes"]:
        g = view.locator(f"[data-node='{node['id']}']")
        assert json.loads(g.get_attribute("data-value")) == pytest.approx(_flat(node["value"]))
        assert json.loads(g.get_attribute("data-grad")) == pytest.approx(_flat(node["grad"]))

    # The weights' gradients are the chain rule's: 2(pred − target)·x·W2 and 2(pred − target)·x·W1.
    pred, target, x = 1000 * 200 * 1.4, 300_000, 1000
    dw1, dw2 = 2 * (pred - target) * x * 1.4, 2 * (pred - target) * x * 200
    assert (dw1, dw2) == pytest.approx((-5.6e7, -8e9))
    summary = page.get_by_test_id("backprop-summary")
    w1 = summary.locator("tr[data-param=W1] [data-field=grad]")
    w2 = summary.locator("tr[data-param=W2] [data-field=grad]")
    assert float(w1.get_attribute("data-value")) == pytest.approx(dw1)
    assert float(w2.get_attribute("data-value")) == pytest.approx(dw2)
    assert w1.inner_text() == "−5.6e7" and w2.inner_text() == "−8e9"
    assert "= −5.6e7" in page.get_by_test_id("backprop-chain-rule").inner_text()
    assert "= −8e9" in page.get_by_test_id("backprop-chain-rule").inner_text()

    # Before the backward pass only the loss has its gradient; the weights show "grad ?".
    graph = page.get_by_test_id("backprop-graph")
    steps = int(graph.get_attribute("data-steps"))
    assert steps == sum(len(n["inputs"]) for n in api["graph"]["nodes"])
    w2_node = view.locator("[data-node][data-name=W2]")
    assert w2_node.locator("[data-role=grad]").text_content() == "grad ?"

    # Step through backward by keyboard: one lit edge per press, each with its local derivative.
    step = page.get_by_test_id("backprop-step")
    step.focus()
    page.keyboard.press("Enter")
    assert graph.get_attribute("data-step") == "1"
    assert view.locator("g.lit").count() == 1
    first = view.locator("g.current")
    assert first.get_attribute("data-to") == str(api["graph"]["output"])
    for _ in range(steps - 1):
        page.keyboard.press("Enter")
    assert graph.get_attribute("data-step") == str(steps)
    assert view.locator("g.lit").count() == steps
    assert step.is_disabled()
    caption = page.get_by_test_id("backprop-caption").inner_text()
    assert "adds up to the one POST /inspect reports" in caption
    # Each edge's local derivative is the API's, and the gradients shown add up to the API's.
    for node in api["graph"]["nodes"]:
        for k, local in enumerate(node["local_grads"]):
            edge = view.locator(f"g[data-to='{node['id']}'][data-k='{k}']")
            assert json.loads(edge.get_attribute("data-local")) == pytest.approx(_flat(local))
        shown = view.locator(f"[data-node='{node['id']}']").get_attribute("data-shown-grad")
        assert json.loads(shown) == pytest.approx(_flat(node["grad"]))
    assert w2_node.locator("[data-role=grad]").text_content() == "grad −8e9"
    assert (
        view.locator("[data-node][data-name=W1] [data-role=grad]").text_content() == "grad −5.6e7"
    )
    # The edge into the product from W2 carries local derivative 1000·W1 = 200000.
    product = next(n for n in api["graph"]["nodes"] if _flat(n["value"]) == [280000.0])
    assert _flat(product["local_grads"][1]) == [200000.0]
    page.get_by_test_id("backprop-back").click()
    assert graph.get_attribute("data-step") == str(steps - 1)
    gdp.assert_clean()


def test_backprop_view_follows_the_playhead(gdp):
    page = open_view(gdp, "backprop", "/?objective=rosenbrock&run=adam:lr=0.05&steps=20")
    play_to_end(page)
    page.get_by_test_id("backprop-source").select_option("current")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=backprop-summary] tr[data-param=x]')"
    )
    point = json.loads(
        page.locator("[data-testid=run-table] tbody tr")
        .first.locator("[data-field=params]")
        .get_attribute("data-value")
    )
    api = post(gdp.base, "/inspect", {"objective": {"id": "rosenbrock"}, "point": point})
    for i, name in enumerate(api["param_names"]):
        cell = page.locator(
            f"[data-testid=backprop-summary] tr[data-param={name}] [data-field=grad]"
        )
        assert float(cell.get_attribute("data-value")) == pytest.approx(api["gradient"][i])
    gdp.assert_clean()


def _flat(v):
    if v is None:
        return None
    if isinstance(v, list):
        return [x for item in v for x in (_flat(item) if isinstance(item, list) else [item])]
    return [v]


# --- curvature --------------------------------------------------------------------------------

QUADRATIC = "objective=custom&expr=x%5E2%20%2B%2010*y%5E2&start=4,2&steps=30"


def canvas_ink(page, selector: str) -> int:
    return page.eval_on_selector(
        selector,
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }""",
    )


def test_curvature_axes_and_stability_limit(gdp):
    runs = "run=sgd:lr=0.05&run=sgd:lr=0.12&run=sgd:lr=0.05"
    page = open_view(gdp, "curvature", f"/?{QUADRATIC}&{runs}")
    readout = page.get_by_test_id("curvature-readout")
    page.wait_for_selector("[data-testid=view-curvature] .view-body[data-ready='1']")
    api = post(gdp.base, "/inspect", {"objective": {"expression": "x^2 + 10*y^2"}, "point": [4, 2]})
    assert json.loads(readout.get_attribute("data-eigenvalues")) == pytest.approx(
        api["eigenvalues"]
    )
    assert api["eigenvalues"] == pytest.approx([2.0, 20.0])
    assert float(readout.get_attribute("data-limit")) == pytest.approx(2 / 20)
    assert "2/λmax = 2/20 = 0.1" in page.get_by_test_id("curvature-limit").inner_text()

    # The axes are drawn on the contour, on the views' layer of the surface.
    layer = "[data-testid=surface] canvas.views-layer"
    page.wait_for_function(
        f"() => document.querySelector('{layer}')?.dataset.layers?.includes('curvature')"
    )
    assert canvas_ink(page, layer) > 200

    # Beside each learning rate: 2/λmax, with a warning only where lr is above it.
    badges = page.locator("#runs [data-testid=lr-limit]")
    page.wait_for_function("() => document.querySelectorAll('#runs .lr-limit').length === 3")
    assert [badges.nth(i).get_attribute("data-over") for i in range(3)] == ["0", "1", "0"]
    assert "above 2/λmax = 0.1" in badges.nth(1).inner_text()
    runs_box = page.get_by_test_id("curvature-runs")
    assert runs_box.get_attribute("data-over") == "1"

    # The warning is right: the API says lr 0.12 diverges here and lr 0.05 does not.
    result = post(
        gdp.base,
        "/runs",
        {
            "objective": {"expression": "x^2 + 10*y^2"},
            "runs": [
                {"optimizer": {"name": "sgd", "lr": lr}, "start": [4, 2]} for lr in (0.12, 0.05)
            ],
            "steps": 400,
        },
    )
    assert [r["status"] for r in result["runs"]] == ["diverged", "max_steps"]

    # Newton's method is selectable like any optimizer, and the view follows run 1's point.
    page.get_by_test_id("optimizer").first.select_option("newton")
    page.get_by_test_id("lr").first.fill("1")
    page.get_by_test_id("lr").first.dispatch_event("change")
    page.wait_for_function("() => location.search.includes('run=newton')")
    play_to_end(page)
    first = page.locator("[data-testid=run-table] tbody tr").first
    final = json.loads(first.locator("[data-field=params]").get_attribute("data-value"))
    assert final == pytest.approx([0.0, 0.0], abs=1e-9)  # Newton: one step to a quadratic's minimum
    page.wait_for_function(
        "() => JSON.parse(document.querySelector('[data-testid=curvature-readout]')"
        ".dataset.point).every(v => Math.abs(v) < 1e-9)"
    )
    assert page.locator("#runs [data-testid=lr-limit]").first.get_attribute("data-over") == "0"
    gdp.assert_clean()


# --- learning-rate sweep ----------------------------------------------------------------------


def test_lr_sweep_marks_divergence_where_the_api_says(gdp):
    page = open_view(gdp, "sweep", "/?objective=rosenbrock&run=sgd:lr=0.001&steps=300")
    for tid, value in (("sweep-min", "1e-5"), ("sweep-max", "0.1"), ("sweep-num", "60")):
        page.get_by_test_id(tid).fill(value)
    page.get_by_test_id("sweep-steps").fill("300")
    checked = page.eval_on_selector_all(
        "[data-testid=sweep-optimizer]:checked", "els => els.map(e => e.value)"
    )
    assert checked == ["sgd"]  # the page's own runs' optimizers are ticked
    page.get_by_test_id("sweep-run").click()
    page.wait_for_selector("[data-testid=view-sweep] .view-body[data-ready='1']", timeout=30_000)
    plot = page.get_by_test_id("sweep-plot")
    api = post(
        gdp.base,
        "/sweeps",
        {
            "objective": {"id": "rosenbrock"},
            "optimizer": {"name": "sgd"},
            "start": [-1.2, 1.0],
            "steps": 300,
            "stop": {"loss_below": 1e-6},
            "over": {"lr": {"min": 1e-5, "max": 0.1, "num": 60, "scale": "log"}},
        },
    )
    diverged = [v for v, s in zip(api["values"], api["status"], strict=True) if s == "diverged"]
    assert 0 < len(diverged) < 60, "the range must hold both stable and diverging rates"
    shown = json.loads(plot.get_attribute("data-diverged"))
    assert shown["sgd"] == pytest.approx(diverged)
    assert json.loads(plot.get_attribute("data-values")) == pytest.approx(api["values"])
    assert f"sgd {len(diverged)}" in page.get_by_test_id("sweep-status").inner_text()
    assert canvas_ink(page, "[data-testid=sweep-plot] canvas") > 500
    assert "against learning rate" in plot.locator(".uplot").get_attribute("aria-label")

    # The picker below the plot is on the page, labelled.
    for tid in ("sweep-pick-optimizer", "sweep-pick-lr", "sweep-pick-run"):
        assert page.get_by_test_id(tid).is_visible(), tid
    assert page.get_by_label("at lr").get_attribute("data-testid") == "sweep-pick-lr"
    # Clicking a point runs that learning rate on the surface; the run ends as the sweep said.
    over = plot.locator(".u-over")
    over.scroll_into_view_if_needed()
    box = over.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5)
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5)
    picked = page.get_by_test_id("sweep-picked")
    page.wait_for_function("() => document.querySelector('[data-testid=sweep-picked]').dataset.lr")
    lr = float(picked.get_attribute("data-lr"))
    i = min(range(60), key=lambda k: abs(api["values"][k] - lr))
    assert api["values"][i] == pytest.approx(lr)
    page.wait_for_selector("body[data-run=done]", timeout=30_000)
    assert f"run=sgd:lr={lr:g}"[:16] in page.evaluate("() => location.search")
    row = page.locator("[data-testid=run-table] tbody tr").first
    assert row.get_attribute("data-status") == api["status"][i]
    loss = float(row.locator("[data-field=loss]").get_attribute("data-value"))
    assert loss == pytest.approx(api["final_loss"][i], rel=1e-6)
    gdp.assert_clean()


# --- basins of attraction ---------------------------------------------------------------------


def test_basin_maps_of_himmelblau_show_four_basins(gdp):
    page = open_view(gdp, "basins")
    assert page.get_by_test_id("basin-objective").input_value() == "himmelblau"
    page.get_by_test_id("basin-resolution").select_option("32")
    page.get_by_test_id("basin-steps").fill("300")
    page.get_by_test_id("basin-run").click()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=basin-status]').dataset.request"
        " === 'himmelblau|32|300'"
        " && document.querySelector('[data-testid=view-basins] .view-body').dataset.ready === '1'",
        timeout=30_000,
    )
    figures = page.get_by_test_id("basin-figure")
    assert figures.count() == 2  # two optimizers side by side
    for i in range(2):
        figure = figures.nth(i)
        optimizer = figure.get_by_test_id("basin-optimizer").input_value()
        lr = float(figure.get_by_test_id("basin-lr").input_value())
        api = post(
            gdp.base,
            "/sweeps",
            {
                "objective": {"id": "himmelblau"},
                "optimizer": {"name": optimizer, "lr": lr},
                "steps": 300,
                "over": {"start": {"resolution": 32}},
            },
        )
        counts = [api["basin"].count(b) for b in range(len(api["minima"]))]
        assert len(api["minima"]) == 4 and all(c > 32 for c in counts)  # four real basins
        assert figure.get_attribute("data-basins") == "4"
        assert json.loads(figure.get_attribute("data-counts")) == counts
        legend = figure.get_by_test_id("basin-legend")
        for b, c in enumerate(counts):
            assert legend.locator(f"[data-basin='{b}']").get_attribute("data-count") == str(c)
        canvas = f"[data-testid=basin-figure]:nth-child({i + 1}) canvas"
        colours = page.eval_on_selector(
            canvas,
            """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                       const seen = new Set();
                       for (let i = 0; i < d.length; i += 16) if (d[i + 3] === 255)
                         seen.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
                       return [...seen]; }""",
        )
        basin_rgb = {"230,25,75", "60,180,75", "67,99,216", "245,130,49"}
        assert basin_rgb <= set(colours), "all four basin colours are painted"

    # The performance figure: a 64x64 map x 500 steps, click to both maps drawn.
    page.get_by_test_id("basin-resolution").select_option("64")
    page.get_by_test_id("basin-steps").fill("500")
    page.get_by_test_id("basin-run").click()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=basin-status]').dataset.request"
        " === 'himmelblau|64|500'",
        timeout=30_000,
    )
    ms = page.get_by_test_id("basin-status").get_attribute("data-ms")
    print(f"\n[perf] two 64x64 basin maps x 500 steps, requested and drawn: {ms} ms [<= 2000]")
    gdp.assert_clean()


# --- optimizer state --------------------------------------------------------------------------


def test_optimizer_state_shows_adams_effective_step(gdp):
    runs = "run=adam:lr=0.05&run=sgd:lr=0.001,momentum=0.9"
    page = open_view(gdp, "state", f"/?objective=rosenbrock&steps=40&{runs}")
    # Adam's terms come from POST /explain-step for the update leaving the playhead.
    explained = []
    page.on("request", lambda r: r.url.endswith("/api/v1/explain-step") and explained.append(r))
    play_to_end(page)
    page.get_by_test_id("reset").click()
    page.locator("body").focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.getElementById('scrub').value === '10'")
    api = post(
        gdp.base,
        "/runs",
        {
            "objective": {"id": "rosenbrock"},
            "runs": [
                {"optimizer": {"name": "adam", "lr": 0.05}, "start": [-1.2, 1]},
                {"optimizer": {"name": "sgd", "lr": 0.001, "momentum": 0.9}, "start": [-1.2, 1]},
            ],
            "steps": 40,
        },
    )
    table = page.get_by_test_id("state-table")
    page.wait_for_selector("[data-testid=state-table] tr[data-run='0'][data-actual]")
    page.wait_for_selector("[data-testid=state-table] tr[data-run='0'][data-effective^='[']")
    for i, run in enumerate(api["runs"]):
        params = run["trace"]["params"]
        actual = [b - a for a, b in zip(params[10], params[11], strict=True)]
        row = table.locator(f"tr[data-run='{i}']")
        assert json.loads(row.get_attribute("data-actual")) == pytest.approx(actual, rel=1e-9)
    # Adam's lr·m̂/(√v̂+ε), as /explain-step gives it, is exactly the step the API took.
    adam = table.locator("tr[data-run='0']")
    params = api["runs"][0]["trace"]["params"]
    step = [a - b for a, b in zip(params[10], params[11], strict=True)]
    assert json.loads(adam.get_attribute("data-effective")) == pytest.approx(step, rel=1e-9)
    assert table.locator("tr[data-run='1']").get_attribute("data-effective") == ""
    assert explained, "the effective step must come from POST /explain-step"
    legend = page.get_by_test_id("state-legend").inner_text()
    assert "lr·m̂/(√v̂ + ε)" in legend and "momentum" in legend
    layer = "[data-testid=surface] canvas.views-layer"
    page.wait_for_function(
        f"() => document.querySelector('{layer}')?.dataset.layers?.includes('state')"
    )
    assert canvas_ink(page, layer) > 50
    gdp.assert_clean()


# --- stochastic descent -----------------------------------------------------------------------


def test_stochastic_descent_mini_batch_beside_full_batch(gdp):
    page = open_view(gdp, "stochastic")
    assert page.get_by_test_id("stochastic-objective").input_value() == "linear-regression"
    slider = page.get_by_test_id("stochastic-batch")
    slider.focus()  # keyboard: Home is batch 1, then three steps right
    page.keyboard.press("Home")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stochastic-figure]').dataset.batch === '4'"
        " && document.querySelector('[data-testid=view-stochastic] .view-body').dataset.ready"
        " === '1'",
        timeout=30_000,
    )
    figure = page.get_by_test_id("stochastic-figure")
    lr = float(page.get_by_test_id("stochastic-lr").input_value())
    steps = int(page.get_by_test_id("stochastic-steps").input_value())

    def final(batch_size: int) -> list[float]:
        body = {
            "objective": {"id": "linear-regression", "batch_size": batch_size},
            "runs": [{"optimizer": {"name": "sgd", "lr": lr}}],
            "steps": steps,
        }
        return post(gdp.base, "/runs", body)["runs"][0]["trace"]["params"][-1]

    full, mini = final(0), final(4)
    assert json.loads(figure.get_attribute("data-full-final")) == pytest.approx(full)
    assert json.loads(figure.get_attribute("data-mini-final")) == pytest.approx(mini)
    assert abs(full[0] - mini[0]) + abs(full[1] - mini[1]) > 1e-3  # the noise shows
    assert "4 of 24" in page.get_by_test_id("stochastic-batch-readout").inner_text()
    assert canvas_ink(page, "[data-testid=stochastic-map]") > 10_000
    gdp.assert_clean()


# --- 3-D surface ------------------------------------------------------------------------------


def test_3d_surface_loads_lazily_draws_paths_and_rotates(gdp):
    page = open_view(gdp, "surface3d", "/?objective=himmelblau&steps=100&run=adam:lr=0.05")
    canvas = page.get_by_test_id("surface3d-canvas")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=surface3d-canvas]').dataset.zmax"
    )
    meta = next(
        o
        for o in json.load(urllib.request.urlopen(f"{gdp.base}/api/v1/objectives"))["objectives"]
        if o["id"] == "himmelblau"
    )
    api = post(
        gdp.base,
        "/surface",
        {"objective": {"id": "himmelblau"}, "bounds": meta["view_box"], "resolution": 48},
    )
    values = [v for row in api["z"] for v in row if v is not None]
    assert float(canvas.get_attribute("data-zmin")) == pytest.approx(min(values))
    assert float(canvas.get_attribute("data-zmax")) == pytest.approx(max(values))
    assert canvas_ink(page, "[data-testid=surface3d-canvas]") > 10_000

    play_to_end(page)
    page.wait_for_function(
        "() => Number(document.querySelector('[data-testid=surface3d-canvas]')"
        ".dataset.pathPoints) > 50"
    )

    # Rotate by keyboard (the page's own ← → do not step the playback meanwhile) and by drag.
    yaw = float(canvas.get_attribute("data-yaw"))
    scrub = page.locator("#scrub").input_value()
    canvas.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=surface3d-canvas]').dataset.yaw"
        f" !== '{yaw:.3f}'"
    )
    assert page.locator("#scrub").input_value() == scrub
    page.keyboard.press("+")
    page.wait_for_function(
        "() => Number(document.querySelector('[data-testid=surface3d-canvas]').dataset.zoom) > 1"
    )
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    before = canvas.get_attribute("data-yaw")
    page.mouse.move(box["x"] + 200, box["y"] + 200)
    page.mouse.down()
    page.mouse.move(box["x"] + 300, box["y"] + 210, steps=5)
    page.mouse.up()
    page.wait_for_function(
        f"() => document.querySelector('[data-testid=surface3d-canvas]').dataset.yaw !== '{before}'"
    )
    gdp.assert_clean()


# --- all views ----------------------------------------------------------------------------------


def test_every_view_opens_at_phone_width_without_sideways_scroll(gdp_phone):
    page = gdp_phone.goto("/?objective=himmelblau&run=sgd:lr=0.01")
    views = page.locator("#views > details")
    names = [views.nth(i).get_attribute("data-testid") for i in range(views.count())]
    assert names == [
        "view-rule",
        "view-backprop",
        "view-curvature",
        "view-sweep",
        "view-basins",
        "view-state",
        "view-stochastic",
        "view-surface3d",
    ]
    assert not any("/js/views/backprop.js" in u for u in gdp_phone.urls)
    for name in names:
        summary = page.locator(f"[data-testid={name}] > summary")
        summary.scroll_into_view_if_needed()
        summary.focus()
        page.keyboard.press("Enter")  # every panel opens from the keyboard
        page.wait_for_selector(f"[data-testid={name}][data-loaded='1']", timeout=15_000)
    page.wait_for_selector("[data-testid=view-basins] .view-body[data-ready='1']", timeout=30_000)
    page.wait_for_selector("[data-testid=view-stochastic] .view-body[data-ready='1']")
    page.wait_for_selector("[data-testid=view-rule] .view-body[data-ready='1']")
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 390 + 1
    gdp_phone.assert_clean()
