"""RemoteMonitor: post each epoch's logs to a server, as JSON."""
import json

import numpy as np

from autograd.user_warnings import user_warning

from .base import Callback, writes_files


class RemoteMonitor(Callback):
    """Keras' callback: at each epoch's end, POST {"epoch": epoch (0-based), **logs} to
    root + path, as a form field `field` holding the JSON (Keras' default) or, with
    send_as_json, as a JSON body; `headers` adds HTTP headers. Keras posts with the requests
    package; this uses the standard library's urllib. A server that cannot be reached, or
    answers with an error, or takes longer than `timeout` seconds (an addition: training
    never hangs on the monitor) gives a warning, not an exception."""

    def __init__(self, root="http://localhost:9000", path="/publish/epoch/end/", field="data",
                 headers=None, send_as_json=False, timeout=10.0):
        if not isinstance(root, str) or not root.lower().startswith(("http://", "https://")):
            raise ValueError(f"RemoteMonitor: root must be an http:// or https:// URL, got "
                             f"{root!r}")
        if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
            raise ValueError(f"RemoteMonitor: timeout must be a positive number of seconds, "
                             f"got {timeout!r}")
        self.root, self.path, self.field = root, path, field
        self.headers = dict(headers or {})
        self.send_as_json = send_as_json
        self.timeout = timeout

    def on_epoch_end(self, epoch, logs=None):
        if writes_files():  # (on several ranks, rank 0 alone reports)
            self.send({"epoch": epoch, **{k: _plain(v) for k, v in (logs or {}).items()}})

    def send(self, record):
        """POST `record`; a warning where it does not arrive."""
        import urllib.error
        import urllib.parse
        import urllib.request
        text = json.dumps(record)
        if self.send_as_json:
            body, kind = text.encode("utf-8"), "application/json"
        else:
            body = urllib.parse.urlencode({self.field: text}).encode("ascii")
            kind = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.root + self.path, data=body, method="POST",
                                         headers={"Content-Type": kind, **self.headers})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except (urllib.error.URLError, OSError, ValueError) as exc:
            user_warning(f"Could not reach RemoteMonitor root server at {self.root} "
                         f"({getattr(exc, 'reason', exc)})")


def _plain(value):
    """A log value as JSON takes it: NumPy scalars and arrays as Python numbers and lists
    (Keras calls .item(), which fails on arrays of several values)."""
    if isinstance(value, (np.ndarray, np.generic)):
        return value.tolist()
    return value


__all__ = ["RemoteMonitor"]
