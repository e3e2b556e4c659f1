"""Keras' Rescaling: x * scale + offset, per channel when they are lists or arrays, in the
input's floating dtype (Keras 3.15.1 casts them to its compute dtype, float32)."""
import numpy as np
import pytest

from nn.keras import layers


@pytest.mark.parametrize("scale, offset", [([1.0, 2.0, 3.0], 0.0), (0.5, [0.5, 0.0, -1.0]),
                                           (np.array([1, 2, 3]), np.array([0.5, 0, -1]))])
def test_per_channel_scale_and_offset_keep_float32(scale, offset):
    x = np.arange(24, dtype=np.float32).reshape(2, 2, 2, 3)
    y = layers.Rescaling(scale, offset=offset)(x)
    assert y.dtype == np.float32  # (a list of floats made it float64)
    np.testing.assert_allclose(y.data, x * np.asarray(scale, np.float32) +
                               np.asarray(offset, np.float32))


def test_integer_pixels_per_channel_become_float32_and_float64_stays():
    pixels = np.full((1, 2, 2, 3), 255, np.uint8)
    y = layers.Rescaling([1 / 255, 2 / 255, 1 / 510])(pixels)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.data[0, 0, 0], [1, 2, 0.5], rtol=1e-6)
    assert layers.Rescaling([1.0, 2.0, 3.0])(pixels.astype(np.float64)).dtype == np.float64
