"""max_pool3d, avg_pool3d, adaptive_avg_pool3d, adaptive_max_pool3d and their modules
against PyTorch: values, gradients, indices (ties and NaN included), second order of
avg_pool3d numerically, reprs, unbatched inputs and every error."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
import nn.functional as F
from autograd import Variable
from autograd.testing import assert_gradients_match

from ._helpers import assert_close

torch = pytest.importorskip("torch")
TF = torch.nn.functional


@st.composite
def cases(draw):
    kernel = draw(st.tuples(*[st.integers(1, 3)] * 3))
    return dict(kernel=kernel, stride=draw(st.tuples(*[st.integers(1, 2)] * 3)),
                padding=tuple(draw(st.integers(0, k // 2)) for k in kernel),
                dilation=draw(st.tuples(*[st.integers(1, 2)] * 3)),
                size=draw(st.tuples(*[st.integers(1, 5)] * 3)), ceil=draw(st.booleans()),
                out=draw(st.tuples(*[st.integers(1, 4)] * 3)),
                ties=draw(st.booleans()), seed=draw(st.integers(0, 2**16)))


def _input(case, dtype):
    rng = np.random.default_rng(case["seed"])
    shape = (2, 2) + case["size"]
    # small integers: many ties, where PyTorch's (d, h, w) scan order picks the winner
    x = rng.integers(-2, 2, shape) if case["ties"] else rng.standard_normal(shape)
    return x.astype(dtype), rng


def _ours_and_theirs(kind, case, dtype):
    x, rng = _input(case, dtype)
    k, s, p, d, c = (case[n] for n in ("kernel", "stride", "padding", "dilation", "ceil"))
    calls = {
        "max": (lambda f, v: f.max_pool3d(v, k, s, p, d, c, True)),
        "avg": (lambda f, v: f.avg_pool3d(v, k, s, p, c, bool(case["seed"] % 2),
                                          (None, 3)[case["seed"] % 3 == 0])),
        "adaptive_max": (lambda f, v: f.adaptive_max_pool3d(v, case["out"], True)),
        "adaptive_avg": (lambda f, v: f.adaptive_avg_pool3d(v, case["out"])),
    }
    return x, rng, calls[kind]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kind", ["max", "avg", "adaptive_max", "adaptive_avg"])
@settings(max_examples=15, deadline=None)
@given(case=cases())
def test_values_indices_and_gradients_match_torch(kind, dtype, case):
    x, rng, call = _ours_and_theirs(kind, case, dtype)
    xt = torch.tensor(x, requires_grad=True)
    try:
        want = call(TF, xt)
    except RuntimeError as error:  # a window torch refuses: ours refuses it too
        if kind == "avg" and "smaller than kernel size" in str(error):
            return  # but for avg_pool3d's unpadded-size rule (see the test below)
        with pytest.raises(ValueError):
            call(F, x)
        return
    xv = Variable(x)
    try:
        got = call(F, xv)
    except ValueError as error:  # (windows of only padding: refused, as by the 2-D pools)
        assert "covers only padding" in str(error)
        return
    if isinstance(got, tuple):
        (got, indices), (want, want_indices) = got, want
        assert indices.dtype == np.int64
        np.testing.assert_array_equal(indices, want_indices.numpy())
    assert got.dtype == dtype
    assert_close(got, want, 1e-6)
    gy = rng.standard_normal(got.shape).astype(dtype)
    (got * Variable(gy)).sum().backward()
    (want * torch.tensor(gy)).sum().backward()
    assert_close(xv.grad, xt.grad, 1e-5)


@pytest.mark.parametrize("adaptive", [False, True])
def test_max_pool_indices_with_nan_as_torch(adaptive):
    x = np.random.default_rng(0).standard_normal((1, 2, 4, 4, 4))
    x[0, 0, 1, 2, 3] = x[0, 0, 2, 0, 1] = x[0, 1, 3, 3, 3] = np.nan
    ours = F.adaptive_max_pool3d(x, 2, True) if adaptive else F.max_pool3d(x, 3, 1, 1,
                                                                             return_indices=True)
    theirs = (TF.adaptive_max_pool3d(torch.tensor(x), 2, True) if adaptive else
              TF.max_pool3d(torch.tensor(x), 3, 1, 1, return_indices=True))
    np.testing.assert_array_equal(ours[1], theirs[1].numpy())
    np.testing.assert_array_equal(ours[0].data, theirs[0].numpy())


@pytest.mark.parametrize("count_include_pad", [True, False])
def test_avg_pool3d_window_wider_than_the_input_but_not_the_padded_input(count_include_pad):
    """The padded input is what must hold the window (as avg_pool2d and max_pool3d have it;
    PyTorch's avg_pool3d alone refuses it): the mean over the zero-padded input, or with
    count_include_pad=False its sums over the count of input positions in each window."""
    x = np.random.default_rng(2).standard_normal((2, 2, 2, 3, 4))
    kernel, padding = (3, 5, 3), (1, 2, 1)
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    got = F.avg_pool3d(xv, kernel, 1, padding, count_include_pad=count_include_pad)

    def padded_mean(v):
        return TF.avg_pool3d(TF.pad(v, (1, 1, 2, 2, 1, 1)), kernel, 1)

    want = padded_mean(xt)
    if not count_include_pad:
        want = want / padded_mean(torch.ones_like(xt))
    assert_close(got, want, 1e-12)
    got.sum().backward()
    want.sum().backward()
    assert_close(xv.grad, xt.grad, 1e-12)


def test_avg_pool3d_second_order_numerically():
    x = np.random.default_rng(1).standard_normal((1, 1, 3, 3, 2))
    assert_gradients_match(lambda v: F.avg_pool3d(v, 2, 1, 1, count_include_pad=False) ** 2,
                           x, order=2)
    assert_gradients_match(lambda v: F.adaptive_avg_pool3d(v, (2, 2, 1)) ** 2, x, order=2)


def test_unbatched_volumes_as_torch():
    x = np.random.default_rng(2).standard_normal((2, 4, 3, 5))
    xt = torch.tensor(x)
    assert_close(F.avg_pool3d(x, 2), TF.avg_pool3d(xt, 2))
    assert_close(F.adaptive_avg_pool3d(x, (2, 1, 3)), TF.adaptive_avg_pool3d(xt, (2, 1, 3)))
    for ours, theirs in ((F.max_pool3d(x, 2, return_indices=True),
                          TF.max_pool3d(xt, 2, return_indices=True)),
                         (F.adaptive_max_pool3d(x, 2, True), TF.adaptive_max_pool3d(xt, 2, True))):
        assert_close(ours[0], theirs[0])
        np.testing.assert_array_equal(ours[1], theirs[1].numpy())


MODULES = [
    ("MaxPool3d", dict(kernel_size=2)),
    ("MaxPool3d", dict(kernel_size=(2, 1, 2), stride=1, padding=(1, 0, 1), dilation=(1, 1, 2),
                       return_indices=True, ceil_mode=True)),
    ("AvgPool3d", dict(kernel_size=2, stride=1, padding=1, ceil_mode=True,
                       count_include_pad=False, divisor_override=3)),
    ("AvgPool3d", dict(kernel_size=(3, 2, 2))),
    ("AdaptiveAvgPool3d", dict(output_size=(2, None, 3))),
    ("AdaptiveMaxPool3d", dict(output_size=2, return_indices=True)),
]


@pytest.mark.parametrize("name, kwargs", MODULES)
def test_modules_match_torch(name, kwargs):
    ours, theirs = getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(ours) == repr(theirs)
    assert ours.state_dict() == {} and not theirs.state_dict()
    x = np.random.default_rng(3).standard_normal((2, 2, 4, 5, 4)).astype(np.float32)
    got, want = ours(x), theirs(torch.tensor(x))
    if isinstance(got, tuple):
        np.testing.assert_array_equal(got[1], want[1].numpy())
        got, want = got[0], want[0]
    assert got.dtype == np.float32
    assert_close(got, want)
    assert repr(type(ours)(**ours.get_config())) == repr(ours)


def test_with_indices_variants_always_return_indices():
    x = np.random.default_rng(4).standard_normal((1, 1, 2, 2, 2))
    assert len(F.max_pool3d_with_indices(x, 2)) == 2
    assert len(F.adaptive_max_pool3d_with_indices(x, 1)) == 2


X = np.zeros((1, 1, 3, 3, 3))
ERRORS = [
    (lambda: F.max_pool3d(np.zeros((1, 3, 3)), 2), ValueError,
     r"max_pool3d: expected an input of shape \(N, C, D, H, W\), got \(1, 3, 3\)"),
    (lambda: F.max_pool3d(X.astype(np.int64), 2), TypeError,
     r"max_pool3d: expected a floating-point input, got dtype int64"),
    (lambda: F.max_pool3d(X, (2, 2)), TypeError,
     r"max_pool3d: kernel_size must be an int or a triple of ints, got \(2, 2\)"),
    (lambda: F.max_pool3d(X, 2, padding=2), ValueError,
     r"max_pool3d: padding \(2, 2, 2\) must be at most half of the kernel size \(2, 2, 2\)"),
    (lambda: F.max_pool3d(X, 4), ValueError,
     r"max_pool3d: kernel size \(4, 4, 4\) is bigger than the padded input \(3, 3, 3\)"),
    (lambda: F.max_pool3d(np.zeros((1, 1, 5, 1, 4)), (2, 2, 1), 1, (1, 1, 0), (1, 2, 2)),
     ValueError,
     r"max_pool3d: window 0 along H covers only padding"),
    (lambda: F.avg_pool3d(X, 2, divisor_override=0), ValueError,
     r"avg_pool3d: divisor_override must be"),
    (lambda: F.avg_pool3d(X, (6, 1, 1), padding=(1, 0, 0)), ValueError,
     r"avg_pool3d: kernel size \(6, 1, 1\) is bigger than the padded input \(5, 3, 3\)"),
    (lambda: F.avg_pool3d(X, 2, stride=0), ValueError, r"avg_pool3d: stride must be at least 1"),
    (lambda: F.adaptive_avg_pool3d(X, (2, 2)), ValueError,
     r"adaptive_avg_pool3d: output_size must be an int or a triple, got \(2, 2\)"),
    (lambda: F.adaptive_avg_pool3d(np.zeros((1, 1, 0, 2, 2)), 1), ValueError,
     r"adaptive_avg_pool3d: expected an input with non-zero channels, depth, height and width"),
    (lambda: F.adaptive_max_pool3d(np.zeros((3, 3, 3)), 1), ValueError,
     r"adaptive_max_pool3d: expected an input of shape \(N, C, D, H, W\), got \(3, 3, 3\)"),
    (lambda: F.adaptive_max_pool3d(X, 0), ValueError,
     r"adaptive_max_pool3d: output_size must be"),
    (lambda: nn.MaxPool3d((2, 2)), TypeError,
     r"MaxPool3d: kernel_size must be an int or a triple of ints"),
    (lambda: nn.AvgPool3d(2, padding=-1), ValueError, r"AvgPool3d: padding must be at least 0"),
    (lambda: nn.AdaptiveMaxPool3d((1, 2)), ValueError,
     r"AdaptiveMaxPool3d: output_size must be an int or a triple"),
]


@pytest.mark.parametrize("make, error, message", ERRORS)
def test_errors_name_what_was_wrong(make, error, message):
    with pytest.raises(error, match=message):
        make()
