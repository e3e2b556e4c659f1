"""LSTM(proj_size=P): PyTorch's projected hidden states (h = (o * tanh(c)) W_hr^T), against
torch: parameters' names, shapes and order, reprs, outputs, final states and every gradient,
over layers, directions, batch_first, bias and dtypes; packed sequences; numerical second
order; the argument checks."""
import numpy as np
import pytest

import nn
from autograd import Variable, gradcheck, gradgradcheck
from nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from ._helpers import assert_close

torch = pytest.importorskip("torch")


def twins(**kwargs):
    """An LSTM and torch's, holding the same parameters."""
    ours = nn.LSTM(5, 7, proj_size=3, **kwargs)
    torch_kwargs = dict(kwargs)
    if "dtype" in kwargs:
        torch_kwargs["dtype"] = getattr(torch, np.dtype(kwargs["dtype"]).name)
    theirs = torch.nn.LSTM(5, 7, proj_size=3, **torch_kwargs)
    theirs.load_state_dict({k: torch.tensor(np.asarray(v)) for k, v in ours.state_dict().items()})
    return ours, theirs


@pytest.mark.parametrize("kwargs", [
    dict(dtype=np.float64), dict(num_layers=2, bidirectional=True, dtype=np.float64),
    dict(num_layers=2, batch_first=True, bias=False), dict(bidirectional=True, batch_first=True),
])
@pytest.mark.parametrize("given_state", [False, True])
def test_matches_torch(kwargs, given_state):
    ours, theirs = twins(**kwargs)
    assert repr(ours) == repr(theirs)
    assert [(k, v.shape) for k, v in ours.state_dict().items()] == [
        (k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    rng = np.random.default_rng(0)
    dtype = kwargs.get("dtype", np.float32)
    rows = (2 if kwargs.get("bidirectional") else 1) * kwargs.get("num_layers", 1)
    x = rng.standard_normal((4, 6, 5) if kwargs.get("batch_first") else (6, 4, 5)).astype(dtype)
    state = (rng.standard_normal((rows, 4, 3)).astype(dtype),
             rng.standard_normal((rows, 4, 7)).astype(dtype)) if given_state else None
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    y, (h, c) = ours(xv, state)
    yt, (ht, ct) = theirs(xt, None if state is None else tuple(map(torch.tensor, state)))
    tol = 1e-5 if dtype == np.float32 else 1e-12
    for a, b in ((y, yt), (h, ht), (c, ct)):
        assert_close(a, b, tol=tol)
    assert h.shape == (rows, 4, 3) and c.shape == (rows, 4, 7)
    gy = rng.standard_normal(y.shape).astype(dtype)
    ((y * gy).sum() + (h * h).sum() + c.sum()).backward()
    ((yt * torch.tensor(gy)).sum() + (ht * ht).sum() + ct.sum()).backward()
    assert_close(xv.grad, xt.grad, tol=tol)
    for p, pt in zip(ours.parameters(), theirs.parameters()):
        assert_close(p.grad, pt.grad, tol=tol)


def test_packed_sequences_match_torch():
    ours, theirs = twins(bidirectional=True)
    x = np.random.default_rng(1).standard_normal((6, 4, 5)).astype(np.float32)
    lengths = [6, 3, 5, 1]
    y, (h, c) = ours(pack_padded_sequence(x, lengths, enforce_sorted=False))
    yt, (ht, ct) = theirs(torch.nn.utils.rnn.pack_padded_sequence(
        torch.tensor(x), lengths, enforce_sorted=False))
    assert_close(pad_packed_sequence(y)[0], torch.nn.utils.rnn.pad_packed_sequence(yt)[0])
    assert_close(h, ht)
    assert_close(c, ct)


def test_first_and_second_order_match_numerical():
    model = nn.LSTM(2, 3, proj_size=2, bidirectional=True, dtype=np.float64)
    x = np.random.default_rng(2).standard_normal((3, 2, 2))

    def run(xv):
        y, (h, c) = model(xv)
        return (y * y).sum() + (c * h.sum()).sum()
    gradcheck(run, x)
    gradgradcheck(run, x)


def test_unbatched_input_and_config():
    model = nn.LSTM(5, 7, proj_size=3, num_layers=2)
    y, (h, c) = model(np.zeros((6, 5), np.float32))
    assert (y.shape, h.shape, c.shape) == ((6, 3), (2, 3), (2, 7))
    assert model.weight_ih_l1.shape == (28, 3) and model.weight_hr_l1.shape == (3, 7)
    assert repr(nn.LSTM(**model.get_config())) == repr(model) == (
        "LSTM(5, 7, proj_size=3, num_layers=2)")


@pytest.mark.parametrize("proj_size, message", [
    (7, r"LSTM: proj_size \(7\) must be smaller than hidden_size \(7\)"),
    (-1, r"LSTM: proj_size must be 0 \(no projection\) or a positive int, got -1"),
    (2.5, r"LSTM: proj_size must be 0 \(no projection\) or a positive int, got 2.5"),
])
def test_bad_proj_size_is_refused_by_name(proj_size, message):
    with pytest.raises(ValueError, match=message):
        nn.LSTM(5, 7, proj_size=proj_size)


def test_a_state_of_the_unprojected_size_is_refused_by_name():
    with pytest.raises(ValueError, match=r"LSTM: expected h_0 of shape \(1, 4, 3\), got "
                                         r"\(1, 4, 7\)"):
        nn.LSTM(5, 7, proj_size=3)(np.zeros((6, 4, 5)), (np.zeros((1, 4, 7)), np.zeros((1, 4, 7))))
