"""F.one_hot: PyTorch's encoding (int64 by default), any leading shape, checked labels."""
import numpy as np
import pytest

import nn.functional as F
from autograd import Variable


def test_encodes_every_label():
    labels = np.array([[0, 2], [1, 2]])
    encoded = F.one_hot(labels, 3)
    assert encoded.dtype == np.int64 and encoded.shape == (2, 2, 3)
    assert not encoded.requires_grad
    np.testing.assert_array_equal(encoded.data, np.eye(3, dtype=np.int64)[labels])


def test_infers_num_classes_and_takes_a_dtype_and_variables():
    encoded = F.one_hot(Variable(np.array([1, 4])), dtype=np.float32)
    assert encoded.shape == (2, 5) and encoded.dtype == np.float32
    np.testing.assert_array_equal(encoded.data.argmax(1), [1, 4])


def test_matches_torch():
    torch = pytest.importorskip("torch")
    labels = np.random.default_rng(0).integers(0, 6, (3, 4))
    np.testing.assert_array_equal(F.one_hot(labels, 7).data,
                                  torch.nn.functional.one_hot(torch.from_numpy(labels), 7))


@pytest.mark.parametrize("labels, classes, error, message", [
    (np.array([0, 3]), 3, ValueError, r"\[0, 3\).*0 to 3"),
    (np.array([-1, 0]), 2, ValueError, "from -1"),
    (np.array([0.0, 1.0]), 2, TypeError, "integers"),
    (np.array([], np.int64), -1, ValueError, "empty"),
])
def test_bad_labels(labels, classes, error, message):
    with pytest.raises(error, match=message):
        F.one_hot(labels, classes)


@pytest.mark.parametrize("num_classes", [-2, 2.5, True])
def test_num_classes_must_be_a_count(num_classes):
    with pytest.raises(ValueError, match="one_hot: num_classes must be an integer >= 0"):
        F.one_hot(np.array([0, 1]), num_classes)
