"""nn.Flatten: keeps the batch axis by default, PyTorch's start_dim/end_dim."""
import numpy as np
import pytest

import nn
from autograd import Variable


@pytest.mark.parametrize("start, end, shape", [(1, -1, (2, 60)), (0, -1, (120,)),
                                               (1, 2, (2, 12, 5)), (2, 3, (2, 3, 20))])
def test_shapes(start, end, shape):
    x = Variable(np.arange(120.0).reshape(2, 3, 4, 5))
    y = nn.Flatten(start, end)(x)
    assert y.shape == shape
    np.testing.assert_array_equal(y.data.ravel(), x.data.ravel())
    y.backward(np.ones(shape))
    assert x.grad.shape == x.shape


def test_default_keeps_the_batch_axis_and_repr():
    layer = nn.Flatten()
    assert layer(np.zeros((7, 1, 28, 28))).shape == (7, 784)
    assert repr(layer) == "Flatten(start_dim=1, end_dim=-1)"


def test_axes_out_of_range_are_refused():
    with pytest.raises(ValueError, match=r"Flatten: start_dim=3.*\(2, 3\)"):
        nn.Flatten(3)(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="Flatten"):
        nn.Flatten(2, 1)(np.zeros((2, 3, 4)))
