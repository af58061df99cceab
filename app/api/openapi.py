"""The OpenAPI document: FastAPI's, plus the line types of the /runs streams (`step`, `done`,
`error`) as components, and the format of a formula."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import TypeAdapter

from app.api.run_responses import RunLine

REF = "#/components/schemas/{model}"
LINE = {"$ref": REF.format(model="RunLine")}
RUN_LINE_CONTENT: dict[str, Any] = {
    "application/jsonl": {
        "schema": {"type": "string", "description": "one RunLine per line"},
        "itemSchema": LINE,
    },
    "text/event-stream": {
        "schema": {"type": "string", "description": "one RunLine per event"},
        "itemSchema": {
            "type": "object",
            "required": ["data"],
            "properties": {
                "event": {"type": "string", "enum": ["step", "done", "error"]},
                "data": {
                    "type": "string",
                    "contentMediaType": "application/json",
                    "contentSchema": LINE,
                },
                "id": {"type": "string", "description": "step events: the step"},
                "retry": {"type": "integer", "minimum": 0},
            },
        },
    },
}


def line_schemas() -> dict[str, Any]:
    """RunLine and the models it is made of, as components."""
    schema = TypeAdapter(RunLine).json_schema(ref_template=REF)
    components = schema.pop("$defs", {})
    components["RunLine"] = schema
    return components


def install_openapi(app: FastAPI) -> None:
    """Generate the document once, with the stream line types among its components."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            for name, schema in line_schemas().items():
                schemas.setdefault(name, schema)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
