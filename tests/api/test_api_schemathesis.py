"""Property-based conformance: schemathesis 4 against the app's own OpenAPI schema, every check
on, positive-data acceptance included: every request the schema calls valid must be answered.

Caps for the test keep every generated request small: no product of two fields reaches its cap
(runs × steps, rates × steps), and a short deadline bounds the catalogue's first suggestions.
JSON Schema states every rule but two kinds, which the schema's descriptions state in words and
`follows_the_rules_between_fields` applies to the generated valid requests: a [min, max] pair
needs min < max (min ≤ max for a sweep's range), and a tune's runs × num must stay within the
sweep caps. A formula's grammar is the README's; `formula*` formats generate from it.

The examples are derandomised so a failure reproduces, and not shrunk so a failing run stays
bounded in time (the report shows the request as found, with a curl line to replay it).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import schemathesis
from api_caps import SCHEMATHESIS_CAPS
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from query_as_sent import query_only, valid_as_sent

from app.api.network_catalog import built_network
from app.api.schemas.objectives import NetworkObjective
from app.errors import FieldError
from app.main import create_app
from app.objectives import ObjectiveError
from app.objectives.dataset_spec import NAMES, dataset_options
from app.settings import SETTINGS

EXAMPLES = int(__import__("os").environ.get("GDP_SCHEMATHESIS_EXAMPLES", "300"))
APP = create_app(SETTINGS.replace(**SCHEMATHESIS_CAPS))
STATUSES: dict[str, Counter] = {}


def loaded(mode: str) -> Any:
    """The schema, generating only valid (positive) or only invalid (negative) requests."""
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)
    schema.config.generation.update(modes=[mode])
    # A body over the size limit is refused before it is read: 413 is a refusal too (a network's
    # points are up to thousands of numbers each, so a schema-invalid path can pass the limit).
    schema.config.checks.negative_data_rejection.expected_statuses.append("413")
    return schema


positive, negative = loaded("positive"), loaded("negative")

IN_X = ["x", "(x - 1)^2", "2*x", "x^2", "sin(x)", "cos(3*x)", "exp(x/5)", "abs(x)", "log(1 + x^2)"]
IN_Y = ["y", "(y + 1)^2", "x*y", "sin(y)", "10*y^2", "tanh(y)", "sqrt(1 + y^2)"]
NUMBERS = ["0.5", "3", "1.5e-2"]


def formula(terms: st.SearchStrategy[str], first: st.SearchStrategy[str]) -> Any:
    rest = st.lists(st.tuples(st.sampled_from([" + ", " - ", "*"]), terms), max_size=3)
    return st.tuples(first, rest).map(lambda t: t[0] + "".join(op + term for op, term in t[1]))


ONE_D = st.sampled_from(IN_X + NUMBERS)
TWO_D = st.sampled_from(IN_X + IN_Y + NUMBERS)
schemathesis.openapi.format("formula-in-x", formula(ONE_D, st.sampled_from(IN_X)))
schemathesis.openapi.format("formula-in-x-and-y", formula(TWO_D, st.sampled_from(IN_Y)))
schemathesis.openapi.format("formula", formula(TWO_D, st.sampled_from(IN_X + IN_Y)))


# A pasted table: numeric features, a target of numbers (0/1, so it serves as labels too).
CELL = st.integers(-999, 999).map(lambda v: f"{v / 100:g}")
CSV_ROW = st.tuples(CELL, CELL, st.sampled_from(["0", "1"])).map(",".join)
CSV_TABLE = st.lists(CSV_ROW, min_size=12, max_size=40).map(
    lambda rows: "x1,x2,y\n" + "\n".join([*rows, "0.5,0.5,0", "-0.5,0.5,1"])
)
schemathesis.openapi.format("csv-table", CSV_TABLE)
NETWORK_ROWS = 100  # generated datasets are cut to this many rows, so each request stays small


def ordered(pairs: Any) -> bool:
    return not isinstance(pairs, list) or all(
        not (isinstance(p, list) and len(p) == 2) or p[0] < p[1] for p in pairs
    )


def follows_the_rules_between_fields(path: str, body: Any) -> bool:
    """The rules between two fields a generated valid body must also follow (see above)."""
    if not isinstance(body, dict):
        return True
    caps = SCHEMATHESIS_CAPS
    if not ordered(body.get("bounds")):
        return False
    over = body.get("over")
    if isinstance(over, dict):
        for name, spec in over.items():
            if name == "start" and isinstance(spec, dict) and not ordered(spec.get("bounds")):
                return False
            if (
                name != "start"
                and isinstance(spec, dict)
                and spec.get("min", 0) > spec.get("max", 1)
            ):
                return False
    if path.endswith("/tune") and isinstance(body.get("runs"), list):
        count = len(body["runs"]) * body.get("num", 25)
        if (
            count > caps["max_sweep_runs"]
            or count * body.get("steps", 100) > caps["max_sweep_work"]
        ):
            return False
    return True


@positive.hook
def filter_case(context: Any, case: Any) -> bool:
    return follows_the_rules_between_fields(case.path, case.body)


def weights_like(dim: int, k: int) -> list[float]:
    """A network's weights: nonzero in every filter, and a different direction for each k."""
    base = np.linspace(-1.0, 1.0, dim) + 0.3
    return (base + 0.1 * k * np.sin(np.arange(dim) * (k + 1))).tolist()


def built(spec: dict) -> Any:
    """The network as the server builds it, from its spec read by the request's schema."""
    return NetworkObjective.model_validate(spec).build()


def sized_network(body: Any) -> Any:
    """A generated network request made to follow the rules a network's spec sets between its
    fields: every point as long as the network's dim (known once it is built), the output's
    loss fitting the dataset, the batch within the train rows, a small dataset (a CSV table's
    own columns), and no start grid (networks have none)."""
    spec = body.get("objective") if isinstance(body, dict) else None
    if not (isinstance(spec, dict) and spec.get("id") == "mlp"):
        return body
    dataset = spec.get("dataset")
    if isinstance(dataset, dict):
        dataset.pop("target", None), dataset.pop("features", None)
        if "n" in dataset:
            dataset["n"] = min(dataset["n"], NETWORK_ROWS)
    for field in ("output", "batch_size"):
        try:
            built(spec)
        except ObjectiveError as error:
            if error.field == f"objective.{field}":
                spec.pop(field)
    try:
        dim = built(spec).dim
    except ObjectiveError:
        return body
    for run in body.get("runs") or ():
        if isinstance(run, dict) and run.get("start") is not None:
            run["start"] = weights_like(dim, 0)
    for field in ("start", "point"):
        if body.get(field) is not None:
            body[field] = weights_like(dim, 0)
    if isinstance(body.get("points"), list):
        body["points"] = [weights_like(dim, k) for k in range(len(body["points"]))]
    plane = body.get("slice")
    if isinstance(plane, dict):
        if plane.get("center") is not None:
            plane["center"] = weights_like(dim, 0)
        if isinstance(plane.get("path"), list):  # at most 20 points: within the body limit
            plane["path"] = [weights_like(dim, k) for k in range(min(len(plane["path"]), 20))]
    return body


def query_text(value: Any) -> str:
    """A generated query value as its text on the wire (an array comma-separated)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(query_text(v) for v in value)
    return str(value)


def network_query(query: Any) -> Any:
    """A generated GET /objectives/mlp query made to follow the rules a network's spec sets
    between its parameters, as sized_network does for a body: only the options its dataset
    takes, an output whose loss fits the dataset, and a small dataset."""
    if not isinstance(query, dict):
        return query
    name = query.get("dataset", "xor")
    own = {spec.name for spec in dataset_options(name)} if name in NAMES else set()
    for key in [k for k in query if k.startswith("dataset.")]:
        if key.removeprefix("dataset.") not in own:
            query.pop(key)
    if "dataset.n" in query:
        query["dataset.n"] = min(int(query["dataset.n"]), NETWORK_ROWS)
    try:
        built_network([(k, query_text(v)) for k, v in query.items()])
    except FieldError as error:
        if error.field == "output":
            query.pop("output")
    return query


SETTINGS_FOR_RUN = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def check(case: Any, mode: str) -> None:
    if mode == "positive":
        sized_network(case.body)  # in place, before the call (explicit examples skip hooks)
        if case.path.endswith("/objectives/mlp"):
            network_query(case.query)
    response = case.call()
    # A mutated query can go on the wire as a valid one ([[0.0]] as `?n=0.0`): nothing to refuse.
    if not (mode == "negative" and query_only(case) and valid_as_sent(case, response.request.url)):
        case.validate_response(response)
    STATUSES.setdefault(f"{case.method} {case.path}", Counter())[(mode, response.status_code)] += 1


@positive.parametrize()
@SETTINGS_FOR_RUN
def test_valid_requests_are_answered_as_the_schema_says(case):
    check(case, "positive")


@negative.parametrize()
@SETTINGS_FOR_RUN
def test_invalid_requests_are_refused_as_the_schema_says(case):
    check(case, "negative")


def test_most_generated_races_and_sweeps_are_computed():
    """Run after the conformance tests (same module, later): over half of the valid requests
    generated for /runs and /sweeps got a 200, so the fuzzer reached the computation."""
    for operation in ("POST /api/v1/runs", "POST /api/v1/sweeps"):
        counts = STATUSES.get(operation)
        if counts is None:
            continue  # the conformance tests were deselected
        valid = sum(n for (mode, _), n in counts.items() if mode == "positive")
        ok = counts[("positive", 200)]
        print(f"\n{operation}: {ok}/{valid} valid requests answered 200; {dict(counts)}")
        assert ok > valid / 2, (operation, dict(counts))
