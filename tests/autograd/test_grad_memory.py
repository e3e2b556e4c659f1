"""Memory offered for a leaf's gradient (autograd.grad_memory): Linear computes its weight and
bias gradients straight into it, once, and never where that would change a result."""
import gc
import sys
import threading

import numpy as np
import pytest

import nn.functional as F
from autograd import Variable, grad_memory
from autograd.grad_memory import (
    any_grad_memory_offered,
    offer_grad_memory,
    take_grad_memory,
    withdraw_grad_memory_in,
)


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


def test_an_offer_goes_with_its_variable():
    _, w, _ = _layer()
    before = len(grad_memory._offers)
    offer_grad_memory(w, np.empty(w.shape))
    assert any_grad_memory_offered() and len(grad_memory._offers) == before + 1
    del w
    gc.collect()
    assert len(grad_memory._offers) == before


def test_offers_over_memory_about_to_be_freed_can_be_withdrawn_at_once():
    _, w, b = _layer()
    block = np.empty(w.size + b.size)
    offer_grad_memory(w, block[:w.size].reshape(w.shape))
    offer_grad_memory(b, np.empty(b.shape))  # elsewhere: stays
    withdraw_grad_memory_in(block)
    assert take_grad_memory(w, block.dtype) is None
    assert take_grad_memory(b, block.dtype) is not None


def test_two_threads_never_take_one_offer():
    """Offer and take in two threads at once, switching threads as often as Python can: no
    take may fail, and an offer is never taken twice."""
    _, w, _ = _layer()
    memory, taken, errors = np.empty(w.shape), [0, 0], []

    def offer_and_take(k):
        for _ in range(60_000):
            offer_grad_memory(w, memory)
            try:
                taken[k] += take_grad_memory(w, memory.dtype) is memory
            except Exception as exc:  # noqa: BLE001  (any failure is the finding)
                errors.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=offer_and_take, args=(k,)) for k in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert not errors and 0 < sum(taken) <= 120_000


def test_a_hook_handle_knows_whether_its_hook_runs_first():
    _, w, _ = _layer()
    first = w.register_hook(lambda g: None)
    second = w.register_hook(lambda g: None)
    assert first.runs_first() and not second.runs_first()
    first.remove()
    assert second.runs_first() and not first.runs_first()
