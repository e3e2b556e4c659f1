"""Memory offered for a leaf's gradient (autograd.grad_memory): Linear computes its weight and
bias gradients straight into it, once, and never where that would change a result."""
import numpy as np
import pytest

import nn.functional as F
from autograd import Variable
from autograd.grad_memory import offer_grad_memory, take_grad_memory


def _layer(dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    x = Variable(rng.standard_normal((5, 3)).astype(dtype))
    w = Variable(rng.standard_normal((4, 3)).astype(dtype))
    b = Variable(rng.standard_normal(4).astype(dtype))
    return x, w, b


def _reference_grads(x, w, b, uses=1):
    xr, wr, br = (Variable(v.data.copy()) for v in (x, w, b))
    _loss(xr, wr, br, uses).backward()
    return wr.grad.data, br.grad.data


def _loss(x, w, b, uses=1):
    y = F.linear(x, w, b)
    for _ in range(uses - 1):  # the same weights again: a second contribution to each
        y = F.linear(F.tanh(y[:, :3]), w, b)
    return (y * y).sum()


def test_linear_computes_weight_and_bias_gradients_in_the_offered_memory():
    x, w, b = _layer()
    memory_w, memory_b = np.full(w.shape, np.nan), np.full(b.shape, np.nan)
    offer_grad_memory(w, memory_w)
    offer_grad_memory(b, memory_b)
    _loss(x, w, b).backward()
    want_w, want_b = _reference_grads(x, w, b)
    assert w.grad.data is memory_w and b.grad.data is memory_b
    np.testing.assert_allclose(memory_w, want_w, rtol=1e-12)
    np.testing.assert_allclose(memory_b, want_b, rtol=1e-12)


def test_an_offer_is_used_once_and_never_over_the_gradient_it_is_added_to():
    x, w, b = _layer()
    memory = np.empty(w.shape)
    offer_grad_memory(w, memory)
    _loss(x, w, b).backward()
    first = memory.copy()
    offer_grad_memory(w, memory)  # .grad lives there now: not taken again
    _loss(x * 3, w, b).backward()
    np.testing.assert_allclose(memory, first, rtol=0)
    np.testing.assert_allclose(w.grad.data, first + _reference_grads(x * 3, w, b)[0],
                               rtol=1e-12)


def test_a_weight_used_twice_gets_both_contributions():
    x, w, b = _layer()
    offer_grad_memory(w, np.empty(w.shape))
    offer_grad_memory(b, np.empty(b.shape))
    _loss(x, w, b, uses=2).backward()
    want_w, want_b = _reference_grads(x, w, b, uses=2)
    np.testing.assert_allclose(w.grad.data, want_w, rtol=1e-12)
    np.testing.assert_allclose(b.grad.data, want_b, rtol=1e-12)


def test_memory_is_taken_only_for_a_result_of_its_dtype():
    _, w, _ = _layer(np.float32)
    memory = np.empty(w.shape, np.float32)
    offer_grad_memory(w, memory)
    assert take_grad_memory(w, np.dtype(np.float64)) is None  # a float64 product: not here
    assert take_grad_memory(w, np.dtype(np.float32)) is memory
    assert take_grad_memory(w, np.dtype(np.float32)) is None  # taken once only


def test_create_graph_does_not_use_offered_memory():
    x, w, b = _layer()
    memory = np.full(w.shape, np.nan)
    offer_grad_memory(w, memory)
    _loss(x, w, b).backward(create_graph=True)
    assert w.grad.creator is not None and np.isnan(memory).all()
    offer_grad_memory(w, None)  # withdrawn
    assert take_grad_memory(w, memory.dtype) is None


@pytest.mark.parametrize("array, words", [
    (np.empty((3, 4)), "does not match"),
    (np.empty((4, 3), np.float32), "does not match"),
    (np.empty((3, 4)).T, "C-contiguous"),
    ([[0.0] * 3] * 4, "NumPy array"),
])
def test_unfit_memory_is_refused_with_the_reason(array, words):
    _, w, _ = _layer()
    with pytest.raises(ValueError, match=words):
        offer_grad_memory(w, array)


def test_only_a_leaf_can_be_offered_memory():
    _, w, _ = _layer()
    y = w * 2
    with pytest.raises(ValueError, match="leaf"):
        offer_grad_memory(y, np.empty(y.shape))


def test_read_only_memory_is_refused():
    _, w, _ = _layer()
    memory = np.empty(w.shape)
    memory.flags.writeable = False
    with pytest.raises(ValueError, match="writeable"):
        offer_grad_memory(w, memory)
