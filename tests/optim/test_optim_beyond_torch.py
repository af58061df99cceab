"""Lion, sign SGD and Newton against hand-derived values."""

from __future__ import annotations

import numpy as np

from app.optim import OPTIMIZERS, broadcast_hyperparams


def run(name: str, configs: list[dict], params, grads, hessians=None, state=None, step=1):
    opt = OPTIMIZERS[name]
    params = np.array(params, dtype=float)
    hp = broadcast_hyperparams(opt, configs, params.shape[0])
    state = opt.init(params, hp) if state is None else state
    return opt.update(params, np.array(grads, dtype=float), state, hp, step, hessians)


# ---- sign SGD ----


def test_signsgd_moves_exactly_lr_per_coordinate() -> None:
    params = [[1.0, -2.0, 0.5], [0.0, 0.0, 0.0]]
    grads = [[1e-9, -300.0, 0.0], [5.0, 5.0, -5.0]]
    new, state = run("signsgd", [{"lr": 0.25}, {"lr": 0.5}], params, grads)
    np.testing.assert_array_equal(new, [[0.75, -1.75, 0.5], [-0.5, -0.5, 0.5]])
    assert state == {}


# ---- Lion ----


def test_lion_first_step_is_minus_lr_sign_of_gradient() -> None:
    params = [[1.0, -1.0], [3.0, 2.0]]
    grads = [[0.001, -40.0], [-2.0, 0.0]]
    new, state = run("lion", [{"lr": 0.1}], params, grads)
    np.testing.assert_allclose(new, [[0.9, -0.9], [3.1, 2.0]], rtol=0, atol=1e-15)
    # m <- beta2 m + (1 - beta2) g with the default beta2 = 0.99.
    np.testing.assert_allclose(state["exp_avg"], 0.01 * np.array(grads), rtol=1e-15)


def test_lion_second_step_blends_with_beta1_and_decays_weights() -> None:
    hp = {"lr": 0.1, "betas": [0.5, 0.9], "weight_decay": 0.5}
    state = {"exp_avg": np.array([[1.0, -1.0]])}
    # c = 0.5 m + 0.5 g = [-0.5, 0.5]: the sign follows the new gradient where it dominates.
    new, new_state = run("lion", [hp], [[2.0, 4.0]], [[-2.0, 2.0]], state=state, step=2)
    # theta - lr (sign(c) + wd theta) = [2 - 0.1 (-1 + 1), 4 - 0.1 (1 + 2)]
    np.testing.assert_allclose(new, [[2.0, 3.7]], rtol=1e-15)
    np.testing.assert_allclose(new_state["exp_avg"], [[0.9 - 0.2, -0.9 + 0.2]], rtol=1e-15)
    np.testing.assert_array_equal(state["exp_avg"], [[1.0, -1.0]])  # input untouched


# ---- Newton ----

A = np.array([[3.0, 1.0], [1.0, 2.0]])
B = np.array([1.0, -1.0])


def quadratic_grad(x: np.ndarray) -> np.ndarray:
    """Gradient of 0.5 x^T A x - b^T x per row; its minimum is A^-1 b."""
    return x @ A - B


def test_newton_solves_a_quadratic_in_one_step() -> None:
    x0 = np.array([[5.0, -3.0], [0.0, 10.0], [-1.0, -1.0]])
    hessians = np.broadcast_to(A, (3, 2, 2))
    new, state = run("newton", [{}], x0, quadratic_grad(x0), hessians)
    np.testing.assert_allclose(new, np.tile(np.linalg.solve(A, B), (3, 1)), rtol=1e-12)
    np.testing.assert_array_equal(state["hessian_modified"], 0.0)


def test_newton_lr_and_damping_per_run() -> None:
    x0 = np.array([[5.0, -3.0], [5.0, -3.0]])
    g = quadratic_grad(x0)
    hessians = np.broadcast_to(A, (2, 2, 2))
    configs = [{"lr": 0.5}, {"lr": 1.0, "damping": 2.0}]
    new, _ = run("newton", configs, x0, g, hessians)
    np.testing.assert_allclose(new[0], x0[0] - 0.5 * np.linalg.solve(A, g[0]), rtol=1e-12)
    damped = A + 2.0 * np.eye(2)  # [[5, 1], [1, 4]], det 19
    by_hand = np.array([[4.0, -1.0], [-1.0, 5.0]]) / 19.0 @ g[1]
    np.testing.assert_allclose(new[1], x0[1] - by_hand, rtol=1e-12)
    np.testing.assert_allclose(by_hand, np.linalg.solve(damped, g[1]), rtol=1e-12)


def test_newton_indefinite_hessian_falls_back_to_descent() -> None:
    # Saddle f = x^2 - y^2 at (1, 1): plain Newton would jump onto the saddle (0, 0).
    x0 = np.array([[1.0, 1.0]])
    hessians = np.array([[[2.0, 0.0], [0.0, -2.0]]])
    new, state = run("newton", [{}], x0, [[2.0, -2.0]], hessians)
    # |H|^-1 g = [1, -1]: x still reaches its minimum, y moves away from the saddle (downhill).
    np.testing.assert_allclose(new, [[0.0, 2.0]], atol=1e-15)
    np.testing.assert_array_equal(state["hessian_modified"], 1.0)


def test_newton_singular_and_nonfinite_hessians_never_raise() -> None:
    x0 = np.array([[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]])
    hessians = np.array(
        [
            [[2.0, 0.0], [0.0, 0.0]],  # flat in y: no step there, like lstsq
            [[0.0, 0.0], [0.0, 0.0]],  # flat everywhere: no step at all
            [[np.nan, 0.0], [0.0, 1.0]],  # broken Hessian: NaN, visible to the caller
        ]
    )
    grads = [[4.0, 3.0], [4.0, 3.0], [4.0, 3.0]]
    new, state = run("newton", [{}], x0, grads, hessians)
    np.testing.assert_allclose(new[0], [-1.0, 1.0], atol=1e-15)
    np.testing.assert_array_equal(new[1], [1.0, 1.0])
    assert np.isnan(new[2]).all()
    np.testing.assert_array_equal(state["hessian_modified"][:, 0], [1.0, 1.0, 1.0])


def test_newton_damping_restores_positive_definiteness() -> None:
    hessians = np.array([[[2.0, 0.0], [0.0, -1.0]]])
    new, state = run("newton", [{"damping": 3.0}], [[0.0, 0.0]], [[5.0, 2.0]], hessians)
    np.testing.assert_allclose(new, [[-1.0, -1.0]], rtol=1e-14)  # diag(5, 2)^-1 g
    np.testing.assert_array_equal(state["hessian_modified"], 0.0)
