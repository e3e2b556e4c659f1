"""Flatten layer: merge axes start_dim..end_dim (the batch axis is kept by default)."""
import math

from autograd.ops import reshape

from ..module import Module
from .config import init_config


class Flatten(Module):
    """(N, d1, d2, ...) -> (N, d1 * d2 * ...) with the defaults start_dim=1, end_dim=-1."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

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


__all__ = ["Flatten"]
