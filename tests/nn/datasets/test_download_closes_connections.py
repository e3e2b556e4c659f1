"""A mirror's HTTP error (a 404) closes the connection it holds: the error lives on in the
DownloadError's chain, and left open, a later garbage collection raised a ResourceWarning
(an unclosed socket) inside an unrelated test."""
import io
import urllib.error
import urllib.request

import pytest

from nn.datasets import download

OPEN_URL = download._open_url  # (the package's conftest swaps it for a refusal per test)
DATA = b"the published file"


def _not_found(body):
    def urlopen(request, timeout):
        raise urllib.error.HTTPError(request.full_url, 404, "Not Found", {}, body)
    return urlopen


def test_a_404_closes_its_connection(monkeypatch, tmp_path):
    body = io.BytesIO(b"no such file")  # (stands for the response's socket file)
    monkeypatch.setattr(urllib.request, "urlopen", _not_found(body))
    monkeypatch.setattr(download, "_open_url", OPEN_URL)
    with pytest.raises(urllib.error.HTTPError, match="404") as info:
        download.download("https://mirror.example/f.bin", tmp_path / "f.bin",
                          download.Published.of(DATA))
    assert info.value.code == 404 and body.closed  # (closed while the error is still kept)


def test_every_mirror_answering_404_closes_each_connection(monkeypatch, tmp_path):
    bodies = []

    def urlopen(request, timeout):
        bodies.append(io.BytesIO(b"no such file"))
        return _not_found(bodies[-1])(request, timeout)
    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    monkeypatch.setattr(download, "_open_url", OPEN_URL)
    with pytest.raises(download.DownloadError, match="404") as info:
        download.fetch_files("toy", {"f.bin": download.Published.of(DATA)},
                             ["https://mirror.example/a/", "https://mirror.example/b/"])
    assert len(bodies) == 2 and all(body.closed for body in bodies)
    assert "mirror.example/b/" in str(info.value)
