"""Run-loop speed: 1,000 Adam runs x 1,000 steps on Rosenbrock as one batch through app.runs,
side by side with a hand-written batched NumPy Adam (the limit), with the engine's compiled
replay and app.optim's Adam called directly in a bare loop (what the loop itself adds on top of
them), and with the same 1,000 runs made one after another through the run loop (what batching
saves).

Run: python -m benchmarks.runs
"""

from __future__ import annotations

import numpy as np

from app.engine.compiled import compiled_batch_value_and_grad
from app.objectives import make_objective
from app.optim import OPTIMIZERS, shared_as_scalars
from app.runs import FINAL_STEP, RunConfig, RunProblem, Simulation
from benchmarks._timing import row, side_by_side

RUNS = 1_000
STEPS = 1_000
LR, BETAS, EPS = 1e-2, (0.9, 0.999), 1e-8
SAMPLE = 20  # runs timed one after another; the sequential figure scales this by RUNS / SAMPLE

ROSENBROCK = make_objective({"id": "rosenbrock"})


def spread_starts(n: int) -> np.ndarray:
    """n start points on a 40 x 25 grid filling Rosenbrock's view box (deterministic)."""
    (x0, x1), (y0, y1) = ROSENBROCK.view_box
    nx, ny = 40, n // 40
    xs, ys = np.meshgrid(np.linspace(x0, x1, nx), np.linspace(y0, y1, ny), indexing="xy")
    return np.stack([xs.reshape(-1), ys.reshape(-1)], axis=1)


def adam_problem(starts: np.ndarray) -> RunProblem:
    runs = tuple(RunConfig("adam", {"lr": LR, "betas": BETAS}, tuple(s)) for s in starts)
    return RunProblem(ROSENBROCK, runs, STEPS)


def run_loop(problem: RunProblem) -> np.ndarray:
    """Iterate the Simulation keeping only the last Step, as a sweep does."""
    last = None
    for last in Simulation(problem, record=FINAL_STEP):  # noqa: B007
        pass
    return last.params


def engine_and_adam(problem: RunProblem) -> np.ndarray:
    """The replay and Adam that every step of the loop calls, with nothing else: no health
    check, no ledger, no Steps."""
    (group,) = problem.groups()
    adam, hyperparams = OPTIMIZERS["adam"], shared_as_scalars(group.hyperparams)
    value_and_grad = compiled_batch_value_and_grad(problem.objective.loss)
    params = problem.starts
    state = adam.init(params, group.hyperparams)
    with np.errstate(all="ignore"):
        for step in range(1, STEPS + 1):
            _, grads = value_and_grad(params)
            params, state = adam.update_fn(params, grads, state, hyperparams, step, None)
        value_and_grad(params)  # the last step is evaluated too
    return params


def numpy_adam(starts: np.ndarray, *, report_loss: bool = False) -> np.ndarray:
    """Batched Adam as torch.optim.Adam computes it, on the closed-form Rosenbrock gradient.

    With report_loss it also computes every step's loss, as the run loop must (each Step
    carries loss[k]); without, it is the bare update, the tighter of the two limits.
    The bias corrections raise the betas as Python floats, as torch and the run loop do (NumPy's
    array power can round beta**step an ulp away, which some of these runs amplify past 1e-9).
    """
    beta1, beta2 = BETAS
    p = starts.copy()
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    g = np.empty_like(p)
    denom = np.empty_like(p)
    x, y = p[:, 0], p[:, 1]  # views: they follow p's in-place updates
    for step in range(1, STEPS + 1):
        # d/dx = -2(1 - x) + 200(y - x²)·(-2x), grouped as the chain rule groups it so the
        # roundings match the engine's (the same amplification as for the betas above).
        a = 1.0 - x
        b = y - x * x
        if report_loss:
            loss = a * a + 100.0 * (b * b)  # noqa: F841 (computed to be reported, as the loop does)
        b200 = 200.0 * b
        g[:, 1] = b200
        g[:, 0] = -2.0 * a - (2.0 * x) * b200
        m += (1.0 - beta1) * (g - m)  # exp_avg.lerp_(grad, 1 - beta1)
        v *= beta2  # exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        v += (1.0 - beta2) * (g * g)
        step_size = LR / (1.0 - beta1**step)
        np.sqrt(v, out=denom)
        denom /= (1.0 - beta2**step) ** 0.5
        denom += EPS
        p -= step_size * (m / denom)
    return p


def main() -> None:
    starts = spread_starts(RUNS)
    batch = adam_problem(starts)
    sample_rows = np.arange(0, RUNS, RUNS // SAMPLE)[:SAMPLE]
    singles = [adam_problem(starts[i : i + 1]) for i in sample_rows]

    loop_final = run_loop(batch)
    np.testing.assert_array_equal(engine_and_adam(batch), loop_final)
    for report_loss in (False, True):
        limit_final = numpy_adam(starts, report_loss=report_loss)
        np.testing.assert_allclose(loop_final, limit_final, rtol=1e-9, atol=1e-12)
    # a run alone ends where it ends inside the batch (checked on a few of the sample)
    for i, problem in list(zip(sample_rows, singles, strict=True))[::7]:
        np.testing.assert_allclose(run_loop(problem)[0], loop_final[i], rtol=1e-12, atol=1e-15)

    times = side_by_side(
        {
            "loop": lambda: run_loop(batch),
            "engine+adam": lambda: engine_and_adam(batch),
            "numpy": lambda: numpy_adam(starts),
            "numpy+loss": lambda: numpy_adam(starts, report_loss=True),
        },
        repeat=15,
        min_time=0.05,
    )
    times |= side_by_side(
        {"sequential": lambda: [run_loop(p) for p in singles]}, repeat=3, min_time=0.01
    )
    sequential = times["sequential"] * (RUNS / SAMPLE)
    print(f"{RUNS:,} Adam runs x {STEPS:,} steps on Rosenbrock (lr {LR:g}, betas {BETAS})")
    print(row("run loop, one batch (app.runs)", times["loop"]))
    print(row("  the replay and Adam alone, no loop around them", times["engine+adam"]))
    print(row("hand-written NumPy Adam (the limit)", times["numpy"]))
    print(row("  the same, also computing each step's loss", times["numpy+loss"]))
    print(row(f"run loop, one run at a time (x{RUNS // SAMPLE} of {SAMPLE})", sequential))
    print(
        f"  (sequential: {SAMPLE} runs timed, {times['sequential']:.2f} s, scaled by "
        f"{RUNS // SAMPLE} to {RUNS:,} runs)"
    )
    print()
    print("ratios (target in brackets)")
    print(f"  loop is {times['loop'] / times['numpy']:6.2f}x the NumPy time        [<= 1.5]")
    print(
        f"  loop is {times['loop'] / times['numpy+loss']:6.2f}x the NumPy time "
        "when both report each step's loss"
    )
    print(
        f"  loop is {times['loop'] / times['engine+adam']:6.2f}x the replay and Adam alone "
        f"(what the loop adds); they are {times['engine+adam'] / times['numpy']:.2f}x NumPy"
    )
    print(f"  sequential is {sequential / times['loop']:6.1f}x the batched loop  [>= 100]")


if __name__ == "__main__":
    main()
