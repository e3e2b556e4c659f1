"""MLP training steps: rungrad (nn + optim) against a hand-written NumPy step, in one run.

Cases (issue targets, 1 BLAS thread); each also as a captured step (`autograd.capture`,
column "captured"), which replays the recorded step without rebuilding the graph:
  784-1000-1000-10, ReLU, softmax cross-entropy, SGD, batch 100, float32: <= 1.03x NumPy
  1-10-1, sigmoid, mean squared error, SGD, batch 100, float32:           <= 0.05 ms/step
both with <= 5 minor page faults per step, in both harness styles (the loss is a scalar:
loss.backward(1) and loss.sum().backward()). PyTorch (CPU, 1 thread) is timed too when
importable.  Run: python bench/bench_mlp.py
"""
from functools import partial

from _common import STYLES, measure, optional, report, run_backward, start_bench

import numpy as np

import autograd
import nn
import nn.functional as F
import optim

BATCH = 100
LR = 0.1


class MLP(nn.Module):
    """Linear layers with `activation` between them."""

    def __init__(self, sizes, activation):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.activation = activation

    def forward(self, x):
        *hidden, last = self.layers
        for layer in hidden:
            x = self.activation(layer(x))
        return last(x)


# ----- NumPy by hand: the reference -----

def numpy_step(params, x, backward_activation, activation, loss_grad):
    """One SGD step of an MLP, written the textbook way (as in "Deep Learning from Scratch"):
    forward, backward into a list of gradients, then the update. params is [(W, b), ...]
    with W (out, in), updated in place."""
    inputs, pre = [x], []
    h = x
    for i, (w, b) in enumerate(params):
        h = h @ w.T + b
        if i < len(params) - 1:
            pre.append(h)
            h = activation(h)
        inputs.append(h)
    g = loss_grad(h)
    grads = []
    for i in reversed(range(len(params))):
        grads.append((g.T @ inputs[i], g.sum(axis=0)))
        if i > 0:
            g = backward_activation(g @ params[i][0], pre[i - 1], inputs[i])
    for (w, b), (gw, gb) in zip(params, reversed(grads)):
        w -= LR * gw
        b -= LR * gb


def numpy_relu_grad(g, pre, _):
    g *= pre > 0
    return g


def numpy_sigmoid(z):
    return 0.5 * (np.tanh(0.5 * z) + 1)


def numpy_sigmoid_grad(g, _, out):
    return g * out * (1 - out)


def softmax_cross_entropy_grad(labels):
    def grad(logits):
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        p[np.arange(len(labels)), labels] -= 1
        p /= len(labels)
        return p
    return grad


def mse_grad(target):
    return lambda y: (y - target) * (2.0 / target.size)


# ----- rungrad -----

def rungrad_step(model, optimizer, loss_fn, x, t, style=STYLES[1], captured=False):
    one = np.ones((), np.float32)

    def train_step(x, t):
        optimizer.zero_grad()
        run_backward(loss_fn(model(x), t), style, one)
        optimizer.step()
    if captured:
        train_step = autograd.capture(train_step)
    return partial(train_step, x, t)


# ----- PyTorch -----

def torch_step(torch, sizes, activation, loss_fn, x, t, style):
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [torch.nn.Linear(a, b), activation()]
    model = torch.nn.Sequential(*layers[:-1])
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    x, t = torch.from_numpy(x), torch.from_numpy(t)
    one = torch.ones(())

    def step():
        optimizer.zero_grad()
        run_backward(loss_fn(model(x), t), style, one)
        optimizer.step()
    return step


def case(title, sizes, x, t, rungrad_parts, numpy_parts, torch_parts, target, rounds, number):
    """Both harness styles of one MLP; each style starts from the same weights."""
    torch = optional("torch")
    for style in STYLES:
        np.random.seed(0)
        model = MLP(sizes, rungrad_parts[0])
        params = [(layer.weight.data.copy(), layer.bias.data.copy()) for layer in model.layers]
        np.random.seed(0)
        twin = MLP(sizes, rungrad_parts[0])
        activation, backward_activation, loss_grad = numpy_parts
        steps = {
            "numpy": partial(numpy_step, params, x, backward_activation, activation, loss_grad),
            "rungrad": rungrad_step(model, optim.SGD(model.parameters(), lr=LR),
                                    rungrad_parts[1], x, t, style),
            "captured": rungrad_step(twin, optim.SGD(twin.parameters(), lr=LR),
                                     rungrad_parts[1], x, t, style, captured=True)}
        if torch is not None:
            steps["pytorch"] = torch_step(torch, sizes, *torch_parts(torch), x, t, style)
        report(f"{title} loss.{style}:", measure(steps, rounds=rounds, number=number))
    print(f"  {target}")


def check_same_trajectory():
    """rungrad, eager and captured, and the NumPy reference agree on the weights after a few
    steps (five: a captured step records twice, then replays)."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((BATCH, 20)).astype(np.float32)
    t = rng.integers(0, 5, BATCH)
    for captured in (False, True):
        np.random.seed(0)
        model = MLP((20, 30, 5), F.relu)
        params = [(layer.weight.data.copy(), layer.bias.data.copy()) for layer in model.layers]
        step = rungrad_step(model, optim.SGD(model.parameters(), lr=LR), F.cross_entropy, x, t,
                            captured=captured)
        for _ in range(5):
            step()
            numpy_step(params, x, numpy_relu_grad, lambda z: np.maximum(z, 0),
                       softmax_cross_entropy_grad(t))
        for layer, (w, b) in zip(model.layers, params):
            assert layer.weight.dtype == np.float32 and layer.weight.grad.dtype == np.float32
            np.testing.assert_allclose(layer.weight.data, w, rtol=1e-4, atol=1e-5)
            np.testing.assert_allclose(layer.bias.data, b, rtol=1e-4, atol=1e-5)


def main():
    start_bench(__doc__)
    check_same_trajectory()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, 784)).astype(np.float32)
    t = rng.integers(0, 10, BATCH)
    case("MLP 784-1000-1000-10, ReLU, cross-entropy, SGD, batch 100, float32:",
         (784, 1000, 1000, 10), x, t, (F.relu, F.cross_entropy),
         (lambda z: np.maximum(z, 0), numpy_relu_grad, softmax_cross_entropy_grad(t)),
         lambda torch: (torch.nn.ReLU, torch.nn.functional.cross_entropy),
         "targets: rungrad <= 1.03x numpy, <= 5 faults/step", rounds=30, number=2)
    x = np.linspace(0, 1, BATCH, dtype=np.float32).reshape(BATCH, 1)
    y = np.sin(2 * np.pi * x).astype(np.float32)
    case("MLP 1-10-1, sigmoid, mean squared error, SGD, batch 100, float32:",
         (1, 10, 1), x, y, (F.sigmoid, F.mse_loss),
         (numpy_sigmoid, numpy_sigmoid_grad, mse_grad(y)),
         lambda torch: (torch.nn.Sigmoid, torch.nn.functional.mse_loss),
         "targets: rungrad <= 0.05 ms/step, <= 5 faults/step", rounds=20, number=200)


if __name__ == "__main__":
    main()
