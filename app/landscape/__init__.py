"""The loss landscape of an objective: over a grid (the contour), at a point (its gradient,
curvature and computation graph), and for many weights as 2-D slices through weight space
(Li et al. 2018) with paths projected onto them and the Hessian's top eigenvalue by
Hessian-vector products."""

from app.landscape.curvature import Curvature, hessian_vector_product, top_eigenvalue
from app.landscape.directions import (
    Directions,
    LandscapeError,
    blocks_of,
    filter_normalized,
    pca_directions,
    random_directions,
)
from app.landscape.inspect import inspect_network, inspect_point, stability
from app.landscape.slices import Landscape, landscape, project_path, slice_losses
from app.landscape.surface import surface_grid

__all__ = [
    "Curvature",
    "Directions",
    "Landscape",
    "LandscapeError",
    "blocks_of",
    "filter_normalized",
    "hessian_vector_product",
    "inspect_network",
    "inspect_point",
    "landscape",
    "pca_directions",
    "project_path",
    "random_directions",
    "slice_losses",
    "stability",
    "surface_grid",
    "top_eigenvalue",
]
