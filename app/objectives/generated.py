"""Generated datasets: the 2-D class sets of the network playgrounds, and noisy regressions.

Each generator takes a size n, a noise level and a seed, and is deterministic in them. The 2-D
sets lie in about [−1, 1]²; noise is the standard deviation of Gaussian jitter on the points
(for the Gaussian clusters, their spread).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.objectives.datasets import BLACK_BOX
from app.objectives.tables import Table, make_table

XY = ("x1", "x2")
TWO = ("0", "1")
XOR_MARGIN = 0.1  # points keep this far from the axes, where XOR's label flips
SPIRAL_TURNS = 1.75  # as TensorFlow Playground's spiral
TEXT_HOUSE = (1000.0, 300_000.0)  # the texts' house: 1000 sq ft, $300,000
PRICE_PER_SQ_FT = TEXT_HOUSE[1] / TEXT_HOUSE[0]


def _halves(n: int) -> np.ndarray:
    """Class ids for n points: the first half 0, the rest 1."""
    return (np.arange(n) >= n // 2).astype(np.int64)


def xor(n: int, noise: float, seed: int) -> Table:
    """Class 1 where x1 and x2 have opposite signs; half the points in each class."""
    rng = np.random.default_rng(seed)
    label = _halves(n)
    magnitude = XOR_MARGIN + (1.0 - XOR_MARGIN) * rng.random((n, 2))
    first = rng.choice([-1.0, 1.0], size=n)
    signs = np.stack([first, np.where(label == 1, -first, first)], axis=1)
    points = magnitude * signs + rng.normal(0.0, noise, (n, 2))
    return make_table("xor", points, label, XY, "class", TWO)


def circles(n: int, noise: float, seed: int) -> Table:
    """Class 0 on the unit circle, class 1 on the circle of radius 0.5 inside it."""
    rng = np.random.default_rng(seed)
    label = _halves(n)
    angle = rng.uniform(0.0, 2.0 * np.pi, n)
    radius = np.where(label == 0, 1.0, 0.5)
    points = radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    points = points + rng.normal(0.0, noise, (n, 2))
    return make_table("circles", points, label, XY, "class", TWO)


def moons(n: int, noise: float, seed: int) -> Table:
    """Two interleaved half circles (scikit-learn's make_moons), centred on the origin."""
    rng = np.random.default_rng(seed)
    label = _halves(n)
    t = rng.uniform(0.0, np.pi, n)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    points = np.where(label[:, None] == 0, upper, lower) - np.array([0.5, 0.25])
    points = points + rng.normal(0.0, noise, (n, 2))
    return make_table("moons", points, label, XY, "class", TWO)


def spiral(n: int, noise: float, seed: int) -> Table:
    """Two spirals of 1.75 turns each, the second turned half a turn from the first."""
    rng = np.random.default_rng(seed)
    label = _halves(n)
    within = np.arange(n) - np.where(label == 0, 0, n // 2)
    count = np.where(label == 0, n // 2, n - n // 2)
    radius = within / count
    angle = SPIRAL_TURNS * 2.0 * np.pi * radius + np.pi * label
    points = radius[:, None] * np.stack([np.sin(angle), np.cos(angle)], axis=1)
    points = points + rng.normal(0.0, noise, (n, 2))
    return make_table("spiral", points, label, XY, "class", TWO)


def clusters(n: int, noise: float, seed: int, classes: int = 3) -> Table:
    """Gaussian clusters of spread `noise`, their centres evenly on a circle of radius 0.6."""
    rng = np.random.default_rng(seed)
    label = np.arange(n) % classes
    angle = 2.0 * np.pi * label / classes + np.pi / 2.0
    centres = 0.6 * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    points = centres + rng.normal(0.0, noise, (n, 2))
    names = tuple(str(k) for k in range(classes))
    return make_table("clusters", points, label, XY, "class", names)


def u_curve(n: int, noise: float, seed: int) -> Table:
    """The texts' U-shaped curve y = x² on [−2, 2], with Gaussian noise on y."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-2.0, 2.0, n))
    y = x * x + rng.normal(0.0, noise, n)
    return make_table("u-curve", x[:, None], y, ("x",), "y")


def house_prices(n: int, noise: float, seed: int) -> Table:
    """The texts' house (1000 sq ft, $300,000) and n − 1 more at $300 per sq ft, each price off
    by a relative Gaussian error of size `noise`."""
    rng = np.random.default_rng(seed)
    size = np.round(rng.uniform(500.0, 2500.0, n - 1), 0)
    price = np.round(PRICE_PER_SQ_FT * size * (1.0 + rng.normal(0.0, noise, n - 1)), 0)
    size = np.concatenate([[TEXT_HOUSE[0]], size])
    price = np.concatenate([[TEXT_HOUSE[1]], price])
    return make_table("house-prices", size[:, None], price, ("size (sq ft)",), "price ($)")


def black_box() -> Table:
    """Table 2-1 of the black-box text: input → the box's output."""
    return make_table("black-box", BLACK_BOX.x[:, None], BLACK_BOX.y, ("input x",), "output z")


@dataclass(frozen=True)
class Generator:
    make: Callable[..., Table]
    noise: float  # the default noise
    classification: bool
    n: int = 200


GENERATORS: dict[str, Generator] = {
    "xor": Generator(xor, 0.05, True),
    "circles": Generator(circles, 0.05, True),
    "moons": Generator(moons, 0.1, True),
    "spiral": Generator(spiral, 0.02, True, n=400),
    "clusters": Generator(clusters, 0.25, True),
    "u-curve": Generator(u_curve, 0.2, False, n=60),
    "house-prices": Generator(house_prices, 0.1, False, n=40),
}
