"""GET /objectives, /objectives/custom, /objectives/mlp, /objectives/{id} and /optimizers: what
can be run."""

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from app.api import network_catalog
from app.api.catalog_payloads import (
    objective_json,
    optimizers_json,
    option_parameters,
    options_from_query,
)
from app.api.compute import Job, compute, converted
from app.api.encoding import StrictJSONResponse, json_response
from app.api.errors import ProblemBody, problem
from app.api.network_responses import NetworkObjectiveOut
from app.api.responses import ObjectiveList, ObjectiveOut, OptimizersOut
from app.errors import FieldError
from app.objectives import (
    NETWORK_ID,
    Objective,
    ObjectiveError,
    get_objective_ids,
    list_objectives,
    make_objective,
)
from app.tuning import cached_suggestions, suggest
from app.tuning.suggested import build_rule

BAD_INPUT = {422: {"description": "A bad option or formula", "model": ProblemBody}}


async def suggestions(request: Request, objectives: list[Objective]) -> list[dict[str, float]]:
    """Each objective's suggested rates; those not yet known are computed under a compute slot."""
    known = [cached_suggestions(o) for o in objectives]
    missing = [o for o, lrs in zip(objectives, known, strict=True) if lrs is None]
    if missing:

        def work(job: Job) -> list[dict[str, float]]:
            return [suggest(o, should_stop=job.should_stop, deadline=job.deadline) for o in missing]

        found = iter(await compute(request, work))
        known = [lrs if lrs is not None else next(found) for lrs in known]
    return known  # type: ignore[return-value]


async def with_suggestions(request: Request, objectives: list[Objective]) -> list[dict[str, Any]]:
    """Each objective's JSON with its suggested rates."""
    found = await suggestions(request, objectives)
    return [objective_json(o, lrs) for o, lrs in zip(objectives, found, strict=True)]


async def one_objective(objective_id: str, request: Request) -> Response:
    """An objective built with the options in the query string."""
    if objective_id not in get_objective_ids():
        msg = f"unknown objective {objective_id!r}"
        raise HTTPException(404, detail=[problem("objective_id", msg, "not_found")])
    default = make_objective({"id": objective_id})
    options = options_from_query(default, request.query_params)
    try:
        built = make_objective({"id": objective_id, **options})
    except ObjectiveError as error:
        raise FieldError(error.field.removeprefix("objective."), error.reason) from None
    return json_response((await with_suggestions(request, [built]))[0])


def _built_in(oid: str) -> Any:
    async def built_in(request: Request) -> Response:
        return await one_objective(oid, request)

    return built_in


def routes() -> APIRouter:
    router = APIRouter(tags=["catalog"], default_response_class=StrictJSONResponse)

    @router.get(
        "/objectives",
        summary="Every objective with its view box, minima, options and suggested learning rates",
        responses={200: {"model": ObjectiveList}},
    )
    async def objectives(request: Request) -> Response:
        listed = await with_suggestions(request, list_objectives())
        return json_response({"objectives": listed, "suggested_lr_rule": build_rule()})

    @router.get(
        "/objectives/custom",
        summary="A custom formula's objective: dimension, view box, start, suggested rates",
        description="`expression` is f(x) or f(x, y), as in POST /runs' `objective.expression`.",
        responses={200: {"model": ObjectiveOut}, **BAD_INPUT},
    )
    async def custom_objective(
        request: Request,
        expression: str = Query(
            min_length=1,
            max_length=500,
            description="f(x) or f(x, y); ^ is power; see the README",
            json_schema_extra={"format": "formula"},
        ),
    ) -> Response:
        try:
            objective = make_objective({"expression": expression})
        except ObjectiveError as error:
            raise FieldError("expression", error.reason) from None
        return json_response((await with_suggestions(request, [objective]))[0])

    @router.get(
        f"/objectives/{NETWORK_ID}",
        summary="A network built from its spec in query parameters, and the datasets it takes",
        description=network_catalog.DESCRIPTION,
        operation_id="objective_mlp",
        responses={200: {"model": NetworkObjectiveOut}, **BAD_INPUT},
        openapi_extra={"parameters": network_catalog.query_parameters()},
    )
    async def network_objective(request: Request) -> Response:
        query = list(request.query_params.multi_items())
        network = await converted(network_catalog.built_network, query)  # a dataset is made
        found = (await suggestions(request, [network]))[0]
        return json_response(network_catalog.network_json(network, found))

    for objective in list_objectives():  # one documented operation per objective: typed options
        router.add_api_route(
            f"/objectives/{objective.id}",
            _built_in(objective.id),
            methods=["GET"],
            summary=f"{objective.title}, built with the options given as query parameters",
            operation_id=f"objective_{objective.id.replace('-', '_')}",
            responses={200: {"model": ObjectiveOut}, **BAD_INPUT},
            openapi_extra={"parameters": option_parameters(objective)},
        )

    @router.get("/objectives/{objective_id}", include_in_schema=False)
    async def objective(objective_id: str, request: Request) -> Response:
        return await one_objective(objective_id, request)

    @router.get(
        "/optimizers",
        summary="Every optimizer's hyper-parameters, schedules and clipping",
        responses={200: {"model": OptimizersOut}},
    )
    def optimizers() -> Response:
        return json_response(optimizers_json())

    return router
