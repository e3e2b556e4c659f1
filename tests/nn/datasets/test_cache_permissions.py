"""A cache folder that cannot be written, or a cached file that cannot be read: a CacheError
naming the file, the folder and RUNGRAD_DATA, with advice that fits (not a raw traceback,
nor "free space there" for a permission problem). Root ignores permission bits, so the
refusals are made by monkeypatching the calls that would meet them."""
import builtins
import errno
import os

import pytest

from nn import datasets

from .test_mnist import fake_mnist, serve


def refuse(monkeypatch, module, name, under, when=lambda *args: True):
    """Make module.name raise PermissionError for paths under `under` (where `when`)."""
    real = getattr(module, name)

    def refusing(path, *args, **kwargs):
        if str(path).startswith(str(under)) and when(*args):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(module, name, refusing)


def test_a_read_only_cache_folder_is_the_caches_problem(monkeypatch, offline):
    blobs, _, _ = fake_mnist(monkeypatch)
    asked = serve(monkeypatch, blobs)
    (offline / "mnist").mkdir(parents=True)
    refuse(monkeypatch, os, "open", offline, when=lambda flags, *a: flags & os.O_CREAT)
    with pytest.raises(datasets.CacheError) as info:
        datasets.mnist()
    message = str(info.value)
    assert message.startswith(f"train-images-idx3-ubyte.gz: cannot write it into the cache "
                              f"folder {offline / 'mnist'} (PermissionError")
    assert message.endswith("make it writable, or set RUNGRAD_DATA to another folder")
    assert "free space" not in message and asked == []  # found before any mirror


def test_a_cached_file_that_cannot_be_read_is_the_caches_problem(monkeypatch, offline):
    blobs, _, _ = fake_mnist(monkeypatch)
    (offline / "mnist").mkdir(parents=True)
    for name, blob in blobs.items():
        (offline / "mnist" / name).write_bytes(blob)
    refuse(monkeypatch, builtins, "open", offline / "mnist" / "t10k-labels-idx1-ubyte.gz")
    with pytest.raises(datasets.CacheError) as info:
        datasets.mnist()
    assert str(info.value).startswith(f"t10k-labels-idx1-ubyte.gz: cannot read it in the "
                                      f"cache folder {offline / 'mnist'} (PermissionError")
    assert str(info.value).endswith("make it readable, or set RUNGRAD_DATA to another folder")


def test_a_complete_read_only_cache_is_enough(monkeypatch, offline):
    """Nothing is written when every file is there (no stamp, no lock beside them)."""
    blobs, _, _ = fake_mnist(monkeypatch)
    (offline / "mnist").mkdir(parents=True)
    for name, blob in blobs.items():
        (offline / "mnist" / name).write_bytes(blob)
    refuse(monkeypatch, os, "open", offline, when=lambda flags, *a: flags & os.O_CREAT)
    refuse(monkeypatch, os, "mkdir", offline)
    (x, _), _ = datasets.mnist()
    assert len(x) == 6
