"""Optimizer step cost, on the parameters of two MLPs (float32).

Compares one `step()` of optim.SGD(momentum) and optim.Adam with the same update written by
hand in NumPy (in-place, float32) and with torch.optim when installed, on the parameters of
the MLP 784-1000-1000-10 (the step should cost about what the hand-written one does) and of
the MLP 1-10-1, whose four parameters are small enough that the calls are the cost: there
rungrad's default updates the group as one flat array (foreach, optim/foreach.py), shown
beside its per-parameter loop (foreach=False) and PyTorch's two implementations.
Run: python bench/bench_optim.py
"""
from _common import measure, optional, report, start_bench

import numpy as np

import optim
from autograd import Parameter, Variable

BIG = [(1000, 784), (1000,), (1000, 1000), (1000,), (10, 1000), (10,)]
SMALL = [(10, 1), (10,), (1, 10), (1,)]


def arrays(shapes, seed):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=s).astype(np.float32) for s in shapes]


def rungrad_step(shapes, cls, **hp):
    params = [Parameter(d) for d in arrays(shapes, 0)]
    for p, g in zip(params, arrays(shapes, 1)):
        p.grad = Variable(g, requires_grad=False)
    return cls(params, **hp).step


def numpy_sgd_step(shapes, lr=0.01, momentum=0.9):
    ws, grads = arrays(shapes, 0), arrays(shapes, 1)
    bufs = [g.copy() for g in grads]

    def step():
        for w, b, g in zip(ws, bufs, grads):
            b *= momentum
            b += g
            w -= lr * b
    return step


def numpy_adam_step(shapes, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
    ws, grads = arrays(shapes, 0), arrays(shapes, 1)
    ms = [np.zeros_like(w) for w in ws]
    vs = [np.zeros_like(w) for w in ws]
    t = [0]

    def step():
        t[0] += 1
        c1, c2 = 1 - b1 ** t[0], (1 - b2 ** t[0]) ** 0.5
        for w, m, v, g in zip(ws, ms, vs, grads):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            w -= (lr / c1) * m / (np.sqrt(v) / c2 + eps)
    return step


def torch_step(torch, shapes, name, foreach=False, **hp):
    params = [torch.tensor(d, requires_grad=True) for d in arrays(shapes, 0)]
    for p, g in zip(params, arrays(shapes, 1)):
        p.grad = torch.from_numpy(g)
    return getattr(torch.optim, name)(params, foreach=foreach, **hp).step


def main():
    start_bench(__doc__)
    torch = optional("torch")
    rules = [("SGD momentum", numpy_sgd_step, optim.SGD, "SGD", dict(lr=0.01, momentum=0.9)),
             ("Adam", numpy_adam_step, optim.Adam, "Adam", dict(lr=1e-3))]
    for model, shapes, rounds, number in (("784-1000-1000-10", BIG, 20, 1),
                                          ("1-10-1", SMALL, 20, 500)):
        for title, by_hand, cls, torch_name, hp in rules:
            steps = {"numpy": by_hand(shapes), "rungrad": rungrad_step(shapes, cls, **hp)}
            if shapes is SMALL:
                steps["rungrad per-parameter"] = rungrad_step(shapes, cls, foreach=False, **hp)
            if torch is not None:
                steps["pytorch"] = torch_step(torch, shapes, torch_name, **hp)
                if shapes is SMALL:
                    steps["pytorch foreach"] = torch_step(torch, shapes, torch_name, True, **hp)
            report(f"{title} step, MLP {model} float32:",
                   measure(steps, rounds=rounds, number=number))


if __name__ == "__main__":
    main()
