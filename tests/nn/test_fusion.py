"""nn.utils.fuse_conv_bn_eval / fuse_conv_bn_weights / fuse_linear_bn_eval /
fuse_linear_bn_weights against PyTorch's: the fused layer's weights, and outputs equal to
the layer then BatchNorm in eval mode (convolutions, transposed ones, with and without
bias, non-affine BatchNorm, float32 and float64); every error."""
import numpy as np
import pytest

import nn
from autograd import Variable
from nn.utils import (
    fuse_conv_bn_eval,
    fuse_conv_bn_weights,
    fuse_linear_bn_eval,
    fuse_linear_bn_weights,
)

from ._helpers import assert_close, copy_weights

torch = pytest.importorskip("torch")
U = torch.nn.utils

CONVS = {  # name -> (ours, theirs, bn kind, input shape, transpose)
    "conv1d": (lambda b: nn.Conv1d(2, 3, 2, bias=b), lambda b: torch.nn.Conv1d(2, 3, 2, bias=b),
               "BatchNorm1d", (2, 2, 5), False),
    "conv2d": (lambda b: nn.Conv2d(2, 3, 2, bias=b), lambda b: torch.nn.Conv2d(2, 3, 2, bias=b),
               "BatchNorm2d", (2, 2, 4, 4), False),
    "transposed": (lambda b: nn.ConvTranspose2d(2, 3, 2, bias=b),
                   lambda b: torch.nn.ConvTranspose2d(2, 3, 2, bias=b), "BatchNorm2d",
                   (1, 2, 3, 3), True),
}


def _statistics(bn, seed):
    rng = np.random.default_rng(seed)
    bn.running_mean[...] = rng.standard_normal(bn.running_mean.shape)
    bn.running_var[...] = rng.uniform(0.5, 2.0, bn.running_var.shape)
    if bn.weight is not None:
        bn.weight.data = rng.standard_normal(bn.weight.shape).astype(bn.weight.dtype)
        bn.bias.data = rng.standard_normal(bn.bias.shape).astype(bn.bias.dtype)


def _pair(make, make_torch, bn_name, features, dtype, bias, affine=True):
    np.random.seed(0)
    layer, bn = make(bias).to(dtype), getattr(nn, bn_name)(features, affine=affine).to(dtype)
    tdtype = torch.float64 if dtype == np.float64 else torch.float32
    tlayer = make_torch(bias).to(tdtype)
    tbn = getattr(torch.nn, bn_name)(features, affine=affine).to(tdtype)
    _statistics(bn, 1)
    copy_weights(layer, tlayer)
    copy_weights(bn, tbn)
    for module in (layer, bn, tlayer, tbn):
        module.eval()
    return layer, bn, tlayer, tbn


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("name", list(CONVS))
def test_fused_convolution_matches_conv_then_bn_and_torch(name, bias, dtype):
    make, make_torch, bn_name, shape, transpose = CONVS[name]
    conv, bn, tconv, tbn = _pair(make, make_torch, bn_name, 3, dtype, bias)
    fused = fuse_conv_bn_eval(conv, bn, transpose=transpose)
    tfused = U.fuse_conv_bn_eval(tconv, tbn, transpose=transpose)
    tol = 1e-10 if dtype == np.float64 else 1e-5
    assert_close(fused.weight, tfused.weight, tol)
    assert_close(fused.bias, tfused.bias, tol)
    assert fused.weight.dtype == fused.bias.dtype == dtype
    assert fused.bias.requires_grad == tfused.bias.requires_grad == bias
    x = Variable(np.random.default_rng(2).standard_normal(shape).astype(dtype))
    assert_close(fused(x), bn(conv(x)), tol * 10)
    assert conv.bias is None or conv.bias is not fused.bias  # the original is untouched


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("bias,affine,features", [(True, True, 4), (False, False, 4),
                                                  (True, True, 1), (False, True, 1),
                                                  (False, False, 1)])
def test_fused_linear_matches_linear_then_bn_and_torch(dtype, bias, affine, features):
    make = lambda b: nn.Linear(3, 4, bias=b)  # noqa: E731
    make_torch = lambda b: torch.nn.Linear(3, 4, bias=b)  # noqa: E731
    linear, bn, tlinear, tbn = _pair(make, make_torch, "BatchNorm1d", features, dtype, bias,
                                     affine)
    tol = 1e-10 if dtype == np.float64 else 1e-5
    fused = fuse_linear_bn_eval(linear, bn)
    if affine:  # (torch's fails on a non-affine BatchNorm: bn.weight None; ours treats it as 1)
        tfused = U.fuse_linear_bn_eval(tlinear, tbn)
        assert_close(fused.weight, tfused.weight, tol)
        # (torch's is (1,) for a bias-less Linear and one feature, which its linear broadcasts)
        assert_close(fused.bias, np.broadcast_to(tfused.bias.detach().numpy(), (4,)), tol)
    assert fused.bias.shape == (4,) and fused.bias.dtype == dtype
    assert fused.bias.requires_grad == bias
    x = Variable(np.random.default_rng(3).standard_normal((5, 3)).astype(dtype))
    expected = bn(linear(x)) if features == 4 else \
        bn(linear(x).reshape(-1, 1)).reshape(5, 4)  # (one feature broadcast over 4)
    assert_close(fused(x), expected, tol * 10)


def test_the_weight_functions_take_arrays_and_none():
    rng = np.random.default_rng(5)
    w, mean, var = rng.standard_normal((3, 2, 2)), rng.standard_normal(3), rng.uniform(1, 2, 3)
    mine = fuse_conv_bn_weights(w, None, mean, var, 1e-5, None, None)
    theirs = U.fuse_conv_bn_weights(*(torch.from_numpy(a) for a in (w,)), None,
                                    torch.from_numpy(mean), torch.from_numpy(var), 1e-5,
                                    None, None)
    for a, b in zip(mine, theirs, strict=True):
        assert_close(a, b, 1e-12)
    lw, lb, gamma, beta = (rng.standard_normal(s) for s in [(3, 4), 3, 3, 3])
    mine = fuse_linear_bn_weights(lw, lb, mean, var, 1e-3, gamma, beta)
    theirs = U.fuse_linear_bn_weights(*(torch.from_numpy(a) for a in (lw, lb, mean, var)),
                                      1e-3, torch.from_numpy(gamma), torch.from_numpy(beta))
    for a, b in zip(mine, theirs, strict=True):
        assert_close(a, b, 1e-12)


def test_errors():
    conv, bn = nn.Conv2d(2, 3, 2), nn.BatchNorm2d(3)
    with pytest.raises(AssertionError, match="fuse_conv_bn_eval: Fusion only for eval!"):
        fuse_conv_bn_eval(conv, bn)
    untracked = nn.BatchNorm2d(3, track_running_stats=False).eval()
    with pytest.raises(AssertionError, match="running_mean and bn.running_var must not be "
                                             "None"):
        fuse_conv_bn_eval(conv.eval(), untracked)
    with pytest.raises(AssertionError, match="linear.out_features == bn.num_features or "
                                             "bn.num_features == 1, got linear.out_features=4 "
                                             "and bn.num_features=3"):
        fuse_linear_bn_eval(nn.Linear(2, 4).eval(), nn.BatchNorm1d(3).eval())
    with pytest.raises(AssertionError, match="fuse_linear_bn_eval: Fusion only for eval!"):
        fuse_linear_bn_eval(nn.Linear(2, 3), nn.BatchNorm1d(3).eval())
