"""Keras' `keras.dtype_policies`: the DTypePolicy a layer's dtype= names ("float64",
"mixed_float16"), also `keras.DTypePolicy` (nn.layers.dtype_policy)."""
from ..layers.dtype_policy import DTypePolicy

__all__ = ["DTypePolicy"]
