"""PyTorch's double(), float() and half(): `self.to` the dtype, for modules and packed
sequences alike."""
import numpy as np


class DtypeCasts:
    """Mixin of a class with PyTorch's `to(dtype)`: its floating data as float64, float32 or
    float16 by the names PyTorch gives those casts."""

    def double(self):
        """As float64 (PyTorch's double())."""
        return self.to(np.float64)

    def float(self):  # noqa: A003 (PyTorch's name)
        """As float32 (PyTorch's float())."""
        return self.to(np.float32)

    def half(self):
        """As float16 (PyTorch's half())."""
        return self.to(np.float16)
