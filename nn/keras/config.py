"""Keras' `keras.config` settings that rungrad has: the global dtype policy
(`set_dtype_policy("mixed_float16")`, `dtype_policy()`; nn.layers.dtype_policy), per thread
as Keras keeps it."""
from ..layers.dtype_policy import global_policy as dtype_policy
from ..layers.dtype_policy import set_global_policy as set_dtype_policy

__all__ = ["dtype_policy", "set_dtype_policy"]
