"""Warnings that point at the user's line, not rungrad's.

A hand-counted `stacklevel` is right for one call path only: `model.save(...)` and
`keras.saving.save_model(model, ...)` reach the same warning at different depths, and the
wrong count names a line inside the library. Python 3.12's `skip_file_prefixes` walks past
a package's frames; this does the same on every supported Python.
"""
import os
import sys
import warnings

_HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_OWN = tuple(os.path.join(_HERE, package) + os.sep for package in ("autograd", "nn", "optim"))


def user_warning(message, category=UserWarning):
    """warnings.warn(message, category), attributed to the innermost caller outside
    autograd, nn and optim (the user's code; a captured step's replay is its own code), or
    to the caller where no frame is outside (a DataLoader worker thread's own stack)."""
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_code.co_filename.startswith(_OWN):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=2 if frame is None else level)


__all__ = ["user_warning"]
