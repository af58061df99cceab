"""Write tests/optim/torch_reference.json: torch.optim trajectories the NumPy optimizers must match.

Run with torch 2.13 installed (not a test dependency):

    python tests/optim/make_torch_fixtures.py

Everything runs in float64. Each case optimises one (R, 2) parameter tensor whose rows are R
start points on the Rosenbrock function (closed-form gradient), so torch's state maps one-to-one
onto our (R, d) batch. Per step we record the gradient fed in and the parameters after the step;
at the end, the state buffers. The tests replay the recorded gradients, so they never need torch.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import torch

OUT = Path(__file__).with_name("torch_reference.json")
STEPS = 60
STARTS = [[-1.5, 2.0], [0.3, -0.4], [1.4, 1.1]]

# (case id, our optimizer name, torch class, kwargs); kwargs use torch's names, which are ours too.
CASES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("sgd/plain", "sgd", "SGD", {"lr": 2e-4}),
    ("sgd/momentum", "sgd", "SGD", {"lr": 1e-4, "momentum": 0.9}),
    ("sgd/dampening", "sgd", "SGD", {"lr": 1e-4, "momentum": 0.9, "dampening": 0.3}),
    ("sgd/nesterov", "sgd", "SGD", {"lr": 1e-4, "momentum": 0.9, "nesterov": True}),
    ("sgd/weight_decay", "sgd", "SGD", {"lr": 2e-4, "weight_decay": 0.1}),
    (
        "sgd/nesterov_weight_decay",
        "sgd",
        "SGD",
        {"lr": 1e-4, "momentum": 0.8, "weight_decay": 0.05, "nesterov": True},
    ),
    ("adagrad/plain", "adagrad", "Adagrad", {"lr": 0.1}),
    ("adagrad/lr_decay", "adagrad", "Adagrad", {"lr": 0.1, "lr_decay": 0.05}),
    (
        "adagrad/initial_accumulator_value",
        "adagrad",
        "Adagrad",
        {"lr": 0.1, "initial_accumulator_value": 0.5},
    ),
    ("adagrad/weight_decay", "adagrad", "Adagrad", {"lr": 0.1, "weight_decay": 0.1}),
    (
        "adagrad/all",
        "adagrad",
        "Adagrad",
        {
            "lr": 0.2,
            "lr_decay": 0.01,
            "weight_decay": 0.05,
            "initial_accumulator_value": 0.1,
            "eps": 1e-3,
        },
    ),
    ("rmsprop/plain", "rmsprop", "RMSprop", {"lr": 0.01}),
    ("rmsprop/alpha", "rmsprop", "RMSprop", {"lr": 0.01, "alpha": 0.9}),
    ("rmsprop/centered", "rmsprop", "RMSprop", {"lr": 0.01, "centered": True}),
    ("rmsprop/momentum", "rmsprop", "RMSprop", {"lr": 0.005, "momentum": 0.9}),
    ("rmsprop/weight_decay", "rmsprop", "RMSprop", {"lr": 0.01, "weight_decay": 0.1}),
    (
        "rmsprop/centered_momentum",
        "rmsprop",
        "RMSprop",
        {"lr": 0.005, "momentum": 0.5, "centered": True, "weight_decay": 0.01},
    ),
    ("adam/plain", "adam", "Adam", {"lr": 0.05}),
    ("adam/amsgrad", "adam", "Adam", {"lr": 0.05, "amsgrad": True}),
    ("adam/weight_decay", "adam", "Adam", {"lr": 0.05, "weight_decay": 0.1}),
    (
        "adam/all",
        "adam",
        "Adam",
        {"lr": 0.03, "betas": [0.8, 0.99], "eps": 1e-6, "weight_decay": 0.05, "amsgrad": True},
    ),
    ("adamw/plain", "adamw", "AdamW", {"lr": 0.05}),
    ("adamw/amsgrad", "adamw", "AdamW", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1}),
    ("adamw/betas", "adamw", "AdamW", {"lr": 0.05, "betas": [0.7, 0.9], "weight_decay": 0.5}),
    ("nadam/plain", "nadam", "NAdam", {"lr": 0.05}),
    ("nadam/weight_decay", "nadam", "NAdam", {"lr": 0.05, "weight_decay": 0.1}),
    ("nadam/momentum_decay", "nadam", "NAdam", {"lr": 0.05, "momentum_decay": 0.01}),
    (
        "nadam/decoupled_weight_decay",
        "nadam",
        "NAdam",
        {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True, "betas": [0.8, 0.99]},
    ),
    ("adadelta/plain", "adadelta", "Adadelta", {}),
    ("adadelta/weight_decay", "adadelta", "Adadelta", {"weight_decay": 0.1}),
    ("adadelta/lr", "adadelta", "Adadelta", {"lr": 5.0, "rho": 0.8, "eps": 1e-5}),
    ("adamax/plain", "adamax", "Adamax", {"lr": 0.05}),
    (
        "adamax/weight_decay",
        "adamax",
        "Adamax",
        {"lr": 0.05, "weight_decay": 0.1, "betas": [0.8, 0.99]},
    ),
]

# (case id, our schedule dict, torch scheduler class, its kwargs); all drive SGD with momentum.
SCHEDULE_CASES: list[tuple[str, dict[str, Any], str, dict[str, Any]]] = [
    (
        "step",
        {"name": "step", "step_size": 7, "gamma": 0.5},
        "StepLR",
        {"step_size": 7, "gamma": 0.5},
    ),
    ("exponential", {"name": "exponential", "gamma": 0.95}, "ExponentialLR", {"gamma": 0.95}),
    (
        "cosine",
        {"name": "cosine", "t_max": 25, "eta_min": 1e-5},
        "CosineAnnealingLR",
        {"T_max": 25, "eta_min": 1e-5},
    ),
    ("cosine_full", {"name": "cosine", "t_max": 60}, "CosineAnnealingLR", {"T_max": 60}),
    (
        "warmup",
        {"name": "warmup", "warmup_steps": 10, "start_factor": 0.1},
        "LinearLR",
        {"start_factor": 0.1, "end_factor": 1.0, "total_iters": 10},
    ),
]
SCHEDULE_SGD = {"lr": 2e-4, "momentum": 0.5}

# Gradients to clip: one row per run, each run clipped on its own like a separate model.
CLIP_GRADS = [[3.0, 4.0], [0.3, -0.4], [-100.0, 0.5], [0.0, 0.0], [0.6, 0.8]]
CLIP_CASES = [{"max_norm": 1.0}, {"max_norm": 0.5}, {"max_value": 0.5}, {"max_value": 2.0}]


def rosenbrock_grad(p: torch.Tensor) -> torch.Tensor:
    """Row-wise gradient of (1 - x)^2 + 100 (y - x^2)^2."""
    x, y = p[:, 0], p[:, 1]
    gx = -2.0 * (1.0 - x) - 400.0 * x * (y - x * x)
    gy = 200.0 * (y - x * x)
    return torch.stack([gx, gy], dim=1)


def rows(t: torch.Tensor) -> list:
    return t.detach().tolist()


def run_case(cls_name: str, kwargs: dict[str, Any], scheduler=None) -> dict[str, Any]:
    p = torch.tensor(STARTS, requires_grad=True)
    torch_kwargs = dict(kwargs)
    if "betas" in torch_kwargs:
        torch_kwargs["betas"] = tuple(torch_kwargs["betas"])
    opt = getattr(torch.optim, cls_name)([p], **torch_kwargs)
    sched = None
    if scheduler is not None:
        sched = getattr(torch.optim.lr_scheduler, scheduler[0])(opt, **scheduler[1])
    grads, params, lrs = [], [], []
    for _ in range(STEPS):
        g = rosenbrock_grad(p.detach())
        p.grad = g.clone()
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        if sched is not None:
            sched.step()
        grads.append(rows(g))
        params.append(rows(p))
    if not all(math.isfinite(v) and abs(v) < 1e3 for step in params for row in step for v in row):
        raise RuntimeError(f"{cls_name} {kwargs} diverged; pick a smaller lr")
    state = {}
    for name, value in opt.state[p].items():
        if name == "step" or value is None:
            continue
        state[name] = value.tolist() if value.ndim else float(value)
    return {"grads": grads, "params": params, "lrs": lrs, "final_state": state}


def clip_reference() -> list[dict[str, Any]]:
    out = []
    for clip in CLIP_CASES:
        clipped = []
        for row in CLIP_GRADS:
            q = torch.zeros(2, requires_grad=True)
            q.grad = torch.tensor(row)
            if "max_norm" in clip:
                torch.nn.utils.clip_grad_norm_([q], clip["max_norm"])
            else:
                torch.nn.utils.clip_grad_value_([q], clip["max_value"])
            clipped.append(q.grad.tolist())
        out.append({"clip": clip, "grads": CLIP_GRADS, "clipped": clipped})
    return out


def main() -> None:
    torch.set_default_dtype(torch.float64)
    cases = []
    for case_id, name, cls_name, kwargs in CASES:
        rec = run_case(cls_name, kwargs)
        del rec["lrs"]
        cases.append(
            {"id": case_id, "optimizer": name, "torch_class": cls_name, "hp": kwargs, **rec}
        )
    schedules = []
    for case_id, schedule, sched_name, sched_kwargs in SCHEDULE_CASES:
        rec = run_case("SGD", SCHEDULE_SGD, (sched_name, sched_kwargs))
        schedules.append(
            {
                "id": case_id,
                "schedule": schedule,
                "torch_scheduler": sched_name,
                "torch_kwargs": sched_kwargs,
                "optimizer": "sgd",
                "hp": SCHEDULE_SGD,
                **rec,
            }
        )
    doc = {
        "torch_version": torch.__version__,
        "dtype": "float64",
        "objective": "rosenbrock (1 - x)^2 + 100 (y - x^2)^2",
        "steps": STEPS,
        "starts": STARTS,
        "optimizers": cases,
        "schedules": schedules,
        "clipping": clip_reference(),
    }
    OUT.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, torch {torch.__version__})")


if __name__ == "__main__":
    main()
