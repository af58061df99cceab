"""End-to-end: a neural network on the page. Pick a dataset and a network, press play, and the
decision map changes between steps while the path descends the landscape slice; the network
drawn with its weights, then its gradients stepped layer by layer from the keyboard; your own
CSV pasted and trained on; a bad CSV's cell named by row and column next to the box; the
server's suggested rates for the network on screen, which its runs and new runs take."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from playback import SETTLED, play_to_end

pytestmark = pytest.mark.e2e

CANVAS = "[data-testid=net-data] canvas"


def xor_csv(n: int = 120) -> str:
    rows = []
    for i in range(n):
        x, y = ((i * 37) % 100) / 50 - 1, ((i * 61) % 100) / 50 - 1
        rows.append(f"{x:.2f},{y:.2f},{'same' if x * y > 0 else 'different'}")
    return "x1,x2,sign\n" + "\n".join(rows)


def settle(page) -> None:
    page.wait_for_function(SETTLED, timeout=60_000)


def panel_at(page, step: int) -> dict:
    """The network panel's data once it shows `step`, and its data picture's pixels."""
    page.wait_for_selector(
        f"[data-testid=net-panel][data-ready='1'][data-step='{step}']", timeout=30_000
    )
    data = json.loads(
        page.eval_on_selector("[data-testid=net-panel]", "e => JSON.stringify(e.dataset)")
    )
    data["pixels"] = page.eval_on_selector(CANVAS, "c => c.toDataURL()")
    data.update(json.loads(page.eval_on_selector("#surface", "e => JSON.stringify(e.dataset)")))
    return data


def pick_network(page, dataset: str) -> None:
    page.select_option("[data-testid=objective]", "mlp")
    page.wait_for_selector("[data-testid=network-options]:not([hidden])")
    settle(page)
    page.select_option("[data-testid=net-dataset]", dataset)


def test_a_network_trains_and_its_decision_map_and_path_follow_the_playhead(gdp):
    page = gdp.goto("/?steps=200")
    pick_network(page, "circles")
    page.get_by_test_id("net-hidden").fill("6, 6")
    page.get_by_test_id("net-hidden").dispatch_event("change")
    play_to_end(page)
    # The URL is rewritten at most every few hundred ms: wait for it.
    page.wait_for_function("() => /o\\.dataset=circles.*o\\.hidden=6\\/6/.test(location.search)")
    page.get_by_test_id("reset").click()
    first = panel_at(page, 0)
    page.get_by_test_id("play").click()
    page.wait_for_selector("body[data-run=done]", timeout=60_000)
    last = panel_at(page, 200)
    assert first["kind"] == last["kind"] == "decision-map"
    assert first["heat"] != last["heat"] and first["pixels"] != last["pixels"]
    assert last["edges"] == str(2 * 6 + 6 * 6 + 6 * 1)  # one edge per weight of 2-6-6-1
    # The path on the slice: drawn further, to a lower loss.
    assert last["slice"] == "pca" and int(last["points"]) > int(first["points"]) > 0
    assert float(last["pathLoss"]) < 0.5 * float(first["pathLoss"])
    assert page.get_by_test_id("loss-chart").get_attribute("data-last-step") == "200"
    # The table gives the gradient's norm; its entries, one per weight, are not two numbers.
    row = page.locator("[data-testid=run-table] tbody tr").first.inner_text()
    assert "NaN" not in row and "—" in row, row
    gdp.assert_clean()


def test_the_backpropagation_view_steps_layer_by_layer_from_the_keyboard(gdp):
    page = gdp.goto("/?objective=mlp&o.dataset=xor&o.hidden=4/4&steps=50&run=adam:lr=0.02")
    play_to_end(page)
    panel_at(page, 50)
    page.get_by_test_id("net-edges-weights").focus()
    page.keyboard.press("ArrowRight")  # the radio group: to "gradients"
    assert page.get_by_test_id("net-edges-gradients").is_checked()
    panel = page.get_by_test_id("net-panel")
    page.wait_for_selector("[data-testid=net-panel][data-show=gradients][data-stage='0']")
    assert panel.get_attribute("data-edges") == str(4 * 1)  # the output layer's weights first
    page.get_by_test_id("net-layer-next").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=net-panel][data-stage='1']")
    assert panel.get_attribute("data-edges") == str(4 * 1 + 4 * 4)
    assert "Backprop step 2 of 3" in page.locator("#net-diagram-caption").inner_text()
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=net-panel][data-stage='2'][data-edges='28']")
    assert page.get_by_test_id("net-layer-next").is_disabled()
    page.select_option("[data-testid=net-slice]", "random")
    page.wait_for_selector("#surface[data-slice=random]", timeout=30_000)
    assert "o.slice=random" in page.url
    gdp.assert_clean()


def test_a_pasted_csv_trains_and_a_bad_one_is_named_by_row_and_column(gdp):
    page = gdp.goto("/?steps=120&run=adam:lr=0.03")
    pick_network(page, "csv")
    box = page.get_by_test_id("net-csv")
    with page.expect_response(lambda r: r.url.endswith("/api/v1/runs")) as answer:
        box.fill(xor_csv())
    assert answer.value.status == 200
    assert json.loads(answer.value.request.post_data)["objective"]["dataset"]["csv"] == xor_csv()
    play_to_end(page)
    last = panel_at(page, 120)
    assert last["kind"] == "decision-map"
    assert page.get_by_test_id("loss-chart").get_attribute("data-last-step") == "120"
    assert page.locator("#net-data-caption").inner_text().count("Accuracy") == 1
    bad = xor_csv().split("\n")
    bad[3] = "abc," + bad[3].split(",", 1)[1]
    with page.expect_response(lambda r: r.url.endswith("/api/v1/runs")) as answer:
        box.fill("\n".join(bad))
    assert answer.value.status == 422
    error = page.get_by_test_id("net-csv-error")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=net-csv-error]').textContent"
    )
    assert (
        "row 3, column 'x1'" in error.inner_text() and "not a number ('abc')" in error.inner_text()
    )
    assert box.get_attribute("aria-invalid") is not None
    # The last good network stays on screen.
    assert page.get_attribute("[data-testid=net-panel]", "data-step") == "120"
    settle(page)


def is_network_rates(response) -> bool:
    return urlsplit(response.url).path.endswith("/api/v1/objectives/mlp")


def rates(page) -> list[float]:
    values = page.eval_on_selector_all("[data-testid=lr]", "es => es.map(e => e.value)")
    return [float(v) for v in values]


def rates_in_use(page, answer) -> dict:
    """The suggested rates of the server's answer, once the page uses them."""
    suggested = answer.value.json()["suggested_lr"]
    page.wait_for_function(
        """s => { const r = document.querySelector('[data-testid=network-options]').dataset.rates;
          return r !== undefined && JSON.stringify(JSON.parse(r)) === JSON.stringify(s); }""",
        arg=suggested,
    )
    return suggested


def test_a_networks_new_run_gets_the_servers_suggested_rate(gdp):
    page = gdp.page
    with page.expect_response(is_network_rates, timeout=60_000) as answer:
        gdp.goto("/?objective=mlp&o.dataset=moons&o.hidden=4/4&steps=50&run=adam:lr=0.02")
    assert answer.value.status == 200
    query = parse_qs(urlsplit(answer.value.url).query, keep_blank_values=True)
    assert query["dataset"] == ["moons"] and query["hidden"] == ["4,4"]
    suggested = rates_in_use(page, answer)
    assert "newton" not in suggested and 0.02 not in suggested.values()
    settle(page)
    page.get_by_test_id("add-run").click()
    new = page.get_by_test_id("optimizer").nth(1).input_value()
    assert rates(page) == [0.02, suggested[new]]  # the URL's rate stays; the new run's is theirs
    # Another network asks for its own; the runs keep their rates, a new run takes the new ones.
    with page.expect_response(is_network_rates, timeout=60_000) as answer:
        page.get_by_test_id("net-hidden").fill("6")
        page.get_by_test_id("net-hidden").dispatch_event("change")
    assert parse_qs(urlsplit(answer.value.url).query)["hidden"] == ["6"]
    other = rates_in_use(page, answer)
    page.get_by_test_id("add-run").click()
    third = page.get_by_test_id("optimizer").nth(2).input_value()
    assert rates(page) == [0.02, suggested[new], other[third]]
    settle(page)
    gdp.assert_clean()


def test_a_picked_networks_runs_race_at_the_servers_rates_once_they_come(gdp):
    page = gdp.goto("/?steps=60")
    before = rates(page)
    races: list[dict] = []
    page.on(
        "request",
        lambda r: r.url.endswith("/api/v1/runs") and races.append(json.loads(r.post_data)),
    )
    with page.expect_response(is_network_rates, timeout=60_000) as answer:
        page.select_option("[data-testid=objective]", "mlp")
    suggested = rates_in_use(page, answer)
    optimizers = [o.input_value() for o in page.get_by_test_id("optimizer").all()]
    wanted = [suggested[o] for o in optimizers]
    assert wanted != before and rates(page) == wanted
    # The network's first race ran at the rates the runs had; the race on screen at the server's.
    settle(page)
    networks = [[r["optimizer"]["lr"] for r in race["runs"]] for race in races]
    assert networks[0] == before and networks[-1] == wanted
    assert all(race["objective"]["id"] == "mlp" for race in races)
    gdp.assert_clean()
