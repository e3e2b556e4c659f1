"""Activation functions and modules: values against PyTorch, stability at large |x|, dtype,
defaults and errors. Each activation's forward against a NumPy reference and its backprop to
second order are checked from its Function's specs (tests/autograd/test_function_gradients.py)."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
import nn.functional as F
from autograd import Variable
from autograd.testing import arrays, assert_gradients_match


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
    ("selu", F.selu, "selu", {}), ("relu6", F.relu6, "relu6", {}),
    ("hardswish", F.hardswish, "hardswish", {}), ("mish", F.mish, "mish", {}),
]  # (hardsigmoid: PyTorch's slope is 1/6 in float32, 3e-8 off; checked at its kinks below)

COMPOSED = [F.selu, F.relu6, F.hardsigmoid, F.hardswish, F.mish]  # (of tested ops)
# each one's smooth pieces, away from its kinks (0 and 6, or -3 and 3)
PIECES = [(F.selu, "nonzero"), (F.relu6, "nonzero"), (F.relu6, (6.5, 9.0)),
          (F.hardsigmoid, "bounded"), (F.hardsigmoid, (3.5, 6.0)), (F.hardswish, "bounded"),
          (F.hardswish, (-6.0, -3.5)), (F.mish, "bounded")]


@pytest.mark.parametrize("f, elements", PIECES, ids=[f"{f.__name__}-{e}" for f, e in PIECES])
@given(data=st.data())
def test_composed_activations_backprop_to_second_order(f, elements, data):
    x = data.draw(arrays(st.sampled_from([(3,), (2, 3)]), elements=elements))
    assert_gradients_match(f, x, order=2)


@pytest.mark.parametrize("f", COMPOSED, ids=[f.__name__ for f in COMPOSED])
def test_composed_activations_at_their_kinks_as_torch(f):
    torch = pytest.importorskip("torch")
    x = np.array([-700.0, -3.0, -1e-8, 0.0, 1e-8, 3.0, 6.0, 700.0])
    ours = Variable(x.copy())
    f(ours).sum().backward()
    theirs = torch.tensor(x, requires_grad=True)
    getattr(torch.nn.functional, f.__name__)(theirs).sum().backward()
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-7, atol=1e-12)
    assert f(Variable(x.astype(np.float32))).dtype == np.float32


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


@pytest.mark.parametrize("name", ["hardswish", "hardsigmoid", "relu6", "hardtanh"])
def test_hard_activations_pass_an_infinite_gradient_as_pytorch(name):
    """Outside the bounds the gradient is 0 even when what arrives is inf (a 0/1 mask's
    product gave inf * 0 = nan there): hardswish's slope at x = inf is 1, not nan."""
    x = Variable(np.array([np.inf, 5.0, 0.5, -4.0]))
    getattr(F, name)(x).sum().backward()
    slope_at_inf = 1.0 if name == "hardswish" else 0.0
    assert x.grad.data[0] == slope_at_inf and not np.isnan(x.grad.data).any()


@pytest.mark.parametrize("name, kwargs", [
    ("Identity", dict()), ("ReLU6", dict(inplace=True)), ("Hardsigmoid", {}), ("Hardswish", {}),
    ("Mish", {}), ("SELU", dict(inplace=True)), ("SiLU", dict(inplace=True)),
    ("Hardtanh", dict(min_val=-2.0, inplace=True)), ("LeakyReLU", dict(inplace=True))])
def test_pytorch_s_elementwise_layers_with_their_arguments_and_reprs(name, kwargs):
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(ours) == repr(theirs)
    x = np.linspace(-5, 5, 21)
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    y, yt = ours(xv), theirs(xt * 1)  # (torch's in-place layers want a non-leaf)
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-12, atol=1e-15)
    gy = np.cos(x)
    y.backward(gy)
    yt.backward(torch.tensor(gy))
    # (PyTorch's float64 hardsigmoid gradient uses a float32 1/6: 3e-8 apart)
    np.testing.assert_allclose(xv.grad.data, xt.grad.numpy(), rtol=1e-7, atol=1e-15)
    assert type(ours)(**ours.get_config()).get_config() == ours.get_config()


def test_prelu_keeps_a_0d_input_0d_and_takes_a_0d_slope():
    torch = pytest.importorskip("torch")
    y = nn.PReLU()(Variable(np.array(-2.0)))
    assert y.shape == () and float(y.data) == -0.5
    x = np.array([[-2.0, 1.0]])
    np.testing.assert_array_equal(F.prelu(x, np.array(0.25)).data, torch.nn.functional.prelu(
        torch.tensor(x), torch.tensor(0.25, dtype=torch.float64)).numpy())


def test_prelu_reset_parameters_and_relu_s_repr_as_torchs():
    layer = nn.PReLU(3, init=0.1)
    layer.weight.data[...] = 5
    layer.reset_parameters()
    np.testing.assert_allclose(layer.weight.data, 0.1)
    assert repr(nn.ReLU(inplace=True)) == "ReLU(inplace=True)" and repr(nn.ReLU()) == "ReLU()"


@pytest.mark.parametrize("name, args", [
    ("relu", ()), ("leaky_relu", (0.2,)), ("elu", ()), ("selu", ()), ("celu", ()), ("silu", ()),
    ("mish", ()), ("relu6", ()), ("hardtanh", ()), ("hardswish", ()), ("hardsigmoid", ()),
    ("dropout", (0.5, False))])
def test_functions_take_pytorchs_input_and_inplace_keywords(name, args):
    # ported code writes F.relu(x, inplace=True) and F.relu(input=x); the result is a new
    # Variable (rungrad records no in-place op), x is left as it was
    x = Variable(np.array([-1.5, 0.5, 2.0]))
    expected = getattr(F, name)(x, *args).data
    np.testing.assert_array_equal(getattr(F, name)(x, *args, inplace=True).data, expected)
    keywords = {"training": False} if name == "dropout" else {}
    np.testing.assert_array_equal(getattr(F, name)(input=x, **keywords).data,
                                  getattr(F, name)(x, **keywords).data)
    np.testing.assert_array_equal(x.data, [-1.5, 0.5, 2.0])
