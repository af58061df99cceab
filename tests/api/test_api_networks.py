"""Networks through the JSON API: a network and its dataset in the objective spec, training to
the issue's accuracies, a pasted CSV (and its bad cells named by row and column), parameters
recorded sparsely, a slice of weight space, the Hessian's top eigenvalue and the page's view
of the data, the prediction and the weights and gradients by layer."""

from __future__ import annotations

import numpy as np
import pytest

from app.engine import batch_value_and_grad, hessian
from app.objectives import make_objective
from app.settings import SETTINGS

pytestmark = pytest.mark.anyio

XOR_NET = {"id": "mlp", "dataset": {"name": "xor"}, "hidden": [8, 8], "activation": "tanh"}
SMALL = {"id": "mlp", "dataset": {"name": "xor", "n": 60}, "hidden": [3]}


def xor_csv(n: int = 240, seed: int = 1) -> str:
    """An XOR table as your own CSV: the label is whether x1 and x2 have the same sign."""
    rng = np.random.default_rng(seed)
    points = rng.uniform(-1.0, 1.0, (n, 2))
    labels = np.where(points[:, 0] * points[:, 1] > 0, "same", "different")
    rows = (f"{x:.4f},{y:.4f},{label}" for (x, y), label in zip(points, labels, strict=True))
    return "x1,x2,sign\n" + "\n".join(rows)


async def race(client, kit, objective, steps, lr=0.02, record=None, status=200):
    body = {
        "objective": objective,
        "runs": [{"optimizer": {"name": "adam", "lr": lr}}],
        "steps": steps,
        "record": record or {"every": 1, "params_every": None},
    }
    r = await client.post(f"{kit.API}/runs", json=body)
    assert r.status_code == status, r.text[:500]
    return kit.strict_loads(r.content)


@pytest.mark.parametrize(
    ("dataset", "steps", "accuracy"),
    [
        ({"name": "xor"}, 300, 0.95),
        ({"name": "spiral"}, 1500, 0.9),
        ({"csv": xor_csv()}, 400, 0.95),
    ],
    ids=["xor", "spiral", "pasted-csv"],
)
async def test_adam_trains_a_2_8_8_1_tanh_network_to_the_issues_test_accuracy(
    client, kit, dataset, steps, accuracy
):
    (run,) = (await race(client, kit, {**XOR_NET, "dataset": dataset}, steps))["runs"]
    trace = run["trace"]
    assert len(run["x"]) == 2 * 8 + 8 + 8 * 8 + 8 + 8 + 1  # 2-8-8-1: 105 weights and biases
    assert trace["step"] == list(range(steps + 1)) and len(trace["loss"]) == steps + 1
    assert set(trace["metrics"]) == {"test_loss", "train_accuracy", "test_accuracy"}
    assert all(len(values) == steps + 1 for values in trace["metrics"].values())
    assert trace["params_step"] == [steps] and trace["params"] == [run["x"]]  # the last only
    assert trace["metrics"]["test_accuracy"][0] < 0.8
    assert trace["metrics"]["test_accuracy"][-1] >= accuracy


def bad_csv(case: str) -> str:
    good = xor_csv(20)
    lines = good.split("\n")
    if case == "missing cell":
        lines[5] = lines[5].rsplit(",", 1)[0]
    elif case == "empty cell":
        lines[7] = "," + lines[7].split(",", 1)[1]
    elif case == "text":
        lines[3] = "abc," + lines[3].split(",", 1)[1]
    elif case == "nan":
        lines[9] = lines[9].split(",")[0] + ",NaN," + lines[9].split(",")[2]
    else:
        return "x1,x2,sign\n" + "\n".join(["0.1,0.2,a", "0.3,0.4,b"] * 2500 + ["0.5,0.6,a"])
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("case", "where"),
    [
        ("missing cell", "row 5, column 'sign': missing cell"),
        ("empty cell", "row 7, column 'x1': empty cell"),
        ("text", "row 3, column 'x1': not a number ('abc')"),
        ("nan", "row 9, column 'x2': not a finite number ('NaN')"),
        ("5,001 rows", "row 5001: too many rows (at most 5,000)"),
    ],
)
async def test_a_bad_csv_is_a_422_naming_its_row_and_column(client, kit, case, where):
    objective = {"id": "mlp", "dataset": {"csv": bad_csv(case)}}
    got = await race(client, kit, objective, 5, status=422)
    assert got["detail"][0]["field"] == "objective.dataset.csv"
    assert got["detail"][0]["msg"] == where


async def test_the_body_limit_grows_only_for_routes_that_take_data(client, kit):
    big = xor_csv(5000)  # 5,000 rows: over the plain 64 KiB limit
    assert len(big) > SETTINGS.max_body_bytes
    objective = {"id": "mlp", "dataset": {"csv": big}, "hidden": [2]}
    got = await race(client, kit, objective, 2)
    assert got["runs"][0]["status"] == "max_steps"
    r = await client.post(f"{kit.API}/explain-step", json={"padding": big})
    assert r.status_code == 413
    huge = "x" * SETTINGS.max_data_body_bytes
    r = await client.post(f"{kit.API}/runs", json={"objective": {"id": "mlp", "csv": huge}})
    assert r.status_code == 413


async def test_parameters_every_kth_step_while_losses_and_metrics_come_every_step(client, kit):
    record = {"every": 1, "params_every": 10}
    (sparse,) = (await race(client, kit, SMALL, 25, lr=0.05, record=record))["runs"]
    (full,) = (await race(client, kit, SMALL, 25, lr=0.05, record="all"))["runs"]
    trace, every = sparse["trace"], full["trace"]
    assert trace["step"] == every["step"] == list(range(26))
    assert trace["loss"] == every["loss"] and trace["metrics"] == every["metrics"]
    assert trace["params_step"] == [0, 10, 20, 25] and "params_step" not in every
    for key in ("params", "grad"):
        assert trace[key] == [every[key][k] for k in (0, 10, 20, 25)]
    assert trace["state"]["exp_avg"] == [every["state"]["exp_avg"][k] for k in (0, 10, 20, 25)]


async def test_a_stream_sends_parameters_at_their_steps_and_metrics_at_every_step(client, kit):
    body = {
        "objective": SMALL,
        "runs": [{"optimizer": {"name": "sgd", "lr": 0.5}}],
        "steps": 7,
        "record": {"every": 1, "params_every": 3},
    }
    r = await client.post(f"{kit.API}/runs", json=body, headers={"Accept": "application/jsonl"})
    lines = kit.jsonl_objects(r.text)
    steps = [line for line in lines if line["type"] == "step"]
    assert [s["step"] for s in steps] == list(range(8)) and lines[-1]["type"] == "done"
    kept = [s["step"] for s in steps if s["runs"][0]["params"] is not None]
    assert kept == [0, 3, 6, 7]
    assert all(
        set(s["runs"][0]["metrics"]) == {"test_loss", "train_accuracy", "test_accuracy"}
        for s in steps
    )
    assert lines[-1]["runs"][0]["x"] == steps[-1]["runs"][0]["params"]


async def test_a_random_slice_through_a_point_holds_its_loss_at_the_centre(client, kit):
    (run,) = (await race(client, kit, SMALL, 20, lr=0.05, record="all"))["runs"]
    center = run["trace"]["params"][-1]
    body = {"objective": SMALL, "slice": {"center": center, "seed": 3}, "resolution": 5}
    r = await client.post(f"{kit.API}/surface", json=body)
    got = kit.strict_loads(r.content)
    assert got["x"] == got["y"] == [-1.0, -0.5, 0.0, 0.5, 1.0] and got["method"] == "random"
    assert got["z"][2][2] == run["trace"]["loss"][-1]  # the same weights, the same loss
    objective = make_objective(SMALL)
    d1, d2 = np.array(got["directions"])
    point = np.array(center) + 0.5 * d1 - 1.0 * d2  # z[i][j] at x[j] = 0.5, y[i] = −1
    assert got["z"][0][3] == pytest.approx(float(objective.loss(point[None])[0]), rel=1e-12)
    first_layer = np.array(center[:6]).reshape(3, 2)  # filter-normalised: each row's norm
    np.testing.assert_allclose(
        np.linalg.norm(d1[:6].reshape(3, 2), axis=1), np.linalg.norm(first_layer, axis=1)
    )
    assert got["path"] is None and got["explained"] is None


async def test_a_pca_slice_draws_the_runs_path_on_its_plane(client, kit):
    (run,) = (await race(client, kit, SMALL, 40, lr=0.05, record="all"))["runs"]
    path = run["trace"]["params"]
    body = {"objective": SMALL, "slice": {"method": "pca", "path": path}, "resolution": 9}
    r = await client.post(f"{kit.API}/surface", json={**body, "format": "f32"})
    got = kit.strict_loads(r.content)
    assert got["shape"] == [9, 9] and got["center"] == path[-1]
    coords, offset = np.array(got["path"]), np.array(got["path_offset"])
    assert coords.shape == (41, 2) and np.allclose(coords[-1], 0.0)
    assert coords[0][0] < 0 and coords[0][1] < 0  # the start at negative coordinates of both
    assert sum(got["explained"]) <= 1.0 and got["explained"][0] >= got["explained"][1]
    directions = np.array(got["directions"])
    rebuilt = np.array(path[-1]) + coords @ directions
    np.testing.assert_allclose(
        np.linalg.norm(np.array(path) - rebuilt, axis=1), offset, rtol=1e-9, atol=1e-12
    )
    r = await client.post(f"{kit.API}/surface", json={**body, "slice": {"method": "pca"}})
    assert r.status_code == 422 and "path" in r.json()["detail"][0]["msg"]


async def test_inspect_gives_a_networks_top_eigenvalue_and_its_stability_limit(client, kit):
    objective = make_objective(SMALL)
    point = list(objective.default_start)
    r = await client.post(f"{kit.API}/inspect", json={"objective": SMALL, "point": point})
    got = kit.strict_loads(r.content)
    dense = hessian(lambda p: objective.loss(p[None])[0])(np.array(point))
    eigenvalues = np.linalg.eigvalsh(dense)
    assert got["lambda_max"] == pytest.approx(eigenvalues[-1], rel=1e-9)
    assert got["lambda_min"] == pytest.approx(eigenvalues[0], rel=1e-6)
    assert got["sgd_lr_limit"] == pytest.approx(2.0 / eigenvalues[-1], rel=1e-9)
    assert got["hvp_products"] <= objective.dim and "graph" not in got


async def test_predict_gives_the_decision_map_and_the_weights_and_gradients_by_layer(client, kit):
    objective = make_objective(SMALL)
    start = np.array(objective.default_start)
    points = [start.tolist(), (start * 2.0).tolist()]
    body = {"objective": SMALL, "points": points, "resolution": 6}
    got = kit.strict_loads((await client.post(f"{kit.API}/predict", json=body)).content)
    assert got["kind"] == "network" and got["classes"] == ["0", "1"]
    assert got["architecture"] == {"sizes": [2, 3, 1], "activation": "tanh", "output": "bce"}
    assert len(got["grid"]["x"]) == len(got["grid"]["y"]) == 6
    n_train = len(got["samples"]["train"]["target"])
    assert n_train + len(got["samples"]["test"]["target"]) == 60
    _, grads = batch_value_and_grad(objective.loss, np.array(points))
    for fit, point, grad in zip(got["fits"], points, grads, strict=True):
        heat = np.array(fit["grid"])
        assert heat.shape == (6, 6, 2) and np.allclose(heat.sum(axis=2), 1.0)
        assert np.array(fit["predictions"]["train"]).shape == (n_train, 2)
        assert fit["loss"] == pytest.approx(float(objective.loss(np.array([point]))[0]), rel=1e-12)
        for key, flat in (("weights", point), ("gradient", grad)):
            layers = fit[key]
            assert np.array(layers[0]["weight"]).shape == (3, 2) and len(layers[1]["bias"]) == 1
            joined = [v for layer in layers for v in (*np.ravel(layer["weight"]), *layer["bias"])]
            np.testing.assert_allclose(joined, flat, rtol=1e-12, atol=0)


async def test_predict_draws_a_regression_as_a_curve(client, kit):
    spec = {"id": "mlp", "dataset": {"name": "u-curve"}, "hidden": [4]}
    point = list(make_objective(spec).default_start)
    body = {"objective": spec, "points": [point], "resolution": 9}
    got = kit.strict_loads((await client.post(f"{kit.API}/predict", json=body)).content)
    assert got["classes"] is None and got["grid"]["y"] is None
    assert len(got["fits"][0]["grid"]) == 9 and got["architecture"]["output"] == "mse"


@pytest.mark.parametrize(
    ("route", "body", "field", "words"),
    [
        (
            "runs",
            {"runs": [{"optimizer": {"name": "adam"}, "start": [1.0]}]},
            "runs[0].start",
            "needs 13 numbers",
        ),
        (
            "runs",
            {"runs": [{"optimizer": {"name": "newton"}}]},
            "runs[0].optimizer.name",
            "dense Hessian",
        ),
        ("predict", {"points": [[0.0] * 13, [0.0] * 12]}, "points[1]", "needs 13 numbers"),
        ("inspect", {"point": [0.0] * 14}, "point", "needs 13 numbers"),
        ("surface", {"slice": {"center": [0.0] * 12}}, "slice.center", "needs 13 numbers"),
        (
            "runs",
            {
                "runs": [{"optimizer": {"name": "adam"}}],
                "objective": {"id": "mlp", "dataset": {"name": "spiral"}, "output": "mse"},
            },
            "objective.output",
            "mse needs a numeric target",
        ),
    ],
)
async def test_a_bad_network_request_names_its_field(client, kit, route, body, field, words):
    r = await client.post(f"{kit.API}/{route}", json={"objective": SMALL, **body})
    assert r.status_code == 422, r.text[:300]
    (item,) = r.json()["detail"]
    assert item["field"] == field and words in item["msg"]
