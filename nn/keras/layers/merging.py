"""Keras' merge layers, called on a list of tensors (the functional API's branches):
Add, Subtract, Multiply, Average, Maximum, Minimum of inputs of one shape (sizes of 1
broadcasting, and an input of lower rank given axes of 1 after the batch axis, as Keras'),
Concatenate(axis=-1) of inputs that differ on that axis only, and Dot(axes) of two: each
sample's dot product along the given axes (cosine similarity with normalize=True).

Masks (nn.training.masking), as Keras merges them: Add, Subtract, Multiply and Average give
the union of their inputs' masks (a step is real where it is real in any input), None
unless all have one; Concatenate the same along the features, or joins the masks along
the axis of steps. Maximum and Minimum give the union too, and read their inputs' masks
as Keras does: a masked entry never wins, the others' value standing in for it."""
from functools import reduce

import numpy as np

from autograd.ops import (
    astype,
    concatenate,
    matmul,
    maximum,
    minimum,
    reshape,
    transpose,
    where,
)
from autograd.variable import as_variable

from ... import functional as F
from ...module import Module
from ._base import KerasLayer, floating, scalar_like


class _Merge(Module, KerasLayer):
    """A merge of a list of at least `least` tensors (exactly `least` when `exact`)."""

    least, exact = 2, False
    ranks_broadcast = True  # (Keras' Merge; not Concatenate's or Dot's)

    def __init__(self, name=None):
        super().__init__()
        self._set_name(name)

    def forward(self, inputs):
        return self._merge(self._inputs(inputs))

    def _inputs(self, inputs):
        """The inputs as Variables, their number and shapes checked."""
        if not isinstance(inputs, (list, tuple)) or len(inputs) < self.least or (
                self.exact and len(inputs) != self.least):
            many = f"exactly {self.least}" if self.exact else f"at least {self.least}"
            raise ValueError(f"{self.who}: takes a list of {many} tensors, got "
                             f"{len(inputs) if isinstance(inputs, (list, tuple)) else inputs!r}")
        xs = [as_variable(x, who=type(self).__name__) for x in inputs]
        if self.ranks_broadcast:
            xs = _same_rank(xs)
        self._check([tuple(x.shape) for x in xs])
        return xs

    def _check(self, shapes):
        """One shape, but for sizes of 1 that broadcast (Keras': a gate (N, 1) times x)."""
        if len({len(s) for s in shapes}) > 1 or any(
                len({n for n in sizes if n != 1}) > 1 for sizes in zip(*shapes)):
            raise ValueError(f"{self.who}: the inputs must have one shape (or sizes of 1 "
                             f"that broadcast), got samples of shapes {_samples(shapes)}")

    def compute_mask(self, inputs, mask=None):
        """The union of the inputs' masks, None unless all have one."""
        if not isinstance(mask, (list, tuple)) or any(m is None for m in mask):
            return None
        return reduce(lambda a, b: where(a, a, b), mask)  # (a or b, as an op)

    def _masks(self, xs, mask):
        """Keras' masks of the inputs (a list of one (N, T) mask or None per input) as
        booleans broadcasting over each input; None for each without one."""
        if mask is not None and not isinstance(mask, (list, tuple)):
            raise ValueError(f"{self.who}: mask must be a list of one mask (or None) per "
                             f"input, as Keras', got {type(mask).__name__}")
        masks = [None] * len(xs) if mask is None else mask
        if len(masks) != len(xs):
            raise ValueError(f"{self.who}: {len(masks)} masks given for {len(xs)} inputs")
        return [self._expanded(m, x) for m, x in zip(masks, xs)]

    def _expanded(self, mask, x):
        """A step mask (N, T) as booleans broadcasting over x (N, T, ...); None as None."""
        if mask is None:
            return None
        mask = as_variable(mask, who=f"{self.who}: the mask")
        if tuple(mask.shape) != tuple(x.shape[:mask.ndim]) or mask.ndim == 0:
            raise ValueError(f"{self.who}: a mask of shape {tuple(mask.shape)} does not fit "
                             f"an input of shape {tuple(x.shape)} (expected its leading "
                             "axes, e.g. (batch, steps))")
        mask = mask if mask.dtype == bool else astype(mask, bool)
        return reshape(mask, tuple(mask.shape) + (1,) * (x.ndim - mask.ndim))

    def get_config(self):
        return {"name": self.name}


class Add(_Merge):
    def _merge(self, xs):
        return reduce(lambda a, b: a + b, xs)


class Subtract(_Merge):
    exact = True

    def _merge(self, xs):
        return xs[0] - xs[1]


class Multiply(_Merge):
    """The product of the inputs. With masks, as Keras': an input's masked entries count
    as 1 (the others' product passes), and a step masked in every input is 0."""

    def forward(self, inputs, mask=None):
        xs = self._inputs(inputs)
        masks = self._masks(xs, mask)
        if all(m is None for m in masks):
            return self._merge(xs)
        one = scalar_like(1.0, xs[0].dtype, xs[0])
        product = self._merge([x if m is None else where(m, x, one) for x, m in zip(xs, masks)])
        real = self.compute_mask(xs, masks)  # (None: an input without a mask is all real)
        if real is None:
            return product
        return where(real, product, scalar_like(0.0, product.dtype, product))

    def _merge(self, xs):
        return reduce(lambda a, b: a * b, xs)


class Average(_Merge):
    """The mean of the inputs; of integer ones in float32, as Keras' (not float64)."""

    def _merge(self, xs):
        total = reduce(lambda a, b: a + b, xs)
        return floating(total) * (1.0 / len(xs))


class _Extremum(_Merge):
    """The elementwise extremum (`pick`: maximum or minimum) of the inputs. With masks (one
    per input, (N, T) for inputs (N, T, ...), or None), as Keras: an input's masked entries
    take the value merged so far, and the value so far takes the input's where the mask so
    far is False, so padding never wins where another input is real."""

    pick = None

    def forward(self, inputs, mask=None):
        xs = self._inputs(inputs)
        masks = self._masks(xs, mask)
        output, so_far = xs[0], masks[0]
        for x, m in zip(xs[1:], masks[1:]):
            if m is not None:
                x = where(m, x, output)
            if so_far is not None:
                output = where(so_far, output, x)
            so_far = None if m is None or so_far is None else where(so_far, so_far, m)
            output = self.pick(output, x)
        return output


class Maximum(_Extremum):
    pick = staticmethod(maximum)


class Minimum(_Extremum):
    pick = staticmethod(minimum)


class Concatenate(_Merge):
    """Keras' Concatenate(axis=-1): `axis` counts the batch axis (1 is a sample's first)."""

    ranks_broadcast = False

    def __init__(self, axis=-1, name=None):
        super().__init__(name=name)
        if not isinstance(axis, int) or isinstance(axis, bool):
            raise TypeError(f"{self.who}: axis must be an int, got {axis!r}")
        self.axis = axis

    def _check(self, shapes):
        ndim = len(shapes[0])
        axis = self.axis + ndim if self.axis < 0 else self.axis
        if any(len(s) != ndim for s in shapes) or not 0 <= axis < ndim or len(
                {s[:axis] + s[axis + 1:] for s in shapes}) > 1:
            raise ValueError(f"{self.who}: the inputs must have one shape except on the axis "
                             f"{self.axis} (a batch axis first), got samples of shapes "
                             f"{_samples(shapes)}")

    def _merge(self, xs):
        return concatenate(xs, axis=self.axis)

    def compute_mask(self, inputs, mask=None):
        """Along the features (the last axis): the union of the masks; along the steps
        (a (N, T) mask's axis): the masks joined, an input without one counting as all
        real (Keras' ones_like)."""
        ndim = len(inputs[0].shape)
        axis = self.axis + ndim if self.axis < 0 else self.axis
        if axis == ndim - 1:
            return super().compute_mask(inputs, mask)
        if not isinstance(mask, (list, tuple)) or all(m is None for m in mask):
            return None
        like = next(m for m in mask if m is not None)
        joined = [m if m is not None else astype(as_variable(
            np.ones(tuple(x.shape[:like.ndim]), bool)), like.dtype)
            for m, x in zip(mask, inputs)]
        return concatenate(joined, axis=axis)

    def get_config(self):
        return {"axis": self.axis, "name": self.name}


class Dot(_Merge):
    """Keras' Dot(axes, normalize=False): each sample's products of x1 and x2 summed along
    axes (an int for both, or one per input; the batch axis is 0 and is never summed):
    (N, D) and (N, D) -> (N, 1), (N, T, D) and (N, S, D) with axes=2 -> (N, T, S) (Keras'
    batch_dot: x1's other axes, then x2's). normalize: each input first divided by its
    2-norm along its axis (the cosine similarity)."""

    exact, ranks_broadcast = True, False

    def __init__(self, axes, normalize=False, name=None):
        super().__init__(name=name)
        pair = axes if isinstance(axes, (tuple, list)) else (axes, axes)
        if len(pair) != 2 or not all(isinstance(a, int) and not isinstance(a, bool)
                                     for a in pair):
            raise TypeError(f"{self.who}: axes must be an int or a pair of ints, got {axes!r}")
        self.axes, self.normalize, self._pair = axes, bool(normalize), pair

    def _positions(self, shapes):
        return [a + len(s) if a < 0 else a for a, s in zip(self._pair, shapes)]

    def _check(self, shapes):
        axes = self._positions(shapes)
        if any(not 0 < a < len(s) for a, s in zip(axes, shapes)) or \
                shapes[0][axes[0]] != shapes[1][axes[1]] or shapes[0][0] != shapes[1][0]:
            raise ValueError(f"{self.who}: axes {self.axes} must name an axis after the batch "
                             f"axis of each input, of one size, in inputs of one batch; got "
                             f"shapes {shapes[0]} and {shapes[1]}")

    def _merge(self, xs):
        (a, b), (x, y) = self._positions([x.shape for x in xs]), xs
        if self.normalize:  # (Keras' normalize: its epsilon the backend's, 1e-7)
            x, y = F.normalize(x, 2, a, 1e-7), F.normalize(y, 2, b, 1e-7)
        x = transpose(x, [i for i in range(x.ndim) if i != a] + [a])  # (N, ..., K)
        y = transpose(y, [0, b] + [i for i in range(1, y.ndim) if i != b])  # (N, K, ...)
        batch, size = x.shape[0], x.shape[-1]
        products = matmul(reshape(x, (batch, -1, size)), reshape(y, (batch, size, -1)))
        shape = (batch,) + tuple(x.shape[1:-1]) + tuple(y.shape[2:])
        return reshape(products, shape if len(shape) > 1 else (batch, 1))

    def compute_mask(self, inputs, mask=None):
        return None  # (Keras' Dot drops masks)

    def get_config(self):
        return {"axes": self.axes, "normalize": self.normalize, "name": self.name}


def _same_rank(xs):
    """Inputs of lower rank given axes of 1 after the batch's until all have the highest
    rank, as Keras' Merge does: a gate (N, D) meets (N, T, D) as (N, 1, D)."""
    rank = max(x.ndim for x in xs)
    return [x if x.ndim in (0, rank) else
            reshape(x, tuple(x.shape[:1]) + (1,) * (rank - x.ndim) + tuple(x.shape[1:]))
            for x in xs]


def _samples(shapes):
    """The shapes with the batch axis as None, as Keras shows them."""
    return ", ".join(str((None,) + s[1:]) for s in shapes)


__all__ = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate",
           "Dot"]
