"""Progress of Model.fit: a tqdm bar per epoch (verbose=1), one line per epoch
(verbose=2, and verbose=1 when stdout is not a terminal or tqdm is missing), or nothing.
The bar lasts as long as its epoch; the epoch's line replaces it, whole (tqdm would cut
the logs at the terminal's width, the validation metrics first).

Lines are plain text, with no carriage returns or terminal escapes, so CI logs and
files stay clean; tqdm is imported only when a bar is drawn. With Keras' interactive
logging off (keras.config.disable_interactive_logging, per thread), no bar is drawn and
each epoch's line goes to the 'rungrad' logger at INFO instead of stdout.
"""
import os
import sys
import time

import numpy as np

from ..layers.keras_settings import is_interactive_logging_enabled, print_msg
from .callbacks.base import BatchesRun, Callback

# Keras' layout: a short fixed bar, so the logs (tqdm's postfix) keep the line's width.
_BAR_FORMAT = "{desc} {n_fmt}/{total_fmt} |{bar:20}| {elapsed}{postfix}"


def format_logs(logs):
    """'loss: 0.1234 - accuracy: 0.9500 - ...' (Keras' layout)."""
    return " - ".join(f"{key}: {_number(value)}" for key, value in logs.items())


def _number(value):
    value = float(np.mean(value))  # (an array-valued metric: its mean, as Keras' Progbar)
    return f"{value:.4e}" if value != 0 and abs(value) < 1e-3 else f"{value:.4f}"


def progress_callback(verbose, callbacks=()):
    """The progress callback for fit's `verbose` (0, 1, 2 or 'auto'), or None for 0: a
    ProgbarLogger among `callbacks` where the user gave one (Keras' rule: it then prints,
    as `verbose` says), else a new one."""
    if verbose == "auto":
        verbose = 1
    if isinstance(verbose, bool) or verbose not in (0, 1, 2):
        raise ValueError(f"fit: verbose must be 0 (silent), 1 (progress bar), 2 (one line "
                         f"per epoch) or 'auto', got {verbose!r}")
    from .callbacks.progbar_logger import ProgbarLogger  # (it builds on ProgressLogger)
    given = next((c for c in callbacks if isinstance(c, ProgbarLogger)), None)
    if given is not None:
        return given
    return None if verbose == 0 else ProgbarLogger()


class ProgressLogger(Callback):
    """Shows the running loss and metrics during each epoch and the epoch's logs after it."""

    def __init__(self, bar=True):
        self.bar_wanted = bar
        self._tqdm = None
        self._bar = None
        self._shown = {}
        self._start = 0.0
        self._run = BatchesRun()

    def on_train_begin(self, logs=None):
        drawn = self.bar_wanted and is_interactive_logging_enabled() and _is_terminal(sys.stdout)
        self._tqdm = _load_tqdm() if drawn else None

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()
        self._shown = {}
        self._run.start()
        if self._tqdm is not None:
            self._bar = self._tqdm(total=self.params["steps"], desc=self._title(epoch),
                                   file=sys.stdout, leave=False, bar_format=_BAR_FORMAT,
                                   **_bar_size(sys.stdout))

    def on_train_batch_end(self, batch, logs=None):
        if self._bar is not None:
            self._shown.update(logs or {})
            self._bar.set_postfix_str(format_logs(self._shown), refresh=False)
            self._bar.update(self._run.since_last(batch))  # (a steps_per_execution group's)

    def on_epoch_end(self, epoch, logs=None):
        if self._bar is not None:  # (erased: the line below says it all, unwrapped)
            self._bar.close()
            self._bar = None
        seconds = time.perf_counter() - self._start
        took = f"{seconds:.1f}s" if seconds >= 1 else f"{seconds * 1000:.0f}ms"
        print_msg(f"{self._title(epoch)} - {took} - {format_logs(logs or {})}")

    def on_train_end(self, logs=None):
        if self._bar is not None:  # stopped inside an epoch
            self._bar.close()
            self._bar = None

    def _title(self, epoch):
        return f"Epoch {epoch + 1}/{self.params['epochs']}"


def _is_terminal(stream):
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _bar_size(stream):
    """tqdm's size arguments: follow the terminal when it reports a size; otherwise a fixed
    large width (no truncation) and 24 rows, because tqdm assumes -1 rows on a terminal that
    reports none (some pseudo-terminals) and then draws nothing at all."""
    try:
        columns, rows = os.get_terminal_size(stream.fileno())
    except (OSError, ValueError, AttributeError):
        columns = rows = 0
    if columns > 0 and rows > 0:
        return {"dynamic_ncols": True}
    return {"ncols": 1000, "nrows": 24}


def _load_tqdm():
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm


__all__ = ["ProgressLogger", "progress_callback", "format_logs"]
