"""Zip archives built byte by byte, for the tests of crafted weights files: a member's zip
headers may declare sizes its data does not have, which zipfile's writer never produces."""
import io
import struct
import zlib

import numpy as np

_ZIP64_VERSION = 45


def npy_header(shape, dtype="<f4", fortran_order=False):
    """The bytes of an .npy header declaring `shape` of `dtype` (no data after it)."""
    buffer = io.BytesIO()
    header = {"descr": np.dtype(dtype).str, "fortran_order": fortran_order,
              "shape": tuple(shape)}
    np.lib.format.write_array_header_1_0(buffer, header)
    return buffer.getvalue()


def npy_bytes(array):
    """`array` as a whole .npy file's bytes."""
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=False)
    return buffer.getvalue()


class Member:
    """One member: `payload` as stored in the archive (already deflated for method 8), and
    what its headers declare: `file_size` (its inflated size) and `crc`, by default those of
    `content`, the bytes it inflates to (the payload itself for a stored member)."""

    def __init__(self, name, payload, method=0, content=None, file_size=None, crc=None):
        content = payload if content is None else content
        self.name, self.payload, self.method = name.encode(), payload, method
        self.file_size = len(content) if file_size is None else file_size
        self.crc = zlib.crc32(content) if crc is None else crc


def stored(name, data, **declared):
    return Member(name, data, 0, **declared)


def deflated(name, data, **declared):
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Member(name, packer.compress(data) + packer.flush(), 8, content=data, **declared)


def zero_bomb(name, header, zero_bytes):
    """A deflated member: `header` then `zero_bytes` zeros, compressed about 1000:1 (built
    in chunks: the inflated bytes are never held at once)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(1 << 20)
    parts, crc = [packer.compress(header)], zlib.crc32(header)
    left = zero_bytes
    while left:
        piece = chunk[:min(left, len(chunk))]
        parts.append(packer.compress(piece))
        crc = zlib.crc32(piece, crc)
        left -= len(piece)
    parts.append(packer.flush())
    return Member(name, b"".join(parts), 8, content=b"", file_size=len(header) + zero_bytes,
                  crc=crc)


def zip_bytes(members):
    """The archive of `members` (Member objects, in order; names may repeat). Sizes always
    go in a zip64 extra field, so a member may declare any size."""
    body, directory = bytearray(), bytearray()
    for member in members:
        extra = struct.pack("<HHQQ", 1, 16, member.file_size, len(member.payload))
        fields = (_ZIP64_VERSION, 0, member.method, 0, 0x21, member.crc, 0xFFFFFFFF,
                  0xFFFFFFFF, len(member.name), len(extra))
        offset = len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + member.name + extra
        body += member.payload
        directory += struct.pack("<IH", 0x02014B50, _ZIP64_VERSION) + \
            struct.pack("<HHHHHIIIHH", *fields) + \
            struct.pack("<HHHII", 0, 0, 0, 0, offset) + member.name + extra
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members),
                      len(directory), len(body), 0)
    return bytes(body + directory + end)
