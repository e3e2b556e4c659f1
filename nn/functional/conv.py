"""2-D convolution (PyTorch's cross-correlation) as im2col plus one matrix product."""
import math

from autograd.config import Config
from autograd.function import Function
from autograd.ops import astype, matmul, reshape, sum, transpose
from autograd.spec import Choice, Spec
from autograd.variable import as_variable, wrap

from .im2col import col2im, im2col, im2col_array, make_window, output_size


class Conv2d(Function):
    """y[n, o, a, b] = sum_{c,i,j} W[o, c, i, j] * padded_x[n, c, a*SH + i, b*SW + j] + bias[o]

    x (N, C, H, W), W (OC, C, KH, KW), bias (OC,) -> y (N, OC, OH, OW).
    """

    input_specs = (Spec(shape=(1, "C", "H", "W"), sides={"C": (1, 2), "H": (2, 3), "W": (2, 3),
                                                    "O": (1, 2), "K": (1, 2)}),
                   Spec(shape=("O", "C", "K", "K")), Spec(shape=("O",)))
    arg_specs = {"stride": Choice(1, 2), "padding": Choice(0, 1)}
    apply = staticmethod(lambda x, w, b, stride, padding: conv2d(x, w, b, stride, padding))

    def __init__(self, window):
        self.window = window

    def forward(self, x, weight, bias=None):
        out_channels = weight.shape[0]
        col = im2col_array(x, self.window)
        self._col = col  # kept for dL/dW; freed with the graph
        n, (oh, ow) = x.shape[0], col.shape[4:]
        k = math.prod(weight.shape[1:])  # C*KH*KW spelled out: -1 fails on zero-size arrays
        y = weight.reshape(out_channels, k) @ col.reshape(k, n * oh * ow)
        if bias is not None:
            y += bias[:, None]
        # (OC, N, OH, OW) viewed as (N, OC, OH, OW): no copy; the gradient arrives in the same
        # memory order, so reshaping it back in backward is free too.
        return y.reshape(out_channels, n, oh, ow).transpose(1, 0, 2, 3)

    def backward(self, gy):
        x, weight = self.inputs[0], self.inputs[1]
        needs = self.needs_input_grad
        out_channels, k = weight.shape[0], math.prod(weight.shape[1:])
        n, _, oh, ow = gy.shape
        gy_rows = reshape(transpose(gy, (1, 0, 2, 3)), (out_channels, n * oh * ow))
        gx = gw = None
        if needs[0]:
            w_rows = reshape(weight, (out_channels, k))
            gcol = reshape(matmul(transpose(w_rows), gy_rows), self._col.shape)
            gx = col2im(gcol, x.shape, self.window)
        if needs[1]:
            # (N*OH*OW, C*KH*KW)
            col_rows = transpose(reshape(self._columns(x), (k, n * oh * ow)))
            gw = reshape(matmul(gy_rows, col_rows), weight.shape)
        if len(needs) == 2:
            return gx, gw
        return gx, gw, (sum(gy_rows, axis=1) if needs[2] else None)

    def _columns(self, x):
        """im2col(x): the saved array, or recomputed as a graph node when the backward pass is
        itself recorded (create_graph=True), so that dL/dW can be differentiated w.r.t. x."""
        if Config.enable_backprop and x.requires_grad:
            return im2col(x, self.window)
        return wrap(self._col, False)


def conv2d(x, weight, bias=None, stride=1, padding=0):
    """2-D convolution: x (N, C, H, W), weight (OC, C, KH, KW), bias (OC,) or None ->
    (N, OC, OH, OW) with OH = (H + 2*padding - KH) // stride + 1 (likewise OW).

    `stride` and `padding` are ints or (height, width) pairs. x is cast to weight's dtype
    (an integer or float64 batch meets a float32 layer).
    """
    x, weight = as_variable(x), as_variable(weight)
    _check_shapes(x, weight, bias)
    if x.dtype != weight.dtype:
        x = astype(x, weight.dtype)
    window = make_window(weight.shape[2:], stride, padding, "conv2d")
    output_size(x.shape, window, "conv2d")
    inputs = (x, weight) if bias is None else (x, weight, as_variable(bias))
    return Conv2d(window)(*inputs)


def _check_shapes(x, weight, bias):
    if x.ndim != 4:
        raise ValueError(f"conv2d: expected an input of shape (N, C, H, W), got {tuple(x.shape)}")
    if weight.ndim != 4:
        raise ValueError(f"conv2d: expected a weight of shape (OC, C, KH, KW), got "
                         f"{tuple(weight.shape)}")
    if x.shape[1] != weight.shape[1]:
        raise ValueError(f"conv2d: the input has {x.shape[1]} channels (shape {tuple(x.shape)}) "
                         f"but the weight {tuple(weight.shape)} expects {weight.shape[1]}")
    if weight.dtype.kind != "f" or x.dtype.kind not in "biuf":
        raise TypeError(f"conv2d: expected a numeric input and a floating-point weight, got "
                        f"{x.dtype} and {weight.dtype}")
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise ValueError(f"conv2d: bias of shape {tuple(bias.shape)} does not match "
                         f"{weight.shape[0]} output channels (expected ({weight.shape[0]},))")


__all__ = ["conv2d", "Conv2d"]
