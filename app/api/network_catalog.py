"""GET /objectives/mlp: a network described as any objective, built from its spec given as query
parameters (the POST routes' `objective` flattened: dataset=spiral&dataset.n=400&hidden=16,16),
with every dataset a network takes by name and their options.

Here the query's text only becomes values of each parameter's kind; the network's request model
(NetworkObjective) checks them as it checks a body, and the builder what must fit together (an
output's loss and the dataset), each problem naming its query parameter.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from typing import Any

from fastapi import HTTPException
from pydantic import ValidationError

from app.api.catalog_payloads import (
    number,
    objective_json,
    option_json,
    option_parameter,
    option_value,
)
from app.api.errors import validation_problems
from app.api.schemas.objectives import NetworkObjective
from app.errors import FieldError
from app.objectives import NETWORK_ID, Objective, ObjectiveError, OptionSpec
from app.objectives.dataset_spec import NAMES, dataset_options, is_classification
from app.objectives.generated import GENERATORS, black_box
from app.objectives.network_objective import (
    DEFAULT_DATASET,
    DEFAULT_HIDDEN,
    MAX_HIDDEN_LAYERS,
    MAX_UNITS,
    OPTIONS,
)

DATASET, HIDDEN, PREFIX = "dataset", "hidden", "dataset."
NETWORK_OPTIONS = {spec.name: spec for spec in OPTIONS}


def _taken_by() -> dict[str, dict[str, OptionSpec]]:
    """Every dataset option by name: the datasets taking it, each with its spec (their kinds
    and ranges agree; only the defaults differ)."""
    taken: dict[str, dict[str, OptionSpec]] = {}
    for name in NAMES:
        for spec in dataset_options(name):
            taken.setdefault(spec.name, {})[name] = spec
    return taken


TAKEN_BY = _taken_by()
PARAMETERS = (DATASET, *(PREFIX + o for o in TAKEN_BY), HIDDEN, *NETWORK_OPTIONS)
NO_CSV = (
    "A pasted CSV table cannot go in a query string: send it as objective.dataset.csv in the "
    "body of a POST route that takes an objective (POST /runs, /tune, /sweeps, /surface, "
    "/predict, /inspect)."
)
DESCRIPTION = (
    'The network of an `objective` {"id": "mlp", ...} of the POST routes, its spec given '
    "as query parameters: `dataset` names the dataset and `dataset.<option>` sets its options "
    "(each dataset's are listed in `datasets`), `hidden` is comma-separated (8,8; empty for "
    "none), the rest are the network's options. "
    + NO_CSV
    + " `batch_size` is not taken: it changes neither the network nor its weights.\n\n"
    "`suggested_lr` covers the optimizers a network can run (none that needs the dense "
    "Hessian), by the rule of GET /objectives, run on at most a few hundred of the train rows "
    "for a large network; it is computed under a compute slot the first time a spec is asked "
    "for (about ten seconds for the largest network) and kept for the next ones."
)


def query_parameters() -> list[dict[str, Any]]:
    """The network's spec as documented query parameters, typed and bounded."""
    dataset = {
        "name": DATASET,
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": list(NAMES), "default": DEFAULT_DATASET["name"]},
        "description": "what it learns: a generated set or the texts' table. " + NO_CSV,
    }
    hidden = {
        "name": HIDDEN,
        "in": "query",
        "required": False,
        "style": "form",
        "explode": False,
        "schema": {
            "type": "array",
            "items": {"type": "integer", "minimum": 1, "maximum": MAX_UNITS},
            "maxItems": MAX_HIDDEN_LAYERS,
            "default": list(DEFAULT_HIDDEN),
        },
        "description": (
            f"units per hidden layer, comma-separated: 8,8 (at most {MAX_HIDDEN_LAYERS} layers; "
            "empty: none, a linear or logistic model)"
        ),
    }
    options = [_dataset_parameter(name, taken) for name, taken in TAKEN_BY.items()]
    return [dataset, *options, hidden, *(option_parameter(s.name, s) for s in OPTIONS)]


def _dataset_parameter(name: str, taken: Mapping[str, OptionSpec]) -> dict[str, Any]:
    spec = next(iter(taken.values()))
    defaults = {dataset: s.default for dataset, s in taken.items()}
    same = len(set(defaults.values())) == 1
    takers = "every dataset" if len(taken) == len(NAMES) else ", ".join(taken)
    usual = max(defaults.values(), key=list(defaults.values()).count)
    others = ", ".join(f"{d}: {_text(v)}" for d, v in defaults.items() if v != usual)
    default = f"default {_text(usual)}" + ("" if same else f" ({others})")
    parameter = option_parameter(PREFIX + name, spec, default=same)
    parameter["description"] = f"{spec.description} Taken by {takers}; {default}."
    return parameter


def _text(value: object) -> str:
    """A value as a query string writes it."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def network_spec(query: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The `objective` of a POST body that the query's parameters give, each read as its kind."""
    spec: dict[str, Any] = {"id": NETWORK_ID}
    dataset: dict[str, Any] = {}
    seen: set[str] = set()
    for name, text in query:
        if name in seen:
            raise FieldError(name, "given more than once")
        seen.add(name)
        option = name.removeprefix(PREFIX)
        if name == DATASET:
            if text not in NAMES:
                known = ", ".join(NAMES)
                raise FieldError(name, f"unknown dataset {text!r}; known: {known}. {NO_CSV}")
            dataset["name"] = text
        elif name.startswith(PREFIX) and option in TAKEN_BY:
            dataset[option] = option_value(name, next(iter(TAKEN_BY[option].values())), text)
        elif name == HIDDEN:
            parts = text.split(",") if text else []
            spec[HIDDEN] = [number(f"{HIDDEN}[{i}]", True, p) for i, p in enumerate(parts)]
        elif name in NETWORK_OPTIONS:
            spec[name] = option_value(name, NETWORK_OPTIONS[name], text)
        else:
            known = ", ".join(PARAMETERS)
            raise FieldError(name, f"not a parameter of a network; parameters: {known}")
    if dataset:
        spec[DATASET] = {"name": DEFAULT_DATASET["name"], **dataset}
    return spec


def built_network(query: Iterable[tuple[str, str]]) -> Objective:
    """The network the query names, checked by the request model and the objective's builder."""
    try:
        model = NetworkObjective.model_validate(network_spec(query))
    except ValidationError as error:
        raise HTTPException(422, detail=validation_problems(error, NetworkObjective)) from None
    try:
        return model.build()
    except ObjectiveError as error:
        raise FieldError(error.field.removeprefix("objective."), error.reason) from None


def network_json(objective: Objective, suggested_lr: Mapping[str, float]) -> dict[str, Any]:
    """The network as any objective, with its own options and every dataset it takes."""
    return {
        **objective_json(objective, suggested_lr),
        "options": [option_json(spec) for spec in OPTIONS],
        "datasets": DATASETS,
    }


def _about(name: str) -> str:
    make = GENERATORS[name].make if name in GENERATORS else black_box
    return " ".join((inspect.getdoc(make) or name).split())


DATASETS = [
    {
        "name": name,
        "kind": "classification" if is_classification(name) else "regression",
        "description": _about(name),
        "options": [option_json(spec) for spec in dataset_options(name)],
    }
    for name in NAMES
]
