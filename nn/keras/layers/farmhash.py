"""FarmHash's Fingerprint64 (farmhashna's Hash64), the hash that Keras' StringLookup (several
OOV indices) and Hashing take a string's bucket from: `fingerprint64(data) % buckets`.
Python integers masked to 64 bits stand for C's uint64 arithmetic."""
import numpy as np

from .siphash import siphash24

MASK = (1 << 64) - 1
K0, K1, K2 = 0xC3A5C85C97CB3127, 0xB492B66FBE98F273, 0x9AE16A3B2F90404F


def _fetch64(data, at):
    return int.from_bytes(data[at:at + 8], "little")


def _fetch32(data, at):
    return int.from_bytes(data[at:at + 4], "little")


def _rotate(value, shift):
    return ((value >> shift) | (value << (64 - shift))) & MASK


def _shift_mix(value):
    return value ^ (value >> 47)


def _hash16(u, v, mul):
    a = ((u ^ v) * mul) & MASK
    a ^= a >> 47
    b = ((v ^ a) * mul) & MASK
    b ^= b >> 47
    return (b * mul) & MASK


def _upto16(data):
    n = len(data)
    if n >= 8:
        mul = K2 + n * 2
        a = (_fetch64(data, 0) + K2) & MASK
        b = _fetch64(data, n - 8)
        c = (_rotate(b, 37) * mul + a) & MASK
        d = ((_rotate(a, 25) + b) * mul) & MASK
        return _hash16(c, d, mul)
    if n >= 4:
        return _hash16(n + (_fetch32(data, 0) << 3), _fetch32(data, n - 4), K2 + n * 2)
    if n:
        y = data[0] + (data[n >> 1] << 8)
        z = n + (data[n - 1] << 2)
        return (_shift_mix(((y * K2) ^ (z * K0)) & MASK) * K2) & MASK
    return K2


def _ends(data, k):
    """a, b, c, d and the multiplier of the 17- to 64-byte hashes (a's factor `k`)."""
    n = len(data)
    mul = K2 + n * 2
    return ((_fetch64(data, 0) * k) & MASK, _fetch64(data, 8),
            (_fetch64(data, n - 8) * mul) & MASK, (_fetch64(data, n - 16) * K2) & MASK, mul)


def _mix(a, b, c, d, k=K2):
    """The two words those hashes mix four into."""
    return ((_rotate((a + b) & MASK, 43) + _rotate(c, 30) + d) & MASK,
            (a + _rotate((b + k) & MASK, 18) + c) & MASK)


def _upto32(data):
    a, b, c, d, mul = _ends(data, K1)
    return _hash16(*_mix(a, b, c, d), mul)


def _upto64(data):
    n = len(data)
    a, b, c, d, mul = _ends(data, K2)
    y, second = _mix(a, b, c, d)
    z = _hash16(y, second, mul)
    e = (_fetch64(data, 16) * mul) & MASK
    f = _fetch64(data, 24)
    g = ((y + _fetch64(data, n - 32)) * mul) & MASK
    h = ((z + _fetch64(data, n - 24)) * mul) & MASK
    return _hash16(*_mix(e, f, g, h, a), mul)


def _weak32(data, at, a, b):
    w, x, y, z = (_fetch64(data, at + 8 * i) for i in range(4))
    a = (a + w) & MASK
    b = _rotate((b + a + z) & MASK, 21)
    c = a
    a = (a + x + y) & MASK
    b = (b + _rotate(a, 44)) & MASK
    return (a + z) & MASK, (b + c) & MASK


def _round(data, at, x, y, z, v, w, mul, last):
    """One 64-byte block of the long hash (`last`: the final block's variant)."""
    x = (_rotate((x + y + v[0] + _fetch64(data, at + 8)) & MASK, 37) * mul) & MASK
    y = (_rotate((y + v[1] + _fetch64(data, at + 48)) & MASK, 42) * mul) & MASK
    x ^= (w[1] * 9) & MASK if last else w[1]
    y = (y + (v[0] * 9 if last else v[0]) + _fetch64(data, at + 40)) & MASK
    z = (_rotate((z + w[0]) & MASK, 33) * mul) & MASK
    v = _weak32(data, at, (v[1] * mul) & MASK, (x + w[0]) & MASK)
    w = _weak32(data, at + 32, (z + w[1]) & MASK, (y + _fetch64(data, at + 16)) & MASK)
    return z, y, x, v, w  # (x and z swapped)


def fingerprint64(data):
    """FarmHash Fingerprint64 of `data` (bytes), an int in [0, 2^64)."""
    n = len(data)
    if n <= 16:
        return _upto16(data)
    if n <= 32:
        return _upto32(data)
    if n <= 64:
        return _upto64(data)
    seed = 81
    y = (seed * K1 + 113) & MASK
    z = (_shift_mix((y * K2 + 113) & MASK) * K2) & MASK
    v = w = (0, 0)
    x = (seed * K2 + _fetch64(data, 0)) & MASK
    end = ((n - 1) // 64) * 64
    for at in range(0, end, 64):
        x, y, z, v, w = _round(data, at, x, y, z, v, w, K1, False)
    mul = K1 + ((z & 0xFF) << 1)
    last = end + ((n - 1) & 63) - 63
    w0 = (w[0] + ((n - 1) & 63)) & MASK
    v = ((v[0] + w0) & MASK, v[1])
    w = ((w0 + v[0]) & MASK, w[1])
    x, y, z, v, w = _round(data, last, x, y, z, v, w, mul, True)
    return _hash16((_hash16(v[0], w[0], mul) + _shift_mix(y) * K0 + z) & MASK,
                   (_hash16(v[1], w[1], mul) + x) & MASK, mul)


def fingerprint_buckets(texts, buckets, key=None):
    """Each string of `texts` (an array of str) in its bucket, fingerprint64 of its UTF-8
    mod `buckets` (with a `key`, two ints, its SipHash-2-4 instead: TensorFlow's
    to_hash_bucket_strong): int64, the texts' shape. Each distinct string is hashed once
    (a batch repeats its tokens, and the hash runs in Python)."""
    unique, inverse = np.unique(texts, return_inverse=True)
    hashed = np.array([_hash(t.encode("utf-8"), key) % buckets for t in unique.tolist()],
                      np.int64)
    return hashed[inverse.reshape(texts.shape)]


def _hash(data, key):
    return fingerprint64(data) if key is None else siphash24(key, data)


__all__ = ["fingerprint64", "fingerprint_buckets"]
