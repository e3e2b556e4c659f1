"""conv2d with dilation and groups, conv_transpose2d, conv1d and their layers (Conv2d,
ConvTranspose2d, Conv1d, LazyConv2d): values and gradients against PyTorch in float64 on
random geometries, numerical first and second order, and the errors."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
import nn.functional as F
import optim
from autograd import Variable, gradcheck, gradgradcheck
from autograd.variable import UninitializedParameter

from ._helpers import assert_close, copy_weights

torch = pytest.importorskip("torch")
TF = torch.nn.functional


@st.composite
def geometries(draw, dims=2, transposed=False):
    """(x, weight, bias, kwargs) for a convolution of `dims` spatial axes that fits."""
    groups = draw(st.integers(1, 3))
    cin, cout = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(dims))
    padding = tuple(draw(st.integers(0, 2)) for _ in range(dims))
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    if transposed:
        sizes = [draw(st.integers(1, 4)) for _ in range(dims)]
        extra = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
        for size, s, p, span, e in zip(sizes, stride, padding, spans, extra):
            if (size - 1) * s - 2 * p + span + e < 1:
                padding = (0,) * dims
        weight_shape = (cin, cout // groups) + kernel
        kwargs = dict(stride=stride, padding=padding, output_padding=extra, groups=groups,
                      dilation=dilation)
    else:
        sizes = [draw(st.integers(max(1, span - 2 * p), span - 2 * p + 4))
                 for span, p in zip(spans, padding)]
        weight_shape = (cout, cin // groups) + kernel
        kwargs = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    x = rng.standard_normal((draw(st.integers(1, 2)), cin) + tuple(sizes))
    bias = rng.standard_normal(cout) if draw(st.booleans()) else None
    return x, rng.standard_normal(weight_shape), bias, kwargs


def compare_with_torch(ours, theirs, x, weight, bias, kwargs, tol=1e-10):
    ins = [a for a in (x, weight, bias) if a is not None]
    vs = [Variable(a) for a in ins]
    ts = [torch.tensor(a, requires_grad=True) for a in ins]
    y = ours(vs[0], vs[1], vs[2] if bias is not None else None, **kwargs)
    yt = theirs(ts[0], ts[1], ts[2] if bias is not None else None, **kwargs)
    assert_close(y, yt, tol=tol)
    gy = np.random.default_rng(0).standard_normal(y.shape)
    y.backward(gy)
    yt.backward(torch.tensor(gy))
    for v, t in zip(vs, ts):
        assert_close(v.grad, t.grad, tol=tol)


@given(geometries())
def test_conv2d_with_dilation_and_groups_matches_torch(case):
    compare_with_torch(F.conv2d, TF.conv2d, *case)


@given(geometries(transposed=True))
def test_conv_transpose2d_matches_torch(case):
    compare_with_torch(F.conv_transpose2d, TF.conv_transpose2d, *case)


@given(geometries(dims=1))
def test_conv1d_matches_torch(case):
    x, weight, bias, kwargs = case
    kwargs = {k: v[0] if isinstance(v, tuple) else v for k, v in kwargs.items()}
    compare_with_torch(F.conv1d, TF.conv1d, x, weight, bias, kwargs)


@settings(max_examples=10)
@given(st.sampled_from([(F.conv2d, False), (F.conv_transpose2d, True)]).flatmap(
    lambda op: st.tuples(st.just(op[0]), geometries(transposed=op[1]))))
def test_first_and_second_order_match_numerical(case):
    op, (x, weight, bias, kwargs) = case
    args = [x, weight] + ([bias] if bias is not None else [])
    f = lambda *v: op(*v, **kwargs) if len(v) == 3 else op(*v, None, **kwargs)  # noqa: E731
    gradcheck(f, *args)
    gradgradcheck(f, *args, mode="fast")


def test_conv_transpose2d_is_the_gradient_of_conv2d_wrt_its_input():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 4, 9, 8)), rng.standard_normal((6, 2, 3, 3))
    kwargs = dict(stride=2, padding=1, dilation=1, groups=2)
    xv = Variable(x)
    y = F.conv2d(xv, w, **kwargs)
    gy = rng.standard_normal(y.shape)
    y.backward(gy)
    back = F.conv_transpose2d(gy, w, output_padding=(0, 1), **kwargs)
    np.testing.assert_allclose(back.data, xv.grad.data, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("layer, kwargs, shape", [
    ("Conv2d", dict(in_channels=4, out_channels=6, kernel_size=3, dilation=2, groups=2), 9),
    ("Conv2d", dict(in_channels=3, out_channels=3, kernel_size=(3, 1), groups=3, padding=1,
                    bias=False), 6),
    ("ConvTranspose2d", dict(in_channels=16, out_channels=1, kernel_size=4, stride=2,
                             padding=1), 14),
    ("ConvTranspose2d", dict(in_channels=4, out_channels=6, kernel_size=(3, 2), stride=(2, 3),
                             padding=(1, 0), output_padding=(1, 2), groups=2, dilation=1), 5),
    ("ConvTranspose2d", dict(in_channels=2, out_channels=2, kernel_size=3, dilation=2,
                             bias=False), 4),
    ("Conv1d", dict(in_channels=4, out_channels=2, kernel_size=3, stride=2, padding=1,
                    dilation=2, groups=2), 11),
])
def test_layers_match_torch_in_float32(layer, kwargs, shape):
    ours, theirs = getattr(nn, layer)(**kwargs), getattr(torch.nn, layer)(**kwargs)
    copy_weights(ours, theirs)
    spatial = (shape,) if layer == "Conv1d" else (shape, shape - 1)
    x = np.random.default_rng(1).standard_normal((3, kwargs["in_channels"]) + spatial)
    x = x.astype(np.float32)
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    y, yt = ours(xv), theirs(xt)
    assert_close(y, yt, tol=1e-4)
    y.sum().backward()
    yt.sum().backward()
    assert_close(xv.grad, xt.grad, tol=1e-4)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert_close(p.grad, q.grad, tol=1e-3)
    assert y.dtype == np.float32 and xv.grad.dtype == np.float32


@pytest.mark.parametrize("layer, args, weight_shape", [
    ("ConvTranspose2d", (6, 4, 3), (6, 2, 3, 3)),  # (in, out/groups, KH, KW)
    ("Conv2d", (6, 4, 3), (4, 3, 3, 3)),
    ("Conv1d", (6, 4, 5), (4, 3, 5)),
])
def test_parameters_and_initialization_follow_pytorch(layer, args, weight_shape):
    np.random.seed(0)
    module = getattr(nn, layer)(*args, groups=2)
    assert [(n, p.shape, p.dtype) for n, p in module.named_parameters()] == [
        ("weight", weight_shape, np.float32), ("bias", (args[1],), np.float32)]
    bound = 1 / math.sqrt(math.prod(weight_shape[1:]))
    for param in module.parameters():
        assert np.all(np.abs(param.data) <= bound)
    assert np.std(module.weight.data) > bound / 4  # drawn, not constant
    theirs = getattr(torch.nn, layer)(*args, groups=2)
    assert repr(module) == repr(theirs)
    rebuilt = type(module)(**module.get_config())
    assert repr(rebuilt) == repr(module)


def test_lazy_conv2d_takes_in_channels_from_the_first_input_and_the_optimizer_follows():
    np.random.seed(0)
    model = nn.Sequential(nn.LazyConv2d(4, 3, padding=1), nn.ReLU(), nn.Flatten(),
                          nn.Linear(2))
    opt = optim.SGD(model.parameters(), lr=0.1)
    assert all(isinstance(p, UninitializedParameter) for p in model.parameters())
    x = np.random.default_rng(0).standard_normal((2, 3, 5, 5)).astype(np.float32)
    loss = F.cross_entropy(model(x), np.array([0, 1]))
    assert model[0].weight.shape == (4, 3, 3, 3) and model[0].in_channels == 3
    before = model[0].weight.data.copy()
    opt.zero_grad()
    loss.backward()
    opt.step()
    assert opt.param_groups[0]["params"][0] is model[0].weight
    assert not np.array_equal(before, model[0].weight.data)
    assert repr(model[0]) == "Conv2d(3, 4, kernel_size=(3, 3), stride=(1, 1), " \
                             "padding=(1, 1))"  # what it became (torch's cls_to_become)


def test_lazy_conv2d_loads_weights_before_the_first_call():
    trained = nn.LazyConv2d(4, 3, groups=2)
    x = np.random.default_rng(0).standard_normal((1, 6, 5, 5)).astype(np.float32)
    expected = trained(x).data
    fresh = nn.LazyConv2d(4, 3, groups=2)
    fresh.load_state_dict(trained.state_dict())
    assert fresh.in_channels == 6
    np.testing.assert_array_equal(fresh(x).data, expected)
    with pytest.raises(ValueError, match=r"LazyConv2d: 'bias' of shape \(3,\) does not fit"):
        nn.LazyConv2d(4, 3).load_state_dict({"weight": np.zeros((4, 2, 3, 3)),
                                             "bias": np.zeros(3)})


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.conv2d(np.zeros((1, 4, 5, 5)), np.zeros((6, 2, 3, 3)), groups=4), ValueError,
     r"conv2d: groups=4 must divide the weight's channels"),
    (lambda: F.conv2d(np.zeros((1, 3, 5, 5)), np.zeros((6, 2, 3, 3)), groups=2), ValueError,
     r"conv2d: the input has 3 channels .* expects 4 with groups=2"),
    (lambda: F.conv2d(np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 3, 3)), dilation=2), ValueError,
     r"conv2d: kernel size \(3, 3\) with dilation \(2, 2\) \(spanning \(5, 5\)\) is bigger"),
    (lambda: F.conv2d(np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 3, 3)), dilation=0), ValueError,
     r"conv2d: dilation must be at least 1"),
    (lambda: F.conv2d(np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 3, 3)), groups=0), ValueError,
     r"conv2d: groups must be a positive integer"),
    (lambda: F.conv_transpose2d(np.zeros((1, 2, 4, 4)), np.zeros((2, 1, 3, 3)), stride=2,
                                output_padding=2), ValueError,
     r"conv_transpose2d: output_padding \(2, 2\) must be smaller than the stride \(2, 2\) "
     r"or the dilation"),
    (lambda: F.conv_transpose2d(np.zeros((1, 3, 4, 4)), np.zeros((2, 1, 3, 3))), ValueError,
     r"conv_transpose2d: the input has 3 channels .* expects 2 \(weight layout \(C, OC/groups"),
    (lambda: F.conv_transpose2d(np.zeros((1, 2, 1, 1)), np.zeros((2, 1, 1, 1)), padding=1),
     ValueError, r"conv_transpose2d: the output would be \(-1, -1\)"),
    (lambda: F.conv_transpose2d(np.zeros((2, 4)), np.zeros((2, 1, 3, 3))), ValueError,
     r"conv_transpose2d: expected an input of shape \(N, C, H, W\)"),
    (lambda: F.conv1d(np.zeros((1, 2, 4, 4)), np.zeros((2, 2, 3))), ValueError,
     r"conv1d: expected an input of shape \(N, C, L\)"),
    (lambda: F.conv1d(np.zeros((1, 2, 4)), np.zeros((2, 2, 3)), stride=(1, 2)), TypeError,
     r"conv1d: stride must be an int or a 1-tuple"),
    (lambda: nn.Conv2d(4, 6, 3, groups=4), ValueError,
     r"Conv2d: out_channels=6 must be divisible by groups=4"),
    (lambda: nn.ConvTranspose2d(3, 4, 3, groups=2), ValueError,
     r"ConvTranspose2d: in_channels=3 must be divisible by groups=2"),
    (lambda: nn.LazyConv2d(4, 3)(np.zeros(3)), ValueError,
     r"LazyConv2d: cannot infer the input channels from an input of shape \(3,\)"),
])
def test_errors_name_the_op_and_what_was_wrong(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_conv_transpose2d_layer_output_size_picks_the_output_padding_like_torch():
    ours, theirs = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1), torch.nn.ConvTranspose2d(
        2, 3, 3, stride=2, padding=1)
    copy_weights(ours, theirs)
    x = np.random.default_rng(0).standard_normal((1, 2, 4, 5)).astype(np.float32)
    for size in [(7, 9), (8, 10), (1, 3, 8, 9)]:
        y, yt = ours(x, output_size=size), theirs(torch.tensor(x), output_size=size)
        assert_close(y, yt)
    assert ours.output_padding == (0, 0)
    with pytest.raises(ValueError, match=r"ConvTranspose2d: output_size \(9, 9\) cannot be "
                                         r"reached .* range from \(7, 9\) to \(8, 10\)"):
        ours(x, output_size=(9, 9))


@pytest.mark.parametrize("size", [(8, 9), (3, 8, 9)])
def test_conv_transpose2d_layer_output_size_of_an_unbatched_input_like_torch(size):
    # the spatial sizes are the input's last two, not shape[2:] (the width alone here)
    ours, theirs = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1), torch.nn.ConvTranspose2d(
        2, 3, 3, stride=2, padding=1)
    copy_weights(ours, theirs)
    x = np.random.default_rng(0).standard_normal((2, 4, 5)).astype(np.float32)
    y, yt = ours(x, output_size=size), theirs(torch.tensor(x), output_size=size)
    assert y.shape == (3, 8, 9)
    assert_close(y, yt)


@pytest.mark.parametrize("size", [(3, 8, 9), (1, 1, 3, 8, 9)])
def test_conv_transpose2d_layer_output_size_of_another_rank_is_refused_like_torch(size):
    ours = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1)
    with pytest.raises(ValueError, match=r"ConvTranspose2d: output_size .* cannot be reached"):
        ours(np.zeros((1, 2, 4, 5), np.float32), output_size=size)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("padding", [1, (2, 1), "same"])
def test_padding_modes_match_torch(mode, padding):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 3, 6, 7))
    ours = nn.Conv2d(3, 4, (3, 4), padding=padding, padding_mode=mode, dtype=np.float64)
    theirs = torch.nn.Conv2d(3, 4, (3, 4), padding=padding, padding_mode=mode,
                             dtype=torch.float64)
    theirs.load_state_dict({k: torch.tensor(v) for k, v in ours.state_dict().items()})
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    y, yt = ours(xv), theirs(xt)
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = rng.normal(size=y.shape)
    y.backward(g)
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xv.grad.data, xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), rtol=1e-10)
    one_d = nn.Conv1d(3, 2, 3, padding=1, padding_mode=mode)
    assert one_d(x[:, :, 0].astype(np.float32)).shape == (2, 2, 7)
    with pytest.raises(ValueError, match="padding_mode must be"):
        nn.Conv2d(3, 4, 3, padding_mode="mirror")


def test_unbatched_inputs_as_torch_takes_them():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    image, sequence = rng.normal(size=(3, 6, 5)), rng.normal(size=(3, 9))
    TF = torch.nn.functional
    w2, w1 = rng.normal(size=(4, 3, 3, 3)), rng.normal(size=(4, 3, 3))
    cases = [(F.conv2d(image, w2, padding=1), TF.conv2d(torch.tensor(image), torch.tensor(w2),
                                                        padding=1)),
             (F.conv1d(sequence, w1), TF.conv1d(torch.tensor(sequence), torch.tensor(w1))),
             (F.max_pool2d(image, 2), TF.max_pool2d(torch.tensor(image), 2)),
             (F.avg_pool2d(image, 2), TF.avg_pool2d(torch.tensor(image), 2)),
             (F.max_pool1d(sequence, 2), TF.max_pool1d(torch.tensor(sequence), 2)),
             (F.avg_pool1d(sequence, 3), TF.avg_pool1d(torch.tensor(sequence), 3))]
    for ours, theirs in cases:
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-12, atol=1e-12)
    lazy = nn.LazyConv2d(4, 3)  # sized from an unbatched image's channels (axis 0)
    assert lazy(image.astype(np.float32)).shape == (4, 4, 3) and lazy.in_channels == 3
    x = Variable(image)
    F.conv2d(x, w2).sum().backward()
    assert x.grad.shape == image.shape


def test_more_unbatched_inputs_and_padding_edges_as_torch():
    torch = pytest.importorskip("torch")
    TF = torch.nn.functional
    rng = np.random.default_rng(3)
    image = rng.normal(size=(2, 5, 6))
    w = rng.normal(size=(2, 3, 3, 3))
    for ours, theirs in ((F.adaptive_avg_pool2d(image, 2), TF.adaptive_avg_pool2d(
                             torch.tensor(image), 2)),
                         (F.adaptive_max_pool2d(image, (2, 3)), TF.adaptive_max_pool2d(
                             torch.tensor(image), (2, 3))),
                         (F.conv_transpose2d(image, w, stride=2), TF.conv_transpose2d(
                             torch.tensor(image), torch.tensor(w), stride=2))):
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-12, atol=1e-12)
    assert nn.ConvTranspose2d(2, 3, 3, padding_mode="zeros").padding_mode == "zeros"
    with pytest.raises(ValueError, match="wrap around more than once"):
        nn.Conv2d(1, 1, 3, padding=4, padding_mode="circular")(np.zeros((1, 1, 3, 3)))


@pytest.mark.parametrize("call, message", [
    (lambda x: nn.Conv1d(2, 2, 7)(x), "conv1d: kernel size 7 is bigger than the padded input "
                                      "5 (input shape (1, 2, 5), padding 0)"),
    (lambda x: nn.Conv1d(2, 2, 3, dilation=3, padding="valid")(x),
     "conv1d: kernel size 3 with dilation 3 (spanning 7) is bigger than the padded input 5"),
    (lambda x: nn.AvgPool1d(6)(x), "avg_pool1d: kernel size 6 is bigger than the padded "
                                   "input 5"),
    (lambda x: F.max_pool1d(x, 2, padding=2), "max_pool1d: padding 2 must be at most half of "
                                              "the kernel size 2"),
])
def test_one_dimensional_errors_speak_of_one_dimension(call, message):
    """(They named the 2-D op they run on, a height of 1 and a 4-D shape.)"""
    with pytest.raises(ValueError) as info:
        call(np.random.default_rng(0).standard_normal((1, 2, 5)))
    assert str(info.value).startswith(message)


def test_a_bias_given_as_a_list_is_taken_as_the_input_is():
    """(It raised AttributeError: 'list' object has no attribute 'shape'.)"""
    y = F.conv2d(np.ones((1, 2, 4, 4)), np.ones((2, 2, 3, 3)), [0.5, 1.0])
    np.testing.assert_array_equal(y.data[0, :, 0, 0], [18.5, 19.0])
    with pytest.raises(ValueError, match=r"conv2d: bias of shape \(1,\) does not match 2"):
        F.conv2d(np.ones((1, 2, 4, 4)), np.ones((2, 2, 3, 3)), [0.0])
