"""Downloads: a dropped connection says how much came; every mirror's failure is shown.

A local HTTP server on 127.0.0.1 (in a thread) plays the mirrors; nothing leaves the machine.
"""
import hashlib
import http.server
import threading

import pytest

from nn.datasets import download

DATA = bytes(range(256)) * 40
PUBLISHED = download.Published.of(DATA)


class Mirror(http.server.BaseHTTPRequestHandler):
    """/cut/NAME: promises all of DATA, sends 1000 bytes and hangs up; /gone/NAME: 404;
    /ok/NAME: DATA; /long/NAME: DATA and 1 MB more, with no Content-Length (the body ends
    when the connection does); /huge/NAME: announces a terabyte, sends DATA."""

    def do_GET(self):
        kind = self.path.split("/")[1]
        if kind == "gone":
            self.send_error(404, "no such file")
            return
        self.send_response(200)
        if kind != "long":
            self.send_header("Content-Length", str(10**12 if kind == "huge" else len(DATA)))
        self.end_headers()
        body = {"ok": DATA, "huge": DATA, "long": DATA + bytes(1 << 20)}.get(kind, DATA[:1000])
        try:
            self.wfile.write(body)
        except ConnectionError:  # the client stopped reading, as it should
            pass
        self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def server(monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Mirror)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_a_dropped_connection_says_how_many_bytes_came(server, tmp_path):
    with pytest.raises(OSError) as info:
        download.download(f"{server}/cut/f.bin", tmp_path / "f.bin", PUBLISHED)
    assert not isinstance(info.value, download.ChecksumError)
    assert f"incomplete download: got 1000 of {len(DATA)} bytes" in str(info.value)
    assert list(tmp_path.iterdir()) == []  # nothing kept


@pytest.mark.parametrize("kind, said", [
    ("long", f"sent more than the published {len(DATA)} bytes"),
    ("huge", f"announces 1000000000000 bytes (Content-Length), the published file has "
             f"{len(DATA)}"),
])
def test_a_mirror_sending_or_announcing_more_than_the_published_size_is_cut_off(
        server, tmp_path, kind, said):
    with pytest.raises(download.SizeError) as info:
        download.download(f"{server}/{kind}/f.bin", tmp_path / "f.bin", PUBLISHED)
    assert str(info.value).startswith(f"f.bin: {server}/{kind}/f.bin {said}")
    assert list(tmp_path.iterdir()) == []  # nothing kept


def test_every_mirrors_failure_is_shown(server, tmp_path, monkeypatch):
    monkeypatch.setenv("RUNGRAD_DATA", str(tmp_path))
    mirrors = [f"{server}/cut/", f"{server}/gone/"]
    with pytest.raises(download.DownloadError) as info:
        download.fetch_files("toy", {"f.bin": PUBLISHED}, mirrors)
    message = str(info.value)
    assert f"{server}/cut/f.bin: incomplete download: got 1000 of {len(DATA)} bytes" in message
    assert f"{server}/gone/" in message and "404" in message
    assert "checksum" not in message.lower() and "SHA-256" not in message


def test_the_next_mirror_is_used_when_one_fails(server, tmp_path, monkeypatch):
    monkeypatch.setenv("RUNGRAD_DATA", str(tmp_path))
    paths = download.fetch_files("toy", {"f.bin": PUBLISHED}, [f"{server}/cut/", f"{server}/ok/"])
    assert paths["f.bin"].read_bytes() == DATA
    assert sorted(p.name for p in (tmp_path / "toy").iterdir()) == ["f.bin"]


JUNK = bytes(len(DATA))  # the published size, other bytes


@pytest.mark.parametrize("junk, held", [
    (b"junk", f"4 bytes, expected {len(DATA)}"),  # the size tells: not hashed
    (JUNK, f"SHA-256 {hashlib.sha256(JUNK).hexdigest()}, expected {PUBLISHED.sha256}"),
])
def test_a_cached_file_with_other_bytes_is_named_and_kept_when_no_mirror_answers(
        server, tmp_path, monkeypatch, junk, held):
    """A copy put in the cache by hand that is not the published file: the error says so
    and what it holds; the file stays (it was deleted without a word)."""
    monkeypatch.setenv("RUNGRAD_DATA", str(tmp_path))
    (tmp_path / "toy").mkdir()
    (tmp_path / "toy" / "f.bin").write_bytes(junk)
    with pytest.raises(download.DownloadError) as info:
        download.fetch_files("toy", {"f.bin": PUBLISHED}, [f"{server}/gone/"])
    assert f"f.bin ({held})" in str(info.value)
    assert (tmp_path / "toy" / "f.bin").read_bytes() == junk
    paths = download.fetch_files("toy", {"f.bin": PUBLISHED}, [f"{server}/ok/"])  # then replaced
    assert paths["f.bin"].read_bytes() == DATA


def test_a_disk_without_room_for_the_files_is_said_before_any_download(server, tmp_path,
                                                                        monkeypatch):
    """The files' published sizes against the cache disk's free space, at once: not a long
    download failing at its end (nor a mirror's error for a local problem)."""
    import collections
    import shutil
    monkeypatch.setenv("RUNGRAD_DATA", str(tmp_path))
    usage = collections.namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 5000, 5000))
    with pytest.raises(download.CacheError, match=r"toy: the files to download take 20,480 bytes"
                       r".* has 5,000 bytes free; free space there, or set RUNGRAD_DATA"):
        download.fetch_files("toy", {"f.bin": PUBLISHED, "g.bin": PUBLISHED},
                             [f"{server}/ok/"])
    assert list((tmp_path / "toy").iterdir()) == []
    monkeypatch.setattr(shutil, "disk_usage",
                        lambda path: usage(10**9, 0, 2 * len(DATA)))  # room for both
    assert download.fetch_files("toy", {"f.bin": PUBLISHED, "g.bin": PUBLISHED},
                                [f"{server}/ok/"])["g.bin"].read_bytes() == DATA


def test_an_interrupted_downloads_leftover_goes_when_the_file_is_there(tmp_path, monkeypatch):
    """A download killed midway leaves its hidden temp (as large as what came); the next
    load that finds the file complete removes it, and leaves a live writer's temp alone."""
    fcntl = pytest.importorskip("fcntl")  # (the lock a live writer holds)
    monkeypatch.setenv("RUNGRAD_DATA", str(tmp_path))
    folder = tmp_path / "toy"
    folder.mkdir()
    (folder / "f.bin").write_bytes(DATA)
    stale = folder / f".f.bin.{'0' * 32}.tmp.part"
    stale.write_bytes(DATA[:1000])
    live = folder / f".f.bin.{'1' * 32}.tmp.part"
    live.write_bytes(DATA[:10])
    with open(live, "r+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a writer in another process
        paths = download.fetch_files("toy", {"f.bin": PUBLISHED}, ["http://127.0.0.1:9/"])
        assert paths["f.bin"].read_bytes() == DATA
        assert not stale.exists() and live.exists()
