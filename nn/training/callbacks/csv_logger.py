"""CSVLogger: one row per epoch (epoch, then the log keys in sorted order)."""
import io
import os

from autograd.atomic import write_text
from autograd.user_warnings import user_warning

from .base import Callback


class CSVLogger(Callback):
    """Write the epoch logs to `filename` as CSV, one row appended per epoch.

    Columns: `epoch` (0-based, as Keras), then the keys of the first epoch's logs in sorted
    order; a value missing later is written as NA. Without append, the first epoch's row
    and the header replace the file atomically; later rows are appended, each with a
    single write, so an epoch costs the same at epoch 20,000 as at epoch 1 and a killed
    run leaves a complete CSV. append=True keeps what the file holds (the header is
    written only into an empty file); a last line without its newline (a row cut off by a
    crash) is dropped with a warning first, so it cannot merge with the next row. Appended
    rows follow the file's separator and columns: a key the file lacks (a metric added on
    resuming) becomes a new last column, the earlier rows NA there (the file rewritten
    once, atomically). `wrote`: whether this run has written a row.
    """

    def __init__(self, filename, separator=",", append=False):
        self.filename = os.fspath(filename)
        self.separator = separator
        self.append = append
        self.keys = None
        self.wrote = False
        self._started = False  # whether the file holds a header (this run's or, appending, its)

    def on_train_begin(self, logs=None):
        folder = os.path.dirname(os.path.abspath(self.filename))
        if not os.path.isdir(folder):  # (Keras opens the file here: the same moment)
            raise FileNotFoundError(f"CSVLogger: the folder {folder!r} for {self.filename!r} "
                                    "does not exist")
        self.keys = None
        self.wrote = False
        self._started = False
        if self.append and os.path.isfile(self.filename) and os.path.getsize(self.filename):
            self._rows()  # a file that is not a CSVLogger's is refused before it is touched
            self._started = _drop_torn_line(self.filename) > 0

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        rows = []
        if self.keys is None:
            self.keys = sorted(logs)
            if self._started:
                self._follow_the_file()
            else:
                rows.append(["epoch"] + self.keys)
        elif any(key not in self.keys for key in logs):  # (val_* first with validation_freq)
            self.keys = self.keys + sorted(key for key in logs if key not in self.keys)
            self._follow_the_file()
        rows.append([epoch] + [_cell(logs.get(key)) for key in self.keys])
        text = self._lines(rows)
        if self._started:
            _append(self.filename, text.encode("utf-8"))
        else:  # the first row of a fresh file replaces the old one at once
            write_text(self.filename, text)
            self._started = True
        self.wrote = True

    def _follow_the_file(self):
        """Appending: write the file's columns, in its order, with this run's new keys added
        as columns at the end (the file rewritten once, its rows NA there)."""
        header, *rows = self._rows()
        columns = header[1:]
        added = [key for key in self.keys if key not in columns]
        self.keys = columns + added
        if added:
            write_text(self.filename, self._lines(
                [header + added] + [row + ["NA"] * (len(header) + len(added) - len(row))
                                    for row in rows]))

    def _rows(self):
        """The file's rows, read with its own separator (which appended rows then use)."""
        import csv

        with open(self.filename, newline="", encoding="utf-8") as f:
            first = f.readline()
            f.seek(0)
            if not first.startswith("epoch") or len(first) < 6 or first[5] in "\r\n":
                raise ValueError(f"CSVLogger: cannot append to {self.filename}: its first line "
                                 "is not a header starting with 'epoch' (not a CSVLogger file)")
            self.separator = first[5]
            return list(csv.reader(f, delimiter=self.separator))

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
                user_warning(f"CSVLogger: {path} ends with an incomplete line "
                             f"{data[keep:][:60]!r} (a row cut off by a crash); dropping it")
                f.truncate(keep)
            return keep
    except FileNotFoundError:
        return 0


def _cell(value):
    if value is None:
        return "NA"
    if isinstance(value, float):
        return repr(float(value))
    if getattr(value, "ndim", 0):  # an array-valued metric (F1Score(average=None)): one line,
        return "[" + ", ".join(repr(float(v)) for v in value.ravel()) + "]"  # as Keras'
    return value


__all__ = ["CSVLogger"]
