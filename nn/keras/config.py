"""Keras' `keras.config`: the global dtype policy (`set_dtype_policy("mixed_float16")`,
per thread as Keras keeps it; nn.layers.dtype_policy); floatx, epsilon, image_data_format
and the fit caps max_epochs / max_steps_per_epoch (process-wide as Keras';
nn.layers.keras_settings); interactive logging (per thread; nn.layers.keras_settings,
where fit's progress reads it) and flash attention (per thread; nn.keras.thread_settings);
the backend, NNX, traceback filtering and unsafe deserialization, which rungrad has one
way only (nn.keras.single_backend)."""
from ..layers.dtype_policy import global_policy as dtype_policy
from ..layers.dtype_policy import set_global_policy as set_dtype_policy
from ..layers.keras_settings import (
    disable_interactive_logging,
    enable_interactive_logging,
    epsilon,
    floatx,
    image_data_format,
    is_interactive_logging_enabled,
    max_epochs,
    max_steps_per_epoch,
    set_epsilon,
    set_floatx,
    set_image_data_format,
    set_max_epochs,
    set_max_steps_per_epoch,
)
from .single_backend import (
    backend,
    disable_traceback_filtering,
    enable_traceback_filtering,
    enable_unsafe_deserialization,
    is_nnx_enabled,
    is_traceback_filtering_enabled,
    set_backend,
)
from .thread_settings import (
    disable_flash_attention,
    enable_flash_attention,
    is_flash_attention_enabled,
)

__all__ = ["dtype_policy", "set_dtype_policy", "floatx", "set_floatx", "epsilon",
           "set_epsilon", "image_data_format", "set_image_data_format", "max_epochs",
           "set_max_epochs", "max_steps_per_epoch", "set_max_steps_per_epoch", "backend",
           "set_backend", "is_nnx_enabled", "enable_traceback_filtering",
           "disable_traceback_filtering", "is_traceback_filtering_enabled",
           "enable_unsafe_deserialization", "enable_interactive_logging",
           "disable_interactive_logging", "is_interactive_logging_enabled",
           "enable_flash_attention", "disable_flash_attention", "is_flash_attention_enabled"]
