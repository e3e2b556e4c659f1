"""Training steps on the GPU: rungrad on CuPy against PyTorch CUDA and a hand-written CuPy
step, in one run, both harness styles. Needs CuPy with a GPU (and PyTorch with CUDA for its
column); prints why and exits otherwise.

Cases (float32):
  MLP 784-1000-1000-10, ReLU, cross-entropy, SGD, batch 100 (target: <= 1.2x PyTorch CUDA),
    and the same at batch 4,096, where the matrix products, not the launches, dominate;
  conv2d 32x1x28x28, 16 3x3 filters, padding 1, forward+backward;
  LSTM(32->64), 20 steps, batch 16, the output sequence's gradient fixed or summed.
Each step ends by waiting for the GPU, so wall-clock times are whole steps; ratios are of
wall-clock times measured in the same round. Run: python bench/bench_gpu.py
"""
import statistics
import sys
import time

from _common import STYLES, run_backward, start_bench

import numpy as np

import autograd
import nn
import nn.functional as F
import optim
from autograd import Variable, cuda

LR = 0.1


def measure(named_fns, sync, rounds=20, number=10, warmup=3):
    """{name: [seconds per call, one entry per round]}: the functions in turn each round,
    `number` calls then a wait for the GPU. A function that fails is reported and left out."""
    named_fns = {name: fn for name, fn in named_fns.items() if _runs(name, fn, warmup)}
    sync()
    times = {name: [] for name in named_fns}
    for _ in range(rounds):
        for name, fn in named_fns.items():
            sync()
            start = time.perf_counter()
            for _ in range(number):
                fn()
            sync()
            times[name].append((time.perf_counter() - start) / number)
    return times


def _runs(name, fn, times):
    try:
        for _ in range(times):
            fn()
    except Exception as exc:  # noqa: BLE001  (one contender's failure is a result to print)
        print(f"  {name} failed: {type(exc).__name__}: {exc}".splitlines()[0])
        return False
    return True


def report(title, times, baselines=("cupy", "pytorch")):
    present = [b for b in baselines if b in times]
    print(title)
    print(f"  {'':10s} {'median ms':>10s} {'best ms':>9s}" + "".join(
        f" {'/ ' + b:>10s}" for b in present))
    for name, per_round in times.items():
        ratios = "".join(f" {statistics.median(m / t for m, t in zip(per_round, times[b])):9.2f}x"
                         for b in present)
        print(f"  {name:10s} {statistics.median(per_round) * 1e3:10.3f} "
              f"{min(per_round) * 1e3:9.3f}{ratios}")


class MLP(nn.Module):
    def __init__(self, sizes):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))

    def forward(self, x):
        *hidden, last = self.layers
        for layer in hidden:
            x = F.relu(layer(x))
        return last(x)


def hand_mlp_step(cp, params, x, labels):
    """The step written directly in CuPy (params [(W (out, in), b)], updated in place)."""
    inputs, h = [x], x
    for i, (w, b) in enumerate(params):
        h = h @ w.T + b
        if i < len(params) - 1:
            h = cp.maximum(h, 0)
        inputs.append(h)
    p = cp.exp(h - h.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[cp.arange(len(labels)), labels] -= 1
    g = p / len(labels)
    for i in reversed(range(len(params))):
        w, b = params[i]
        gw, gb = g.T @ inputs[i], g.sum(axis=0)
        if i > 0:
            g = (g @ w) * (inputs[i] > 0)
        w -= LR * gw
        b -= LR * gb


def rungrad_mlp_step(model, x, t, style, captured=False):
    opt = optim.SGD(model.parameters(), lr=LR)
    one = cuda.to_gpu(np.ones((), np.float32))

    def step(x, t):
        opt.zero_grad()
        run_backward(F.cross_entropy(model(x), t), style, one)
        opt.step()
    step = autograd.capture(step) if captured else step
    return lambda: step(x, t)


def torch_mlp_step(torch, sizes, x, t, style):
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1]).cuda()
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    x, t = torch.as_tensor(x, device="cuda"), torch.as_tensor(t, device="cuda")
    one = torch.ones((), device="cuda")

    def step():
        opt.zero_grad()
        run_backward(torch.nn.functional.cross_entropy(model(x), t), style, one)
        opt.step()
    return step


def mlp_steps(cp, torch, sizes, x, t, style):
    """{name: step} of the MLP case, each from the same initial weights."""
    xg, tg = cp.asarray(x), cp.asarray(t)
    np.random.seed(0)
    model, twin = MLP(sizes).to_gpu(), MLP(sizes).to_gpu()
    params = [(cp.asarray(layer.weight.data), cp.asarray(layer.bias.data))
              for layer in model.layers]
    steps = {"cupy": lambda: hand_mlp_step(cp, params, xg, tg),
             "rungrad": rungrad_mlp_step(model, xg, tg, style),
             "captured": rungrad_mlp_step(twin, xg, tg, style, captured=True)}
    if torch is not None:
        steps["pytorch"] = torch_mlp_step(torch, sizes, x, t, style)
    return steps


def mlp_case(cp, torch, sync, batch):
    sizes = (784, 1000, 1000, 10)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, 784)).astype(np.float32)
    t = rng.integers(0, 10, batch)
    for style in STYLES:
        report(f"MLP 784-1000-1000-10, SGD, batch {batch}, loss.{style}:",
               measure(mlp_steps(cp, torch, sizes, x, t, style), sync))


def conv_steps(cp, torch, style):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 1, 28, 28)).astype(np.float32)
    w = (rng.standard_normal((16, 1, 3, 3)) * 0.3).astype(np.float32)
    b = np.zeros(16, np.float32)
    gy = rng.standard_normal((32, 16, 28, 28)).astype(np.float32)
    wv, bv = Variable(cp.asarray(w)), Variable(cp.asarray(b))
    xv, gyg = Variable(cp.asarray(x), requires_grad=False), cp.asarray(gy)

    def ours():
        wv.grad = bv.grad = None
        run_backward(F.conv2d(xv, wv, bv, padding=1), style, gyg)
    steps = {"rungrad": ours}
    if torch is not None:
        tw, tb = (torch.tensor(a, device="cuda", requires_grad=True) for a in (w, b))
        tx, tgy = torch.as_tensor(x, device="cuda"), torch.as_tensor(gy, device="cuda")

        def theirs():
            tw.grad = tb.grad = None
            run_backward(torch.nn.functional.conv2d(tx, tw, tb, padding=1), style, tgy)
        steps["pytorch"] = theirs
    return steps


def lstm_steps(cp, torch, style):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((20, 16, 32)).astype(np.float32)
    gy = rng.standard_normal((20, 16, 64)).astype(np.float32)
    model = nn.LSTM(32, 64).to_gpu()
    xv, gyg = Variable(cp.asarray(x), requires_grad=False), cp.asarray(gy)

    def ours():
        model.zero_grad()
        run_backward(model(xv)[0], style, gyg)
    steps = {"rungrad": ours}
    if torch is not None:
        twin = torch.nn.LSTM(32, 64).cuda()
        tx, tgy = torch.as_tensor(x, device="cuda"), torch.as_tensor(gy, device="cuda")

        def theirs():
            twin.zero_grad()
            run_backward(twin(tx)[0], style, tgy)
        steps["pytorch"] = theirs
    return steps


def torch_cuda():
    try:
        import torch
    except ImportError:
        print("  (PyTorch is not installed: its column is left out)")
        return None
    if not torch.cuda.is_available():
        print("  (PyTorch sees no GPU: its column is left out)")
        return None
    return torch


def main():
    start_bench(__doc__)
    if not cuda.is_available():
        print("No GPU: CuPy is not installed or sees no device (pip install 'rungrad[gpu]').")
        return 0
    import cupy as cp
    torch = torch_cuda()

    def sync():
        cp.cuda.Device().synchronize()
        if torch is not None:
            torch.cuda.synchronize()
    print(f"GPU: {cp.cuda.runtime.getDeviceProperties(0)['name'].decode()}, CuPy "
          f"{cp.__version__}" + (f", PyTorch {torch.__version__}" if torch else ""))
    mlp_case(cp, torch, sync, 100)
    print("  target: rungrad <= 1.2x pytorch (batch 100)")
    mlp_case(cp, torch, sync, 4096)
    for style in STYLES:
        report(f"conv2d 32x1x28x28, 16 3x3 filters, padding 1, fwd+bwd, loss.{style}:",
               measure(conv_steps(cp, torch, style), sync))
    for style in STYLES:
        report(f"LSTM(32->64), 20 steps, batch 16, fwd+bwd, loss.{style}:",
               measure(lstm_steps(cp, torch, style), sync))
    return 0


if __name__ == "__main__":
    sys.exit(main())
