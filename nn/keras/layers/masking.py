"""Keras' Masking layer: the steps whose features all equal mask_value are padding."""
from autograd import ops
from autograd.variable import as_variable

from ...layers.config import init_config
from ...module import Module
from ._base import KerasLayer


class Masking(Module, KerasLayer):
    """(N, T, F) -> the same with the padding steps zeroed, and Keras' mask (N, T) for the
    layers after it (nn.training.masking): a step is padding where every feature equals
    mask_value (a NaN feature is never equal)."""

    makes_masks = supports_masking = True

    def __init__(self, mask_value=0.0, *, name=None, input_shape=None):
        super().__init__()
        self.mask_value = float(mask_value)
        self._keras_arguments(name, input_shape)

    def forward(self, inputs):
        x = as_variable(inputs)
        keep = self.compute_mask(x)
        return ops.where(keep.reshape(tuple(keep.shape) + (1,)), x, 0.0)

    def compute_mask(self, inputs, mask=None):
        """True where some feature differs from mask_value: sum |x - mask_value| > 0."""
        x = as_variable(inputs)
        return ops.astype(ops.sum(ops.abs(x - self.mask_value), axis=-1), bool)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"mask_value={self.mask_value}"


__all__ = ["Masking"]
