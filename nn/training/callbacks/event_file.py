"""TFRecord framing, the container of TensorBoard's event files: each record is
length (uint64 LE), masked CRC-32C of those 8 bytes (uint32 LE), the data, masked CRC-32C
of the data (uint32 LE). A writer to a new file, and a reader that checks every CRC."""
import itertools
import os
import socket
import struct
import time

from .crc32c import masked_crc32c

_HEADER = struct.Struct("<Q")
_CRC = struct.Struct("<I")
_files_made = itertools.count()  # (the last part of a file's name: two in one second differ)


def frame(data):
    """One record: header (length, its CRC), data, the data's CRC."""
    header = _HEADER.pack(len(data))
    return (header + _CRC.pack(masked_crc32c(header)) + data
            + _CRC.pack(masked_crc32c(data)))


class RecordFile:
    """A new event file in `folder` (made if missing), named as TensorFlow's
    (events.out.tfevents.<seconds>.<host>.<pid>.<n>.v2, which TensorBoard's loader looks
    for; n zero-padded, since TensorBoard reads a folder's files in the order of their
    names, and two made in one second must sort as they were made); opened exclusively,
    so a later run never writes into an earlier run's file. Records are buffered until
    flush() or close()."""

    def __init__(self, folder):
        try:
            os.makedirs(folder, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise NotADirectoryError(f"TensorBoard: cannot write event files into {folder}: "
                                     "it, or a folder above it, is a file; give log_dir a "
                                     "folder") from None
        while True:
            name = (f"events.out.tfevents.{int(time.time())}.{socket.gethostname()}."
                    f"{os.getpid()}.{next(_files_made):06d}.v2")
            self.path = os.path.join(folder, name)
            try:
                self._file = open(self.path, "xb")
                return
            except FileExistsError:  # (another process of the same pid: a container)
                continue

    def write(self, data):
        self._file.write(frame(data))

    def flush(self):
        self._file.flush()

    def close(self):
        self._file.close()

    @property
    def closed(self):
        return self._file.closed


def read_records(path):
    """The data of every record of the file at `path`, each CRC checked; a ValueError
    naming the file and the byte offset where a record is corrupted or cut off."""
    with open(path, "rb") as f:
        content = f.read()
    records, at = [], 0
    while at < len(content):
        head = content[at:at + 12]
        if len(head) < 12:
            raise ValueError(f"{path}: truncated: {len(head)} bytes at offset {at}, less "
                             "than a record's 12-byte header")
        (size,), (crc,) = _HEADER.unpack(head[:8]), _CRC.unpack(head[8:])
        if crc != masked_crc32c(head[:8]):
            raise ValueError(f"{path}: corrupted: the length CRC of the record at offset "
                             f"{at} does not match")
        end = at + 12 + size
        if end + 4 > len(content):
            raise ValueError(f"{path}: truncated: the record at offset {at} holds {size} "
                             f"bytes, the file ends {end + 4 - len(content)} bytes short")
        data = content[at + 12:end]
        if _CRC.unpack(content[end:end + 4])[0] != masked_crc32c(data):
            raise ValueError(f"{path}: corrupted: the data CRC of the record at offset {at} "
                             "does not match")
        records.append(data)
        at = end + 4
    return records


__all__ = ["frame", "RecordFile", "read_records"]
