"""Python operators and methods on Tensor, each delegating to the engine op of the same meaning."""

from __future__ import annotations

from typing import Any

from app.engine import elementwise as ew
from app.engine import reductions as red
from app.engine import shape as sh
from app.engine.tensor import Tensor


def _reflected(op: Any) -> Any:
    def reflected(self: Tensor, other: Any) -> Any:
        return op(other, self)

    return reflected


def _reshape_method(self: Tensor, *shape: Any) -> Any:
    return sh.reshape(self, *shape)


Tensor.__add__ = ew.add
Tensor.__radd__ = ew.add.reflected
Tensor.__sub__ = ew.subtract
Tensor.__rsub__ = ew.subtract.reflected
Tensor.__mul__ = ew.multiply
Tensor.__rmul__ = ew.multiply.reflected
Tensor.__truediv__ = ew.divide
Tensor.__rtruediv__ = ew.divide.reflected
Tensor.__pow__ = ew.power
Tensor.__rpow__ = _reflected(ew.power)
Tensor.__matmul__ = sh.matmul
Tensor.__rmatmul__ = _reflected(sh.matmul)
Tensor.__neg__ = ew.negative
Tensor.__pos__ = lambda self: self
Tensor.__abs__ = ew.abs
Tensor.__getitem__ = sh.getitem
Tensor.sum = red.sum
Tensor.mean = red.mean
Tensor.max = red.max
Tensor.reshape = _reshape_method
Tensor.T = property(lambda self: sh.transpose(self))
