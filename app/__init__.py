"""Gradient Descent Playground: a reverse-mode autodiff engine on NumPy behind a JSON API."""

__version__ = "0.1.0"
