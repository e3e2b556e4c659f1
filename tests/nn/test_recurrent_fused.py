"""The fused recurrent Functions: each step Function (LSTM, GRU, Elman tanh/relu) and the
whole-sequence Recurrence against numerical differentiation (first, second and third order,
float64 and float32); the fused first-order backward against the differentiable replay;
one graph node per layer and direction whatever the sequence length."""
import functools
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
import nn
from autograd import Variable, gradcheck, gradgradcheck
from autograd.testing import assert_gradients_match, float_dtypes
from nn.functional.activation import sigmoid_array
from nn.functional.recurrence import STEPS, Recurrence, recurrent_step
from nn.functional.recurrent_step import RecurrentStep

MODES = sorted(STEPS)


@pytest.fixture(params=["compiled", "arrays"])
def lstm_path(request, monkeypatch):
    """Runs a test on the LSTM layer's C kernels (autograd/cpu_kernels.py), which must build
    wherever a C compiler is found, and on its array code (the kernels switched off)."""
    from autograd import cpu_kernels
    if request.param == "arrays":
        monkeypatch.setattr(cpu_kernels, "library", lambda char: None)
    elif not cpu_kernels.wanted():
        pytest.skip("no C compiler here, or RUNGRAD_CPU_KERNELS=0: the LSTM runs on arrays")
    else:
        assert cpu_kernels.library("f") is not None and cpu_kernels.library("d") is not None
    return request.param


def step_inputs(mode, batch, hidden, dtype, rng):
    """gx, gh (N, G*H) and the state arrays (N, H) the step reads directly."""
    step = STEPS[mode]
    gates = [(batch, step.num_gates * hidden)] * 2
    shapes = gates + [(batch, hidden)] * len(step.direct_state_indices)
    return [rng.standard_normal(shape).astype(dtype) for shape in shapes]


def run_step(mode):
    return lambda gx, gh, *state: STEPS[mode]()(gx, gh, *state)


def sequence_inputs(mode, length, batch, hidden, bias, dtype, rng):
    """gates_x (L, N, G*H), weight_hh (G*H, H), the initial state and, for GRU, bias_hh."""
    step = STEPS[mode]
    rows = step.num_gates * hidden
    inputs = [rng.standard_normal((length, batch, rows)),
              rng.uniform(-0.8, 0.8, (rows, hidden))]
    inputs += [rng.standard_normal((batch, hidden)) for _ in range(step.num_states)]
    if bias and step.separate_recurrent_bias:
        inputs.append(rng.uniform(-0.8, 0.8, rows))
    return [x.astype(dtype) for x in inputs]


def run_sequence(mode, reverse):
    return lambda *inputs: Recurrence(STEPS[mode], reverse)(*inputs)


@pytest.mark.parametrize("mode", MODES)
@given(batch=st.integers(1, 3), hidden=st.integers(1, 3), dtype=float_dtypes(),
       seed=st.integers(0, 2 ** 16))
def test_step_functions_first_and_second_order(mode, batch, hidden, dtype, seed):
    inputs = step_inputs(mode, batch, hidden, dtype, np.random.default_rng(seed))
    assert_gradients_match(run_step(mode), *inputs, order=2)


@pytest.mark.parametrize("mode", ["LSTM", "GRU", "RNN_TANH"])
def test_third_order_through_the_step_grad_functions(mode):
    inputs = step_inputs(mode, 2, 2, np.float64, np.random.default_rng(3))

    def first_order(*xs):
        outputs = run_step(mode)(*xs)
        outputs = outputs if isinstance(outputs, tuple) else (outputs,)
        loss = sum((y * y * y).sum() for y in outputs)
        grads = ag.grad(loss, list(xs), create_graph=True, allow_unused=True)
        return [g for g in grads if g is not None]

    assert gradgradcheck(first_order, *inputs, mode="fast")


@pytest.mark.parametrize("mode", MODES)
@given(reverse=st.booleans(), bias=st.booleans(), dtype=float_dtypes(),
       sizes=st.tuples(st.integers(1, 3), st.integers(1, 2), st.integers(1, 2)),
       seed=st.integers(0, 2 ** 16))
def test_recurrence_first_and_second_order(mode, reverse, bias, dtype, sizes, seed):
    length, batch, hidden = sizes
    inputs = sequence_inputs(mode, length, batch, hidden, bias, dtype,
                             np.random.default_rng(seed))
    assert_gradients_match(run_sequence(mode, reverse), *inputs, order=2, mode="fast")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("reverse", [False, True])
def test_fused_backward_equals_the_differentiable_replay(mode, reverse):
    """The array BPTT (create_graph=False) and the replayed one (create_graph=True) agree."""
    rng = np.random.default_rng(1)
    arrays = sequence_inputs(mode, 4, 3, 5, True, np.float64, rng)
    xs = [Variable(a) for a in arrays]
    outputs = run_sequence(mode, reverse)(*xs)
    upstream = [rng.standard_normal(y.shape) for y in outputs]
    loss = sum((y * u).sum() for y, u in zip(outputs, upstream))
    fused = ag.grad(loss, xs)
    replayed = ag.grad(loss, xs, create_graph=True)
    for a, b in zip(fused, replayed):
        assert a.creator is None  # first order built no graph
        np.testing.assert_allclose(a.data, b.data, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_sequence_equals_the_step_by_step_loop(mode):
    """Recurrence's outputs and gradients equal a loop of step Functions (float32)."""
    rng = np.random.default_rng(2)
    arrays = sequence_inputs(mode, 5, 2, 3, True, np.float32, rng)
    xs = [Variable(a) for a in arrays]
    gates_x, weight, *rest = xs
    state, bias = rest[:STEPS[mode].num_states], (rest[-1] if mode == "GRU" else None)
    hidden = []
    for t in range(len(arrays[0])):
        state = recurrent_step(mode, gates_x[t], state, weight, bias)
        hidden.append(state[0])
    looped = [ag.stack(hidden), *state]
    fused = run_sequence(mode, False)(*xs)
    upstream = [rng.standard_normal(y.shape).astype(np.float32) for y in fused]
    for a, b in zip(fused, looped):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a.data, b.data, rtol=1e-5, atol=1e-6)
    grads = [ag.grad(sum((y * u).sum() for y, u in zip(ys, upstream)), xs)
             for ys in (fused, looped)]
    for a, b in zip(*grads):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a.data, b.data, rtol=1e-4, atol=1e-5)


def count_functions(y):
    """The number of Functions in the graph behind y."""
    seen, stack = set(), [y.creator]
    while stack:
        f = stack.pop()
        if f is None or id(f) in seen:
            continue
        seen.add(id(f))
        stack.extend(x.creator for x in f.inputs)
    return len(seen)


@pytest.mark.parametrize("layer", ["LSTM", "GRU", "RNN"])
def test_graph_size_does_not_grow_with_the_sequence(layer):
    model = getattr(nn, layer)(3, 4, num_layers=2, bidirectional=True)
    sizes = [count_functions(model(np.ones((length, 2, 3), np.float32))[0])
             for length in (1, 20)]
    assert sizes[0] == sizes[1]


def test_recurrence_errors_name_the_function_and_shapes():
    from nn.functional.recurrence import recurrence, recurrent_step
    x, w_ih = Variable(np.zeros((5, 2, 3))), Variable(np.zeros((8, 3)))
    state = (Variable(np.zeros((2, 2))), Variable(np.zeros((2, 2))))
    with pytest.raises(ValueError, match=r"recurrence: mode must be one of \['GRU', 'LSTM'"):
        recurrence("SRU", x, w_ih, Variable(np.zeros((8, 2))), None, None, state)
    with pytest.raises(ValueError, match=r"recurrence: LSTM needs weight_hh of shape "
                                         r"\(4 \* H, H\), got \(6, 2\)"):
        recurrence("LSTM", x, w_ih, Variable(np.zeros((6, 2))), None, None, state)
    with pytest.raises(ValueError, match=r"recurrence: LSTM needs 2 state array\(s\) of shape "
                                         r"\(2, 2\), got \[\(2, 2\), \(1, 2\)\]"):
        recurrence("LSTM", x, w_ih, Variable(np.zeros((8, 2))), None, None,
                   (state[0], Variable(np.zeros((1, 2)))))
    with pytest.raises(ValueError, match=r"recurrent_step: GRU needs 1 state array\(s\) of "
                                         r"shape \(4, 2\), got \[\(2, 2\)\]"):
        recurrent_step("GRU", Variable(np.zeros((4, 6))), state[:1], Variable(np.zeros((6, 2))))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("absent", ["bias_ih", "bias_hh"])
def test_recurrence_with_one_bias_absent(mode, absent):
    """Either bias may be None (Keras' LSTM and SimpleRNN have one): the same as a zero one,
    and the given one's gradient checked numerically; bidirectional_recurrence alike."""
    from nn.functional.recurrence import bidirectional_recurrence, recurrence
    step, rng = STEPS[mode], np.random.default_rng(4)
    hidden, rows = 2, STEPS[mode].num_gates * 2
    x = rng.standard_normal((3, 2, 3))
    weights = [rng.uniform(-0.8, 0.8, (rows, 3)), rng.uniform(-0.8, 0.8, (rows, hidden))]
    bias = rng.uniform(-0.8, 0.8, rows)
    state = [rng.standard_normal((2, hidden)) for _ in range(step.num_states)]

    def run(x, w_ih, w_hh, b, *state, zero=False):
        other = Variable(np.zeros(rows)) if zero else None
        biases = (other, b) if absent == "bias_ih" else (b, other)
        outputs, final = recurrence(mode, x, w_ih, w_hh, *biases, tuple(state))
        return [outputs, *final]

    inputs = [Variable(a) for a in [x, *weights, bias, *state]]
    for a, b in zip(run(*inputs), run(*inputs, zero=True)):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-13, atol=1e-13)
    assert gradcheck(run, x, *weights, bias, *state, mode="full")

    def both(x, w_ih, w_hh, b, *state):
        pair = [b, b * 0.5]
        biases = ([None, None], pair) if absent == "bias_ih" else (pair, [None, None])
        outputs, final = bidirectional_recurrence(mode, x, [w_ih, w_ih * 0.5],
                                                  [w_hh, w_hh * 0.5], *biases,
                                                  tuple(ag.stack([s, s]) for s in state))
        return [outputs, *final]

    assert gradcheck(both, x, *weights, bias, *state, mode="fast")


@pytest.mark.parametrize("mode", MODES)
def test_every_step_declares_the_recurrent_step_protocol(mode):
    step = STEPS[mode]
    assert issubclass(step, RecurrentStep)
    assert step.num_gates >= 1 and step.num_states in (1, 2)
    assert all(0 <= i < step.num_states for i in step.direct_state_indices)
    assert step.step_on_arrays is not RecurrentStep.step_on_arrays
    assert step.grad_on_arrays is not RecurrentStep.grad_on_arrays


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_gates_match_sigmoid_and_tanh(dtype):
    rng = np.random.default_rng(0)
    hidden = 3
    gx, gh = (rng.normal(scale=8, size=(6, 4 * hidden)).astype(dtype) for _ in range(2))
    c = rng.normal(size=(6, hidden)).astype(dtype)
    gx[0, :] = 1000  # e^(-a) underflows to 0 and e^a overflows to inf: exact limits
    gx[1, :] = -1000
    gh[2:4] = 0
    gx[2, :] = -40  # a sigmoid gate of e^-40: a small number, not 0
    gx[3, :] = 1e-30  # tanh of a tiny number: itself
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the overflow is expected, never reported
        _, (act, _, _) = STEPS["LSTM"].step_on_arrays(gx, gh, (c,))
    # the cache holds the gates gate-major, in the order i, f, o, g
    act = np.moveaxis(act[[0, 1, 3, 2]], 0, -2).reshape(gx.shape)
    a = gx + gh
    sigmoid_gates = np.r_[0:2 * hidden, 3 * hidden:4 * hidden]
    tanh_gate = np.s_[:, 2 * hidden:3 * hidden]
    # the one sigmoid (relatively exact) and NumPy's tanh, bit for bit
    np.testing.assert_array_equal(act[:, sigmoid_gates], sigmoid_array(a)[:, sigmoid_gates])
    np.testing.assert_array_equal(act[tanh_gate], np.tanh(a[tanh_gate]))
    assert (act[0] == 1).all() and (act[1, sigmoid_gates] == 0).all()
    assert (act[1, 2 * hidden:3 * hidden] == -1).all()
    np.testing.assert_allclose(act[2, sigmoid_gates], np.exp(-40.0), rtol=1e-5)
    np.testing.assert_allclose(act[3, 2 * hidden:3 * hidden], a[3, 2 * hidden:3 * hidden],
                               rtol=1e-5)
    assert (act[2:] != 0).all()
    gx, gh = gx[:, :3 * hidden], gh[:, :3 * hidden]
    _, (rz, _, _, _) = STEPS["GRU"].step_on_arrays(gx, gh, (c,))
    np.testing.assert_array_equal(rz, sigmoid_array(gx[:, :2 * hidden] + gh[:, :2 * hidden]))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("batch, hidden", [(1, 1), (2, 1), (1, 2)])
def test_both_directions_at_once_equal_two_recurrences_at_tiny_sizes(batch, hidden, dtype,
                                                                   lstm_path):
    """LSTMLayer's stacked directions against a Recurrence of step Functions each. Batch 1
    and hidden size 1 make one-column views of 16- and 64-byte rows, where NumPy 2.4's
    np.negative(..., out=) writes wrong values (the gates are negated by a product)."""
    from nn.functional.lstm_layer import LSTMLayer
    from nn.functional.lstm_step import LSTMStep
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, batch, 2)).astype(dtype)
    params = [(0.5 * rng.standard_normal(shape)).astype(dtype)
              for _ in range(2) for shape in ((4 * hidden, 2), (4 * hidden, hidden),
                                              (4 * hidden,))]
    h0, c0 = (rng.standard_normal((2, batch, hidden)).astype(dtype) for _ in range(2))
    both = LSTMLayer((False, True), biases=1)(x, h0, c0, *params)
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    for d in range(2):
        w_ih, w_hh, bias = params[3 * d:3 * d + 3]
        gates = x @ w_ih.T + bias
        one = Recurrence(LSTMStep, reverse=d == 1)(gates, w_hh, h0[d], c0[d])
        np.testing.assert_allclose(both[0].data[..., d * hidden:(d + 1) * hidden], one[0].data,
                                   rtol=tolerance)
        for k in (1, 2):
            np.testing.assert_allclose(both[k].data[d], one[k].data, rtol=tolerance)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_saturated_gates_match_the_step_functions_without_warnings(dtype, lstm_path):
    """LSTMLayer holds the sigmoid gates as 1 + e^-a and divides by them: where e^-a
    overflows (a far below 0) the gate is exactly 0, as the step Functions' sigmoid gives,
    in outputs and gradients alike, with no NaN and no overflow warning."""
    import warnings

    from nn.functional.lstm_layer import LSTMLayer
    from nn.functional.lstm_step import LSTMStep
    rng = np.random.default_rng(5)
    hidden, scale = 3, 400.0  # pre-activations of hundreds: e^-a overflows both dtypes
    x = rng.standard_normal((4, 2, 2)).astype(dtype)
    w_ih = (scale * rng.standard_normal((4 * hidden, 2))).astype(dtype)
    w_hh = (0.5 * rng.standard_normal((4 * hidden, hidden))).astype(dtype)
    bias = (scale * rng.standard_normal(4 * hidden)).astype(dtype)
    h0, c0 = (rng.standard_normal((2, hidden)).astype(dtype) for _ in range(2))
    inputs = [Variable(a) for a in (x, h0, c0, w_ih, w_hh, bias)]
    upstream = [rng.standard_normal(s).astype(dtype) for s in ((4, 2, hidden), (2, hidden),
                                                               (2, hidden))]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fused = LSTMLayer((False,), biases=1)(*inputs)
        grads = ag.grad(sum((y * u).sum() for y, u in zip(fused, upstream)), inputs)
    gates = ag.Variable(x @ w_ih.T + bias)
    stepwise = Recurrence(LSTMStep)(gates, inputs[4], inputs[1], inputs[2])
    reference = ag.grad(sum((y * u).sum() for y, u in zip(stepwise, upstream)),
                        [gates, inputs[4], inputs[1], inputs[2]])
    rtol = 1e-5 if dtype == np.float32 else 1e-12

    def assert_close(got, expected):  # (to rtol of the largest entry: a saturated gate's
        # derivative is 0 in the step Functions and may be 1e-40 from the compiled kernel's
        # vector exp, whose last bits differ between CPUs)
        np.testing.assert_allclose(got, expected, rtol=rtol,
                                   atol=max(rtol * np.abs(expected).max(initial=0), 1e-300))
    for a, b in zip(fused, stepwise):
        assert_close(a.data, b.data)
    for a, b in zip(grads[1:3] + grads[4:5], reference[2:] + reference[1:2]):
        assert np.isfinite(a.data).all()
        assert_close(a.data, b.data)
    # the bias's gradient is the gates' gradient summed over steps and rows
    assert_close(grads[5].data, reference[0].data.sum(axis=(0, 1)))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("reverse", [False, True])
def test_stepwise_recurrence_with_masks_of_ones_is_the_fused_recurrence(mode, reverse):
    """stepwise_recurrence (Keras' recurrent dropout, step by step) with every mask 1 is
    the fused recurrence, outputs in the order the steps ran; a mask of 0 on one gate's
    state removes the recurrent weights' influence on that gate (their gradient is 0)."""
    from nn.functional.recurrence import recurrence
    from nn.functional.stepwise_recurrence import stepwise_recurrence
    rng = np.random.default_rng(6)
    gates, hidden = STEPS[mode].num_gates, 3
    x = Variable(rng.standard_normal((4, 2, 2)))
    w_ih, w_hh = (Variable(rng.uniform(-0.8, 0.8, (gates * hidden, k))) for k in (2, hidden))
    b_ih, b_hh = (Variable(rng.uniform(-0.5, 0.5, gates * hidden)) for _ in range(2))
    state = tuple(Variable(rng.standard_normal((2, hidden)))
                  for _ in range(STEPS[mode].num_states))
    fused, fused_final = recurrence(mode, x, w_ih, w_hh, b_ih, b_hh, state, reverse=reverse)
    ones = np.ones((gates, 2, hidden))
    stepped, final = stepwise_recurrence(mode, x, w_ih, w_hh, b_ih, b_hh, state,
                                         np.ones((gates, 2, 2)), ones, reverse=reverse)
    np.testing.assert_allclose(stepped.data, fused.data[::-1] if reverse else fused.data,
                               rtol=1e-12)
    for a, b in zip(final, fused_final):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-12)
    masks = ones.copy()
    masks[0] = 0  # the first gate never sees the state
    stepped, _ = stepwise_recurrence(mode, x, w_ih, w_hh, b_ih, b_hh, state, None, masks)
    g_w_hh, = ag.grad(stepped.sum(), [w_hh])
    assert (g_w_hh.data[:hidden] == 0).all() and (g_w_hh.data[hidden:] != 0).any() == (
        gates > 1)


@pytest.mark.parametrize("reverse", [(False,), (True,), (False, True)])
def test_lstm_layer_with_a_mask_is_the_stepwise_recurrence(reverse, lstm_path):
    """LSTMLayer's Keras masking (padding steps carry h and c) gives stepwise_recurrence's
    outputs, states and gradients, first order and through create_graph; numerically
    checked to second order on a small case."""
    from autograd.ops import concatenate, stack
    from nn.functional.lstm_layer import lstm_layer
    from nn.functional.stepwise_recurrence import stepwise_recurrence
    rng = np.random.default_rng(11)
    steps, batch, features, hidden, dirs = 5, 3, 2, 4, len(reverse)
    x = Variable(rng.standard_normal((steps, batch, features)))
    weights = [(Variable(rng.uniform(-0.7, 0.7, (4 * hidden, features))),
                Variable(rng.uniform(-0.7, 0.7, (4 * hidden, hidden))),
                Variable(rng.uniform(-0.5, 0.5, 4 * hidden))) for _ in range(dirs)]
    h0, c0 = (Variable(rng.standard_normal((dirs, batch, hidden))) for _ in range(2))
    mask = rng.random((steps, batch)) > 0.35
    mask[:, 0] = [True, False, True, True, False]  # a hole, and trailing padding
    case = {"mask": mask, "gy": Variable(rng.standard_normal((steps, batch, dirs * hidden)))}
    params = [x, h0, c0] + [p for w in weights for p in w]

    def fused(x, h0, c0, *flat):
        ws = [flat[3 * d:3 * d + 3] for d in range(dirs)]
        out, (h_n, c_n) = lstm_layer(x, [w[0] for w in ws], [w[1] for w in ws],
                                     [w[2] for w in ws], [None] * dirs, (h0, c0), reverse,
                                     mask=Variable(case["mask"]))
        return (out * case["gy"]).sum() + (h_n * c_n).sum()

    def stepped(x, h0, c0, *flat):
        outs, hs, cs = [], [], []
        for d in range(dirs):
            w_ih, w_hh, b = flat[3 * d:3 * d + 3]
            out, (h, c) = stepwise_recurrence("LSTM", x, w_ih, w_hh, b, None, (h0[d], c0[d]),
                                              reverse=reverse[d], steps_mask=case["mask"])
            outs.append(out[::-1] if reverse[d] else out)
            hs.append(h)
            cs.append(c)
        return (concatenate(outs, axis=-1) * case["gy"]).sum() + (stack(hs) * stack(cs)).sum()

    got, want = ag.grad(fused(*params), params), ag.grad(stepped(*params), params)
    replayed = ag.grad(fused(*params), params, create_graph=True)
    for a, b, c in zip(got, want, replayed):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(c.data, b.data, rtol=1e-10, atol=1e-12)
    assert (got[0].data[~mask] == 0).all()  # the padding's inputs get no gradient
    small = [Variable(p.data[:2] if i == 0 else p.data) for i, p in enumerate(params)]
    case["mask"], case["gy"] = mask[:2], case["gy"][:2]
    gradcheck(fused, *small, mode="fast")
    gradgradcheck(fused, *small, mode="fast")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("reverse", [False, True])
def test_recurrence_with_a_mask_is_the_stepwise_recurrence(mode, reverse):
    """recurrence's Keras masking (Recurrence for GRU and Elman, LSTMLayer for LSTM) gives
    stepwise_recurrence's outputs and gradients, first order and through create_graph;
    numerically checked to first order."""
    from nn.functional.recurrence import recurrence
    from nn.functional.stepwise_recurrence import stepwise_recurrence
    rng = np.random.default_rng(12)
    gates, hidden = STEPS[mode].num_gates, 3
    x = Variable(rng.standard_normal((4, 3, 2)))
    w_ih, w_hh = (Variable(rng.uniform(-0.8, 0.8, (gates * hidden, k))) for k in (2, hidden))
    b_ih, b_hh = (Variable(rng.uniform(-0.5, 0.5, gates * hidden)) for _ in range(2))
    state = [Variable(rng.standard_normal((3, hidden))) for _ in range(STEPS[mode].num_states)]
    mask = np.array([[1, 1, 0], [0, 1, 0], [1, 1, 0], [1, 0, 1]], bool)
    gy = Variable(rng.standard_normal((4, 3, hidden)))
    params = [x, w_ih, w_hh, b_ih, b_hh, *state]

    def loss(run, x, w_ih, w_hh, b_ih, b_hh, *state):
        outputs, final = run(mode, x, w_ih, w_hh, b_ih, b_hh, tuple(state), reverse=reverse,
                             steps_mask=mask)
        if run is stepwise_recurrence and reverse:
            outputs = outputs[::-1]  # (in the order the steps ran: time order here)
        return (outputs * gy).sum() + sum(f.sum() * (k + 2) for k, f in enumerate(final))

    fused = functools.partial(loss, recurrence)
    got, want = ag.grad(fused(*params), params), ag.grad(
        loss(stepwise_recurrence, *params), params)
    replayed = ag.grad(fused(*params), params, create_graph=True)
    for a, b, c in zip(got, want, replayed):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(c.data, b.data, rtol=1e-10, atol=1e-12)
    gradcheck(fused, *params, mode="fast")


@pytest.mark.parametrize("bidirectional", [False, True])
def test_lstm_backward_twice_and_from_threads_through_one_graph(bidirectional, lstm_path):
    """The whole-layer LSTM turns its kept gates in place on the first backward: a second
    backward through the same graph, and backward passes from several threads at once,
    give the first pass's gradients (and the differentiable replay's)."""
    import threading
    rng = np.random.default_rng(5)
    lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=bidirectional)
    x = Variable(rng.standard_normal((6, 2, 3)))
    y = lstm(x)[0]
    first = ag.grad(y.sum(), [x] + list(lstm.parameters()))
    again = ag.grad(y.sum(), [x] + list(lstm.parameters()))
    replayed = ag.grad(y.sum(), [x] + list(lstm.parameters()), create_graph=True)
    results = [None] * 4

    def run(k):
        results[k] = ag.grad(y.sum(), [x])[0].data

    threads = [threading.Thread(target=run, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for a, b, c in zip(first, again, replayed):
        np.testing.assert_array_equal(a.data, b.data)
        np.testing.assert_allclose(c.data, a.data, rtol=1e-5, atol=1e-6)
    for got in results:
        np.testing.assert_array_equal(got, first[0].data)


def test_lstm_backward_that_raises_leaves_the_kept_arrays_for_the_next_one(monkeypatch):
    """A first backward that raises while it turns the kept gates into the gradient's
    factors (an underflow under np.errstate: a closed input gate times a saturated g's
    slope, i (1 - g^2), in float32) leaves what the forward kept as it was: the next
    backward through the graph gives a fresh graph's gradients. One step, where the
    gate-major copy of the kept cells is no copy unless made one. (The array code's: the
    C kernels make the factors in the forward, and C raises no floating-point errors.)"""
    from autograd import cpu_kernels
    monkeypatch.setattr(cpu_kernels, "library", lambda char: None)
    from nn.functional.lstm_layer import lstm_layer

    def loss_and_inputs():
        x = Variable(np.zeros((1, 1, 1), np.float32))
        w_ih, w_hh = (Variable(np.full((4, 1), 0.1, np.float32)) for _ in range(2))
        bias = Variable(np.array([-75.0, 0.5, 9.0, 0.3], np.float32))  # i closed, g saturated
        h0, c0 = Variable(np.full((1, 1), 0.2, np.float32)), Variable(np.full((1, 1), 0.7,
                                                                             np.float32))
        out, (_, c_n) = lstm_layer(x, [w_ih], [w_hh], [bias], [None], (h0, c0), (False,))
        return out.sum() + (c_n * 3).sum(), [x, w_ih, w_hh, bias, h0, c0]

    loss, inputs = loss_and_inputs()
    with np.errstate(under="raise"), pytest.raises(FloatingPointError):
        ag.grad(loss, inputs)
    got, want = ag.grad(loss, inputs), ag.grad(*loss_and_inputs())
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a.data, b.data)


@pytest.mark.parametrize("reverse", [False, True])
def test_lstm_layer_backward_from_a_sum_s_broadcast_gradient(reverse, lstm_path):
    """A sum's gradient reaches the layer as a zero-strided view (made dense before the steps
    add it): every gradient equals the one from the same ones given as a dense array."""
    from nn.functional.lstm_layer import lstm_layer
    rng = np.random.default_rng(11)
    x, w_ih, w_hh, b_ih, b_hh, h0, c0 = (
        Variable(rng.standard_normal(shape).astype(np.float32))
        for shape in ((5, 3, 4), (8, 4), (8, 2), (8,), (8,), (3, 2), (3, 2)))
    out, _ = lstm_layer(x, [w_ih], [w_hh], [b_ih], [b_hh], (h0, c0), (reverse,))
    inputs = [x, w_ih, w_hh, b_ih, b_hh, h0, c0]
    from_sum = ag.grad(out.sum(), inputs, retain_graph=True)
    from_ones = ag.grad(out, inputs, grad_outputs=np.ones(out.shape, np.float32))
    for a, b in zip(from_sum, from_ones):
        np.testing.assert_array_equal(a.data, b.data)


@pytest.mark.parametrize("reverse", [(False,), (True,)])
def test_a_nan_at_a_padding_step_gives_no_gradient_but_w_ih_s(reverse, lstm_path):
    """A NaN in an input the mask pads over reaches no output and no gradient through the
    steps (the padding's coefficients are set to 0, not multiplied by it); only W_ih's
    gradient, whose product reads every input row, takes it (as a padded row's 0 times it)."""
    from nn.functional.lstm_layer import lstm_layer
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 2, 2))
    x[1, 0, 0] = np.nan
    mask = Variable(np.array([[1, 1], [0, 1], [1, 1]], bool))
    params = [Variable(a) for a in (x, rng.standard_normal((12, 2)),
                                    rng.standard_normal((12, 3)),
                                    rng.standard_normal((1, 2, 3)), rng.standard_normal((1, 2, 3)))]
    x_v, w_ih, w_hh, h0, c0 = params
    y, (h_n, c_n) = lstm_layer(x_v, [w_ih], [w_hh], [None], [None], (h0, c0), reverse,
                               mask=mask)
    grads = ag.grad(y.sum() + c_n.sum() + h_n.sum(), params)
    assert np.isfinite(y.data).all() and np.isfinite(c_n.data).all()
    for name, g in zip(("x", "w_ih", "w_hh", "h0", "c0"), grads):
        assert np.isfinite(g.data).all() == (name != "w_ih"), name


@pytest.mark.parametrize("frozen", ["forward", "reverse"])
def test_a_frozen_direction_backprops_with_create_graph(lstm_path, frozen):
    """With one direction's weights frozen and x, h0, c0 constants, that direction's replay
    recorded no step, and create_graph=True raised in LSTMStepGrad."""
    np.random.seed(0)
    layer = nn.LSTM(2, 3, bidirectional=True).double()
    for name, p in layer.named_parameters():
        p.requires_grad = name.endswith("_reverse") != (frozen == "reverse")
    trained = [p for p in layer.parameters() if p.requires_grad]
    x = np.random.default_rng(0).normal(size=(4, 2, 2))

    def loss():
        out, (h, c) = layer(x)
        return (out * out).sum() + h.sum() + c.sum()
    plain = ag.grad(loss(), trained)
    graph = ag.grad(loss(), trained, create_graph=True)
    for a, b in zip(graph, plain):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-10)
    second = ag.grad(sum((g * g).sum() for g in graph), trained)
    assert all(np.isfinite(g.data).all() for g in second)
