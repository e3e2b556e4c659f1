"""Keras' `keras.utils.clear_session`: back to a blank Keras state."""
import gc

from ..layers.dtype_policy import clear_global_policy
from ..layers.keras_settings import enable_interactive_logging
from .thread_settings import enable_flash_attention, reset_uids


def clear_session(free_memory=True):
    """Reset what Keras' global state holds and rungrad has: the global dtype policy (to
    floatx's), interactive logging (on), flash attention (Keras' default, None) and
    keras.backend.get_uid's counters, in this thread (Keras resets every thread's); with
    free_memory, collect garbage. rungrad numbers automatic layer names per model, not per
    session, so they keep theirs."""
    clear_global_policy()
    enable_interactive_logging()
    enable_flash_attention()
    reset_uids()
    if free_memory:
        gc.collect()


__all__ = ["clear_session"]
