"""PyTorch's eval-mode fusion of a convolution or linear layer with the BatchNorm after it:
one layer whose weight and bias fold in the normalization's running statistics and affine
parameters (the same outputs, one layer fewer at inference)."""
import copy

import numpy as np

from autograd.backend import array_of
from autograd.variable import Parameter


def _array(x):
    return None if x is None else array_of(x)  # (NumPy's functions below take GPU arrays)


def _requires_grad(x):
    return bool(getattr(x, "requires_grad", False))


def _folded(weight, bias, bn_rm, bn_rv, bn_eps, bn_w, bn_b, scale_shape):
    """weight * s (s reshaped to `scale_shape`) and (bias - mean) * s + bn_b as Parameters,
    s = bn_w / sqrt(var + eps); the dtypes and requires_grad as the layer's (a bias the layer
    lacked: zeros, not trained, as PyTorch's)."""
    w, b, mean = _array(weight), _array(bias), _array(bn_rm)
    b_dtype = w.dtype if b is None else b.dtype
    b = np.zeros_like(mean) if b is None else b
    gamma = np.ones_like(mean) if bn_w is None else _array(bn_w)
    beta = np.zeros_like(mean) if bn_b is None else _array(bn_b)
    scale = gamma / np.sqrt(_array(bn_rv) + bn_eps)
    fused_w = (w * scale.reshape(scale_shape)).astype(w.dtype)
    fused_b = ((b - mean) * scale + beta).astype(b_dtype)
    return (Parameter(fused_w, requires_grad=_requires_grad(weight)),
            Parameter(fused_b, requires_grad=_requires_grad(bias)))


def fuse_conv_bn_weights(conv_w, conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b, transpose=False):
    """(weight, bias) Parameters of the convolution that computes conv then eval-mode
    BatchNorm; conv_w (out, in/groups, *kernel), or (in, out/groups, *kernel) with
    transpose=True. conv_b, bn_w, bn_b may be None."""
    ndim = np.ndim(_array(conv_w))
    shape = ([1, -1] if transpose else [-1, 1]) + [1] * (ndim - 2)
    return _folded(conv_w, conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b, shape)


def fuse_linear_bn_weights(linear_w, linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b):
    """(weight, bias) Parameters of the linear layer that computes linear then eval-mode
    BatchNorm1d; linear_w (out, in), a BatchNorm of out features or of one."""
    if linear_b is None:  # (out zeros: one feature's shift goes to every output, not one)
        w = _array(linear_w)
        linear_b = np.zeros_like(w, shape=w.shape[:1])
    return _folded(linear_w, linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b, (-1, 1))


def _fused_copy(layer, bn, who, fuse, **options):
    if layer.training or bn.training:
        raise AssertionError(f"{who}: Fusion only for eval! (call .eval() on both modules)")
    if getattr(bn, "running_mean", None) is None or getattr(bn, "running_var", None) is None:
        raise AssertionError(f"{who}: bn.running_mean and bn.running_var must not be None "
                             "(a BatchNorm with track_running_stats=True)")
    fused = copy.deepcopy(layer)
    fused.weight, fused.bias = fuse(fused.weight, fused.bias, bn.running_mean,
                                    bn.running_var, bn.eps, bn.weight, bn.bias, **options)
    return fused


def fuse_conv_bn_eval(conv, bn, transpose=False):
    """A copy of `conv` computing conv then `bn` (both in eval mode) in one convolution;
    transpose=True for transposed convolutions."""
    return _fused_copy(conv, bn, "fuse_conv_bn_eval", fuse_conv_bn_weights, transpose=transpose)


def fuse_linear_bn_eval(linear, bn):
    """A copy of `linear` computing linear then `bn` (both in eval mode) in one layer."""
    if linear.out_features != bn.num_features and bn.num_features != 1:
        raise AssertionError("To fuse, linear.out_features == bn.num_features or "
                             f"bn.num_features == 1, got linear.out_features="
                             f"{linear.out_features} and bn.num_features={bn.num_features}")
    return _fused_copy(linear, bn, "fuse_linear_bn_eval", fuse_linear_bn_weights)


__all__ = ["fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval",
           "fuse_linear_bn_weights"]
