"""register_multi_grad_hook against PyTorch's torch.autograd.graph.register_multi_grad_hook:
the same calls, with the same gradients, over the same backward passes."""
import threading

import numpy as np
import pytest

import autograd as ag
from autograd import Variable

torch = pytest.importorskip("torch")


def _passes(lib, a, b, c, mode):
    """Backward passes over a, b and c (leaves) and a non-leaf h: some reach only some.
    (PyTorch refuses autograd.grad over hooked leaves in mode "all".)"""
    h = a * 2
    yield lambda: (h * 3).sum().backward()
    yield lambda: (a * b).sum().backward()
    yield lambda: (c * b).sum().backward()
    grad = ag.grad if lib is ag else torch.autograd.grad
    if mode == "any":
        yield lambda: grad([(a * c).sum()], [a])


def _run(lib, mode):
    make = (lambda v: Variable(np.array(v), requires_grad=True)) if lib is ag else \
        (lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True))
    a, b, c = make([1.0, 2.0]), make([3.0]), make(2.0)
    calls = []

    def as_list(g):
        return None if g is None else np.asarray(g.data if lib is ag else g).tolist()
    record = (lambda grads: calls.append([as_list(g) for g in grads])) if mode == "all" \
        else (lambda grad: calls.append(as_list(grad)))
    register = ag.register_multi_grad_hook if lib is ag else \
        torch.autograd.graph.register_multi_grad_hook
    handle = register([a, b, c], record, mode=mode)
    for run in _passes(lib, a, b, c, mode):
        run()
    handle.remove()
    (a * b * c).sum().backward()  # (no longer hooked)
    return calls


@pytest.mark.parametrize("mode", ["all", "any"])
def test_calls_and_gradients_are_pytorch_s(mode):
    assert _run(ag, mode) == _run(torch, mode)


def test_a_pass_that_raised_leaves_no_state_behind():
    a = Variable(np.array([1.0, 2.0]), requires_grad=True)
    b = Variable(np.array([3.0]), requires_grad=True)
    calls = []
    ag.register_multi_grad_hook([a, b], lambda grads: calls.append(grads))

    def boom(g):
        raise RuntimeError("boom")
    handle = b.register_hook(boom)
    with pytest.raises(RuntimeError, match="boom"):
        (a * b).sum().backward()
    handle.remove()
    (a * 2).sum().backward()
    assert len(calls) == 1 and calls[0][1] is None
    np.testing.assert_array_equal(calls[0][0].data, [2.0, 2.0])


def test_passes_in_threads_and_a_pass_run_from_a_hook_keep_their_own_gradients():
    w = Variable(np.ones(500), requires_grad=True)
    b = Variable(np.ones(500), requires_grad=True)
    calls, lock = [], threading.Lock()

    def record(grads):
        with lock:
            calls.append(tuple(g is None for g in grads))
    ag.register_multi_grad_hook((w, b), record)
    x = np.linspace(-1, 1, 500)

    def work():
        for _ in range(100):
            ((w * x).tanh().sum() + (b * x).sin().sum()).backward()
    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == [(False, False)] * 400

    a, c = Variable(np.array([1.0, 2.0])), Variable(np.array([5.0, 6.0]))
    h, k = a * c, a + c
    inner = (k * 10).sum()
    nested = []
    ag.register_multi_grad_hook((h, k, a), lambda grads: nested.append(
        [None if g is None else g.data.tolist() for g in grads]))
    handle = h.register_hook(lambda g: handle.remove() or inner.backward(retain_graph=True))
    (h.sum() + (k * 2).sum()).backward()
    assert nested == [[None, [10.0, 10.0], [10.0, 10.0]], [[1.0, 1.0], [2.0, 2.0], [7.0, 8.0]]]


def test_mode_any_skips_a_tensor_that_requires_no_grad_as_pytorch_s():
    a = Variable(np.array([1.0, 2.0]), requires_grad=True)
    firsts = []
    ag.register_multi_grad_hook((a, Variable(np.ones(2), requires_grad=False)),
                                lambda g: firsts.append(g.data.tolist()), mode="any")
    (a * 2).sum().backward()
    assert firsts == [[2.0, 2.0]]


def test_bad_arguments_are_named():
    a = Variable(np.array([1.0]), requires_grad=True)
    with pytest.raises(ValueError, match="mode must be 'all' or 'any', got 'some'"):
        ag.register_multi_grad_hook([a], print, mode="some")
    with pytest.raises(TypeError, match=r"tensors\[1\] is a ndarray, not a Variable"):
        ag.register_multi_grad_hook([a, np.ones(1)], print)
    with pytest.raises(RuntimeError, match=r"tensors\[0\] does not require grad"):
        ag.register_multi_grad_hook([Variable(np.ones(1), requires_grad=False)], print)
    with pytest.raises(ValueError, match="no tensors given"):
        ag.register_multi_grad_hook([], print)
    with pytest.raises(TypeError, match="fn must be callable, got int"):
        ag.register_multi_grad_hook([a], 3)
