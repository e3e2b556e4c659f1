"""F.embedding_bag and nn.EmbeddingBag against PyTorch: every mode over both layouts
(2-D rows, 1-D with offsets, include_last_offset), per_sample_weights, padding_idx, empty
bags, max_norm and scale_grad_by_freq; values and gradients in float32 and float64, second
order, the module's repr, from_pretrained and config, and every error."""
import warnings

import numpy as np
import pytest

import nn
import nn.functional as F
from autograd import Parameter, Variable
from autograd.testing import assert_gradients_match

from ._helpers import assert_close

torch = pytest.importorskip("torch")
TF = torch.nn.functional

# (indices, offsets, include_last_offset): 2-D rows, bags of every length with empty ones
# (first, middle, last), one bag, and no bag at all
LAYOUTS = [
    ([[1, 3, 3, 0], [4, 9, 2, 2], [7, 7, 7, 7]], None, False),
    ([1, 3, 3, 4, 3, 9, 0, 5], [0, 2, 2, 5], False),
    ([1, 3, 3, 4, 3, 9, 0, 5], [0, 0, 3, 8], False),
    ([1, 3, 3, 4, 3, 9, 0, 5], [0, 1, 1, 6, 8], True),
    ([6, 2, 6], [0], False),
    ([], [0, 0], False),
    ([], [0], True),
]
IDS = ["rows", "offsets", "empty-first-and-last", "include-last", "one-bag", "no-indices",
       "no-bags"]


def _compare(dtype, indices, offsets, tol=None, **kwargs):
    """Values and the table's gradient (and the per-sample weights') against torch."""
    rng = np.random.default_rng(0)
    table = rng.standard_normal((10, 3)).astype(dtype)
    indices = np.array(indices, np.int64)
    weights = kwargs.pop("per_sample_weights", None)
    ours, theirs = Parameter(table.copy()), torch.tensor(table, requires_grad=True)
    ours_w = theirs_w = None
    if weights is not None:
        ours_w = Variable(rng.standard_normal(indices.shape).astype(dtype))
        theirs_w = torch.tensor(ours_w.data, requires_grad=True)
    off = None if offsets is None else np.array(offsets, np.int64)
    y = F.embedding_bag(indices, ours, off, per_sample_weights=ours_w, **kwargs)
    yt = TF.embedding_bag(torch.tensor(indices), theirs,
                          None if off is None else torch.tensor(off),
                          per_sample_weights=theirs_w, **kwargs)
    tol = (1e-5 if dtype == np.float32 else 1e-12) if tol is None else tol
    assert y.dtype == dtype
    assert_close(y, yt, tol)
    gy = rng.standard_normal(y.shape).astype(dtype)
    y.backward(gy)
    yt.backward(torch.tensor(gy))
    assert_close(ours.grad, theirs.grad, tol)
    assert_close(ours.data, theirs, tol)  # (max_norm rescales the table in both)
    if weights is not None:
        assert_close(ours_w.grad, theirs_w.grad, tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("indices, offsets, include_last_offset", LAYOUTS, ids=IDS)
def test_every_mode_and_layout_matches_torch(dtype, mode, indices, offsets,
                                             include_last_offset):
    _compare(dtype, indices, offsets, mode=mode, include_last_offset=include_last_offset)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("padding_idx", [3, -1, 0])
@pytest.mark.parametrize("indices, offsets", [
    ([[1, 3, 3, 0], [3, 3, 3, 3], [9, 2, 9, 4]], None),
    ([3, 3, 4, 0, 9, 1, 9, 3], [0, 2, 5, 5]),
])
def test_padding_idx_is_left_out_of_the_bags_as_torch(dtype, mode, padding_idx, indices,
                                                      offsets):
    """A bag of padding alone is empty: zeros, even for max and mean."""
    _compare(dtype, indices, offsets, mode=mode, padding_idx=padding_idx)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("indices, offsets, include_last_offset", LAYOUTS[:5], ids=IDS[:5])
@pytest.mark.parametrize("padding_idx", [None, 3])
def test_per_sample_weights_match_torch(dtype, indices, offsets, include_last_offset,
                                        padding_idx):
    _compare(dtype, indices, offsets, mode="sum", per_sample_weights=True,
             include_last_offset=include_last_offset, padding_idx=padding_idx)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("max_norm, norm_type", [(0.5, 2.0), (1.2, 1.0), (0.3, 3)])
def test_max_norm_rescales_the_picked_rows_as_torch(dtype, mode, max_norm, norm_type):
    _compare(dtype, [1, 3, 3, 4, 3, 9, 0, 5], [0, 2, 5], mode=mode, max_norm=max_norm,
             norm_type=norm_type, padding_idx=4)


@pytest.mark.parametrize("mode", ["sum", "mean"])
@pytest.mark.parametrize("indices, offsets", [([1, 3, 3, 4, 3, 9, 0], [0, 2, 4]),
                                              ([[4, 3, 3], [3, 9, 4]], None)])
def test_scale_grad_by_freq_divides_each_row_by_its_count_as_torch_embedding(mode, indices,
                                                                             offsets):
    """PyTorch's own embedding_bag kernel (CPU, 2.13) scales some rows by another row's
    count (indices [4, 3, 3]: row 4's gradient halved); the reference here is the
    documented rule, which torch's F.embedding follows: the lookup's gradient scaled by
    1 / (times the row is picked in the batch), then reduced per bag."""
    table = np.random.default_rng(1).standard_normal((10, 3))
    flat = np.array(indices).ravel()
    off = None if offsets is None else np.array(offsets)
    ours = Parameter(table.copy())
    y = F.embedding_bag(np.array(indices), ours, off, mode=mode, scale_grad_by_freq=True)
    theirs = torch.tensor(table, requires_grad=True)
    rows = TF.embedding(torch.tensor(flat), theirs, scale_grad_by_freq=True)
    starts = list(range(0, len(flat), 3)) if off is None else list(off)
    bags = [rows[a:b] for a, b in zip(starts, starts[1:] + [len(flat)])]
    yt = torch.stack([bag.sum(0) if mode == "sum" else bag.mean(0) for bag in bags])
    assert_close(y, yt, 1e-12)
    gy = np.random.default_rng(2).standard_normal(y.shape)
    y.backward(gy)
    yt.backward(torch.tensor(gy))
    assert_close(ours.grad, theirs.grad, 1e-12)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_second_order_matches_numerical(mode):
    table = np.random.default_rng(3).standard_normal((6, 3))
    indices, offsets = np.array([1, 3, 3, 4, 5, 0]), np.array([0, 2, 2, 5])
    assert_gradients_match(
        lambda w: F.embedding_bag(indices, w * w, offsets, mode=mode, padding_idx=0) ** 2,
        table, order=2)
    samples = np.random.default_rng(4).standard_normal(6)
    if mode == "sum":
        assert_gradients_match(lambda w, s: F.embedding_bag(indices, w * w, offsets,
                                                            mode="sum",
                                                            per_sample_weights=s * s) ** 2,
                               table, samples, order=2)


def test_per_sample_weights_of_another_float_dtype_take_the_table_s():
    y = F.embedding_bag(np.array([[1, 2]]), np.ones((3, 2), np.float32), mode="sum",
                        per_sample_weights=np.array([[0.5, 2.0]]))
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y.data, [[2.5, 2.5]])


def test_indices_and_offsets_may_be_variables_and_lists():
    table = np.arange(12.0).reshape(4, 3)
    y = F.embedding_bag(Variable(np.array([0, 1, 3])), table, [0, 1], mode="sum")
    np.testing.assert_array_equal(y.data, [table[0], table[1] + table[3]])


# ----- the module -----

@pytest.mark.parametrize("kwargs", [
    {}, dict(mode="sum"), dict(mode="max", max_norm=1.0),
    dict(max_norm=2, norm_type=1.0, scale_grad_by_freq=True, padding_idx=2),
    dict(norm_type=2, sparse=True, include_last_offset=True, padding_idx=-1),
    dict(norm_type=3.0, mode="sum", scale_grad_by_freq=False),
])
def test_module_prints_as_torch_and_matches_it(kwargs):
    ours, theirs = nn.EmbeddingBag(10, 3, **kwargs), torch.nn.EmbeddingBag(10, 3, **kwargs)
    assert repr(ours) == repr(theirs)
    assert ours.weight.shape == (10, 3) and ours.weight.dtype == np.float32
    if ours.padding_idx is not None:
        assert ours.padding_idx == theirs.padding_idx
        assert not ours.weight.data[ours.padding_idx].any()
    theirs.weight.data = torch.tensor(ours.weight.data.copy())
    indices, offsets = np.array([1, 2, 2, 9, 5]), np.array([0, 3, 5])
    if not ours.include_last_offset:
        offsets = offsets[:2]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (sparse=True's note: the test below checks it)
        y = ours(indices, offsets)
    assert_close(y, theirs(torch.tensor(indices), torch.tensor(offsets)))
    rebuilt = nn.EmbeddingBag(**ours.get_config())
    assert repr(rebuilt) == repr(ours)


def test_module_takes_per_sample_weights_and_its_weight_is_drawn_from_n01():
    np.random.seed(0)
    bag = nn.EmbeddingBag(400, 50, mode="sum")
    assert abs(bag.weight.data.mean()) < 0.02 and abs(bag.weight.data.std() - 1) < 0.02
    y = bag(np.array([[1, 2]]), per_sample_weights=np.array([[2.0, -1.0]], np.float32))
    np.testing.assert_allclose(y.data[0], 2 * bag.weight.data[1] - bag.weight.data[2],
                               rtol=1e-6)


@pytest.mark.parametrize("freeze", [True, False])
def test_from_pretrained_as_torch(freeze):
    table = np.random.default_rng(5).standard_normal((5, 2))
    ours = nn.EmbeddingBag.from_pretrained(table, freeze=freeze, mode="max", padding_idx=1)
    theirs = torch.nn.EmbeddingBag.from_pretrained(torch.tensor(table), freeze=freeze,
                                                   mode="max", padding_idx=1)
    assert repr(ours) == repr(theirs)
    assert ours.weight.requires_grad == (not freeze)
    np.testing.assert_array_equal(ours.weight.data, table)  # (the padding row kept)
    assert ours.weight.data is not table and ours.weight.dtype == np.float64
    indices = np.array([[1, 0], [3, 4]])
    assert_close(ours(indices), theirs(torch.tensor(indices)), 1e-12)
    assert nn.EmbeddingBag(**ours.get_config()).weight.requires_grad == (not freeze)


def test_module_given_a_table_uses_it():
    table = np.ones((4, 2), np.float32)
    bag = nn.EmbeddingBag(4, 2, _weight=table)
    np.testing.assert_array_equal(bag(np.array([[0, 1]])).data, [[1.0, 1.0]])


# ----- errors -----

_W = np.ones((5, 2))


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.embedding_bag(np.array([[1]]), np.ones((5, 2, 1))), ValueError,
     r"embedding_bag: expected a weight of shape \(num_embeddings, embedding_dim\), got "
     r"\(5, 2, 1\)"),
    (lambda: F.embedding_bag(np.array([[1]]), np.ones((5, 2), np.int64)), TypeError,
     r"embedding_bag: expected a floating-point input, got dtype int64"),
    (lambda: F.embedding_bag(np.array([[1]]), _W, mode="median"), ValueError,
     r"embedding_bag: mode has to be one of 'sum', 'mean' or 'max', got 'median'"),
    (lambda: F.embedding_bag(np.array([[1]]), _W, mode="max", scale_grad_by_freq=True),
     ValueError, r"embedding_bag: max mode does not support scaling the gradient by the "
                 r"frequency"),
    (lambda: F.embedding_bag(np.array([[1]]), _W, mode="max", sparse=True), ValueError,
     r"embedding_bag: max mode does not support sparse weights"),
    (lambda: F.embedding_bag(np.array([[1.0]]), _W), TypeError,
     r"embedding_bag: input must be integers, got dtype float64"),
    (lambda: F.embedding_bag(np.array([1]), _W, np.array([0.0])), TypeError,
     r"embedding_bag: offsets must be integers, got dtype float64"),
    (lambda: F.embedding_bag(np.array([[1]]), _W, np.array([0])), ValueError,
     r"embedding_bag: a 2-D input \(1, 1\) is a batch of bags of equal length \(one per "
     r"row\): offsets must be None"),
    (lambda: F.embedding_bag(np.ones((1, 1, 1), np.int64), _W), ValueError,
     r"embedding_bag: input must be 1-D \(with offsets\) or 2-D \(B, N\), got shape "
     r"\(1, 1, 1\)"),
    (lambda: F.embedding_bag(np.array([1]), _W), ValueError,
     r"embedding_bag: a 1-D input needs offsets, the start of each bag"),
    (lambda: F.embedding_bag(np.array([1]), _W, np.array([[0]])), ValueError,
     r"embedding_bag: offsets must be 1-D, got shape \(1, 1\)"),
    (lambda: F.embedding_bag(np.array([1]), _W, np.array([1])), ValueError,
     r"embedding_bag: offsets\[0\] has to be 0 \(the first bag starts at position 0\), "
     r"got 1"),
    (lambda: F.embedding_bag(np.array([1, 2, 3]), _W, np.array([0, 2, 1])), ValueError,
     r"embedding_bag: offsets must be non-decreasing, got \[0, 2, 1\]"),
    (lambda: F.embedding_bag(np.array([1, 2]), _W, np.array([0, 3])), ValueError,
     r"embedding_bag: offsets\[-1\] can not be greater than the input's length 2, got 3"),
    (lambda: F.embedding_bag(np.array([1, 2]), _W, np.array([0, 1]), include_last_offset=True),
     ValueError, r"embedding_bag: with include_last_offset=True the last offset is the end "
                 r"of the last bag, the input's length 2; got 1"),
    (lambda: F.embedding_bag(np.array([1]), _W, np.array([], np.int64),
                             include_last_offset=True), ValueError,
     r"embedding_bag: include_last_offset=True needs at least one offset"),
    (lambda: F.embedding_bag(np.array([[1, 5]]), _W), IndexError,
     r"embedding_bag: index 5 is out of range for 5 embeddings \(valid: 0 to 4\)"),
    (lambda: F.embedding_bag(np.array([-1, 2]), _W, [0]), IndexError,
     r"embedding_bag: index -1 is out of range for 5 embeddings"),
    (lambda: F.embedding_bag(np.array([[1, 2]]), _W, mode="sum",
                             per_sample_weights=np.ones(2)), ValueError,
     r"embedding_bag: per_sample_weights must have the input's shape \(1, 2\), got \(2,\)"),
    (lambda: F.embedding_bag(np.array([[1, 2]]), _W, mode="sum",
                             per_sample_weights=np.ones((1, 2), np.int64)), TypeError,
     r"embedding_bag: expected a floating-point input, got dtype int64"),
    (lambda: F.embedding_bag(np.array([[1, 2]]), _W, mode="max",
                             per_sample_weights=np.ones((1, 2))), NotImplementedError,
     r"embedding_bag: per_sample_weights is only supported for mode='sum' \(got "
     r"mode='max'\)"),
    (lambda: F.embedding_bag(np.array([[1, 2]]), _W, padding_idx=5), ValueError,
     r"embedding_bag: padding_idx 5 is out of range for 5 embeddings"),
    (lambda: F.embedding_bag(np.array([[1, 2]]), _W, max_norm="1"), TypeError,
     r"embedding_bag: max_norm must be a real number, got '1'"),
    (lambda: nn.EmbeddingBag(0, 2), ValueError,
     r"EmbeddingBag: num_embeddings must be a positive integer"),
    (lambda: nn.EmbeddingBag(3, 2.5), ValueError,
     r"EmbeddingBag: embedding_dim must be a positive integer"),
    (lambda: nn.EmbeddingBag(3, 2, mode="min"), ValueError,
     r"EmbeddingBag: mode has to be one of 'sum', 'mean' or 'max', got 'min'"),
    (lambda: nn.EmbeddingBag(3, 2, mode="max", sparse=True), ValueError,
     r"EmbeddingBag: max mode does not support sparse weights"),
    (lambda: nn.EmbeddingBag(3, 2, padding_idx=-4), ValueError,
     r"EmbeddingBag: padding_idx -4 is out of range for 3 embeddings"),
    (lambda: nn.EmbeddingBag(3, 2, _weight=np.ones((2, 3))), ValueError,
     r"EmbeddingBag: _weight of shape \(2, 3\) does not match \(num_embeddings, "
     r"embedding_dim\) = \(3, 2\)"),
    (lambda: nn.EmbeddingBag.from_pretrained(np.ones(3)), ValueError,
     r"EmbeddingBag.from_pretrained: embeddings must be a 2-D float array"),
])
def test_errors_name_the_function_and_what_was_wrong(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_sparse_is_taken_with_a_dense_gradient_and_one_warning():
    from nn.functional.embedding import _warned
    _warned.discard("embedding_bag")
    w = Parameter(np.ones((4, 2)))
    with pytest.warns(UserWarning, match=r"embedding_bag: sparse=True gives a dense gradient"):
        F.embedding_bag(np.array([[1, 2]]), w, sparse=True).sum().backward()
    np.testing.assert_array_equal(w.grad.data, [[0, 0], [0.5, 0.5], [0.5, 0.5], [0, 0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.embedding_bag(np.array([[1, 2]]), w, sparse=True)  # (said once)


def test_module_takes_torch_s_factory_arguments():
    import inspect
    ours = list(inspect.signature(nn.EmbeddingBag.__init__).parameters)[1:]
    theirs = list(inspect.signature(torch.nn.EmbeddingBag.__init__).parameters)[1:]
    assert ours == theirs + ["_freeze"]  # (_freeze: from_pretrained's, kept by the config)
    bag = nn.EmbeddingBag(5, 3, dtype=torch.float64, device="cpu")
    assert bag.weight.dtype == np.float64 and bag(np.array([[1, 2]])).dtype == np.float64
    assert nn.EmbeddingBag(**bag.get_config()).weight.dtype == np.float64
    with pytest.raises(TypeError, match=r"EmbeddingBag: dtype must be a floating-point type"):
        nn.EmbeddingBag(5, 3, dtype=np.int32)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("indices, offsets", [([[1, 0, 2], [0, 1, 1], [3, 4, 0]], None),
                                              ([1, 0, 3, 2, 4, 0, 3], [0, 2, 5])])
def test_max_gives_a_tie_and_a_nan_torchs_winner(dtype, indices, offsets):
    # rows 0 and 1 tie, row 2 holds NaNs, rows 3 and 4 tie with NaN between them: the
    # whole gradient goes to the first of tied rows (it was split among them), and a NaN
    # wins only as its bag's first row (torch's CPU kernel keeps the best so far unless a
    # later row is greater)
    table = np.array([[1, 5, 0], [1, 5, 0], [np.nan, 0, np.nan], [2, 2, 2], [2, 2, 2],
                      [0, 0, 0]], dtype)
    ours, theirs = Parameter(table.copy()), torch.tensor(table, requires_grad=True)
    off = None if offsets is None else np.array(offsets)
    y = F.embedding_bag(np.array(indices), ours, off, mode="max")
    yt = TF.embedding_bag(torch.tensor(indices), theirs,
                          None if off is None else torch.tensor(off), mode="max")
    np.testing.assert_array_equal(y.data, yt.detach().numpy())
    gy = np.random.default_rng(0).standard_normal(y.shape).astype(dtype)
    y.backward(gy)
    yt.backward(torch.tensor(gy))
    assert_close(ours.grad, theirs.grad, tol=0)


@pytest.mark.parametrize("mode, each", [("sum", 1.0), ("mean", 0.25)])
def test_scale_grad_by_freq_divides_each_row_by_its_own_count(mode, each):
    """Each row's gradient divided by how often that row occurs in the batch, as
    nn.Embedding's scale_grad_by_freq. PyTorch 2.13's CPU EmbeddingBag divides by another
    index's count here (rows 3, 5, 9 get 0.5 in 'sum', row 4 gets 2: a known PyTorch bug,
    pytorch/pytorch#190063): do not change these numbers to match it."""
    bag = nn.EmbeddingBag(10, 2, mode=mode, scale_grad_by_freq=True)
    indices, offsets = np.array([1, 2, 4, 5, 4, 3, 2, 9]), np.array([0, 4])
    bag(indices, offsets).sum().backward()
    want = np.zeros((10, 2))
    want[[1, 2, 3, 4, 5, 9]] = each  # (two occurrences of 2 and of 4, each divided by 2)
    np.testing.assert_allclose(bag.weight.grad.data, want, rtol=1e-6)
