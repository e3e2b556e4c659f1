"""OneHot's num_classes is a positive integer: 2.7 was truncated to 2 classes."""
import numpy as np
import pytest

from nn.data import OneHot


@pytest.mark.parametrize("bad", [2.7, 0, -1, "3", True])
def test_num_classes_must_be_a_positive_integer(bad):
    with pytest.raises(ValueError, match="OneHot: num_classes must be a positive integer"):
        OneHot(bad)


def test_a_whole_float_is_taken():
    assert OneHot(np.int64(3)).num_classes == OneHot(3.0).num_classes == 3
    assert OneHot(3.0)(np.array([2])).tolist() == [[0.0, 0.0, 1.0]]
