"""silu, logsigmoid, hardtanh, softmin, smooth_l1_loss, kl_div, normalize, cosine_similarity,
pairwise_distance and pad: values, gradients and second derivatives equal PyTorch's (float64),
and backprop equals numerical differentiation."""
import numpy as np
import pytest

import nn
import nn.functional as F
from autograd import Variable
from autograd.testing import assert_gradients_match

from ..autograd._torch_parity import assert_matches_torch

torch = pytest.importorskip("torch")
TF = torch.nn.functional
RNG = np.random.default_rng(0)
X = RNG.normal(size=(3, 4)) * 3
# on the kinks themselves and far out: where rungrad and PyTorch could part
EDGES = np.array([[-1.0, 1.0, -60.0, 60.0], [0.0, -1.5, 0.99, -0.2]])


@pytest.mark.parametrize("x", [X, EDGES], ids=["random", "edges"])
@pytest.mark.parametrize("ours, theirs", [
    (F.silu, TF.silu), (F.logsigmoid, TF.logsigmoid),
    (F.hardtanh, TF.hardtanh),
    (lambda x: F.hardtanh(x, -0.5, 2.0), lambda x: TF.hardtanh(x, -0.5, 2.0)),
    (lambda x: F.softmin(x, dim=0), lambda x: TF.softmin(x, dim=0)),
    (lambda x: F.normalize(x), TF.normalize),
    (lambda x: F.normalize(x, p=1, dim=0), lambda x: TF.normalize(x, p=1, dim=0)),
], ids=["silu", "logsigmoid", "hardtanh", "hardtanh_bounds", "softmin", "normalize",
        "normalize_p1"])
def test_activations_and_normalize_match_torch(ours, theirs, x):
    assert_matches_torch(ours, theirs, x)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("beta", [0.0, 0.5, 1.0])
def test_smooth_l1_matches_torch(reduction, beta):
    t = np.round(X)  # |x - t| = beta is met too (with beta 0.5 and 1)
    for x in (X, t + np.array([0.5, -1.0, 1.0, 0.25])):
        assert_matches_torch(lambda a, b: F.smooth_l1_loss(a, b, reduction, beta),
                             lambda a, b: TF.smooth_l1_loss(a, b, reduction=reduction, beta=beta),
                             x, t)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none", "batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides")  # (PyTorch's, on 'mean')
def test_kl_div_matches_torch(reduction, log_target):
    q = F.log_softmax(X, axis=1).data
    p = np.exp(F.log_softmax(RNG.normal(size=(3, 4)), axis=1).data)
    target = np.log(p) if log_target else p
    assert_matches_torch(
        lambda a, b: F.kl_div(a, b, reduction, log_target),
        lambda a, b: TF.kl_div(a, b, reduction=reduction, log_target=log_target), q, target,
        order=2 if log_target else 1)
    p[0, 1] = 0.0  # an impossible class adds 0 (PyTorch's target gradient is nan there)
    target = np.log(np.where(p > 0, p, 1e-300)) if log_target else p
    assert_matches_torch(lambda a: F.kl_div(a, target, reduction, log_target),
                         lambda a: TF.kl_div(a, torch.tensor(target), reduction=reduction,
                                             log_target=log_target), q)


def test_kl_div_of_a_negative_target_is_nan_as_torch_s():
    """A negative target is no probability: p (log p - q) is NaN there, as PyTorch gives
    (it was -p q, a finite number, while the target's gradient was NaN)."""
    q = np.log(np.array([[0.5, 0.5]]))
    p = np.array([[-0.2, 1.2]])
    want = TF.kl_div(torch.tensor(q), torch.tensor(p), reduction="none").numpy()
    got = F.kl_div(Variable(q), p, reduction="none").data
    assert np.isnan(got[0, 0]) and np.isnan(want[0, 0])
    np.testing.assert_allclose(got[0, 1], want[0, 1], rtol=1e-12)


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cosine_similarity_and_pairwise_distance_match_torch(dim):
    other = RNG.normal(size=(1, 4))  # broadcast against X
    assert_matches_torch(lambda a, b: F.cosine_similarity(a, b, dim),
                         lambda a, b: TF.cosine_similarity(a, b, dim), X, other)
    y = RNG.normal(size=X.shape)
    for keep in (False, True):
        assert_matches_torch(lambda a, b, keep=keep: F.pairwise_distance(a, b, keepdim=keep),
                             lambda a, b, keep=keep: TF.pairwise_distance(a, b, keepdim=keep),
                             X, y)
    assert_matches_torch(lambda a, b: F.pairwise_distance(a, b, p=1),
                         lambda a, b: TF.pairwise_distance(a, b, p=1), X, y)


@pytest.mark.parametrize("pad", [(1, 2), (0, 1, 2, 1), (1, 1, 0, 2, 1, 0)])
@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
def test_pad_matches_torch(pad, mode):
    # (PyTorch pads the last 1, 2 or 3 axes of a batch of channels in these modes)
    x = RNG.normal(size=(2, 3, 4, 5, 3)[:len(pad) // 2 + 2])
    assert_matches_torch(lambda a: F.pad(a, pad, mode), lambda a: TF.pad(a, pad, mode), x)
    if mode == "constant":
        assert_matches_torch(lambda a: F.pad(a, pad, value=2.5),
                             lambda a: TF.pad(a, pad, value=2.5), x, order=1)


@pytest.mark.parametrize("f", [
    F.silu, F.logsigmoid, lambda x: F.softmin(x, dim=1), lambda x: F.normalize(x, dim=1),
    lambda x: F.kl_div(F.log_softmax(x, axis=1), np.full((2, 3), 1 / 3), "batchmean"),
    lambda x: F.smooth_l1_loss(x, np.zeros((2, 3)), beta=0.25),  # (no |x| on the kink)
    lambda x: F.cosine_similarity(x, np.ones((1, 3))), lambda x: F.pad(x, (1, 2), "reflect"),
])
def test_backprop_equals_numerical_differentiation(f):
    x = np.array([[0.3, -1.2, 2.0], [1.1, 0.45, -0.7]])
    assert_gradients_match(f, x, order=2)


def test_modules_and_errors():
    x, t = X, np.zeros_like(X)
    assert nn.SmoothL1Loss(beta=0.5)(x, t).item() == F.smooth_l1_loss(x, t, beta=0.5).item()
    q = F.log_softmax(X, axis=1)
    assert nn.KLDivLoss("batchmean")(q, np.full(X.shape, 0.25)).item() == pytest.approx(
        F.kl_div(q, np.full(X.shape, 0.25), "batchmean").item())
    for module, f in ((nn.SiLU(), F.silu), (nn.LogSigmoid(), F.logsigmoid),
                      (nn.Hardtanh(-2, 2), lambda v: F.hardtanh(v, -2, 2)),
                      (nn.Softmin(dim=0), lambda v: F.softmin(v, dim=0))):
        np.testing.assert_array_equal(module(X).data, f(X).data)
    with pytest.raises(ValueError, match="kl_div: reduction must be one of"):
        F.kl_div(q, np.ones(X.shape), "avg")
    with pytest.raises(ValueError, match="pad: pad must hold"):
        F.pad(X, (1, 2, 3))
    with pytest.raises(ValueError, match="value applies to mode 'constant' only"):
        F.pad(X, (1, 1), "reflect", value=1.0)
    with pytest.raises(ValueError, match="hardtanh: min_val"):
        F.hardtanh(X, 1.0, -1.0)
    with pytest.raises(TypeError, match="pad: pad must be a tuple of ints"):
        F.pad(X, 2)
    with pytest.raises(ValueError, match="reflect padding must be smaller than the axis"):
        F.pad(X, (4, 4), "reflect")
    with pytest.raises(TypeError, match="unflattened_size must be a tuple"):
        nn.Unflatten(1, 4)


@pytest.mark.parametrize("shape, groups", [((2, 4, 3, 3), 2), ((3, 6, 5), 3), ((2, 4), 4),
                                           ((2, 4, 3, 3), 1)])
def test_group_norm_matches_torch(shape, groups):
    x = RNG.normal(size=shape) * 2 + 1
    w, b = RNG.normal(size=shape[1]), RNG.normal(size=shape[1])
    assert_matches_torch(lambda a, c, d: F.group_norm(a, groups, c, d),
                         lambda a, c, d: TF.group_norm(a, groups, c, d), x, w, b)
    layer = nn.GroupNorm(groups, shape[1]).double()
    np.testing.assert_allclose(layer(x).data, TF.group_norm(torch.tensor(x), groups).numpy(),
                               rtol=1e-10, atol=1e-12)


def test_group_norm_layer_names_the_input_s_channels_when_they_differ():
    with pytest.raises(ValueError, match=r"GroupNorm: the input of shape \(3, 6, 5\) has 6 "
                                         r"channels \(axis 1\), the layer expects 4"):
        nn.GroupNorm(2, 4)(np.zeros((3, 6, 5)))
    # without affine weights the channels are free, as PyTorch's (only the groups must fit)
    assert nn.GroupNorm(2, 4, affine=False)(np.zeros((3, 6, 5))).shape == (3, 6, 5)


@pytest.mark.parametrize("channels", [1, 3])
def test_prelu_matches_torch(channels):
    x = RNG.normal(size=(2, 3, 4))
    w = RNG.uniform(0.1, 0.5, size=channels)
    assert_matches_torch(lambda a, c: F.prelu(a, c), lambda a, c: TF.prelu(a, c), x, w)
    x[0, 0, :2] = 0.0  # at 0: slope a, as torch (its second derivatives differ there: a kink)
    assert_matches_torch(lambda a, c: F.prelu(a, c), lambda a, c: TF.prelu(a, c), x, w,
                         order=1)
    layer = nn.PReLU(channels, init=0.2)
    assert layer.weight.shape == (channels,) and layer(x.astype(np.float32)).shape == x.shape


def test_unflatten_is_flatten_s_inverse():
    x = RNG.normal(size=(2, 12, 5))
    y = nn.Unflatten(1, (3, -1))(x)
    assert y.shape == (2, 3, 4, 5)
    np.testing.assert_array_equal(nn.Flatten(1, 2)(y).data, x)
    assert nn.Unflatten(-1, (5, 1))(x).shape == (2, 12, 5, 1)
    with pytest.raises(ValueError, match="axis 1 of size 12 cannot become \\(5, -1\\)"):
        nn.Unflatten(1, (5, -1))(x)
    with pytest.raises(ValueError, match="must be divisible by num_groups"):
        nn.GroupNorm(3, 4)
    with pytest.raises(ValueError, match="prelu: weight of shape \\(2,\\)"):
        F.prelu(x, np.ones(2))


@pytest.mark.parametrize("options", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
                                     dict(kernel_size=2, ceil_mode=True)])
def test_1d_pools_match_torch(options):
    x = RNG.normal(size=(2, 3, 9))
    assert_matches_torch(lambda a: F.max_pool1d(a, **options),
                         lambda a: TF.max_pool1d(a, **options), x)
    assert_matches_torch(lambda a: F.avg_pool1d(a, **options),
                         lambda a: TF.avg_pool1d(a, **options), x)
    np.testing.assert_array_equal(nn.MaxPool1d(**options)(x).data, F.max_pool1d(x, **options).data)
    np.testing.assert_array_equal(nn.AvgPool1d(**options)(x).data, F.avg_pool1d(x, **options).data)
    with pytest.raises(ValueError, match="max_pool1d: expected an input \\(N, C, L\\)"):
        F.max_pool1d(x[0, 0], 2)  # (unbatched (C, L) is taken; 1-D is not)


@pytest.mark.parametrize("p", [1.0, 2.0, float("inf")])
def test_normalize_over_several_axes_is_a_vector_norm_as_torch(p):
    x = RNG.normal(size=(2, 3, 4))
    assert_matches_torch(lambda a: F.normalize(a, p=p, dim=(1, 2)),
                         lambda a: TF.normalize(a, p=p, dim=(1, 2)), x,
                         order=2 if p == 2.0 else 1)


@pytest.mark.parametrize("f", [
    lambda x, t, w: F.prelu(x, w), lambda x, t, w: F.hardtanh(x * 3, -1.0, 1.0) * w,
    lambda x, t, w: F.kl_div(F.log_softmax(w * x, axis=1), t, "batchmean"),
], ids=["prelu", "hardtanh", "kl_div"])
def test_captured_steps_follow_each_batch_s_signs(f):
    """The masks of these ops come from each call's values, inside their Functions: a
    captured step replays them, not the recorded calls' (batches of other signs, targets
    with other zeros)."""
    import autograd as ag
    import optim
    w = ag.Parameter(np.full(3, 0.25))
    opt = optim.SGD([w], lr=0.0)

    def step(x, t):
        opt.zero_grad()
        y = f(x, t, w).sum()
        y.backward()
        return y
    captured = ag.capture(step)
    batches = [np.abs(RNG.normal(size=(4, 3))) + 0.1 for _ in range(2)] + [
        RNG.normal(size=(4, 3)) for _ in range(3)]
    for x in batches:
        t = np.maximum(x, 0) / (np.maximum(x, 0).sum(axis=1, keepdims=True) + 1e-9)
        y_eager = step(x, t).item()
        g_eager = w.grad.data.copy()
        y_captured = captured(x, t).item()
        np.testing.assert_allclose([y_captured], [y_eager], rtol=1e-12)
        np.testing.assert_allclose(w.grad.data, g_eager, rtol=1e-12)


@pytest.mark.parametrize("pad", [(-1, 2), (2, -1, -1, 0), (-2, -1, 1, -1), (0, -3, -2, 1),
                                 (1, -1, 0, 0, -1, 2)])
@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
def test_negative_pad_crops_as_torch(pad, mode):
    # PyTorch crops on a negative width: values, gradients and second derivatives as its
    # (reflect reads elements cropped away: it pads before cropping, circular after)
    x = RNG.normal(size=(2, 3, 4, 5, 4)[:len(pad) // 2 + 2])
    assert_matches_torch(lambda a: F.pad(a, pad, mode), lambda a: TF.pad(a, pad, mode), x)
    assert_gradients_match(lambda a: F.pad(a, pad, mode), x, order=2)


@pytest.mark.parametrize("mode,pad", [
    ("constant", (-7, 1)), ("reflect", (-6, 0)), ("replicate", (-3, -3)),
    ("circular", (-5, 2)), ("circular", (-3, 4))])
def test_negative_pad_that_crops_too_much_is_refused(mode, pad):
    # PyTorch refuses the first three too; on the circular ones it reads memory outside
    # the input (values that change from run to run)
    with pytest.raises(ValueError, match=r"pad: .*\(-"):
        F.pad(np.zeros((1, 2, 6)), pad, mode)


def test_kl_div_gradient_in_a_zero_target_is_not_a_finite_number():
    """d/dp p (log p - q) = log p + 1 - q is -inf at p = 0 (PyTorch: nan); it used to be
    -q there, a finite number that is not even the limit."""
    from autograd import Variable
    log_q, p = Variable(np.log([[0.3, 0.7]])), Variable(np.array([[0.0, 1.0]]))
    F.kl_div(log_q, p, reduction="sum").backward()
    assert p.grad.data[0, 0] == -np.inf
    np.testing.assert_allclose(p.grad.data[0, 1], 1 - np.log(0.7))


def test_errors_name_the_function_called_not_the_one_it_calls():
    from autograd import Variable
    x = Variable(np.ones((3, 4), np.float32))
    cases = [(lambda: F.smooth_l1_loss(x, np.ones((3, 5), np.float32)), "smooth_l1_loss:"),
             (lambda: F.normalize(x, dim=2), "normalize: axis 2"),
             (lambda: F.cosine_similarity(x, x, dim=2), "cosine_similarity: axis 2"),
             (lambda: F.softmin(x, dim=5), "softmin: axis 5"),
             (lambda: F.pairwise_distance(x, Variable(np.ones((3, 5)))), "pairwise_distance:"),
             (lambda: F.softmax(x, 0, dim=1), r"softmax: got axis=0 and dim=1")]
    for call, message in cases:
        with pytest.raises((ValueError, TypeError), match=message):
            call()


def test_pad_refuses_a_value_its_dtype_cannot_hold_and_takes_numpy_widths():
    """uint8 padded with -1 gave 255 and with 300 gave 44 (PyTorch refuses both); np.int64
    widths were refused."""
    small = np.zeros((1, 2), np.uint8)
    for value in (-1, 256, 300):
        with pytest.raises(ValueError, match=f"pad: value {value} cannot be held by the "
                                             "input's dtype uint8"):
            F.pad(small, (1, 1), value=value)
    with pytest.raises(ValueError, match="float32 without overflow"):
        F.pad(np.zeros((1, 2), np.float32), (1, 1), value=1e40)
    np.testing.assert_array_equal(F.pad(small, (1, 1), value=2.5).data, [[2, 0, 0, 2]])
    assert F.pad(np.zeros((1, 2, 5)), (np.int64(1), np.int64(2))).shape == (1, 2, 8)
    with pytest.raises(TypeError, match="pad must be a tuple of ints"):
        F.pad(np.zeros((1, 2, 5)), (True, 1))


def test_a_nan_input_s_gradient_at_the_clipping_activations_is_pytorch_s():
    """hardtanh and relu6 hid a nan from backprop (gradient 0; PyTorch passes it on), and
    hardsigmoid keeps PyTorch's 0 there."""
    torch = pytest.importorskip("torch")
    values = [np.nan, 0.5, -5.0, 5.0, 3.0, -3.0]
    for ours, theirs in [(F.hardtanh, torch.nn.functional.hardtanh),
                         (F.relu6, torch.nn.functional.relu6),
                         (F.hardsigmoid, torch.nn.functional.hardsigmoid)]:
        x = Variable(np.array(values))
        ours(x).sum().backward()
        t = torch.tensor(values, dtype=torch.float64, requires_grad=True)
        theirs(t).sum().backward()
        np.testing.assert_allclose(x.grad.data, t.grad.numpy(), rtol=1e-7)
