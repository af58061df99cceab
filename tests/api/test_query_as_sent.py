"""The schemathesis negative test lets a case pass only when its query, as sent, was valid:
the leniency must stay that narrow."""

from __future__ import annotations

import pytest
from query_as_sent import query_only, valid_as_sent
from test_api_schemathesis import negative

OPERATIONS = {result.ok().path: result.ok() for result in negative.get_all_operations()}
MLP, BLACK_BOX = "/api/v1/objectives/mlp", "/api/v1/objectives/black-box"


@pytest.mark.parametrize(
    ("path", "query", "valid"),
    [
        (MLP, "hidden=", True),  # no hidden layers, as the description says
        (MLP, "hidden=8,8", True),
        (MLP, "hidden=8,40", False),  # above the maximum
        (MLP, "hidden=&dataset.test_fraction=", False),
        (BLACK_BOX, "batch_size=0.0", True),  # an integer, as JSON Schema reads it
        (BLACK_BOX, "batch_size=0.5", False),
        (BLACK_BOX, "batch_size=9", False),  # above the maximum
        (BLACK_BOX, "batch_size=1&batch_size=2", False),  # named twice
        (BLACK_BOX, "colour=red", False),  # not a parameter
    ],
)
def test_only_a_query_valid_as_sent_passes(path: str, query: str, valid: bool) -> None:
    case = OPERATIONS[path].Case()
    assert query_only(case)
    assert valid_as_sent(case, f"http://testserver{path}?{query}") is valid


def test_a_request_with_a_body_is_judged_as_before() -> None:
    assert not query_only(OPERATIONS["/api/v1/runs"].Case(body={}))
