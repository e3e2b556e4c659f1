"""relu, relu_, softmax and log_softmax as Variable methods and autograd's free functions
(autograd/ops/activation.py, which nn.functional re-exports): values and gradients of
PyTorch's (optional import), negative dims, dtype=, relu_'s in-place rules, and one
implementation shared with nn.functional."""
import subprocess
import sys

import numpy as np
import pytest

import autograd
from autograd import Variable, no_grad

try:
    import torch
except ImportError:  # (PyTorch is optional: only the comparisons with it are skipped)
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="compares with PyTorch")

RNG = np.random.default_rng(0)
X234 = RNG.uniform(-3, 3, (2, 3, 4))
GY234 = RNG.uniform(-1, 1, (2, 3, 4))

# (name, call on rungrad's Variable, call on PyTorch's tensor)
CALLS = [
    ("relu method", lambda x: x.relu(), lambda t: t.relu()),
    ("relu function", lambda x: autograd.relu(x), lambda t: torch.relu(t)),
    ("softmax method", lambda x: x.softmax(1), lambda t: t.softmax(1)),
    ("softmax method, dim=-1", lambda x: x.softmax(dim=-1), lambda t: t.softmax(dim=-1)),
    ("softmax function", lambda x: autograd.softmax(x, 0),
     lambda t: torch.softmax(t, 0)),
    ("softmax function, dim=-2", lambda x: autograd.softmax(x, dim=-2),
     lambda t: torch.softmax(t, dim=-2)),
    ("log_softmax method", lambda x: x.log_softmax(2), lambda t: t.log_softmax(2)),
    ("log_softmax method, dim=-3", lambda x: x.log_softmax(-3), lambda t: t.log_softmax(-3)),
    ("log_softmax function", lambda x: autograd.log_softmax(x, -1),
     lambda t: torch.log_softmax(t, -1)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, ours, theirs", CALLS, ids=[c[0] for c in CALLS])
@needs_torch
def test_values_and_gradients_are_pytorchs(name, ours, theirs, dtype):
    x = Variable(X234.astype(dtype))
    y = ours(x)
    y.backward(Variable(GY234.astype(dtype)))
    t = torch.tensor(X234.astype(dtype), requires_grad=True)
    u = theirs(t)
    u.backward(torch.tensor(GY234.astype(dtype)))
    tol = 1e-6 if dtype == np.float32 else 1e-12
    assert y.dtype == dtype and x.grad.dtype == dtype
    np.testing.assert_allclose(y.data, u.detach().numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(x.grad.data, t.grad.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("method", ["softmax", "log_softmax"])
@pytest.mark.parametrize("as_keyword", [False, True])
@needs_torch
def test_dtype_casts_first_as_pytorchs(method, as_keyword):
    x = Variable(X234.astype(np.float32))
    y = getattr(x, method)(1, dtype=np.float64) if as_keyword else \
        getattr(x, method)(1, np.float64)
    y.backward(Variable(GY234))
    t = torch.tensor(X234.astype(np.float32), requires_grad=True)
    u = getattr(t, method)(1, dtype=torch.float64)
    u.backward(torch.tensor(GY234))
    assert y.dtype == np.float64 and x.grad.dtype == np.float32
    np.testing.assert_allclose(y.data, u.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.data, t.grad.numpy(), rtol=1e-6, atol=1e-7)
    z = getattr(autograd, method)(x, dim=1, dtype=torch.float64)  # PyTorch's dtype too
    np.testing.assert_allclose(z.data, y.data)


@needs_torch
@pytest.mark.parametrize("method", ["softmax", "log_softmax"])
def test_float16_is_computed_in_float32_as_pytorchs_cpu(method):
    x = Variable(X234.astype(np.float16))
    y = getattr(x, method)(-1)
    y.backward(Variable(GY234.astype(np.float16)))
    t = torch.tensor(X234.astype(np.float16), requires_grad=True)
    u = getattr(t, method)(-1)
    u.backward(torch.tensor(GY234.astype(np.float16)))
    assert y.dtype == np.float16 and x.grad.dtype == np.float16
    np.testing.assert_allclose(y.data, u.detach().numpy(), rtol=1e-3, atol=1e-3)
    np.testing.assert_allclose(x.grad.data, t.grad.numpy(), rtol=1e-2, atol=2e-3)


def test_softmax_dim_is_required_by_the_methods_as_by_pytorchs():
    x = Variable(X234)
    for method in ("softmax", "log_softmax"):
        with pytest.raises(TypeError, match="dim"):
            getattr(x, method)()


def test_an_out_of_range_dim_is_refused_by_name():
    with pytest.raises(ValueError, match="softmax: axis 3 is out of range.*shape \\(2, 3, 4\\)"):
        Variable(X234).softmax(3)
    with pytest.raises(ValueError, match="log_softmax: axis -4 is out of range"):
        Variable(X234).log_softmax(-4)


def test_relu_keeps_integers_and_softmax_refuses_them_as_pytorchs():
    labels = Variable(np.array([-2, 0, 3]), requires_grad=False)
    y = labels.relu()
    assert y.dtype == labels.dtype and y.data.tolist() == [0, 0, 3]
    with pytest.raises(TypeError, match="softmax"):
        labels.softmax(0)
    assert labels.softmax(0, dtype=np.float64).data.sum() == pytest.approx(1.0)


def test_relu_in_place_refuses_a_leaf_that_requires_grad():
    x = Variable(X234.copy())
    with pytest.raises(RuntimeError, match="relu_: the Variable is a leaf that requires grad"):
        x.relu_()
    np.testing.assert_array_equal(x.data, X234)  # untouched


def test_relu_in_place_refuses_an_ops_result():
    y = Variable(X234.copy()) * 2
    with pytest.raises(RuntimeError, match="relu_: the Variable is an op's result"):
        y.relu_()


def test_relu_in_place_under_no_grad_writes_into_the_same_array():
    x = Variable(X234.copy())
    data, version = x.data, x._version
    with no_grad():
        same = x.relu_()
    assert same is x and x.data is data and x._version > version
    np.testing.assert_array_equal(x.data, np.maximum(X234, 0))
    assert x.requires_grad and x.creator is None


def test_relu_in_place_on_a_variable_that_needs_no_grad():
    batch = Variable(np.array([[-1.0, 2.0], [3.0, -4.0]], np.float32), requires_grad=False)
    assert batch.relu_() is batch
    assert batch.dtype == np.float32 and batch.data.tolist() == [[0, 2], [3, 0]]


def test_nn_functional_reexports_autograds_very_objects():
    import nn.functional as F
    from autograd.ops import activation as ours
    from nn.functional import activation as theirs

    assert F.relu is autograd.relu and F.softmax is autograd.softmax
    assert F.log_softmax is autograd.log_softmax
    for name in ("ReLU", "ReLUGrad", "Softmax", "RowSafeSoftmax", "LogSoftmax",
                 "softmax_array", "log_softmax_array", "relu", "softmax", "log_softmax"):
        assert getattr(theirs, name) is getattr(ours, name), name
    assert ours.ReLU.__module__ == "autograd.ops.activation"


def test_exported_by_autograd_and_loaded_on_first_use():
    assert {"relu", "softmax", "log_softmax"} <= set(autograd.__all__) & set(dir(autograd))
    code = ("import sys, autograd; print('autograd.ops.activation' in sys.modules); "
            "autograd.softmax; print('autograd.ops.activation' in sys.modules, "
            "'nn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "True", "False"]
