"""nn.utils.rnn against PyTorch: pad_sequence, pack_padded_sequence, pad_packed_sequence,
pack_sequence, unpack_sequence and unpad_sequence (values, indices, gradients, float32 and
float64, random lengths), second order against numerical; RNN, LSTM and GRU on packed
input (outputs, h_n, c_n and every gradient); every error."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Variable
from autograd.testing import assert_gradients_match
from nn.utils.rnn import (
    PackedSequence,
    invert_permutation,
    pack_padded_sequence,
    pack_sequence,
    pad_packed_sequence,
    pad_sequence,
    unpack_sequence,
    unpad_sequence,
)

from ._helpers import assert_close

torch = pytest.importorskip("torch")
R = torch.nn.utils.rnn


def _pair(array):
    return Variable(array), torch.tensor(array, requires_grad=True)


def _sequences(lengths, trailing, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((n,) + trailing).astype(dtype) for n in lengths]


def _tol(dtype):
    return 1e-6 if dtype == np.float32 else 1e-12


def _backward_both(ours, theirs, seed=1):
    gy = np.random.default_rng(seed).standard_normal(ours.shape).astype(ours.dtype)
    ours.backward(gy)
    theirs.backward(torch.tensor(gy))


def _assert_packed_equal(ours, theirs, tol):
    assert_close(ours.data, theirs.data, tol)
    np.testing.assert_array_equal(ours.batch_sizes, theirs.batch_sizes.numpy())
    for have, want in ((ours.sorted_indices, theirs.sorted_indices),
                       (ours.unsorted_indices, theirs.unsorted_indices)):
        assert (have is None) == (want is None)
        if have is not None:
            np.testing.assert_array_equal(have, want.numpy())


# ----- pad_sequence / unpad_sequence -----

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("lengths, trailing", [([3, 1, 4], (2,)), ([2], ()), ([1, 5, 5], (2, 3))])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
def test_pad_sequence_matches_torch(dtype, lengths, trailing, batch_first, padding_side):
    pairs = [_pair(s) for s in _sequences(lengths, trailing, dtype)]
    y = pad_sequence([v for v, _ in pairs], batch_first, -1.5, padding_side)
    yt = R.pad_sequence([t for _, t in pairs], batch_first, -1.5, padding_side)
    assert y.dtype == dtype
    assert_close(y, yt, _tol(dtype))
    _backward_both(y, yt)
    for v, t in pairs:
        assert_close(v.grad, t.grad, _tol(dtype))


@pytest.mark.parametrize("batch_first", [False, True])
def test_unpad_sequence_inverts_pad_sequence_as_torch(batch_first):
    arrays = _sequences([2, 4, 1], (3,), np.float64)
    padded, padded_t = _pair(R.pad_sequence(
        [torch.tensor(a) for a in arrays], batch_first).numpy())
    ours = unpad_sequence(padded, [2, 4, 1], batch_first)
    # (a clone: torch's unpad_sequence transposes its argument in place)
    theirs = R.unpad_sequence(padded_t.clone(), torch.tensor([2, 4, 1]), batch_first)
    for o, t, a in zip(ours, theirs, arrays):
        assert_close(o, t, 0)
        np.testing.assert_array_equal(o.data, a)
    sum(o.sum() for o in ours).backward()
    sum(t.sum() for t in theirs).backward()
    assert_close(padded.grad, padded_t.grad, 0)


@pytest.mark.parametrize("batch_first", [False, True])
def test_unpad_sequence_gives_back_an_empty_sequence_as_torch(batch_first):
    """pad_sequence takes a sequence of length 0; unpad_sequence, its inverse, takes the
    length 0 back (it refused it, as packing must)."""
    arrays = [np.zeros((0, 2)), np.arange(6.0).reshape(3, 2)]
    padded = pad_sequence([Variable(a) for a in arrays], batch_first)
    theirs = R.unpad_sequence(R.pad_sequence([torch.tensor(a) for a in arrays], batch_first),
                              torch.tensor([0, 3]), batch_first)
    ours = unpad_sequence(padded, [0, 3], batch_first)
    for o, t, a in zip(ours, theirs, arrays):
        assert_close(o, t, 0)
        np.testing.assert_array_equal(o.data, a)


# ----- packing and unpacking -----

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("lengths, enforce_sorted", [
    ([4, 3, 1], True), ([4, 4, 2, 2], True), ([1, 4, 2], False), ([2, 3, 5, 1], False)])
@pytest.mark.parametrize("batch_first", [False, True])
def test_pack_padded_sequence_matches_torch(dtype, lengths, enforce_sorted, batch_first):
    shape = (len(lengths), 6, 2) if batch_first else (6, len(lengths), 2)
    x, xt = _pair(np.random.default_rng(0).standard_normal(shape).astype(dtype))
    packed = pack_padded_sequence(x, lengths, batch_first, enforce_sorted)
    theirs = R.pack_padded_sequence(xt, torch.tensor(lengths), batch_first, enforce_sorted)
    _assert_packed_equal(packed, theirs, _tol(dtype))
    assert packed.data.dtype == dtype
    _backward_both(packed.data, theirs.data)
    assert_close(x.grad, xt.grad, _tol(dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("total_length", [None, 7])
def test_pad_packed_sequence_matches_torch(dtype, enforce_sorted, batch_first, total_length):
    lengths = [5, 2, 2, 1] if enforce_sorted else [2, 5, 1, 2]
    arrays = _sequences(lengths, (3,), dtype)
    ours = pack_sequence(arrays, enforce_sorted)
    theirs = R.pack_sequence([torch.tensor(a) for a in arrays], enforce_sorted)
    data, data_t = _pair(ours.data.data)
    ours = PackedSequence(data, ours.batch_sizes, ours.sorted_indices, ours.unsorted_indices)
    theirs = R.PackedSequence(data_t, theirs.batch_sizes, theirs.sorted_indices,
                              theirs.unsorted_indices)
    y, lengths_out = pad_packed_sequence(ours, batch_first, 0.25, total_length)
    yt, lengths_t = R.pad_packed_sequence(theirs, batch_first, 0.25, total_length)
    assert y.dtype == dtype
    assert_close(y, yt, _tol(dtype))
    np.testing.assert_array_equal(lengths_out, lengths_t.numpy())
    assert lengths_out.dtype == np.int64
    _backward_both(y, yt)
    assert_close(data.grad, data_t.grad, _tol(dtype))


@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_pack_and_unpack_sequence_match_torch(enforce_sorted):
    lengths = [3, 3, 1] if enforce_sorted else [1, 3, 2]
    pairs = [_pair(a) for a in _sequences(lengths, (2,), np.float64)]
    packed = pack_sequence([v for v, _ in pairs], enforce_sorted)
    theirs = R.pack_sequence([t for _, t in pairs], enforce_sorted)
    _assert_packed_equal(packed, theirs, 0)
    ours, back = unpack_sequence(packed), R.unpack_sequence(theirs)
    for o, t, (v, _) in zip(ours, back, pairs):
        assert_close(o, t, 0)
        np.testing.assert_array_equal(o.data, v.data)
    sum((o * o).sum() for o in ours).backward()
    sum((t * t).sum() for t in back).backward()
    for v, t in pairs:
        assert_close(v.grad, t.grad, 1e-12)


@settings(max_examples=25, deadline=None)
@given(lengths=st.lists(st.integers(1, 6), min_size=1, max_size=5),
       batch_first=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_random_lengths_round_trip_as_torch(lengths, batch_first, seed):
    longest = max(lengths)
    shape = (len(lengths), longest + 1, 2) if batch_first else (longest + 1, len(lengths), 2)
    x = np.random.default_rng(seed).standard_normal(shape)
    packed = pack_padded_sequence(x, lengths, batch_first, enforce_sorted=False)
    theirs = R.pack_padded_sequence(torch.tensor(x), torch.tensor(lengths), batch_first,
                                    enforce_sorted=False)
    y, out_lengths = pad_packed_sequence(packed, batch_first, total_length=longest + 1)
    yt, _ = R.pad_packed_sequence(theirs, batch_first, total_length=longest + 1)
    assert_close(y, yt, 0)
    np.testing.assert_array_equal(out_lengths, lengths)
    np.testing.assert_array_equal(packed.batch_sizes, theirs.batch_sizes.numpy())
    assert sorted(packed.data.data.ravel()) == sorted(theirs.data.numpy().ravel())


def test_second_order_through_packing_matches_numerical():
    x = np.random.default_rng(3).standard_normal((4, 3, 2))

    def f(v):
        packed = pack_padded_sequence(v, [1, 4, 2], enforce_sorted=False)
        return pad_packed_sequence(packed, padding_value=1.0)[0] ** 3

    assert_gradients_match(f, x, order=2)


def test_packed_sequence_is_a_named_tuple_with_torch_s_fields():
    packed = pack_sequence([np.ones((2, 1)), np.ones((1, 1))])
    data, batch_sizes, sorted_indices, unsorted_indices = packed
    assert packed._fields == R.PackedSequence._fields
    assert data is packed.data and sorted_indices is None and unsorted_indices is None
    np.testing.assert_array_equal(batch_sizes, [2, 1])
    made = PackedSequence(np.zeros((3, 1)), [2, 1], [1, 0])
    np.testing.assert_array_equal(made.unsorted_indices, [1, 0])


# ----- recurrent layers on packed input -----

def _twins(kind, layers, bidirectional, batch_first, dtype):
    theirs = getattr(torch.nn, kind)(3, 4, layers, bidirectional=bidirectional,
                                     batch_first=batch_first)
    theirs = theirs.double() if dtype == np.float64 else theirs
    ours = getattr(nn, kind)(3, 4, layers, bidirectional=bidirectional,
                             batch_first=batch_first, dtype=dtype)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


def _states(kind, rows, seed):
    h0, h0_t = _pair(np.random.default_rng(seed).standard_normal((rows, 4, 4)))
    if kind == "LSTM":
        return (h0, h0 * 0.5), (h0_t, h0_t * 0.5), [h0], [h0_t]
    return h0, h0_t, [h0], [h0_t]


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("layers, enforce_sorted, batch_first, with_state, dtype", [
    (1, True, False, True, np.float64), (2, False, True, True, np.float64),
    (2, False, False, False, np.float32)])
def test_recurrent_layers_on_packed_input_match_torch(kind, bidirectional, layers,
                                                      enforce_sorted, batch_first,
                                                      with_state, dtype):
    ours, theirs = _twins(kind, layers, bidirectional, batch_first, dtype)
    lengths = [5, 3, 3, 1] if enforce_sorted else [2, 5, 1, 4]
    shape = (4, 5, 3) if batch_first else (5, 4, 3)
    x, xt = _pair(np.random.default_rng(0).standard_normal(shape).astype(dtype))
    hx, hx_t, leaves, leaves_t = _states(kind, layers * (1 + bidirectional), 1)
    if dtype == np.float32 or not with_state:
        hx, hx_t, leaves, leaves_t = None, None, [], []
    out, final = ours(pack_padded_sequence(x, lengths, batch_first, enforce_sorted), hx)
    out_t, final_t = theirs(R.pack_padded_sequence(xt, torch.tensor(lengths), batch_first,
                                                   enforce_sorted), hx_t)
    tol = 1e-5 if dtype == np.float32 else 1e-10
    assert isinstance(out, PackedSequence) and out.data.dtype == dtype
    _assert_packed_equal(out, out_t, tol)
    finals = final if kind == "LSTM" else (final,)
    finals_t = final_t if kind == "LSTM" else (final_t,)
    for f, ft in zip(finals, finals_t):
        assert_close(f, ft, tol)
    gy = np.random.default_rng(2).standard_normal(out.data.shape).astype(dtype)
    ((out.data * gy).sum() + sum((f * f).sum() for f in finals)).backward()
    ((out_t.data * torch.tensor(gy)).sum() + sum((f * f).sum() for f in finals_t)).backward()
    for v, t in [(x, xt)] + list(zip(leaves, leaves_t)):
        assert_close(v.grad, t.grad, tol)
    for p, pt in zip(ours.parameters(), theirs.parameters()):
        assert_close(p.grad, pt.grad, tol)


def test_packed_output_unpacks_to_torch_s_padded_output():
    ours, theirs = _twins("GRU", 1, True, False, np.float64)
    x = np.random.default_rng(4).standard_normal((6, 3, 3))
    out, _ = ours(pack_padded_sequence(x, [2, 6, 4], enforce_sorted=False))
    out_t, _ = theirs(R.pack_padded_sequence(torch.tensor(x), torch.tensor([2, 6, 4]),
                                             enforce_sorted=False))
    assert_close(pad_packed_sequence(out, padding_value=-1.0)[0],
                 R.pad_packed_sequence(out_t, padding_value=-1.0)[0], 1e-10)


# ----- errors -----

def test_unsorted_lengths_with_enforce_sorted_are_refused():
    with pytest.raises(RuntimeError, match="sorted in decreasing order.*enforce_sorted=False"):
        pack_padded_sequence(np.zeros((4, 3, 1)), [1, 3, 2])
    with pytest.raises(RuntimeError, match="sorted in decreasing order"):
        pack_sequence([np.zeros((1, 1)), np.zeros((2, 1))])


@pytest.mark.parametrize("lengths, match", [
    ([3, 5], "length of 5 is longer than the input's 4 time steps"),
    ([3, 0], "greater than 0"), ([2, -1], "greater than 0"),
    ([3], "len\\(lengths\\) to be equal to batch_size, but got 1 \\(batch_size=2\\)"),
])
def test_bad_lengths_are_refused(lengths, match):
    with pytest.raises(ValueError, match=match):
        pack_padded_sequence(np.zeros((4, 2, 1)), lengths, enforce_sorted=False)


def test_non_integer_lengths_and_empty_inputs_are_refused():
    with pytest.raises(TypeError, match="lengths must be a 1-D sequence of integers"):
        pack_padded_sequence(np.zeros((4, 2, 1)), [2.5, 1.0])
    with pytest.raises(ValueError, match="cannot pack an empty or 1-D input"):
        pack_padded_sequence(np.zeros((0, 2, 1)), [1, 1])
    with pytest.raises(ValueError, match="cannot pack an empty or 1-D input"):
        pack_padded_sequence(np.zeros(4), [4])


def test_pad_sequence_errors():
    with pytest.raises(ValueError, match="padding_side to be one of left or right, but got 'up'"):
        pad_sequence([np.zeros(2)], padding_side="up")
    with pytest.raises(ValueError, match="empty list of sequences"):
        pad_sequence([])
    with pytest.raises(ValueError, match=r"same \*, got \[\(2, 3\), \(1, 2\)\]"):
        pad_sequence([np.zeros((2, 3)), np.zeros((1, 2))])


def test_pad_packed_sequence_errors():
    packed = pack_sequence([np.zeros((3, 1)), np.zeros((1, 1))])
    with pytest.raises(ValueError, match="total_length=2 and max sequence length being 3"):
        pad_packed_sequence(packed, total_length=2)
    with pytest.raises(TypeError, match="expected a PackedSequence, got ndarray"):
        pad_packed_sequence(np.zeros((3, 1)))
    with pytest.raises(TypeError, match="batch_sizes is required"):
        PackedSequence(np.zeros((3, 1)))


def test_unpad_sequence_errors():
    with pytest.raises(ValueError, match="a length of 4 is longer than the batch's 3 time"):
        unpad_sequence(np.zeros((3, 2, 1)), [4, 1])
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        unpad_sequence(np.zeros(3), [3])
    with pytest.raises(ValueError, match=r"lengths must be at least 0, got \[2, -1\]"):
        unpad_sequence(np.zeros((3, 2, 1)), [2, -1])


def test_recurrent_layer_refuses_packed_data_of_the_wrong_width():
    packed = pack_sequence([np.zeros((2, 5)), np.zeros((1, 5))])
    with pytest.raises(ValueError, match=r"LSTM: expected a PackedSequence whose data is "
                                         r"\(sum of lengths, 3\), got \(3, 5\)"):
        nn.LSTM(3, 2)(packed)
    with pytest.raises(ValueError, match="GRU"):
        nn.GRU(5, 2)(packed, np.zeros((1, 3, 2)))


def test_pytorch_s_packed_sequence_methods_pickling_and_flat_weights():
    """packed.to(...), .double(), .is_cuda, invert_permutation and all_weights were
    AttributeErrors; pickling a PackedSequence failed on its data's graph."""
    import pickle
    torch = pytest.importorskip("torch")
    packed = pack_sequence([np.ones((3, 2)), np.ones((1, 2))], enforce_sorted=False)
    assert packed.to(np.float32).data.dtype == np.float32
    assert packed.double().data.dtype == np.float64 and not packed.is_cuda
    assert not packed.is_pinned()
    again = pickle.loads(pickle.dumps(packed))
    np.testing.assert_array_equal(again.data.data, packed.data.data)
    np.testing.assert_array_equal(again.batch_sizes, packed.batch_sizes)
    assert invert_permutation(np.array([2, 0, 1])).tolist() == [1, 2, 0]
    assert invert_permutation(None) is None
    ours = nn.LSTM(3, 4, proj_size=2, num_layers=2, bidirectional=True)
    theirs = torch.nn.LSTM(3, 4, proj_size=2, num_layers=2, bidirectional=True)
    assert ours._flat_weights_names == theirs._flat_weights_names
    assert [[tuple(w.shape) for w in row] for row in ours.all_weights] == \
        [[tuple(w.shape) for w in row] for row in theirs.all_weights]
