"""GET /objectives/mlp: a network described as any objective, built from its spec in query
parameters, with the server's suggested rates and every dataset it takes by name."""

from __future__ import annotations

import pytest

from app.api.encoding import dumps
from app.api.network_catalog import network_json
from app.objectives import make_objective
from app.objectives.dataset_spec import NAMES, dataset_options, is_classification
from app.optim import OPTIMIZERS
from app.tuning import SUGGESTION_RATES, suggest

pytestmark = pytest.mark.anyio

FIRST_ORDER = {name for name, opt in OPTIMIZERS.items() if not opt.needs_hessian}
SMALL = "dataset.n=40&hidden=3"  # a small network on few rows: its suggestions take a moment


async def get(client, kit, query, status=200):
    r = await client.get(f"{kit.API}/objectives/mlp{query}")
    assert r.status_code == status, r.text[:500]
    return kit.strict_loads(r.content)


async def test_the_default_network_is_described_as_make_objective_builds_it(client, kit):
    got = await get(client, kit, "")
    built = make_objective({"id": "mlp"})
    assert got["id"] == "mlp" and got["group"] == "network" and got["data_kind"] == "network"
    assert got["dim"] == built.dim == 2 * 8 + 8 + 8 * 8 + 8 + 8 + 1
    assert got["param_names"] == list(built.param_names)
    assert got["param_names"][:2] == ["layer1.weight[0]", "layer1.weight[1]"]
    assert got["default_start"] == list(built.default_start) and len(got["view_box"]) == got["dim"]
    assert got["settings"]["hidden"] == [8, 8] and got["settings"]["output"] == "bce"
    assert got["settings"]["dataset"] == {**built.settings["dataset"]}
    assert [o["name"] for o in got["options"]] == [
        "activation",
        "output",
        "weight_decay",
        "init",
        "seed",
    ]
    # The server's own suggestions, for every optimizer a network can run and no other.
    assert set(got["suggested_lr"]) == FIRST_ORDER != set(OPTIMIZERS)
    assert set(got["suggested_lr"].values()) <= set(SUGGESTION_RATES)
    assert got["suggested_lr"] == suggest(built)
    assert got == kit.strict_loads(dumps(network_json(built, suggest(built))))


@pytest.mark.parametrize(
    ("query", "spec"),
    [
        ("dataset=spiral&dataset.noise=0.1", {"dataset": {"name": "spiral", "noise": 0.1}}),
        ("dataset.test_fraction=0.1", {"dataset": {"name": "xor", "test_fraction": 0.1}}),
        ("dataset.standardize=false", {"dataset": {"name": "xor", "standardize": False}}),
        ("dataset.seed=3", {"dataset": {"name": "xor", "seed": 3}}),
        ("dataset=clusters&dataset.classes=4", {"dataset": {"name": "clusters", "classes": 4}}),
        ("dataset=black-box", {"dataset": {"name": "black-box"}}),
        ("hidden=4,2", {"hidden": [4, 2]}),
        ("hidden=", {"hidden": []}),
        ("activation=relu", {"activation": "relu"}),
        ("dataset=clusters&output=ce", {"dataset": {"name": "clusters"}, "output": "ce"}),
        ("weight_decay=0.01", {"weight_decay": 0.01}),
        ("init=he", {"init": "he"}),
        ("seed=5", {"seed": 5}),
    ],
)
async def test_each_parameter_builds_that_network(client, kit, query, spec):
    small = {"hidden": [3]} | spec
    if "dataset" in spec and spec["dataset"]["name"] != "black-box":
        small["dataset"] = {"n": 40} | spec["dataset"]
    elif "dataset" not in spec:
        small["dataset"] = {"name": "xor", "n": 40}
    rows = "" if "black-box" in query else "dataset.n=40"
    layers = "" if "hidden=" in query else "hidden=3"
    base = "&".join(part for part in (rows, layers) if part)
    got = await get(client, kit, f"?{base}&{query}" if base else f"?{query}")
    built = make_objective({"id": "mlp", **small})
    assert got["dim"] == built.dim and got["param_names"] == list(built.param_names)
    assert got["settings"] == kit.strict_loads(dumps(dict(built.settings)))
    assert got["title"] == built.title and got["formula"] == built.formula
    assert got == kit.strict_loads(dumps(network_json(built, suggest(built))))
    plain = await get(client, kit, f"?{base}")
    assert got["settings"] != plain["settings"]


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("dataset=csv", "dataset", ("unknown dataset 'csv'", "cannot go in a query string")),
        ("dataset=iris", "dataset", ("known: xor",)),
        ("dataset.n=5", "dataset.n", ("greater than or equal to 10",)),
        ("dataset.n=12.5", "dataset.n", ("whole number",)),
        ("dataset.noise=loud", "dataset.noise", ("must be a number",)),
        ("dataset.classes=3", "dataset.classes", ("unknown field", "noise")),
        ("dataset=black-box&dataset.n=50", "dataset.n", ("unknown field",)),
        ("dataset.standardize=yes", "dataset.standardize", ("true or false",)),
        ("dataset.seed=-1", "dataset.seed", ("greater than or equal to 0",)),
        ("hidden=8,40", "hidden[1]", ("less than or equal to 32",)),
        ("hidden=1,2,3,4,5", "hidden", ("at most 4",)),
        ("hidden=8,x", "hidden[1]", ("must be a number",)),
        ("hidden=8&hidden=8", "hidden", ("more than once",)),
        ("activation=gelu", "activation", ("'tanh'",)),
        ("output=mse", "output", ("numeric target",)),
        ("dataset=clusters&output=bce", "output", ("exactly 2 classes",)),
        ("dataset=u-curve&output=ce", "output", ("class labels",)),
        ("weight_decay=2", "weight_decay", ("less than or equal to 1",)),
        ("weight_decay=nan", "weight_decay", ("finite",)),
        ("init=ones", "init", ("'xavier'",)),
        ("seed=1.5", "seed", ("whole number",)),
        ("batch_size=4", "batch_size", ("not a parameter of a network", "hidden")),
    ],
)
async def test_a_bad_parameter_is_a_422_naming_it(client, kit, query, field, words):
    r = await client.get(f"{kit.API}/objectives/mlp?{query}")
    kit.assert_problem(r, 422, field, *words)


async def test_the_datasets_are_listed_with_their_options(client, kit):
    datasets = (await get(client, kit, f"?{SMALL}"))["datasets"]
    assert [d["name"] for d in datasets] == list(NAMES) and "csv" not in NAMES
    for d in datasets:
        name = d["name"]
        assert d["kind"] == ("classification" if is_classification(name) else "regression")
        assert d["description"]
        specs = dataset_options(name)
        assert [o["name"] for o in d["options"]] == [s.name for s in specs]
        for option, spec in zip(d["options"], specs, strict=True):
            assert (option["kind"], option["default"]) == (spec.kind, spec.default), name
            assert (option["low"], option["high"]) == (spec.low, spec.high), name
    by_name = {d["name"]: {o["name"]: o for o in d["options"]} for d in datasets}
    assert by_name["spiral"]["n"]["default"] == 400 and by_name["xor"]["n"]["default"] == 200
    assert "classes" in by_name["clusters"] and "classes" not in by_name["xor"]
    assert set(by_name["black-box"]) == {"test_fraction", "standardize", "seed"}


async def test_the_operation_is_documented_with_typed_parameters(client, kit):
    spec = kit.strict_loads((await client.get(f"{kit.API}/openapi.json")).content)
    operation = spec["paths"]["/api/v1/objectives/mlp"]["get"]
    assert "CSV" in operation["description"] and "POST /runs" in operation["description"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert params["dataset"]["schema"]["enum"] == list(NAMES)
    assert params["dataset.n"]["schema"] == {"type": "integer", "minimum": 10, "maximum": 5000}
    assert "spiral: 400" in params["dataset.n"]["description"]  # each dataset's own default
    assert params["dataset.standardize"]["schema"] == {"type": "boolean", "default": True}
    assert params["dataset.classes"]["description"].endswith("Taken by clusters; default 3.")
    hidden = params["hidden"]
    assert (hidden["style"], hidden["explode"], hidden["schema"]["maxItems"]) == ("form", False, 4)
    assert params["activation"]["schema"]["enum"] == ["tanh", "relu", "sigmoid", "linear"]
    assert set(params) >= {"output", "weight_decay", "init", "seed"}
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ok.endswith("/NetworkObjectiveOut")
    out = spec["components"]["schemas"]["NetworkObjectiveOut"]["properties"]
    assert {"datasets", "settings", "suggested_lr", "dim", "param_names"} <= set(out)
    # The promises the request schemas make now hold: they point here.
    schemas = spec["components"]["schemas"]
    assert "GET /objectives/mlp" in schemas["MlpObjective"]["description"]
    assert "GET /objectives/mlp's datasets" in str(schemas["SpiralDataset"])
