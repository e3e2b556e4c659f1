"""Keras' `keras.mixed_precision`: the global dtype policy (`set_global_policy("mixed_float16")`:
the Keras layers made afterwards in this thread, without dtype=, compute in float16 with
float32 weights; nn.layers.dtype_policy) and the LossScaleOptimizer that compile wraps a
mixed_float16 model's optimizer in."""
from ..layers.dtype_policy import DTypePolicy, global_policy, set_global_policy
from .optimizers.loss_scale import LossScaleOptimizer

Policy = DTypePolicy  # (Keras 2's name, which Keras 3 keeps)
set_dtype_policy = set_global_policy  # (Keras 3's names for the same two)
dtype_policy = global_policy

__all__ = ["DTypePolicy", "Policy", "LossScaleOptimizer", "global_policy", "set_global_policy",
           "dtype_policy", "set_dtype_policy"]
