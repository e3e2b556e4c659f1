"""F.conv3d / F.conv_transpose3d and nn.Conv3d / nn.ConvTranspose3d against PyTorch: values
and gradients (input, weight, bias) over random geometries in float32 and float64, second
order numerically, reprs, state_dicts, output_size, unbatched inputs and every error."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
import nn.functional as F
from autograd import Variable
from autograd.testing import assert_gradients_match

from ._helpers import assert_close, assert_parameter_grads_match, copy_weights

torch = pytest.importorskip("torch")
TF = torch.nn.functional

small = st.integers(1, 2)
triples = st.tuples(small, small, small)


@st.composite
def geometries(draw, transposed):
    groups = draw(small)
    kernel = draw(st.tuples(*[st.integers(1, 3)] * 3))
    stride, dilation = draw(triples), draw(triples)
    padding = draw(st.tuples(*[st.integers(0, 2)] * 3))
    size = draw(st.tuples(*[st.integers(1, 5)] * 3))
    extra = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    return dict(groups=groups, c=groups * draw(small), oc=groups * draw(small), kernel=kernel,
                stride=stride, dilation=dilation, padding=padding, size=size,
                output_padding=extra if transposed else None)


def _run_both(g, transposed, dtype, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, g["c"]) + g["size"]).astype(dtype)
    shape = ((g["c"], g["oc"] // g["groups"]) if transposed else
             (g["oc"], g["c"] // g["groups"])) + g["kernel"]
    w, b = rng.standard_normal(shape).astype(dtype), rng.standard_normal(g["oc"]).astype(dtype)
    common = dict(stride=g["stride"], padding=g["padding"], dilation=g["dilation"],
                  groups=g["groups"])
    if transposed:
        common["output_padding"] = g["output_padding"]
    op, theirs = ((F.conv_transpose3d, TF.conv_transpose3d) if transposed
                  else (F.conv3d, TF.conv3d))
    tensors = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    try:
        want = theirs(*tensors, **common)
    except RuntimeError:  # a geometry torch refuses: ours refuses it too
        want = None
    if want is None or want.numel() == 0:  # (an empty transposed output: rungrad refuses the
        with pytest.raises(ValueError):    # padding as too large, PyTorch returns it)
            op(x, w, b, **common)
        return
    variables = [Variable(a) for a in (x, w, b)]
    got = op(*variables, **common)
    tol = 1e-4 if dtype == np.float32 else 1e-10
    assert got.dtype == dtype
    assert_close(got, want, tol)
    gy = rng.standard_normal(got.shape).astype(dtype)
    (got * Variable(gy)).sum().backward()
    (want * torch.tensor(gy)).sum().backward()
    for ours, theirs_t in zip(variables, tensors):
        assert_close(ours.grad, theirs_t.grad, tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("transposed", [False, True], ids=["conv3d", "conv_transpose3d"])
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_values_and_gradients_match_torch(dtype, transposed, data):
    g = data.draw(geometries(transposed))
    _run_both(g, transposed, dtype, data.draw(st.integers(0, 2**16)))


@pytest.mark.parametrize("padding", ["same", "valid"])
def test_named_padding_matches_torch(padding):
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((2, 2, 4, 5, 3)), rng.standard_normal((3, 2, 2, 3, 2))
    ours = F.conv3d(x, w, padding=padding, dilation=(2, 1, 1))
    assert_close(ours, TF.conv3d(torch.tensor(x), torch.tensor(w), padding=padding,
                                 dilation=(2, 1, 1)), 1e-10)


def test_unbatched_volume_as_torch_takes_it():
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((2, 3, 4, 3)), rng.standard_normal((4, 2, 2, 2, 2))
    assert_close(F.conv3d(x, w), TF.conv3d(torch.tensor(x), torch.tensor(w)), 1e-10)
    w = w.transpose(1, 0, 2, 3, 4)
    assert_close(F.conv_transpose3d(x, w, stride=2),
                 TF.conv_transpose3d(torch.tensor(x), torch.tensor(w), stride=2), 1e-10)


@pytest.mark.parametrize("x_shape, w_shape, kwargs", [
    # depth 1, kernel depth 2 dilated by 2, padding 1: the taps land at depths -1 and 1 of
    # an output 1 deep
    ((2, 1, 1, 4, 2), (1, 2, 2, 2, 3), dict(stride=(1, 1, 3), padding=(1, 2, 2),
                                            output_padding=(0, 0, 1), dilation=(2, 1, 2))),
    ((1, 1, 1, 2, 2), (1, 1, 2, 1, 1), dict(padding=(1, 0, 0), dilation=(2, 1, 1))),
])
def test_transposed_taps_that_all_miss_the_output_depth_give_the_bias(x_shape, w_shape, kwargs):
    """No kernel depth reaches the output: PyTorch returns the bias alone (zero gradients
    for x and the weight); ours failed with 'transpose: ... got NoneType'."""
    rng = np.random.default_rng(4)
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(
        w_shape[1])
    tensors = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    variables = [Variable(a) for a in (x, w, b)]
    want, got = TF.conv_transpose3d(*tensors, **kwargs), F.conv_transpose3d(*variables, **kwargs)
    assert_close(got, want, 1e-12)
    gy = rng.standard_normal(got.shape)
    got.backward(gy)
    want.backward(torch.tensor(gy))
    for ours, theirs in zip(variables, tensors):
        assert_close(ours.grad, theirs.grad, 1e-12)


@pytest.mark.parametrize("transposed", [False, True])
def test_second_order_gradients_numerically(transposed):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((1, 2, 3, 2, 3))
    if transposed:
        w = rng.standard_normal((2, 1, 2, 1, 2))
        assert_gradients_match(lambda a, b, c: F.conv_transpose3d(a, b, c, stride=(2, 1, 1),
                                                                   padding=(1, 0, 0)),
                               x, w, rng.standard_normal(1), order=2)
    else:
        w = rng.standard_normal((2, 1, 2, 2, 2))
        assert_gradients_match(lambda a, b, c: F.conv3d(a, b, c, padding=(1, 0, 1), groups=2),
                               x, w, rng.standard_normal(2), order=2)


LAYERS = [
    ("Conv3d", dict(in_channels=2, out_channels=4, kernel_size=3, padding=1)),
    ("Conv3d", dict(in_channels=4, out_channels=2, kernel_size=(1, 2, 3), stride=(2, 1, 1),
                    dilation=(1, 2, 1), groups=2, bias=False)),
    ("Conv3d", dict(in_channels=2, out_channels=2, kernel_size=3, padding="same",
                    padding_mode="reflect")),
    ("Conv3d", dict(in_channels=2, out_channels=2, kernel_size=2, padding=1,
                    padding_mode="circular")),
    ("ConvTranspose3d", dict(in_channels=2, out_channels=4, kernel_size=(2, 3, 2), stride=2,
                             padding=(0, 1, 0), output_padding=1, groups=2)),
    ("ConvTranspose3d", dict(in_channels=2, out_channels=3, kernel_size=2, dilation=2,
                             bias=False)),
]


@pytest.mark.parametrize("name, kwargs", LAYERS)
def test_layers_match_torch(name, kwargs):
    ours, theirs = getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(ours) == repr(theirs)
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == [
        (k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    copy_weights(ours, theirs)
    x = np.random.default_rng(4).standard_normal((2, kwargs["in_channels"], 3, 4, 3))
    x = x.astype(np.float32)
    y, want = ours(x), theirs(torch.tensor(x))
    assert y.dtype == np.float32
    assert_close(y, want, 1e-4)
    y.sum().backward()
    want.sum().backward()
    assert_parameter_grads_match(ours, theirs, 1e-3)
    assert repr(type(ours)(**ours.get_config())) == repr(ours)


def test_transposed_layer_output_size_picks_the_output_padding_like_torch():
    kwargs = dict(in_channels=2, out_channels=3, kernel_size=3, stride=2, padding=1)
    ours, theirs = nn.ConvTranspose3d(**kwargs), torch.nn.ConvTranspose3d(**kwargs)
    copy_weights(ours, theirs)
    x = np.random.default_rng(5).standard_normal((1, 2, 3, 4, 2)).astype(np.float32)
    size = (6, 7, 4)
    assert_close(ours(x, output_size=size), theirs(torch.tensor(x), output_size=size), 1e-4)
    with pytest.raises(ValueError, match=r"ConvTranspose3d: output_size \(9, 9, 9\) cannot"):
        ours(x, output_size=(9, 9, 9))


ERRORS = [
    (lambda: F.conv3d(np.zeros((1, 2, 3)), np.zeros((1, 2, 1, 1, 1))), ValueError,
     r"conv3d: expected an input of shape \(N, C, D, H, W\), or one unbatched \(C, D, H, W\), "
     r"got \(1, 2, 3\)"),
    (lambda: F.conv3d(np.zeros((1, 2, 3, 3, 3)), np.zeros((1, 2, 1, 1))), ValueError,
     r"conv3d: expected a weight of shape \(OC, C/groups, KD, KH, KW\), got \(1, 2, 1, 1\)"),
    (lambda: F.conv3d(np.zeros((1, 3, 3, 3, 3)), np.zeros((1, 2, 1, 1, 1))), ValueError,
     r"conv3d: the input has 3 channels \(shape \(1, 3, 3, 3, 3\)\) but the weight"),
    (lambda: F.conv3d(np.zeros((1, 2, 2, 3, 3)), np.zeros((1, 2, 3, 1, 1))), ValueError,
     r"conv3d: kernel size \(3, 1, 1\) is bigger than the padded input \(2, 3, 3\)"),
    (lambda: F.conv3d(np.zeros((1, 2, 3, 3, 3)), np.zeros((1, 2, 1, 1, 1)), stride=(1, 1)),
     TypeError, r"conv3d: stride must be an int or a triple of ints, got \(1, 1\)"),
    (lambda: F.conv3d(np.zeros((1, 2, 3, 3, 3)), np.zeros((1, 2, 1, 1, 1)), padding="full"),
     ValueError, r"conv3d: padding must be 'valid', 'same'"),
    (lambda: F.conv3d(np.zeros((1, 2, 3, 3, 3)), np.zeros((1, 2, 1, 1, 1)), padding="same",
                      stride=2), ValueError, r"conv3d: padding='same' needs stride 1"),
    (lambda: F.conv3d(np.zeros((1, 2, 3, 3, 3)), np.zeros((3, 1, 1, 1, 1)), groups=2),
     ValueError, r"conv3d: groups=2 must divide the weight's channels \(3, 1, 1, 1, 1\)"),
    (lambda: F.conv3d(np.zeros((1, 2, 3, 3, 3)), np.zeros((1, 2, 1, 1, 1)), np.zeros(2)),
     ValueError, r"conv3d: bias of shape \(2,\) does not match 1 output channels"),
    (lambda: F.conv3d(np.zeros((1, 2, 3, 3, 3)), np.zeros((1, 2, 1, 1, 1), np.int64)),
     TypeError, r"conv3d: expected a numeric input and a floating-point weight"),
    (lambda: F.conv_transpose3d(np.zeros((1, 2, 3, 3, 3)), np.zeros((2, 1, 1, 1, 1)),
                                output_padding=1), ValueError,
     r"conv_transpose3d: output_padding \(1, 1, 1\) must be smaller than the stride"),
    (lambda: F.conv_transpose3d(np.zeros((1, 2, 1, 1, 1)), np.zeros((2, 1, 1, 1, 1)),
                                padding=1), ValueError,
     r"conv_transpose3d: the output would be \(-1, -1, -1\) for an input of shape"),
    (lambda: F.conv_transpose3d(np.zeros((1, 3, 1, 1, 1)), np.zeros((2, 1, 1, 1, 1))),
     ValueError, r"conv_transpose3d: the input has 3 channels"),
    (lambda: F.conv_transpose3d(np.zeros((1, 2, 3)), np.zeros((2, 1, 1, 1, 1))), ValueError,
     r"conv_transpose3d: expected an input of shape \(N, C, D, H, W\)"),
    (lambda: nn.Conv3d(2, 2, (1, 2)), TypeError,
     r"Conv3d: kernel_size must be an int or a triple of ints, got \(1, 2\)"),
    (lambda: nn.Conv3d(2, 2, 3, padding="same", stride=2), ValueError,
     r"Conv3d: padding='same' needs stride 1"),
    (lambda: nn.Conv3d(2, 3, 3, groups=2), ValueError,
     r"Conv3d: out_channels=3 must be divisible by groups=2"),
    (lambda: nn.ConvTranspose3d(2, 2, 3, padding_mode="reflect"), ValueError,
     r"ConvTranspose3d: padding_mode must be 'zeros'"),
    (lambda: nn.Conv3d(2, 2, 3)(np.zeros((1, 3, 3, 3, 3), np.float32)), ValueError,
     r"conv3d: the input has 3 channels"),
]


@pytest.mark.parametrize("make, error, message", ERRORS)
def test_errors_name_what_was_wrong(make, error, message):
    with pytest.raises(error, match=message):
        make()
