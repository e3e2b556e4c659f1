"""Dropout layer."""
from autograd.config import Config

from ..functional.dropout import dropout
from ..module import Module


class Dropout(Module):
    """Inverted dropout with probability `p`; active only in training mode (the module's
    `.training`, and autograd's `Config.train`, off under `test_mode()`)."""

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
            raise ValueError(f"Dropout: p must be a probability in [0, 1], got {p!r}")
        self.p, self.inplace = p, inplace

    def forward(self, x):
        return dropout(x, self.p, training=self.training and Config.train)

    def extra_repr(self):
        return f"p={self.p}"


__all__ = ["Dropout"]
