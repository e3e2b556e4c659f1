"""Keras' `keras.utils.clear_session`: back to a blank Keras state."""
import gc

from ..layers.dtype_policy import clear_global_policy
from .thread_settings import enable_flash_attention, enable_interactive_logging


def clear_session(free_memory=True):
    """Reset what Keras' global state holds and rungrad has: the global dtype policy (to
    floatx's), interactive logging (on) and flash attention (Keras' default, None), in this
    thread (Keras resets every thread's); with free_memory, collect garbage. rungrad numbers
    automatic layer names per model, not per session, so there is no counter to reset."""
    clear_global_policy()
    enable_interactive_logging()
    enable_flash_attention()
    if free_memory:
        gc.collect()


__all__ = ["clear_session"]
