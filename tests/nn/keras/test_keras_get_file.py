"""keras.utils.get_file as Keras 3.15.1's: the cache folder ($KERAS_HOME), files reused while
their md5 / sha256 matches and fetched again when not, atomic downloads (nothing left by a
failed or corrupt one), and extraction that skips members escaping their folder. Every
origin is a file:// URL into tmp_path: no network."""
import hashlib
import io
import os
import tarfile
import tempfile
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn.keras as keras
from nn.datasets.download import DownloadError
from nn.keras import config
from nn.keras import get_file as get_file_module

get_file = keras.utils.get_file


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh Keras cache, named by KERAS_HOME."""
    folder = tmp_path / "keras_home"
    monkeypatch.setenv("KERAS_HOME", str(folder))
    return folder


def _served(folder, name, data):
    """A file:// origin serving `data`."""
    path = folder / name
    path.write_bytes(data)
    return path.as_uri()


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# ----- where files go, and when they are fetched -----
def test_a_file_lands_in_keras_home_named_as_its_url(home, tmp_path):
    origin = _served(tmp_path, "data.bin", b"abc")
    path = get_file(origin=origin)
    assert path == str(home / "datasets" / "data.bin")
    assert (home / "datasets" / "data.bin").read_bytes() == b"abc"
    other = get_file("renamed.bin", origin, cache_subdir="models")
    assert other == str(home / "models" / "renamed.bin")


def test_cache_dir_argument_overrides_keras_home(home, tmp_path):
    origin = _served(tmp_path, "a.txt", b"x")
    path = get_file(origin=origin, cache_dir=tmp_path / "elsewhere")
    assert path == str(tmp_path / "elsewhere" / "datasets" / "a.txt")
    assert not home.exists()


def test_an_unwritable_cache_falls_back_to_a_temp_folder(monkeypatch, tmp_path):
    monkeypatch.setattr(get_file_module.os, "access", lambda path, mode: False)
    assert get_file_module._writable_root(tmp_path) == os.path.join("/tmp", ".keras")


@settings(max_examples=20, deadline=None)
@given(data=st.binary(max_size=3000), algorithm=st.sampled_from(["md5", "sha256"]))
def test_a_cached_file_matching_its_hash_is_not_fetched_again(data, algorithm):
    with tempfile.TemporaryDirectory() as folder:
        root = tempfile.mkdtemp(dir=folder)
        source = os.path.join(folder, "blob")
        with open(source, "wb") as f:
            f.write(data)
        digest = hashlib.new(algorithm, data).hexdigest()  # ('auto' tells them by length)
        path = get_file("blob", "file://" + source, file_hash=digest, cache_dir=root)
        os.remove(source)  # (a second fetch would now fail)
        assert get_file("blob", "file://" + source, file_hash=digest, cache_dir=root,
                        hash_algorithm=algorithm) == path
        with open(path, "rb") as f:
            assert f.read() == data


def test_md5_hash_argument_checks_md5(home, tmp_path):
    data = b"payload"
    origin = _served(tmp_path, "p.bin", data)
    get_file(origin=origin, md5_hash=hashlib.md5(data).hexdigest())
    with pytest.raises(ValueError, match="md5 file hash"):
        get_file(origin=origin, md5_hash="0" * 32, force_download=True)


def test_a_cached_file_with_another_hash_is_fetched_again(home, tmp_path, capsys):
    data = b"the real bytes"
    origin = _served(tmp_path, "f.bin", data)
    cached = home / "datasets" / "f.bin"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"stale")
    get_file(origin=origin, file_hash=hashlib.sha256(data).hexdigest())
    assert cached.read_bytes() == data
    assert "does not match the original value" in capsys.readouterr().out
    cached.write_bytes(b"stale")
    get_file(origin=origin)  # (no hash: the cached file is taken as it is)
    assert cached.read_bytes() == b"stale"


def test_force_download_fetches_again(home, tmp_path):
    origin = _served(tmp_path, "f.bin", b"one")
    path = get_file(origin=origin)
    (tmp_path / "f.bin").write_bytes(b"two")
    assert open(path, "rb").read() == b"one"
    get_file(origin=origin, force_download=True)
    assert open(path, "rb").read() == b"two"


# ----- failed downloads keep nothing -----
def test_a_download_with_the_wrong_hash_is_not_kept(home, tmp_path):
    origin = _served(tmp_path, "f.bin", b"tampered")
    with pytest.raises(ValueError, match="Incomplete or corrupted file detected"):
        get_file(origin=origin, file_hash="a" * 64)
    assert _leftovers(home / "datasets") == []


def test_an_unreachable_url_is_named_and_leaves_no_file(home, tmp_path):
    origin = (tmp_path / "missing.bin").as_uri()
    with pytest.raises(DownloadError, match=f"URL fetch failure on {origin}"):
        get_file(origin=origin)
    assert _leftovers(home / "datasets") == []


class _Dropped(io.BytesIO):
    """A response whose connection drops after its first chunk."""
    headers = {"Content-Length": "100000"}

    def read(self, size=-1):
        if self.tell():
            raise ConnectionResetError("connection reset by peer")
        return super().read(10)


def test_a_connection_dropped_midway_leaves_no_file(home, monkeypatch):
    monkeypatch.setattr(get_file_module, "_open_url", lambda url: _Dropped(b"x" * 100))
    with pytest.raises(DownloadError, match="http://example.invalid/w.h5.*ConnectionReset"):
        get_file(origin="http://example.invalid/w.h5")
    assert _leftovers(home / "datasets") == []


def test_a_body_shorter_than_announced_is_refused(home, monkeypatch):
    class Short(io.BytesIO):
        headers = {"Content-Length": "50"}
    monkeypatch.setattr(get_file_module, "_open_url", lambda url: Short(b"x" * 20))
    with pytest.raises(DownloadError, match="20 of the 50 bytes"):
        get_file(origin="http://example.invalid/w.h5")
    assert _leftovers(home / "datasets") == []


def test_progress_shows_only_with_interactive_logging(home, tmp_path, capsys):
    origin = _served(tmp_path, "f.bin", b"z" * 5000)
    get_file(origin=origin)
    shown = capsys.readouterr().out
    assert f"Downloading data from {origin}" in shown and "5000/5000" in shown
    config.disable_interactive_logging()
    try:
        get_file(origin=origin, force_download=True)
    finally:
        config.enable_interactive_logging()
    assert capsys.readouterr().out == ""


# ----- arguments refused -----
@pytest.mark.parametrize("kwargs, message", [
    ({}, "origin"),
    ({"origin": "file:///x/y.bin", "fname": "sub/y.bin"}, "fname=sub/y.bin"),
    ({"origin": "file:///x/y.bin", "fname": ".."}, "fname=.."),
    ({"origin": "file:///x/"}, "Can't parse the file name"),
    ({"origin": "file:///x/y.bin", "hash_algorithm": "sha1"}, "hash_algorithm"),
    # (refused before fetching: the origin does not exist)
    ({"origin": "file:///x/y.rar", "extract": True, "archive_format": "rar"}, "archive_format"),
])
def test_bad_arguments_are_refused(home, kwargs, message):
    with pytest.raises(ValueError, match=message):
        get_file(**kwargs)


# ----- extraction -----
def _tar(path, members, mode="w:gz"):
    """A tar archive of (name, bytes) files and (name, type, linkname) links."""
    with tarfile.open(path, mode) as archive:
        for member in members:
            info = tarfile.TarInfo(member[0])
            if len(member) == 3:
                info.type, info.linkname = member[1], member[2]
                archive.addfile(info)
            else:
                info.size = len(member[1])
                archive.addfile(info, io.BytesIO(member[1]))
    return path


def test_a_tar_gz_is_extracted_into_the_folder_keras_names(home, tmp_path):
    origin = _tar(tmp_path / "pack.tar.gz", [("d/a.txt", b"A"), ("b.txt", b"B")]).as_uri()
    folder = get_file("pack.tar.gz", origin, extract=True)
    assert folder == str(home / "datasets" / "pack_extracted")
    assert open(os.path.join(folder, "d", "a.txt")).read() == "A"
    assert (home / "datasets" / "pack.tar.gz").is_file()  # (the archive stays)
    unnamed = get_file(origin=origin, untar=True, cache_subdir="other")
    assert unnamed == str(home / "other" / "pack.tar.gz")  # (a folder, beside ..._archive)
    assert open(os.path.join(unnamed, "b.txt")).read() == "B"
    assert (home / "other" / "pack.tar.gz_archive").is_file()


def test_a_zip_is_extracted(home, tmp_path):
    with zipfile.ZipFile(tmp_path / "z.zip", "w") as archive:
        archive.writestr("inner/c.txt", "C")
    folder = get_file("z", (tmp_path / "z.zip").as_uri(), extract=True)
    assert folder == str(home / "datasets" / "z")
    assert open(os.path.join(folder, "inner", "c.txt")).read() == "C"


def test_a_file_that_is_no_archive_warns(home, tmp_path):
    origin = _served(tmp_path, "plain.txt", b"just text")
    with pytest.warns(UserWarning, match="could not extract"):
        get_file("plain.txt", origin, extract=True)


@pytest.mark.parametrize("bad", [
    ("../escaped.txt", b"E"),
    ("/tmp/absolute_rungrad_get_file_test.txt", b"E"),
    ("d/../../escaped.txt", b"E"),
    ("link_out", tarfile.SYMTYPE, "../../outside_target"),
    ("hard_out", tarfile.LNKTYPE, "../outside_target"),
    ("abs_link", tarfile.SYMTYPE, "/etc/passwd"),
])
def test_tar_members_escaping_the_folder_are_skipped(home, tmp_path, bad):
    origin = _tar(tmp_path / "evil.tar", [("ok.txt", b"fine"), bad], mode="w").as_uri()
    with pytest.warns(UserWarning, match="Skipping invalid path"):
        folder = get_file("evil.tar", origin, extract=True)
    assert _leftovers(tmp_path / "keras_home" / "datasets" / "evil_extracted") == ["ok.txt"]
    assert open(os.path.join(folder, "ok.txt")).read() == "fine"
    assert not (tmp_path / "keras_home" / "escaped.txt").exists()
    assert not (home / "datasets" / "escaped.txt").exists()
    assert not os.path.exists("/tmp/absolute_rungrad_get_file_test.txt")


def test_links_inside_the_folder_are_kept(home, tmp_path):
    origin = _tar(tmp_path / "links.tar", [("a.txt", b"A"), ("d/sym", tarfile.SYMTYPE, "../a.txt")],
                  mode="w").as_uri()
    folder = get_file("links.tar", origin, extract=True)
    assert open(os.path.join(folder, "d", "sym")).read() == "A"


def test_zip_members_escaping_the_folder_are_skipped(home, tmp_path):
    with zipfile.ZipFile(tmp_path / "evil.zip", "w") as archive:
        archive.writestr("ok.txt", "fine")
        archive.writestr("../../escaped.txt", "E")
    with pytest.warns(UserWarning, match="Skipping invalid path"):
        folder = get_file("evil.zip", (tmp_path / "evil.zip").as_uri(), extract=True)
    assert _leftovers(home / "datasets" / "evil_extracted") == ["ok.txt"]
    assert not (tmp_path / "escaped.txt").exists()
    assert open(os.path.join(folder, "ok.txt")).read() == "fine"


def test_a_link_escaping_through_a_link_extracted_before_it_is_skipped(home, tmp_path):
    # 'a' -> '.' is inside; 'a/b' -> '..' looks inside until 'a' exists, then leads out
    members = [("a", tarfile.SYMTYPE, "."), ("a/b", tarfile.SYMTYPE, ".."), ("ok.txt", b"fine")]
    origin = _tar(tmp_path / "chain.tar", members, mode="w").as_uri()
    with pytest.warns(UserWarning, match="Skipping invalid path.*'a/b'"):
        folder = get_file("chain.tar", origin, extract=True)
    assert sorted(os.listdir(folder)) == ["a", "ok.txt"]
    assert open(os.path.join(folder, "ok.txt")).read() == "fine"


@pytest.mark.parametrize("kind", ["tar.gz", "zip"])
def test_a_damaged_archive_is_named_with_how_to_fetch_it_again(home, tmp_path, kind):
    if kind == "zip":
        with zipfile.ZipFile(tmp_path / "whole", "w") as archive:
            archive.writestr("a.bin", os.urandom(50_000))
        whole = (tmp_path / "whole").read_bytes()
        at = whole.index(b"a.bin") + 5 + 1000  # (inside a.bin's data: its CRC fails)
        damaged = whole[:at] + bytes([whole[at] ^ 0xFF]) + whole[at + 1:]
    else:
        whole = _tar(tmp_path / "whole", [(f"f{i}", os.urandom(20_000)) for i in range(20)])
        damaged = whole.read_bytes()[:len(whole.read_bytes()) // 2]
    origin = _served(tmp_path, f"pack.{kind}", damaged)
    with pytest.raises(ValueError, match=f"pack.{kind} is damaged.*force_download=True"):
        get_file(f"pack.{kind}", origin, extract=True)
