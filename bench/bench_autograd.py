"""Engine overhead: a chain of 2,000 scalar elementwise ops, and the import time.

Targets: forward+backward per op <= 0.8x PyTorch CPU; forward under no_grad <= 2 us/op;
`import autograd, nn, optim` <= 0.15 s.  Run: python bench/bench_autograd.py
"""
import os
import subprocess
import sys
from functools import partial

from _common import measure, optional, report, start_bench

import numpy as np

import autograd as ag

N_OPS = 2001  # 667 rounds of (y*1.0001, y+0.0001, sin y)
ROUNDS = N_OPS // 3


def chain_numpy():
    y = np.array([0.5])
    saved = []
    for _ in range(ROUNDS):
        y = y * 1.0001
        y = y + 0.0001
        saved.append(y)
        y = np.sin(y)
    g = np.ones_like(y)
    for pre_sin in reversed(saved):
        g = g * np.cos(pre_sin)
        g = g * 1.0001
    return g


def chain_rungrad(start=(0.5,)):
    """start: (0.5,), a 1-element array, or 0.5, a 0-d one (DeZero's Variable(np.array(0.5)),
    whose ops NumPy answers with scalars)."""
    x = ag.Variable(np.array(start))
    y = x
    for _ in range(ROUNDS):
        y = ag.sin(y * 1.0001 + 0.0001)
    y.backward()
    return x.grad


def chain_rungrad_no_grad():
    with ag.no_grad():
        y = ag.Variable(np.array([0.5]))
        for _ in range(ROUNDS):
            y = ag.sin(y * 1.0001 + 0.0001)
    return y


def chain_torch(torch, start=(0.5,)):
    def run():
        x = torch.tensor(start, dtype=torch.float64, requires_grad=True)
        y = x
        for _ in range(ROUNDS):
            y = torch.sin(y * 1.0001 + 0.0001)
        y.backward()
        return x.grad
    return run


def chain_dezero(dezero):
    def run():
        x = dezero.Variable(np.array([0.5]))
        y = x
        for _ in range(ROUNDS):
            y = dezero.functions.sin(y * 1.0001 + 0.0001)
        y.backward()
        return x.grad
    return run


def chain_rungrad_recorded():
    with ag.record_backward():
        return chain_rungrad()


def module_calls(hooked):
    """1,000 calls of a small Linear, with or without a (do-nothing) forward hook."""
    import nn
    layer = nn.Linear(4, 4)
    if hooked:
        layer.register_forward_hook(lambda module, args, output: None)
    x = ag.Variable(np.ones((2, 4)), requires_grad=False)

    def run():
        for _ in range(1000):
            layer(x)
    return run


def instruments():
    """What the teaching instruments cost: nothing is paid unless they are switched on."""
    report("the chain again, per op: plain, and inside record_backward():",
           [per_op(r) for r in measure({"rungrad": chain_rungrad,
                                        "recorded": chain_rungrad_recorded}, rounds=9)],
           unit="us", scale=1e6, baselines=("rungrad",))
    report("Linear(4, 4) forward, per call: no hooks, and one forward hook:",
           [per_op(r, 1000) for r in measure({"rungrad": module_calls(False),
                                              "hooked": module_calls(True)}, rounds=9)],
           unit="us", scale=1e6, baselines=("rungrad",))
    print("  no hook and no recorder: one attribute check per call / per backward step "
          "(callgrind: 49,322 -> 49,314 instructions per chain op when hooks landed; the "
          "recorder runs backward on Variables, the plain pass on arrays)")


def import_time():
    code = ("import time; t = time.perf_counter(); import autograd, nn, optim; "
            "print(time.perf_counter() - t)")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    # As a user's machine imports: from cached bytecode. With PYTHONDONTWRITEBYTECODE set (as
    # in some containers) every import would compile its source, measuring the compiler.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True, cwd=root, env=env).stdout) for _ in range(6)]
    return min(runs[1:])  # the first run writes the bytecode cache


def per_op(result, n=N_OPS):
    """A Result of `n` ops (a chain's by default) as time and page faults per op."""
    return result._replace(seconds=result.seconds / n, best=result.best / n,
                           cpu=result.cpu / n, faults=result.faults / n,
                           per_round=[t / n for t in result.per_round])


def main():
    start_bench(__doc__)
    assert np.allclose(chain_rungrad().data, chain_numpy())
    contenders = {"numpy": chain_numpy, "rungrad": chain_rungrad}
    torch = optional("torch")
    if torch is not None:
        contenders["pytorch"] = chain_torch(torch)
    dezero = optional("dezero")
    if dezero is not None:
        contenders["dezero"] = chain_dezero(dezero)
    report(f"chain of {N_OPS} elementwise ops, forward+backward, per op:",
           [per_op(r) for r in measure(contenders, rounds=15)], unit="us", scale=1e6)
    print("  target: rungrad <= 0.80x pytorch")
    scalars = {"rungrad": partial(chain_rungrad, 0.5)}
    if torch is not None:
        scalars["pytorch"] = chain_torch(torch, 0.5)
    report("the same chain on 0-d scalars (the book's Variable(np.array(0.5))), per op:",
           [per_op(r) for r in measure(scalars, rounds=15)], unit="us", scale=1e6,
           baselines=("pytorch",))
    report("the same chain, forward under no_grad, per op:",
           [per_op(r) for r in measure({"rungrad": chain_rungrad_no_grad}, rounds=15)],
           unit="us", scale=1e6)
    print("  target: <= 2 us")
    instruments()
    print(f"import autograd, nn, optim: {import_time():.3f} s  (target <= 0.15 s)")


if __name__ == "__main__":
    main()
