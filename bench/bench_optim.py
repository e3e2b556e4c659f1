"""Optimizer step cost on the MLP 784-1000-1000-10 parameters (float32).

Compares one `step()` of optim.SGD(momentum) and optim.Adam with the same update
written by hand in NumPy (in-place, float32) and with torch.optim when installed.
The step should cost about what the hand-written one does.
Run: python bench/bench_optim.py
"""
from _common import malloc_note, measure, optional, report

import numpy as np

import optim
from autograd import Parameter, Variable

SHAPES = [(1000, 784), (1000,), (1000, 1000), (1000,), (10, 1000), (10,)]
rng = np.random.default_rng(0)
DATA = [rng.normal(size=s).astype(np.float32) for s in SHAPES]
GRADS = [rng.normal(size=s).astype(np.float32) for s in SHAPES]


def rungrad_step(cls, **hp):
    params = [Parameter(d.copy()) for d in DATA]
    for p, g in zip(params, GRADS):
        p.grad = Variable(g, requires_grad=False)
    return cls(params, **hp).step


def numpy_sgd_step(lr=0.01, momentum=0.9):
    ws = [d.copy() for d in DATA]
    bufs = [g.copy() for g in GRADS]

    def step():
        for w, b, g in zip(ws, bufs, GRADS):
            b *= momentum
            b += g
            w -= lr * b
    return step


def numpy_adam_step(lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
    ws = [d.copy() for d in DATA]
    ms = [np.zeros_like(d) for d in DATA]
    vs = [np.zeros_like(d) for d in DATA]
    t = [0]

    def step():
        t[0] += 1
        c1, c2 = 1 - b1 ** t[0], (1 - b2 ** t[0]) ** 0.5
        for w, m, v, g in zip(ws, ms, vs, GRADS):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            w -= (lr / c1) * m / (np.sqrt(v) / c2 + eps)
    return step


def torch_step(torch, name, **hp):
    params = [torch.tensor(d.copy(), requires_grad=True) for d in DATA]
    for p, g in zip(params, GRADS):
        p.grad = torch.from_numpy(g.copy())
    return getattr(torch.optim, name)(params, foreach=False, **hp).step


def main():
    print(malloc_note())
    torch = optional("torch")
    cases = [("SGD momentum", numpy_sgd_step(), optim.SGD, "SGD", dict(lr=0.01, momentum=0.9)),
             ("Adam", numpy_adam_step(), optim.Adam, "Adam", dict(lr=1e-3))]
    for title, by_hand, cls, torch_name, hp in cases:
        steps = {"numpy": by_hand, "rungrad": rungrad_step(cls, **hp)}
        if torch is not None:
            steps["pytorch"] = torch_step(torch, torch_name, **hp)
        report(f"{title} step, MLP 784-1000-1000-10 float32:", measure(steps, rounds=20))


if __name__ == "__main__":
    main()
