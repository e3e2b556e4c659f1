"""The ops of issue 12 §2 at their edges: zero-size inputs behave as NumPy's and PyTorch's
(values and gradients), and bad arguments raise errors that name the op and what was wrong."""
import math

import numpy as np
import pytest
from numpy.exceptions import AxisError

import autograd as ag
import nn.functional as F

from .._zero_size import check_zero_size

torch = pytest.importorskip("torch")
E = np.zeros((0, 3))
E3 = np.zeros((2, 0, 3))


@pytest.mark.filterwarnings("ignore:.*degrees of freedom")  # ours and PyTorch's
@pytest.mark.parametrize("ours, theirs, x", [
    (lambda v: ag.var(v, 0), lambda t: t.var(0, correction=0), E),
    (lambda v: ag.var(v, 1, ddof=1), lambda t: t.var(1), E),
    (lambda v: ag.std(v), lambda t: t.std(correction=0), E),
    (lambda v: ag.prod(v, 0), lambda t: t.prod(0), E),
    (lambda v: ag.prod(v), lambda t: t.prod(), E),
    (lambda v: ag.cumsum(v, 0), lambda t: t.cumsum(0), E),
    (lambda v: ag.cumprod(v, 1), lambda t: t.cumprod(1), E),
    (ag.log1p, torch.log1p, E),
    (ag.expm1, torch.expm1, E),
    (ag.sigmoid, torch.sigmoid, E),
    (lambda v: ag.einsum("ij,jk->ik", v, v.T), lambda t: torch.einsum("ij,jk->ik", t, t.T), E),
    (lambda v: ag.einsum("ij->", v), lambda t: torch.einsum("ij->", t), E),
    (lambda v: ag.pad(v, 1), lambda t: torch.nn.functional.pad(t, (1, 1, 1, 1)), E),
    (lambda v: ag.pad(v, ((0, 0), (0, 0), (1, 2)), mode="reflect"),
     lambda t: torch.nn.functional.pad(t, (1, 2), mode="reflect"), np.zeros((0, 2, 3))),
    (lambda v: ag.norm(v), lambda t: torch.linalg.norm(t), E),
    (lambda v: ag.norm(v, axis=1), lambda t: torch.linalg.vector_norm(t, dim=1), E),
    (lambda v: ag.norm(v, axis=0), lambda t: torch.linalg.vector_norm(t, dim=0), E),
    (lambda v: ag.sort(v, 0), lambda t: torch.sort(t, 0).values, E),
    (lambda v: ag.topk(v, 0, 1)[0], lambda t: torch.topk(t, 0, 1).values, E),
    (lambda v: ag.logsumexp(v, (0, 1)), lambda t: torch.logsumexp(t, (0, 1)), E),
    (lambda v: F.softmax(v, (0, 2)), lambda t: torch.softmax(t, 0), E3),
], ids=lambda p: "" if callable(p) else str(p.shape))
def test_zero_size_inputs(ours, theirs, x):
    check_zero_size(ours, theirs, x)


@pytest.mark.parametrize("order", [1, math.inf])
@pytest.mark.parametrize("shape", [(2, 0), (0, 2), (3, 0, 2)])
def test_empty_matrix_norms_whose_max_starts_at_0_are_0(order, shape):
    # NumPy's (and PyTorch's) matrix norms ord=1 and inf take their max with initial=0
    check_zero_size(lambda v: ag.norm(v, order, axis=(-2, -1)),
                    lambda t: torch.linalg.matrix_norm(t, order), np.zeros(shape))


@pytest.mark.parametrize("shape, axis", [((0,), None), ((2, 0), 1), ((2, 0), -1)])
def test_the_inf_norm_of_nothing_is_0_as_numpy(shape, axis):
    y = check_zero_size(lambda v: ag.norm(v, math.inf, axis=axis, keepdims=True), None,
                        np.zeros(shape))[0]
    expected = np.linalg.norm(np.zeros(shape), math.inf, axis=axis, keepdims=True)
    assert y.shape == expected.shape
    np.testing.assert_array_equal(y.data, expected)


def test_zero_size_results_have_numpy_shapes():
    assert ag.argmax(E, 1).shape == (0,)
    assert ag.cumsum(np.zeros((0,))).shape == (0,)
    assert ag.pad(np.zeros((0,)), (1, 2), constant_values=4.0).data.tolist() == [4.0] * 3


@pytest.mark.parametrize("call, error, words", [
    (lambda: ag.var(np.ones(3), ddof="1"), TypeError, ["var", "ddof"]),
    (lambda: ag.std(np.ones(3), ddof=1, correction=1), ValueError, ["std", "ddof", "correction"]),
    (lambda: ag.var(np.arange(3)), TypeError, ["var", "int64"]),
    (lambda: ag.var(np.ones((2, 3)), 2), AxisError, ["var", "axis 2"]),
    (lambda: ag.prod(np.ones((2, 3)), (0, 0)), ValueError, ["prod", "repeated"]),
    (lambda: ag.cumsum(np.ones((2, 3)), 2), AxisError, ["cumsum", "axis 2"]),
    (lambda: ag.cumprod(np.ones(()), 1), AxisError, ["cumprod", "axis 1"]),
    (lambda: ag.einsum("ij,jk", np.ones((2, 3)), np.ones((4, 2))), ValueError,
     ["einsum", "'j'", "3", "4"]),
    (lambda: ag.einsum("ijk", np.ones((2, 3))), ValueError, ["einsum", "operand 0", "(2, 3)"]),
    (lambda: ag.einsum("ii->i", np.ones((1, 3))), ValueError,
     ["einsum", "'i'", "operand 0", "1 and 3"]),
    (lambda: ag.einsum("ij,jk", np.ones((2, 3))), ValueError, ["einsum", "2 operands", "1"]),
    (lambda: ag.einsum("...i,...i", np.ones((2, 3)), np.ones((4, 3))), ValueError,
     ["einsum", "'...'", "(2,), (4,)", "broadcast"]),
    (lambda: ag.einsum("...i->i", np.ones((2, 3))), ValueError, ["einsum", "no '...'"]),
    (lambda: ag.einsum("....i", np.ones((2, 3))), ValueError, ["einsum", "'...' once"]),
    (lambda: ag.einsum("ij->ii", np.ones((2, 2))), ValueError, ["einsum", "repeats"]),
    (lambda: ag.einsum("ij->k", np.ones((2, 2))), ValueError, ["einsum", "'k'"]),
    (lambda: ag.einsum("i1", np.ones((2, 2))), ValueError, ["einsum", "letters"]),
    (lambda: ag.einsum(3, np.ones(2)), TypeError, ["einsum", "string"]),
    (lambda: ag.einsum("i"), ValueError, ["einsum", "operand"]),
    (lambda: ag.pad(np.ones((2, 3)), -1), ValueError, ["pad", "non-negative", "(2, 3)"]),
    (lambda: ag.pad(np.ones((2, 3)), ((1, 1),) * 3), ValueError, ["pad", "2 axes"]),
    (lambda: ag.pad(np.ones((2, 3)), 1.5), ValueError, ["pad", "integers"]),
    (lambda: ag.pad(np.ones((2, 3)), 1, mode="mirror"), ValueError, ["pad", "'mirror'"]),
    (lambda: ag.pad(np.ones((0, 3)), 1, mode="edge"), ValueError, ["pad", "axis 0", "size 0"]),
    (lambda: ag.norm(np.ones((2, 3, 4)), 1), ValueError, ["norm", "(2, 3, 4)"]),
    (lambda: ag.norm(np.ones((2, 3)), "fro", 0), ValueError, ["norm", "'fro'", "vector"]),
    (lambda: ag.norm(np.ones((2, 3)), 3, (0, 1)), ValueError, ["norm", "3", "matrix"]),
    (lambda: ag.norm(np.ones((2, 3, 4)), None, (0, 1, 2)), ValueError, ["norm", "1 or 2"]),
    (lambda: ag.norm(np.arange(3)), TypeError, ["norm", "int64"]),
    (lambda: ag.norm(np.zeros(0), -math.inf), ValueError, ["norm", "-inf", "(0,)", "size 0"]),
    (lambda: ag.norm(np.zeros((2, 0)), -1), ValueError, ["norm", "-1", "(2, 0)", "axis 1"]),
    (lambda: ag.sort(np.ones((2, 3)), 2), AxisError, ["sort", "axis 2"]),
    (lambda: ag.topk(np.ones((2, 3)), 4), ValueError, ["topk", "[0, 3]", "(2, 3)"]),
    (lambda: ag.topk(np.ones((2, 3)), -1), ValueError, ["topk", "-1"]),
    (lambda: ag.argmax(np.ones((0, 3))), ValueError, ["argmax", "empty", "(0, 3)"]),
    (lambda: ag.argmin(np.ones((2, 0)), 1), ValueError, ["argmin", "axis 1", "size 0"]),
    (lambda: F.softmax(np.ones((2, 3)), (0, 2)), AxisError, ["softmax", "axis 2"]),
    (lambda: F.log_softmax(np.ones((2, 3)), (1, 1)), ValueError, ["log_softmax", "repeated"]),
    (lambda: ag.clip(np.ones(2), None, None), ValueError, ["clip", "None"]),
])
def test_bad_arguments_name_the_op(call, error, words):
    with pytest.raises(error) as info:
        call()
    for word in words:
        assert word in str(info.value), (word, str(info.value))


def test_norm_ord_0_counts_nonzeros_with_gradient_zero():
    x = ag.Variable(np.array([[0.0, 2.0, -1.0], [0.0, 0.0, 0.0]]))
    y = ag.norm(x, 0, axis=1)
    np.testing.assert_array_equal(y.data, [2.0, 0.0])
    y.backward(np.ones(2))
    np.testing.assert_array_equal(x.grad.data, np.zeros((2, 3)))
    assert ag.norm(np.array([3.0, -4.0]), math.inf).item() == 4.0


def test_float32_stays_float32():
    x = np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3)
    for y in (ag.var(x, 1), ag.std(x), ag.prod(x, 0), ag.cumsum(x, 1), ag.cumprod(x, 0),
              ag.log1p(x + 1), ag.expm1(x), ag.sigmoid(x), ag.einsum("ij,kj", x, x),
              ag.pad(x, 1, constant_values=2), ag.pad(x, 1, mode="reflect"), ag.norm(x),
              ag.norm(x, 1, 1), ag.sort(x), ag.topk(x, 2)[0]):
        assert y.dtype == np.float32, y


@pytest.mark.parametrize("which", ["var", "std"])
def test_no_degrees_of_freedom_warn_once_naming_the_op(which):
    x = ag.Variable(np.ones((2, 1)))
    with pytest.warns(RuntimeWarning) as record:
        y = getattr(ag, which)(x, 1, ddof=1)
        y.backward(np.ones(2))
    assert [str(w.message).split(":")[0] for w in record] == [which]
    assert np.isnan(y.data).all() and np.isnan(x.grad.data).all()  # PyTorch's nan


def test_the_new_reductions_are_variable_methods_as_ndarray_has_them():
    a = np.array([[1.0, 3.0], [2.0, 5.0]])
    x = ag.Variable(a)
    for name, kwargs in [("var", {}), ("std", {"ddof": 1}), ("prod", {"axis": 0}),
                         ("cumsum", {}), ("cumprod", {"axis": 1}), ("argmax", {}),
                         ("argmin", {"axis": 1}), ("argsort", {})]:
        got = getattr(x, name)(**kwargs)
        np.testing.assert_allclose(getattr(got, "data", got), getattr(a, name)(**kwargs))
    np.testing.assert_array_equal(x.clip(1.5, 4).data, a.clip(1.5, 4))


@pytest.mark.parametrize("value", [-np.inf, np.inf, 0.0, 3.0])
def test_cumprod_along_an_axis_of_one_passes_the_gradient_through(value):
    """y = x there: dy/dx = 1 also at x = +-inf, where the general formula's y / x is nan
    (PyTorch's rule)."""
    x = ag.Variable(np.full((2, 1), value))
    (g,) = ag.grad((ag.cumprod(x, 1) * 2.0).sum(), [x], create_graph=True)
    np.testing.assert_array_equal(g.data, np.full((2, 1), 2.0))


W32 = np.array([[2.0, 1.0], [0.5, 3.0], [1.0, 1.0]], np.float32)
ONE_HOT = np.eye(3, dtype=np.int64)[[0, 2]]


@pytest.mark.parametrize("call", [
    lambda w: ag.Variable(ONE_HOT) @ w,
    lambda w: ag.matmul(ONE_HOT, w),
    lambda w: ag.dot(ONE_HOT, w),
    lambda w: ag.einsum("ij,jk->ik", ONE_HOT, w),
    lambda w: ag.concatenate([w, ONE_HOT[:, :2]]),
    lambda w: ag.stack([w[:2], ONE_HOT[:, :2].astype(bool)]),
    lambda w: ag.solve(w[:2], np.array([1, 2])),
], ids=["@", "matmul", "dot", "einsum", "concatenate", "stack", "solve"])
def test_integer_operands_beside_float32_ones_stay_float32_as_torchs_promotion(call):
    # (NumPy would give float64: a one-hot batch through float32 weights, doubling the
    # memory of the activations and their gradients)
    w = ag.Variable(W32.copy(), requires_grad=True)
    y = call(w)
    assert y.dtype == np.float32
    y.sum().backward()
    assert w.grad.dtype == np.float32
