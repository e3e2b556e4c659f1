"""matmul (batched, broadcasting, 1-D operands; also the @ operator) and dot (NumPy's
semantics for every rank): forward equals NumPy (values and dtype), backprop equals
numerical differentiation to first and second order."""
import operator

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd as ag
from autograd import Variable
from autograd.testing import (
    arrays,
    assert_forward_matches,
    assert_gradients_match,
    float_dtypes,
    shapes,
)

# (n?,k),(k,m?)->(n?,m?): batch axes broadcast, either operand may be 1-D
MATMUL_SHAPES = hnp.mutually_broadcastable_shapes(signature=np.matmul.signature, max_dims=2,
                                                  max_side=3).map(lambda s: s.input_shapes)


def tolerance(dtype):
    return 1e-5 if dtype == np.float32 else 1e-12


@pytest.mark.parametrize("op", [ag.matmul, operator.matmul], ids=["matmul", "@"])
@given(data=st.data(), dtype=float_dtypes(), pair=MATMUL_SHAPES)
def test_matmul(op, data, dtype, pair):
    a = data.draw(arrays(pair[0], dtype))
    b = data.draw(arrays(pair[1], dtype))
    assert_forward_matches(op, np.matmul, a, b, rtol=tolerance(dtype), atol=tolerance(dtype))
    assert_gradients_match(op, a, b, order=2)


@st.composite
def dot_shapes(draw):
    """Operand shapes NumPy's dot accepts: 0-d with anything, else a's last axis against
    b's only axis (1-D) or its second-to-last."""
    if draw(st.booleans()) and draw(st.booleans()):
        scalar_first = draw(st.booleans())
        other = draw(shapes(max_dims=3, max_side=3))
        return ((), other) if scalar_first else (other, ())
    k = draw(st.integers(1, 3))
    a = draw(shapes(max_dims=2, max_side=3)) + (k,)
    b = (k,) if draw(st.booleans()) else (
        draw(shapes(max_dims=1, max_side=3)) + (k, draw(st.integers(1, 3))))
    return a, b


@given(data=st.data(), dtype=float_dtypes(), pair=dot_shapes())
def test_dot(data, dtype, pair):
    a = data.draw(arrays(pair[0], dtype))
    b = data.draw(arrays(pair[1], dtype))
    assert_forward_matches(ag.dot, np.dot, a, b, rtol=tolerance(dtype), atol=tolerance(dtype))
    assert_gradients_match(ag.dot, a, b, order=2)


def test_matmul_of_vectors_is_a_0d_inner_product():
    a, b = Variable(np.array([1.0, 2.0, 3.0])), Variable(np.array([4.0, 5.0, 6.0]))
    y = a @ b
    assert y.shape == () and y.item() == 32.0
    y.backward()
    np.testing.assert_array_equal(a.grad.data, b.data)


def test_ndarray_at_variable_gives_a_variable():
    w = np.arange(6.0).reshape(2, 3)
    y = w @ Variable(np.ones((3, 1)))
    assert isinstance(y, Variable)
    np.testing.assert_array_equal(y.data, w @ np.ones((3, 1)))


def test_broadcast_operands_reach_blas_as_dense_arrays():
    """A sum's gradient is a broadcast view (zero strides); matrix products get a dense copy
    (BLAS cannot read it), other arrays pass as they are."""
    from autograd.backend import dense
    spread = np.broadcast_to(np.float32(2), (3, 4))
    assert dense(spread).strides == (16, 4) and np.array_equal(dense(spread), spread)
    plain, one_row = np.ones((3, 4)), np.ones(4)[None]  # a zero stride on a length-1 axis
    assert dense(plain) is plain and dense(one_row) is one_row
    w = ag.Variable(np.arange(12.0).reshape(4, 3))
    x = ag.Variable(np.ones((2, 4)))
    (x @ w).sum().backward()  # the product's backward meets the broadcast gradient
    np.testing.assert_array_equal(x.grad.data, np.tile(w.data.sum(axis=1), (2, 1)))


def test_float16_products_are_float16_and_rounded_once_from_float32():
    """NumPy's float16 matmul is a slow loop: rungrad multiplies float16 operands in float32
    and rounds once (MatMul and Linear's products alike); the result is float16 and as close
    to the exact product as float16 holds (within one rounding of each entry)."""
    import nn
    rng = np.random.default_rng(0)
    a = rng.standard_normal((16, 64)).astype(np.float16)
    b = rng.standard_normal((64, 8)).astype(np.float16)
    exact = a.astype(np.float64) @ b.astype(np.float64)
    ulp = np.spacing(np.abs(exact).astype(np.float16)).astype(np.float64)
    y = ag.matmul(ag.Variable(a), ag.Variable(b)).data
    assert y.dtype == np.float16
    assert np.all(np.abs(y - exact) <= ulp)
    layer = nn.Linear(64, 8, bias=False).half()
    layer.weight.data[...] = b.T
    x = ag.Variable(a, requires_grad=True)
    out = layer(x)
    out.sum().backward()
    assert out.dtype == x.grad.dtype == layer.weight.grad.dtype == np.float16
    np.testing.assert_array_equal(out.data, y)
