"""A multilayer perceptron whose weights are one flat vector per run, evaluated for R runs at once.

The flat vector lists each layer's weight (out, in) row by row and then its bias (out,), layer
after layer: torch's `parameters_to_vector` of the same `nn.Sequential` of `nn.Linear` layers.
An (R, d) batch of vectors is R networks; every layer is one batched matmul over them. The
forward pass is written with engine ops, which return plain NumPy results on plain arrays, so
the loss (Tensors, for gradients) and the predictions (arrays) are one code path.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

import app.engine as E

ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
OUTPUTS = ("mse", "bce", "ce")  # regression; two classes, one logit; K classes, K logits
INITS = ("xavier", "he", "torch", "zeros")


@dataclass(frozen=True)
class Block:
    """One parameter tensor's place in the flat vector."""

    name: str  # "layer1.weight", "layer1.bias", ... (torch's names, 1-based layers)
    start: int
    shape: tuple[int, ...]  # (out, in) for a weight, (out,) for a bias

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def stop(self) -> int:
        return self.start + self.size

    @property
    def is_weight(self) -> bool:
        return len(self.shape) == 2


def _activate(name: str, z: Any) -> Any:
    if name == "tanh":
        return E.tanh(z)
    if name == "relu":
        return E.relu(z)
    if name == "sigmoid":
        return E.sigmoid(z)
    return z


@dataclass(frozen=True)
class Architecture:
    """Layer sizes (inputs, hidden..., outputs), the hidden activation and the output's loss."""

    sizes: tuple[int, ...]
    activation: str
    output: str

    @cached_property
    def blocks(self) -> tuple[Block, ...]:
        blocks, start = [], 0
        for layer, (fan_in, fan_out) in enumerate(itertools.pairwise(self.sizes), start=1):
            for kind, shape in (("weight", (fan_out, fan_in)), ("bias", (fan_out,))):
                blocks.append(Block(f"layer{layer}.{kind}", start, shape))
                start += blocks[-1].size
        return tuple(blocks)

    @property
    def dim(self) -> int:
        return self.blocks[-1].stop

    @cached_property
    def weight_mask(self) -> np.ndarray:
        """1 at every weight's place, 0 at the biases': what weight decay penalises."""
        mask = np.zeros(self.dim)
        for block in self.blocks:
            if block.is_weight:
                mask[block.start : block.stop] = 1.0
        mask.flags.writeable = False
        return mask

    def columns(self, points: Any, inputs: Any) -> list[Any]:
        """The inputs as columns, then each layer's values as columns (R, units, n): W·h + b,
        after the activation for the hidden layers and before any for the outputs. Inputs are
        rows (n, f), shared by every network, or (R, n, f), one set per network. Columns keep
        every matmul free of transposes, forward and backward."""
        runs = points.shape[0]
        values = [np.ascontiguousarray(np.swapaxes(np.asarray(inputs, np.float64), -1, -2))]
        layers = len(self.sizes) - 1
        for layer in range(layers):
            weight, bias = self.blocks[2 * layer], self.blocks[2 * layer + 1]
            w = E.reshape(points[:, weight.start : weight.stop], (runs, *weight.shape))
            b = E.reshape(points[:, bias.start : bias.stop], (runs, bias.size, 1))
            z = E.matmul(w, values[-1]) + b  # (h·Wᵀ + b)ᵀ: nn.Linear, on columns
            values.append(z if layer == layers - 1 else _activate(self.activation, z))
        return values

    def forward(self, points: Any, inputs: Any) -> Any:
        """Outputs (R, n, out) of the R networks in points (R, d) on input rows (n, f) or
        (R, n, f)."""
        return E.transpose(self.columns(points, inputs)[-1], (0, 2, 1))

    def layer_values(self, points: Any, inputs: Any) -> list[Any]:
        """columns() as rows: the inputs, then each layer's values (R, n, units)."""
        inputs, *layers = self.columns(points, inputs)
        return [np.swapaxes(inputs, -1, -2), *(E.transpose(v, (0, 2, 1)) for v in layers)]

    def loss_target(self, target: np.ndarray) -> np.ndarray:
        """What data_loss compares outputs with, from the targets of n rows, (n,) or (R, n):
        the values (mse), 1 − 2·class (bce: the sign its logit's loss takes), or one-hot
        columns (K, n) or (R, K, n) (ce)."""
        if self.output == "mse":
            return np.asarray(target, dtype=np.float64)
        if self.output == "bce":
            return 1.0 - 2.0 * np.asarray(target, dtype=np.float64)
        one_hot = np.eye(self.sizes[-1])[np.asarray(target)]
        return np.ascontiguousarray(np.swapaxes(one_hot, -1, -2))

    def data_loss(self, outputs: Any, target: Any) -> Any:
        """Mean loss per network (R,) of output columns (R, out, n) against loss_target()."""
        if self.output == "ce":
            log_p = E.log_softmax(outputs, axis=1)
            return -E.mean(E.sum(log_p * target, axis=1), axis=1)
        z = E.reshape(outputs, (outputs.shape[0], outputs.shape[2]))
        if self.output == "mse":
            r = z - target
            return E.mean(r * r, axis=1)
        # BCE with logits, softplus(z) − y·z, is softplus(±z): −log σ(z) for y = 1, −log(1 − σ(z))
        # for y = 0, with no log(0) when σ(z) rounds to 0 or 1.
        return E.mean(E.softplus(z * target), axis=1)

    def loss(self, points: Any, inputs: Any, target: np.ndarray) -> Any:
        """The mean data loss (R,) on input rows and their targets."""
        return self.data_loss(self.columns(points, inputs)[-1], self.loss_target(target))

    def penalty(self, points: Any) -> Any:
        """½·Σ w² over the weights (biases are not decayed), per network (R,)."""
        return E.matmul(points * points, self.weight_mask) * 0.5

    def predicted_class(self, outputs: np.ndarray) -> np.ndarray:
        """Class ids (R, n) from outputs (R, n, out)."""
        if self.output == "bce":
            return (outputs[:, :, 0] > 0.0).astype(np.int64)
        return np.argmax(outputs, axis=2)

    def probabilities(self, outputs: np.ndarray) -> np.ndarray:
        """Class probabilities (R, n, K) from outputs (R, n, out); K = 2 for bce."""
        if self.output == "bce":
            p = np.asarray(E.sigmoid(outputs[:, :, 0]))
            return np.stack([1.0 - p, p], axis=2)
        return np.asarray(E.softmax(outputs, axis=2))


def initial_weights(arch: Architecture, scheme: str, seed: int) -> np.ndarray:
    """The flat vector (d,) drawn by an initialisation scheme, layer by layer:
    xavier: W ~ U(±√(6 / (fan_in + fan_out))), b = 0 (Glorot and Bengio 2010);
    he: W ~ N(0, 2 / fan_in), b = 0 (He et al. 2015);
    torch: W and b ~ U(±1/√fan_in), nn.Linear's default;
    zeros: everything 0 (every hidden unit stays the same: the symmetry a random start breaks).
    """
    rng = np.random.default_rng(seed)
    parts = []
    for block in arch.blocks:
        fan_in = arch.blocks[arch.blocks.index(block) - (0 if block.is_weight else 1)].shape[1]
        fan_out = block.shape[0]
        if scheme == "zeros":
            part = np.zeros(block.size)
        elif scheme == "torch":
            bound = 1.0 / math.sqrt(fan_in)
            part = rng.uniform(-bound, bound, block.size)
        elif not block.is_weight:
            part = np.zeros(block.size)
        elif scheme == "xavier":
            bound = math.sqrt(6.0 / (fan_in + fan_out))
            part = rng.uniform(-bound, bound, block.size)
        else:
            part = rng.normal(0.0, math.sqrt(2.0 / fan_in), block.size)
        parts.append(part)
    return np.concatenate(parts)


def unflatten(arch: Architecture, vector: np.ndarray) -> dict[str, np.ndarray]:
    """Each named tensor of one flat vector (d,): {"layer1.weight": (out, in), ...}."""
    vector = np.asarray(vector, dtype=np.float64)
    return {b.name: vector[b.start : b.stop].reshape(b.shape) for b in arch.blocks}
