"""RNN, LSTM, GRU and their cells: PyTorch parity for every num_layers x bidirectional x
batch_first (outputs, final states, input and parameter gradients), backprop against
numerical differentiation w.r.t. inputs, states and parameters, dropout, errors."""
import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
import nn
from autograd import Variable, gradcheck, gradgradcheck

from ._helpers import assert_close, assert_parameter_grads_match, copy_weights

SEQUENCE_LAYERS = {  # name: (layer, extra constructor arguments)
    "rnn_tanh": ("RNN", {}),
    "rnn_relu": ("RNN", {"nonlinearity": "relu"}),
    "lstm": ("LSTM", {}),
    "gru": ("GRU", {}),
}
CELLS = {
    "rnn_tanh": ("RNNCell", {}),
    "rnn_relu": ("RNNCell", {"nonlinearity": "relu"}),
    "lstm": ("LSTMCell", {}),
    "gru": ("GRUCell", {}),
}


def flat_outputs(result):
    """(output, h_n), (output, (h_n, c_n)), h or (h, c) as a flat list of Variables."""
    if not isinstance(result, (tuple, list)):
        return [result]
    return [v for item in result for v in flat_outputs(item)]


def as_function(module):
    """The module as f(x, *states, *parameters) so gradcheck perturbs weights and states too."""
    names = [name for name, _ in module.named_parameters()]
    is_lstm = isinstance(module, (nn.LSTM, nn.LSTMCell))

    def f(x, *rest):
        states, params = rest[:len(rest) - len(names)], rest[len(rest) - len(names):]
        saved = [getattr(module, name) for name in names]
        for name, value in zip(names, params):
            object.__setattr__(module, name, value)  # bypass registration: a plain Variable
        try:
            hx = (tuple(states) if is_lstm else states[0]) if states else None
            return flat_outputs(module(x, hx))
        finally:
            for name, value in zip(names, saved):
                object.__setattr__(module, name, value)
    return f


def float64_parameters(module, rng):
    return [rng.uniform(-0.8, 0.8, p.shape) for p in module.parameters()]


def states_for(kind, shape, rng):
    count = 2 if kind == "lstm" else 1
    return [rng.standard_normal(shape) for _ in range(count)]


@given(kind=st.sampled_from(sorted(SEQUENCE_LAYERS)), num_layers=st.integers(1, 2),
       bidirectional=st.booleans(), batch_first=st.booleans(), bias=st.booleans(),
       with_state=st.booleans(), seed=st.integers(0, 2 ** 16),
       sizes=st.tuples(st.integers(1, 3), st.integers(1, 2), st.integers(1, 3),
                       st.integers(1, 3)))
def test_sequence_layer_gradients_match_numerical(kind, num_layers, bidirectional, batch_first,
                                                  bias, with_state, seed, sizes):
    length, batch, input_size, hidden = sizes
    name, extra = SEQUENCE_LAYERS[kind]
    layer = getattr(nn, name)(input_size, hidden, num_layers=num_layers, bias=bias,
                              batch_first=batch_first, bidirectional=bidirectional, **extra)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, length, input_size) if batch_first
                            else (length, batch, input_size))
    state_shape = ((2 if bidirectional else 1) * num_layers, batch, hidden)
    states = states_for(kind, state_shape, rng) if with_state else []
    gradcheck(as_function(layer), x, *states, *float64_parameters(layer, rng), mode="fast")


@pytest.mark.parametrize("kind", sorted(SEQUENCE_LAYERS))
def test_sequence_layer_full_gradient_and_second_order(kind):
    name, extra = SEQUENCE_LAYERS[kind]
    layer = getattr(nn, name)(2, 2, **extra)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 1, 2))
    inputs = [x, *states_for(kind, (1, 1, 2), rng), *float64_parameters(layer, rng)]
    gradcheck(as_function(layer), *inputs, mode="full")
    gradgradcheck(as_function(layer), *inputs, mode="fast")


@pytest.mark.parametrize("kind", sorted(CELLS))
@given(batched=st.booleans(), with_state=st.booleans(), bias=st.booleans(),
       seed=st.integers(0, 2 ** 16))
def test_cell_gradients_match_numerical(kind, batched, with_state, bias, seed):
    name, extra = CELLS[kind]
    cell = getattr(nn, name)(3, 2, bias=bias, **extra)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, 3) if batched else (3,))
    states = states_for(kind, (2, 2) if batched else (2,), rng) if with_state else []
    inputs = [x, *states, *float64_parameters(cell, rng)]
    gradcheck(as_function(cell), *inputs, mode="full")
    gradgradcheck(as_function(cell), *inputs, mode="fast")


CONFIGS = list(itertools.product(sorted(SEQUENCE_LAYERS), [1, 2], [False, True], [False, True]))


@pytest.mark.parametrize("kind, num_layers, bidirectional, batch_first", CONFIGS)
def test_sequence_layer_matches_torch(kind, num_layers, bidirectional, batch_first):
    torch = pytest.importorskip("torch")
    name, extra = SEQUENCE_LAYERS[kind]
    kwargs = dict(num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first,
                  **extra)
    ours, theirs = getattr(nn, name)(3, 4, **kwargs), getattr(torch.nn, name)(3, 4, **kwargs)
    copy_weights(ours, theirs)
    rng = np.random.default_rng(num_layers + 2 * bidirectional + 4 * batch_first)
    x = rng.standard_normal((2, 5, 3) if batch_first else (5, 2, 3)).astype(np.float32)
    state_shape = ((2 if bidirectional else 1) * num_layers, 2, 4)
    states = [s.astype(np.float32) for s in states_for(kind, state_shape, rng)]
    for given_state in (False, True):
        for module in (ours, theirs):
            for param in module.parameters():
                param.grad = None
        xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
        hx, hxt = None, None
        if given_state:
            hx = tuple(states) if kind == "lstm" else states[0]
            hxt = tuple(map(torch.tensor, states)) if kind == "lstm" else torch.tensor(states[0])
        ys, yts = flat_outputs(ours(xv, hx)), flat_outputs(theirs(xt, hxt))
        for y, yt in zip(ys, yts):
            assert_close(y, yt, tol=1e-5)
        grads = [rng.standard_normal(y.shape).astype(np.float32) for y in ys]
        sum((y * g).sum() for y, g in zip(ys, grads)).backward()
        sum((yt * torch.tensor(g)).sum() for yt, g in zip(yts, grads)).backward()
        assert_close(xv.grad, xt.grad, tol=1e-5)
        assert_parameter_grads_match(ours, theirs, tol=1e-4)


@pytest.mark.parametrize("kind", sorted(SEQUENCE_LAYERS))
def test_unbatched_input_and_no_bias_match_torch(kind):
    torch = pytest.importorskip("torch")
    name, extra = SEQUENCE_LAYERS[kind]
    ours = getattr(nn, name)(3, 2, num_layers=2, bias=False, bidirectional=True, **extra)
    theirs = getattr(torch.nn, name)(3, 2, num_layers=2, bias=False, bidirectional=True, **extra)
    copy_weights(ours, theirs)
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    ys, yts = flat_outputs(ours(x)), flat_outputs(theirs(torch.tensor(x)))
    for y, yt in zip(ys, yts):
        assert_close(y, yt, tol=1e-5)


@pytest.mark.parametrize("kind, num_layers, bidirectional, batch_first", CONFIGS)
def test_a_batch_of_zero_runs_as_in_torch(kind, num_layers, bidirectional, batch_first):
    """Empty outputs and final states of PyTorch's shapes, zero parameter gradients (the
    layers refused any empty input, and a bidirectional LSTM failed in a reshape)."""
    torch = pytest.importorskip("torch")
    name, extra = SEQUENCE_LAYERS[kind]
    kwargs = dict(num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first,
                  **extra)
    ours, theirs = getattr(nn, name)(3, 4, **kwargs), getattr(torch.nn, name)(3, 4, **kwargs)
    x = np.zeros((0, 5, 3) if batch_first else (5, 0, 3), np.float32)
    ys, yts = flat_outputs(ours(x)), flat_outputs(theirs(torch.tensor(x)))
    assert [y.shape for y in ys] == [tuple(yt.shape) for yt in yts]
    sum(y.sum() for y in ys).backward()
    for param in ours.parameters():
        np.testing.assert_array_equal(param.grad.data, 0)


@pytest.mark.parametrize("batch_first, shape", [(False, (0, 2, 3)), (True, (2, 0, 3)),
                                                (False, (0, 3))])
def test_a_sequence_of_length_zero_is_refused_as_in_torch(batch_first, shape):
    with pytest.raises(ValueError, match=r"GRU: the input of shape .* is a sequence of length 0"):
        nn.GRU(3, 4, batch_first=batch_first)(np.zeros(shape))


@pytest.mark.parametrize("kind", sorted(CELLS))
@pytest.mark.parametrize("batched", [True, False])
def test_cells_match_torch(kind, batched):
    torch = pytest.importorskip("torch")
    name, extra = CELLS[kind]
    ours, theirs = getattr(nn, name)(3, 4, **extra), getattr(torch.nn, name)(3, 4, **extra)
    copy_weights(ours, theirs)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3) if batched else (3,)).astype(np.float32)
    states = [s.astype(np.float32) for s in states_for(kind, (2, 4) if batched else (4,), rng)]
    hx = tuple(states) if kind == "lstm" else states[0]
    hxt = tuple(map(torch.tensor, states)) if kind == "lstm" else torch.tensor(states[0])
    for args, targs in (((x,), (torch.tensor(x),)), ((x, hx), (torch.tensor(x), hxt))):
        ys, yts = flat_outputs(ours(*args)), flat_outputs(theirs(*targs))
        for y, yt in zip(ys, yts):
            assert_close(y, yt, tol=1e-5)


def test_parameters_follow_pytorch_names_shapes_and_init():
    np.random.seed(0)
    lstm = nn.LSTM(3, 5, num_layers=2, bidirectional=True)
    shapes = [(name, p.shape) for name, p in lstm.named_parameters()]
    assert shapes[:8] == [
        ("weight_ih_l0", (20, 3)), ("weight_hh_l0", (20, 5)), ("bias_ih_l0", (20,)),
        ("bias_hh_l0", (20,)), ("weight_ih_l0_reverse", (20, 3)),
        ("weight_hh_l0_reverse", (20, 5)), ("bias_ih_l0_reverse", (20,)),
        ("bias_hh_l0_reverse", (20,))]
    assert shapes[8] == ("weight_ih_l1", (20, 10))  # layer 1 reads both directions
    assert len(shapes) == 16
    for param in lstm.parameters():
        assert param.dtype == np.float32
        assert np.all(np.abs(param.data) <= 1 / np.sqrt(5)) and param.data.std() > 0.1
    assert [p.shape for p in nn.GRU(2, 3).parameters()] == [(9, 2), (9, 3), (9,), (9,)]
    assert list(nn.GRUCell(2, 3, bias=False).state_dict()) == ["weight_ih", "weight_hh"]


def test_dropout_between_layers_only_in_training():
    np.random.seed(0)
    lstm = nn.LSTM(2, 3, num_layers=2, dropout=0.5)
    x = np.random.default_rng(0).standard_normal((4, 2, 2)).astype(np.float32)
    lstm.eval()
    reference = lstm(x)[0].data
    np.testing.assert_array_equal(lstm(x)[0].data, reference)
    lstm.train()
    with ag.test_mode():
        np.testing.assert_array_equal(lstm(x)[0].data, reference)
    assert not np.allclose(lstm(x)[0].data, reference)
    with pytest.warns(UserWarning, match="dropout=0.5 with num_layers=1 drops nothing"):
        single = nn.GRU(2, 3, dropout=0.5)  # one layer: nothing to drop between layers
    single.eval()
    expected = single(x)[0].data
    single.train()
    np.testing.assert_array_equal(single(x)[0].data, expected)


def test_float64_input_gives_float32_outputs_and_gradients():
    gru = nn.GRU(3, 2)
    x = Variable(np.random.default_rng(0).standard_normal((4, 2, 3)))
    output, h_n = gru(x, np.zeros((1, 2, 2)))
    output.sum().backward()
    assert output.dtype == np.float32 and h_n.dtype == np.float32
    assert x.grad.dtype == np.float64 and gru.weight_ih_l0.grad.dtype == np.float32


def test_recurrent_errors():
    x = np.zeros((5, 2, 3))
    with pytest.raises(ValueError, match=r"LSTM: expected an input of shape \(L, N, 4\) or "
                                         r"\(L, 4\), got \(5, 2, 3\)"):
        nn.LSTM(4, 2)(x)
    with pytest.raises(ValueError,
                       match=r"GRU: expected h_0 of shape \(2, 2, 4\), got \(1, 2, 4\)"):
        nn.GRU(3, 4, bidirectional=True)(x, np.zeros((1, 2, 4)))
    with pytest.raises(ValueError, match=r"LSTM: expected c_0 of shape \(1, 2, 4\)"):
        nn.LSTM(3, 4)(x, (np.zeros((1, 2, 4)), np.zeros((1, 4))))
    with pytest.raises(TypeError, match=r"LSTM: hx must be a pair \(h_0, c_0\)"):
        nn.LSTM(3, 4)(x, np.zeros((1, 2, 4)))
    with pytest.raises(ValueError, match="RNN: nonlinearity must be 'tanh' or 'relu'"):
        nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match=r"GRU: dropout must be a probability in \[0, 1\]"):
        nn.GRU(3, 4, dropout=1.5)
    with pytest.raises(ValueError, match=r"RNNCell: expected an input of shape \(N, 4\) or "
                                         r"\(4,\), got \(2, 3\)"):
        nn.RNNCell(4, 2)(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"GRUCell: expected hx of shape \(2, 2\), got \(2,\)"):
        nn.GRUCell(3, 2)(np.zeros((2, 3)), np.zeros(2))


def test_hx_of_the_wrong_form_is_a_clear_error():
    x = np.ones((4, 1, 2), np.float32)
    h0 = np.ones((1, 1, 3), np.float32)
    with pytest.raises(TypeError, match="LSTM: hx must be a pair.*holding None"):
        nn.LSTM(2, 3)(x, (h0, None))  # a forgotten c_0 is not silently zeros
    cell, h = nn.LSTMCell(2, 3), np.ones((1, 3), np.float32)
    for hx in ((h, None), [None, h]):  # nor in the cell (it ran with zeros for the None)
        with pytest.raises(TypeError, match=r"LSTMCell: hx must be a pair \(h, c\).*holding "
                                            "None"):
            cell(x[0], hx)
    with pytest.raises(TypeError, match=r"LSTMCell: hx must be a pair \(h, c\).*got ndarray"):
        cell(x[0], h)
    for layer in (nn.GRU(2, 3), nn.RNN(2, 3)):
        with pytest.raises(TypeError, match="hx must be one state h_0.*only LSTM"):
            layer(x, (h0,))


def test_flatten_parameters_is_accepted_as_a_no_op():
    """PyTorch code calls it after moving an RNN (cuDNN's packing); it raised here."""
    lstm = nn.LSTM(2, 3)
    before = {k: v.copy() for k, v in lstm.state_dict().items()}
    assert lstm.flatten_parameters() is None
    for key, value in lstm.state_dict().items():
        np.testing.assert_array_equal(value, before[key])
