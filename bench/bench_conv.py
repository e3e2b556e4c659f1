"""conv2d, conv_transpose2d and max_pool2d forward+backward, float32, one BLAS thread.

conv2d: 32x1x28x28 input, 16 3x3 filters, padding 1. Target (ARCHITECTURE.md §6): <= 1.5x a
hand-written NumPy im2col forward+backward. Two cases: the input needs no gradient (a first
layer, the usual training step) and the input needs one (a hidden layer: col2im runs too).
conv_transpose2d: 32x16x14x14 -> 32x1x28x28 (kernel 4, stride 2, padding 1: a GAN/VAE
decoder's last layer), input needing a gradient. Target (issue 12): <= 1.5x PyTorch CPU.
max_pool2d: 32x16x28x28 input, kernel 2 stride 2 (separate windows) and kernel 3 stride 1
(overlapping windows), against a hand-written NumPy argmax-and-scatter pooling.
Every case runs in both harness styles (y.backward(gy) and y.sum().backward()) and reports
minor page faults per step. Each contender
runs ten steps back to back per round, as a training loop does (warm caches: interleaving
single calls favoured rungrad against PyTorch). Run: python bench/bench_conv.py
"""
from functools import partial

from _common import STYLES, measure, optional, report, run_backward, start_bench, upstream

import numpy as np

import autograd as ag
from nn.functional import conv2d, conv_transpose2d, max_pool2d

N, C, H, W = 32, 1, 28, 28
OC, K, PAD = 16, 3, 1
DECONV_SHAPE, DECONV_OUT, DECONV_K, DECONV_STRIDE, DECONV_PAD = (32, 16, 14, 14), 1, 4, 2, 1
POOL_SHAPE = (32, 16, 28, 28)
POOL_CASES = ((2, 2), (3, 1))  # (kernel, stride)


class HandConv:
    """The same im2col convolution written directly in NumPy: the baseline."""

    def __init__(self, x, weight, bias):
        self.x, self.weight, self.bias = x, weight, bias

    def forward(self):
        x = self.x
        n, c, h, w = x.shape
        padded = np.zeros((n, c, h + 2 * PAD, w + 2 * PAD), x.dtype)
        padded[:, :, PAD:PAD + h, PAD:PAD + w] = x
        s = padded.strides
        view = np.lib.stride_tricks.as_strided(padded, (c, K, K, n, h, w),
                                               (s[1], s[2], s[3], s[0], s[2], s[3]))
        self.col = np.ascontiguousarray(view).reshape(c * K * K, -1)
        y = self.weight.reshape(OC, -1) @ self.col
        y += self.bias[:, None]
        return y.reshape(OC, n, h, w).transpose(1, 0, 2, 3)

    def backward(self, gy, need_x):
        gy_rows = gy.transpose(1, 0, 2, 3).reshape(OC, -1)
        gw = (gy_rows @ self.col.T).reshape(self.weight.shape)
        gb = gy_rows.sum(axis=1)
        if not need_x:
            return gw, gb, None
        n, c, h, w = self.x.shape
        gcol = (self.weight.reshape(OC, -1).T @ gy_rows).reshape(c, K, K, n, h, w)
        gpad = np.zeros((n, c, h + 2 * PAD, w + 2 * PAD), self.x.dtype)
        for i in range(K):
            for j in range(K):
                gpad[:, :, i:i + h, j:j + w] += gcol[:, i, j].transpose(1, 0, 2, 3)
        return gw, gb, gpad[:, :, PAD:PAD + h, PAD:PAD + w]

    def step(self, gy, need_x):
        self.forward()
        return self.backward(gy, need_x)


def rungrad_step(x, weight, bias, gy, need_x, style):
    xv = ag.Variable(x, requires_grad=need_x)
    wv, bv = ag.Variable(weight), ag.Variable(bias)

    def run():
        wv.grad = bv.grad = xv.grad = None
        run_backward(conv2d(xv, wv, bv, padding=PAD), style, gy)
        return wv.grad, bv.grad, xv.grad
    return run


def torch_step(torch, x, weight, bias, gy, need_x, style):
    xt = torch.tensor(x, requires_grad=need_x)
    wt = torch.tensor(weight, requires_grad=True)
    bt = torch.tensor(bias, requires_grad=True)
    gt = torch.tensor(gy)

    def run():
        wt.grad = bt.grad = xt.grad = None
        run_backward(torch.nn.functional.conv2d(xt, wt, bt, padding=PAD), style, gt)
        return wt.grad, bt.grad, xt.grad
    return run


def check_same(hand, ours, gy, need_x):
    expected = hand.step(gy, need_x)
    got = ours()
    for want, have in zip(expected, got):
        if want is not None:
            np.testing.assert_allclose(have.data, want, rtol=1e-4, atol=1e-3)


class HandMaxPool:
    """Max pooling written directly in NumPy: windows as a strided view, argmax, and the
    gradient added back at each window's argmax (np.add.at: windows may overlap)."""

    def __init__(self, x, kernel, stride):
        self.x, self.kernel, self.stride = x, kernel, stride

    def forward(self):
        k, s = self.kernel, self.stride
        windows = np.lib.stride_tricks.sliding_window_view(self.x, (k, k), axis=(2, 3))
        windows = windows[:, :, ::s, ::s].reshape(windows.shape[:2] + (-1, k * k))
        self.argmax = windows.argmax(axis=-1)
        y = np.take_along_axis(windows, self.argmax[..., None], axis=-1)[..., 0]
        return y.reshape(self.x.shape[:2] + self._out_size())

    def backward(self, gy):
        n, c, h, w = self.x.shape
        k, s = self.kernel, self.stride
        oh, ow = self._out_size()
        rows = self.argmax // k + (np.arange(oh) * s).repeat(ow)
        cols = self.argmax % k + np.tile(np.arange(ow) * s, oh)
        flat = (np.arange(n * c).reshape(n, c, 1) * h + rows) * w + cols
        gx = np.zeros(self.x.size, self.x.dtype)
        np.add.at(gx, flat.ravel(), gy.ravel())
        return gx.reshape(self.x.shape)

    def _out_size(self):
        return tuple((size - self.kernel) // self.stride + 1 for size in self.x.shape[2:])

    def step(self, gy):
        y = self.forward()
        return y, self.backward(gy)


def rungrad_pool_step(x, kernel, stride, gy, style):
    xv = ag.Variable(x)

    def run():
        xv.grad = None
        y = max_pool2d(xv, kernel, stride)
        run_backward(y, style, gy)
        return y, xv.grad
    return run


def torch_pool_step(torch, x, kernel, stride, gy, style):
    xt, gt = torch.tensor(x, requires_grad=True), torch.tensor(gy)

    def run():
        xt.grad = None
        y = torch.nn.functional.max_pool2d(xt, kernel, stride)
        run_backward(y, style, gt)
        return y, xt.grad
    return run


def max_pool_cases(rng, torch, style):
    x = rng.standard_normal(POOL_SHAPE).astype(np.float32)
    for kernel, stride in POOL_CASES:
        hand = HandMaxPool(x, kernel, stride)
        gy = rng.standard_normal(hand.forward().shape).astype(np.float32)
        ours = rungrad_pool_step(x, kernel, stride, gy, style)
        for want, have in zip(hand.step(upstream(style, gy)), ours()):
            np.testing.assert_allclose(have.data, want, rtol=1e-6, atol=1e-6)
        steps = {"numpy": partial(hand.step, upstream(style, gy)), "rungrad": ours}
        if torch is not None:
            steps["pytorch"] = torch_pool_step(torch, x, kernel, stride, gy, style)
        report(f"max_pool2d {'x'.join(map(str, POOL_SHAPE))}, kernel {kernel} stride {stride}, "
               f"forward + {style}:", measure(steps, rounds=12, number=10))


def conv_cases(rng, torch, style):
    x = rng.standard_normal((N, C, H, W)).astype(np.float32)
    weight = (rng.standard_normal((OC, C, K, K)) / K).astype(np.float32)
    bias = rng.standard_normal(OC).astype(np.float32)
    gy = rng.standard_normal((N, OC, H, W)).astype(np.float32)
    hand = HandConv(x, weight, bias)
    for need_x, label in ((False, "input needs no grad"), (True, "input needs grad")):
        ours = rungrad_step(x, weight, bias, gy, need_x, style)
        check_same(hand, ours, upstream(style, gy), need_x)
        steps = {"numpy": partial(hand.step, upstream(style, gy), need_x), "rungrad": ours}
        if torch is not None:
            steps["pytorch"] = torch_step(torch, x, weight, bias, gy, need_x, style)
        report(f"conv2d {N}x{C}x{H}x{W}, {OC} {K}x{K} filters, padding {PAD}, "
               f"forward + {style} ({label}):", measure(steps, rounds=12, number=10))
    print("  targets: rungrad <= 1.50x numpy, <= 1.00x pytorch, <= 5 faults/step")


def deconv_step(op, inputs, gy, style):
    """forward + backward of conv_transpose2d (`op`, rungrad's or torch's) on `inputs`
    (x, weight, bias, each needing a gradient); returns the gradients."""
    def run():
        for v in inputs:
            v.grad = None
        run_backward(op(*inputs, stride=DECONV_STRIDE, padding=DECONV_PAD), style, gy)
        return [v.grad for v in inputs]
    return run


def conv_transpose_cases(rng, torch, style):
    x = rng.standard_normal(DECONV_SHAPE).astype(np.float32)
    weight = (rng.standard_normal((DECONV_SHAPE[1], DECONV_OUT, DECONV_K, DECONV_K)) / 8)
    weight = weight.astype(np.float32)
    bias = rng.standard_normal(DECONV_OUT).astype(np.float32)
    out = (DECONV_SHAPE[2] - 1) * DECONV_STRIDE - 2 * DECONV_PAD + DECONV_K
    gy = rng.standard_normal((DECONV_SHAPE[0], DECONV_OUT, out, out)).astype(np.float32)
    arrays = (x, weight, bias)
    steps = {"rungrad": deconv_step(conv_transpose2d, [ag.Variable(a) for a in arrays], gy,
                                    style)}
    if torch is not None:
        tensors = [torch.tensor(a, requires_grad=True) for a in arrays]
        steps["pytorch"] = deconv_step(torch.nn.functional.conv_transpose2d, tensors,
                                       torch.tensor(gy), style)
        for have, want in zip(steps["rungrad"](), steps["pytorch"]()):
            np.testing.assert_allclose(have.data, want.numpy(), rtol=1e-4, atol=1e-3)
    report(f"conv_transpose2d {'x'.join(map(str, DECONV_SHAPE))} -> {DECONV_SHAPE[0]}x"
           f"{DECONV_OUT}x{out}x{out}, {DECONV_K}x{DECONV_K} kernel, stride {DECONV_STRIDE}, "
           f"padding {DECONV_PAD}, forward + {style}:", measure(steps, rounds=12, number=10))
    print("  target: rungrad <= 1.50x pytorch")


def main():
    start_bench(__doc__)
    torch = optional("torch")
    for style in STYLES:
        conv_cases(np.random.default_rng(0), torch, style)
    for style in STYLES:
        conv_transpose_cases(np.random.default_rng(2), torch, style)
    for style in STYLES:
        max_pool_cases(np.random.default_rng(1), torch, style)


if __name__ == "__main__":
    main()
