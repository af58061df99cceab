"""The five teaching texts the lessons come from (../shared/seeds/, numbered 000 to 004)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    id: str
    title: str
    examples: str  # what the text works through, so a reader can tell the texts apart


TEXTS: tuple[Text, ...] = (
    Text(
        "000",
        "Loss Function, Gradient Descent and Backpropagation (basic)",
        "the house price: one weight 280 → 281, two weights W1 · W2 and backpropagation",
    ),
    Text(
        "001",
        "Backpropagation, gradient descent and the loss function: three examples",
        "guessing a number, the black box and its Table 2-1, Xiao Ming's rifle and bursts",
    ),
    Text(
        "002",
        "How does the loss function work",
        "the update against the gradient, the mountain, local minima, momentum and Adam",
    ),
    Text(
        "003",
        "Understanding Loss Functions, Backpropagation, and the PyTorch Transformer",
        "MSE, binary and categorical cross-entropy, KL divergence, automatic differentiation",
    ),
    Text(
        "004",
        "Gradient Descent: Minimizing The Loss Function",
        "the U-shaped loss curve and the one-weight network learning 4 (gradient −4, w → 2.4)",
    ),
)
TEXT_IDS = tuple(t.id for t in TEXTS)
