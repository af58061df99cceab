"""Write tests/objectives/network_torch_reference.json: torch's losses, gradients and training
trajectories for the networks our `mlp` objective builds.

Run from the repository root with torch 2.13 installed (not a test dependency):

    python tests/objectives/make_network_fixtures.py

For each architecture the script builds our objective (for its prepared train rows and its
initial weights), the same nn.Sequential of nn.Linear layers in torch float64, and records:
the loss and gradient at the initial weights and at a second point; and, for every optimizer
torch.optim shares with us, the loss before each of 200 steps and after the last, and the
weights after steps 100 and 200. test_network_torch_parity.py replays them without torch.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.objectives import make_objective  # noqa: E402

OUT = Path(__file__).with_name("network_torch_reference.json")
STEPS = 200
KEPT = (100, 200)  # the steps whose weights are recorded

ARCHITECTURES: dict[str, dict[str, Any]] = {
    "tanh-regression": {
        "id": "mlp",
        "dataset": {"name": "u-curve", "n": 24, "seed": 1},
        "hidden": [6],
        "activation": "tanh",
        "init": "xavier",
        "seed": 1,
    },
    "relu-classes": {
        "id": "mlp",
        "dataset": {"name": "clusters", "n": 30, "classes": 3, "seed": 2},
        "hidden": [5, 4],
        "activation": "relu",
        "output": "ce",
        "init": "he",
        "seed": 2,
        "weight_decay": 0.01,
    },
    "sigmoid-binary": {
        "id": "mlp",
        "dataset": {"name": "moons", "n": 30, "seed": 3},
        "hidden": [4],
        "activation": "sigmoid",
        "output": "bce",
        "init": "torch",
        "seed": 3,
    },
}

# (our optimizer name, torch class, hyper-parameters in torch's names, which are ours too)
OPTIMIZERS: list[tuple[str, str, dict[str, Any]]] = [
    ("sgd", "SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("adagrad", "Adagrad", {"lr": 0.1}),
    ("rmsprop", "RMSprop", {"lr": 0.005, "momentum": 0.5, "centered": True}),
    ("adadelta", "Adadelta", {"lr": 1.0}),
    ("adam", "Adam", {"lr": 0.01}),
    ("adamw", "AdamW", {"lr": 0.01, "weight_decay": 0.05, "amsgrad": True}),
    ("adamax", "Adamax", {"lr": 0.02}),
    ("nadam", "NAdam", {"lr": 0.01}),
]

ACTIVATIONS = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid}


def build_model(sizes: tuple[int, ...], activation: str) -> torch.nn.Sequential:
    layers: list[torch.nn.Module] = []
    for i, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
        layers.append(torch.nn.Linear(fan_in, fan_out))
        if i < len(sizes) - 2:
            layers.append(ACTIVATIONS[activation]())
    return torch.nn.Sequential(*layers)


def loss_of(model, output: str, decay: float, x, y) -> torch.Tensor:
    out = model(x)
    if output == "mse":
        loss = torch.nn.functional.mse_loss(out[:, 0], y)
    elif output == "bce":
        loss = torch.nn.functional.binary_cross_entropy_with_logits(out[:, 0], y)
    else:
        loss = torch.nn.functional.cross_entropy(out, y)
    if decay:
        weights = [p for name, p in model.named_parameters() if name.endswith("weight")]
        loss = loss + 0.5 * decay * sum((w * w).sum() for w in weights)
    return loss


def flat(model) -> list[float]:
    return torch.nn.utils.parameters_to_vector(model.parameters()).detach().tolist()


def value_and_grad(model, output, decay, x, y, weights) -> dict[str, Any]:
    torch.nn.utils.vector_to_parameters(torch.tensor(weights), model.parameters())
    model.zero_grad()
    loss = loss_of(model, output, decay, x, y)
    loss.backward()
    grad = torch.cat([p.grad.reshape(-1) for p in model.parameters()])
    return {"weights": list(weights), "loss": loss.item(), "grad": grad.tolist()}


def trajectory(model, output, decay, x, y, start, cls: str, hp: dict) -> dict[str, Any]:
    torch.nn.utils.vector_to_parameters(torch.tensor(start), model.parameters())
    optimizer = getattr(torch.optim, cls)(model.parameters(), **hp)
    losses, kept = [], {}
    for step in range(1, STEPS + 1):
        optimizer.zero_grad()
        loss = loss_of(model, output, decay, x, y)
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
        if step in KEPT:
            kept[str(step)] = flat(model)
    with torch.no_grad():
        losses.append(loss_of(model, output, decay, x, y).item())
    return {"losses": losses, "weights": kept}


def case(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    objective = make_objective(spec)
    network = objective.data
    arch, data = network.architecture, network.prepared
    train = data.split.train
    x = data.inputs(train)
    target = data.targets(train)
    tx = torch.tensor(x)
    ty = torch.tensor(target) if arch.output == "ce" else torch.tensor(target, dtype=torch.float64)
    model = build_model(arch.sizes, arch.activation)
    decay = float(objective.settings["weight_decay"])
    start = np.array(objective.default_start)
    other = start + np.random.default_rng(7).normal(0.0, 0.5, start.shape)
    return {
        "id": name,
        "spec": spec,
        "sizes": list(arch.sizes),
        "inputs": x.tolist(),
        "targets": target.tolist(),
        "points": [
            value_and_grad(model, arch.output, decay, tx, ty, w.tolist()) for w in (start, other)
        ],
        "trajectories": [
            {"optimizer": ours, "torch_class": cls, "hp": hp}
            | trajectory(model, arch.output, decay, tx, ty, start.tolist(), cls, hp)
            for ours, cls, hp in OPTIMIZERS
        ],
    }


def main() -> None:
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    doc = {
        "torch_version": torch.__version__,
        "dtype": "float64",
        "steps": STEPS,
        "kept": list(KEPT),
        "architectures": [case(name, spec) for name, spec in ARCHITECTURES.items()],
    }
    OUT.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, torch {torch.__version__})")


if __name__ == "__main__":
    main()
