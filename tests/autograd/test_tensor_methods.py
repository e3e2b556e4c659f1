"""PyTorch's Tensor methods on Variable (autograd/tensor_methods.py) and the ops behind the
new ones (autograd/ops/selection.py, rearrange.py): against numerical differentiation
(first and second order) and against PyTorch (values, gradients, second derivatives) on
random shapes, dims and indices; errors that name what was wrong; the in-place methods."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from autograd import Variable
from autograd.testing import arrays, assert_gradients_match, shapes

from ._torch_parity import assert_matches_torch

SMALL = dict(max_dims=3, max_side=4)


@st.composite
def indexed(draw, full_src=False):
    """(x, dim, index) with index of x's rank, at most x's size along every axis, its
    values in range along dim (repeats drawn often)."""
    shape = draw(shapes(min_dims=1, **SMALL))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    axis = dim % len(shape)
    index_shape = tuple(draw(st.integers(1 if k != axis else 0, n)) if not full_src else n
                        for k, n in enumerate(shape))
    values = st.integers(0, shape[axis] - 1)
    index = np.array(draw(st.lists(values, min_size=int(np.prod(index_shape)),
                                   max_size=int(np.prod(index_shape)))),
                     np.int64).reshape(index_shape)
    return draw(arrays(shape)), dim, index


def _method(name, *args, **kwargs):
    """x.name(*args) on a Variable or a torch tensor alike."""
    return lambda x, *more: getattr(x, name)(*more, *args, **kwargs)


def _first_output(f):
    def first(*xs):
        y = f(*xs)
        return y[0] if isinstance(y, (tuple, list)) else y
    return first


# ----- against numerical differentiation -----

ELEMENTWISE = {"exp": "bounded", "log": "positive", "log1p": "positive", "expm1": "bounded",
               "sqrt": "positive", "rsqrt": "positive", "sin": "bounded", "cos": "bounded",
               "tan": "bounded", "tanh": "bounded", "sigmoid": "bounded", "neg": "bounded",
               "square": "bounded", "reciprocal": "positive"}


@given(data=st.data(), shape=shapes(**SMALL), name=st.sampled_from(sorted(ELEMENTWISE)))
def test_elementwise_methods_match_numerical_gradients(data, shape, name):
    x = data.draw(arrays(shape, elements=ELEMENTWISE[name]))
    assert_gradients_match(_method(name), x, order=2)


@given(data=st.data())
def test_gather_and_index_select(data):
    x, dim, index = data.draw(indexed())
    assert_gradients_match(lambda v: v.gather(dim, index), x, order=2)
    rows = index.reshape(-1)[:3]
    assert_gradients_match(lambda v: v.index_select(dim, rows), x, order=2)


@given(data=st.data())
def test_scatter_add_and_scatter(data):
    x, dim, index = data.draw(indexed())
    src = data.draw(arrays(index.shape))
    assert_gradients_match(lambda v, s: v.scatter_add(dim, index, s), x, src, order=2)
    unique = np.argsort(np.argsort(data.draw(arrays(x.shape, distinct=True)), axis=dim),
                        axis=dim)  # a permutation along dim: every position written once
    assert_gradients_match(lambda v, s: v.scatter(dim, unique, s), x,
                           data.draw(arrays(x.shape)), order=2)


@given(data=st.data(), shape=shapes(**SMALL))
def test_masked_fill_and_where(data, shape):
    x, other = data.draw(arrays(shape)), data.draw(arrays(shape))
    mask = data.draw(arrays(shape)) > 0
    value = data.draw(arrays(()))
    assert_gradients_match(lambda v, f: v.masked_fill(mask, f), x, value, order=2)
    assert_gradients_match(lambda v, o: v.where(mask, o), x, other, order=2)


@given(data=st.data(), shape=shapes(min_dims=1, **SMALL))
def test_moved_and_repeated(data, shape):
    x = data.draw(arrays(shape))
    ndim = len(shape)
    dims = data.draw(st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim))
    shifts = data.draw(st.lists(st.integers(-5, 5), min_size=len(dims), max_size=len(dims)))
    reps = data.draw(st.lists(st.integers(1, 3), min_size=ndim, max_size=ndim + 1))
    assert_gradients_match(lambda v: v.flip(dims), x, order=2)
    assert_gradients_match(lambda v: v.roll(shifts, dims) if dims else v.roll(3), x, order=2)
    assert_gradients_match(lambda v: v.repeat(*reps), x, order=2)
    assert_gradients_match(lambda v: v.tile(reps[:-1]), x, order=2)


@given(data=st.data(), shape=shapes(min_dims=1, **SMALL))
def test_cut_into_pieces(data, shape):
    x = data.draw(arrays(shape))
    dim = data.draw(st.integers(0, len(shape) - 1))
    n = shape[dim]
    size = data.draw(st.integers(1, n + 1))
    start = data.draw(st.integers(-n, n - 1))
    length = data.draw(st.integers(0, n - start % n))

    def pieces(parts):
        return ag.concatenate([p.reshape(-1) for p in parts])
    assert_gradients_match(lambda v: pieces(v.split(size, dim)), x, order=2)
    assert_gradients_match(lambda v: pieces(v.chunk(size, dim)), x, order=2)
    assert_gradients_match(lambda v: pieces(v.unbind(dim)[::-1]), x, order=2)
    assert_gradients_match(lambda v: v.narrow(dim, start, length), x, order=2)


@given(data=st.data(), shape=shapes(min_dims=1, **SMALL), p=st.sampled_from([1, 2, 3, "fro"]))
def test_norm_over_dims(data, shape, p):
    x = data.draw(arrays(shape, elements="positive"))
    dims = data.draw(st.lists(st.integers(0, len(shape) - 1), unique=True, max_size=len(shape)))
    assert_gradients_match(lambda v: v.norm(p, tuple(dims) or None), x, order=2)


# ----- against PyTorch -----

@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_elementwise_methods_match_torch(name):
    pytest.importorskip("torch")
    x = np.random.default_rng(1).uniform(0.2, 1.5, (3, 4))
    assert_matches_torch(_method(name), _method(name), x)


@given(data=st.data())
def test_selection_matches_torch(data):
    torch = pytest.importorskip("torch")
    x, dim, index = data.draw(indexed())
    src = data.draw(arrays(index.shape))
    assert_matches_torch(lambda v: v.gather(dim, index),
                         lambda t: t.gather(dim, torch.from_numpy(index)), x)
    assert_matches_torch(lambda v, s: v.scatter_add(dim, index, s),
                         lambda t, s: t.scatter_add(dim, torch.from_numpy(index), s), x, src)
    rows = index.reshape(-1)[:3]
    assert_matches_torch(lambda v: v.index_select(dim, rows),
                         lambda t: t.index_select(dim, torch.from_numpy(rows)), x)
    mask = np.asarray(data.draw(arrays(x.shape[1:])) > 0)  # broadcast over the first axis
    assert_matches_torch(lambda v: v.masked_fill(mask, -2.5),
                         lambda t: t.masked_fill(torch.from_numpy(mask), -2.5), x)


@given(data=st.data(), shape=shapes(min_dims=1, **SMALL))
def test_rearranging_matches_torch(data, shape):
    pytest.importorskip("torch")
    x = data.draw(arrays(shape))
    ndim = len(shape)
    dims = tuple(data.draw(st.lists(st.integers(0, ndim - 1), unique=True, min_size=1,
                                    max_size=ndim)))
    shifts = tuple(data.draw(st.lists(st.integers(-5, 5), min_size=len(dims),
                                      max_size=len(dims))))
    reps = tuple(data.draw(st.lists(st.integers(1, 3), min_size=ndim, max_size=ndim + 1)))
    dim = dims[0]
    size = data.draw(st.integers(1, shape[dim] + 1))
    for name, args in [("flip", (dims,)), ("roll", (shifts, dims)), ("roll", (2,)),
                       ("repeat", reps), ("tile", (reps[1:],)), ("split", (size, dim)),
                       ("chunk", (size, dim)), ("unbind", (dim,)), ("narrow", (dim, 0, 1)),
                       ("norm", (2, dims)), ("logsumexp", (dim, True)), ("amax", (dims,)),
                       ("t", ()) if ndim <= 2 else ("sort", (dim, True))]:
        f = _first_output(_method(name, *args))
        away_from_0 = np.abs(x) + 0.5  # (a norm's second derivative at 0: ours 0, theirs nan)
        assert_matches_torch(f, f, away_from_0 if name == "norm" else x,
                             order=1 if name in ("amax", "sort") else 2)


def test_scatter_of_a_value_writes_repeated_positions_once_as_torch():
    """Every write of value= is the same number, so repeats are PyTorch's well-defined
    result (a mask marking the positions an index names); they were refused, or added up."""
    torch = pytest.importorskip("torch")
    index = np.array([[0, 0, 2], [1, 1, 1], [3, 0, 3]])
    x = np.random.default_rng(0).standard_normal((3, 4))
    assert_matches_torch(lambda v: v.scatter(1, index, value=2.5),
                         lambda t: t.scatter(1, torch.from_numpy(index), value=2.5), x)


def test_sort_gives_values_and_indices_as_torch():
    torch = pytest.importorskip("torch")
    x = np.array([[3.0, 1.0, 2.0, 1.0], [0.5, -1.0, 4.0, 0.5]])
    ours = Variable(x).sort(1, descending=True, stable=True)
    theirs = torch.sort(torch.from_numpy(x), dim=1, descending=True, stable=True)
    np.testing.assert_array_equal(ours.values.data, theirs.values.numpy())
    np.testing.assert_array_equal(ours.indices, theirs.indices.numpy())


def test_products_and_constants():
    a = Variable(np.ones((2, 3)))
    b = Variable(np.ones((3, 4)))
    assert a.mm(b).shape == (2, 4) and a.matmul(b).shape == (2, 4)
    assert Variable(np.ones((5, 2, 3))).bmm(Variable(np.ones((5, 3, 1)))).shape == (5, 2, 1)
    assert a.t().shape == (3, 2) and Variable(np.ones(3)).t().shape == (3,)
    z = Variable(np.ones(2, np.float32)).new_zeros(2, 3)
    assert z.shape == (2, 3) and z.dtype == np.float32 and not z.requires_grad
    assert a.new_full((2,), 7.0).data.tolist() == [7.0, 7.0]
    assert a.type_as(Variable(np.ones(1, np.float32))).dtype == np.float32
    assert a.view_as(a.t()).shape == (3, 2)
    assert a.expand_as(Variable(np.ones((4, 2, 3)))).shape == (4, 2, 3)


# ----- errors name the method, the shapes and the values -----

@pytest.mark.parametrize("call, error, words", [
    (lambda x: x.gather(1, np.array([[0], [5]])), IndexError, "gather: index 5"),
    (lambda x: x.gather(1, np.array([[-1], [0]])), IndexError, "gather: index -1"),
    (lambda x: x.gather(1, np.array([0, 1])), ValueError, "number of dimensions"),
    (lambda x: x.gather(1, np.array([[0.5]])), TypeError, "integers, got dtype float64"),
    (lambda x: x.gather(1, np.zeros((3, 1), int)), ValueError, "larger than x"),
    (lambda x: x.scatter(1, np.array([[0, 0], [1, 2]]), Variable(np.ones((2, 2)))),
     ValueError, "more than once"),
    (lambda x: x.scatter(1, np.array([[0], [1]])), TypeError, "give src or value"),
    (lambda x: x.index_select(0, np.zeros((1, 1), int)), ValueError, "must be 1-D"),
    (lambda x: x.masked_fill(np.ones((3, 3), bool), 0.0), ValueError, "does not broadcast"),
    (lambda x: x.masked_fill(np.ones(3), 0.0), TypeError, "must be boolean"),
    (lambda x: x.narrow(1, 2, 2), IndexError, "narrow: start 2 and length 2"),
    (lambda x: x.split([1, 1], 1), ValueError, "add up to 3"),
    (lambda x: x.chunk(0), ValueError, "chunks must be a positive integer"),
    (lambda x: x.roll((1, 2), (0,)), ValueError, "2 shifts for 1 axes"),
    (lambda x: x.repeat(2), ValueError, "1 repeats for a Variable of 2 dimensions"),
    (lambda x: x.mm(Variable(np.ones(3))), ValueError, "mm: expects two 2-D"),
    (lambda x: x.flip(2), ValueError, "flip: axis 2 is out of bounds"),
])
def test_errors_name_what_was_wrong(call, error, words):
    with pytest.raises(error, match=words):
        call(Variable(np.arange(6.0).reshape(2, 3)))


# ----- in place -----

def test_in_place_methods_change_a_gradient_or_a_batch():
    x = Variable(np.arange(4.0), requires_grad=False)
    same = x.add_(1).mul_(2).sub_(1, alpha=2).div_(2).clamp_(min=1.5)
    assert same is x and x.data.tolist() == [1.5, 1.5, 2.0, 3.0]
    w = Variable(np.ones(3))
    (w * 3).sum().backward()
    assert w.grad.zero_() is w.grad and w.grad.data.tolist() == [0.0, 0.0, 0.0]
    x.fill_(Variable(np.array(2.0), requires_grad=False)).copy_(np.array([1, 2, 3, 4]))
    assert x.data.tolist() == [1.0, 2.0, 3.0, 4.0]


def test_in_place_under_no_grad_changes_a_parameter_and_older_graphs_refuse():
    p = ag.Parameter(np.ones(2))
    y = (p * p).sum()
    with ag.no_grad():
        p.mul_(0.5)
    assert p.data.tolist() == [0.5, 0.5]
    with pytest.raises(RuntimeError, match="modified"):
        y.backward()


def test_in_place_on_a_graph_is_refused_by_name():
    p = ag.Parameter(np.ones(2))
    with pytest.raises(RuntimeError, match="add_: the Variable is a leaf that requires grad"):
        p.add_(1)
    with pytest.raises(RuntimeError, match="mul_: the Variable is an op's result"):
        (p * 2).mul_(2)
    assert p.data.tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match="add in place into an array of shape \\(2,\\)"):
        Variable(np.ones(2), requires_grad=False).add_(np.ones(3))


def test_an_in_place_write_of_a_graphs_variable_into_another_is_refused():
    acc = Variable(np.zeros(3), requires_grad=False)
    w = Variable(np.ones(3))
    for call in (lambda: acc.add_(w), lambda: acc.mul_(w * 2), lambda: acc.copy_(w),
                 lambda: acc.clamp_(min=w[0]), lambda: acc.fill_(w.sum())):
        with pytest.raises(RuntimeError, match="its operand .* cut it from the graph"):
            call()
    assert acc.data.tolist() == [0.0, 0.0, 0.0]
    with ag.no_grad():
        acc.add_(w, alpha=2)
    assert acc.data.tolist() == [2.0, 2.0, 2.0]


def test_results_are_new_arrays_as_pytorchs():
    x = Variable(np.arange(6.0).reshape(2, 3))
    for y in (x.flip(0), x.roll(0), x.roll(3), x.roll((2, 3), (0, 1)), x.repeat(1, 1),
              x.tile((1, 1))):
        with ag.no_grad():
            y.mul_(100)
        assert x.data.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]


def test_pytorchs_edges():
    x = Variable(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(x.gather(1, np.array([[0, 0, 2, 1], [1, 1, 1, 0]])).data,
                                  [[0, 0, 2, 1], [4, 4, 4, 3]])  # longer than the dim
    with pytest.raises(TypeError, match="give the dims"):
        x.flip()
    assert [c.shape for c in Variable(np.zeros((0, 3))).chunk(3)] == [(0, 3)] * 3
    s = Variable(np.array(2.0))
    for y in (s.flip(0), s.amax(0), s.amin(-1), s.logsumexp(0), s.norm(2, 0),
              s.sort(0).values):
        assert y.shape == () and float(y.data) == 2.0
    with pytest.raises(IndexError, match="expected to be in range of \\[-1, 0\\]"):
        s.amax(1)


def test_scans_of_a_0d_variable_along_dim_0_are_the_value_as_pytorch():
    """x.cumsum(0) of a 0-d Variable raised NumPy's AxisError; torch returns the value."""
    x = Variable(np.array(2.0))
    for method in ("cumsum", "cumprod"):
        y = getattr(x, method)(0)
        assert y.shape == () and float(y.data) == 2.0
        assert float(ag.grad(getattr(x, method)(dim=-1), [x])[0].data) == 1.0


def test_operator_methods_and_names_of_a_port_match_torch():
    # what PyTorch code calls beside the operators: x.add(y, alpha=2), x.div(y,
    # rounding_mode=...), x.max(other), x.mT, x.flip(dims=...), x // y, x % y, ...
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    x, y = rng.uniform(-3, 3, (2, 3, 4)), rng.uniform(0.5, 2, (2, 3, 4))
    for f in [lambda a, b: a.add(b, alpha=2), lambda a, b: a.sub(b, alpha=0.5),
              lambda a, b: a.mul(b), lambda a, b: a.div(b), lambda a, b: a.true_divide(b),
              lambda a, b: a.max(b), lambda a, b: a.min(b), lambda a, b: (a % 1.5) * b,
              lambda a, b: a.clamp_min(0.5) * b,
              lambda a, b: a.clamp_max(-0.5) * b, lambda a, b: a.mT @ b,
              lambda a, b: a.swapaxes(0, 2) * b.swapdims(0, 2), lambda a, b: a.flip(dims=[1]) * b,
              lambda a, b: a.contiguous() * b, lambda a, b: a.squeeze(dim=0) * b]:
        assert_matches_torch(f, f, x, y, order=1)
    for f in [lambda a: a // 2, lambda a: 7 // (a.abs() + 1), lambda a: a.floor_divide(2),
              lambda a: a % (a.abs() + 0.5), lambda a: 5.5 % (a.abs() + 0.5),
              lambda a: a.div(2, rounding_mode="floor"), lambda a: a.div(2, rounding_mode="trunc")]:
        np.testing.assert_array_equal(f(Variable(x)).data, f(torch.from_numpy(x)).numpy())
    v, t = Variable(x), torch.from_numpy(x)
    for name in ("eq", "ne", "lt", "le", "gt", "ge"):
        np.testing.assert_array_equal(getattr(v, name)(0.5), getattr(t, name)(0.5).numpy())
    assert v[:1].squeeze(dim=(0, 2)).shape == (3, 4)  # (axis 2, of size 3, left as it is)
    with pytest.raises(ValueError, match=r"squeeze: cannot squeeze axis 0 of size 2.*dim="):
        v.squeeze(0)  # (NumPy's: the size-1 rule; PyTorch's behaviour is dim=)
    with pytest.raises(ValueError, match="rounding_mode must be None, 'floor' or 'trunc'"):
        v.div(2, rounding_mode="round")
    # integers divide exactly toward 0, as PyTorch's (through float64 2**53 + 1 was lost)
    ints, by = np.array([2 ** 53 + 1, 7, -7, 7, -7]), np.array([1, 2, 2, -2, -2])
    for divisor in (by, 3):
        ours = Variable(ints).div(divisor if np.ndim(divisor) == 0 else Variable(divisor),
                                  rounding_mode="trunc")
        theirs = torch.from_numpy(ints).div(torch.as_tensor(divisor), rounding_mode="trunc")
        assert ours.dtype == np.int64
        np.testing.assert_array_equal(ours.data, theirs.numpy())
    with pytest.raises(ZeroDivisionError, match="integer division by zero"):
        Variable(ints).div(0, rounding_mode="trunc")


def test_solve_takes_a_batch_of_vectors_as_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    a = rng.normal(size=(2, 3, 3)) + 3 * np.eye(3)
    b = rng.normal(size=(2, 3))  # (reads only as vectors: its axis -2 is 2, not 3)
    assert_matches_torch(ag.solve, torch.linalg.solve, a, b)
    square = rng.normal(size=(3, 3, 3)) + 3 * np.eye(3)  # B (3, 3) reads both ways: NumPy 2's
    np.testing.assert_allclose(ag.solve(square, np.eye(3)).data,  # batch of matrices
                               np.linalg.solve(square, np.eye(3)))


def test_a_ported_tutorials_idioms_work():
    # f-strings of a loss, a 0-d label as a Python index, torch's keywords on the functions,
    # torch's function names, grad_fn and the device calls
    torch = pytest.importorskip("torch")
    loss = Variable(np.array(0.8019582629203796))
    assert f"loss: {loss:>7f}" == "loss: 0.801958" and f"{loss:.2f}" == "0.80"
    with pytest.raises(TypeError, match=r"unsupported format string '\.2f' for a Variable of "
                                         r"shape \(2,\)"):
        f"{Variable(np.ones(2)):.2f}"
    classes = ("plane", "car", "bird")
    assert classes[Variable(np.array(2))] == "bird" and list(range(Variable(np.array(2)))) == [0, 1]
    with pytest.raises(TypeError, match="only a 0-d integer Variable can be a Python index"):
        classes[Variable(np.array(1.0))]
    x = np.array([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]])
    v, t = Variable(x), torch.from_numpy(x)
    values, indices = ag.sort(v, dim=1, descending=True)
    theirs = torch.sort(t, dim=1, descending=True)
    np.testing.assert_array_equal(values.data, theirs.values.numpy())
    np.testing.assert_array_equal(indices, theirs.indices.numpy())
    for ours, their in [(ag.argmax(v, dim=1), torch.argmax(t, dim=1)),
                        (ag.sum(v, dim=1, keepdim=True), torch.sum(t, dim=1, keepdim=True)),
                        (ag.mean(v, dim=0), torch.mean(t, dim=0)),
                        (ag.var(v, dim=1), torch.var(t, dim=1)),
                        (ag.std(v, dim=1, unbiased=False), torch.std(t, dim=1, unbiased=False)),
                        (ag.prod(v, dim=1), torch.prod(t, dim=1)),
                        (ag.cumsum(v, dim=1), torch.cumsum(t, dim=1)),
                        (ag.logsumexp(v, dim=1), torch.logsumexp(t, dim=1)),
                        (ag.stack([v, v], dim=1), torch.stack([t, t], dim=1)),
                        (ag.flip(v, dims=[1]), torch.flip(t, dims=[1])),
                        (ag.transpose(v, 0, 1), torch.transpose(t, 0, 1)),
                        (ag.clamp(v, min=1.5), torch.clamp(t, min=1.5)),
                        (ag.unsqueeze(v, 0), torch.unsqueeze(t, 0)),
                        (ag.permute(v, 1, 0), torch.permute(t, (1, 0))),
                        (ag.mm(v, v.T), torch.mm(t, t.T)),
                        (ag.bmm(v[None], v.T[None]), torch.bmm(t[None], t.T[None]))]:
        np.testing.assert_allclose(getattr(ours, "data", ours), their.numpy(), rtol=1e-12)
    assert [p.shape for p in ag.split(v, 2, dim=1)] == [(2, 2), (2, 1)]  # (torch's sizes)
    assert [p.shape for p in ag.split(v, 3, 1)] == [(2, 1)] * 3  # (NumPy's sections)
    y = v * 2
    assert y.grad_fn is y.creator and v.grad_fn is None and v.device == "cpu"
    assert v.cpu() is v and v.to("cpu") is v and v.to(np.float32).dtype == np.float32
    assert v.to(torch.float16).dtype == np.float16 == v.to(dtype=torch.float16).dtype
    assert v.astype(torch.int64).dtype == np.int64


def test_a_pytorch_style_function_runs_through_apply_to_second_order():
    # "Learning PyTorch with Examples"' LegendrePolynomial3, as written for PyTorch
    torch = pytest.importorskip("torch")

    def legendre(base):
        class LegendreP3(base):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return 0.5 * (5 * x ** 3 - 3 * x)

            @staticmethod
            def backward(ctx, grad_output):
                x, = ctx.saved_tensors
                return grad_output * 1.5 * (5 * x ** 2 - 1)
        return LegendreP3
    ours, theirs = legendre(ag.Function), legendre(torch.autograd.Function)
    x = np.linspace(-1, 1, 7)
    assert_matches_torch(ours.apply, theirs.apply, x, order=1)
    assert ag.gradcheck(ours.apply, x) and ag.gradgradcheck(ours.apply, x)
    with pytest.raises(TypeError, match=r"PyTorch's style .* call LegendreP3.apply\(...\)"):
        ours()(Variable(x))

    class Scaled(ag.Function):  # a non-array argument, ctx attributes, needs_input_grad
        @staticmethod
        def forward(ctx, v, factor):
            ctx.factor, ctx.wanted = factor, ctx.needs_input_grad  # (forward's too)
            return v * factor

        @staticmethod
        def backward(ctx, g):
            assert ctx.needs_input_grad == (True, False)
            return g * ctx.factor, None
    v = Variable(x)
    y = Scaled.apply(v, 3.0)
    assert y.creator.ctx.wanted == (True, False)
    y.sum().backward()
    np.testing.assert_array_equal(v.grad.data, np.full(7, 3.0))


def test_a_pytorch_2_function_with_setup_context_runs_to_second_order():
    torch = pytest.importorskip("torch")

    def product(base):
        class Product(base):  # PyTorch 2's split: forward takes no ctx
            @staticmethod
            def forward(x, y, scale):
                return x * y * scale

            @staticmethod
            def setup_context(ctx, inputs, output):
                x, y, ctx.scale = inputs
                ctx.save_for_backward(x, y)

            @staticmethod
            def backward(ctx, g):
                x, y = ctx.saved_tensors
                return g * y * ctx.scale, g * x * ctx.scale, None
        return Product
    ours, theirs = product(ag.Function), product(torch.autograd.Function)
    x, y = np.linspace(-1, 1, 5), np.linspace(2, 3, 5)
    assert_matches_torch(lambda a, b: ours.apply(a, b, 2.0),
                         lambda a, b: theirs.apply(a, b, 2.0), x, y, order=2)
    assert ag.gradgradcheck(lambda a, b: ours.apply(a, b, 2.0), x, y)


def test_an_output_marked_non_differentiable_requires_no_grad_and_gets_zeros():
    """ctx.mark_non_differentiable did nothing: the output required grad, and the gradient
    it received reached backward (x.grad 5 where PyTorch gives 2)."""
    torch = pytest.importorskip("torch")

    def doubled_and_tripled(base):
        class Both(base):
            @staticmethod
            def forward(ctx, x):
                a, b = x * 2, x * 3
                ctx.mark_non_differentiable(b)
                return a, b

            @staticmethod
            def backward(ctx, ga, gb):
                return ga * 2 + gb * 3
        return Both
    ours, theirs = doubled_and_tripled(ag.Function), doubled_and_tripled(torch.autograd.Function)
    for combine in (lambda a, b: a + b, lambda a, b: a * b):
        x = Variable(np.array([1.0, 2.0]))
        t = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
        a, b = ours.apply(x)
        assert not b.requires_grad and b.creator is None and a.requires_grad
        combine(a, b).sum().backward()
        ta, tb = theirs.apply(t)
        combine(ta, tb).sum().backward()
        np.testing.assert_array_equal(x.grad.data, t.grad.numpy())


def test_review_of_the_ports_additions():
    # a retained gradient (backward(retain_grad=True), backward(inputs=)) is no seed of a
    # later backward(): only one set by hand is (DeZero's)
    for run in (lambda z, y: z.backward(retain_grad=True), lambda z, y: z.backward(inputs=[y])):
        x = Variable(np.array(1.0))
        y = x * 3
        run(y * 2, y)
        x.cleargrad()
        y.backward()
        assert x.grad.data == 3.0
    # a NumPy integer is a dimension, not the elementwise maximum's other operand
    values, indices = Variable(np.array([[1.0, 5.0], [3.0, 2.0]])).max(np.int64(0))
    np.testing.assert_array_equal(values.data, [3.0, 5.0])
    # a 1-D integer Variable indexes NumPy as an array (its axis kept), a 0-d one as a number
    assert np.arange(10.0)[Variable(np.array([3]))].shape == (1,)

    class Scale(ag.Function):  # ctx is a namespace of its own: args, name, inputs are free
        @staticmethod
        def forward(ctx, v, factors):
            ctx.args, ctx.name, ctx.inputs = factors, "mine", None
            return v * factors[0]

        @staticmethod
        def backward(ctx, g):
            return g * ctx.args[0], None
    v = Variable(np.array([1.0, 2.0]))
    Scale.apply(v, (3.0,)).sum().backward()
    np.testing.assert_array_equal(v.grad.data, [3.0, 3.0])


def test_numpys_axis_and_pytorchs_dim_are_not_both_taken():
    v = Variable(np.arange(6.0).reshape(2, 3))
    for call, who in ((lambda: ag.sort(v, 0, dim=1), "sort"),
                      (lambda: ag.split(v, 2, axis=0, dim=1), "split"),
                      (lambda: ag.stack([v, v], 2, dim=0), "stack"),
                      (lambda: ag.sum(v, 0, dim=1), "sum")):
        with pytest.raises(TypeError, match=f"{who}: give axis.* or dim=.*not both"):
            call()
    assert ag.sort(v, 0).shape == (2, 3) and ag.stack([v, v], 1).shape == (2, 2, 3)
    assert ag.sum(v, dim=[]).data == 15.0 == v.sum(dim=()).data  # (PyTorch: every axis)


def test_a_0d_variable_reduces_over_dim_0_or_minus_1_as_pytorch():
    torch = pytest.importorskip("torch")
    v, t = Variable(np.array(2.0)), torch.tensor(2.0)
    for name in ("sum", "mean", "prod", "amax", "logsumexp"):
        for dim in (0, -1, (0,)):
            if name in ("logsumexp", "prod") and isinstance(dim, tuple):
                continue  # (PyTorch's take one dim)
            assert getattr(v, name)(dim=dim).item() == getattr(t, name)(dim=dim).item()
    with pytest.raises(ValueError, match=r"sum: axis 1 is out of bounds for array of "
                       r"dimension 0 \(only 0 and -1"):
        v.sum(dim=1)


@pytest.mark.parametrize("dim, size, step", [(1, 3, 2), (1, 7, 1), (0, 2, 1), (-1, 1, 1),
                                             (1, 0, 3), (1, 2, 5)])
def test_unfold_and_take_along_dim_are_pytorchs(dim, size, step):
    a = np.random.default_rng(0).normal(size=(3, 7, 2))
    assert_matches_torch(lambda v: v.unfold(dim, size, step),
                         lambda t: t.unfold(dim, size, step), a)
    index = np.random.default_rng(1).integers(0, 7, size=(3, 4, 2))
    assert_matches_torch(lambda v, i: v.take_along_dim(i, 1),
                         lambda t, i: t.take_along_dim(i, 1), a, index)
    flat = np.array([0, 41, 5, 5])
    np.testing.assert_array_equal(Variable(a).take_along_dim(flat).data, a.reshape(-1)[flat])


def test_pytorchs_positional_unbiased_is_told_apart_from_ddof():
    with pytest.raises(TypeError, match=r"std: the second argument is NumPy's ddof.*"
                                        r"std\(dim, unbiased=True\)"):
        Variable(np.ones((2, 3))).std(1, True)
