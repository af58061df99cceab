"""Slices of weight space, paths projected onto them, and the Hessian's top eigenvalue.

On a quadratic everything is known in closed form: the slice is a quadratic in (α, β), Lanczos
finds the eigenvalues in d products, and a path lying in the plane projects exactly.
"""

from __future__ import annotations

import numpy as np
import pytest

from app.engine import batch_hessian
from app.landscape import (
    LandscapeError,
    blocks_of,
    hessian_vector_product,
    landscape,
    pca_directions,
    project_path,
    random_directions,
    slice_losses,
    top_eigenvalue,
)
from app.objectives import make_objective

QUADRATIC = make_objective({"id": "quadratic", "condition": 10.0, "angle": 30.0})
NETWORK = make_objective({"id": "mlp", "dataset": {"name": "moons", "n": 40}, "hidden": [5, 3]})
SMALL = make_objective({"id": "mlp", "dataset": {"name": "u-curve"}, "hidden": [2]})  # 7 weights


def quadratic_matrix() -> np.ndarray:
    """The Hessian of u² + κ·v², (u, v) = (x, y) rotated by θ: 2·Rᵀ·diag(1, κ)·R."""
    _, _, hessians = batch_hessian(QUADRATIC.loss, np.zeros((1, 2)))
    return hessians[0]


def test_the_slice_of_a_quadratic_is_its_formula_on_the_grid() -> None:
    center = np.array([0.7, -0.4])
    directions = np.array([[1.0, 0.5], [-0.3, 2.0]])
    alphas, betas = np.linspace(-1, 1, 5), np.linspace(-2, 2, 4)
    z = slice_losses(QUADRATIC, center, directions, alphas, betas)
    h = quadratic_matrix()
    assert z.shape == (4, 5)
    for i, b in enumerate(betas):
        for j, a in enumerate(alphas):
            p = center + a * directions[0] + b * directions[1]
            assert z[i, j] == pytest.approx(0.5 * p @ h @ p, rel=1e-12, abs=1e-14)


def test_a_path_in_the_plane_projects_exactly_and_one_off_it_reports_its_distance() -> None:
    rng = np.random.default_rng(0)
    center, directions = rng.normal(size=7), rng.normal(size=(2, 7))
    coords = rng.normal(size=(12, 2))
    path = center + coords @ directions
    got, offset = project_path(path, center, directions)
    np.testing.assert_allclose(got, coords, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(offset, 0.0, atol=1e-12)
    normal = np.linalg.svd(directions)[2][2]  # a unit vector orthogonal to both directions
    _, lifted = project_path(path + 0.25 * normal, center, directions)
    np.testing.assert_allclose(lifted, 0.25, rtol=1e-12)


def test_filter_normalised_directions_match_each_filters_norm_and_skip_biases() -> None:
    center = np.array(NETWORK.default_start) + 0.1
    directions = random_directions(NETWORK, center, seed=3)
    assert directions.explained is None
    for row in directions.vectors:
        for block in blocks_of(NETWORK):
            part = row[block.start : block.stop]
            if not block.is_weight:
                assert not part.any()
                continue
            weights = center[block.start : block.stop].reshape(block.shape)
            np.testing.assert_allclose(
                np.linalg.norm(part.reshape(block.shape), axis=1),
                np.linalg.norm(weights, axis=1),
                rtol=1e-9,
            )
    again = random_directions(NETWORK, center, seed=3).vectors
    np.testing.assert_array_equal(again, directions.vectors)
    assert not np.array_equal(random_directions(NETWORK, center, seed=4).vectors, again)
    unit = random_directions(QUADRATIC, np.zeros(2), seed=0, normalize="unit").vectors
    np.testing.assert_allclose(np.linalg.norm(unit, axis=1), 1.0)


def test_pca_directions_are_the_paths_principal_axes() -> None:
    rng = np.random.default_rng(1)
    axes = np.linalg.qr(rng.normal(size=(7, 2)))[0].T  # two orthonormal axes in 7-D
    t = np.linspace(0.0, 2.0 * np.pi, 40, endpoint=False)  # uncorrelated: an ellipse
    path = np.outer(3.0 * np.cos(t), axes[0]) + np.outer(np.sin(t), axes[1]) + 1.0
    found = pca_directions(SMALL, path)
    np.testing.assert_allclose(found.vectors @ found.vectors.T, np.eye(2), atol=1e-12)
    np.testing.assert_allclose(np.abs(found.vectors @ axes.T), np.eye(2), atol=1e-10)
    assert found.explained == pytest.approx((0.9, 0.1))  # variances 9/2 and 1/2
    coords, _ = project_path(path, path[-1], found.vectors)
    assert np.all(coords[0] < 0)  # the start sits at negative coordinates of both


def test_lanczos_finds_a_quadratics_eigenvalues_exactly() -> None:
    curvature = top_eigenvalue(QUADRATIC, np.array([1.0, 2.0]))
    assert curvature.top == pytest.approx(20.0, rel=1e-13)
    assert curvature.bottom == pytest.approx(2.0, rel=1e-13)
    assert curvature.stability_limit == pytest.approx(0.1, rel=1e-13)
    h = quadratic_matrix()
    np.testing.assert_allclose(h @ curvature.vector, 20.0 * curvature.vector, atol=1e-12)
    assert curvature.products <= 2


def test_hessian_vector_products_equal_the_dense_hessian_of_a_network() -> None:
    point = np.array(NETWORK.default_start) + 0.2
    _, _, hessians = batch_hessian(NETWORK.loss, point[None, :])
    dense = hessians[0]
    product = hessian_vector_product(NETWORK, point)
    v = np.random.default_rng(5).normal(size=NETWORK.dim)
    np.testing.assert_allclose(product(v), dense @ v, rtol=1e-10, atol=1e-13)
    curvature = top_eigenvalue(NETWORK, point)
    eigenvalues = np.linalg.eigvalsh(dense)
    assert curvature.top == pytest.approx(eigenvalues[-1], rel=1e-9)
    assert curvature.bottom == pytest.approx(eigenvalues[0], rel=1e-6, abs=1e-9)
    assert curvature.products < NETWORK.dim
    assert curvature.stability_limit == pytest.approx(2.0 / eigenvalues[-1], rel=1e-9)


def test_a_surface_curving_down_everywhere_has_no_stability_limit() -> None:
    cap = make_objective({"expression": "-(x^2 + 3*y^2)"})
    curvature = top_eigenvalue(cap, np.array([0.3, 0.1]))
    assert curvature.top == pytest.approx(-2.0) and curvature.stability_limit is None


def test_landscape_through_a_networks_point_with_its_path() -> None:
    start = np.array(NETWORK.default_start)
    path = np.array([start + 0.1 * k * np.sin(np.arange(NETWORK.dim) + k) for k in range(8)])
    view = landscape(NETWORK, path[-1], path=path, resolution=9)
    assert view.z.shape == (9, 9) and view.alphas[0] == -1.0 and view.alphas[-1] == 1.0
    assert view.z[4, 4] == pytest.approx(NETWORK.loss(path[-1][None, :])[0], rel=1e-12)
    assert view.path.shape == (8, 2) and view.path_offset.shape == (8,)
    pca = landscape(NETWORK, path[-1], method="pca", path=path, resolution=5)
    assert pca.directions.explained is not None
    np.testing.assert_allclose(pca.path[-1], 0.0, atol=1e-12)
    assert pca.alphas[-1] >= np.abs(pca.path).max()


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: landscape(NETWORK, np.zeros(3)), "center"),
        (lambda: landscape(NETWORK, np.full(NETWORK.dim, np.nan)), "center"),
        (lambda: landscape(NETWORK, np.ones(NETWORK.dim), method="pca"), "path"),
        (lambda: landscape(NETWORK, np.ones(NETWORK.dim), method="sideways"), "method"),
        (lambda: landscape(NETWORK, np.ones(NETWORK.dim), resolution=1), "resolution"),
        (lambda: landscape(NETWORK, np.ones(NETWORK.dim), span=-1.0), "span"),
        (lambda: pca_directions(NETWORK, np.ones((5, NETWORK.dim))), "path"),
        (lambda: pca_directions(NETWORK, np.ones((2, NETWORK.dim))), "path"),
        (lambda: landscape(make_objective({"id": "u-curve"}), np.ones(1)), "objective"),
        (lambda: slice_losses(QUADRATIC, np.zeros(2), np.ones((3, 2)), [0.0], [0.0]), "directions"),
    ],
)
def test_bad_slices_name_their_field(call, field: str) -> None:
    with pytest.raises(LandscapeError) as info:
        call()
    assert info.value.field == field


def test_a_random_slice_at_all_zero_weights_takes_unit_directions() -> None:
    """No filter has a norm to follow there (a zeros init), so each direction has length 1."""
    land = landscape(NETWORK, np.zeros(NETWORK.dim), resolution=3)
    np.testing.assert_allclose(np.linalg.norm(land.directions.vectors, axis=1), 1.0)
    assert np.isfinite(land.z).all()
