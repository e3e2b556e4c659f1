"""Triangles, diagonals, differences, repeats and moved axes (tril, triu, diagonal, diag,
diag_embed, trace, diff, repeat_interleave, unflatten, movedim, rot90, meshgrid) against
PyTorch, float64: values, gradients and second derivatives; float32 kept; bad arguments
named."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from autograd.testing import arrays, shapes

from .._helpers import assert_float32_kept
from ._torch_parity import assert_matches_torch

torch = pytest.importorskip("torch")
RNG = np.random.default_rng(0)


def _x(*shape):
    return RNG.standard_normal(shape)


@given(data=st.data(), shape=shapes(min_dims=2, max_dims=4, max_side=4),
       diagonal=st.integers(-5, 5), which=st.sampled_from(["tril", "triu"]))
def test_tril_and_triu(data, shape, diagonal, which):
    x = data.draw(arrays(shape))
    assert_matches_torch(lambda v: getattr(ag, which)(v, diagonal),
                         lambda t: getattr(torch, which)(t, diagonal), x)


def test_tril_keeps_infinities_out_of_the_triangle_at_zero():
    x = np.triu(np.full((3, 3), np.inf), 1) + 1.0  # inf above the diagonal
    assert_matches_torch(lambda v: v.tril(), lambda t: t.tril(), x)


@given(data=st.data(), shape=shapes(min_dims=2, max_dims=4, max_side=4),
       offset=st.integers(-4, 4))
def test_diagonal(data, shape, offset):
    x = data.draw(arrays(shape))
    dim1, dim2 = data.draw(st.lists(st.integers(-len(shape), len(shape) - 1), min_size=2,
                                    max_size=2).filter(lambda d: d[0] % len(shape) !=
                                                       d[1] % len(shape)))
    assert_matches_torch(lambda v: v.diagonal(offset, dim1, dim2),
                         lambda t: t.diagonal(offset, dim1, dim2), x)


@pytest.mark.parametrize("shape, offset, dim1, dim2", [
    ((3,), 0, -2, -1), ((2, 3), 1, -2, -1), ((2, 3), -2, 0, 2), ((2, 3), 2, -1, 0),
    ((4, 2, 3), 0, 1, 3), ((0,), 1, 0, 1), ((2, 1), -1, 1, 0)])
def test_diag_embed(shape, offset, dim1, dim2):
    assert_matches_torch(lambda v: ag.diag_embed(v, offset, dim1, dim2),
                         lambda t: torch.diag_embed(t, offset, dim1, dim2), _x(*shape))


@pytest.mark.parametrize("shape, diagonal", [((3,), 0), ((3,), 2), ((3,), -1), ((3, 4), 0),
                                             ((3, 4), 1), ((4, 3), -2), ((2, 2), 5)])
def test_diag(shape, diagonal):
    assert_matches_torch(lambda v: v.diag(diagonal), lambda t: t.diag(diagonal), _x(*shape))


@pytest.mark.parametrize("shape", [(3, 3), (2, 4), (4, 1), (0, 2)])
def test_trace(shape):
    assert_matches_torch(lambda v: v.trace(), lambda t: t.trace(), _x(*shape))


@pytest.mark.parametrize("shape, n, dim, prepend, append", [
    ((5,), 1, -1, None, None), ((3, 4), 2, 0, None, None), ((3, 4), 3, 1, None, None),
    ((3, 4), 6, 1, None, None), ((3, 4), 0, 1, None, None), ((2, 3), 1, 1, (2, 1), (2, 2)),
    ((2, 3), 2, 0, (1, 3), None), ((2, 3), 1, 0, None, (3, 3)), ((0, 2), 1, 0, None, None),
    # n=0 returns the input, prepend and append left out (PyTorch's and NumPy's)
    ((2, 3), 0, 1, (2, 1), (2, 2))])
def test_diff(shape, n, dim, prepend, append):
    edges = [_x(*s) for s in (prepend, append) if s is not None]
    has = [s is not None for s in (prepend, append)]

    def call(f, x, *given):
        it = iter(given)
        before, after = (next(it) if h else None for h in has)
        return f(x, n, dim, before, after)
    assert_matches_torch(lambda *v: call(ag.diff, *v),
                         lambda *t: call(lambda *a: torch.diff(*a), *t), _x(*shape), *edges)


def test_diff_of_booleans_and_integers_as_pytorch():
    b = np.array([True, False, False, True, True])
    np.testing.assert_array_equal(ag.diff(b, 2).data, torch.diff(torch.tensor(b), 2).numpy())
    i = np.array([1, 4, 9, 16], np.int32)
    y = ag.diff(i)
    assert y.dtype == np.int32
    np.testing.assert_array_equal(y.data, torch.diff(torch.tensor(i)).numpy())


@pytest.mark.parametrize("shape, repeats, dim", [
    ((2, 3), 2, None), ((2, 3), 3, 1), ((2, 3), [1, 0, 2], 1), ((2, 3), [2], 0),
    ((2, 3), [0, 3], 0), ((), 3, None), ((4,), [1, 1, 2, 0], 0), ((2, 3), 0, -1)])
def test_repeat_interleave(shape, repeats, dim):
    assert_matches_torch(
        lambda v: v.repeat_interleave(np.array(repeats) if isinstance(repeats, list)
                                      else repeats, dim),
        lambda t: t.repeat_interleave(torch.tensor(repeats) if isinstance(repeats, list)
                                      else repeats, dim), _x(*shape))


def test_repeat_interleave_of_repeats_alone_and_output_size():
    np.testing.assert_array_equal(ag.repeat_interleave(np.array([2, 0, 1])).data,
                                  torch.repeat_interleave(torch.tensor([2, 0, 1])).numpy())
    assert ag.repeat_interleave(_x(2), 2, 0, output_size=4).shape == (4,)


@pytest.mark.parametrize("shape, dim, sizes", [
    ((2, 12), 1, (3, 4)), ((2, 12), -1, (2, -1, 3)), ((6,), 0, (-1,)), ((6, 2), 0, (1, 6, 1)),
    ((0, 2), 0, (2, 0))])
def test_unflatten(shape, dim, sizes):
    assert_matches_torch(lambda v: v.unflatten(dim, sizes), lambda t: t.unflatten(dim, sizes),
                         _x(*shape))


@pytest.mark.parametrize("source, destination", [
    (0, 2), (-1, 0), ((0, 1), (2, 0)), ([2, 0], [0, 1]), ((), ()), ((0, 1, 2), (1, 2, 0))])
def test_movedim_and_moveaxis(source, destination):
    x = _x(2, 3, 4)
    assert_matches_torch(lambda v: v.movedim(source, destination),
                         lambda t: t.movedim(source, destination), x)
    assert_matches_torch(lambda v: ag.moveaxis(v, source, destination),
                         lambda t: torch.moveaxis(t, source, destination), x)


@pytest.mark.parametrize("k", [-3, -1, 0, 1, 2, 3, 6])
@pytest.mark.parametrize("dims", [(0, 1), (1, 0), (2, 0), (-1, 1)])
def test_rot90(k, dims):
    assert_matches_torch(lambda v: v.rot90(k, dims), lambda t: t.rot90(k, dims), _x(2, 3, 4))


@pytest.mark.parametrize("indexing", ["ij", "xy"])
@pytest.mark.parametrize("shapes_", [[(3,)], [(3,), (2,)], [(3,), (), (4,)], [(0,), (2,)]])
@pytest.mark.parametrize("which", [0, -1])
def test_meshgrid(indexing, shapes_, which):
    xs = [_x(*s) for s in shapes_]
    assert_matches_torch(lambda *v: ag.meshgrid(*v, indexing=indexing)[which],
                         lambda *t: torch.meshgrid(*t, indexing=indexing)[which], *xs)


@pytest.mark.parametrize("call", [
    lambda v: v.tril(1), lambda v: ag.triu(v), lambda v: v.diagonal(), lambda v: v.diag(),
    lambda v: ag.diag_embed(v), lambda v: v.trace(), lambda v: v.diff(),
    lambda v: v.repeat_interleave(2, 0), lambda v: v.unflatten(0, (1, -1)),
    lambda v: v.movedim(0, 1), lambda v: v.rot90(), lambda v: ag.meshgrid(v[0], v[1])[0]])
def test_float32_stays_float32(call):
    assert_float32_kept(call, _x(3, 3))


@pytest.mark.parametrize("call, error, words", [
    (lambda: ag.tril(_x(3)), ValueError, "tril: .*shape \\(3,\\)"),
    (lambda: ag.triu(_x(2, 2), 1.5), TypeError, "triu: diagonal"),
    (lambda: ag.diagonal(_x(2, 2), 0, 1, -1), ValueError, "diagonal: dim1 and dim2"),
    (lambda: ag.diagonal(_x(2, 2), 0, 0, 2), ValueError, "diagonal: axis 2"),
    (lambda: ag.diag_embed(_x()), ValueError, "diag_embed"),
    (lambda: ag.diag(_x(2, 2, 2)), ValueError, "diag: .*\\(2, 2, 2\\)"),
    (lambda: ag.trace(_x(3)), ValueError, "trace: .*\\(3,\\)"),
    (lambda: ag.diff(_x()), ValueError, "diff: .*0-d"),
    (lambda: ag.diff(_x(3), -1), ValueError, "diff: the order n"),
    (lambda: ag.diff(_x(2, 3), 1, 1, _x(3, 1)), ValueError, "diff: prepend of shape"),
    (lambda: ag.repeat_interleave(_x(3), -1), ValueError, "repeat_interleave: .*>= 0"),
    (lambda: ag.repeat_interleave(_x(3), np.array([1, 2]), 0), ValueError,
     "repeat_interleave: 2 repeats"),
    (lambda: ag.repeat_interleave(_x(3), np.array([1.0])), TypeError, "repeat_interleave"),
    (lambda: ag.repeat_interleave(_x(3), 2, output_size=5), ValueError, "output_size 5"),
    (lambda: ag.unflatten(_x(6), 0, (4, -1)), ValueError, "unflatten: sizes \\(4, -1\\)"),
    (lambda: ag.unflatten(_x(6), 0, (-1, -1, 6)), ValueError, "unflatten"),
    (lambda: ag.unflatten(_x(6), 0, ()), ValueError, "unflatten: sizes must hold"),
    (lambda: ag.movedim(_x(2, 3), (0, 1), (1,)), ValueError, "movedim: 2 source dims"),
    (lambda: ag.movedim(_x(2, 3), (0, 0), (1, 0)), ValueError, "movedim: repeated axis"),
    (lambda: ag.rot90(_x(2, 3), 1, (0, 0)), ValueError, "rot90: repeated axis"),
    (lambda: ag.rot90(_x(2, 3), 1, (0,)), ValueError, "rot90: dims must name 2"),
    (lambda: ag.rot90(_x(3)), ValueError, "rot90: .*at least 2"),
    (lambda: ag.meshgrid(_x(2, 2)), ValueError, "meshgrid: .*input 0 has shape"),
    (lambda: ag.meshgrid(_x(2), np.arange(3)), TypeError, "meshgrid: .*one dtype"),
    (lambda: ag.meshgrid(_x(2), indexing="ji"), ValueError, "meshgrid: indexing"),
])
def test_bad_arguments_are_named(call, error, words):
    with pytest.raises(error, match=words):
        call()


INTEGER_CASES = [("tril", ()), ("triu", (1,)), ("diagonal", (1,)), ("diag_embed", ()),
                 ("trace", ()), ("diff", ()), ("rot90", ()), ("movedim", (0, 1)),
                 ("unflatten", (1, (3, 1)))]


@pytest.mark.parametrize("name, args, dtype", [
    (name, args, dtype) for name, args in INTEGER_CASES for dtype in (np.int32, np.int64, bool)
    if (name, dtype) != ("trace", bool)])  # (PyTorch's trace has no bool kernel)
def test_integers_and_booleans_keep_their_dtype_as_pytorch(name, args, dtype):
    x = (np.arange(9).reshape(3, 3) % 4).astype(dtype)
    y, t = getattr(ag, name)(x, *args), getattr(torch, name)(torch.tensor(x), *args)
    assert y.dtype == t.numpy().dtype
    np.testing.assert_array_equal(y.data, t.numpy())
