"""read_idx: parse the IDX format MNIST-style data sets are published in.

Layout (big-endian): two zero bytes, a type code, the number of dimensions d, then d
uint32 sizes, then the values in C order. Files may be gzip-compressed.

The file is streamed: the header is read first, then at most the bytes it announces (and
one more, to tell that the file is longer), so a small gzip file that inflates to gigabytes
costs no more memory than the array it claims to hold.
"""

import gzip
import math

import numpy as np

_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20


class IDXError(ValueError):
    """A file that is not valid IDX; the message names the file."""


def _open(path):
    """The file opened for reading, decompressing when it starts with the gzip magic."""
    f = open(path, "rb")
    if f.read(2) == _GZIP_MAGIC:
        f.seek(0)
        return gzip.GzipFile(fileobj=f, mode="rb"), f
    f.seek(0)
    return f, f


def _read_at_most(f, limit):
    """Up to `limit` bytes of `f`, in chunks: memory follows what is there, not `limit`."""
    chunks, got = [], 0
    while got < limit:
        chunk = f.read(min(_CHUNK, limit - got))
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _parse_header(f, path):
    """(dtype, shape) from the header at the start of the open file `f`."""
    head = _read_at_most(f, 4)
    if len(head) < 4 or head[:2] != b"\0\0":
        raise IDXError(f"{path}: not an IDX file (magic number {head.hex() or 'empty'}; "
                       f"expected 0000 followed by a type code and a dimension count)")
    code, ndim = head[2], head[3]
    if code not in _IDX_DTYPES:
        raise IDXError(f"{path}: unknown IDX data type code 0x{code:02x} "
                       f"(known: {', '.join(f'0x{c:02x}' for c in _IDX_DTYPES)})")
    sizes = _read_at_most(f, 4 * ndim)
    if len(sizes) < 4 * ndim:
        raise IDXError(f"{path}: header announces {ndim} dimensions but the file ends "
                       f"after {4 + len(sizes)} bytes")
    shape = tuple(int(s) for s in np.frombuffer(sizes, dtype=">u4"))
    return np.dtype(_IDX_DTYPES[code]), shape


def _read_values(path):
    """(dtype, shape, the bytes of data the header announces, the data read: at most one
    byte more than announced, so that a longer file shows)."""
    stream, raw_file = _open(path)
    with raw_file, stream:
        try:
            dtype, shape = _parse_header(stream, path)
            expected = math.prod(shape) * dtype.itemsize  # exact: no int64 wrap-around
            return dtype, shape, expected, _read_at_most(stream, expected + 1)
        except (OSError, EOFError) as exc:  # truncated or corrupt gzip data
            raise IDXError(f"{path}: corrupt gzip data ({exc})") from None


def read_idx(path):
    """Read an IDX file (plain or gzip) into a native-endian ndarray of its shape.

    Raises IDXError naming the file when the magic number, type code or size is wrong.
    """
    dtype, shape, expected, data = _read_values(path)
    if len(data) != expected:
        held = f"{len(data)}" if len(data) < expected else "more than that"
        raise IDXError(f"{path}: header says shape {shape} of {dtype.name} "
                       f"({expected} bytes of data) but the file holds {held} bytes "
                       f"after the header")
    values = np.frombuffer(data, dtype=dtype).reshape(shape)
    return values.astype(dtype.newbyteorder("="))  # a writable, native-order copy
