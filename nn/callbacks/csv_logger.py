"""CSVLogger: one row per epoch (epoch, then the log keys in sorted order)."""
import io
import os

from autograd.atomic import write_text
from .base import Callback


class CSVLogger(Callback):
    """Write the epoch logs to `filename` as CSV, rewriting the file atomically after each
    epoch (so it is complete and readable at any moment).

    Columns: `epoch` (0-based, as Keras), then the keys of the first epoch's logs in sorted
    order; a value missing later is written as NA. append=True keeps what the file holds
    (the header is written only into an empty file).
    """

    def __init__(self, filename, separator=",", append=False):
        self.filename = os.fspath(filename)
        self.separator = separator
        self.append = append
        self.keys = None
        self._kept = ""
        self._rows = []

    def on_train_begin(self, logs=None):
        self._kept = self._existing_text() if self.append else ""
        self.keys = None
        self._rows = []

    def _existing_text(self):
        if not os.path.exists(self.filename):
            return ""
        with open(self.filename, encoding="utf-8", newline="") as f:
            text = f.read()
        return text if not text or text.endswith("\n") else text + "\n"

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
        self._rows.append([epoch] + [_cell(logs.get(key)) for key in self.keys])
        write_text(self.filename, self._kept + self._table())

    def _table(self):
        import csv  # lazily: keeps `import nn` fast

        out = io.StringIO()
        writer = csv.writer(out, delimiter=self.separator, lineterminator="\n")
        if not self._kept:
            writer.writerow(["epoch"] + self.keys)
        writer.writerows(self._rows)
        return out.getvalue()


def _cell(value):
    if value is None:
        return "NA"
    return repr(float(value)) if isinstance(value, float) else value


__all__ = ["CSVLogger"]
