"""A cached file is hashed once per process: loading a data set again does not read its
archive again (CIFAR-10's is 170 MB), but a file replaced or changed since, or changed too
recently for its timestamps to tell, is hashed anew."""
import os
import time

import pytest

from nn import datasets
from nn.datasets import _verified, cifar, download

from .test_cifar_shakespeare import fake_cifar


@pytest.fixture
def hashes(monkeypatch):
    """The list of cached files hashed (read through) from now on."""
    made, real = [], _verified._hash
    monkeypatch.setattr(_verified, "_hash", lambda f: made.append(f.name) or real(f))
    return made


@pytest.fixture
def settled(monkeypatch):
    """A clock a day ahead: every file's last change is long past."""
    monkeypatch.setattr(_verified, "_now_ns", lambda: time.time_ns() + 86_400 * 10**9)


@pytest.fixture
def archive(monkeypatch, offline):
    """A small CIFAR-10 archive in the cache (its checksum pinned); returns its path."""
    blob, _, _ = fake_cifar(monkeypatch)
    path = offline / "cifar10" / cifar.ARCHIVE
    path.parent.mkdir(parents=True)
    path.write_bytes(blob)
    return path


def test_a_second_load_does_not_hash_again(archive, settled, hashes):
    (x, _), _ = datasets.cifar10()
    assert len(hashes) == 1
    (x2, _), _ = datasets.cifar10()
    assert len(hashes) == 1 and (x2 == x).all()


def test_a_replaced_file_is_hashed_again(archive, settled, hashes):
    datasets.cifar10()
    blob, st = archive.read_bytes(), archive.stat()
    fresh = archive.with_name("fresh")
    fresh.write_bytes(blob)
    os.utime(fresh, ns=(st.st_atime_ns, st.st_mtime_ns))  # the size and mtime tell nothing
    os.replace(fresh, archive)  # same bytes, another file
    datasets.cifar10()
    assert len(hashes) == 2
    other = bytearray(blob)
    other[-1] ^= 1
    fresh.write_bytes(other)
    os.replace(fresh, archive)  # same size, other bytes
    with pytest.raises(datasets.DownloadError, match=f"{cifar.ARCHIVE} \\(SHA-256 "):
        datasets.cifar10()


def test_a_file_rewritten_in_place_is_hashed_again(archive, settled, hashes):
    datasets.cifar10()
    st = archive.stat()
    with open(archive, "r+b") as f:  # same inode, same size
        f.seek(-1, os.SEEK_END)
        last = f.read(1)
        f.seek(-1, os.SEEK_END)
        f.write(bytes([last[0] ^ 1]))
    # a second later, as an editor would leave it (the coarse clock may not have moved yet)
    os.utime(archive, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    with pytest.raises(datasets.DownloadError, match="SHA-256"):
        datasets.cifar10()
    assert len(hashes) == 2


def test_a_file_changed_just_now_is_hashed_again(archive, hashes, monkeypatch):
    """Its next change may fall in the same clock tick and leave its stat as it was."""
    st = archive.stat()
    changed = max(st.st_mtime_ns, st.st_ctime_ns)
    monkeypatch.setattr(_verified, "_now_ns", lambda: changed + 10**6)  # 1 ms later
    datasets.cifar10()
    datasets.cifar10()
    assert len(hashes) == 2


def test_a_cached_file_of_the_wrong_size_is_not_hashed(offline, hashes):
    (offline / "toy").mkdir(parents=True)
    (offline / "toy" / "f.bin").write_bytes(bytes(10))
    published = download.Published("0" * 64, 1 << 30)
    with pytest.raises(datasets.DownloadError, match=r"f\.bin \(10 bytes, expected "
                       r"1073741824\)"):
        download.fetch_files("toy", {"f.bin": published}, ["https://mirror.example/"])
    assert hashes == []
