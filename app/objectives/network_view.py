"""What the page draws of a network at a point: its predictions over the data (a decision map
for two features, a curve for one), its layers' weights, and each unit's activation.

Everything is in the data's own units: features are scaled inside, predictions of a regression
scaled back, so the page never needs the scaling.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from app.engine import batch_value_and_grad
from app.objectives.base import Objective, ObjectiveError
from app.objectives.data_models import Network
from app.objectives.dataset_spec import PreparedData
from app.objectives.network import Architecture, unflatten

GRID_MARGIN = 0.1  # the grid spans the samples plus this fraction of their span on each side


def network_of(objective: Objective) -> Network:
    if not isinstance(objective.data, Network):
        raise ObjectiveError("objective", f"{objective.id!r} is not a network")
    return objective.data


def _axis(values: np.ndarray, resolution: int) -> np.ndarray:
    lo, hi = float(values.min()), float(values.max())
    pad = GRID_MARGIN * (hi - lo) if hi > lo else 1.0
    return np.linspace(lo - pad, hi + pad, resolution)


def outputs_at(arch: Architecture, data: PreparedData, points: np.ndarray, features: Any) -> Any:
    """The networks' outputs (P, m, out) at raw features (m, f)."""
    return arch.forward(np.asarray(points, dtype=np.float64), data.scaling.features(features))


def predictions(arch: Architecture, data: PreparedData, points: np.ndarray, features: Any) -> Any:
    """Class probabilities (P, m, K), or values in the target's units (P, m), at raw features."""
    outputs = np.asarray(outputs_at(arch, data, points, features))
    if arch.output == "mse":
        return data.scaling.untarget(outputs[:, :, 0])
    return arch.probabilities(outputs)


def network_report(objective: Objective, points: np.ndarray, resolution: int) -> dict[str, Any]:
    """The samples (train and test rows, in the data's units) and, for every point (P, d), the
    predictions at the samples and over a grid: a curve for one feature, a map of resolution²
    for two, none for more. Probabilities (…, K) for classes, values for a regression."""
    network = network_of(objective)
    arch, data = network.architecture, network.prepared
    table, split = data.table, data.split
    points = np.asarray(points, dtype=np.float64).reshape(-1, objective.dim)
    with np.errstate(all="ignore"):
        loss = np.asarray(objective.loss(points), dtype=np.float64)
        metrics = objective.metrics(points) if objective.metrics else {}
        grid: dict[str, Any] | None = None
        features = table.features.shape[1]
        if features == 1:
            x = _axis(table.features[:, 0], resolution)
            grid = {"x": x, "y": None, "z": predictions(arch, data, points, x[:, None])}
        elif features == 2:
            x = _axis(table.features[:, 0], resolution)
            y = _axis(table.features[:, 1], resolution)
            mesh = np.stack(np.meshgrid(x, y), axis=-1).reshape(-1, 2)  # row i: y[i], all x
            z = predictions(arch, data, points, mesh)
            grid = {"x": x, "y": y, "z": z.reshape(len(points), resolution, resolution, -1)}
            if arch.output == "mse":
                grid["z"] = grid["z"][..., 0]
        parts = {"train": split.train, "test": split.test}
        at_samples = {
            name: predictions(arch, data, points, part.features) for name, part in parts.items()
        }
    return {
        "kind": "network",
        "feature_names": list(table.feature_names),
        "target_name": table.target_name,
        "classes": None if table.classes is None else list(table.classes),
        "samples": {
            name: {"features": part.features, "target": part.target} for name, part in parts.items()
        },
        "grid": grid,
        "fits": [
            {
                "loss": float(loss[p]),
                "metrics": {name: float(values[p]) for name, values in metrics.items()},
                "predictions": {name: values[p] for name, values in at_samples.items()},
                "grid": None if grid is None else grid["z"][p],
            }
            for p in range(len(points))
        ],
    }


def layers(objective: Objective, vector: np.ndarray) -> list[dict[str, Any]]:
    """One flat vector (d,) (weights, or their gradient) cut into layers, input to output:
    [{"weight": (out, in), "bias": (out,)}, ...]."""
    arch = network_of(objective).architecture
    vector = np.asarray(vector, dtype=np.float64).reshape(-1)
    if vector.shape != (arch.dim,):
        raise ObjectiveError("params", f"needs {arch.dim} numbers, got {vector.size}")
    tensors = unflatten(arch, vector)
    count = len(arch.sizes) - 1
    return [
        {"weight": tensors[f"layer{i}.weight"], "bias": tensors[f"layer{i}.bias"]}
        for i in range(1, count + 1)
    ]


def activations(objective: Objective, vector: np.ndarray, features: Any) -> list[np.ndarray]:
    """Every layer's values for raw feature rows (m, f), input to output: the scaled inputs
    (m, f), each hidden layer after its activation (m, units), and the outputs (m, out)."""
    network = network_of(objective)
    arch, data = network.architecture, network.prepared
    point = np.asarray(vector, dtype=np.float64).reshape(1, arch.dim)
    rows = np.asarray(features, dtype=np.float64).reshape(-1, arch.sizes[0])
    inputs, *rest = arch.layer_values(point, data.scaling.features(rows))
    return [inputs, *(np.asarray(values)[0] for values in rest)]


def weights_and_gradients(objective: Objective, points: np.ndarray) -> list[dict[str, Any]]:
    """For every point (P, d): its weights and the loss's gradient there (the full loss, weight
    decay included), each cut into layers as layers() does: what backpropagation sends each
    edge."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, objective.dim)
    with np.errstate(all="ignore"):
        _, grads = batch_value_and_grad(objective.loss, points)
    return [
        {"weights": layers(objective, point), "gradient": layers(objective, grad)}
        for point, grad in zip(points, np.asarray(grads), strict=True)
    ]
