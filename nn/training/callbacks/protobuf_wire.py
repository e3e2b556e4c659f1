"""The protocol-buffer wire format, as far as TensorBoard's event files use it: encoding
fields one by one, and splitting a message back into its fields (no schema, no library).

A message is a run of fields, each a key varint (field number << 3 | wire type) and a
payload: wire type 0 a varint, 1 eight little-endian bytes (double), 2 a length varint and
that many bytes (bytes, text, a nested message, a packed repeated field), 5 four bytes
(float)."""
import struct

VARINT, FIXED64, LENGTH_DELIMITED, FIXED32 = 0, 1, 2, 5
_INT64 = 1 << 64


def varint(n):
    """n as a base-128 varint, low groups first; a negative int64 as its two's complement
    (ten bytes), as protobuf writes it."""
    if n < 0:
        n += _INT64
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _key(number, wire_type):
    return varint(number << 3 | wire_type)


def int_field(number, n):
    """An int32/int64/enum/bool field."""
    return _key(number, VARINT) + varint(int(n))


def double_field(number, x):
    return _key(number, FIXED64) + struct.pack("<d", x)


def float_field(number, x):
    return _key(number, FIXED32) + struct.pack("<f", x)


def bytes_field(number, data):
    """A bytes, string (text is written as UTF-8) or nested-message field."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return _key(number, LENGTH_DELIMITED) + varint(len(data)) + data


def packed_doubles_field(number, values):
    """A packed `repeated double`: one length-delimited run of 8-byte values."""
    return bytes_field(number, struct.pack(f"<{len(values)}d", *values))


def _read_varint(data, at):
    """(value, position after it) of the varint at data[at:]."""
    value, shift = 0, 0
    while True:
        if at >= len(data):
            raise ValueError("protobuf: a varint runs past the end of the message")
        byte = data[at]
        value |= (byte & 0x7F) << shift
        at += 1
        if byte < 0x80:
            return value, at
        shift += 7
        if shift >= 70:
            raise ValueError("protobuf: a varint longer than ten bytes")


def read_fields(data):
    """[(field number, wire type, value)] of a message: an int for a varint, the raw bytes
    for the other wire types (decode them with as_double, as_float, as_doubles, ...)."""
    fields, at = [], 0
    while at < len(data):
        key, at = _read_varint(data, at)
        number, wire_type = key >> 3, key & 7
        if wire_type == VARINT:
            value, at = _read_varint(data, at)
        else:
            if wire_type == LENGTH_DELIMITED:
                size, at = _read_varint(data, at)
            elif wire_type in (FIXED64, FIXED32):
                size = 8 if wire_type == FIXED64 else 4
            else:
                raise ValueError(f"protobuf: field {number} has wire type {wire_type}, "
                                 "which event files do not use (or the data is not protobuf)")
            if at + size > len(data):
                raise ValueError(f"protobuf: field {number} runs past the end of the message")
            value, at = bytes(data[at:at + size]), at + size
        fields.append((number, wire_type, value))
    return fields


def as_int64(n):
    """A varint read back as a signed int64."""
    return n - _INT64 if n >= 1 << 63 else n


def as_double(raw):
    return struct.unpack("<d", raw)[0]


def as_float(raw):
    return struct.unpack("<f", raw)[0]


def as_doubles(raw):
    """A packed `repeated double` field's values."""
    return list(struct.unpack(f"<{len(raw) // 8}d", raw))


__all__ = ["varint", "int_field", "double_field", "float_field", "bytes_field",
           "packed_doubles_field", "read_fields", "as_int64", "as_double", "as_float",
           "as_doubles"]
