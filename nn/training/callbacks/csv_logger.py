"""CSVLogger: one row per epoch (epoch, then the log keys in sorted order)."""
import io
import os
import warnings

from autograd.atomic import write_text

from .base import Callback


class CSVLogger(Callback):
    """Write the epoch logs to `filename` as CSV, one row appended per epoch.

    Columns: `epoch` (0-based, as Keras), then the keys of the first epoch's logs in sorted
    order; a value missing later is written as NA. Without append, the first epoch's row
    and the header replace the file atomically; later rows are appended, each with a
    single write, so an epoch costs the same at epoch 20,000 as at epoch 1 and a killed
    run leaves a complete CSV. append=True keeps what the file holds (the header is
    written only into an empty file); a last line without its newline (a row cut off by a
    crash) is dropped with a warning first, so it cannot merge with the next row.
    """

    def __init__(self, filename, separator=",", append=False):
        self.filename = os.fspath(filename)
        self.separator = separator
        self.append = append
        self.keys = None
        self._started = False  # whether the file holds this run's header or rows

    def on_train_begin(self, logs=None):
        self.keys = None
        self._started = self.append and _drop_torn_line(self.filename) > 0

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        rows = []
        if self.keys is None:
            self.keys = sorted(logs)
            if not self._started:
                rows.append(["epoch"] + self.keys)
        rows.append([epoch] + [_cell(logs.get(key)) for key in self.keys])
        text = self._lines(rows)
        if self._started:
            _append(self.filename, text.encode("utf-8"))
        else:  # the first row of a fresh file replaces the old one at once
            write_text(self.filename, text)
            self._started = True

    def _lines(self, rows):
        import csv  # lazily: keeps `import nn` fast

        out = io.StringIO()
        csv.writer(out, delimiter=self.separator, lineterminator="\n").writerows(rows)
        return out.getvalue()


def _append(path, data):
    """Append `data` with one write: a kill leaves either the whole row or none of it."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        written = os.write(fd, data)
        while written < len(data):  # a regular file takes it whole unless the disk is full
            written += os.write(fd, data[written:])
    finally:
        os.close(fd)


def _drop_torn_line(path):
    """Cut a trailing line that lacks its newline; return the size of what is kept."""
    try:
        with open(path, "rb+") as f:
            data = f.read()
            keep = data.rfind(b"\n") + 1
            if keep < len(data):
                warnings.warn(f"CSVLogger: {path} ends with an incomplete line "
                              f"{data[keep:][:60]!r} (a row cut off by a crash); dropping it",
                              stacklevel=3)
                f.truncate(keep)
            return keep
    except FileNotFoundError:
        return 0


def _cell(value):
    if value is None:
        return "NA"
    return repr(float(value)) if isinstance(value, float) else value


__all__ = ["CSVLogger"]
