"""EventWriter: TensorBoard summaries of one run folder (train/, validation/) into an event
file of its own, as tf.summary's file writer makes them."""
import time

from .event_file import RecordFile
from .summary_events import FILE_VERSION, event, histogram_value, scalar_value, text_value


class EventWriter:
    """Writes into a new event file in `folder`, made at the first write (as TF's writer,
    so that a run that logs nothing there leaves no file); its first event is the file
    version. Events are buffered until flush(); after close() a write starts a new file."""

    def __init__(self, folder):
        self.folder = folder
        self._file = None

    @property
    def path(self):
        """The file being written (None before the first write)."""
        return None if self._file is None else self._file.path

    def _event(self, step, value):
        if self._file is None or self._file.closed:
            self._file = RecordFile(self.folder)
            self._file.write(event(time.time(), file_version=FILE_VERSION))
        self._file.write(event(time.time(), step, value=value))

    def scalar(self, tag, number, step):
        self._event(step, scalar_value(tag, number))

    def histogram(self, tag, values, step):
        self._event(step, histogram_value(tag, values))

    def text(self, tag, text, step):
        self._event(step, text_value(tag, text))

    def flush(self):
        if self._file is not None and not self._file.closed:
            self._file.flush()

    def close(self):
        if self._file is not None:
            self._file.close()


__all__ = ["EventWriter"]
