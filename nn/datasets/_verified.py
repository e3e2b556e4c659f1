"""SHA-256 of cached files, computed once per version of a file in a process.

Loading a data set again must not hash its files again (CIFAR-10's archive is 170 MB), yet
a file changed or replaced since must be hashed anew. A digest is kept with the file's
signature: device and inode (a replacement is another inode), size, and the modification
and status-change times in nanoseconds (any write changes the ctime, which, unlike the
mtime, cannot be set back). Timestamps come from a coarse clock (milliseconds, or whole
seconds on some file systems), so a second change within the same tick could leave the
signature as it was: as git does for "racily clean" files, a file changed less than
_SETTLED_NS ago is hashed but not remembered. Nothing is written to disk: a read-only
cache works, and each process hashes once for itself.
"""
import hashlib
import os
import time

_CHUNK = 1 << 20
_SETTLED_NS = 2_000_000_000  # FAT keeps modification times to 2 s
_digests = {}  # path -> (signature of the file when hashed, its hex SHA-256)


def _signature(st):
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def _now_ns():
    return time.time_ns()


def _hash(f):
    """Hex SHA-256 of the rest of the open binary file `f`."""
    digest = hashlib.sha256()
    for chunk in iter(lambda: f.read(_CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def sha256_of(path):
    """Hex SHA-256 of the file at `path`; read only if it changed since this process last
    hashed it (or changed too recently to tell)."""
    key = os.fspath(path)
    with open(path, "rb") as f:  # one open file: stat and bytes are of the same inode
        before = _signature(os.fstat(f.fileno()))
        known = _digests.get(key)
        if known is not None and known[0] == before:
            return known[1]
        digest = _hash(f)
        after = os.fstat(f.fileno())
    settled = _now_ns() - max(after.st_mtime_ns, after.st_ctime_ns) >= _SETTLED_NS
    if settled and _signature(after) == before:  # (and not written to while read)
        _digests[key] = (before, digest)
    return digest
