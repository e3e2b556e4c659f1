"""register_multi_grad_hook against PyTorch's torch.autograd.graph.register_multi_grad_hook:
the same calls, with the same gradients, over the same backward passes."""
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
