"""Dropout: inverted scaling, active only in training, reproducible, gradient = the mask."""
import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
from autograd import Variable


def test_drops_about_p_and_scales_survivors():
    np.random.seed(0)
    x = np.ones((200, 500), np.float32)
    y = F.dropout(x, p=0.3).data
    assert y.dtype == np.float32
    assert set(np.unique(y)) == {0.0, np.float32(1 / 0.7)}
    assert (y == 0).mean() == pytest.approx(0.3, abs=0.01)
    assert y.mean() == pytest.approx(1.0, abs=0.02)


def test_gradient_is_the_same_scaled_mask():
    np.random.seed(1)
    x = Variable(np.random.randn(30, 40))
    y = F.dropout(x, p=0.5)
    upstream = np.random.randn(30, 40)
    y.backward(upstream)
    kept = y.data != 0
    np.testing.assert_allclose(x.grad.data, np.where(kept, 2.0 * upstream, 0.0))
    np.testing.assert_allclose(y.data, np.where(kept, 2.0 * x.data, 0.0))


def test_second_order_goes_through_the_mask():
    from autograd import grad
    np.random.seed(2)
    x = Variable(np.random.randn(50))
    y = F.dropout(x, p=0.4)
    (gx,) = grad((y * y).sum(), [x], create_graph=True)
    gx.sum().backward()
    kept = y.data != 0
    np.testing.assert_allclose(x.grad.data, np.where(kept, 2 / 0.6 ** 2, 0.0))


def test_np_random_seed_makes_masks_reproducible():
    x = np.ones((10, 10))
    np.random.seed(5)
    a = F.dropout(x, 0.5).data
    np.random.seed(5)
    b = F.dropout(x, 0.5).data
    np.testing.assert_array_equal(a, b)


def test_not_training_or_p_zero_is_the_identity():
    x = Variable(np.random.randn(4, 4))
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x
    np.testing.assert_array_equal(F.dropout(x, 1.0).data, 0)


def test_module_follows_train_eval_and_test_mode():
    np.random.seed(3)
    layer = nn.Dropout(0.5)
    x = Variable(np.ones((20, 20)))
    assert np.any(layer(x).data == 0)
    with autograd.test_mode():
        assert layer(x) is x
    layer.eval()
    assert layer(x) is x
    layer.train()
    assert np.any(layer(x).data == 0)
    assert repr(layer) == "Dropout(p=0.5, inplace=False)"  # (PyTorch's)


@pytest.mark.parametrize("p", [-0.1, 1.5, "0.5", True])
def test_bad_probabilities_are_refused(p):
    with pytest.raises(ValueError, match="p must be a probability"):
        F.dropout(np.ones(3), p)
    with pytest.raises(ValueError, match="Dropout: p must be"):
        nn.Dropout(p)


def test_keras_rate_is_p():
    layer = nn.Dropout(rate=0.3)
    assert layer.p == layer.rate == 0.3
    assert nn.Dropout(0.3, rate=0.3).p == 0.3
    with pytest.raises(ValueError, match="p=0.2 and rate=0.3 disagree"):
        nn.Dropout(0.2, rate=0.3)


def test_keras_rate_is_settable_and_a_captured_step_follows_it():
    layer = nn.Dropout(rate=0.3)
    layer.rate = 0.6
    assert layer.p == layer.rate == 0.6
    with pytest.raises(ValueError, match="Dropout: rate must be"):
        layer.rate = 1.5
    assert layer.p == 0.6
    x = Variable(np.ones((200, 50)))
    step = autograd.capture(lambda v: layer(v))
    for rate in (0.6, 0.6, 0.0, 1.0):  # (the first two calls record, the rest replay)
        layer.rate = rate
        kept = (step(x).data != 0).mean()
        assert abs(kept - (1 - rate)) < 0.05
