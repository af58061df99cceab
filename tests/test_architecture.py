"""The rooms of app/ and what each may import (docs/architecture.md), read from the source's ast.

Every import counts: at the top, inside functions, and under TYPE_CHECKING. Standard-library
modules are always allowed; anything else must be on the room's list.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# room -> (the rooms of app it may import, the third-party packages it may import)
RULES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "app.engine": (frozenset({"app.engine"}), frozenset({"numpy"})),
    "app.objectives": (
        frozenset({"app.objectives", "app.engine", "app.errors"}),
        frozenset({"numpy"}),
    ),
    "app.optim": (frozenset({"app.optim", "app.engine", "app.errors"}), frozenset({"numpy"})),
    "app.runs": (
        frozenset({"app.runs", "app.engine", "app.objectives", "app.optim", "app.errors"}),
        frozenset({"numpy"}),
    ),
    "app.landscape": (
        frozenset({"app.landscape", "app.engine", "app.objectives", "app.errors"}),
        frozenset({"numpy"}),
    ),
    "app.lessons": (
        frozenset({"app.lessons", "app.runs", "app.objectives", "app.optim"}),
        frozenset({"numpy"}),
    ),
    "app.tuning": (
        frozenset({"app.tuning", "app.runs", "app.objectives", "app.optim"}),
        frozenset({"numpy"}),
    ),
    "app.api": (
        frozenset(
            {
                "app.api",
                "app.lessons",
                "app.tuning",
                "app.landscape",
                "app.runs",
                "app.objectives",
                "app.optim",
                "app.errors",
            }
        ),
        frozenset(
            {
                "fastapi",
                "pydantic",
                "pydantic_core",
                "starlette",
                "anyio",
                "orjson",
                "isal",
                "numpy",
                "prometheus_client",
                "threadpoolctl",
            }
        ),
    ),
    "app.main": (
        frozenset({"app", "app.api", "app.settings", "app.static_assets"}),
        frozenset({"fastapi", "starlette", "jinja2"}),
    ),
    "app.static_assets": (frozenset(), frozenset({"anyio", "starlette"})),
    "app.__main__": (frozenset({"app.main", "app.cli"}), frozenset({"uvicorn"})),
    "app.client": (frozenset(), frozenset({"httpx"})),
    # The command line runs in-process (app.main's factory) unless --url names a server.
    "app.cli": (frozenset({"app.client", "app.main"}), frozenset()),
    # The notebook widget (the [widget] extra) talks to a server's /embed through its view.
    "app.widget": (frozenset(), frozenset({"anywidget", "traitlets"})),
    "app.errors": (frozenset(), frozenset()),
    "app.settings": (frozenset(), frozenset({"pydantic", "pydantic_settings"})),
    "app": (frozenset(), frozenset()),  # app/__init__.py: the version
}
# Routes translate HTTP to domain calls: the engine is the domain's business, not theirs.
ROUTES, ROUTES_MAY_NOT = "app.api.routes", "app.engine"
KNOWN_EXCEPTIONS: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(module: str, source: str, is_package: bool = False) -> set[str]:
    """Every module an import in source names, relative imports made absolute."""
    package = module if is_package else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            # `from app import engine` imports the room app.engine.
            names.update(f"{base}.{alias.name}" for alias in node.names if base == "app")
    return names


def room_of(module: str) -> str | None:
    """The longest rule prefix that module falls under."""
    rooms = [r for r in RULES if module == r or module.startswith(r + ".")]
    return max(rooms, key=len) if rooms else None


def violations(module: str, imports: set[str]) -> list[str]:
    room = room_of(module)
    if room is None:
        return [f"{module}: belongs to no room in RULES"]
    rooms, packages = RULES[room]
    found = []
    for name in sorted(imports):
        top = name.split(".")[0]
        if top in sys.stdlib_module_names or top == "__future__":
            continue
        if top == "app":
            target = room_of(name) if name != "app" else "app"
            if target != room and target not in rooms and (module, target) not in KNOWN_EXCEPTIONS:
                found.append(f"{module} imports {name}: {room} may import only {sorted(rooms)}")
            forbidden = module.startswith(ROUTES + ".") and target == ROUTES_MAY_NOT
            if forbidden and (module, target) not in KNOWN_EXCEPTIONS:
                found.append(f"{module} imports {name}: routes may not import the engine")
        elif top not in packages:
            found.append(f"{module} imports {name}: {room} may import only {sorted(packages)}")
    return found


def app_modules() -> list[tuple[str, set[str]]]:
    return [
        (module_name(path), imported(module_name(path), path.read_text(), path.stem == "__init__"))
        for path in sorted((ROOT / "app").rglob("*.py"))
    ]


def test_every_room_imports_only_what_it_may() -> None:
    found = [v for module, imports in app_modules() for v in violations(module, imports)]
    assert not found, "\n".join(found)


def test_known_exceptions_are_still_needed() -> None:
    imports = dict(app_modules())
    for module, target in KNOWN_EXCEPTIONS:
        used = {room_of(name) for name in imports.get(module, set()) if name.startswith("app")}
        assert target in used, (
            f"{module} no longer imports {target}: drop its KNOWN_EXCEPTIONS entry"
        )


@pytest.mark.parametrize(
    ("module", "source", "why"),
    [
        (
            "app.api.routes.surface",
            "from app.engine import grad",
            "routes may not import the engine",
        ),
        ("app.api.routes.runs", "from app import engine", "routes may not import the engine"),
        ("app.engine.tensor", "import scipy.special", "app.engine may import only ['numpy']"),
        ("app.engine.tensor", "from app.objectives import make_objective", "app.engine may import"),
        ("app.objectives.base", "from fastapi import HTTPException", "may import only ['numpy']"),
        ("app.optim.adam", "import pydantic", "app.optim may import only ['numpy']"),
        ("app.optim.adam", "from ..runs import loop", "app.optim may import only"),
        ("app.runs.loop", "from app.api.schemas import RunRequest", "app.runs may import only"),
        ("app.client.sync", "from app.api import schemas", "app.client may import only"),
        ("app.client.calls", "import numpy", "app.client may import only ['httpx']"),
        ("app.cli", "from app.runs import Simulation", "app.cli may import only"),
        ("app.widget.widget", "from app.client import run", "app.widget may import only"),
        ("app.widget.widget", "import httpx", "app.widget may import only"),
        ("app.landscape.slices", "from app.runs import Simulation", "app.landscape may import"),
        ("app.objectives.network", "from app.landscape import landscape", "app.objectives may"),
    ],
)
def test_a_forbidden_import_is_reported(module: str, source: str, why: str) -> None:
    found = violations(module, imported(module, source))
    assert any(why in line for line in found), found


def test_allowed_imports_are_not_reported() -> None:
    source = (
        "import math\nimport numpy as np\nfrom . import shape\nfrom app.engine.tensor import Tensor"
    )
    assert violations("app.engine.autodiff", imported("app.engine.autodiff", source)) == []
    assert (
        violations(
            "app.optim.newton", imported("app.optim.newton", "from app.engine import hessian")
        )
        == []
    )


def private_names(source: str) -> list[str]:
    """Names with a leading underscore imported from app's modules."""
    return [
        f"{node.module}.{alias.name}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("app")
        for alias in node.names
        if alias.name.startswith("_")
    ]


def test_routes_import_only_public_names() -> None:
    routes = sorted((ROOT / "app" / "api" / "routes").glob("*.py"))
    found = [name for path in routes for name in private_names(path.read_text())]
    assert not found, found
    assert private_names("from app.runs.problem import _hyperparam_error") == [
        "app.runs.problem._hyperparam_error"
    ]
