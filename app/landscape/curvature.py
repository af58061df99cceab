"""The Hessian's extreme eigenvalues at a point, from Hessian-vector products (no dense Hessian).

H·v is the gradient of ∇L·v, both by the engine's reverse mode (grad of grad). Lanczos with full
reorthogonalisation builds a Krylov basis one product at a time; the extreme eigenvalues of its
small tridiagonal matrix converge to the Hessian's first, so λmax (and SGD's stability limit
2/λmax) costs a few dozen products, where a dense Hessian would cost d.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import app.engine as E
from app.landscape.directions import checked_vector
from app.objectives import Objective

MAX_ITERATIONS = 100


def hessian_vector_product(
    objective: Objective, point: np.ndarray
) -> Callable[[np.ndarray], np.ndarray]:
    """v ↦ H·v for the full loss's Hessian H at point (d,)."""
    point = checked_vector(objective, point, "point")
    dim = objective.dim

    def loss(p: E.Tensor) -> E.Tensor:
        return E.sum(objective.loss(E.reshape(p, (1, dim))))

    gradient = E.grad(loss)

    def product(v: np.ndarray) -> np.ndarray:
        v = np.asarray(v, dtype=np.float64)
        return E.grad(lambda p: E.sum(gradient(p) * v))(point)

    return product


@dataclass(frozen=True)
class Curvature:
    """λmax and λmin of the Hessian (the extremes of the Ritz values), λmax's unit eigenvector
    (d,), the products used, and the residual ‖H·u − λmax·u‖."""

    top: float
    bottom: float
    vector: np.ndarray
    products: int
    residual: float

    @property
    def stability_limit(self) -> float | None:
        """2/λmax: gradient descent with a larger learning rate grows along the top eigenvector;
        None where the surface does not curve up (λmax ≤ 0)."""
        return 2.0 / self.top if self.top > 0 else None


def top_eigenvalue(
    objective: Objective,
    point: np.ndarray,
    *,
    tol: float = 1e-10,
    max_iterations: int = MAX_ITERATIONS,
    seed: int = 0,
) -> Curvature:
    """Lanczos on H at point until λmax's residual is below tol·max(|λmax|, |λmin|)."""
    hv = hessian_vector_product(objective, point)
    dim = objective.dim
    q = np.random.default_rng(seed).normal(size=dim)
    basis = [q / np.linalg.norm(q)]
    alphas: list[float] = []
    betas: list[float] = []
    for _ in range(min(max_iterations, dim)):
        w = hv(basis[-1])
        alphas.append(float(basis[-1] @ w))
        stacked = np.array(basis)
        for _ in range(2):  # twice is enough (Kahan–Parlett) to keep the basis orthogonal
            w = w - stacked.T @ (stacked @ w)
        beta = float(np.linalg.norm(w))
        ritz, vectors = np.linalg.eigh(_tridiagonal(alphas, betas))
        scale = max(abs(ritz[-1]), abs(ritz[0]), 1e-300)
        residual = beta * abs(vectors[-1, -1])
        if residual <= tol * scale or beta <= 1e-14 * scale or len(basis) == dim:
            break
        betas.append(beta)
        basis.append(w / beta)
    top = stacked.T @ vectors[:, -1]
    return Curvature(float(ritz[-1]), float(ritz[0]), top, len(alphas), float(residual))


def _tridiagonal(alphas: list[float], betas: list[float]) -> np.ndarray:
    k = len(alphas)
    t = np.diag(alphas)
    if k > 1:
        off = np.array(betas[: k - 1])
        t += np.diag(off, 1) + np.diag(off, -1)
    return t
