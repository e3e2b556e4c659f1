"""Each download is bounded by its file's published size: a mirror that announces another
size, or sends more bytes, is cut off there and nothing is kept, so a broken or tampered
mirror cannot fill the disk before the checksum would have told."""
import io

import pytest

from nn.datasets import download

DATA = b"the published file. " * 50
PUBLISHED = download.Published.of(DATA)
MIRROR = "https://mirror.example/"


class Response(io.RawIOBase):
    """`body` followed by `extra` more bytes (served lazily), under a Content-Length of
    `announced` (None: no header); `served` counts the bytes read from it."""

    def __init__(self, body=DATA, extra=0, announced=None):
        self.stream = io.BytesIO(body)
        self.extra, self.served = extra, 0
        self.headers = {} if announced is None else {"Content-Length": str(announced)}

    def readable(self):
        return True

    def read(self, size=-1):
        size = 1 << 16 if size is None or size < 0 else size
        chunk = self.stream.read(size)
        if not chunk and self.extra:
            chunk = bytes(min(size, self.extra))
            self.extra -= len(chunk)
        self.served += len(chunk)
        return chunk


def answer(monkeypatch, *responses):
    """Answer the downloads, in turn, with `responses`; returns the URLs asked for."""
    asked, queue = [], list(responses)
    monkeypatch.setattr(download, "_open_url", lambda url: asked.append(url) or queue.pop(0))
    return asked


def fetch(mirrors=(MIRROR,)):
    return download.fetch_files("toy", {"f.bin": PUBLISHED}, list(mirrors))


@pytest.mark.parametrize("announced", [None, len(DATA)])  # none, or one that lies
def test_a_mirror_sending_more_bytes_is_cut_off_and_nothing_is_kept(monkeypatch, offline,
                                                                    announced):
    response = Response(extra=50 << 20, announced=announced)  # 50 MB more than published
    answer(monkeypatch, response)
    with pytest.raises(download.SizeError) as info:
        fetch()
    assert response.served <= len(DATA) + 1  # stopped as soon as there was one byte more
    assert str(info.value) == (f"f.bin: {MIRROR}f.bin sent more than the published "
                               f"{len(DATA)} bytes; stopped reading there, the file was not "
                               f"kept")
    assert isinstance(info.value, download.ChecksumError)  # not the published file
    assert list((offline / "toy").iterdir()) == []


def test_a_too_large_content_length_is_refused_before_reading(monkeypatch, offline):
    response = Response(announced=10**12)
    answer(monkeypatch, response)
    with pytest.raises(download.SizeError, match=r"^f\.bin: https://mirror\.example/f\.bin "
                       r"announces 1000000000000 bytes \(Content-Length\), the published "
                       rf"file has {len(DATA)}; nothing was downloaded$"):
        fetch()
    assert response.served == 0
    assert list((offline / "toy").iterdir()) == []


def test_without_content_length_the_published_size_is_enough(monkeypatch, offline):
    answer(monkeypatch, Response())
    assert fetch()["f.bin"].read_bytes() == DATA


def test_a_content_length_that_is_no_number_is_ignored(monkeypatch, offline):
    """(It was int()'d: a ValueError, which no mirror loop caught.)"""
    answer(monkeypatch, Response(announced="abc"))
    assert fetch()["f.bin"].read_bytes() == DATA


def test_a_short_body_without_content_length_is_an_incomplete_download(monkeypatch, offline):
    """Not a checksum mismatch: the connection ended early, which the size tells."""
    answer(monkeypatch, Response(body=DATA[:100]))
    with pytest.raises(download.DownloadError, match=rf"{MIRROR}f\.bin: incomplete "
                       rf"download: got 100 of {len(DATA)} bytes") as info:
        fetch()
    assert not isinstance(info.value.__cause__, download.ChecksumError)


def test_a_mirror_of_the_wrong_size_gives_way_to_the_next(monkeypatch, offline):
    asked = answer(monkeypatch, Response(announced=10**12), Response())
    assert fetch([MIRROR, "https://other.example/"])["f.bin"].read_bytes() == DATA
    assert asked == [f"{MIRROR}f.bin", "https://other.example/f.bin"]


def test_every_mirror_of_the_wrong_size_is_named(monkeypatch, offline):
    answer(monkeypatch, Response(announced=10**12), Response(extra=1))
    with pytest.raises(download.ChecksumError) as info:
        fetch([MIRROR, "https://other.example/"])
    message = str(info.value)
    assert message.startswith("f.bin: every mirror failed: ")
    assert f"{MIRROR}f.bin announces 1000000000000 bytes" in message
    assert f"https://other.example/f.bin sent more than the published {len(DATA)}" in message
