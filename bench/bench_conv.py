"""conv2d forward+backward: 32x1x28x28 input, 16 3x3 filters, padding 1, float32.

Target (ARCHITECTURE.md §6): <= 1.5x a hand-written NumPy im2col forward+backward, timed in
the same run with one BLAS thread. Two cases: the input needs no gradient (a first layer, the
usual training step) and the input needs one (a hidden layer: col2im runs too).
Run: python bench/bench_conv.py
"""
from _common import best_time, optional, report

import numpy as np

import autograd as ag
from nn.functional import conv2d

N, C, H, W = 32, 1, 28, 28
OC, K, PAD = 16, 3, 1


class HandConv:
    """The same im2col convolution written directly in NumPy: the baseline."""

    def __init__(self, x, weight, bias, gy):
        self.x, self.weight, self.bias, self.gy = x, weight, bias, gy

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

    def backward(self, need_x):
        gy_rows = self.gy.transpose(1, 0, 2, 3).reshape(OC, -1)
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

    def step(self, need_x):
        self.forward()
        return self.backward(need_x)


def rungrad_step(x, weight, bias, gy, need_x):
    xv = ag.Variable(x, requires_grad=need_x)
    wv, bv = ag.Variable(weight), ag.Variable(bias)

    def run():
        wv.grad = bv.grad = xv.grad = None
        y = conv2d(xv, wv, bv, padding=PAD)
        y.backward(gy)
        return wv.grad, bv.grad, xv.grad
    return run


def torch_step(torch, x, weight, bias, gy, need_x):
    xt = torch.tensor(x, requires_grad=need_x)
    wt = torch.tensor(weight, requires_grad=True)
    bt = torch.tensor(bias, requires_grad=True)
    gt = torch.tensor(gy)

    def run():
        wt.grad = bt.grad = xt.grad = None
        torch.nn.functional.conv2d(xt, wt, bt, padding=PAD).backward(gt)
        return wt.grad, bt.grad, xt.grad
    return run


def check_same(hand, ours, need_x):
    expected = hand.step(need_x)
    got = ours()
    for want, have in zip(expected, got):
        if want is not None:
            np.testing.assert_allclose(have.data, want, rtol=1e-4, atol=1e-3)


def main():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, C, H, W)).astype(np.float32)
    weight = (rng.standard_normal((OC, C, K, K)) / K).astype(np.float32)
    bias = rng.standard_normal(OC).astype(np.float32)
    gy = rng.standard_normal((N, OC, H, W)).astype(np.float32)
    hand = HandConv(x, weight, bias, gy)
    torch = optional("torch")
    if torch is not None:
        torch.set_num_threads(1)
    for need_x, label in ((False, "input needs no grad"), (True, "input needs grad")):
        ours = rungrad_step(x, weight, bias, gy, need_x)
        check_same(hand, ours, need_x)
        rows = [("numpy", best_time(lambda: hand.step(need_x), repeat=30)),
                ("rungrad", best_time(ours, repeat=30))]
        if torch is not None:
            rows.append(("pytorch", best_time(torch_step(torch, x, weight, bias, gy, need_x),
                                              repeat=30)))
        report(f"conv2d {N}x{C}x{H}x{W}, {OC} {K}x{K} filters, padding {PAD}, "
               f"forward+backward ({label}):", rows)
        ratio = rows[1][1] / rows[0][1]
        print(f"  rungrad / numpy = {ratio:.2f}  (target <= 1.50)")


if __name__ == "__main__":
    main()
