"""keras.ops' differences from Keras 3.15.1 (torch backend; its NumPy backend agreeing on the
shapes) that a second random fuzz (convolutions, FFTs, linear algebra, control flow, indexing,
attention, normalization, losses, keras.ops.image) found; each expected value is Keras' own,
computed once and written here as a literal."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn.keras as keras

ops = keras.ops


def _checked(result, dtype, values):
    data = np.asarray(result.data)
    assert data.dtype == np.dtype(dtype)
    np.testing.assert_allclose(data, values, rtol=1e-6)


SPARSE_TARGET = np.array([0, 2, 1])
SPARSE_OUTPUT = np.array([[0.2, 0.5, 0.1], [0.3, 0.1, 0.6], [0.5, 0.4, 0.3]])


@pytest.mark.parametrize("target, output, from_logits, values", [
    (SPARSE_TARGET, SPARSE_OUTPUT, False, [1.6094379, 0.9162907, 0.5108256]),
    (SPARSE_TARGET, SPARSE_OUTPUT, True, [1.2398311, 1.0459107, 0.8532866]),
    (np.array([[1, 0], [0, 1]]),
     np.array([[[1.0, -1.0], [0.5, 2.0]], [[0.0, 0.5], [-1.0, 1.0]]]), True,
     [[1.3132617, 1.7014133], [0.2014133, 1.3132617]]),
    (np.array([[1, 0]]), np.array([[0.2, 0.8], [0.6, 0.4]]), False, [0.2876821, 0.4054651]),
], ids=["probabilities", "logits", "3-d-logits", "target-keeping-the-axis"])
def test_sparse_categorical_crossentropy_on_the_first_axis(target, output, from_logits, values):
    """axis=0 holds the classes (Keras' moves it last), where rungrad refused it."""
    out = ops.sparse_categorical_crossentropy(target, output, from_logits=from_logits, axis=0)
    _checked(out, "float64", values)


@given(st.integers(0, 2), st.booleans())
def test_sparse_categorical_crossentropy_axis_is_a_moved_last_axis(axis, from_logits):
    """Classes on any axis give what the same classes moved last give."""
    output = np.arange(24.0).reshape(2, 3, 4) % 5 + 0.5
    target = np.zeros(np.delete(output.shape, axis), np.int64) + 1
    moved = np.moveaxis(output, axis, -1)
    got = ops.sparse_categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)
    want = ops.sparse_categorical_crossentropy(target, moved, from_logits=from_logits)
    np.testing.assert_allclose(np.asarray(got.data), np.asarray(want.data), rtol=1e-12)


SPECTRUM = (np.array([[[1.0, 0.5, -0.5], [0.25, -1.0, 0.5], [0.5, 0.0, 1.0], [-0.5, 1.5, 0.25]]],
                     np.float32),
            np.array([[[0.0, 0.5, 0.0], [0.0, -0.25, 0.0], [0.0, 1.0, 0.0], [0.0, 0.5, 0.0]]],
                     np.float32))


@pytest.mark.parametrize("window, sequence_length, center, values", [
    (None, 4, True, [-0.4375, 0.6875, 1.0625, -0.8125, 1.0625, -0.0625, -0.8125, 0.0625]),
    (None, 4, False,
     [0.375, 0.125, -0.4375, 0.6875, 1.0625, -0.8125, 1.0625, -0.0625, -0.8125, 0.0625]),
    ("hann", 4, False,
     [0.0, 0.125, -0.125, 0.6875, 0.6875, -0.8125, 0.375, -0.0625, -0.8125, 0.0625]),
    ("hamming", 3, True,
     [-0.202319, 0.081169, 0.933381, -0.811688, 0.573586, -0.568182, -1.043926, 0.0]),
    ("hann", 4, True,  # (PyTorch's istft: padded with zeros up to length)
     [-0.125, 0.6875, 0.6875, -0.8125, 0.375, -0.0625, -0.8125, 0.125, 0.0, 0.0, 0.0]),
], ids=["no-window-center", "no-window", "hann-uncentred", "hamming-short", "hann-torch"])
def test_istft_cuts_to_a_longer_length_without_padding(window, sequence_length, center,
                                                       values):
    """A `length` past the overlap-add's samples cuts nothing and pads nothing (Keras'
    x[..., start:start + length]), but where Keras hands over to torch.istft."""
    out = ops.istft(SPECTRUM, sequence_length=sequence_length, sequence_stride=2,
                    fft_length=4, window=window, center=center, length=11)
    np.testing.assert_allclose(np.asarray(out.data), [values], rtol=1e-5, atol=1e-6)
