"""End-to-end: the update rule, live. At the playhead the panel shows the selected run's rule in
KaTeX with the numbers of the update that leaves that step, equal to the API's own state (a
/runs trace and /explain-step), for SGD with momentum and for Adam, in the free playground and
in a lesson; and one sentence says why the step is what it is."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playback import play_to_end

pytestmark = pytest.mark.e2e

RUNS = [
    {"optimizer": {"name": "sgd", "lr": 0.001, "momentum": 0.9}, "start": [-1.2, 1]},
    {"optimizer": {"name": "adam", "lr": 0.05}, "start": [-1.2, 1]},
]
PAGE = "/?objective=rosenbrock&steps=40&run=sgd:lr=0.001,momentum=0.9&run=adam:lr=0.05"
K = 10  # the playhead's step


def post(base: str, path: str, body: dict) -> dict:
    request = urllib.request.Request(
        f"{base}/api/v1{path}",
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request) as r:
        return json.load(r)


def terms(page, root: str) -> dict:
    rows = page.locator(f"{root} [data-testid=rule-terms] tr[data-term]")
    return {
        rows.nth(i).get_attribute("data-term"): (
            json.loads(rows.nth(i).get_attribute("data-value")),
            rows.nth(i).locator("td").inner_text(),
        )
        for i in range(rows.count())
    }


def shown(values, text: str) -> None:
    """The cell's text states the value to four significant digits."""
    values = values if isinstance(values, list) else [values]
    numbers = [float(t.replace("−", "-")) for t in text.strip("()").split(", ")]
    assert numbers == pytest.approx(values, rel=1e-3, abs=1e-12), (values, text)


def wait_rule(page, root: str, run: int, step: int) -> None:
    page.wait_for_selector(
        f"{root} .view-body[data-ready='1'][data-run='{run}'][data-step='{step}']", timeout=15_000
    )


@pytest.mark.parametrize("where", ["playground", "lesson"])
def test_the_rule_shows_the_apis_numbers_at_the_playhead(gdp, where):
    base = gdp.base
    if where == "playground":
        page = gdp.goto(PAGE)
        root = "[data-testid=view-rule]"
        page.locator(f"{root} > summary").click()
        page.wait_for_selector(f"{root}[data-loaded='1']", timeout=15_000)
        objective, runs, steps = {"id": "rosenbrock"}, RUNS, 40
    else:  # the banana valley card races the same two optimizers
        page = gdp.goto("/?lesson=momentum-adam&card=4")
        root = "[data-testid=lesson-rule]"
        card = post_get(base, "/lessons/momentum-adam")["cards"][3]["config"]
        objective, runs, steps = card["objective"], card["runs"], card["steps"]
    play_to_end(page)
    page.get_by_test_id("reset").click()
    page.locator("body").focus()
    for _ in range(K):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => document.getElementById('scrub').value === '{K}'")
    trace = post(base, "/runs", {"objective": objective, "runs": runs, "steps": steps})["runs"]

    # SGD with momentum: g at step K, the buffer and the parameters after update K + 1.
    wait_rule(page, root, 0, K + 1)
    sgd = trace[0]["trace"]
    got = terms(page, root)
    assert got["grad"][0] == sgd["grad"][K]
    assert got["momentum_buffer"][0] == sgd["state"]["momentum_buffer"][K + 1]
    assert got["params_after"][0] == sgd["params"][K + 1]
    assert got["lr"][0] == runs[0]["optimizer"]["lr"]
    for name in ("grad", "momentum_buffer", "params_after"):
        shown(*got[name])
    tex = page.eval_on_selector_all(
        f"{root} [data-testid=rule-tex] annotation", "els => els.map(e => e.textContent)"
    )
    assert any(f"b_{{{K + 1}}} = 0.9" in t for t in tex), tex
    sentence = page.locator(f"{root} [data-testid=step-sentence]").inner_text()
    assert "momentum" in sentence.lower() or "buffer" in sentence, sentence

    # Adam: m and v as the trace keeps them, m̂ and v̂ as /explain-step gives them.
    page.locator(f"{root} [data-testid=rule-run]").select_option("1")
    wait_rule(page, root, 1, K + 1)
    adam = trace[1]["trace"]
    got = terms(page, root)
    assert got["m"][0] == adam["state"]["exp_avg"][K + 1]
    assert got["v"][0] == adam["state"]["exp_avg_sq"][K + 1]
    assert got["params_after"][0] == adam["params"][K + 1]
    explained = post(
        base,
        "/explain-step",
        {
            "optimizer": runs[1]["optimizer"],
            "step": K + 1,
            "params": adam["params"][K],
            "grad": adam["grad"][K],
            "state": {name: values[K] for name, values in adam["state"].items()},
        },
    )
    for name in ("m_hat", "v_hat", "effective_step"):
        assert got[name][0] == explained["terms"][name]
        shown(*got[name])
    sentence = page.locator(f"{root} [data-testid=step-sentence]").inner_text()
    assert "m̂/√v̂" in sentence and "lr = 0.05" in sentence, sentence
    gdp.assert_clean()


def post_get(base: str, path: str) -> dict:
    with urllib.request.urlopen(f"{base}/api/v1{path}") as r:
        return json.load(r)


def test_the_sentence_says_why_sgd_overshoots(gdp):
    page = gdp.goto("/?lesson=momentum-adam&card=1")
    root = "[data-testid=lesson-rule]"
    play_to_end(page)
    page.get_by_test_id("reset").click()
    wait_rule(page, root, 0, 1)
    sentence = page.locator(f"{root} [data-testid=step-sentence]").inner_text()
    limit = post(gdp.base, "/inspect", {"objective": {"id": "quadratic"}, "point": [-4, 3]})
    assert limit["sgd_lr_limit"] == pytest.approx(0.1)
    assert sentence.startswith("lr·λmax = 2.4 > 2 at this point, so SGD overshoots"), sentence
    assert float(page.get_attribute(f"{root} .view-body", "data-limit")) == limit["sgd_lr_limit"]
    gdp.assert_clean()
