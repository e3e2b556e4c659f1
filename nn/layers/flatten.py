"""Flatten layer: merge axes start_dim..end_dim (the batch axis is kept by default)."""
import math

from autograd.ops import reshape

from ..module import Module
from .config import init_config
from .keras_name import KerasNamed


class Flatten(Module, KerasNamed):
    """(N, d1, d2, ...) -> (N, d1 * d2 * ...) with the defaults start_dim=1, end_dim=-1;
    Keras' `name=` names the layer in its Sequential."""

    def __init__(self, start_dim=1, end_dim=-1, *, name=None):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim
        self._set_name(name)

    def forward(self, x):
        shape = tuple(x.shape)
        ndim = max(len(shape), 1)
        start, end = self.start_dim % ndim, self.end_dim % ndim
        if not (-ndim <= self.start_dim < ndim and -ndim <= self.end_dim < ndim) or start > end:
            raise ValueError(f"Flatten: start_dim={self.start_dim}, end_dim={self.end_dim} do "
                             f"not fit an input of shape {shape}")
        merged = shape[:start] + (math.prod(shape[start:end + 1]),) + shape[end + 1:]
        return reshape(x, merged)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Axis `dim` of size d1 * d2 * ... -> axes (d1, d2, ...) (`unflattened_size`; one entry
    may be -1); Flatten's inverse."""

    def __init__(self, dim, unflattened_size):
        super().__init__()
        if not isinstance(unflattened_size, (tuple, list)) or not all(
                isinstance(n, int) and (n > 0 or n == -1) for n in unflattened_size):
            raise TypeError(f"Unflatten: unflattened_size must be a tuple of sizes (one may be "
                            f"-1), got {unflattened_size!r}")
        self.dim, self.unflattened_size = dim, tuple(unflattened_size)

    def forward(self, x):
        shape = tuple(x.shape)
        if not -len(shape) <= self.dim < len(shape):
            raise ValueError(f"Unflatten: dim={self.dim} does not fit an input of shape "
                             f"{shape}")
        dim = self.dim % len(shape)
        sizes = self.unflattened_size
        known = math.prod(s for s in sizes if s != -1)
        if sizes.count(-1) > 1 or (-1 not in sizes and known != shape[dim]) or (
                -1 in sizes and (known == 0 or shape[dim] % known)):
            raise ValueError(f"Unflatten: axis {dim} of size {shape[dim]} cannot become "
                             f"{sizes}")
        sizes = tuple(shape[dim] // known if s == -1 else s for s in sizes)
        return reshape(x, shape[:dim] + sizes + shape[dim + 1:])

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


__all__ = ["Flatten", "Unflatten"]
