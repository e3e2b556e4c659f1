"""Weights files: a Module's state_dict as an .npz archive, written atomically and read
without unpickling anything (`Module.save_weights` / `Module.load_weights` call these)."""
import os
from collections import OrderedDict

import numpy as np

from autograd.atomic import replacing
from autograd.backend import to_cpu

from .module import StateDictKeyError, state_arrays


def save_weights(module, path):
    """Write `module`'s state_dict to `path` as an .npz archive, atomically: a temp file
    beside it replaces `path` only once fully written. A symlink's target is written, an
    existing file keeps its permissions, and a directory or device is refused (see
    autograd.atomic)."""
    path = os.fspath(path)
    arrays = {name: to_cpu(array) for name, array in state_arrays(module)}
    with replacing(path) as tmp:
        with open(tmp, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
    return path


def load_weights(module, path, strict=True):
    """Load weights written by `save_weights` into `module`; errors name the file."""
    path = os.fspath(path)
    arrays = read_npz(path)
    try:
        return module.load_state_dict(arrays, strict=strict)
    except StateDictKeyError as exc:
        raise StateDictKeyError(f"load_weights: {path}: {exc}") from None
    except ValueError as exc:
        raise ValueError(f"load_weights: {path}: {exc}") from None


def read_npz(path):
    """All arrays of the .npz at `path`, read eagerly; errors name the file."""
    if not os.path.exists(path):
        raise FileNotFoundError(f"load_weights: no such file: {path}")
    import zipfile  # lazily: only loading weights needs it

    if not zipfile.is_zipfile(path):
        raise ValueError(f"load_weights: {path} is not an .npz weights archive (not a zip file)")
    try:
        archive = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise ValueError(f"load_weights: {path} is not a readable .npz weights file "
                         f"({type(exc).__name__}: {exc})") from None
    try:
        with archive:
            return OrderedDict((key, archive[key]) for key in archive.files)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise ValueError(f"load_weights: {path} is corrupt ({type(exc).__name__}: {exc})") from None


__all__ = ["save_weights", "load_weights", "read_npz"]
