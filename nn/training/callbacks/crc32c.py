"""CRC-32C (Castagnoli), as TFRecord framing checks it, and TensorFlow's masked form."""

_POLYNOMIAL = 0x82F63B78  # Castagnoli's 0x1EDC6F41, bit-reversed (the CRC is computed LSB first)


def _table():
    """The 256 remainders of the byte-at-a-time algorithm."""
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ (_POLYNOMIAL if crc & 1 else 0)
        table.append(crc)
    return tuple(table)


_TABLE = _table()


def crc32c(data):
    """CRC-32C of `data` (bytes): crc32c(b"123456789") == 0xE3069283."""
    crc = 0xFFFFFFFF
    table = _TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    """TensorFlow's masked CRC: rotate right by 15 bits, add 0xA282EAD8 (mod 2**32), so that
    a CRC of data that holds CRCs does not degenerate."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


__all__ = ["crc32c", "masked_crc32c"]
