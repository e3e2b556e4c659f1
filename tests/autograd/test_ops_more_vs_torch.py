"""The ops PyTorch users reach for (issue 12 §2) against PyTorch, float64: values, gradients
and second derivatives on random shapes, axes and arguments (hypothesis)."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd as ag
import nn.functional as F
from autograd.testing import arrays, shapes

from ._more_op_strategies import axes_or_none, einsum_problems, with_zeros
from ._torch_parity import assert_matches_torch

torch = pytest.importorskip("torch")
SMALL = dict(max_dims=3, max_side=4)


def _dims(axes):
    return None if axes is None else tuple(axes)


@pytest.mark.filterwarnings("ignore:.*degrees of freedom")  # ours and PyTorch's
@given(data=st.data(), shape=shapes(**SMALL), ddof=st.sampled_from([0, 1, 0.5, 2]),
       keepdims=st.booleans(), which=st.sampled_from(["var", "std"]))
def test_var_and_std(data, shape, ddof, keepdims, which):
    x = data.draw(arrays(shape, distinct=True))
    axes = data.draw(axes_or_none(len(shape)))
    count = math.prod(shape[a] for a in (range(len(shape)) if axes is None else axes))
    assert_matches_torch(
        lambda v: getattr(ag, which)(v, axes, ddof=ddof, keepdims=keepdims),
        lambda t: getattr(torch, which)(t, dim=_dims(axes), correction=ddof, keepdim=keepdims),
        # N <= ddof: inf/nan values; PyTorch's gradients there vary with the shape (nan for
        # a 0-d x, -0 for a 1-element vector, ddof 2): values only
        x, order=2 if count > ddof else 0)


@pytest.mark.parametrize("which", ["var", "std"])
def test_correction_is_ddof(which):
    x = np.random.default_rng(0).standard_normal((3, 4))
    f = getattr(ag, which)
    np.testing.assert_array_equal(f(x, 1, correction=1).data, f(x, 1, ddof=1).data)
    np.testing.assert_allclose(f(x, 1, correction=1).data, getattr(np, which)(x, 1, ddof=1))


def test_std_of_a_constant_has_gradient_zero_as_pytorch():
    x = np.full((2, 3), 1.5)
    assert_matches_torch(lambda v: ag.std(v, 1), lambda t: t.std(1, correction=0), x, order=1)
    x = ag.Variable(x)
    ag.std(x, 1).backward(np.ones(2))
    np.testing.assert_array_equal(x.grad.data, np.zeros((2, 3)))


@given(data=st.data(), shape=shapes(**SMALL), keepdims=st.booleans())
def test_prod(data, shape, keepdims):
    x = data.draw(st.one_of(arrays(shape, elements="nonzero"), with_zeros(shape)))
    axis = data.draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1))
                     if shape else st.none())
    if axis is None:
        ours, theirs = (lambda v: ag.prod(v)), (lambda t: t.prod())
    else:
        ours = lambda v: ag.prod(v, axis, keepdims=keepdims)  # noqa: E731
        theirs = lambda t: t.prod(axis, keepdim=keepdims)  # noqa: E731
    assert_matches_torch(ours, theirs, x)


@given(data=st.data(), shape=shapes(min_dims=1, **SMALL), which=st.sampled_from(
    ["cumsum", "cumprod"]))
def test_cumsum_and_cumprod(data, shape, which):
    x = data.draw(st.one_of(arrays(shape, elements="nonzero"), with_zeros(shape)))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    assert_matches_torch(lambda v: getattr(ag, which)(v, axis),
                         lambda t: getattr(torch, which)(t, axis), x)


@pytest.mark.parametrize("which", ["cumsum", "cumprod"])
def test_scans_of_axis_none_run_over_the_flattened_array(which):
    x = np.arange(1.0, 7.0).reshape(2, 3)
    np.testing.assert_array_equal(getattr(ag, which)(x).data, getattr(np, which)(x))


@given(data=st.data(), shape=shapes(**SMALL), which=st.sampled_from(
    ["log1p", "expm1", "sigmoid"]))
def test_unary(data, shape, which):
    x = data.draw(arrays(shape, elements=(-0.9, 3.0)))
    assert_matches_torch(getattr(ag, which), getattr(torch, which), x)


def test_one_sigmoid_serves_autograd_and_nn_functional():
    assert F.sigmoid is ag.sigmoid
    x = np.array([-800.0, -30.0, 0.0, 30.0])  # no overflow, full precision in the tail
    np.testing.assert_allclose(ag.sigmoid(x).data, torch.sigmoid(torch.tensor(x)).numpy(),
                               rtol=1e-15, atol=0)


@given(problem=einsum_problems())
def test_einsum(problem):
    subscripts, xs = problem
    assert_matches_torch(lambda *vs: ag.einsum(subscripts, *vs),
                         lambda *ts: torch.einsum(subscripts, *ts), *xs)


def test_einsum_matches_numpy_on_the_classics():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 4, 5))
    for subscripts, operands in [("bij,bjk->bik", (a, b)), ("ijk", (a,)), ("iij->j", (
            rng.standard_normal((3, 3, 2)),)), ("ij,ij", (a[0], a[1])),
            ("...ij,...jk", (a, b)), ("...ij,...jk", (a[:1], b)), ("i...->...", (a,))]:
        np.testing.assert_allclose(ag.einsum(subscripts, *operands).data,
                                   np.einsum(subscripts, *operands), rtol=1e-12)


@pytest.mark.parametrize("subscripts, shapes", [
    ("ij,ij->ij", [(1, 3), (2, 3)]), ("ij,jk->ik", [(2, 1), (3, 4)]),
    ("ij,jk", [(2, 3), (1, 4)]), ("ii,i->i", [(1, 1), (3,)]), ("ij,j->ij", [(2, 1), (0,)]),
    ("...i,ij->...j", [(2, 1), (3, 4)])])
def test_einsum_broadcasts_a_label_of_size_one_as_numpy(subscripts, shapes):
    xs = [np.random.default_rng(0).standard_normal(shape) for shape in shapes]
    np.testing.assert_allclose(ag.einsum(subscripts, *xs).data, np.einsum(subscripts, *xs),
                               rtol=1e-12)
    assert_matches_torch(lambda *vs: ag.einsum(subscripts, *vs),
                         lambda *ts: torch.einsum(subscripts, *ts), *xs)


TORCH_MODES = {"constant": "constant", "reflect": "reflect", "edge": "replicate",
               "wrap": "circular"}


@given(data=st.data(), mode=st.sampled_from(sorted(TORCH_MODES)), value=st.sampled_from(
    [0.0, -1.5]))
def test_pad(data, mode, value):
    # PyTorch pads the last axes of a batched input (reflect: less than the side)
    spatial = data.draw(st.integers(1, 2))
    shape = (2, 2) + data.draw(shapes(spatial, spatial, min_side=2, max_side=4))
    x = data.draw(arrays(shape))
    widths = [data.draw(st.tuples(*[st.integers(0, 3 if mode == "constant" else n - 1)] * 2))
              for n in shape[2:]]
    torch_pad = [w for pair in reversed(widths) for w in pair]
    kwargs = dict(constant_values=value) if mode == "constant" else {}
    extra = dict(value=value) if mode == "constant" else {}
    assert_matches_torch(
        lambda v: ag.pad(v, [(0, 0), (0, 0)] + widths, mode=mode, **kwargs),
        lambda t: torch.nn.functional.pad(t, torch_pad, mode=TORCH_MODES[mode], **extra), x)


@given(data=st.data(), shape=shapes(min_dims=1, **SMALL), keepdims=st.booleans(),
       ord=st.sampled_from([None, 2, 1, 3, 0.5, math.inf, -math.inf, 0]))
def test_vector_norm(data, shape, keepdims, ord):  # noqa: A002
    x = data.draw(arrays(shape, distinct=True, elements="away_from_zero"))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    torch_ord = 2 if ord is None else ord
    assert_matches_torch(
        lambda v: ag.norm(v, ord, axis, keepdims),
        lambda t: torch.linalg.vector_norm(t, torch_ord, dim=axis, keepdim=keepdims), x)


@given(data=st.data(), shape=shapes(min_dims=2, **SMALL), keepdims=st.booleans(),
       ord=st.sampled_from([None, "fro", 1, -1, math.inf, -math.inf]))
def test_matrix_norm(data, shape, keepdims, ord):  # noqa: A002
    x = data.draw(arrays(shape, distinct=True, elements="away_from_zero"))
    axes = data.draw(hnp.valid_tuple_axes(len(shape), min_size=2, max_size=2))
    torch_ord = "fro" if ord is None else ord
    assert_matches_torch(
        lambda v: ag.norm(v, ord, axes, keepdims),
        lambda t: torch.linalg.matrix_norm(t, torch_ord, dim=axes, keepdim=keepdims), x)


def test_norm_of_all_elements_and_its_numpy_forms():
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    assert_matches_torch(lambda v: ag.norm(v), lambda t: torch.linalg.norm(t), x)
    np.testing.assert_allclose(ag.norm(x).data, np.linalg.norm(x))
    np.testing.assert_allclose(ag.norm(x[0], 1).data, np.linalg.norm(x[0], 1))
    np.testing.assert_allclose(ag.norm(x[0, 0], 3).data, np.linalg.norm(x[0, 0], 3))


@pytest.mark.parametrize("ord", [None, 1, 3, math.inf])
def test_norm_of_the_zero_vector_has_gradient_zero_as_pytorch(ord):  # noqa: A002
    x = np.zeros((2, 3))
    x[1] = [1.0, -2.0, 0.5]
    torch_ord = 2 if ord is None else ord
    assert_matches_torch(lambda v: ag.norm(v, ord, axis=1),
                         lambda t: torch.linalg.vector_norm(t, torch_ord, dim=1), x, order=1)
    v = ag.Variable(np.zeros(3))
    ag.norm(v, ord).backward()
    np.testing.assert_array_equal(v.grad.data, np.zeros(3))


@given(data=st.data(), shape=shapes(min_dims=1, **SMALL), descending=st.booleans())
def test_sort(data, shape, descending):
    x = data.draw(arrays(shape, distinct=True))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    assert_matches_torch(lambda v: ag.sort(v, axis, descending=descending),
                         lambda t: torch.sort(t, axis, descending=descending).values, x)
    np.testing.assert_array_equal(ag.argsort(x, axis, descending=descending),
                                  torch.sort(torch.tensor(x), axis, descending).indices.numpy())


@given(data=st.data(), shape=shapes(min_dims=1, **SMALL), largest=st.booleans())
def test_topk(data, shape, largest):
    x = data.draw(arrays(shape, distinct=True))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    k = data.draw(st.integers(0, shape[axis]))
    assert_matches_torch(lambda v: ag.topk(v, k, axis, largest=largest),
                         lambda t: torch.topk(t, k, axis, largest=largest), x)
    _, indices = ag.topk(x, k, axis, largest=largest)
    expected = torch.topk(torch.tensor(x), k, axis, largest=largest).indices.numpy()
    np.testing.assert_array_equal(indices, expected)


@given(data=st.data(), shape=shapes(min_dims=1, **SMALL), keepdims=st.booleans())
def test_argmax_and_argmin(data, shape, keepdims):
    x = data.draw(arrays(shape))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    for name in ("argmax", "argmin"):
        got = getattr(ag, name)(ag.Variable(x), axis, keepdims)
        np.testing.assert_array_equal(got, getattr(torch, name)(
            torch.tensor(x), axis, keepdims).numpy())
        np.testing.assert_array_equal(getattr(ag, name)(x), getattr(np, name)(x))


@given(data=st.data(), shape=shapes(min_dims=1, **SMALL))
def test_softmax_and_logsumexp_over_a_tuple_of_axes(data, shape):
    x = data.draw(arrays(shape))
    axes = data.draw(hnp.valid_tuple_axes(len(shape), min_size=1))
    assert_matches_torch(lambda v: ag.logsumexp(v, axes),
                         lambda t: torch.logsumexp(t, axes), x)
    for ours, log in ((F.softmax, False), (F.log_softmax, True)):
        def theirs(t, log=log):
            y = t - torch.logsumexp(t, axes, keepdim=True)
            return y if log else torch.exp(y)
        assert_matches_torch(lambda v, ours=ours: ours(v, axes), theirs, x)


@given(data=st.data(), shape=shapes(max_dims=2, max_side=3),
       sides=st.sampled_from(["both", "min", "max"]))
def test_clip_bounds_get_gradients(data, shape, sides):
    # values on a coarse grid: ties with the bounds, and a_min > a_max, happen often; the
    # bounds broadcast to x's shape (PyTorch's clamp cannot backprop to a smaller x)
    grid = st.sampled_from([-1.0, -0.5, 0.0, 0.5, 1.0])
    x = data.draw(hnp.arrays(np.float64, shape, elements=grid))
    smaller = st.tuples(*[st.sampled_from([1, n]) for n in shape]).flatmap(
        lambda sides: st.integers(0, len(sides)).map(lambda k: sides[k:]))
    lo, hi = (data.draw(smaller.flatmap(lambda s: hnp.arrays(np.float64, s, elements=grid)))
              for _ in range(2))
    if sides == "min":
        assert_matches_torch(lambda v, a: ag.clip(v, a, None),
                             lambda t, a: torch.clamp(t, min=a), x, lo)
    elif sides == "max":
        assert_matches_torch(lambda v, b: ag.clip(v, None, b),
                             lambda t, b: torch.clamp(t, max=b), x, hi)
    else:
        assert_matches_torch(lambda v, a, b: ag.clip(v, a, b),
                             lambda t, a, b: torch.clamp(t, a, b), x, lo, hi)


@pytest.mark.parametrize("side", ["min", "max"])
@pytest.mark.parametrize("bound_is_input", [False, True])
def test_a_nan_clip_bound_gives_x_slope_zero_as_torch(side, bound_is_input):
    # y is NaN whatever x is where the one bound is NaN: x's slope is 0 there, not 1
    def ours(v, b):
        b = b if bound_is_input else float("nan")
        return ag.clip(v, b, None) if side == "min" else ag.clip(v, None, b)
    assert_matches_torch(ours, lambda t, b: torch.clamp(t, **{side: b}),
                         np.array([-1.0, 0.0, 2.0, np.nan]), np.array(np.nan))


@pytest.mark.parametrize("as_variable", [False, True])
def test_integer_clip_bounds_keep_a_float32_input_float32(as_variable):
    """An int64 bound beside float32 x takes x's dtype, as maximum's and add's integer
    operand (PyTorch's promotion), where NumPy's clip would give float64."""
    x = ag.Variable(np.array([-1.0, 0.0, 0.5, 1.0, 2.0], np.float32))
    lo, hi = np.zeros(5, np.int64), np.ones(5, np.int64)
    if as_variable:
        lo, hi = ag.Variable(lo), ag.Variable(hi)
    y = ag.clip(x, lo, hi)
    g, = ag.grad(y.sum(), x)
    expected = torch.clamp(torch.tensor(x.data), torch.tensor(np.zeros(5, np.int64)),
                           torch.tensor(np.ones(5, np.int64)))
    assert y.dtype == g.dtype == np.float32 == expected.numpy().dtype
    np.testing.assert_array_equal(y.data, expected.numpy())
    np.testing.assert_array_equal(g.data, [0, 1, 1, 1, 0])


@pytest.mark.parametrize("dtype, values, expected", [
    (np.int8, [-128, 1, 5], [5, 1, -128]),          # -x overflows at the minimum
    (np.int64, [np.iinfo(np.int64).min, 3, 0], [3, 0, np.iinfo(np.int64).min]),
    (np.uint64, [2 ** 63 + 5, 3, 2 ** 64 - 1], [2 ** 64 - 1, 2 ** 63 + 5, 3]),
    (np.bool_, [False, True, False], [True, False, False]),
])
def test_descending_sort_of_integers_at_their_extremes(dtype, values, expected):
    x = ag.Variable(np.array(values, dtype=dtype))
    np.testing.assert_array_equal(ag.sort(x, descending=True).data, np.array(expected, dtype))
    np.testing.assert_array_equal(ag.topk(x, 1)[0].data, np.array(expected[:1], dtype))


def test_descending_sort_ranks_nan_first_as_torch():
    x = ag.Variable(np.array([[1.0, np.nan, 3.0, 3.0], [np.inf, 0.0, np.nan, -1.0]]))
    order = ag.argsort(x, axis=1, descending=True)
    np.testing.assert_array_equal(order, [[1, 2, 3, 0], [2, 0, 1, 3]])  # ties stay stable
    values, _ = ag.topk(x, 1)
    assert np.isnan(values.data).all()


@pytest.mark.parametrize("which", ["abs", "l1_loss", "norm1"])
@given(data=st.data(), shape=shapes(min_dims=1, **SMALL))
def test_the_slope_of_abs_at_nan_is_0_as_pytorch(which, data, shape):
    # sign(NaN) is NaN in NumPy, 0 in PyTorch: abs, l1_loss and the 1-norm gave NaN gradients
    x = data.draw(arrays(shape))
    nan = data.draw(hnp.arrays(bool, shape))
    x[nan] = np.nan
    ours, theirs = {
        "abs": (ag.abs, torch.abs),
        "l1_loss": (lambda v: F.l1_loss(v, np.zeros(shape), reduction="none"),
                    lambda t: torch.nn.functional.l1_loss(t, torch.zeros(shape, dtype=t.dtype),
                                                          reduction="none")),
        "norm1": (lambda v: ag.norm(v, 1, axis=-1),
                  lambda t: torch.linalg.vector_norm(t, 1, dim=-1)),
    }[which]
    assert_matches_torch(ours, theirs, x)


def test_einsum_takes_its_operands_as_one_list_as_torch_does():
    """torch.einsum('ij,jk', [a, b]): the list was read as one operand, and refused with a
    message about NumPy arrays."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((3, 4))
    np.testing.assert_allclose(ag.einsum("ij,jk->ik", [a, b]).data, a @ b, rtol=1e-12)


@pytest.mark.parametrize("name", ["logaddexp", "logaddexp2", "fmax", "fmin"])
def test_two_input_ops_of_pytorchs_names(name):
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((3, 4)), rng.standard_normal((1, 4)) * 3
    assert_matches_torch(getattr(ag, name), getattr(torch, name), x, y)
    if name.startswith("fm"):  # a NaN is ignored beside a number, its gradient the number's
        x[0, 0], y[0, 1] = np.nan, np.nan
        assert_matches_torch(getattr(ag, name), getattr(torch, name), x, y, order=1)
        tie = np.array([1.0, 2.0])  # a tie's gradient goes to the first input, as PyTorch's
        assert_matches_torch(getattr(ag, name), getattr(torch, name), tie, tie.copy(), order=1)


def test_sinc_and_its_derivatives_at_and_near_zero():
    x = np.array([0.0, 1e-8, 1e-4, 0.05, 0.3, -1.5, 2.0])
    assert_matches_torch(ag.sinc, torch.sinc, x[3:])  # (away from 0 PyTorch's formula holds)
    v = ag.Variable(x)
    gx, = ag.grad(ag.sinc(v).sum(), v, create_graph=True)
    ggx, = ag.grad(gx.sum(), v)
    # the series near 0: sinc'(x) = -pi^2 x / 3 + O(x^3), sinc''(0) = -pi^2 / 3
    np.testing.assert_allclose(gx.data[:3], -math.pi ** 2 * x[:3] / 3, rtol=1e-7)
    np.testing.assert_allclose(ggx.data[:2], -math.pi ** 2 / 3, rtol=1e-7)


@pytest.mark.filterwarnings("ignore:.*degrees of freedom")
def test_reductions_of_pytorchs_names():
    x = np.random.default_rng(5).standard_normal((3, 4))
    for ours, theirs in [(lambda a: ag.var_mean(a, 1)[0], lambda t: torch.var_mean(t, 1)[0]),
                         (lambda a: ag.std_mean(a)[1], lambda t: torch.std_mean(t)[1]),
                         (lambda a: ag.std_mean(a, 0, correction=0)[0],
                          lambda t: torch.std_mean(t, 0, correction=0)[0]),
                         (lambda a: ag.var_mean(a, [0, 1], unbiased=False, keepdim=True)[0],
                          lambda t: torch.var_mean(t, [0, 1], unbiased=False, keepdim=True)[0]),
                         (lambda a: ag.aminmax(a, dim=0).max,
                          lambda t: torch.aminmax(t, dim=0).max),
                         (lambda a: ag.aminmax(a).min, lambda t: torch.aminmax(t).min),
                         (lambda a: ag.dist(a, a[:1] * 2, 3),
                          lambda t: torch.dist(t, t[:1] * 2, 3)),
                         (lambda a: ag.amax(a, 1, True), lambda t: torch.amax(t, 1, True)),
                         (lambda a: ag.amin(a), lambda t: torch.amin(t))]:
        assert_matches_torch(ours, theirs, x)
    v = ag.Variable(np.ones(2, np.float32))
    made = v.new_zeros(2, 3, dtype=torch.float64)
    assert made.dtype == np.float64 and made.shape == (2, 3) and not made.requires_grad
    assert v.new_ones(2, requires_grad=True).requires_grad
    assert v.new_zeros(size=(2, 3)).shape == (2, 3) == v.new_zeros((2, 3)).shape
    with pytest.raises(TypeError, match="only floating-point Variables can require grad"):
        v.new_ones(2, dtype=torch.int64, requires_grad=True)
    bools = ag.Variable(np.array([7, 3])).div(ag.Variable(np.array([True, True])),
                                             rounding_mode="trunc")
    assert bools.dtype == np.int64 and bools.data.tolist() == [7, 3]  # (PyTorch's int64)
