"""Loss landscapes of many weights: 2-D slices through weight space (Li et al. 2018), paths
projected onto them, and the Hessian's top eigenvalue by Hessian-vector products."""

from app.landscape.curvature import Curvature, hessian_vector_product, top_eigenvalue
from app.landscape.directions import (
    Directions,
    LandscapeError,
    blocks_of,
    filter_normalized,
    pca_directions,
    random_directions,
)
from app.landscape.slices import Landscape, landscape, project_path, slice_losses

__all__ = [
    "Curvature",
    "Directions",
    "Landscape",
    "LandscapeError",
    "blocks_of",
    "filter_normalized",
    "hessian_vector_product",
    "landscape",
    "pca_directions",
    "project_path",
    "random_directions",
    "slice_losses",
    "top_eigenvalue",
]
