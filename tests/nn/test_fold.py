"""F.unfold / F.fold and nn.Unfold / nn.Fold against PyTorch: values and gradients on random
geometries (dilation included) in float32 and float64, fold(unfold(x)), unbatched inputs,
numerical first and second order, reprs, and the errors."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
import nn.functional as F
from autograd import Variable, gradcheck, gradgradcheck

from ._helpers import assert_close

torch = pytest.importorskip("torch")
TF = torch.nn.functional


@st.composite
def blocks(draw):
    """(x, kwargs) with sliding blocks that fit x (N, C, H, W), float32 or float64."""
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(2))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(2))
    padding = tuple(draw(st.integers(0, 2)) for _ in range(2))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(2))
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    sizes = tuple(draw(st.integers(max(1, span - 2 * p), span - 2 * p + 5))
                  for span, p in zip(spans, padding))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    x = rng.standard_normal((draw(st.integers(1, 2)), draw(st.integers(1, 3))) + sizes)
    return x.astype(dtype), dict(kernel_size=kernel, dilation=dilation, padding=padding,
                                 stride=stride)


def _tol(dtype):
    return 1e-5 if dtype == np.float32 else 1e-12


def _compare(ours, theirs, x, tol):
    """Values, dtype and the gradient for a random upstream gradient, against PyTorch."""
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    y, yt = ours(xv), theirs(xt)
    assert_close(y, yt, tol=tol)
    assert y.dtype == x.dtype
    gy = np.random.default_rng(1).standard_normal(y.shape).astype(x.dtype)
    y.backward(gy)
    yt.backward(torch.tensor(gy))
    assert_close(xv.grad, xt.grad, tol=tol)
    assert xv.grad.dtype == x.dtype


@given(blocks())
def test_unfold_matches_torch(case):
    x, kwargs = case
    _compare(lambda v: F.unfold(v, **kwargs), lambda t: TF.unfold(t, **kwargs), x,
             _tol(x.dtype))


@given(blocks())
def test_fold_matches_torch(case):
    x, kwargs = case
    columns = TF.unfold(torch.tensor(x), **kwargs).numpy()
    columns = np.random.default_rng(2).standard_normal(columns.shape).astype(x.dtype)
    size = x.shape[2:]
    _compare(lambda v: F.fold(v, size, **kwargs), lambda t: TF.fold(t, size, **kwargs),
             columns, _tol(x.dtype))


@given(blocks())
def test_fold_of_unfold_matches_torch(case):
    """Each pixel times the number of blocks that cover it."""
    x, kwargs = case
    size = x.shape[2:]
    _compare(lambda v: F.fold(F.unfold(v, **kwargs), size, **kwargs),
             lambda t: TF.fold(TF.unfold(t, **kwargs), size, **kwargs), x, _tol(x.dtype))


def test_unbatched_inputs_as_torch_takes_them():
    x = np.random.default_rng(3).standard_normal((2, 5, 4))
    kwargs = dict(kernel_size=(2, 3), dilation=(2, 1), padding=1, stride=(1, 2))
    _compare(lambda v: F.unfold(v, **kwargs), lambda t: TF.unfold(t, **kwargs), x, 1e-12)
    columns = TF.unfold(torch.tensor(x), **kwargs).numpy()
    assert columns.ndim == 2
    _compare(lambda v: F.fold(v, (5, 4), **kwargs), lambda t: TF.fold(t, (5, 4), **kwargs),
             columns, 1e-12)


def test_unfold_and_fold_are_each_others_adjoint():
    """<unfold(x), c> = <x, fold(c)> for any x and c."""
    rng = np.random.default_rng(4)
    kwargs = dict(kernel_size=3, dilation=2, padding=(1, 2), stride=2)
    x = rng.standard_normal((2, 3, 7, 6))
    columns = rng.standard_normal(F.unfold(x, **kwargs).shape)
    left = np.sum(F.unfold(x, **kwargs).data * columns)
    right = np.sum(x * F.fold(columns, (7, 6), **kwargs).data)
    np.testing.assert_allclose(left, right, rtol=1e-12)


@pytest.mark.parametrize("kwargs", [
    dict(kernel_size=2),
    dict(kernel_size=(2, 3), dilation=(1, 2), padding=1, stride=(2, 1)),
])
def test_first_and_second_order_match_numerical(kwargs):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((1, 2, 4, 5))
    gradcheck(lambda v: F.unfold(v, **kwargs), x)
    gradgradcheck(lambda v: F.unfold(v, **kwargs), x)
    columns = rng.standard_normal(F.unfold(x, **kwargs).shape)
    gradcheck(lambda v: F.fold(v, (4, 5), **kwargs), columns)
    gradgradcheck(lambda v: F.fold(v, (4, 5), **kwargs), columns)
    # a graph where the second order is not zero: the product of the two ops
    gradgradcheck(lambda v: F.fold(F.unfold(v, **kwargs) ** 2, (4, 5), **kwargs), x)


@pytest.mark.parametrize("args, kwargs", [
    ((3,), {}),
    (((2, 3),), dict(dilation=(1, 2), padding=1, stride=2)),
])
def test_layers_match_torch(args, kwargs):
    x = np.random.default_rng(6).standard_normal((2, 3, 6, 7)).astype(np.float32)
    unfold, theirs = nn.Unfold(*args, **kwargs), torch.nn.Unfold(*args, **kwargs)
    assert repr(unfold) == repr(theirs)
    _compare(unfold, theirs, x, 1e-5)
    columns = theirs(torch.tensor(x)).numpy()
    fold, theirs = nn.Fold((6, 7), *args, **kwargs), torch.nn.Fold((6, 7), *args, **kwargs)
    assert repr(fold) == repr(theirs)
    _compare(fold, theirs, columns, 1e-5)
    for layer in (unfold, fold):
        assert repr(type(layer)(**layer.get_config())) == repr(layer)


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.unfold(np.zeros((2, 3)), 2), ValueError,
     r"unfold: expected an input of shape \(N, C, H, W\), or one unbatched \(C, H, W\), "
     r"got shape \(2, 3\)"),
    (lambda: F.unfold(np.zeros((1, 1, 1, 3, 3)), 2), ValueError,
     r"unfold: expected an input of shape \(N, C, H, W\)"),
    (lambda: F.unfold(np.zeros((1, 1, 3, 3)), 2, dilation=3), ValueError,
     r"unfold: kernel size \(2, 2\) with dilation \(3, 3\) \(spanning \(4, 4\)\) is bigger "
     r"than the padded input \(3, 3\)"),
    (lambda: F.unfold(np.zeros((1, 1, 3, 3)), 0), ValueError,
     r"unfold: kernel_size must be at least 1, got 0"),
    (lambda: F.unfold(np.zeros((1, 1, 3, 3)), 2, stride=(1, 2, 3)), TypeError,
     r"unfold: stride must be an int or a pair of ints"),
    (lambda: F.unfold(np.zeros((1, 1, 3, 3)), 2, padding=-1), ValueError,
     r"unfold: padding must be at least 0"),
    (lambda: F.fold(np.zeros(4), (3, 3), 2), ValueError,
     r"fold: expected an input of shape \(N, C\*KH\*KW, L\), or one unbatched "
     r"\(C\*KH\*KW, L\), got shape \(4,\)"),
    (lambda: F.fold(np.zeros((1, 5, 4)), (3, 3), 2), ValueError,
     r"fold: the input's dimension 1 \(5, input shape \(1, 5, 4\)\) must be divisible by "
     r"the product of kernel_size \(2, 2\) \(4\)"),
    (lambda: F.fold(np.zeros((1, 4, 5)), (3, 3), 2), ValueError,
     r"fold: output_size=\(3, 3\), kernel_size=\(2, 2\), dilation=\(1, 1\), "
     r"padding=\(0, 0\), stride=\(1, 1\) make 2 \* 2 = 4 sliding blocks, but the input's "
     r"dimension 2 is 5"),
    (lambda: F.fold(np.zeros((1, 4, 1)), (1, 3), 2), ValueError,
     r"fold: no block of kernel_size \(2, 2\) with dilation \(1, 1\) fits in output_size "
     r"\(1, 3\) with padding \(0, 0\)"),
    (lambda: F.fold(np.zeros((1, 4, 4)), (3, 0), 2), ValueError,
     r"fold: output_size must be at least 1, got \(3, 0\)"),
    (lambda: F.fold(np.zeros((1, 4, 4)), 3.5, 2), TypeError,
     r"fold: output_size must be an int or a pair of ints, got 3.5"),
    (lambda: nn.Unfold(2, stride=0), ValueError, r"Unfold: stride must be at least 1"),
    (lambda: nn.Fold((3, -1), 2), ValueError, r"Fold: output_size must be at least 1"),
    (lambda: nn.Fold(3, (2, 2, 2)), TypeError, r"Fold: kernel_size must be an int or a pair"),
])
def test_errors_name_the_op_and_what_was_wrong(call, error, message):
    with pytest.raises(error, match=message):
        call()
