"""The teaching texts' worked examples, with the texts' own numbers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

import app.engine as E
from app.objectives.base import Entry, Minimum, Objective, OptionSpec, batch_size_option
from app.objectives.data_models import Regression, Target
from app.objectives.datasets import BLACK_BOX
from app.objectives.model_fitting import batch_size_of, gather, weight

SQ_FT = 1000.0  # the house's size, the model's single input
PRICE = 300_000.0  # the house's actual price in dollars

# --- house price: prediction = w · 1000 sq ft -----------------------------------------------

HOUSE_OPTIONS = (
    OptionSpec(
        "loss",
        "choice",
        "squared",
        "Squared error in dollars², or the text's plain dollar difference.",
        ("squared", "absolute"),
    ),
)


def house_price(points: Any) -> Any:
    """The predicted price w · 1000 sq ft."""
    return points[:, 0] * SQ_FT


def _build_house(settings: Mapping[str, object]) -> Objective:
    squared = settings["loss"] == "squared"

    def loss_fn(points: Any, batch: np.ndarray | None) -> Any:
        error = house_price(points) - PRICE
        return error * error if squared else E.abs(error)

    return Objective(
        id="house-price",
        title="House price (one weight)",
        group="worked-example",
        dim=1,
        view_box=((250.0, 350.0),),
        default_start=(280.0,),
        minima=(Minimum((300.0,), 0.0, "global"),),
        formula=("L(w) = (w·1000 − 300,000)²" if squared else "L(w) = |w·1000 − 300,000|"),
        description=(
            "Price = w × 1000 sq ft against the actual $300,000, in raw dollars. At w = 280 the "
            "prediction is $280,000 and the error $20,000 (squared: 4×10⁸ dollars²); at w = 281 "
            "it is $19,000. Dollars² are huge numbers, hence the tiny step size (1e-7); with the "
            "absolute loss a step size of 0.001 moves w by exactly 1 per step, as in the text."
        ),
        loss_fn=loss_fn,
        param_names=("w",),
        # Squared: lr·curvature (2·1000²) = 0.2. Absolute: slope 1000, so each step moves w by 1.
        default_lr=1e-7 if squared else 1e-3,
        data=_house_target(house_price),
    )


def _house_target(predict: Any) -> Target:
    return Target(
        x_label="size (sq ft)", y_label="price ($)", input=SQ_FT, target=PRICE, predict=predict
    )


# --- two weights in a chain: prediction = 1000 · W1 · W2 ------------------------------------


def chain_price(points: Any) -> Any:
    """The predicted price 1000 sq ft · W1 · W2."""
    return SQ_FT * points[:, 0] * points[:, 1]


def _build_chain(settings: Mapping[str, object]) -> Objective:
    def loss_fn(points: Any, batch: np.ndarray | None) -> Any:
        error = chain_price(points) - PRICE
        return error * error

    return Objective(
        id="two-weight-chain",
        title="House price (two weights in a chain)",
        group="worked-example",
        dim=2,
        view_box=((100.0, 400.0), (0.5, 2.5)),
        default_start=(200.0, 1.4),
        # The whole curve W1·W2 = 300 is minimal; these are where fixing one weight lands.
        minima=(
            Minimum((200.0, 1.5), 0.0, "global"),
            Minimum((PRICE / SQ_FT / 1.4, 1.4), 0.0, "global"),
        ),
        formula="L(W1, W2) = (1000·W1·W2 − 300,000)²",
        description=(
            "1000 sq ft × W1 × W2, starting at W1 = 200, W2 = 1.4 ($280,000). Every point of the "
            "curve W1·W2 = 300 is a minimum; the two listed are W2 = 1.5 ($300,000) and "
            "W1 = 214.29. The gradient for W2 is 140 times W1's, because W2 multiplies 200,000."
        ),
        loss_fn=loss_fn,
        param_names=("W1", "W2"),
        # lr·(curvature along W2, 2·(1000·W1)²) = 0.8 at the start: W2 settles in a few steps.
        default_lr=1e-11,
        data=_house_target(chain_price),
    )


# --- the black box: fit z = a·x + b·x² to Table 2-1 -----------------------------------------


def black_box_guess(points: Any, x: Any) -> Any:
    """The guessed rule z = a·x + b·x² for every point and input."""
    return weight(points, 0) * x + weight(points, 1) * x * x


def _build_black_box(settings: Mapping[str, object]) -> Objective:
    def loss_fn(points: Any, batch: np.ndarray | None) -> Any:
        x, z = gather(BLACK_BOX, batch)
        error = black_box_guess(points, x) - z
        return (error * error).mean(axis=1)

    x, z = BLACK_BOX.x, BLACK_BOX.y
    a, b = np.linalg.lstsq(np.stack([x, x * x], axis=1), z, rcond=None)[0]
    best = np.array([[a, b]])
    return Objective(
        id="black-box",
        title="Cracking the black box",
        group="worked-example",
        dim=2,
        view_box=((-1.0, 5.0), (-1.5, 2.0)),
        default_start=(1.0, 1.0),
        minima=(Minimum((float(a), float(b)), float(loss_fn(best, None)[0]), "global"),),
        formula="L(a, b) = mean of (a·x + b·x² − z)² over the table (1, 2.21), (1.1, 2.431), "
        "(1.2, 2.652), (2, 4.42)",
        description=(
            "Guess the box's rule as z = a·x + b·x², starting from z = x + x² (input 1 gives 2, "
            "error −0.21; with a = 1.5, input 1.1 gives 2.86, error 0.429). The table is "
            "exactly z = 2.21·x, so the loss reaches 0 at a = 2.21, b = 0."
        ),
        loss_fn=loss_fn,
        n_samples=BLACK_BOX.n,
        batch_size=batch_size_of(settings),
        param_names=("a", "b"),
        default_lr=0.1,
        data=Regression(
            x_label="input x",
            y_label="output z",
            x=BLACK_BOX.x,
            y=BLACK_BOX.y,
            predict=black_box_guess,
            table=True,
        ),
    )


# --- one-weight network: y = w·x, x = 1, target 4 -------------------------------------------


def one_weight_output(points: Any) -> Any:
    """The network's output w · x for the input x = 1."""
    return points[:, 0] * 1.0


def _build_one_weight(settings: Mapping[str, object]) -> Objective:
    def loss_fn(points: Any, batch: np.ndarray | None) -> Any:
        error = one_weight_output(points) - 4.0
        return error * error

    return Objective(
        id="one-weight-network",
        title="One-weight network",
        group="worked-example",
        dim=1,
        view_box=((-1.0, 9.0),),
        default_start=(2.0,),
        minima=(Minimum((4.0,), 0.0, "global"),),
        formula="L(w) = (w·x − 4)², x = 1",
        description=(
            "The PyTorch example: one weight, input 1, target 4, MSE loss. At w = 2 the "
            "gradient is 2·(2 − 4) = −4, and one step with learning rate 0.1 moves w to 2.4."
        ),
        loss_fn=loss_fn,
        param_names=("w",),
        default_lr=0.1,
        data=Target(
            x_label="input x", y_label="output", input=1.0, target=4.0, predict=one_weight_output
        ),
    )


ENTRIES: tuple[Entry, ...] = (
    Entry("house-price", HOUSE_OPTIONS, _build_house),
    Entry("two-weight-chain", (), _build_chain),
    Entry("black-box", (batch_size_option(BLACK_BOX.n),), _build_black_box),
    Entry("one-weight-network", (), _build_one_weight),
)
