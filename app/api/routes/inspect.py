"""POST /inspect: loss, gradient, Hessian and its eigenpairs, and the computation graph."""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.compute import compute
from app.api.encoding import StrictJSONResponse, json_response
from app.api.responses import InspectOut
from app.api.schemas import InspectRequest
from app.engine import batch_hessian, trace_graph
from app.engine import sum as total
from app.objectives import Objective, make_objective
from app.runs import ProblemError

router = APIRouter(tags=["compute"], default_response_class=StrictJSONResponse)


def inspect_point(objective: Objective, point: list[float]) -> dict[str, Any]:
    points = np.array([point], dtype=np.float64)
    with np.errstate(all="ignore"):
        values, grads, hessians = batch_hessian(objective.loss, points)
        graph = trace_graph(lambda p: total(objective.loss(p)), points, names=["params"])
    hessian = hessians[0]
    eigen: dict[str, Any] = {"eigenvalues": None, "eigenvectors": None}
    largest = None
    if np.isfinite(hessian).all():
        values_h, vectors = np.linalg.eigh((hessian + hessian.T) / 2.0)
        # Columns of `vectors` are the eigenvectors; send them as rows, one per eigenvalue.
        eigen = {"eigenvalues": values_h, "eigenvectors": vectors.T}
        largest = float(values_h[-1])
    limit, note = stability(largest)
    return {
        "point": points[0],
        "loss": values[0],
        "gradient": grads[0],
        "hessian": hessian,
        **eigen,
        "sgd_lr_limit": limit,
        "stability_note": note,
        "param_names": objective.param_names,
        "graph": {
            "output": graph.output,
            "nodes": [
                {
                    "id": node.id,
                    "op": node.op,
                    "label": node.label,
                    "inputs": node.inputs,
                    "shape": node.value.shape,
                    "value": node.value,
                    "grad": node.grad,
                    "local_grads": node.local_grads,
                    "edge_grads": node.edge_grads,
                }
                for node in graph.nodes
            ],
        },
    }


def stability(largest: float | None) -> tuple[float | None, str]:
    """Plain SGD's stability limit 2/λmax near a point, and what it means, in words."""
    if largest is None:
        return None, "The Hessian is not finite here, so no stability limit can be given."
    if largest <= 0:
        return None, (
            f"λmax = {largest:.3g} ≤ 0: the surface curves nowhere upwards here, so no learning "
            "rate makes plain SGD overshoot; it can still run away downhill."
        )
    limit = 2.0 / largest
    if not np.isfinite(limit):
        return None, f"λmax = {largest:.3g} is too small for a finite limit 2/λmax."
    return limit, (
        f"Plain SGD settles near here only for lr < 2/λmax = {limit:.3g} (λmax = {largest:.3g}); "
        "above it every step overshoots further along the steepest curvature."
    )


@router.post(
    "/inspect",
    summary="Loss, gradient, Hessian, eigenpairs and the backprop graph at a point",
    description="Also plain SGD's stability limit sgd_lr_limit = 2/λmax with a note in words.",
    responses={200: {"model": InspectOut}},
)
async def inspect(body: InspectRequest, request: Request) -> Response:
    objective = make_objective(body.objective.as_dict())
    if len(body.point) != objective.dim:
        raise ProblemError("point", f"needs {objective.dim} coordinate(s) for {objective.id!r}")
    return json_response(await compute(request, lambda _stop: inspect_point(objective, body.point)))
