"""F.linear (fused Function and its fused gradient) and the Linear / Dense layers."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
import nn.functional as F
from autograd import Parameter, Variable, gradgradcheck
from autograd.testing import arrays, assert_gradients_match, float_dtypes
from autograd.variable import UninitializedParameter

from ._helpers import assert_close, assert_parameter_grads_match, copy_weights


@st.composite
def linear_cases(draw):
    """(x, W, b or None): x has 1 to 3 axes (leading ones are batch axes)."""
    lead = draw(st.lists(st.integers(1, 3), max_size=2))
    n_in, n_out = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    dtype = draw(float_dtypes())
    x = draw(arrays(tuple(lead) + (n_in,), dtype))
    w = draw(arrays((n_out, n_in), dtype))
    b = draw(arrays((n_out,), dtype)) if draw(st.booleans()) else None
    return x, w, b


def call_linear(x, w, b=None):
    return F.linear(x, w, b)


@given(linear_cases())
def test_forward_is_x_wt_plus_b(case):
    x, w, b = case
    y = F.linear(Variable(x), Variable(w), None if b is None else Variable(b))
    expected = x @ w.T + (0 if b is None else b)
    assert y.dtype == x.dtype and y.shape == expected.shape
    tol = 1e-5 if x.dtype == np.float32 else 1e-12
    np.testing.assert_allclose(y.data, expected, rtol=tol, atol=tol)


@given(linear_cases())
def test_gradients_first_and_second_order(case):
    x, w, b = case
    inputs = (x, w) if b is None else (x, w, b)
    assert_gradients_match(call_linear, *inputs, order=2)


def test_gradient_of_a_single_input_vector():
    x, w, b = np.random.randn(3), np.random.randn(2, 3), np.random.randn(2)
    assert gradgradcheck(call_linear, x, w, b)


def test_third_order_through_the_fused_gradient():
    x, w = np.random.randn(2, 3), np.random.randn(4, 3)

    def first_order_grad(x, w):
        from autograd import grad
        y = F.linear(x, w)
        gx, gw = grad((y * y).sum(), [x, w], create_graph=True)
        return gx, gw

    assert gradgradcheck(first_order_grad, x, w)


def test_only_the_wanted_gradients_are_computed():
    x = Variable(np.ones((2, 3)), requires_grad=False)
    w = Variable(np.ones((4, 3)))
    b = Variable(np.ones(4), requires_grad=False)
    F.linear(x, w, b).sum().backward()
    assert x.grad is None and b.grad is None
    np.testing.assert_array_equal(w.grad.data, np.full((4, 3), 2.0))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("rows", [0, 1, 2, 100, 300, 70_000])
def test_the_bias_gradient_is_the_sum_over_the_batch(rows, dtype):
    """(Small float32/float64 batches take it as a product with ones: the same sums, held
    in a vector that grows with the longest batch.)"""
    gy = np.random.default_rng(rows).standard_normal((rows, 3)).astype(dtype)
    x = Variable(np.ones((rows, 2), dtype), requires_grad=False)
    w, b = Variable(np.ones((3, 2), dtype)), Variable(np.zeros(3, dtype))
    F.linear(x, w, b).backward(gy)
    expected = gy.astype(np.float64).sum(axis=0)
    tolerance = {np.float16: 1e-2, np.float32: 1e-5, np.float64: 1e-12}[dtype]
    assert b.grad.dtype == dtype and b.grad.shape == (3,)
    np.testing.assert_allclose(b.grad.data, expected, rtol=tolerance, atol=tolerance * rows)


def test_float32_stays_float32_through_backward():
    x = Variable(np.random.randn(5, 3).astype(np.float32))
    w = Variable(np.random.randn(2, 3).astype(np.float32))
    b = Variable(np.zeros(2, np.float32))
    y = F.linear(x, w, b)
    (y * y).sum().backward()
    assert y.dtype == np.float32
    assert x.grad.dtype == w.grad.dtype == b.grad.dtype == np.float32


def test_float64_or_integer_batches_are_cast_to_the_weight_dtype():
    w = Variable(np.ones((2, 3), np.float32))
    assert F.linear(np.ones((4, 3)), w).dtype == np.float32
    assert F.linear(np.ones((4, 3), np.int64), w).dtype == np.float32
    x = Variable(np.ones((4, 3)))
    F.linear(x, w).sum().backward()
    assert x.grad.dtype == np.float64 and w.grad.dtype == np.float32


@pytest.mark.parametrize("x_shape, w_shape, b_shape, message", [
    ((4, 5), (3, 4), None, r"linear: input of shape \(4, 5\) does not match weight of shape "
                           r"\(3, 4\): the last axis must be 4"),
    ((4,), (3, 4, 1), None, r"weight must be 2-D"),
    ((2, 4), (3, 4), (4,), r"bias of shape \(4,\) does not match"),
    ((), (3, 4), None, r"input of shape \(\)"),
])
def test_shape_errors_name_the_shapes(x_shape, w_shape, b_shape, message):
    b = None if b_shape is None else np.ones(b_shape)
    with pytest.raises(ValueError, match=message):
        F.linear(np.ones(x_shape), Variable(np.ones(w_shape)), b)


def test_non_array_arguments_are_refused():
    with pytest.raises(TypeError, match="linear"):
        F.linear([1.0, 2.0], Variable(np.ones((1, 2))))


# ----- Linear -----

def test_linear_layer_shapes_dtype_and_names():
    layer = nn.Linear(784, 100)
    assert layer.weight.shape == (100, 784) and layer.bias.shape == (100,)
    assert layer.weight.dtype == np.float32
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    assert layer(np.zeros((7, 784))).shape == (7, 100)
    assert repr(layer) == "Linear(in_features=784, out_features=100, bias=True)"


def test_linear_default_init_is_pytorch_s():
    np.random.seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    for p in (layer.weight, layer.bias):
        assert p.data.max() <= bound and p.data.min() >= -bound
    assert layer.weight.data.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)
    assert layer.bias.data.max() > 0.9 * bound


def test_linear_without_bias():
    layer = nn.Linear(3, 2, bias=False)
    assert layer.bias is None
    assert [n for n, _ in layer.named_parameters()] == ["weight"]
    np.testing.assert_allclose(layer(np.ones((1, 3))).data, layer.weight.data.sum(1)[None])


def test_lazy_linear_infers_in_features_at_the_first_call():
    np.random.seed(0)
    layer = nn.Linear(5)
    placeholders = list(layer.parameters())
    assert not layer.built and [type(p) for p in placeholders] == [UninitializedParameter] * 2
    assert "in_features=0" in repr(layer)  # (torch's)
    y = layer(np.ones((2, 3, 7), np.float32))
    assert layer.built and layer.in_features == 7
    assert type(layer) is nn.Linear  # from now on (torch's cls_to_become)
    assert list(layer.parameters()) == placeholders  # the same objects, now materialized
    assert all(type(p) is Parameter for p in placeholders)
    assert y.shape == (2, 3, 5) and layer.weight.shape == (5, 7)
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    np.random.seed(0)
    eager = nn.Linear(7, 5)
    np.testing.assert_array_equal(eager.weight.data, layer.weight.data)


def test_lazy_linear_needs_an_input_with_a_last_axis():
    with pytest.raises(ValueError, match="in_features"):
        nn.Linear(3)(np.float32(1.0))


@pytest.mark.parametrize("args", [(0, 3), (3, -1), (2.5, 3), (True, 3)])
def test_linear_rejects_bad_sizes(args):
    with pytest.raises(ValueError, match="Linear"):
        nn.Linear(*args)


def test_linear_matches_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = nn.Linear(6, 4), torch.nn.Linear(6, 4)
    copy_weights(ours, theirs)
    x = np.random.randn(3, 2, 6).astype(np.float32)
    y = ours(x)
    (y * y).sum().backward()
    ty = theirs(torch.from_numpy(x))
    (ty * ty).sum().backward()
    assert_close(y, ty)
    assert_parameter_grads_match(ours, theirs)


# ----- Dense -----

def test_dense_with_input_shape_is_built_at_once_with_glorot_and_zero_bias():
    np.random.seed(0)
    layer = nn.Dense(300, input_shape=(400,))
    assert layer.built and layer.weight.shape == (300, 400) and layer.units == 300
    limit = math.sqrt(6 / (400 + 300))
    assert layer.weight.data.max() <= limit and layer.weight.data.min() >= -limit
    assert layer.weight.data.std() == pytest.approx(limit / math.sqrt(3), rel=0.02)
    assert np.all(layer.bias.data == 0)
    assert list(layer.state_dict()) == ["weight", "bias"]


def test_dense_without_input_shape_is_lazy():
    layer = nn.Dense(4, activation="relu")
    assert not layer.built
    y = layer(np.random.randn(3, 6))
    assert layer.weight.shape == (4, 6) and np.all(y.data >= 0)


@pytest.mark.parametrize("name, reference", [
    ("relu", lambda z: np.maximum(z, 0)),
    ("sigmoid", lambda z: 1 / (1 + np.exp(-z))),
    ("tanh", np.tanh),
    ("softmax", lambda z: np.exp(z) / np.exp(z).sum(-1, keepdims=True)),
    ("linear", lambda z: z),
    (None, lambda z: z),
])
def test_dense_activation_names(name, reference):
    layer = nn.Dense(3, activation=name, input_shape=(2,), dtype=np.float64)
    layer.bias.data[...] = [0.1, -0.2, 0.3]
    x = np.random.randn(5, 2)
    z = x @ layer.weight.data.T + layer.bias.data
    np.testing.assert_allclose(layer(x).data, reference(z), rtol=1e-10, atol=1e-12)


def test_dense_accepts_a_callable_and_refuses_unknown_names():
    layer = nn.Dense(2, activation=F.elu, input_shape=3)
    assert "activation=elu" in repr(layer)
    with pytest.raises(ValueError, match="swishy"):
        nn.Dense(2, activation="swishy")
    with pytest.raises(ValueError, match="input_shape"):
        nn.Dense(2, input_shape=())


def test_dense_without_bias():
    layer = nn.Dense(2, input_shape=(3,), use_bias=False)
    assert [n for n, _ in layer.named_parameters()] == ["weight"]


def test_dense_gradients_reach_weight_and_bias():
    layer = nn.Dense(3, activation="tanh", input_shape=(4,), dtype=np.float64)
    layer.bias.data[...] = np.random.randn(3)
    x = np.random.randn(2, 4)
    layer(x).sum().backward()
    dz = 1 - np.tanh(x @ layer.weight.data.T + layer.bias.data) ** 2
    np.testing.assert_allclose(layer.weight.grad.data, dz.T @ x, rtol=1e-12)
    np.testing.assert_allclose(layer.bias.grad.data, dz.sum(0), rtol=1e-12)


def test_one_size_makes_pytorch_s_lazy_linear():
    layer = nn.Linear(5, bias=False)
    assert isinstance(layer, nn.LazyLinear) and isinstance(layer, nn.Linear)
    assert layer.out_features == 5 and layer.bias is None and not layer.built
    assert type(nn.Linear(3, 5)) is nn.Linear and type(nn.Linear(None, 5)) is nn.Linear
    assert not nn.Linear(None, 5).built


def test_dense_is_made_through_linear_s_constructor():
    layer = nn.Dense(4, activation="relu", input_shape=(3,), use_bias=False)
    assert layer.built and layer.weight.shape == (4, 3) and layer.bias is None
    with pytest.raises(ValueError, match="Dense: out_features must be a positive integer"):
        nn.Dense(0)


def test_a_built_dense_names_itself_and_its_input_size_in_keras_terms():
    # it raised linear's "input of shape (4, 9) does not match weight of shape (6, 2)",
    # PyTorch's (out, in) layout; Keras: 'expected axis -1 of input shape to have value 2'
    model = nn.Sequential([nn.Dense(6, input_shape=(2,), name="hidden"), nn.Dense(1)])
    with pytest.raises(ValueError, match=r"^Dense 'hidden': the input of shape \(4, 9\) has 9 "
                       r"features on its last axis, the layer was built for 2 .*kernel is "
                       r"\(2, 6\)"):
        model.predict(np.ones((4, 9), np.float32))
    with pytest.raises(ValueError, match=r"^Dense: the input of shape \(3, 5\) .* built for 6"):
        model[1](np.ones((3, 5), np.float32))


def test_a_built_lazy_layer_is_what_it_stands_for_but_a_user_subclass_stays_itself():
    """torch's cls_to_become: LazyLinear is a Linear once built (repr, isinstance, its
    saved config); a subclass of it keeps its own methods, as it does not name its own."""
    class Scaled(nn.LazyLinear):
        def forward(self, x):
            return super().forward(x) * 2

    layer, mine = nn.LazyLinear(3), Scaled(3)
    x = np.ones((2, 4), np.float32)
    layer(x), mine(x)
    assert type(layer) is nn.Linear and not isinstance(layer, nn.LazyLinear)
    assert layer.get_config()["in_features"] == 4
    assert type(mine) is Scaled
    np.testing.assert_allclose(mine(x).data, 2 * (x @ mine.weight.data.T + mine.bias.data))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bias_gradient_over_many_batch_sizes(dtype):
    """The bias gradient (a product with a vector of ones kept per row count, a few at a
    time) is the column sum for every batch size, also after more sizes than are kept."""
    rng = np.random.default_rng(0)
    w = Parameter(rng.standard_normal((3, 2)).astype(dtype))
    b = Parameter(np.zeros(3, dtype))
    for rows in [*range(1, 21), 5, 300, 2]:
        b.grad = None
        gy = rng.standard_normal((rows, 3)).astype(dtype)
        F.linear(Variable(rng.standard_normal((rows, 2)).astype(dtype)), w, b).backward(gy)
        assert b.grad.dtype == dtype and b.grad.data.flags.writeable
        np.testing.assert_allclose(b.grad.data, gy.sum(axis=0), rtol=1e-5, atol=1e-6)
