"""CIFAR-10: downloaded once (checksummed), then read from the cache.

The archive is the *binary version* (cifar-10-binary.tar.gz), whose records are plain
bytes: one label byte, then 1024 red, 1024 green and 1024 blue pixel bytes of a 32x32
image, row by row. It is read straight out of the tar archive, nothing extracted, and
nothing is ever unpickled (the Python version of the data set is pickles: never used here).
CIFAR-10: A. Krizhevsky, "Learning Multiple Layers of Features from Tiny Images", 2009.
"""
import tarfile

import numpy as np

from .download import Published, fetch_files

ARCHIVE = "cifar-10-binary.tar.gz"
_FILES = {ARCHIVE: Published("c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd",
                              170_052_171)}
_MIRRORS = ("https://www.cs.toronto.edu/~kriz/",)
_FOLDER = "cifar-10-batches-bin/"
_TRAIN = tuple(f"data_batch_{i}.bin" for i in range(1, 6))
_TEST = ("test_batch.bin",)
_SHAPE = (3, 32, 32)
_RECORD = 1 + int(np.prod(_SHAPE))  # 3073 bytes

CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
           "truck")


class CifarError(ValueError):
    """An archive that does not hold CIFAR-10's binary batches; the message names it."""


def cifar10(flatten=False, normalize=True):
    """CIFAR-10: 50,000 train / 10,000 test 32x32 colour images of 10 classes (CLASSES).

    x: float32 in [0, 1] of shape (n, 3, 32, 32) (channels first, for Conv2d), or
    (n, 3072) with flatten=True; normalize=False keeps uint8 0..255. y: int64 labels 0..9.
    The first call downloads 170 MB into data_home()/cifar10.
    """
    path = fetch_files("cifar10", _FILES, _MIRRORS)[ARCHIVE]
    with _open(path) as archive:
        members = _read_members(archive, _TRAIN + _TEST, path)
    split = [_batches(members, names, path) for names in (_TRAIN, _TEST)]
    return tuple((_format(pixels, flatten, normalize), labels) for pixels, labels in split)


def _open(path):
    try:
        return tarfile.open(path, "r:gz")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise CifarError(f"{path}: not a readable tar.gz archive ({exc})") from None


def _read_members(archive, names, path):
    """{name: bytes, or None for an entry that is not a file} of the batch files `names`
    in the open `archive`, read in one pass, nothing extracted. (Looking members up by
    name inflates the whole archive to list it, then again from its start to go back to
    the first batch: twice CIFAR-10's 184 MB, about a second.)"""
    wanted = {_FOLDER + name: name for name in names}
    found, where = {}, "its first member"
    try:
        for info in archive:
            where = info.name
            if info.name in wanted:  # (a name that comes twice: the last wins, as in tar)
                f = archive.extractfile(info)
                found[wanted[info.name]] = None if f is None else f.read()
            where = f"the member after {info.name}"
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise CifarError(f"{path}: corrupt archive, reading {where} ({exc})") from None
    return found


def _batches(members, names, path):
    """(pixels, labels) of the batch files `names`, taken (and dropped) from `members`."""
    pixels, labels = [], []
    for name in names:
        records = _records(members.pop(name, None), _FOLDER + name, path)
        labels.append(records[:, 0].astype(np.int64))
        pixels.append(records[:, 1:].reshape((-1,) + _SHAPE))
    labels = np.concatenate(labels)
    if labels.size and labels.max() >= len(CLASSES):
        raise CifarError(f"{path}: a label of {labels.max()} in {', '.join(names)}; CIFAR-10 "
                         f"labels are 0..{len(CLASSES) - 1}")
    return np.concatenate(pixels), labels


def _records(raw, member, path):
    """The member's bytes `raw` (None: not in the archive) as (records, 3073) uint8."""
    if raw is None:
        raise CifarError(f"{path}: no file {member} in the archive (is it the binary version, "
                         f"{ARCHIVE}?)")
    if len(raw) % _RECORD:
        raise CifarError(f"{path}: {member} holds {len(raw)} bytes, not a whole number of "
                         f"{_RECORD}-byte records")
    return np.frombuffer(raw, dtype=np.uint8).reshape(-1, _RECORD)


def _format(pixels, flatten, normalize):
    x = pixels.astype(np.float32) / np.float32(255) if normalize else pixels
    return x.reshape(len(x), -1) if flatten else x


__all__ = ["cifar10", "CLASSES", "CifarError"]
