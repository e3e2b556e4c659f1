"""The graph is freed by reference counting alone, and training does not leak."""
import gc
import tracemalloc
import weakref

import numpy as np
import pytest

from autograd import Variable, exp, grad, tanh


@pytest.fixture
def gc_disabled():
    """Only reference counting may free the graph: a reference cycle would survive."""
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    yield
    if was_enabled:
        gc.enable()


def _small_graph(x):
    hidden = exp(x * 2)
    y = tanh(hidden).sum()
    return y, weakref.ref(hidden), weakref.ref(y.creator), weakref.ref(hidden.creator)


def _assert_dead(*refs):
    alive = [r() for r in refs if r() is not None]
    assert not alive, f"still alive: {alive}"


def test_graph_freed_when_output_dropped(gc_disabled):
    x = Variable(np.array([0.1, 0.2, 0.3]))
    y, *refs = _small_graph(x)
    assert all(r() is not None for r in refs)
    del y
    _assert_dead(*refs)


def test_graph_freed_after_backward(gc_disabled):
    x = Variable(np.array([0.1, 0.2, 0.3]))
    y, *refs = _small_graph(x)
    y.backward(retain_grad=True)
    del y
    _assert_dead(*refs)
    assert x.grad is not None


def test_graph_freed_after_grad(gc_disabled):
    x = Variable(np.array([0.1, 0.2, 0.3]))
    y, *refs = _small_graph(x)
    grad(y, x)
    del y
    _assert_dead(*refs)


def test_higher_order_graph_freed_once_grad_is_cleared(gc_disabled):
    # x.grad's graph refers back to the forward graph, which refers to x: a cycle through
    # x.grad, broken by cleargrad (as in PyTorch, where create_graph warns about the same).
    x = Variable(np.array([0.1, 0.2, 0.3]))
    y, *refs = _small_graph(x)
    y.backward(create_graph=True)
    grad_creator = weakref.ref(x.grad.creator)
    del y
    x.cleargrad()
    _assert_dead(grad_creator, *refs)


def test_deep_graph_freed(gc_disabled):
    x = Variable(np.array(1.0))
    y = x * 1.0
    first = weakref.ref(y.creator)
    for _ in range(5_000):
        y = y * 1.0
    last = weakref.ref(y.creator)
    del y
    _assert_dead(first, last)


def _mlp_step(params, x, t, lr):
    w1, b1, w2, b2 = params
    h = tanh(x @ w1 + b1)
    y = h @ w2 + b2
    loss = ((y - t) ** 2).mean()
    for p in params:
        p.cleargrad()
    loss.backward()
    for p in params:
        p.data -= lr * p.grad.data
    return loss.data.item()


def _fill_tuple_freelists():
    """Fill CPython's per-size tuple freelists (at most 2000 each) up front.

    `tuple(generator)` allocates a long tuple and shrinks it, so every call moves one tuple
    from the long freelist to a short one: the short list grows by one per call until it
    is full. That is bounded (about 110 KiB for pairs) and no leak, but 500 steps would
    read as growth; full freelists take that slack out of the measurement. (A full garbage
    collection empties them again, hence the test runs with gc disabled.)
    """
    for size in range(1, 21):
        held = [tuple([i] * size) for i in range(2500)]
        del held


def test_training_memory_stays_flat(gc_disabled):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (64, 1)).astype(np.float32)
    t = np.sin(3 * x).astype(np.float32)
    params = [Variable((rng.standard_normal(shape) * scale).astype(np.float32))
              for shape, scale in (((1, 16), 1.0), ((16,), 0.0), ((16, 1), 0.3), ((1,), 0.0))]
    first_loss = _mlp_step(params, x, t, 0.1)
    tracemalloc.start()
    try:
        _fill_tuple_freelists()
        for _ in range(20):  # warm-up: caches (scalar constants, NumPy internals) fill here
            _mlp_step(params, x, t, 0.1)
        start = tracemalloc.get_traced_memory()[0]
        for _ in range(500):
            loss = _mlp_step(params, x, t, 0.1)
        growth = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()

    assert growth < 32 * 1024, f"traced memory grew by {growth} bytes over 500 steps"
    assert loss < first_loss / 2  # the steps really trained
    assert all(p.dtype == np.float32 and p.grad.dtype == np.float32 for p in params)
