"""softshrink, hardshrink, tanhshrink, threshold, glu, celu and Softmax2d (PyTorch's): values
and gradients against PyTorch in float32 and float64, PyTorch's subgradients at the kinks,
second order for the smooth ones, module reprs and every error."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
import nn
import nn.functional as F
from autograd import Variable, capture
from autograd.testing import arrays, assert_gradients_match

torch = pytest.importorskip("torch")

DTYPES = [np.float32, np.float64]
TOLERANCES = {np.float32: dict(rtol=1e-5, atol=1e-6), np.float64: dict(rtol=1e-12, atol=1e-14)}

CASES = [  # (id, ours, PyTorch's)
    ("softshrink", lambda x: F.softshrink(x), lambda t: torch.nn.functional.softshrink(t)),
    ("softshrink-0.2", lambda x: F.softshrink(x, 0.2),
     lambda t: torch.nn.functional.softshrink(t, 0.2)),
    ("softshrink-0", lambda x: F.softshrink(x, 0), lambda t: torch.nn.functional.softshrink(t, 0)),
    ("hardshrink", lambda x: F.hardshrink(x), lambda t: torch.nn.functional.hardshrink(t)),
    ("hardshrink-1", lambda x: F.hardshrink(x, 1.0),
     lambda t: torch.nn.functional.hardshrink(t, 1.0)),
    ("hardshrink-negative", lambda x: F.hardshrink(x, -1.0),
     lambda t: torch.nn.functional.hardshrink(t, -1.0)),
    ("tanhshrink", F.tanhshrink, torch.nn.functional.tanhshrink),
    ("threshold", lambda x: F.threshold(x, 0.5, -3.0),
     lambda t: torch.nn.functional.threshold(t, 0.5, -3.0)),
    ("threshold-int-value", lambda x: F.threshold(x, -1, 7),
     lambda t: torch.nn.functional.threshold(t, -1, 7)),
    ("celu", F.celu, torch.nn.functional.celu),
    ("celu-2", lambda x: F.celu(x, 2.0), lambda t: torch.nn.functional.celu(t, 2.0)),
    ("celu-negative", lambda x: F.celu(x, -0.5), lambda t: torch.nn.functional.celu(t, -0.5)),
    ("glu", F.glu, torch.nn.functional.glu),
    ("glu-dim0", lambda x: F.glu(x, 0), lambda t: torch.nn.functional.glu(t, 0)),
    ("glu-dim1", lambda x: F.glu(x, dim=-2), lambda t: torch.nn.functional.glu(t, dim=-2)),
]

# the kinks of each (and where a NaN, an infinity, a tie may hide)
SPECIAL = np.array([-np.inf, -3.0, -1.0, -0.5, -0.2, -1e-8, 0.0, 1e-8, 0.2, 0.5, 1.0, 3.0,
                    np.inf, np.nan])


def _against_torch(ours, theirs, x, upstream):
    xv, xt = Variable(x.copy()), torch.tensor(x.copy(), requires_grad=True)
    y, yt = ours(xv), theirs(xt)
    y.backward(upstream)
    yt.backward(torch.from_numpy(upstream))
    return (y, yt.detach().numpy()), (xv.grad.data, xt.grad.numpy())


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name, ours, theirs", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("shape", [(4, 6), (2, 4, 6)])
def test_values_and_gradients_match_torch(name, ours, theirs, dtype, shape):
    rng = np.random.default_rng(len(name))
    x = rng.normal(0, 2, shape).astype(dtype)
    (y, want), (grad, want_grad) = _against_torch(ours, theirs, x,
                                                  rng.normal(size=want_shape(ours, x)))
    assert y.dtype == dtype and grad.dtype == dtype
    np.testing.assert_allclose(y.data, want, **TOLERANCES[dtype])
    np.testing.assert_allclose(grad, want_grad, **TOLERANCES[dtype])


def want_shape(f, x):
    return f(Variable(x)).shape


ELEMENTWISE = [c for c in CASES if not c[0].startswith("glu")]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name, ours, theirs", ELEMENTWISE, ids=[c[0] for c in ELEMENTWISE])
def test_kinks_nan_and_infinities_as_torch(name, ours, theirs, dtype):
    """PyTorch's subgradient at each kink (0 at +-lambd for both shrinks and at the
    threshold; celu's slope 1 at 0), and NaN passing itself and its gradient on."""
    x = SPECIAL.astype(dtype)
    with np.errstate(invalid="ignore", over="ignore"):
        (y, want), (grad, want_grad) = _against_torch(ours, theirs, x, np.ones(x.shape, dtype))
    if name.startswith("celu"):  # PyTorch's slope at NaN depends on the array's length (a
        want_grad[np.isnan(x)] = np.nan  # finite one here, NaN for 20 elements): ours is NaN
    np.testing.assert_allclose(y.data, want, **TOLERANCES[dtype])
    np.testing.assert_allclose(grad, want_grad, **TOLERANCES[dtype])


def test_glu_halves_along_dim():
    x = np.arange(12.0).reshape(3, 4)
    y = F.glu(x, dim=1)
    a, b = x[:, :2], x[:, 2:]
    np.testing.assert_allclose(y.data, a / (1 + np.exp(-b)))
    assert F.glu(np.ones((4, 6)), 0).shape == (2, 6)


# ----- second order: the smooth ones (and the others' pieces, whose second derivative is 0)

SMOOTH = [F.tanhshrink, F.glu, lambda x: F.glu(x, 0), F.celu, lambda x: F.celu(x, 0.7),
          lambda x: F.celu(x, -2.0)]


@pytest.mark.parametrize("f", SMOOTH, ids=["tanhshrink", "glu", "glu0", "celu", "celu0.7",
                                           "celu-2"])
@given(x=arrays(st.sampled_from([(2, 4), (4, 2, 2)]), elements="nonzero"))
def test_smooth_activations_backprop_to_second_order(f, x):
    assert_gradients_match(f, x, order=2)


PIECEWISE = [lambda x: F.softshrink(x, 0.3), lambda x: F.hardshrink(x, 0.3),
             lambda x: F.threshold(x, 0.25, 4.0)]


@pytest.mark.parametrize("f", PIECEWISE, ids=["softshrink", "hardshrink", "threshold"])
@given(x=arrays(st.sampled_from([(3,), (2, 3)]), elements=(0.4, 2.0)))
def test_piecewise_activations_backprop_to_second_order_off_their_kinks(f, x):
    signs = np.where(np.arange(x.size).reshape(x.shape) % 2, -1.0, 1.0)  # both sides
    assert_gradients_match(f, x * signs, order=2)


def test_an_infinite_gradient_is_stopped_not_made_nan():
    x = Variable(np.array([0.1, 2.0]))
    y = F.hardshrink(x, 0.5)
    y.backward(np.array([np.inf, 1.0]))
    np.testing.assert_array_equal(x.grad.data, [0.0, 1.0])


def test_the_masks_are_decided_at_each_replay_of_a_captured_step():
    step = capture(lambda x: F.hardshrink(x, 0.5) + F.threshold(x, 0.0, -1.0)
                   + F.softshrink(x, 0.5))
    for values in ([0.1, 2.0, -3.0], [2.0, 0.1, -0.2], [-1.0, 0.3, 0.6], [0.7, -0.7, 0.0]):
        x = np.array(values)
        want = F.hardshrink(x, 0.5) + F.threshold(x, 0.0, -1.0) + F.softshrink(x, 0.5)
        np.testing.assert_allclose(step(Variable(x)).data, want.data)


# ----- modules -----

MODULES = [
    ("Softshrink", {}), ("Softshrink", dict(lambd=0.2)), ("Hardshrink", {}),
    ("Hardshrink", dict(lambd=1)), ("Tanhshrink", {}),
    ("Threshold", dict(threshold=0.1, value=20.0)), ("Threshold", dict(threshold=1, value=2,
                                                                         inplace=True)),
    ("GLU", {}), ("GLU", dict(dim=0)), ("CELU", {}), ("CELU", dict(alpha=2.0, inplace=True)),
    ("Softmax2d", {}),
]


@pytest.mark.parametrize("name, kwargs", MODULES, ids=[f"{n}-{k}" for n, k in MODULES])
def test_modules_match_torch_and_print_as_torch(name, kwargs):
    ours, theirs = getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.parameters()) == []
    x = np.random.default_rng(3).normal(0, 2, (2, 4, 3, 2))
    (y, want), (grad, want_grad) = _against_torch(ours, lambda t: theirs(t * 1), x,
                                                  np.cos(np.arange(want_shape(ours, x)[-1])
                                                         * np.ones(want_shape(ours, x))))
    np.testing.assert_allclose(y.data, want, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(grad, want_grad, rtol=1e-12, atol=1e-14)
    if name != "Tanhshrink":  # (no setting: no config, as Sigmoid)
        assert type(ours)(**ours.get_config()).get_config() == ours.get_config()


def test_softmax2d_takes_3d_input_over_the_channels():
    x = np.random.default_rng(4).normal(size=(3, 2, 5))
    y = nn.Softmax2d()(x)
    np.testing.assert_allclose(y.data, torch.nn.Softmax2d()(torch.tensor(x)).numpy())
    np.testing.assert_allclose(y.data.sum(axis=0), 1.0)


# ----- errors -----

@pytest.mark.parametrize("call, error, match", [
    (lambda: F.softshrink(np.ones(2), -1.0), ValueError, "softshrink: lambd must be at least 0"),
    (lambda: F.softshrink(np.ones(2), float("nan")), ValueError, "softshrink: lambd"),
    (lambda: nn.Softshrink(-0.5), ValueError, "Softshrink: lambd must be at least 0"),
    (lambda: F.softshrink(np.ones(2), "a"), TypeError, "softshrink: lambd must be a real"),
    (lambda: F.hardshrink(np.ones(2), None), TypeError, "hardshrink: lambd must be a real"),
    (lambda: F.threshold(np.ones(2), "x", 1.0), TypeError, "threshold: threshold must be a"),
    (lambda: F.threshold(np.ones(2), 1.0, [2]), TypeError, "threshold: value must be a real"),
    (lambda: nn.Threshold(0.5, None), TypeError, "Threshold: value must be a real"),
    (lambda: F.celu(np.ones(2), 0.0), ValueError, "celu: alpha cannot be 0"),
    (lambda: nn.CELU(0), ValueError, "CELU: alpha cannot be 0"),
    (lambda: F.glu(np.ones((3, 5))), ValueError,
     r"glu: halving dimension must be even, but dimension -1 of the input of shape \(3, 5\) "
     r"has size 5"),
    (lambda: F.glu(np.ones((3, 4)), 0), ValueError, "dimension 0 .* has size 3"),
    (lambda: F.glu(np.ones(()), 0), ValueError, "glu: a 0-d input has no dimension to halve"),
    (lambda: F.glu(np.ones((2, 2)), 2), ValueError, "glu"),
    (lambda: nn.Softmax2d()(np.ones((2, 3))), ValueError,
     "Softmax2d: expected input to be 3D or 4D, got 2D instead"),
    (lambda: nn.Softmax2d()(np.ones((1, 2, 3, 4, 5))), ValueError, "got 5D instead"),
    (lambda: F.tanhshrink(np.arange(3)), TypeError, "tanhshrink: expected a floating-point"),
    (lambda: F.hardshrink(np.arange(3)), TypeError, "hardshrink: expected a floating-point"),
    (lambda: F.celu(np.arange(3)), TypeError, "celu: expected a floating-point"),
    (lambda: F.glu(np.arange(4)), TypeError, "glu: expected a floating-point"),
])
def test_errors_name_the_function_and_the_value(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_faces_export_the_new_names():
    for name in ("softshrink", "hardshrink", "tanhshrink", "threshold", "glu", "celu"):
        assert name in F.__all__ and callable(getattr(F, name))
    for name in ("Softshrink", "Hardshrink", "Tanhshrink", "Threshold", "GLU", "CELU",
                 "Softmax2d"):
        assert name in nn.__all__ and issubclass(getattr(nn, name), nn.Module)


@pytest.mark.parametrize("f", [F.elu, F.selu, F.celu], ids=["elu", "selu", "celu"])
def test_the_elu_family_passes_a_nan_on_to_its_gradient(f):
    """A NaN input gives a NaN output and a NaN gradient, not the negative side's slope at
    0 (PyTorch's own answer there depends on the array's length)."""
    x = Variable(np.array([np.nan, -1.0, 0.0, 2.0]))
    f(x).sum().backward()
    assert np.isnan(f(Variable(np.array([np.nan]))).data).all()
    assert np.isnan(x.grad.data[0]) and np.isfinite(x.grad.data[1:]).all()


@pytest.mark.parametrize("name", ["silu", "mish", "hardswish", "softshrink"])
def test_an_infinite_gradient_stays_infinite_or_zero_as_in_pytorch(name):
    """Composed of two terms, these made an infinite incoming gradient inf * 0 or inf - inf:
    NaN where PyTorch gives inf (or 0 where the slope is 0)."""
    torch = pytest.importorskip("torch")
    data = np.array([-4.0, -0.25, 0.0, 0.75, 4.0])
    x, t = Variable(data.copy()), torch.tensor(data, requires_grad=True)
    getattr(F, name)(x).backward(np.full(5, np.inf))
    getattr(torch.nn.functional, name)(t).backward(torch.full((5,), np.inf, dtype=torch.float64))
    np.testing.assert_array_equal(x.grad.data, t.grad.numpy())


def test_float16_activations_are_computed_in_float32_and_rounded_once_as_pytorchs():
    """(In float16, tanh GELU's slope was NaN from |x| = 699; SiLU and GLU's gate flushed to
    0 below -11; hardsigmoid rounded x + 3 to 6 just below 3.)"""
    import torch
    x = Variable(np.array([700.0, -700.0], np.float16))
    F.gelu(x, approximate="tanh").sum().backward()
    assert x.grad.dtype == np.float16 and x.grad.data.tolist() == [1.0, 0.0]
    small = np.array([-11.45, -13.0], np.float16)
    for ours, theirs in ((F.silu, torch.nn.functional.silu), (F.mish, torch.nn.functional.mish),
                         (F.gelu, torch.nn.functional.gelu)):
        y = ours(Variable(small))
        assert y.dtype == np.float16
        np.testing.assert_array_equal(y.data, theirs(torch.tensor(small)).numpy())
    gate = F.glu(Variable(np.array([1.0, -12.0], np.float16)))
    assert gate.data[0] == np.float16(1 / (1 + np.exp(12.0)))
    x = Variable(np.array([2.998046875], np.float16))
    y = F.hardsigmoid(x)
    y.sum().backward()
    assert y.data[0] == np.float16(0.9995) and x.grad.data[0] == np.float16(1 / 6)


def test_piecewise_linear_activations_have_zero_second_derivatives_as_pytorchs():
    """(hardshrink, softshrink, threshold, prelu and rrelu's gradients were constants: a
    second grad() raised 'does not require grad'.)"""
    x = Variable(np.array([-1.0, 0.2, 0.7, 2.0]))
    for f in (F.hardshrink, F.softshrink, lambda v: F.threshold(v, 0.5, 0.0),
              lambda v: F.prelu(v, np.array([0.25])), lambda v: F.rrelu(v, training=True)):
        (first,) = ag.grad(f(x).sum(), [x], create_graph=True)
        (second,) = ag.grad(first.sum(), [x])
        assert second.data.tolist() == [0.0] * 4


def test_a_numpy_scalar_rate_is_a_probability():
    assert nn.Dropout(np.float32(0.5)).p == 0.5 and nn.Dropout(np.int64(0)).p == 0.0
    with pytest.raises(ValueError, match=r"Dropout: p must be a probability in \[0, 1\], got"):
        nn.Dropout(np.float32(1.5))
