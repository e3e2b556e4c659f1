"""Anomaly detection: the first op whose output or gradient holds NaN/Inf raises, naming
the op, its input shapes and the user's line that created it.

Costs nothing when off: `Function.__call__` and the engine look at `Config.detect_anomaly`
before calling in here.
"""
import linecache
import sys

from .backend import get_array_module
from .config import Config, _Switch, anomaly_mode

# Frames of these packages' modules are skipped when looking for the user's line: known by
# module name, so wherever the packages are installed (or copied) the answer is the same.
_FRAMEWORK_PACKAGES = frozenset({"autograd", "nn", "optim"})


def detect_anomaly(func=None):
    """Raise `FloatingPointError` at the first NaN/Inf in a forward output or a gradient.

    A context manager (`with detect_anomaly():`) or a decorator (`@detect_anomaly` or
    `@detect_anomaly()`). Slow: every op inspects the call stack and scans its results.
    """
    switch = _Switch(anomaly_mode, True)
    return switch(func) if callable(func) else switch


def check_forward(func, inputs, outputs):
    """Record where the user called `func`; raise if an output holds NaN/Inf."""
    site = _user_site()
    func._anomaly_site = site
    if Config.in_backward:  # ops inside a backward pass are blamed on that op by check_backward
        return
    outputs = outputs if outputs.__class__ is tuple else (outputs,)
    for i, y in enumerate(outputs):
        problem = _non_finite(y.data)
        if problem:
            what = f"output {i}" if len(outputs) > 1 else "its output"
            raise FloatingPointError(
                _message(func, inputs, "forward", f"{what} holds {problem}", site))


def check_backward(func, gxs):
    """Raise if a gradient `func.backward` returned holds NaN/Inf."""
    for i, gx in enumerate(gxs):
        if gx is None:
            continue
        problem = _non_finite(getattr(gx, "data", gx))
        if problem:
            raise FloatingPointError(_message(func, func.inputs, "backward",
                                              f"the gradient for input {i} holds {problem}",
                                              getattr(func, "_anomaly_site", None)))


def _non_finite(array):
    """'2 NaN and 1 Inf'-style summary, or '' when every entry is finite."""
    if array.dtype.kind not in "fc":
        return ""
    xp = get_array_module(array)
    if bool(xp.isfinite(array).all()):
        return ""
    nans = int(xp.isnan(array).sum())
    infs = int(xp.isinf(array).sum())
    return " and ".join(f"{n} {kind}" for n, kind in ((nans, "NaN"), (infs, "Inf")) if n)


def _message(func, inputs, phase, problem, site):
    shapes = ", ".join(f"{tuple(x.shape)} {x.dtype}" for x in inputs) or "none"
    return (f"detect_anomaly: {type(func).__name__} {phase}: {problem}\n"
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


__all__ = ["detect_anomaly", "check_forward", "check_backward"]
