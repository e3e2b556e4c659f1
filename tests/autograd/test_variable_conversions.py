"""float(v) and int(v) of a one-element Variable, as PyTorch's float(t) / int(t) (they raised
TypeError: `float(model.losses[0])`); bool(v) as it was."""
import numpy as np
import pytest
import torch

import nn
from autograd import Variable


@pytest.mark.filterwarnings("ignore:Converting a tensor with requires_grad")  # (PyTorch's)
@pytest.mark.parametrize("value", [2.5, -2.7, [[3.0]], [7]])
@pytest.mark.parametrize("requires_grad", [False, True])
def test_float_and_int_of_one_element_as_pytorch(value, requires_grad):
    array = np.array(value, dtype=np.float32)
    v = Variable(array, requires_grad=requires_grad)
    t = torch.tensor(array, requires_grad=requires_grad)
    assert float(v) == float(t) and type(float(v)) is float
    assert int(v) == int(t) and type(int(v)) is int


def test_float_of_a_regularization_penalty():
    layer = nn.Dense(2, input_shape=(3,), kernel_regularizer="l2")
    model = nn.Sequential([layer])
    assert float(model.losses[0]) == pytest.approx(0.01 * float((layer.weight.data ** 2).sum()))


def test_more_than_one_element_is_refused_by_name():
    v = Variable(np.ones((2, 3), np.float32))
    with pytest.raises(TypeError, match=r"float\(\) takes a Variable of one element, got one "
                                        r"of shape \(2, 3\) \(6 elements\)"):
        float(v)
    with pytest.raises(TypeError, match=r"int\(\) takes a Variable of one element"):
        int(Variable(np.zeros(0, np.float32)))


def test_bool_is_as_before():
    assert bool(Variable(np.array([1.0]))) is True
    assert bool(Variable(np.array(0.0))) is False
    with pytest.raises(ValueError, match="truth value of a Variable with 2 elements"):
        bool(Variable(np.ones(2)))
