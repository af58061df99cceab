"""The loss landscape of an objective: over a grid (the contour) and at a point (its gradient,
curvature and computation graph)."""

from app.landscape.inspect import inspect_point, stability
from app.landscape.surface import surface_grid

__all__ = ["inspect_point", "stability", "surface_grid"]
