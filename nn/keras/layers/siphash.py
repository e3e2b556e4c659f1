"""SipHash-2-4, the keyed hash of TensorFlow's to_hash_bucket_strong, which Keras' Hashing
(and StringLookup's and IntegerLookup's OOV indices) use when given a salt:
`siphash24(key, data) % buckets`, the key two 64-bit words (the salt; a negative one read
as its two's complement, as TensorFlow's int64 attribute is). Python integers masked to 64
bits stand for C's uint64 arithmetic."""
import numpy as np

MASK = (1 << 64) - 1
_INIT = (0x736F6D6570736575, 0x646F72616E646F6D, 0x6C7967656E657261, 0x7465646279746573)


def _rotate(value, shift):
    return ((value << shift) | (value >> (64 - shift))) & MASK


def _rounds(v, count):
    """`count` SipRounds of the state v = [v0, v1, v2, v3] (in place)."""
    for _ in range(count):
        v[0] = (v[0] + v[1]) & MASK
        v[1] = _rotate(v[1], 13) ^ v[0]
        v[0] = _rotate(v[0], 32)
        v[2] = (v[2] + v[3]) & MASK
        v[3] = _rotate(v[3], 16) ^ v[2]
        v[0] = (v[0] + v[3]) & MASK
        v[3] = _rotate(v[3], 21) ^ v[0]
        v[2] = (v[2] + v[1]) & MASK
        v[1] = _rotate(v[1], 17) ^ v[2]
        v[2] = _rotate(v[2], 32)


def _absorb(v, word):
    v[3] ^= word
    _rounds(v, 2)
    v[0] ^= word


def siphash24(key, data):
    """SipHash-2-4 of `data` (bytes) under `key` (two ints), an int in [0, 2^64)."""
    k0, k1 = (int(k) & MASK for k in key)
    v = [_INIT[0] ^ k0, _INIT[1] ^ k1, _INIT[2] ^ k0, _INIT[3] ^ k1]
    end = len(data) - len(data) % 8
    for at in range(0, end, 8):
        _absorb(v, int.from_bytes(data[at:at + 8], "little"))
    _absorb(v, ((len(data) & 0xFF) << 56) | int.from_bytes(data[end:], "little"))
    v[2] ^= 0xFF
    _rounds(v, 4)
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def salt_key(salt, who):
    """Keras' salt (Hashing's, the lookups') as the SipHash key [k0, k1]: an int is
    [salt, salt], a pair as it is (each a 64-bit integer, TensorFlow's key attribute); None
    for FarmHash. A ValueError naming `who` for anything else."""
    if salt is None:
        return None
    pair = [salt, salt] if isinstance(salt, (int, np.integer)) else salt
    if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and all(
            isinstance(k, (int, np.integer)) and not isinstance(k, bool) and
            -2 ** 63 <= k < 2 ** 63 for k in pair)):
        raise ValueError(f"{who}: salt must be an integer or a pair of integers (64-bit, the "
                         f"SipHash key), or None; got {salt!r}")
    return [int(k) for k in pair]


__all__ = ["siphash24", "salt_key"]
