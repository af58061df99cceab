"""Whether a query, as it went on the wire, is one the schema accepts.

schemathesis mutates a query value into another type, but a query is text: [[0.0]] for an
`integer` goes out as `?batch_size=0.0`, and [""] for an array as `?hidden=`, both valid as
sent, which the API rightly answers 200 (schemathesis's issues #3697, #3931; seen in 4.32.5).
Such a case tests nothing, so the negative test reads back what was sent and judges that.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jsonschema_rs  # schemathesis's own validator
from schemathesis.core import NotSet


def query_only(case: Any) -> bool:
    """The request's only input is its query (no body, no path parameters)."""
    return isinstance(case.body, NotSet) and not case.path_parameters


def _typed(text: str, schema: dict[str, Any]) -> Any:
    """A query value read as the schema's type (arrays: comma-separated, `form`, not exploded)."""
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items", {})
        return [] if text == "" else [_typed(part, items) for part in text.split(",")]
    if kind in ("integer", "number"):
        value = float(text)
        return int(value) if kind == "integer" and value.is_integer() else value
    if kind == "boolean":
        return {"true": True, "false": False}[text]
    return text


def valid_as_sent(case: Any, url: str) -> bool:
    """Every name in the sent query is a parameter, named once, whose text reads as valid."""
    parameters = {p.name: p.definition["schema"] for p in case.operation.query}
    pairs = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    if len({name for name, _ in pairs}) != len(pairs):
        return False
    try:
        return all(
            jsonschema_rs.is_valid(parameters[name], _typed(text, parameters[name]))
            for name, text in pairs
        )
    except (KeyError, ValueError):  # not a parameter, or text that is not of its type
        return False
