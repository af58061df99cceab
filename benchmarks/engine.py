"""Engine speed: value and gradient of Rosenbrock through our autodiff, side by side with
torch eager autograd (the peer) and hand-written NumPy closed forms (the limit).

Two engine figures: the eager pass (a graph of Tensor nodes built per call, as /inspect uses
it) and the compiled replay (traced once, then replayed without nodes into buffers it keeps),
which is what every step of a run pays in the run loop. A plain process: no allocator tuning.

Run: python -m benchmarks.engine
"""

from __future__ import annotations

import numpy as np

from app.engine import batch_value_and_grad
from app.engine.compiled import compiled_batch_value_and_grad
from app.objectives import make_objective
from benchmarks._timing import row, side_by_side, try_import_torch

ROSENBROCK = make_objective({"id": "rosenbrock"})


def engine_value_and_grad(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return batch_value_and_grad(ROSENBROCK.loss, points)


def numpy_value_and_grad(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The closed form, written by hand over the same (N, 2) layout the objectives use."""
    x = points[:, 0]
    y = points[:, 1]
    a = 1.0 - x
    b = y - x * x
    value = a * a + 100.0 * b * b
    grad = np.stack([-2.0 * a - 400.0 * x * b, 200.0 * b], axis=1)
    return value, grad


def torch_value_and_grad(torch, points):
    p = torch.tensor(points, dtype=torch.float64, requires_grad=True)
    x = p[:, 0]
    y = p[:, 1]
    value = (1 - x) ** 2 + 100 * (y - x**2) ** 2
    (grad,) = torch.autograd.grad(value.sum(), p)
    return value.detach().numpy(), grad.numpy()


def compare(label: str, points: np.ndarray, torch) -> dict[str, float]:
    ours, limit = engine_value_and_grad(points), numpy_value_and_grad(points)
    np.testing.assert_allclose(ours[0], limit[0], rtol=1e-12)
    np.testing.assert_allclose(ours[1], limit[1], rtol=1e-12, atol=1e-9)
    compiled = compiled_batch_value_and_grad(ROSENBROCK.loss)
    compiled(points)  # the trace
    replayed = compiled(points)
    assert compiled.replays(points.shape)
    np.testing.assert_array_equal(replayed[1], ours[1])
    contenders = {
        "engine": lambda: engine_value_and_grad(points),
        "compiled": lambda: compiled(points),
        "numpy": lambda: numpy_value_and_grad(points),
    }
    if torch is not None:
        theirs = torch_value_and_grad(torch, points)
        np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12, atol=1e-9)
        contenders["torch"] = lambda: torch_value_and_grad(torch, points)
    times = side_by_side(contenders)
    print(label)
    print(row("our engine, eager (app.engine)", times["engine"]))
    print(row("our engine, compiled replay (a run's step)", times["compiled"]))
    print(row("hand-written NumPy closed form (the limit)", times["numpy"]))
    if "torch" in times:
        print(row(f"torch {torch.__version__} eager autograd, 1 thread", times["torch"]))
    return times


def main() -> None:
    torch = try_import_torch()
    if torch is None:
        print("torch is not installed: the peer column is skipped (pip install torch==2.13.0).")
    single = compare(
        "Rosenbrock value and gradient at one 2-vector, points (1, 2)",
        np.array([[-1.2, 1.0]]),
        torch,
    )
    xs = np.linspace(-2.0, 2.0, 400)
    grid = np.stack(np.meshgrid(xs, xs + 1.0), axis=-1).reshape(-1, 2)
    full = compare("Rosenbrock on a 400x400 grid, points (160000, 2)", grid, torch)
    print()
    print("ratios against the hand-written NumPy time (the limit in brackets)")
    print(f"  one point, compiled: {single['compiled'] / single['numpy']:5.2f}x [<= 1.25]")
    print(f"  one point, eager:    {single['engine'] / single['numpy']:5.2f}x [<= 2.5]")
    print(f"  grid, compiled:      {full['compiled'] / full['numpy']:5.2f}x [<= 1.5]")
    print(f"  grid, eager:         {full['engine'] / full['numpy']:5.2f}x")
    if "torch" in single:
        for label, times in (("one point", single), ("grid", full)):
            print(
                f"  {label}: compiled {times['torch'] / times['compiled']:5.2f}x and eager "
                f"{times['torch'] / times['engine']:5.2f}x faster than torch"
            )


if __name__ == "__main__":
    main()
