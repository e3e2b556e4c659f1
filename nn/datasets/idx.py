"""read_idx: parse the IDX format MNIST-style data sets are published in.

Layout (big-endian): two zero bytes, a type code, the number of dimensions d, then d
uint32 sizes, then the values in C order. Files may be gzip-compressed.
"""

import gzip

import numpy as np

_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_GZIP_MAGIC = b"\x1f\x8b"


class IDXError(ValueError):
    """A file that is not valid IDX; the message names the file."""


def _read_bytes(path):
    """The file's content, decompressed when it starts with the gzip magic number."""
    with open(path, "rb") as f:
        raw = f.read()
    if not raw.startswith(_GZIP_MAGIC):
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError) as exc:  # truncated or corrupt archive
        raise IDXError(f"{path}: corrupt gzip data ({exc})") from None


def _parse_header(raw, path):
    """(dtype, shape, offset of the first value) from the header of `raw`."""
    if len(raw) < 4 or raw[:2] != b"\0\0":
        raise IDXError(f"{path}: not an IDX file (magic number {raw[:4].hex() or 'empty'}; "
                       f"expected 0000 followed by a type code and a dimension count)")
    code, ndim = raw[2], raw[3]
    if code not in _IDX_DTYPES:
        raise IDXError(f"{path}: unknown IDX data type code 0x{code:02x} "
                       f"(known: {', '.join(f'0x{c:02x}' for c in _IDX_DTYPES)})")
    offset = 4 + 4 * ndim
    if len(raw) < offset:
        raise IDXError(f"{path}: header announces {ndim} dimensions but the file ends "
                       f"after {len(raw)} bytes")
    shape = tuple(int(s) for s in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    return np.dtype(_IDX_DTYPES[code]), shape, offset


def read_idx(path):
    """Read an IDX file (plain or gzip) into a native-endian ndarray of its shape.

    Raises IDXError naming the file when the magic number, type code or size is wrong.
    """
    raw = _read_bytes(path)
    dtype, shape, offset = _parse_header(raw, path)
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(raw) - offset != expected:
        raise IDXError(f"{path}: header says shape {shape} of {dtype.name} "
                       f"({expected} bytes of data) but the file holds "
                       f"{len(raw) - offset} bytes after the header")
    values = np.frombuffer(raw, dtype=dtype, offset=offset).reshape(shape)
    return values.astype(dtype.newbyteorder("="))  # a writable, native-order copy
