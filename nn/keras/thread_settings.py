"""Keras' per-thread state (its global_state is a threading.local): flash attention, as
`keras.config` sets it, and `keras.backend.get_uid`'s counters. Interactive logging,
per thread too, lives in nn.layers.keras_settings, where nn.training's progress reads it.
Traceback filtering, which Keras keeps here too, rungrad does not do (see
traceback_filtering)."""
import collections
import threading


class _Switches(threading.local):
    def __init__(self):
        self.flash_attention = None  # (Keras': None, use it where available)
        self.uids = collections.Counter()


_SWITCHES = _Switches()


def enable_flash_attention():
    """Keras': use flash attention where the backend has it (its setting is then None,
    'where available'), in this thread. rungrad has no flash-attention kernel: attention
    is computed the standard way, whose values flash attention reproduces."""
    _SWITCHES.flash_attention = None


def disable_flash_attention():
    """Keras': never use flash attention, in this thread (what rungrad always does)."""
    _SWITCHES.flash_attention = False


def is_flash_attention_enabled():
    """The setting, as Keras returns it: None (where available, the default) or False."""
    return _SWITCHES.flash_attention


def get_uid(prefix=""):
    """Keras' keras.backend.get_uid: 1, 2, 3, ... at each call with the same `prefix`, in
    this thread, until clear_session. (rungrad's automatic layer names do not draw on it:
    they are numbered per model.)"""
    _SWITCHES.uids[prefix] += 1
    return _SWITCHES.uids[prefix]


def reset_uids():
    """Back to 1 for every prefix, in this thread (clear_session's doing)."""
    _SWITCHES.uids = collections.Counter()


__all__ = ["enable_flash_attention", "disable_flash_attention", "is_flash_attention_enabled",
           "get_uid", "reset_uids"]
