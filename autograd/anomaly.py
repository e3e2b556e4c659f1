"""Anomaly detection: the first op whose output or gradient holds NaN/Inf raises, naming
the op, its input shapes and the user's line that created it.

Costs nothing when off: `Function.__call__` and the engine look at `Config.detect_anomaly`
before calling in here. With `detect_anomaly(plot=path)` the graph up to the failing op is
also drawn, that op filled red and its non-finite inputs/outputs outlined in red.
"""
import linecache
import os
import sys
from contextvars import ContextVar

from .backend import array_of, get_array_module
from .config import Config, SwitchDecorator, _Switch, anomaly_mode, enter_switch, leave_switch

# Where detect_anomaly(plot=...) draws the failing op's graph, per thread as the mode itself.
plot_target = ContextVar("detect_anomaly_plot", default=None)

# Frames of these packages' modules are skipped when looking for the user's line: known by
# module name, so wherever the packages are installed (or copied) the answer is the same.
_FRAMEWORK_PACKAGES = frozenset({"autograd", "nn", "optim"})


def detect_anomaly(plot=None, check_nan=True):
    """Raise `FloatingPointError` at the first NaN/Inf in a forward output or a gradient.

    A context manager (`with detect_anomaly():`) or a decorator (`@detect_anomaly` or
    `@detect_anomaly()`). `plot="anomaly.svg"` (any suffix `plot_graph` takes) also
    draws the graph up to the failing op, with values, into that file when it raises, and
    the error names the file. Slow: every op inspects the call stack and scans its results.
    PyTorch's `check_nan` (also as the one positional bool): False checks nothing.
    """
    if callable(plot):  # @detect_anomaly without parentheses
        return _AnomalyMode(None)(plot)
    if isinstance(plot, bool):  # detect_anomaly(True): PyTorch's check_nan
        plot, check_nan = None, plot
    if not check_nan:
        return _NoChecks()
    if plot is not None:
        from .graph import format_of
        format_of(plot, "detect_anomaly")  # a bad suffix is told now, not at the failure
        plot = os.path.abspath(os.fspath(plot))  # the folder of the with-statement's time
    return _AnomalyMode(plot)


class _AnomalyMode(SwitchDecorator):
    """Turns anomaly mode on, with its plot target, for a with-block or a decorated call."""

    def __init__(self, plot):
        self.plot = plot

    def _recreate_cm(self):
        # A decorated function may run in several threads at once: one switch per call.
        return _AnomalyMode(self.plot)

    def __enter__(self):
        watch = anomaly_mode.get()
        if callable(watch):  # a capture records here: its ops would go unrecorded
            raise watch.refuse("detect_anomaly()")
        switches = (_Switch(anomaly_mode, True), _Switch(plot_target, self.plot))
        for switch in switches:
            switch.__enter__()
        enter_switch(self, switches)  # (per thread and task, as the switches' own values)
        return self

    def __exit__(self, *exc):
        entered_here, switches = leave_switch(self)
        for switch in reversed(switches if entered_here else ()):
            switch.__exit__(*exc)
        return False


class _NoChecks(_Switch):
    """detect_anomaly(check_nan=False): no checks in its block, even inside another
    detect_anomaly (PyTorch's); a capture recording there goes on recording."""

    def __init__(self):
        super().__init__(anomaly_mode, False)

    def _recreate_cm(self):
        return _NoChecks()

    def _value_now(self):
        watch = anomaly_mode.get()
        return watch if callable(watch) else False


def check_forward(func, inputs, outputs):
    """Record where the user called `func`; raise if an output holds NaN/Inf."""
    site = _user_site()
    func._anomaly_site = site
    if Config.in_backward:  # ops inside a backward pass are blamed on that op by check_backward
        return
    outputs = outputs if outputs.__class__ is tuple else (outputs,)
    # an op whose -inf is its meaning (an attention mask's: Function.masks_with_inf) is
    # checked for NaN only
    nan_only = func.masks_with_inf
    for i, y in enumerate(outputs):
        problem = _non_finite(y.data, nan_only)
        if problem:
            what = f"output {i}" if len(outputs) > 1 else "its output"
            problem = f"{what} holds {problem}{_carried_in(inputs, nan_only)}"
            raise FloatingPointError(_message(func, inputs, "forward", problem, site)
                                     + _plot(func, inputs, outputs, f"forward: {problem}"))


def check_backward(func, gxs):
    """Raise if a gradient `func.backward` returned holds NaN/Inf."""
    for i, gx in enumerate(gxs):
        if gx is None:
            continue
        problem = _non_finite(array_of(gx))
        if problem:
            problem = f"the gradient for input {i} holds {problem}"
            outputs = [y for y in (ref() for ref in func.outputs) if y is not None]
            raise FloatingPointError(
                _message(func, func.inputs, "backward", problem,
                         getattr(func, "_anomaly_site", None))
                + _plot(func, func.inputs, outputs, f"backward: {problem}", gxs))


def _carried_in(inputs, nan_only):
    """'; but input 0 'X' holds 1 NaN already (...)' where an input brought non-finite
    values in (the data, or an op run outside detect_anomaly): this op is then no culprit."""
    from .variable import own_name  # (late: this module loads before variable.py may)
    held = [f"input {k}{f' {own_name(x)!r}' if own_name(x) else ''} holds {problem}"
            for k, x in enumerate(inputs) if (problem := _non_finite(x.data, nan_only))]
    if not held:
        return ""
    return (f"; but {', '.join(held)} already (they came in with the data, or from an op "
            "run outside detect_anomaly(): check where that input was made)")


def _non_finite(array, nan_only=False):
    """'2 NaN and 1 Inf'-style summary, or '' when every entry is finite (not NaN, with
    nan_only)."""
    if array.dtype.kind not in "fc":
        return ""
    xp = get_array_module(array)
    if bool(xp.isfinite(array).all()):
        return ""
    nans = int(xp.isnan(array).sum())
    infs = 0 if nan_only else int(xp.isinf(array).sum())
    return " and ".join(f"{n} {kind}" for n, kind in ((nans, "NaN"), (infs, "Inf")) if n)


def _plot(func, inputs, outputs, problem, gxs=()):
    """Draw the graph up to `func` into the detect_anomaly(plot=) file, if one was given;
    returns the line for the error message that says where it went (or why it did not)."""
    path = plot_target.get()
    if path is None:
        return ""
    from .graph import Drawing, render_dot
    from .walk import functions_behind
    try:
        drawing = Drawing(verbose=True, values=True, who="detect_anomaly")
        drawing.mark(func, problem)
        _mark_non_finite(drawing, func, inputs, outputs, gxs)
        for y in outputs:  # in forward, the op's outputs are not linked yet: they end it
            drawing.variable(y, None if y.creator is func else "output")
        earlier = list(functions_behind(inputs))
        drawing.repeat_far_leaves(earlier)
        drawing.function(func, inputs, outputs)
        for before in earlier:
            drawing.function(before)
        render_dot(drawing.source(), path, who="detect_anomaly")
    except Exception as exc:  # noqa: BLE001  (the anomaly is still what is raised)
        return f"\n  the graph could not be drawn to {path}: {' '.join(str(exc).split())}"
    return f"\n  graph up to this op (in red) written to {path}"


def _mark_non_finite(drawing, func, inputs, outputs, gxs):
    """Outline in red the inputs and outputs holding NaN/Inf, and the inputs whose gradient
    (from `gxs`, in backward) does, with that gradient on their label."""
    from .array_text import array_text
    from .function import op_title
    for v in (*inputs, *outputs):
        problem = _non_finite(v.data)
        if problem:
            drawing.mark(v, f"holds {problem}")
    for x, gx in zip(inputs, gxs):
        if gx is not None and _non_finite(array_of(gx)):
            grad = array_of(gx)
            drawing.mark(x, f"grad from {op_title(func)}: {array_text(grad)}")


def _message(func, inputs, phase, problem, site):
    shapes = ", ".join(f"{tuple(x.shape)} {x.dtype}" for x in inputs) or "none"
    from .function import op_title
    return (f"detect_anomaly: {op_title(func)} {phase}: {problem}\n"
            f"  op inputs (shape dtype): {shapes}\n"
            f"  {_describe_site(site)}")


def _describe_site(site):
    if site is None:
        return ("created at an unknown line (run the forward pass under detect_anomaly() "
                "to record it)")
    filename, lineno, code = site
    return f"created at {filename}:{lineno}\n    {code}"


def _user_site():
    """(file, line, code) of the innermost caller outside autograd/nn/optim, or None."""
    frame = sys._getframe(2)
    while frame is not None:
        if not _in_framework(frame):
            filename = frame.f_code.co_filename
            return filename, frame.f_lineno, linecache.getline(filename, frame.f_lineno).strip()
        frame = frame.f_back
    return None


def _in_framework(frame):
    """Whether `frame` runs code of a module of autograd, nn or optim."""
    module = frame.f_globals.get("__name__") or ""
    return module.partition(".")[0] in _FRAMEWORK_PACKAGES


__all__ = ["detect_anomaly", "check_forward", "check_backward", "plot_target"]
