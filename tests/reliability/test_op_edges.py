"""Ops at their edges give PyTorch's answer or a clear error: sigmoid's far tails, pow at 0,
a padding-only cross-entropy batch, second derivatives through kinks, 0-d and empty inputs,
complex hyperparameters, out-of-range axes, integer input to float-only functions, and
gradients whose textbook formula under- or overflows or cancels (a divisor, ELU's tail, a
p-norm below 1 at 0)."""
import math
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
import optim
from autograd import Variable
from nn.training.metrics import sigmoid_array

F64, F32 = np.float64, np.float32


def grad_of(f, *xs, **kwargs):
    """The gradients of f(*xs).sum() w.r.t. every x."""
    return ag.grad(ag.sum(f(*xs)), list(xs), **kwargs)


def second_grad(f, x):
    """d/dx of sum(d f(x).sum() / dx), through create_graph."""
    (g,) = ag.grad(ag.sum(f(x)), [x], create_graph=True)
    (gg,) = ag.grad(ag.sum(g), [x])
    return g, gg


def torch_or_skip():
    return pytest.importorskip("torch")


# ----- 1. sigmoid keeps every digit in its negative tail -----

def reference_sigmoid(x):
    """1 / (1 + e^-x) in Python floats, from the side that does not cancel."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


# Down to where the result stops being a normal number.
TAILS = {F64: (np.linspace(-700.0, 40.0, 7401), 1e-6),
         F32: (np.linspace(-87.0, 20.0, 5351).astype(F32), 1e-5)}

SIGMOIDS = {
    "F.sigmoid": lambda x: F.sigmoid(Variable(x)).data,
    "nn.Sigmoid": lambda x: nn.Sigmoid()(Variable(x)).data,
    "sigmoid_array": sigmoid_array,
}


@pytest.mark.parametrize("dtype", [F64, F32])
@pytest.mark.parametrize("name", SIGMOIDS)
def test_sigmoid_is_relatively_exact_over_its_whole_normal_range(name, dtype):
    x, tolerance = TAILS[dtype]
    y = SIGMOIDS[name](x)
    assert y.dtype == dtype
    expected = np.array([reference_sigmoid(float(v)) for v in x])
    relative = np.abs(y.astype(F64) - expected) / expected
    worst = int(np.argmax(relative))
    assert relative[worst] <= tolerance, f"x = {x[worst]}: {y[worst]} vs {expected[worst]}"


def test_sigmoid_far_tails_are_exact_and_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e^-x overflows on the way: no RuntimeWarning
        y = F.sigmoid(np.array([-1000.0, -np.inf, np.inf, 1000.0], F32)).data
    np.testing.assert_array_equal(y, [0.0, 0.0, 1.0, 1.0])
    assert np.isnan(F.sigmoid(np.array([np.nan])).data[0])


@pytest.mark.parametrize("dtype", [np.float16, F32, F64])
@pytest.mark.parametrize("size", [1, 7, 20000])  # (small arrays are checked for overflow)
def test_sigmoid_is_silent_and_exact_on_both_sides_of_its_overflow_check(dtype, size):
    limit = {np.float16: 11.0, F32: 88.0, F64: 709.0}[dtype]
    for edge in (limit - 0.5, limit + 0.5, 2 * limit):
        x = np.full(size, -edge, dtype)
        x[0] = 0.5
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # e^-x may overflow on the way: no RuntimeWarning
            y = F.sigmoid(x).data
        expected = np.array([reference_sigmoid(float(v)) for v in x[:2]])
        assert y.dtype == dtype
        np.testing.assert_allclose(y[:2].astype(F64), expected, rtol=2 * np.finfo(dtype).eps,
                                   atol=float(np.finfo(dtype).smallest_normal))


def test_sigmoid_of_minus_20_in_float32_is_not_zero():
    assert F.sigmoid(Variable(np.array([-20.0], F32))).data[0] == pytest.approx(2.0611537e-9,
                                                                               rel=1e-6)


@pytest.mark.parametrize("dtype", [F64, F32])
def test_bce_of_a_confidently_wrong_sigmoid_still_has_a_gradient(dtype):
    x = Variable(np.array([-20.0, -15.0, -25.0], dtype))  # sigmoid > BCE's 1e-12 floor
    (g,) = grad_of(lambda v: F.binary_cross_entropy(F.sigmoid(v), np.ones(3, dtype),
                                                    reduction="sum"), x)
    np.testing.assert_allclose(g.data, -1.0, rtol=1e-3)  # d/dx = sigmoid(x) - 1


def test_sigmoid_and_its_gradient_match_torch():
    torch = torch_or_skip()
    x = np.linspace(-80.0, 30.0, 1101).astype(F32)
    v = Variable(x)
    y = F.sigmoid(v)
    y.backward(np.ones_like(x))
    tx = torch.tensor(x, requires_grad=True)
    ty = torch.sigmoid(tx)
    ty.sum().backward()
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-5, atol=0)
    # both take the gradient y (1 - y) from y, where 1 - y keeps only float32's absolute digits
    np.testing.assert_allclose(v.grad.data, tx.grad.numpy(), rtol=1e-5, atol=1e-7)


# ----- 2. pow at 0: PyTorch's zeros, not 0 * inf = nan -----

@pytest.mark.parametrize("dtype", [F64, F32])
def test_the_gradient_of_x_to_the_0_at_0_is_0(dtype):
    x = Variable(np.array([0.0, 1.0, -2.0], dtype))
    (g,) = grad_of(lambda v: v ** 0, x)
    np.testing.assert_array_equal(g.data, 0.0)
    assert g.dtype == dtype


def test_the_gradient_of_0_to_the_t_wrt_t_is_0():
    t = Variable(np.array([0.0, 0.5, 1.0, 2.0]))
    for f in (lambda v: 0.0 ** v, lambda v: ag.pow(np.zeros(4), v)):
        (g,) = grad_of(f, t)
        np.testing.assert_array_equal(g.data, 0.0)


def test_polynomial_features_at_0_have_finite_gradients():
    x = Variable(np.array([[0.0], [2.0]]))
    (g,) = grad_of(lambda v: v ** np.array([0.0, 1.0, 2.0]), x)  # d/dx (1 + x + x^2)
    np.testing.assert_array_equal(g.data, [[1.0], [5.0]])


@pytest.mark.parametrize("exponent, expected", [(0.0, 0.0), (1.0, 0.0), (2.0, 2.0), (3.0, 0.0)])
def test_second_derivative_of_a_power_at_0(exponent, expected):
    x = Variable(np.array([0.0]))
    _, gg = second_grad(lambda v: v ** exponent, x)
    np.testing.assert_array_equal(gg.data, [expected])


def test_pow_gradients_match_torch_at_special_points():
    torch = torch_or_skip()
    base = np.array([0.0, 0.5, 2.0, 0.0, -1.5])[:, None]
    exponent = np.array([0.0, 1.0, 2.0, 3.0, 0.5, -1.0])[None, :]
    b, e = Variable(base), Variable(exponent)
    gb, ge = grad_of(ag.pow, b, e)
    tb = torch.tensor(base, requires_grad=True)
    te = torch.tensor(exponent, requires_grad=True)
    (tb ** te).sum().backward()
    np.testing.assert_allclose(gb.data, tb.grad.numpy(), equal_nan=True)
    np.testing.assert_allclose(ge.data, te.grad.numpy(), equal_nan=True)


# ----- 3. a batch of padding only -----

PADDING = -100
PADDED = {
    "cross_entropy": lambda x, t: F.cross_entropy(x, t),
    "weighted": lambda x, t: F.cross_entropy(x, t, weight=np.array([1.0, 2.0, 3.0])),
    "smoothed": lambda x, t: F.cross_entropy(x, t, label_smoothing=0.1),
    "nll_loss": lambda x, t: F.nll_loss(F.log_softmax(x, axis=1), t),
}


@pytest.mark.parametrize("name", PADDED)
def test_a_padding_only_batch_gives_zero_gradients(name):
    x = Variable(np.random.default_rng(0).standard_normal((4, 3)))
    loss = PADDED[name](x, np.full(4, PADDING))
    loss.backward()
    assert np.isnan(loss.data)  # the mean over nothing, as PyTorch
    np.testing.assert_array_equal(x.grad.data, 0.0)


def test_a_padding_only_batch_leaves_the_weights_finite():
    layer = nn.Linear(3, 4)
    before = layer.weight.data.copy()
    opt = optim.SGD(layer.parameters(), lr=0.1, momentum=0.9)
    loss = F.cross_entropy(layer(np.ones((2, 3))), np.full(2, PADDING))
    loss.backward()
    opt.step()
    np.testing.assert_array_equal(layer.weight.data, before)


def test_a_padding_only_batch_matches_torch():
    torch = torch_or_skip()
    x = np.random.default_rng(1).standard_normal((4, 3))
    v = Variable(x)
    loss = F.cross_entropy(v, np.full(4, PADDING))
    loss.backward()
    tx = torch.tensor(x, requires_grad=True)
    tloss = torch.nn.functional.cross_entropy(tx, torch.full((4,), PADDING))
    tloss.backward()
    assert np.isnan(loss.data) and torch.isnan(tloss)
    np.testing.assert_array_equal(v.grad.data, tx.grad.numpy())


# ----- 4. second derivatives through kinks: zeros, not 'does not require grad' -----

KINKED = {
    "abs": ag.abs,
    "relu": F.relu,
    "leaky_relu": F.leaky_relu,
    "max": ag.max,
    "min": ag.min,
    "max_axis": lambda v: ag.max(ag.reshape(v, (2, 2)), axis=1),
    "maximum": lambda v: ag.maximum(v, 0.5),
    "minimum": lambda v: ag.minimum(0.5, v),
    "clip": lambda v: ag.clip(v, -1.0, 1.0),
    "l1_loss": lambda v: F.l1_loss(v, np.zeros(4)),
    "max_pool2d": lambda v: F.max_pool2d(ag.reshape(v, (1, 1, 2, 2)), 2),
}
POINTS = np.array([-2.0, -0.5, 0.7, 3.0])


@pytest.mark.parametrize("name", KINKED)
def test_the_second_derivative_of_a_piecewise_linear_op_is_zero(name):
    x = Variable(POINTS.copy())
    g, gg = second_grad(KINKED[name], x)
    assert np.abs(g.data).sum() > 0  # the first derivative itself is right and nonzero
    np.testing.assert_array_equal(gg.data, np.zeros(4))


@pytest.mark.parametrize("name", KINKED)
def test_first_order_backprop_through_a_kink_builds_no_graph(name):
    x = Variable(POINTS.copy())
    ag.sum(KINKED[name](x)).backward()
    assert x.grad.creator is None and not x.grad.requires_grad


def test_a_kinked_first_derivative_still_carries_its_upstream_gradient():
    x = Variable(POINTS.copy())
    w = Variable(np.array([1.0, 2.0, 3.0, 4.0]))
    (g,) = ag.grad(ag.sum(ag.abs(x) * w), [x], create_graph=True)  # sign(x) * w
    gx, gw = ag.grad(ag.sum(g), [x, w])
    np.testing.assert_array_equal(gx.data, 0.0)
    np.testing.assert_array_equal(gw.data, np.sign(POINTS))


def test_huber_second_derivative_is_one_inside_and_zero_outside():
    x = Variable(np.array([-2.0, 0.5, 3.0]))
    _, gg = second_grad(lambda v: F.huber_loss(v, np.zeros(3), reduction="sum"), x)
    np.testing.assert_array_equal(gg.data, [0.0, 1.0, 0.0])


@pytest.mark.parametrize("name", ["abs", "relu", "leaky_relu", "max_pool2d", "l1_loss"])
def test_kinked_second_derivatives_match_torch(name):
    torch = torch_or_skip()
    tf = torch.nn.functional
    ops = {"abs": torch.abs, "relu": tf.relu, "leaky_relu": tf.leaky_relu,
           "max_pool2d": lambda v: tf.max_pool2d(v.reshape(1, 1, 2, 2), 2),
           "l1_loss": lambda v: tf.l1_loss(v, torch.zeros(4, dtype=v.dtype))}
    x = Variable(POINTS.copy())
    g, gg = second_grad(KINKED[name], x)
    tx = torch.tensor(POINTS, requires_grad=True)
    (tg,) = torch.autograd.grad(ops[name](tx).sum(), tx, create_graph=True)
    (tgg,) = torch.autograd.grad(tg.sum(), tx, materialize_grads=True)
    np.testing.assert_allclose(g.data, tg.detach().numpy())
    tgg = torch.zeros_like(tx).add(tgg)  # a ZeroTensor (abs) becomes a plain one
    np.testing.assert_array_equal(gg.data, tgg.numpy())


# ----- 5. 0-d and empty inputs -----

@pytest.mark.parametrize("f, value", [(F.softmax, 1.0), (F.log_softmax, 0.0)])
@pytest.mark.parametrize("dim", [0, -1])
def test_softmax_of_a_0d_input(f, value, dim):
    x = Variable(np.array(2.5))
    y = f(x, dim=dim)
    assert y.shape == () and y.data == value
    y.backward()
    assert x.grad.shape == () and x.grad.data == 0.0


def test_softmax_of_a_0d_input_rejects_axis_1():
    with pytest.raises(ValueError, match=r"^softmax: axis 1"):
        F.softmax(Variable(np.array(2.5)), axis=1)


@pytest.mark.parametrize("f", [F.softmax, F.log_softmax])
@pytest.mark.parametrize("shape, axis", [((3, 0), -1), ((0,), 0), ((0, 4), 1), ((2, 0, 3), 1)])
def test_softmax_over_or_beside_an_empty_axis_is_empty(f, shape, axis):
    x = Variable(np.zeros(shape))
    y = f(x, axis=axis)
    assert y.shape == shape
    y.backward(np.zeros(shape))
    assert x.grad.shape == shape


@pytest.mark.parametrize("op", [ag.max, ag.min])
def test_max_over_a_nonempty_axis_of_an_empty_array(op):
    x = Variable(np.zeros((0, 3)))
    y = op(x, axis=1)
    assert y.shape == (0,)
    ag.sum(y).backward()
    assert x.grad.shape == (0, 3)
    assert op(x, axis=1, keepdims=True).shape == (0, 1)


@pytest.mark.parametrize("op, name", [(ag.max, "max"), (ag.min, "min")])
def test_max_over_an_empty_axis_is_a_clear_error(op, name):
    with pytest.raises(ValueError, match=rf"^{name}: .*axis 0 of size 0"):
        op(Variable(np.zeros((0, 3))), axis=0)


@pytest.mark.parametrize("shape, axis, expected_shape", [((0,), None, ()), ((2, 0), 1, (2,)),
                                                         ((0, 3), 1, (0,))])
def test_logsumexp_of_nothing_is_minus_infinity(shape, axis, expected_shape):
    x = Variable(np.zeros(shape))
    y = ag.logsumexp(x, axis=axis)
    assert y.shape == expected_shape
    assert np.all(np.isneginf(y.data))
    ag.sum(y).backward()
    assert x.grad.shape == shape


def test_edge_shapes_match_torch():
    torch = torch_or_skip()
    assert F.softmax(np.array(2.5)).data == torch.softmax(torch.tensor(2.5), 0).item()
    assert F.log_softmax(np.array(2.5)).data == torch.log_softmax(torch.tensor(2.5), -1).item()
    assert F.softmax(np.zeros((3, 0))).shape == tuple(torch.softmax(torch.zeros(3, 0), -1).shape)
    assert ag.max(np.zeros((0, 3)), axis=1).shape == tuple(torch.zeros(0, 3).amax(1).shape)
    assert ag.logsumexp(np.zeros(0)).data == torch.logsumexp(torch.zeros(0), 0).item()


# ----- 6. complex (or otherwise non-real) hyperparameters -----

X = np.array([-1.0, 0.5, 2.0])
HYPERPARAMETERS = {
    ("leaky_relu", "negative_slope"): lambda bad: F.leaky_relu(X, negative_slope=bad),
    ("elu", "alpha"): lambda bad: F.elu(X, alpha=bad),
    ("softplus", "beta"): lambda bad: F.softplus(X, beta=bad),
    ("softplus", "threshold"): lambda bad: F.softplus(X, threshold=bad),
    ("clip", "a_min"): lambda bad: ag.clip(X, bad, None),
    ("clip", "a_max"): lambda bad: ag.clip(X, None, bad),
    ("huber_loss", "delta"): lambda bad: F.huber_loss(X, X, delta=bad),
    ("cross_entropy", "label_smoothing"):
        lambda bad: F.cross_entropy(np.ones((2, 3)), np.array([0, 1]), label_smoothing=bad),
    ("batch_norm", "eps"): lambda bad: F.batch_norm(np.ones((2, 3)), None, None, training=True,
                                                   eps=bad),
    ("batch_norm", "momentum"): lambda bad: F.batch_norm(np.ones((2, 3)), np.zeros(3),
                                                        np.ones(3), training=True, momentum=bad),
    ("layer_norm", "eps"): lambda bad: F.layer_norm(np.ones((2, 3)), 3, eps=bad),
    ("LeakyReLU", "negative_slope"): lambda bad: nn.LeakyReLU(bad),  # when made
    ("ELU", "alpha"): lambda bad: nn.ELU(bad),
    ("Softplus", "beta"): lambda bad: nn.Softplus(beta=bad),
}


NOT_REAL = {"1j": 1j, "complex": 0.5 + 0j, "np.complex64": np.complex64(1), "str": "0.1",
            "None": None, "list": [0.1]}
NON_REAL_CASES = [(op, name, kind) for op, name in HYPERPARAMETERS for kind in NOT_REAL
                  if not (op == "clip" and kind == "None")]  # None is clip's "no bound"


@pytest.mark.parametrize("op, name, kind", NON_REAL_CASES)
def test_a_non_real_hyperparameter_is_a_type_error_naming_op_and_argument(op, name, kind):
    with pytest.raises(TypeError, match=rf"^{op}: {name} must be a real number"):
        HYPERPARAMETERS[op, name](NOT_REAL[kind])


def test_leaky_relu_with_a_complex_slope_no_longer_returns_complex_data():
    with pytest.raises(TypeError):
        F.leaky_relu(Variable(X), negative_slope=1j)


@pytest.mark.parametrize("slope", [0.2, 1, np.float64(0.2), np.float32(0.2), np.int64(1)],
                         ids=["float", "int", "np.float64", "np.float32", "np.int64"])
def test_real_hyperparameters_of_any_type_keep_float32_float32(slope):
    x = Variable(X.astype(F32))
    assert F.leaky_relu(x, slope).dtype == F32
    assert F.elu(x, slope).dtype == F32
    assert ag.clip(x, -slope, slope).dtype == F32


# ----- 7. out-of-range axes: NumPy's AxisError, naming the op -----

A = Variable(np.ones((2, 3)))
BAD_AXES = {
    "swapaxes": lambda: ag.swapaxes(A, 0, 5),
    "transpose": lambda: ag.transpose(A, (0, 3)),
    "squeeze": lambda: ag.squeeze(Variable(np.ones((2, 1))), axis=-3),
    "expand_dims": lambda: ag.expand_dims(A, 4),
    "concatenate": lambda: ag.concatenate([A, A], axis=2),
    "split": lambda: ag.split(A, 3, axis=-3),
}
BAD_AXIS = {"swapaxes": (5, 2), "transpose": (3, 2), "squeeze": (-3, 2), "expand_dims": (4, 3),
            "concatenate": (2, 2), "split": (-3, 2)}


@pytest.mark.parametrize("op", BAD_AXES)
def test_an_out_of_range_axis_names_op_axis_and_ndim(op):
    axis, ndim = BAD_AXIS[op]
    with pytest.raises(np.exceptions.AxisError) as info:
        BAD_AXES[op]()
    assert str(info.value) == f"{op}: axis {axis} is out of bounds for array of dimension {ndim}"
    assert isinstance(info.value, ValueError) and isinstance(info.value, IndexError)


def test_swapaxes_rejects_a_non_integer_axis():
    with pytest.raises(TypeError, match=r"^swapaxes: axis must be an integer"):
        ag.swapaxes(A, 0, 1.5)


def test_swapaxes_still_swaps_with_negative_axes():
    x = Variable(np.arange(24.0).reshape(2, 3, 4))
    y = ag.swapaxes(x, 0, -1)
    np.testing.assert_array_equal(y.data, np.swapaxes(x.data, 0, -1))
    y.backward(np.ones(y.shape))
    assert x.grad.shape == (2, 3, 4)


# ----- 8. integer input to float-only functions -----

FLOAT_ONLY = {"softmax": F.softmax, "log_softmax": F.log_softmax, "leaky_relu": F.leaky_relu,
              "elu": F.elu, "softplus": F.softplus, "gelu": F.gelu}


@pytest.mark.parametrize("wrap", [np.asarray, Variable], ids=["array", "Variable"])
@pytest.mark.parametrize("op", FLOAT_ONLY)
def test_integer_input_to_a_float_only_function_is_a_type_error(op, wrap):
    with pytest.raises(TypeError, match=rf"^{op}: expected a floating-point input, got dtype "
                                        r"int64"):
        FLOAT_ONLY[op](wrap(np.array([1, 2, 3])))


def test_sigmoid_converts_integer_input_and_relu_keeps_it():
    y = F.sigmoid(np.array([-1, 0, 40]))
    assert y.dtype == F64
    np.testing.assert_allclose(y.data, [reference_sigmoid(v) for v in (-1, 0, 40)], rtol=1e-15)
    r = F.relu(np.array([-1, 2]))
    assert r.dtype == np.int64 and r.data.tolist() == [0, 2]


# ----- 9. gradients whose textbook formula under- or overflows, or cancels -----

@pytest.mark.parametrize("dtype, x0, x1", [
    (F32, 0.0, 1e-30), (F32, 1e-30, 1e-30), (F32, 1e30, 1e20), (F32, 1e-20, 1e-20),
    (F64, 1e-200, 1e-200), (F64, 1e300, 1e200)])
def test_the_gradient_for_a_divisor_never_squares_it(dtype, x0, x1):
    # -x0 / x1^2 gives nan, -inf or -0 on these; -(x0 / x1) / x1 is the true value
    a, b = Variable(np.array([x0], dtype)), Variable(np.array([x1], dtype))
    _, gb = grad_of(lambda a, b: a / b, a, b)
    exact = -(F64(dtype(x0)) / F64(dtype(x1))) / F64(dtype(x1))
    assert gb.dtype == dtype and np.isfinite(gb.data).all()
    np.testing.assert_allclose(gb.data, exact, rtol=4 * np.finfo(dtype).eps)


@pytest.mark.parametrize("dtype, xs", [(F32, [-10.0, -17.0, -20.0, -40.0]),
                                       (F64, [-10.0, -40.0, -100.0, -700.0])])
def test_elu_slope_far_in_its_negative_tail_is_alpha_e_to_the_x(dtype, xs):
    # y + alpha, the slope from the output, cancels to 0 there
    x = Variable(np.array(xs, dtype))
    (g,) = grad_of(lambda x: F.elu(x, alpha=0.5), x)
    np.testing.assert_allclose(g.data, 0.5 * np.exp(np.array(xs)), rtol=8 * np.finfo(dtype).eps)


def test_elu_at_its_kink_has_slope_alpha_and_second_derivative_0_as_torch():
    g, gg = second_grad(lambda x: F.elu(x, alpha=0.5), Variable(np.zeros(1)))
    assert g.data[0] == 0.5 and gg.data[0] == 0


@pytest.mark.parametrize("p", [0.5, 0.9])
@pytest.mark.parametrize("dtype", [F32, F64])
def test_a_p_norm_below_1_gives_a_zero_entry_gradient_0(p, dtype):
    # sign(0) |0|^(p-1) is 0 * inf; PyTorch gives 0
    x = Variable(np.array([3.0, 0.0, -4.0], dtype))
    g, gg = second_grad(lambda x: ag.norm(x, ord=p), x)
    y = (3 ** p + 4 ** p) ** (1 / p)
    exact = np.array([3 ** (p - 1), 0, -4 ** (p - 1)]) / y ** (p - 1)
    np.testing.assert_allclose(g.data, exact, rtol=8 * np.finfo(dtype).eps)
    assert np.isfinite(gg.data).all()


@pytest.mark.parametrize("pw", [0.0, 3.0])
@pytest.mark.parametrize("dtype, xs", [(F32, [-20.0, -40.0, 30.0]), (F64, [-40.0, -700.0, 30.0])])
def test_the_target_gradient_of_bce_with_logits_keeps_its_tail(dtype, xs, pw):
    # dl/dt = pw softplus(-x) - softplus(x); (pw - 1) softplus(-x) - x cancels for x << 0
    x, weights = np.array(xs, dtype), np.full(len(xs), pw, dtype)
    t = Variable(np.full(len(xs), 0.5, dtype))
    (gt,) = grad_of(lambda t: F.binary_cross_entropy_with_logits(
        x, t, reduction="sum", pos_weight=weights), t)
    exact = pw * np.logaddexp(0, -np.array(xs)) - np.logaddexp(0, np.array(xs))
    np.testing.assert_allclose(gt.data, exact, rtol=8 * np.finfo(dtype).eps)


def test_nan_gradients_follow_pytorch_in_max_min_clip_relu():
    """A NaN propagates from whichever input holds it: that input gets the gradient."""
    nan = np.nan
    x0, x1 = Variable(np.array([nan, 2.0, 1.0])), Variable(np.array([1.0, nan, 1.0]))
    ag.sum(ag.maximum(x0, x1)).backward()
    np.testing.assert_array_equal(x0.grad.data, [1.0, 1.0, 0.5])
    np.testing.assert_array_equal(x1.grad.data, [1.0, 1.0, 0.5])
    y0, y1 = Variable(np.array([nan, 3.0, 1.0])), Variable(np.array([2.0, 1.0, 5.0]))
    ag.sum(ag.minimum(y0, y1)).backward()
    np.testing.assert_array_equal(y0.grad.data, [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(y1.grad.data, [1.0, 1.0, 0.0])
    c = Variable(np.array([nan, 0.5, 3.0]))
    ag.sum(ag.clip(c, -1.0, 1.0)).backward()
    np.testing.assert_array_equal(c.grad.data, [0.0, 1.0, 0.0])
    m = Variable(np.array([1.0, nan, 3.0]))
    ag.max(m).backward()
    np.testing.assert_array_equal(m.grad.data, [0.0, 1.0, 0.0])
    r = Variable(np.array([nan, 0.5, 0.0, -1.0]))
    ag.sum(F.relu(r)).backward()
    np.testing.assert_array_equal(r.grad.data, [1.0, 1.0, 0.0, 0.0])


@pytest.mark.parametrize("dtype, row", [(F32, 4), (F64, 8)])
def test_sigmoid_into_a_one_column_view_is_right(dtype, row):
    """NumPy 2.4's np.negative(x, out=) writes wrong values into a one-column view of rows
    16 (float32) or 64 (float64) bytes apart; sigmoid_array negates by a product instead."""
    x = np.linspace(-3, 3, 5 * row).astype(dtype).reshape(5, row)[:, :1]
    out = np.empty((5, row), dtype)[:, :1]
    np.testing.assert_array_equal(sigmoid_array(x, out=out), sigmoid_array(x.copy()))
