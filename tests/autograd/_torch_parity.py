"""One comparison with PyTorch for the op tests: values, gradients (a random upstream
gradient) and, with order=2, second derivatives (the gradient of <gradient, v> for a random
v), all in float64."""
import numpy as np
import pytest

import autograd as ag
from autograd import Variable


def assert_matches_torch(ours, theirs, *arrays, order=2, seed=0, rtol=1e-9, atol=1e-11):
    """`ours` on Variables and `theirs` on torch tensors agree to `order` (0: values only,
    1: gradients too, 2: second derivatives too). Both may return a
    tuple; the first output is differentiated, as are float inputs only (others pass as they
    are). A gradient PyTorch leaves unset (None) counts as zeros."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    floats = [i for i, a in enumerate(arrays) if np.asarray(a).dtype.kind == "f"]
    xs = [Variable(np.array(a)) if i in floats else a for i, a in enumerate(arrays)]
    ts = [torch.tensor(np.array(a), requires_grad=i in floats) for i, a in enumerate(arrays)]
    y, t = _first(ours(*xs)), _first(theirs(*ts))
    assert y.shape == tuple(t.shape), (y.shape, tuple(t.shape))
    _close(y.data, t, rtol, atol, "value")
    if order == 0:
        return
    xs, ts = [xs[i] for i in floats], [ts[i] for i in floats]
    if not t.requires_grad:  # PyTorch's op has no gradient here: ours must be zero
        for g in ag.grad(y, xs, grad_outputs=np.ones(y.shape), allow_unused=True):
            assert g is None or not np.any(g.data), "PyTorch gives no gradient, ours is nonzero"
        return
    gy = rng.standard_normal(y.shape)
    ours_g = ag.grad(y, xs, grad_outputs=gy, create_graph=order > 1, allow_unused=True)
    theirs_g = torch.autograd.grad(t, ts, torch.tensor(gy), create_graph=order > 1,
                                   allow_unused=True)
    for k, (g, tg) in enumerate(zip(ours_g, theirs_g)):
        _close(_data(g, xs[k].shape), tg, rtol, atol, f"gradient {k}")
    if order < 2:
        return
    vs = [rng.standard_normal(x.shape) for x in xs]
    ours_s = [(g * v).sum() for g, v in zip(ours_g, vs) if g is not None and g.creator]
    theirs_s = [(tg * torch.tensor(v)).sum() for tg, v in zip(theirs_g, vs)
                if tg is not None and tg.requires_grad]
    # an empty list: that side's gradient is constant in x (no second derivative)
    none = [None] * len(xs)
    second = ag.grad(sum(ours_s), xs, allow_unused=True) if ours_s else none
    theirs_2 = torch.autograd.grad(sum(theirs_s), ts, allow_unused=True) if theirs_s else none
    for k, (g, tg) in enumerate(zip(second, theirs_2)):
        _close(_data(g, xs[k].shape), tg, rtol, atol, f"second derivative {k}")


def _first(y):
    return y[0] if isinstance(y, (tuple, list)) else y


def _data(g, shape):
    return np.zeros(shape) if g is None else g.data


def _close(value, tensor, rtol, atol, what):
    expected = np.zeros(value.shape) if tensor is None else tensor.detach().numpy(force=True)
    np.testing.assert_allclose(value, expected, rtol=rtol, atol=atol, equal_nan=True,
                               err_msg=f"{what} differs from PyTorch's")
