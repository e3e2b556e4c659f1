"""One check for ops on zero-size inputs, shared by the autograd and nn tests: forward and
backward run, every gradient has its input's shape and dtype, and, where PyTorch is
installed, values and gradients equal PyTorch's."""
import numpy as np

from autograd import Variable


def check_zero_size(ours, theirs, *inputs, seed=0):
    """Run `ours` on Variables (float inputs; others are passed as they are) and `theirs`
    on torch tensors, backprop the same random upstream gradient through both and compare.
    `theirs` is None where PyTorch has no such function: then only our side runs."""
    xs = [Variable(a) if _is_float(a) else a for a in inputs]
    ys = _as_list(ours(*xs))
    seeds = [np.random.default_rng(seed).standard_normal(y.shape) for y in ys]
    for y, g in zip(ys, seeds):
        assert y.data.dtype == np.float64, (y.shape, y.data.dtype)
        y.backward(g.astype(y.data.dtype))
    grads = [x.grad for x in xs if isinstance(x, Variable)]
    for x, g in zip([x for x in xs if isinstance(x, Variable)], grads):
        if g is not None:
            assert g.shape == x.shape and g.dtype == x.dtype, (g.shape, x.shape, g.dtype)
    torch = _torch()
    if torch is None or theirs is None:
        return ys
    ts = [torch.tensor(a, requires_grad=_is_float(a)) for a in inputs]
    ts_out = _as_list(theirs(*ts))
    assert [tuple(t.shape) for t in ts_out] == [y.shape for y in ys]
    for y, t in zip(ys, ts_out):
        np.testing.assert_allclose(y.data, t.detach().numpy(), rtol=1e-10, atol=1e-12)
    torch.autograd.backward([t for t in ts_out if t.requires_grad],
                            [torch.tensor(g) for g, t in zip(seeds, ts_out) if t.requires_grad])
    for g, t in zip(grads, [t for t in ts if t.requires_grad]):
        expected = np.zeros(t.shape) if t.grad is None else t.grad.numpy()
        np.testing.assert_allclose(np.zeros(t.shape) if g is None else g.data, expected,
                                   rtol=1e-10, atol=1e-12)
    return ys


def _torch():
    try:
        import torch
    except ImportError:
        return None
    return torch


def _is_float(a):
    return np.asarray(a).dtype.kind == "f"


def _as_list(y):
    return list(y) if isinstance(y, (list, tuple)) else [y]
