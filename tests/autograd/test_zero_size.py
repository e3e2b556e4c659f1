"""Every op's forward and backward on zero-size arrays, as NumPy and PyTorch: empty results of
the right shape, zero gradients of the inputs' shapes, PyTorch's values for reductions of
nothing (sum 0, mean nan, logsumexp -inf) and a clear error where PyTorch refuses (max)."""
import numpy as np
import pytest

import autograd as ag
from tests._zero_size import check_zero_size


def z(*shape):
    """A float64 array of `shape` (zero-size when a side is 0) with distinct values."""
    return np.arange(1, int(np.prod(shape)) + 1, dtype=np.float64).reshape(shape) / 7 + 0.5


def t(name):
    """torch.<name>, looked up when called (the test runs without PyTorch too)."""
    def call(*args, **kwargs):
        import torch
        return getattr(torch, name)(*args, **kwargs)
    return call


E = z(0, 3)
# PyTorch computes these quietly: a NumPy warning (mean of empty slice...) is a failure
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")
CASES = {
    # elementwise and arithmetic, with broadcasting against empty and non-empty operands
    "add": (ag.add, t("add"), E, z(1, 3)),
    "sub": (ag.sub, t("sub"), z(3), z(0, 3)),
    "mul": (ag.mul, t("mul"), z(2, 0), z(2, 1)),
    "div": (ag.div, t("div"), E, z(3)),
    "pow": (ag.pow, t("pow"), E, z(0, 1)),
    "neg": (ag.neg, t("neg"), z(2, 0, 3)),
    "scalar_times_empty": (lambda a: a * 2.0, lambda a: a * 2.0, E),
    **{name: (getattr(ag, name), t(name), z(2, 0, 3))
       for name in ["exp", "log", "sin", "cos", "tan", "tanh", "sqrt", "abs"]},
    "maximum": (ag.maximum, t("maximum"), E, z(1, 3)),
    "minimum": (ag.minimum, t("minimum"), E, E),
    "clip": (lambda a: ag.clip(a, 0.2, 0.8), lambda a: a.clip(0.2, 0.8), E),
    "where": (lambda a, b: ag.where(np.zeros((0, 3), bool), a, b),
              lambda a, b: a.where(a.new_zeros((0, 3), dtype=bool), b), E, z(1, 3)),
    "astype": (lambda a: ag.astype(ag.astype(a, np.float32), np.float64),
               lambda a: a.float().double(), E),
    # reductions: over empty axes (PyTorch's values), and over full axes of empty arrays
    "sum_all": (ag.sum, t("sum"), E),
    "sum_empty_axis": (lambda a: ag.sum(a, axis=1), lambda a: a.sum(1), z(2, 0)),
    "sum_keepdims": (lambda a: ag.sum(a, axis=0, keepdims=True),
                     lambda a: a.sum(0, keepdim=True), E),
    "mean_all": (ag.mean, t("mean"), E),
    "mean_empty_axis": (lambda a: ag.mean(a, axis=1), lambda a: a.mean(1), z(2, 0)),
    "mean_full_axis": (lambda a: ag.mean(a, axis=1), lambda a: a.mean(1), E),
    "max_full_axis": (lambda a: ag.max(a, axis=1), lambda a: a.amax(1), E),
    "min_full_axis": (lambda a: ag.min(a, axis=(1, 2)), lambda a: a.amin((1, 2)), z(0, 2, 3)),
    "logsumexp_empty_axis": (lambda a: ag.logsumexp(a, axis=1),
                             lambda a: a.logsumexp(1), z(2, 0)),
    "logsumexp_all": (ag.logsumexp, lambda a: a.logsumexp((0, 1)), E),
    "logsumexp_full_axis": (lambda a: ag.logsumexp(a, axis=1), lambda a: a.logsumexp(1), E),
    "broadcast_to": (lambda a: ag.broadcast_to(a, (0, 3)), lambda a: a.expand(0, 3), z(1, 3)),
    "broadcast_to_empty": (lambda a: ag.broadcast_to(a, (2, 0)), lambda a: a.expand(2, 0),
                           z(2, 1)),
    "sum_to": (lambda a: ag.sum_to(a, (1, 3)), lambda a: a.sum(0, keepdim=True), E),
    # shapes
    "reshape": (lambda a: ag.reshape(a, (3, 0)), lambda a: a.reshape(3, 0), E),
    "reshape_infer": (lambda a: ag.reshape(a, (-1, 3)), lambda a: a.reshape(-1, 3), z(2, 0, 3)),
    "flatten": (ag.flatten, lambda a: a.flatten(), z(2, 0)),
    "transpose": (ag.transpose, lambda a: a.permute(2, 1, 0), z(2, 0, 3)),
    "swapaxes": (lambda a: ag.swapaxes(a, 0, 2), lambda a: a.transpose(0, 2), z(2, 0, 3)),
    "squeeze": (ag.squeeze, t("squeeze"), z(1, 0, 1)),
    "expand_dims": (lambda a: ag.expand_dims(a, 1), lambda a: a.unsqueeze(1), E),
    "concatenate": (lambda a, b: ag.concatenate([a, b]), lambda a, b: t("cat")([a, b]),
                    E, z(2, 3)),
    "concatenate_empty": (lambda a, b: ag.concatenate([a, b], axis=1),
                          lambda a, b: t("cat")([a, b], 1), E, E),
    "stack": (lambda a, b: ag.stack([a, b], axis=1), lambda a, b: t("stack")([a, b], 1), E, E),
    "split_sections": (lambda a: ag.split(a, 3, axis=1),
                       lambda a: a.split(1, dim=1), E),
    "split_empty": (lambda a: ag.split(a, 2), lambda a: a.tensor_split(2), z(0)),
    "split_indices": (lambda a: ag.split(a, [0, 2], axis=1),
                      lambda a: a.tensor_split([0, 2], dim=1), E),
    # indexing
    "index_basic": (lambda a: a[:, 1], lambda a: a[:, 1], E),
    "index_empty_slice": (lambda a: a[1:1], lambda a: a[1:1], z(3, 2)),
    "index_empty_ints": (lambda a: a[np.array([], dtype=np.int64)],
                         lambda a: a[a.new_zeros(0).long()], z(3, 2)),
    "index_empty_ints_of_no_rows": (lambda a: a[np.array([], dtype=np.int64)],
                                    lambda a: a[a.new_zeros(0).long()], E),
    "index_false_mask": (lambda a: a[np.zeros(3, bool)],
                         lambda a: a[a.new_zeros(3).bool()], z(3, 2)),
    "index_ints_of_empty": (lambda a: a[:, np.array([0, 2, 2])],
                            lambda a: a[:, a.new_tensor([0, 2, 2]).long()], E),
    # matrix products: empty batch, rows, columns and contracted axes
    "matmul_rows": (ag.matmul, t("matmul"), E, z(3, 4)),
    "matmul_inner": (ag.matmul, t("matmul"), z(2, 0), z(0, 4)),
    "matmul_cols": (ag.matmul, t("matmul"), z(2, 3), z(3, 0)),
    "matmul_batch": (ag.matmul, t("matmul"), z(0, 2, 3), z(3, 4)),
    "matmul_broadcast_batch": (ag.matmul, t("matmul"), z(0, 1, 2, 3), z(5, 3, 4)),
    "matmul_inner_batched": (ag.matmul, t("matmul"), z(5, 2, 0), z(0, 4)),
    "matmul_vectors": (ag.matmul, t("matmul"), z(0), z(0)),
    "matmul_vector_matrix": (ag.matmul, t("matmul"), z(0), z(0, 3)),
    "matmul_matrix_vector": (ag.matmul, t("matmul"), z(2, 0), z(0)),
    "dot_inner": (ag.dot, t("matmul"), z(2, 0), z(0, 3)),
    "dot_nd_inner": (ag.dot, lambda a, b: t("tensordot")(a, b, ([2], [1])),
                     z(2, 2, 0), z(4, 0, 3)),
    "dot_nd_rows": (ag.dot, lambda a, b: t("tensordot")(a, b, ([2], [1])),
                    z(2, 0, 3), z(4, 3, 5)),
    "dot_nd_vector": (ag.dot, t("matmul"), z(2, 2, 0), z(0)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_forward_and_backward_on_zero_size_inputs(name):
    ours, theirs, *inputs = CASES[name]
    check_zero_size(ours, theirs, *inputs)


@pytest.mark.parametrize("name", list(CASES))
def test_second_order_on_zero_size_inputs(name):
    ours, _, *inputs = CASES[name]
    assert ag.gradgradcheck(ours, *inputs)


@pytest.mark.parametrize("op,axis,shape", [
    (ag.max, 1, (2, 0)), (ag.min, None, (0, 3)), (ag.max, (0, 1), (0, 3)), (ag.min, -1, (0,)),
])
def test_max_min_over_nothing_raise_naming_the_op_and_shape(op, axis, shape):
    """PyTorch refuses too ('Expected reduction dim 1 to have non-zero size')."""
    with pytest.raises(ValueError, match=rf"{op.__name__}: .*axis \d of size 0 .*{shape}"):
        op(z(*shape), axis=axis)


def test_reshape_that_cannot_infer_a_side_from_nothing_names_the_op():
    """-1 beside a 0 could be any size: NumPy and PyTorch refuse it."""
    with pytest.raises(ValueError, match=r"reshape: .*\(0, 3\)"):
        ag.reshape(z(0, 3), (0, -1))


def test_split_with_unsorted_indices_backprops_through_overlapping_parts():
    """np.split(x, [4, 2]) gives x[:4], x[4:2] (empty) and x[2:]; x[2:4] is in two parts."""
    x = ag.Variable(np.arange(8.0))
    parts = ag.split(x, [4, 2])
    assert [p.shape for p in parts] == [(4,), (0,), (6,)]
    ag.sum(ag.concatenate(parts) ** 2).backward()
    np.testing.assert_array_equal(x.grad.data, [0, 2, 8, 12, 8, 10, 12, 14])


@pytest.mark.parametrize("indices", [[4, 2], [2, -7], [-2], [10], [-20, 3], [3, 3], [5, 1, 6]])
def test_split_indices_backward_matches_numerical(indices):
    x = np.random.default_rng(0).standard_normal((8, 2))
    assert ag.gradcheck(lambda v: ag.split(v, indices), x)
    assert ag.gradgradcheck(lambda v: ag.split(v, indices), x)
    for part, expected in zip(ag.split(x, indices), np.split(x, indices)):
        np.testing.assert_array_equal(part.data, expected)


def test_dot_of_nd_operands_over_an_empty_axis_is_zeros_of_numpys_shape():
    a, b = ag.Variable(np.ones((2, 2, 0))), ag.Variable(np.ones((4, 0, 3)))
    y = ag.dot(a, b)
    np.testing.assert_array_equal(y.data, np.dot(a.data, b.data))
    assert y.shape == (2, 2, 4, 3)
    ag.sum(y).backward()
    assert a.grad.shape == (2, 2, 0) and b.grad.shape == (4, 0, 3)
