"""One point of an objective inspected: loss, gradient, Hessian with its eigenpairs, SGD's
stability limit there, and the computation graph with every node's value and gradient; for a
network, the Hessian's extreme eigenvalues by Hessian-vector products instead."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from app.engine import batch_hessian, batch_value_and_grad, trace_graph
from app.engine import sum as total
from app.landscape.curvature import top_eigenvalue
from app.objectives import Objective


def inspect_point(objective: Objective, point: Sequence[float]) -> dict[str, Any]:
    """Everything POST /inspect answers, as NumPy values (the encoder writes them)."""
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


def inspect_network(
    objective: Objective, point: Sequence[float], max_iterations: int = 60
) -> dict[str, Any]:
    """A network at a point: its loss and gradient, and the Hessian's extreme eigenvalues by
    Lanczos on Hessian-vector products (no dense Hessian: d can be thousands), with plain
    SGD's stability limit 2/λmax from the top one."""
    points = np.array([point], dtype=np.float64)
    with np.errstate(all="ignore"):
        values, grads = batch_value_and_grad(objective.loss, points)
        curvature = top_eigenvalue(objective, points[0], max_iterations=max_iterations)
    finite = np.isfinite(curvature.top) and np.isfinite(curvature.bottom)
    limit, note = stability(curvature.top if finite else None)
    return {
        "point": points[0],
        "param_names": objective.param_names,
        "loss": values[0],
        "gradient": grads[0],
        "lambda_max": curvature.top if finite else None,
        "lambda_min": curvature.bottom if finite else None,
        "top_eigenvector": curvature.vector if finite else None,
        "hvp_products": curvature.products,
        "residual": curvature.residual,
        "sgd_lr_limit": limit,
        "stability_note": note,
    }
