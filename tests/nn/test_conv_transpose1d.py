"""F.conv_transpose1d and nn.ConvTranspose1d against PyTorch: values and gradients on random
geometries (stride, padding, output_padding, groups, dilation, bias), numerical first and
second order, output_size, reprs, unbatched inputs, and errors in 1-D terms."""
import numpy as np
import pytest
from hypothesis import given

import nn
import nn.functional as F
from autograd import gradcheck, gradgradcheck

from ._helpers import assert_close, copy_weights
from .test_conv_family import compare_with_torch, geometries

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _one_d(kwargs):
    return {k: v[0] if isinstance(v, tuple) else v for k, v in kwargs.items()}


@given(geometries(dims=1, transposed=True))
def test_conv_transpose1d_matches_torch(case):
    x, weight, bias, kwargs = case
    compare_with_torch(F.conv_transpose1d, TF.conv_transpose1d, x, weight, bias,
                       _one_d(kwargs))


def test_first_and_second_order_match_numerical():
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((2, 4, 3)), rng.standard_normal((4, 1, 3)), \
        rng.standard_normal(2)
    kwargs = dict(stride=2, padding=1, output_padding=1, groups=2, dilation=1)
    gradcheck(lambda *v: F.conv_transpose1d(*v, **kwargs), x, w, b)
    gradgradcheck(lambda *v: F.conv_transpose1d(*v, **kwargs), x, w, b)


def test_unbatched_input_as_torch_takes_it():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((3, 5)), rng.standard_normal((3, 2, 4))
    ours = F.conv_transpose1d(x, w, stride=3, dilation=2)
    theirs = TF.conv_transpose1d(torch.tensor(x), torch.tensor(w), stride=3, dilation=2)
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kwargs", [
    dict(in_channels=4, out_channels=6, kernel_size=3, stride=2, padding=1, output_padding=1,
         groups=2),
    dict(in_channels=2, out_channels=3, kernel_size=(2,), dilation=3, bias=False),
    # (the repr then lists dilation before output_padding, as PyTorch's)
    dict(in_channels=2, out_channels=4, kernel_size=3, stride=3, dilation=2, output_padding=1,
         groups=2, bias=False),
])
def test_layer_matches_torch_in_float32(kwargs):
    ours, theirs = nn.ConvTranspose1d(**kwargs), torch.nn.ConvTranspose1d(**kwargs)
    assert repr(ours) == repr(theirs)
    assert [(n, p.shape) for n, p in ours.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in theirs.named_parameters()]
    copy_weights(ours, theirs)
    x = np.random.default_rng(2).standard_normal((3, kwargs["in_channels"], 7))
    x = x.astype(np.float32)
    y, yt = ours(x), theirs(torch.tensor(x))
    assert_close(y, yt, tol=1e-5)
    assert y.dtype == np.float32
    assert repr(type(ours)(**ours.get_config())) == repr(ours)


@pytest.mark.parametrize("name", ["Conv1d", "Conv2d"])
def test_a_padding_mode_is_printed_last_as_by_torch(name):
    kwargs = dict(in_channels=2, out_channels=4, kernel_size=3, padding=1, dilation=2,
                  groups=2, bias=False, padding_mode="reflect")
    assert repr(getattr(nn, name)(**kwargs)) == repr(getattr(torch.nn, name)(**kwargs))


def test_layer_output_size_picks_the_output_padding_like_torch():
    ours, theirs = nn.ConvTranspose1d(2, 3, 3, stride=2, padding=1), torch.nn.ConvTranspose1d(
        2, 3, 3, stride=2, padding=1)
    copy_weights(ours, theirs)
    x = np.random.default_rng(3).standard_normal((1, 2, 4)).astype(np.float32)
    for size in [(7,), (8,), (1, 3, 8)]:
        assert_close(ours(x, output_size=size), theirs(torch.tensor(x), output_size=size))
    with pytest.raises(ValueError, match=r"ConvTranspose1d: output_size \(9,\) cannot be "
                                         r"reached .* range from \(7,\) to \(8,\)"):
        ours(x, output_size=(9,))


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.conv_transpose1d(np.zeros((1, 2, 4)), np.zeros((2, 1, 3)), stride=2,
                                output_padding=2), ValueError,
     r"conv_transpose1d: output_padding 2 must be smaller than the stride 2 or the "
     r"dilation 1"),
    (lambda: F.conv_transpose1d(np.zeros((1, 2, 1)), np.zeros((2, 1, 1)), padding=1),
     ValueError, r"conv_transpose1d: the output would be -1 long for an input of shape "
                 r"\(1, 2, 1\) \(padding 1 is too large\)"),
    (lambda: F.conv_transpose1d(np.zeros((1, 3, 4)), np.zeros((2, 1, 3))), ValueError,
     r"conv_transpose1d: the input has 3 channels .* expects 2 \(weight layout "
     r"\(C, OC/groups, K\)\)"),
    (lambda: F.conv_transpose1d(np.zeros((1, 2, 4, 4)), np.zeros((2, 1, 3))), ValueError,
     r"conv_transpose1d: expected an input of shape \(N, C, L\)"),
    (lambda: F.conv_transpose1d(np.zeros((1, 2, 4)), np.zeros((2, 1, 3, 3))), ValueError,
     r"conv_transpose1d: expected a weight of shape \(C, OC/groups, K\)"),
    (lambda: F.conv_transpose1d(np.zeros((1, 2, 4)), np.zeros((2, 1, 3)), stride=(1, 2)),
     TypeError, r"conv_transpose1d: stride must be an int or a 1-tuple"),
    (lambda: F.conv_transpose1d(np.zeros((1, 2, 4)), np.zeros((2, 1, 3)), bias=np.zeros(2)),
     ValueError, r"conv_transpose1d: bias of shape \(2,\) does not match 1 output channels"),
    (lambda: nn.ConvTranspose1d(3, 4, 3, groups=2), ValueError,
     r"ConvTranspose1d: in_channels=3 must be divisible by groups=2"),
    (lambda: nn.ConvTranspose1d(2, 4, 3, padding="same"), ValueError,
     r"ConvTranspose1d: padding must be an int or a tuple of ints, got 'same'"),
])
def test_errors_name_the_op_and_what_was_wrong(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("transposed, x_shape, w_shape", [
    (F.conv_transpose1d, (1, 2, 0), (2, 1, 3)),
    (F.conv_transpose2d, (1, 2, 0, 4), (2, 1, 3, 3)),
    (F.conv_transpose3d, (1, 2, 2, 0, 2), (2, 1, 2, 2, 2))])
def test_an_empty_spatial_axis_is_refused_as_in_torch(transposed, x_shape, w_shape):
    # it gave an output of bias alone, e.g. (1, 1, 2, 6) for (1, 2, 0, 4), from no input
    with pytest.raises(ValueError, match=r"conv_transpose\dd: the input of shape .* has an "
                                         r"empty spatial axis"):
        transposed(np.zeros(x_shape), np.ones(w_shape), np.ones(1))
    empty_batch = (0,) + x_shape[1:2] + (3,) * (len(x_shape) - 2)
    assert transposed(np.zeros(empty_batch), np.ones(w_shape)).shape[:2] == (0, 1)
