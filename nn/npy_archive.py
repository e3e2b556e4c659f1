"""A zip archive of .npy members (an .npz weights file, a model.save file, an nn.save
checkpoint), opened without trusting what it declares.

Opening it reads the zip's directory and each array's .npy header, not its data, and
refuses, naming the member:
- a name held by two members (readers disagree on which one counts);
- a member whose compressed bytes would lie beyond the end of the file or overlap the next
  member's, or a stored (uncompressed) member whose two sizes differ;
- a header whose shape and dtype account for another size than its zip entry declares
  (the data is then read to exactly that size, and zipfile checks its CRC);
- an object array (never unpickled: allow_pickle stays False).
What an array's data may then cost is bounded by nn.stored_array: by the model's parameter
it goes to, or by the file's budget.
"""
import math
import os
import zipfile
import zlib
from collections import Counter

import numpy as np

from .stored_array import ReadBudget, StoredArray, TooCompressed

# What reading a damaged zip archive raises: zipfile's own error, a short file, a member
# naming an unknown compression method, a broken deflate stream.
DAMAGED_ARCHIVE = (OSError, EOFError, zipfile.BadZipFile, NotImplementedError, zlib.error)


class CorruptArchive(ValueError):
    """A member that is damaged, or declares what it does not hold (see the top)."""


_LOCAL_HEADER = 30  # bytes before a member's name in its local header: the least it takes
_HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0,
                   (2, 0): np.lib.format.read_array_header_2_0}


class NpyArchive:
    """The zip archive at `path`, checked (see the module docstring); a context manager.
    Its errors are CorruptArchive (a ValueError) naming the member; the caller names the
    file."""

    def __init__(self, path):
        self.budget = ReadBudget(os.path.getsize(path))
        self._zip = zipfile.ZipFile(path)
        try:
            self.names = self._zip.namelist()  # (in the file's order)
            self._names = set(self.names)
            _check_layout(self._zip.infolist(), self.budget.file_size)
        except BaseException:
            self._zip.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __contains__(self, name):
        return name in self._names

    def close(self):
        self._zip.close()

    def array(self, name):
        """The StoredArray of the .npy member `name`: its header read and checked."""
        info = self._zip.getinfo(name)
        try:
            with self._zip.open(info) as member:
                shape, dtype, offset = npy_header(member, name)
        except DAMAGED_ARCHIVE as exc:
            raise _corrupt(name, exc) from None
        data = math.prod(shape) * dtype.itemsize  # (Python integers: no overflow)
        if offset + data != info.file_size:
            raise CorruptArchive(f"member {name!r}: its .npy header declares shape {shape} "
                                 f"of {dtype} ({data} bytes after a {offset}-byte header) but "
                                 f"its zip entry declares {info.file_size} bytes")
        return StoredArray(name, shape, dtype, lambda: self._read_array(info), self.budget)

    def raw(self, name):
        """Member `name`, not an .npy file, as a StoredArray of its bytes (dtype S1; numpy.load
        gives them as a bytes object under the same whole name), read only if loaded (a
        weights loader refuses its dtype first)."""
        info = self._zip.getinfo(name)
        return StoredArray(name, (info.file_size,), np.dtype("S1"),
                           lambda: np.frombuffer(self._read(info), "S1"), self.budget)

    def read_bytes(self, name):
        """The whole content of member `name` (a JSON document), counted in the budget."""
        info = self._zip.getinfo(name)
        self.budget.spend(name, info.file_size)
        return self._read(info)

    def _read(self, info):
        try:
            return self._zip.read(info)
        except DAMAGED_ARCHIVE as exc:
            raise _corrupt(info.filename, exc) from None

    def _read_array(self, info):
        try:
            with self._zip.open(info) as member:
                return np.lib.format.read_array(member, allow_pickle=False)
        except (ValueError, *DAMAGED_ARCHIVE) as exc:
            raise _corrupt(info.filename, exc) from None


def _check_layout(infos, file_size):
    """What the zip's directory declares, checked against itself and the file's size."""
    for name, count in Counter(info.filename for info in infos).items():
        if count > 1:
            raise CorruptArchive(f"member {name!r} appears {count} times (readers disagree "
                                 "on which one counts: a damaged or crafted file)")
    end = 0  # where the members seen so far end, at the least
    for info in sorted(infos, key=lambda info: info.header_offset):
        if info.header_offset < end:
            raise CorruptArchive(f"member {info.filename!r} starts at offset "
                                 f"{info.header_offset}, inside the member before it "
                                 "(members overlap: a crafted file)")
        end = info.header_offset + _LOCAL_HEADER + info.compress_size
        if end > file_size:
            raise CorruptArchive(f"member {info.filename!r} declares {info.compress_size} "
                                 f"compressed bytes at offset {info.header_offset}, beyond "
                                 f"the end of the file ({file_size} bytes)")
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            raise CorruptArchive(f"member {info.filename!r} is stored uncompressed but "
                                 f"declares {info.file_size} bytes and holds "
                                 f"{info.compress_size}")


def npy_header(member, name, objects=False):
    """(shape, dtype, the header's length) of the open .npy `member`, or CorruptArchive;
    objects=True lets an object dtype through (for a reader that never unpickles it)."""
    try:
        version = np.lib.format.read_magic(member)
    except ValueError:
        raise CorruptArchive(f"member {name!r} is not an .npy array (no .npy signature)") \
            from None
    reader = _HEADER_READERS.get(version)
    if reader is None:
        raise CorruptArchive(f"member {name!r} is an .npy file of format version "
                             f"{version[0]}.{version[1]}, which is not read (1.0 and 2.0 are)")
    try:
        shape, _, dtype = reader(member)
    except ValueError as exc:
        raise CorruptArchive(f"member {name!r} has a malformed .npy header ({exc})") from None
    if dtype.hasobject and not objects:
        raise CorruptArchive(f"member {name!r} holds Python objects (dtype {dtype}), which "
                             "are never unpickled")
    if any(n < 0 for n in shape):
        raise CorruptArchive(f"member {name!r}: its .npy header declares the shape {shape}")
    return tuple(shape), dtype, member.tell()


def describe(exc):
    """What a loader's error says of `exc`: this module's own message as it is, another
    error's with its type (zipfile's BadZipFile: ...)."""
    if type(exc) is ValueError or isinstance(exc, (CorruptArchive, TooCompressed)):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _corrupt(name, exc):
    return CorruptArchive(f"member {name!r} cannot be read ({type(exc).__name__}: {exc})")


__all__ = ["NpyArchive", "CorruptArchive", "DAMAGED_ARCHIVE", "describe", "npy_header"]
