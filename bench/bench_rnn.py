"""LSTM and GRU forward+backward: rungrad against the same recurrence written by hand in
NumPy (the limit: no graph, no Function calls) and PyTorch, one BLAS thread, float32.

Cases: input 32, hidden 64, 20 time steps, batch 16; one layer, and two bidirectional
layers. Every parameter and the input get gradients. Each case runs in both harness styles
(the output sequence's gradient fixed, or its sum backpropagated), and the LSTM also as a
many-to-one model: the last output through Linear(64, 10), summed. Targets: <= 1.5x
hand-written NumPy, <= 1.0x PyTorch for the LSTM, <= 5 minor page faults per step. Each
contender runs ten steps back to back per round, as a training loop does (warm caches:
interleaving single calls favoured rungrad against PyTorch's fused LSTM by 10-20 %).
PyTorch's CPU LSTM is oneDNN's fused kernel (compiled gate math); the LSTM cases also time
PyTorch with oneDNN switched off ("pytorch ops"), its LSTM then made of per-step ops as
the hand-written one is, to show how much of the gap is the fused kernel. rungrad's LSTM
runs its gate math in compiled C where a C compiler is found (autograd/cpu_kernels.py;
"malloc tuning" below is followed by whether it does); "rungrad arrays" is its array code,
as it runs without one.
Run: python bench/bench_rnn.py
"""
from _common import STYLES, measure, optional, report, run_backward, start_bench, upstream

import numpy as np

import autograd as ag
import nn
from autograd import cpu_kernels

INPUT, HIDDEN, STEPS, BATCH = 32, 64, 20, 16
HEAD = 10  # outputs of the many-to-one case's Linear head


# ----- NumPy by hand: one direction of one layer, forward then backward -----

def _sigmoid_in_place(a):
    """a <- 1 / (1 + e^-a), computed as (1 + tanh(a/2)) / 2 (no overflow)."""
    a *= 0.5
    np.tanh(a, out=a)
    a += 1
    a *= 0.5
    return a


def _order(length, reverse):
    return range(length - 1, -1, -1) if reverse else range(length)


def _lstm_gate_scale(hidden, dtype):
    """sigmoid(a) = tanh(a/2)/2 + 1/2: with this per-column scale (1/2 for i, f, o; 1 for
    g) and shift, one tanh over the whole (N, 4H) block gives all four gates."""
    scale = np.full(4 * hidden, 0.5, dtype)
    scale[2 * hidden:3 * hidden] = 1
    return scale, np.where(scale == 0.5, scale, 0).astype(dtype)


def lstm_forward(x, w_ih, w_hh, b_ih, b_hh, reverse):
    """hs (L, N, H) and what backward needs; gates i, f, g, o as PyTorch."""
    length, batch, _ = x.shape
    hidden = w_hh.shape[1]
    acts = (x.reshape(length * batch, -1) @ w_ih.T + (b_ih + b_hh)).reshape(length, batch, -1)
    scale, shift = _lstm_gate_scale(hidden, x.dtype)
    w_hh_t = np.ascontiguousarray(w_hh.T)  # BLAS is 2-3x slower on the transposed view
    h = np.zeros((batch, hidden), x.dtype)
    c = np.zeros_like(h)
    hs, h_prev, c_prev, tanh_c = (np.empty((length, batch, hidden), x.dtype) for _ in range(4))
    for t in _order(length, reverse):
        a = acts[t]
        a += h @ w_hh_t
        a *= scale
        np.tanh(a, out=a)
        a *= scale
        a += shift
        h_prev[t], c_prev[t] = h, c
        c = a[:, hidden:2 * hidden] * c
        c += a[:, :hidden] * a[:, 2 * hidden:3 * hidden]
        np.tanh(c, out=tanh_c[t])
        h = np.multiply(a[:, 3 * hidden:], tanh_c[t], out=hs[t])
    return hs, (x, w_ih, w_hh, acts, h_prev, c_prev, tanh_c, reverse)


def lstm_backward(g_hs, cache):
    """(g_x, g_w_ih, g_w_hh, g_b_ih, g_b_hh) from the gradient of hs."""
    x, w_ih, w_hh, acts, h_prev, c_prev, tanh_c, reverse = cache
    hidden = w_hh.shape[1]
    slope = acts * (1 - acts)  # sigmoid' = y (1 - y) ...
    g = acts[:, :, 2 * hidden:3 * hidden]
    slope[:, :, 2 * hidden:3 * hidden] = 1 - g * g  # ... and tanh' = 1 - y^2
    d = np.empty_like(acts)
    dh = np.zeros_like(h_prev[0])
    dc = np.zeros_like(dh)
    for t in _order(len(acts), not reverse):
        i, f, g, o = (acts[t][:, k * hidden:(k + 1) * hidden] for k in range(4))
        dt = d[t]
        dh += g_hs[t]
        dc += dh * o * (1 - tanh_c[t] ** 2)
        np.multiply(dc, g, out=dt[:, :hidden])
        np.multiply(dc, c_prev[t], out=dt[:, hidden:2 * hidden])
        np.multiply(dc, i, out=dt[:, 2 * hidden:3 * hidden])
        np.multiply(dh, tanh_c[t], out=dt[:, 3 * hidden:])
        dt *= slope[t]
        dc *= f
        dh = dt @ w_hh
    return _projection_grads(d, d, x, w_ih, h_prev)


def gru_forward(x, w_ih, w_hh, b_ih, b_hh, reverse):
    """hs (L, N, H) and what backward needs; n = tanh(x_n + r (W_hn h + b_hn)) as PyTorch."""
    length, batch, _ = x.shape
    hidden = w_hh.shape[1]
    gx = (x.reshape(length * batch, -1) @ w_ih.T + b_ih).reshape(length, batch, -1)
    w_hh_t = np.ascontiguousarray(w_hh.T)
    h = np.zeros((batch, hidden), x.dtype)
    hs, h_prev, ns, gh_n = (np.empty((length, batch, hidden), x.dtype) for _ in range(4))
    rz = np.empty((length, batch, 2 * hidden), x.dtype)
    for t in _order(length, reverse):
        gh = h @ w_hh_t
        gh += b_hh
        _sigmoid_in_place(np.add(gx[t, :, :2 * hidden], gh[:, :2 * hidden], out=rz[t]))
        gh_n[t] = gh[:, 2 * hidden:]
        n = np.multiply(rz[t, :, :hidden], gh_n[t], out=ns[t])
        n += gx[t, :, 2 * hidden:]
        np.tanh(n, out=n)
        h_prev[t] = h
        h = np.multiply(rz[t, :, hidden:], h - n, out=hs[t])
        h += n
    return hs, (x, w_ih, w_hh, rz, gh_n, ns, h_prev, reverse)


def gru_backward(g_hs, cache):
    """(g_x, g_w_ih, g_w_hh, g_b_ih, g_b_hh) from the gradient of hs."""
    x, w_ih, w_hh, rz, gh_n, ns, h_prev, reverse = cache
    hidden = w_hh.shape[1]
    d_x = np.empty(rz.shape[:2] + (3 * hidden,), x.dtype)
    d_hh = np.empty_like(d_x)  # d_x but r * d_n in the n block (h_n enters as r h_n)
    rz_slope = rz * (1 - rz)
    dh = np.zeros_like(h_prev[0])
    for t in _order(len(rz), not reverse):
        r, z, n = rz[t, :, :hidden], rz[t, :, hidden:], ns[t]
        dt = d_x[t]
        dh += g_hs[t]
        dn = np.multiply(dh, 1 - z, out=dt[:, 2 * hidden:])
        dn *= 1 - n * n
        np.multiply(dn, gh_n[t], out=dt[:, :hidden])
        np.multiply(dh, h_prev[t] - n, out=dt[:, hidden:2 * hidden])
        dt[:, :2 * hidden] *= rz_slope[t]
        d_hh[t] = dt
        d_hh[t, :, 2 * hidden:] *= r
        dh *= z
        dh += d_hh[t] @ w_hh
    return _projection_grads(d_x, d_hh, x, w_ih, h_prev)


def _projection_grads(d_x, d_h, x, w_ih, h_prev):
    """Input and weight gradients as one product each over all steps."""
    rows_x, rows_h = d_x.reshape(-1, d_x.shape[-1]), d_h.reshape(-1, d_h.shape[-1])
    g_x = (rows_x @ w_ih).reshape(x.shape)
    g_w_ih = rows_x.T @ x.reshape(-1, x.shape[-1])
    g_w_hh = rows_h.T @ h_prev.reshape(-1, h_prev.shape[-1])
    return g_x, g_w_ih, g_w_hh, rows_x.sum(axis=0), rows_h.sum(axis=0)


HAND = {"LSTM": (lstm_forward, lstm_backward), "GRU": (gru_forward, gru_backward)}


def numpy_step(kind, params, x, gy, layers, directions):
    """Forward and backward through stacked (bi)directional layers; params[(layer, d)] is
    (w_ih, w_hh, b_ih, b_hh). Returns the input gradient and {(layer, d): gradients}."""
    forward, backward = HAND[kind]
    inputs, caches = [], {}
    for layer in range(layers):
        inputs.append(x)
        outs = []
        for d in range(directions):
            hs, caches[layer, d] = forward(x, *params[layer, d], reverse=d == 1)
            outs.append(hs)
        x = np.concatenate(outs, axis=2) if directions == 2 else outs[0]
    grads, g = {}, gy
    for layer in reversed(range(layers)):
        parts = np.split(g, directions, axis=2)
        g = 0
        for d in range(directions):
            g_x, *grads[layer, d] = backward(parts[d], caches[layer, d])
            g = g + g_x
    return g, grads


# ----- rungrad and PyTorch -----

def rungrad_step(model, x, gy, style, head=None):
    """One forward+backward; with a head, of head(last output) instead of the sequence."""
    xv = ag.Variable(x)

    def step():
        model.zero_grad()
        xv.grad = None
        y = model(xv)[0]
        if head is not None:
            head.zero_grad()
            y = head(y[-1])
        run_backward(y, style, gy)
        return xv.grad
    return step


def on_arrays(step):
    """`step` with the C kernels off (autograd/cpu_kernels.py): the LSTM's array code, as it
    runs where no C compiler is found."""
    def arrays_step():
        saved = cpu_kernels.library
        cpu_kernels.library = lambda char: None
        try:
            return step()
        finally:
            cpu_kernels.library = saved
    return arrays_step


def torch_twin(torch, module, make):
    """A torch module made by `make` holding a copy of `module`'s parameters."""
    twin = make()
    twin.load_state_dict({k: torch.from_numpy(np.array(v))
                          for k, v in module.state_dict().items()})
    return twin


def torch_step(torch, kind, model, x, gy, layers, bidirectional, style, head=None,
               fused=True):
    """PyTorch's step on a twin of `model`; fused=False: with oneDNN off (see the top)."""
    twin = torch_twin(torch, model, lambda: getattr(torch.nn, kind)(
        INPUT, HIDDEN, num_layers=layers, bidirectional=bidirectional))
    head_twin = None if head is None else torch_twin(
        torch, head, lambda: torch.nn.Linear(HIDDEN, HEAD))
    xt, gt = torch.tensor(x, requires_grad=True), torch.tensor(gy)

    def step():
        twin.zero_grad()
        xt.grad = None
        y = twin(xt)[0]
        if head_twin is not None:
            head_twin.zero_grad()
            y = head_twin(y[-1])
        run_backward(y, style, gt)
        return xt.grad

    def unfused_step():
        # (the flag itself: mkldnn.flags() also sets TF32 and warns about Intel GPUs)
        onednn = torch.backends.mkldnn
        onednn.enabled = False
        try:
            return step()
        finally:
            onednn.enabled = True
    return step if fused else unfused_step


def torch_steps(torch, kind, *args, **kwargs):
    """{name: step} of PyTorch for the steps dict: as it runs by default, and for the LSTM
    also with oneDNN off; empty without PyTorch."""
    if torch is None:
        return {}
    steps = {"pytorch": torch_step(torch, kind, *args, **kwargs)}
    if kind == "LSTM":
        steps["pytorch ops"] = torch_step(torch, kind, *args, **kwargs, fused=False)
    return steps


def hand_params(model, layers, directions):
    return {(layer, d): tuple(getattr(model, f"{name}_l{layer}{'_reverse' if d else ''}").data
                              for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))
            for layer in range(layers) for d in range(directions)}


def check_same(kind, model, step, params, x, gy, layers, directions):
    """rungrad's input and parameter gradients equal the hand-written ones."""
    g_x, grads = numpy_step(kind, params, x, gy, layers, directions)
    np.testing.assert_allclose(step().data, g_x, rtol=1e-4, atol=1e-4)
    names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    for (layer, d), values in grads.items():
        for name, want in zip(names, values):
            have = getattr(model, f"{name}_l{layer}{'_reverse' if d else ''}").grad.data
            np.testing.assert_allclose(have, want, rtol=1e-4, atol=1e-4)


def numpy_head_step(params, head, x, gy):
    """The many-to-one LSTM by hand: the last output through the head (w, b); the sequence
    gradient is zero but at the last step. Returns what numpy_step does, plus the head's."""
    w, b = head
    hs, cache = lstm_forward(x, *params[0, 0], reverse=False)
    y = hs[-1] @ w.T + b
    g_hs = np.zeros_like(hs)
    g_hs[-1] = gy @ w
    g_x, *grads = lstm_backward(g_hs, cache)
    return y, g_x, {(0, 0): grads}, (gy.T @ hs[-1], gy.sum(axis=0))


def case(kind, layers, bidirectional, torch, style):
    directions = 2 if bidirectional else 1
    np.random.seed(0)
    model = getattr(nn, kind)(INPUT, HIDDEN, num_layers=layers, bidirectional=bidirectional)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((STEPS, BATCH, INPUT)).astype(np.float32)
    gy = rng.standard_normal((STEPS, BATCH, directions * HIDDEN)).astype(np.float32)
    params = hand_params(model, layers, directions)
    ours = rungrad_step(model, x, gy, style)
    hand_gy = upstream(style, gy)
    check_same(kind, model, ours, params, x, hand_gy, layers, directions)
    steps = {"numpy": lambda: numpy_step(kind, params, x, hand_gy, layers, directions),
             "rungrad": ours, **({"rungrad arrays": on_arrays(ours)} if kind == "LSTM" else {}),
             **torch_steps(torch, kind, model, x, gy, layers, bidirectional, style)}
    shape = f"{layers} layer{'s' if layers > 1 else ''}{', bidirectional' if bidirectional else ''}"
    report(f"{kind}({INPUT}->{HIDDEN}), {STEPS} steps, batch {BATCH}, {shape}, "
           f"forward + {style}:", measure(steps, rounds=12, number=10))


def head_case(torch, style):
    """The LSTM as many-to-one: Linear(64, 10) on the last output, then the harness."""
    np.random.seed(0)
    model, head = nn.LSTM(INPUT, HIDDEN), nn.Linear(HIDDEN, HEAD)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((STEPS, BATCH, INPUT)).astype(np.float32)
    gy = rng.standard_normal((BATCH, HEAD)).astype(np.float32)
    params = hand_params(model, 1, 1)
    head_params = (head.weight.data, head.bias.data)
    ours = rungrad_step(model, x, gy, style, head)
    hand_gy = upstream(style, gy)
    _, g_x, grads, head_grads = numpy_head_step(params, head_params, x, hand_gy)
    np.testing.assert_allclose(ours().data, g_x, rtol=1e-4, atol=1e-4)
    for have, want in zip((head.weight.grad, head.bias.grad), head_grads):
        np.testing.assert_allclose(have.data, want, rtol=1e-4, atol=1e-4)
    steps = {"numpy": lambda: numpy_head_step(params, head_params, x, hand_gy),
             "rungrad": ours, "rungrad arrays": on_arrays(ours),
             **torch_steps(torch, "LSTM", model, x, gy, 1, False, style, head)}
    report(f"LSTM({INPUT}->{HIDDEN}), {STEPS} steps, batch {BATCH}, last output -> "
           f"Linear({HIDDEN}, {HEAD}), forward + {style}:", measure(steps, rounds=12, number=10))


def main():
    start_bench(__doc__)
    print("compiled LSTM kernels: " + ("on" if cpu_kernels.library("f") is not None else
                                       "off (no C compiler, or RUNGRAD_CPU_KERNELS=0)"))
    torch = optional("torch")
    for style in STYLES:
        head_case(torch, style)
    for kind in ("LSTM", "GRU"):
        for layers, bidirectional in ((1, False), (2, True)):
            for style in STYLES:
                case(kind, layers, bidirectional, torch, style)


if __name__ == "__main__":
    main()
