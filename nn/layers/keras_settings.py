"""Keras' backend settings (`keras.config.floatx`, `epsilon`, `image_data_format`,
`max_epochs`, `max_steps_per_epoch` and their setters): process-wide, as Keras keeps them
(module globals in keras/src/backend/config.py, unlike its per-thread dtype policy); and
Keras' interactive-logging switch, per thread as Keras' global_state keeps it.

They live here, below nn.keras and nn.training, because the readers are there and in
nn.layers: the default dtype policy (floatx), the Keras losses' clipping (epsilon), fit's
epoch count and the steps of fit / evaluate / predict (the caps), the progress output
(interactive logging).
"""
import numbers
import sys
import threading

from autograd.user_warnings import user_warning


class _Settings:
    floatx = "float32"
    epsilon = 1e-7
    image_data_format = "channels_last"
    max_epochs = None
    max_steps_per_epoch = None


_FLOATS = ("float16", "float32", "float64")  # (Keras' bfloat16: NumPy has none)


def floatx():
    """The default float dtype of the Keras layers' weights and computations ('float32')."""
    return _Settings.floatx


def set_floatx(value):
    """Keras' set_floatx: the dtype of the Keras layers made from now on without dtype=
    (while no dtype policy is set: Keras' default policy is floatx's)."""
    if value == "bfloat16":
        raise ValueError("set_floatx: 'bfloat16' is Keras' but not rungrad's (NumPy has no "
                         f"bfloat16); expected one of {_FLOATS}")
    if value not in _FLOATS:
        raise ValueError(f"Unknown `floatx` value: {value!r}. Expected one of {_FLOATS}")
    _Settings.floatx = str(value)


def epsilon():
    """The fuzz factor Keras' losses clip probabilities with (1e-07)."""
    return _Settings.epsilon


def set_epsilon(value):
    """Keras' set_epsilon: the fuzz factor the Keras losses read at each call."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
        raise ValueError(f"set_epsilon: expected a number >= 0, got {value!r}")
    _Settings.epsilon = float(value)


def image_data_format():
    """Keras' default image layout, 'channels_last'."""
    return _Settings.image_data_format


def set_image_data_format(data_format):
    """Keras' set_image_data_format: the layout the Keras layers and keras.ops.image take
    for data_format=None ('channels_last' or 'channels_first'), when they are made."""
    name = str(data_format).lower()
    if name not in ("channels_first", "channels_last"):
        raise ValueError("The `data_format` argument must be one of {'channels_first', "
                         f"'channels_last'}}. Received: data_format={data_format!r}")
    _Settings.image_data_format = name


def max_epochs():
    """The cap on fit's epochs (None: none)."""
    return _Settings.max_epochs


def set_max_epochs(max_epochs):
    """Keras' debugging cap: every later fit runs at most this many epochs (None: no cap)."""
    _Settings.max_epochs = _cap(max_epochs, "set_max_epochs")


def max_steps_per_epoch():
    """The cap on the steps of one epoch of fit, evaluate and predict (None: none)."""
    return _Settings.max_steps_per_epoch


def set_max_steps_per_epoch(max_steps_per_epoch):
    """Keras' debugging cap: each epoch of fit, and each evaluate and predict, runs at most
    this many batches (None: no cap)."""
    _Settings.max_steps_per_epoch = _cap(max_steps_per_epoch, "set_max_steps_per_epoch")


def _cap(value, who):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{who}: expected a positive integer or None, got {value!r}")
    return int(value)


def capped_epochs(epochs):
    """fit's epochs under max_epochs, with Keras' warning where it cuts them."""
    cap = _Settings.max_epochs
    if cap is not None and cap < epochs:
        user_warning(f"Limiting epochs to {cap}")
        return cap
    return epochs


def capped_steps(steps):
    """A pass's steps (None: all the batches) under max_steps_per_epoch, with Keras'
    warning where it cuts them."""
    cap = _Settings.max_steps_per_epoch
    if cap is not None and (steps is None or cap < steps):
        user_warning(f"Limiting steps_per_epoch to {cap}")
        return cap
    return steps


class _Thread(threading.local):
    interactive_logging = True


_THREAD = _Thread()
LOGGER_NAME = "rungrad"  # (Keras logs to absl's root logger)


def enable_interactive_logging():
    """Keras': progress and messages written to stdout (the default), in this thread."""
    _THREAD.interactive_logging = True


def disable_interactive_logging():
    """Keras': progress and messages sent to `logging` (the 'rungrad' logger, at INFO)
    instead of stdout, in this thread: for jobs whose output nobody watches live. The
    records show where logging is set up to show INFO (logging.basicConfig(level=INFO))."""
    _THREAD.interactive_logging = False


def is_interactive_logging_enabled():
    """Whether interactive logging is on in this thread (True by default, as Keras)."""
    return _THREAD.interactive_logging


def print_msg(message, line_break=True):
    """Keras' io_utils.print_msg: `message` to stdout, or, with interactive logging off,
    to the 'rungrad' logger at INFO (one record per message, with no line break: the
    logging handler adds its own)."""
    if not _THREAD.interactive_logging:
        import logging  # (here: `import nn` need not load it)
        logging.getLogger(LOGGER_NAME).info("%s", message)
        return
    sys.stdout.write(f"{message}\n" if line_break else message)
    sys.stdout.flush()


__all__ = ["floatx", "set_floatx", "epsilon", "set_epsilon", "image_data_format",
           "set_image_data_format", "max_epochs", "set_max_epochs", "max_steps_per_epoch",
           "set_max_steps_per_epoch", "capped_epochs", "capped_steps",
           "enable_interactive_logging", "disable_interactive_logging",
           "is_interactive_logging_enabled", "print_msg"]
