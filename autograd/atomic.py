"""Atomic file writes: write a temp file beside the target, then os.replace it, so a crash or
Ctrl-C never leaves a half-written weights file, graph image, log or plot. Every writer in
rungrad (graph images, weights, CSV logs, learning curves, downloads) goes through here."""
import contextlib
import os
import uuid


@contextlib.contextmanager
def replacing(path, suffix=""):
    """Yield a temporary path in `path`'s folder; on success it replaces `path`.

    The writer creates the temp file itself, so it gets the user's usual permissions
    (umask); `suffix` keeps the extension that writers such as matplotlib read.
    """
    path = os.fspath(path)
    folder, name = os.path.split(os.path.abspath(path))
    tmp = os.path.join(folder, f".{name}.{uuid.uuid4().hex}.tmp{suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_text(path, text):
    """Write `text` (UTF-8) to `path` atomically."""
    with replacing(path) as tmp:
        with open(tmp, "x", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())


def write_bytes(path, data):
    """Write `data` to `path` atomically."""
    with replacing(path) as tmp:
        with open(tmp, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
