"""Network speed: training steps (value, gradient, Adam update) of a 2-8-8-1 tanh network with a
binary cross-entropy loss on 200 XOR points, side by side in one run:

- ours: the run loop (app.runs) stepping the `mlp` objective, and the compiled replay plus
  app.optim's Adam called in a bare loop (what the loop adds on top of them);
- the peer: torch eager (nn.Sequential, BCEWithLogitsLoss, torch.optim.Adam), one thread;
- the limit: a hand-written NumPy forward, backward and Adam;
- batching: a race of 8 networks as one batch, against one network alone;
- recording: what keeping every step with its test loss and accuracies adds to a step.

Each contender runs STEPS steps per call from the same weights; all of them end at the same
weights (checked before timing). Run: python -m benchmarks.networks
"""

from __future__ import annotations

import numpy as np

from app.engine.compiled import compiled_batch_value_and_grad
from app.objectives import make_objective
from app.optim import OPTIMIZERS, shared_as_scalars
from app.runs import EVERY_STEP, FINAL_STEP, RecordRule, RunConfig, RunProblem, Simulation
from benchmarks._timing import row, side_by_side, try_import_torch

STEPS = 200
LR, BETAS, EPS = 0.01, (0.9, 0.999), 1e-8
RACE = 8
SPEC = {
    "id": "mlp",
    "dataset": {"name": "xor", "n": 200, "test_fraction": 0.0},
    "hidden": [8, 8],
    "activation": "tanh",
    "output": "bce",
}
NETWORK = make_objective(SPEC)
START = np.array([NETWORK.default_start])
DATA = NETWORK.data.prepared
X = DATA.inputs(DATA.split.train)
Y = DATA.split.train.target.astype(np.float64)


def problem(starts: np.ndarray) -> RunProblem:
    runs = tuple(RunConfig("adam", {"lr": LR, "betas": BETAS}, tuple(s)) for s in starts)
    return RunProblem(NETWORK, runs, STEPS)


def run_loop(prob: RunProblem) -> np.ndarray:
    (last,) = Simulation(prob, record=FINAL_STEP)
    return last.params


def replay_and_adam(starts: np.ndarray) -> np.ndarray:
    """The compiled replay and Adam that each step of the loop calls, and nothing else."""
    adam = OPTIMIZERS["adam"]
    (group,) = problem(starts).groups()
    hyperparams = shared_as_scalars(group.hyperparams)
    value_and_grad = compiled_batch_value_and_grad(NETWORK.loss)
    params, state = starts, adam.init(starts, group.hyperparams)
    with np.errstate(all="ignore"):
        for step in range(1, STEPS + 1):
            _, grads = value_and_grad(params)
            params, state = adam.update_fn(params, grads, state, hyperparams, step, None)
    return params


def numpy_training(start: np.ndarray) -> np.ndarray:
    """Forward, backward and Adam written by hand for this one network (torch's Adam)."""
    p = start[0].copy()
    w1, b1, w2, b2 = p[0:16].reshape(8, 2), p[16:24], p[24:88].reshape(8, 8), p[88:96]
    w3, b3 = p[96:104], p[104:105]  # views: the updates below write through them into p
    m, v, g = np.zeros_like(p), np.zeros_like(p), np.empty_like(p)
    beta1, beta2 = BETAS
    n = len(Y)
    for step in range(1, STEPS + 1):
        h1 = np.tanh(X @ w1.T + b1)
        h2 = np.tanh(h1 @ w2.T + b2)
        z = h2 @ w3 + b3[0]
        loss = np.mean(np.logaddexp(0.0, z) - Y * z)  # noqa: F841 (each step reports its loss)
        dz = (0.5 * (1.0 + np.tanh(0.5 * z)) - Y) / n  # sigmoid(z) − y, over n
        g[96:104] = dz @ h2
        g[104] = dz.sum()
        d2 = np.outer(dz, w3) * (1.0 - h2 * h2)
        g[24:88] = (d2.T @ h1).ravel()
        g[88:96] = d2.sum(axis=0)
        d1 = (d2 @ w2) * (1.0 - h1 * h1)
        g[0:16] = (d1.T @ X).ravel()
        g[16:24] = d1.sum(axis=0)
        m += (1.0 - beta1) * (g - m)
        v *= beta2
        v += (1.0 - beta2) * (g * g)
        denom = np.sqrt(v) / (1.0 - beta2**step) ** 0.5 + EPS
        p -= (LR / (1.0 - beta1**step)) * (m / denom)
    return p[None, :]


def torch_training(torch, start: np.ndarray):
    """The same network, loss and optimizer in torch eager; returns a function of no arguments
    that trains from start for STEPS steps and gives the final weights."""
    torch.set_default_dtype(torch.float64)
    model = torch.nn.Sequential(
        torch.nn.Linear(2, 8),
        torch.nn.Tanh(),
        torch.nn.Linear(8, 8),
        torch.nn.Tanh(),
        torch.nn.Linear(8, 1),
    )
    x, y = torch.tensor(X), torch.tensor(Y)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    initial = torch.tensor(start[0])

    def train():
        torch.nn.utils.vector_to_parameters(initial, model.parameters())
        optimizer = torch.optim.Adam(model.parameters(), lr=LR, betas=BETAS, eps=EPS)
        for _ in range(STEPS):
            optimizer.zero_grad()
            loss = loss_fn(model(x)[:, 0], y)
            loss.backward()
            optimizer.step()
        return torch.nn.utils.parameters_to_vector(model.parameters()).detach().numpy()[None, :]

    return train


def main() -> None:
    torch = try_import_torch()
    if torch is None:
        print("torch is not installed: the peer column is skipped (pip install torch==2.13.0).")
    starts = START + np.random.default_rng(0).normal(0.0, 0.1, (RACE, NETWORK.dim))
    starts[0] = START[0]
    one, race = problem(START), problem(starts)
    ours = run_loop(one)
    np.testing.assert_array_equal(replay_and_adam(START), ours)
    np.testing.assert_allclose(numpy_training(START), ours, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(run_loop(race)[:1], ours, rtol=1e-12, atol=1e-15)
    contenders = {
        "loop": lambda: run_loop(one),
        "replay+adam": lambda: replay_and_adam(START),
        "numpy": lambda: numpy_training(START),
    }
    if torch is not None:
        train = torch_training(torch, START)
        np.testing.assert_allclose(train(), ours, rtol=1e-9, atol=1e-12)
        contenders["torch"] = train
    times = side_by_side(contenders, repeat=9, min_time=0.05)
    times |= side_by_side(
        {"race": lambda: run_loop(race), "one": lambda: run_loop(one)}, repeat=9, min_time=0.05
    )
    split = RunProblem(make_objective({**SPEC, "dataset": {"name": "xor"}}), one.runs, STEPS)
    metrics = side_by_side(
        {
            "final": lambda: Simulation(split, record=FINAL_STEP).run(),
            "every": lambda: Simulation(split, record=EVERY_STEP).run(),
            "sparse": lambda: Simulation(split, record=RecordRule(1, 50)).run(),
        },
        repeat=5,
        min_time=0.05,
    )
    per_step = {name: seconds / STEPS for name, seconds in times.items()}
    print(f"One training step of a 2-8-8-1 tanh network, BCE on {len(Y)} XOR points, Adam")
    print(f"(per step, the best of 9 rounds of {STEPS} steps)")
    print(row("run loop, one network (app.runs)", per_step["loop"]))
    print(row("  the compiled replay and Adam alone", per_step["replay+adam"]))
    print(row("hand-written NumPy forward, backward, Adam", per_step["numpy"]))
    if "torch" in per_step:
        print(row(f"torch {torch.__version__} eager, 1 thread", per_step["torch"]))
    print(row(f"run loop, a race of {RACE} networks as one batch", per_step["race"]))
    print()
    print("ratios (target in brackets)")
    if "torch" in per_step:
        print(
            f"  torch eager is {times['torch'] / times['loop']:5.2f}x the run loop's time  [>= 2]"
        )
    print(f"  the run loop is {times['loop'] / times['numpy']:5.2f}x the NumPy time     [<= 2]")
    print(f"  {RACE} batched runs take {times['race'] / times['one']:5.2f}x one run's time  [<= 3]")
    print()
    print("what keeping every step costs (XOR split 150 train / 50 test, the objective's default)")
    print(row("run loop, the last step kept", metrics["final"] / STEPS))
    print(row("run loop, every step kept with its metrics", metrics["every"] / STEPS))
    print(row("run loop, every step kept, parameters every 50th", metrics["sparse"] / STEPS))


if __name__ == "__main__":
    main()
