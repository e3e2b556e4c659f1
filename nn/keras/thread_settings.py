"""Keras' per-thread switches (its global_state is a threading.local): interactive
logging and flash attention, as `keras.config` and `keras.utils` set them. Traceback
filtering, which Keras keeps here too, rungrad does not do (see traceback_filtering)."""
import threading
import warnings


class _Switches(threading.local):
    def __init__(self):
        self.interactive_logging = True
        self.flash_attention = None  # (Keras': None, use it where available)


_SWITCHES = _Switches()


def enable_interactive_logging():
    """Keras': progress and messages written to stdout (the default), in this thread."""
    _SWITCHES.interactive_logging = True


def disable_interactive_logging():
    """Keras' switch to write progress through `logging` instead of stdout, in this
    thread. rungrad's fit progress does not read it yet, hence a warning: pass verbose=0
    (or 2, one line per epoch) to fit instead."""
    _SWITCHES.interactive_logging = False
    warnings.warn("disable_interactive_logging: rungrad's fit / evaluate progress still "
                  "prints to stdout; pass verbose=0 or verbose=2 to quiet it", stacklevel=2)


def is_interactive_logging_enabled():
    """Whether interactive logging is on in this thread (True by default, as Keras)."""
    return _SWITCHES.interactive_logging


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


__all__ = ["enable_interactive_logging", "disable_interactive_logging",
           "is_interactive_logging_enabled", "enable_flash_attention",
           "disable_flash_attention", "is_flash_attention_enabled"]
