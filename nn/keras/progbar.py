"""Keras' keras.utils.Progbar: a text progress bar driven by update() / add()."""
import math
import os
import sys
import time

import numpy as np

from ..layers.keras_settings import is_interactive_logging_enabled, print_msg

_BOLD, _GREEN, _GREY, _PLAIN = "\x1b[1m", "\33[32m", "\33[37m", "\x1b[0m"


class Progbar:
    """Keras' progress bar, printing Keras' text to stdout (its ANSI colours and '━' bar
    included; with interactive logging off, to the 'rungrad' logger, a record per line):
    `update(current, values)` at step `current` of `target` (None: unknown), `add(n,
    values)` n steps on. `values` is a list of (name, value): each shown as its
    average over the steps so far, weighted by the steps each update covers, except those
    in stateful_metrics, shown as given (or, with stateless_metrics, the reverse). verbose
    1 redraws one line (in place where the output allows it, Keras' rule) at most every
    `interval` seconds and at the end; 2 prints one line at the end; 0 nothing."""

    def __init__(self, target, width=20, verbose=1, interval=0.05, stateful_metrics=None,
                 stateless_metrics=None, unit_name="step"):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError("Progbar: give stateful_metrics or stateless_metrics, not both "
                             "(each names the exceptions to the other's rule)")
        if target is not None and (isinstance(target, bool) or not isinstance(
                target, (int, np.integer)) or target < 0):
            raise ValueError(f"Progbar: target must be a count of steps >= 0 or None, got "
                             f"{target!r}")
        self.target, self.width, self.verbose = target, width, verbose
        self.interval, self.unit_name = interval, unit_name
        self.stateful_metrics = (set(stateful_metrics or ()) if stateless_metrics is None
                                 else None)
        self.stateless_metrics = None if stateless_metrics is None else set(stateless_metrics)
        self._dynamic_display = _redraws_in_place()
        self._seen_so_far = 0
        self._values = {}  # name -> [weighted sum, weight], in first-seen order
        self._start = time.time()
        self._last_update = 0
        self._time_after_first_step = None
        self._prev_total_width = 0

    def update(self, current, values=None, finalize=None):
        """Show step `current` with `values`; finalize (default: current >= target) ends
        the line."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or ():
            self._record(name, value, current, finalize)
        self._seen_so_far = current
        now = time.time()
        per_unit = self._step_duration(current, now)
        if self.verbose == 1:
            if now - self._last_update < self.interval and not finalize:
                return
            self._write(self._line(current, now, per_unit, finalize))
        elif self.verbose == 2 and finalize and self.target:
            self._write(self._summary(current, now, per_unit))
        self._last_update = now

    def add(self, n, values=None):
        self.update(self._seen_so_far + n, values)

    def _averaged(self, name):
        if self.stateful_metrics is not None:
            return name not in self.stateful_metrics
        return name in self.stateless_metrics

    def _record(self, name, value, current, finalize):
        if not self._averaged(name) or finalize:
            self._values[name] = [value, 1]  # (the final value is the epoch's own)
            return
        steps = max(current - self._seen_so_far, 1)
        if name not in self._values:
            self._values[name] = [value * steps, steps]
        else:
            self._values[name][0] += value * steps
            self._values[name][1] += steps

    def _line(self, current, now, per_unit, finalize):
        """verbose=1's line, with what redraws it over the last one."""
        prefix = "\b" * self._prev_total_width + "\r" if self._dynamic_display else "\n"
        bar, hidden = self._bar(current)
        if self.target and not finalize:
            info = f" {_BOLD}{_eta(per_unit * (self.target - current))}{_PLAIN}"
        else:
            info = f" {_BOLD}{now - self._start:.0f}s{_PLAIN}"
        info += _format_time(per_unit, self.unit_name) + self._metrics(abs)
        width = len(bar) + len(info) - hidden - 8  # (8: the escapes around the time)
        padding = " " * max(self._prev_total_width - width, 0)
        self._prev_total_width = width
        return prefix + bar + info + padding + ("\n" if finalize else "")

    def _bar(self, current):
        """(the count and bar, how many of its characters are escapes)."""
        if not self.target:
            return "%7d/Unknown" % current, 0
        digits = int(math.log10(self.target)) + 1
        bar = f"{_BOLD}{current:{digits}d}/{self.target}{_PLAIN} "
        done = int(self.width * current / self.target)
        if done > 0:
            bar += f"{_GREEN}{'━' * done}{_PLAIN}"
        bar += f"{_GREY}{'━' * (self.width - done)}{_PLAIN}"
        return bar, 8 + 9 * (1 + (done > 0))

    def _summary(self, current, now, per_unit):
        digits = int(math.log10(self.target)) + 1
        return (f"{current:{digits}d}/{self.target} - {now - self._start:.0f}s -"
                f"{_format_time(per_unit, self.unit_name)}"
                f"{self._metrics(lambda v: v)}\n")  # (Keras' verbose=2 compares v itself)

    def _metrics(self, size):
        text = ""
        for name, (total, count) in self._values.items():
            average = (total if isinstance(total, float) else np.mean(total)) / max(1, count)
            text += f" - {name}: {average:.4f}" if size(average) > 1e-3 else \
                f" - {name}: {average:.4e}"
        return text

    def _step_duration(self, current, now):
        """Seconds per step, the first step left out once there are others (it is slow)."""
        if not current:
            return 0
        if self._time_after_first_step is not None and current > 1:
            per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_unit

    def _write(self, message):
        if not is_interactive_logging_enabled():
            # a log record is a line of its own: the redrawing and padding would be noise
            message = message.strip("\b\r\n ")
        print_msg(message, line_break=False)


def _redraws_in_place():
    """Keras' rule for a line redrawn in place (backspaces and a carriage return) rather
    than one line per update: a terminal, a notebook, PyCharm, or any POSIX system."""
    stdout = sys.stdout
    return bool((hasattr(stdout, "isatty") and stdout.isatty()) or "ipykernel" in sys.modules
                or "posix" in sys.modules or "PYCHARM_HOSTED" in os.environ)


def _eta(seconds):
    if seconds > 3600:
        return "%d:%02d:%02d" % (seconds // 3600, (seconds % 3600) // 60, seconds % 60)
    if seconds > 60:
        return "%d:%02d" % (seconds // 60, seconds % 60)
    return "%ds" % seconds


def _format_time(per_unit, unit_name):
    if per_unit >= 1 or per_unit == 0:
        return f" {per_unit:.0f}s/{unit_name}"
    if per_unit >= 1e-3:
        return f" {per_unit * 1000:.0f}ms/{unit_name}"
    return f" {per_unit * 1e6:.0f}us/{unit_name}"


__all__ = ["Progbar"]
