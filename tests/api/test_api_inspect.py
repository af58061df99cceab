"""POST /inspect: loss, gradient, Hessian with eigenpairs, and the backprop graph."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.anyio


async def inspect(client, kit, objective, point):
    r = await client.post(f"{kit.API}/inspect", json={"objective": objective, "point": point})
    assert r.status_code == 200, r.text[:500]
    return kit.strict_loads(r.content)


async def test_two_weight_chain_at_the_worked_example(client, kit):
    got = await inspect(client, kit, {"id": "two-weight-chain"}, [200, 1.4])
    # L = (1000·W1·W2 − 300000)²; at (200, 1.4) the residual is −20000.
    assert got["point"] == [200.0, 1.4]
    assert got["loss"] == pytest.approx(4e8)
    assert got["gradient"] == pytest.approx([-5.6e7, -8e9])
    h = np.array(got["hessian"])
    np.testing.assert_allclose(h, [[3.92e6, 5.2e8], [5.2e8, 8e10]], rtol=1e-9)
    assert got["param_names"] == ["W1", "W2"]
    values, vectors = np.array(got["eigenvalues"]), np.array(got["eigenvectors"])
    assert values[0] <= values[1]
    np.testing.assert_allclose(values, np.linalg.eigvalsh(h), rtol=1e-9)
    for value, vector in zip(values, vectors, strict=True):  # one eigenvector per row
        assert np.linalg.norm(vector) == pytest.approx(1.0)
        np.testing.assert_allclose(h @ vector, value * vector, rtol=1e-6, atol=1e-6 * values[1])


async def test_two_weight_chain_graph(client, kit):
    graph = (await inspect(client, kit, {"id": "two-weight-chain"}, [200, 1.4]))["graph"]
    nodes = {node["id"]: node for node in graph["nodes"]}
    for node in graph["nodes"]:
        assert {"op", "inputs", "value", "grad"} <= node.keys()
        assert all(i in nodes and i < node["id"] for i in node["inputs"])  # topological
    values = [np.ravel(node["value"]).tolist() for node in graph["nodes"]]
    assert [200000.0] in values and [280000.0] in values
    output = nodes[graph["output"]]
    assert np.ravel(output["value"]).tolist() == pytest.approx([4e8])
    assert np.ravel(output["grad"]).tolist() == [1.0]
    inputs = [node for node in graph["nodes"] if node["op"] == "input"]
    assert len(inputs) == 1 and not inputs[0]["inputs"]
    np.testing.assert_allclose(np.ravel(inputs[0]["grad"]), [-5.6e7, -8e9])
    # The node holding 1000·W1 = 200000 gets dL/d(1000·W1) = 2·(−20000)·1.4 = −56000.
    (scaled,) = [n for n in graph["nodes"] if np.ravel(n["value"]).tolist() == [200000.0]]
    assert np.ravel(scaled["grad"]).tolist() == pytest.approx([-56000.0])


async def test_two_weight_chain_edges_carry_the_chain_rule(client, kit):
    """Each edge has its local derivative and what it adds to its input's gradient."""
    graph = (await inspect(client, kit, {"id": "two-weight-chain"}, [200, 1.4]))["graph"]
    by_value = {tuple(np.ravel(n["value"]).tolist()): n for n in graph["nodes"]}
    product = by_value[(280000.0,)]  # (1000·W1) × W2
    assert [np.ravel(g).tolist() for g in product["local_grads"]] == [[1.4], [200000.0]]
    assert [np.ravel(g).tolist() for g in product["edge_grads"]] == [[-56000.0], [-8e9]]
    (square,) = [n for n in graph["nodes"] if len(n["inputs"]) == 2 == len(set(n["inputs"])) + 1]
    # residual × residual: each edge's local derivative is the other factor, −20000.
    assert [np.ravel(g).tolist() for g in square["local_grads"]] == [[-20000.0], [-20000.0]]


@pytest.mark.parametrize(
    ("objective", "point"),
    [
        ({"id": "two-weight-chain"}, [200, 1.4]),
        ({"id": "rosenbrock"}, [-1.2, 1.0]),
        ({"id": "linear-regression"}, [1.0, 1.0]),
        ({"expression": "sin(x)*y + exp(x/3)"}, [0.3, -2.0]),
    ],
)
async def test_edge_grads_add_up_to_each_inputs_grad(client, kit, objective, point):
    graph = (await inspect(client, kit, objective, point))["graph"]
    nodes = graph["nodes"]
    totals: dict[int, np.ndarray] = {}
    for node in nodes:
        assert len(node["local_grads"]) == len(node["edge_grads"]) == len(node["inputs"])
        for i, local, edge in zip(
            node["inputs"], node["local_grads"], node["edge_grads"], strict=True
        ):
            source = nodes[i]
            if source["grad"] is None:  # a constant: no gradient flows into it
                assert local is None and edge is None
                continue
            assert np.shape(local) == np.shape(edge) == np.shape(source["value"])
            totals[i] = totals.get(i, 0) + np.asarray(edge)
    for i, total in totals.items():
        np.testing.assert_allclose(total, nodes[i]["grad"], rtol=1e-12, atol=1e-12)
    assert totals, "no edge carried a gradient"


async def test_one_weight_network(client, kit):
    got = await inspect(client, kit, {"id": "one-weight-network"}, [2])
    assert got["loss"] == 4.0 and got["gradient"] == [-4.0]
    assert got["hessian"] == [[2.0]]
    assert got["eigenvalues"] == [2.0] and got["eigenvectors"] == [[1.0]]


async def test_expression(client, kit):
    got = await inspect(client, kit, {"expression": "x^2 + 10*y^2 + x*y"}, [1, 2])
    assert got["loss"] == pytest.approx(43.0)
    assert got["gradient"] == pytest.approx([4.0, 41.0])
    np.testing.assert_allclose(got["hessian"], [[2, 1], [1, 20]], atol=1e-9)


async def test_overflow_is_null(client, kit):
    r = await client.post(
        f"{kit.API}/inspect", json={"objective": {"id": "rosenbrock"}, "point": [1e300, 1e300]}
    )
    assert r.status_code == 200
    assert b"NaN" not in r.content and b"Infinity" not in r.content
    got = kit.strict_loads(r.content)
    assert got["loss"] is None and got["eigenvalues"] is None and got["eigenvectors"] is None


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999"])
async def test_non_finite_point_is_422(client, kit, token):
    raw = '{"objective": {"id": "rosenbrock"}, "point": [1, TOKEN]}'.replace("TOKEN", token)
    r = await kit.post_raw(client, "/inspect", raw)
    kit.assert_problem(r, 422, "point[1]", "finite")


@pytest.mark.parametrize(
    ("body", "field", "word"),
    [
        ({"objective": {"id": "rosenbrock"}, "point": [1]}, "point", "2"),
        ({"objective": {"id": "u-curve"}, "point": [1, 2]}, "point", "1"),
        ({"objective": {"id": "rosenbrock"}, "point": []}, "point", "at least 2"),
        ({"objective": {"id": "rosenbrock"}, "point": [1, 2, 3]}, "point", "at most 2"),
        ({"objective": {"id": "rosenbrock"}}, "point", "required"),
        (
            {"objective": {"expression": "sin("}, "point": [1]},
            "objective.expression",
            "never closed",
        ),
        ({"objective": {"id": "nope"}, "point": [1]}, "objective.id", "nope"),
    ],
)
async def test_bad_inspect_requests_name_the_field(client, kit, body, field, word):
    r = await client.post(f"{kit.API}/inspect", json=body)
    kit.assert_problem(r, 422, field, word)
