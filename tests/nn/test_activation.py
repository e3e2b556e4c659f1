"""Activation functions and modules: values against PyTorch, stability at large |x|, dtype,
defaults and errors. Each activation's forward against a NumPy reference and its backprop to
second order are checked from its Function's specs (tests/autograd/test_function_gradients.py)."""
import math

import numpy as np
import pytest

import nn
import nn.functional as F
from autograd import Variable


def np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def np_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def test_softmax_defaults_to_the_last_axis_and_accepts_dim():
    x = np.random.randn(2, 3, 4)
    np.testing.assert_allclose(F.softmax(x).data.sum(-1), 1)
    np.testing.assert_allclose(F.softmax(x, dim=1).data.sum(1), 1)
    np.testing.assert_allclose(F.log_softmax(x, dim=0).data, np.log(np_softmax(x, 0)))
    with pytest.raises(ValueError, match=r"softmax: axis 3 is out of range.*\(2, 3, 4\)"):
        F.softmax(x, axis=3)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_inputs_stay_finite(dtype):
    x = Variable(np.array([[-1000.0, 0.0, 1000.0], [1000.0, 1000.0, -1000.0]], dtype))
    for f in (F.sigmoid, F.softplus, F.elu, F.gelu, F.softmax, F.log_softmax, F.tanh,
              lambda v: F.gelu(v, "tanh")):
        y = f(x)
        y.sum().backward()
        assert np.all(np.isfinite(y.data)) and np.all(np.isfinite(x.grad.data)), f
        assert y.dtype == dtype and x.grad.dtype == dtype
        x.cleargrad()
    np.testing.assert_array_equal(F.sigmoid(x).data, [[0, 0.5, 1], [1, 1, 0]])
    np.testing.assert_allclose(F.softplus(x).data[0], [0, math.log(2), 1000])
    np.testing.assert_allclose(F.log_softmax(x).data[0], [-2000, -1000, 0])


def test_softplus_is_linear_past_the_threshold():
    x = Variable(np.array([5.0, 30.0]))
    y = F.softplus(x, beta=1.0, threshold=10.0)
    y.sum().backward()
    np.testing.assert_allclose(y.data, [np.log1p(np.exp(5.0)), 30.0])
    np.testing.assert_allclose(x.grad.data, [np_sigmoid(5.0), 1.0])


def test_relu_gradient_at_zero_is_zero():
    x = Variable(np.array([-1.0, 0.0, 2.0]))
    F.relu(x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0, 0, 1])


def test_bad_arguments():
    with pytest.raises(ValueError, match="approximate"):
        F.gelu(np.ones(2), approximate="fast")
    with pytest.raises(ValueError, match="beta"):
        F.softplus(np.ones(2), beta=0)


TORCH_CASES = [
    ("relu", F.relu, "relu", {}), ("sigmoid", F.sigmoid, "sigmoid", {}),
    ("tanh", F.tanh, "tanh", {}),
    ("leaky_relu", lambda x: F.leaky_relu(x, 0.2), "leaky_relu", {"negative_slope": 0.2}),
    ("elu", lambda x: F.elu(x, 0.7), "elu", {"alpha": 0.7}),
    ("gelu", F.gelu, "gelu", {}),
    ("gelu_tanh", lambda x: F.gelu(x, "tanh"), "gelu", {"approximate": "tanh"}),
    ("softplus", lambda x: F.softplus(x, 2.0, 3.0), "softplus", {"beta": 2.0, "threshold": 3.0}),
    ("softmax", lambda x: F.softmax(x, dim=0), "softmax", {"dim": 0}),
    ("log_softmax", F.log_softmax, "log_softmax", {"dim": -1}),
]


@pytest.mark.parametrize("name, f, torch_name, kwargs", TORCH_CASES,
                         ids=[case[0] for case in TORCH_CASES])
def test_matches_torch(name, f, torch_name, kwargs):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).normal(0, 3, (4, 5))
    upstream = np.random.default_rng(1).normal(size=(4, 5))
    ours = Variable(x)
    y = f(ours)
    y.backward(upstream)
    theirs = torch.tensor(x, requires_grad=True)
    ty = getattr(torch.nn.functional, torch_name)(theirs, **kwargs)
    ty.backward(torch.from_numpy(upstream))
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-10, atol=1e-12)


# ----- modules -----

MODULES = [
    (nn.ReLU(), F.relu, "ReLU()"),
    (nn.LeakyReLU(0.3), lambda x: F.leaky_relu(x, 0.3), "LeakyReLU(negative_slope=0.3)"),
    (nn.Sigmoid(), F.sigmoid, "Sigmoid()"),
    (nn.Tanh(), F.tanh, "Tanh()"),
    (nn.Softmax(dim=0), lambda x: F.softmax(x, axis=0), "Softmax(dim=0)"),
    (nn.LogSoftmax(), F.log_softmax, "LogSoftmax(dim=-1)"),
    (nn.ELU(alpha=0.5), lambda x: F.elu(x, 0.5), "ELU(alpha=0.5)"),
    (nn.GELU(approximate="tanh"), lambda x: F.gelu(x, "tanh"), "GELU(approximate='tanh')"),
    (nn.Softplus(beta=2.0, threshold=5.0), lambda x: F.softplus(x, 2.0, 5.0),
     "Softplus(beta=2.0, threshold=5.0)"),
]


@pytest.mark.parametrize("module, f, text", MODULES, ids=[m[2] for m in MODULES])
def test_modules_apply_their_function(module, f, text):
    x = np.random.default_rng(2).normal(0, 2, (3, 4)).astype(np.float32)
    np.testing.assert_array_equal(module(x).data, f(x).data)
    assert repr(module) == text
    assert list(module.parameters()) == []


def test_gelu_module_refuses_unknown_approximation():
    with pytest.raises(ValueError, match="approximate"):
        nn.GELU("fast")


def test_log_softmax_is_no_kind_of_softmax():
    assert not isinstance(nn.LogSoftmax(), nn.Softmax)
    assert repr(nn.LogSoftmax(dim=1)) == "LogSoftmax(dim=1)"


def test_the_softmax_on_arrays_takes_integer_scores_as_float64():
    from nn.functional.activation import softmax_array
    np.testing.assert_allclose(softmax_array(np.array([[0, 0], [1, 1]])), 0.5)
    assert softmax_array(np.array([[0, 0]])).dtype == np.float64
    assert softmax_array(np.zeros((2, 3), np.float32)).dtype == np.float32
