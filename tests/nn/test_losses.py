"""Losses: hand-computed values, PyTorch's results for every reduction and option, backprop
against numerical differentiation (to second order), stability and argument errors."""
import inspect
import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import autograd as ag
import nn
import nn.functional as F
from autograd import Variable
from autograd.testing import arrays, assert_gradients_match, shapes

REDUCTIONS = ["mean", "sum", "none"]


def reduce(values, reduction, denominator=None):
    if reduction == "none":
        return values
    return values.sum() / (values.size if denominator is None else denominator) \
        if reduction == "mean" else values.sum()


# ----- hand-computed values -----

X = np.array([[0.5, -1.0, 2.0], [3.0, 0.0, -0.5]])
T = np.array([[1.0, -1.0, 0.0], [0.5, 0.25, 1.0]])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_losses_by_hand(reduction):
    d = X - T
    cases = {
        F.mse_loss: d ** 2,
        F.l1_loss: np.abs(d),
        lambda x, t, reduction: F.huber_loss(x, t, reduction, delta=1.0):
            np.where(np.abs(d) <= 1, 0.5 * d ** 2, np.abs(d) - 0.5),
    }
    for f, per_element in cases.items():
        np.testing.assert_allclose(f(X, T, reduction=reduction).data,
                                   reduce(per_element, reduction), rtol=1e-12)


def test_cross_entropy_by_hand():
    logits = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
    targets = np.array([2, 0])
    lse = np.log(np.exp(logits).sum(1))
    per_sample = lse - logits[[0, 1], targets]
    assert F.cross_entropy(logits, targets).item() == pytest.approx(per_sample.mean())
    assert per_sample[1] == pytest.approx(math.log(3))
    weights = np.array([0.5, 1.0, 2.0])
    weighted = F.cross_entropy(logits, targets, weight=weights).item()
    assert weighted == pytest.approx((2.0 * per_sample[0] + 0.5 * per_sample[1]) / 2.5)
    ignored = F.cross_entropy(logits, np.array([2, -100]), reduction="none").data
    np.testing.assert_allclose(ignored, [per_sample[0], 0.0])


def test_label_smoothing_by_hand():
    logits = np.array([[0.0, 1.0, 2.0]])
    log_p = logits - np.log(np.exp(logits).sum())
    eps = 0.3
    expected = -(1 - eps) * log_p[0, 1] - eps / 3 * log_p.sum()
    assert F.cross_entropy(logits, np.array([1]), label_smoothing=eps).item() == \
        pytest.approx(expected)


def test_binary_losses_by_hand():
    p, t = np.array([0.2, 0.9, 0.5]), np.array([0.0, 1.0, 0.3])
    bce = -(t * np.log(p) + (1 - t) * np.log(1 - p))
    assert F.binary_cross_entropy(p, t).item() == pytest.approx(bce.mean())
    logits = np.log(p / (1 - p))
    assert F.binary_cross_entropy_with_logits(logits, t).item() == pytest.approx(bce.mean())
    pos = 3.0
    weighted = -(pos * t * np.log(p) + (1 - t) * np.log(1 - p))
    got = F.binary_cross_entropy_with_logits(logits, t, pos_weight=np.array(pos))
    assert got.item() == pytest.approx(weighted.mean())


def test_nll_loss_picks_the_target_log_probability():
    log_p = np.log(np.array([[0.2, 0.8], [0.6, 0.4]]))
    assert F.nll_loss(log_p, np.array([1, 0])).item() == pytest.approx(
        -(np.log(0.8) + np.log(0.6)) / 2)


# ----- PyTorch parity -----

def torch_pair(x, *rest):
    import torch
    return [torch.tensor(a, requires_grad=a.dtype.kind == "f") if isinstance(a, np.ndarray)
            else a for a in (x,) + rest]


def assert_matches_torch(ours, theirs, x, *args, upstream_seed=0, tol=1e-10, **kwargs):
    """Forward values and the input gradient (for a random upstream) against PyTorch."""
    torch = pytest.importorskip("torch")
    ox = Variable(x)
    y = ours(ox, *args, **kwargs)
    tx, *targs = torch_pair(x, *args)
    tkwargs = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    ty = theirs(tx, *targs, **tkwargs)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=tol, atol=tol)
    upstream = np.random.default_rng(upstream_seed).normal(size=y.shape)
    y.backward(upstream)
    ty.backward(torch.from_numpy(upstream))
    np.testing.assert_allclose(ox.grad.data, tx.grad.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
def test_regression_losses_match_torch(name, reduction):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    x, t = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    kwargs = {"delta": 0.7} if name == "huber_loss" else {}
    assert_matches_torch(getattr(F, name), getattr(torch.nn.functional, name), x, t,
                         reduction=reduction, **kwargs)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
def test_regression_losses_weighted_match_torch(name, reduction):
    # PyTorch's weight=: mse and l1 take the weighted mean, huber the plain mean of the
    # weighted losses; the weight gets its gradient too
    torch = pytest.importorskip("torch")
    if "weight" not in inspect.signature(getattr(torch.nn.functional, name)).parameters:
        pytest.skip("this PyTorch has no weight= here")
    rng = np.random.default_rng(4)
    x, t, w = rng.normal(size=(4, 3)), rng.normal(size=(4, 3)), rng.random((4, 3))
    kwargs = {"delta": 0.7} if name == "huber_loss" else {}
    ours_w, their_w = Variable(w), torch.tensor(w, requires_grad=True)
    assert_matches_torch(lambda a, b, **k: getattr(F, name)(a, b, weight=ours_w, **k),
                         lambda a, b, **k: getattr(torch.nn.functional, name)(
                             a, b, weight=their_w, **k), x, t, reduction=reduction, **kwargs)
    np.testing.assert_allclose(ours_w.grad.data, their_w.grad.numpy(), rtol=1e-10)
    assert_gradients_match(lambda a, b: getattr(F, name)(a, t, reduction, weight=b, **kwargs)
                           .sum(), x, w)
    with pytest.raises(ValueError, match=r"weight of shape \(3,\) must have the input's "
                                         r"shape \(4, 3\)"):
        getattr(F, name)(Variable(x), t, weight=w[0])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", [{}, {"weight": True}, {"ignore": True},
                                     {"label_smoothing": 0.2},
                                     {"weight": True, "ignore": True, "label_smoothing": 0.1}],
                         ids=["plain", "weight", "ignore_index", "smoothing", "all"])
@pytest.mark.parametrize("shape", [(5, 4), (3, 4, 2, 2), (4,)], ids=["NC", "NCHW", "C"])
def test_cross_entropy_with_class_indices_matches_torch(shape, options, reduction):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    x = rng.normal(0, 2, shape)
    target = rng.integers(0, shape[-1] if len(shape) == 1 else shape[1],
                          size=shape[:1] + shape[2:] if len(shape) > 1 else ())
    kwargs = {"reduction": reduction, "label_smoothing": options.get("label_smoothing", 0.0)}
    if options.get("weight"):
        kwargs["weight"] = rng.uniform(0.5, 2.0, shape[1] if len(shape) > 1 else shape[0])
    if options.get("ignore") and target.ndim:
        target.flat[0] = 1
        target.flat[1] = 1
        kwargs["ignore_index"] = 1
    assert_matches_torch(F.cross_entropy, torch.nn.functional.cross_entropy, x, target,
                         **kwargs)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", [{}, {"weight": True}, {"label_smoothing": 0.25}],
                         ids=["plain", "weight", "smoothing"])
@pytest.mark.parametrize("shape", [(5, 3), (2, 3, 4)], ids=["NC", "NCL"])
def test_cross_entropy_with_probabilities_matches_torch(shape, options, reduction):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    x = rng.normal(size=shape)
    target = rng.dirichlet(np.ones(shape[1]), size=(shape[0],) + shape[2:])
    target = np.moveaxis(target, -1, 1)
    kwargs = {"reduction": reduction, "label_smoothing": options.get("label_smoothing", 0.0)}
    if options.get("weight"):
        kwargs["weight"] = rng.uniform(0.5, 2.0, shape[1])
    assert_matches_torch(F.cross_entropy, torch.nn.functional.cross_entropy, x, target,
                         **kwargs)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_nll_loss_matches_torch(reduction, weighted):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(6)
    log_p = np.log(rng.dirichlet(np.ones(4), size=6))
    target = rng.integers(0, 4, 6)
    target[2] = -100
    kwargs = {"reduction": reduction}
    if weighted:
        kwargs["weight"] = rng.uniform(0.5, 2.0, 4)
    assert_matches_torch(F.nll_loss, torch.nn.functional.nll_loss, log_p, target, **kwargs)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_cross_entropy_matches_torch(reduction, weighted):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    p, t = rng.uniform(0.01, 0.99, (4, 3)), rng.uniform(0, 1, (4, 3))
    kwargs = {"reduction": reduction}
    if weighted:
        kwargs["weight"] = rng.uniform(0.5, 2.0, 3)
    assert_matches_torch(F.binary_cross_entropy, torch.nn.functional.binary_cross_entropy,
                         p, t, **kwargs)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", [{}, {"weight": True}, {"pos_weight": True},
                                     {"weight": True, "pos_weight": True}],
                         ids=["plain", "weight", "pos_weight", "both"])
def test_binary_cross_entropy_with_logits_matches_torch(reduction, options):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(8)
    x, t = rng.normal(0, 3, (4, 3)), rng.uniform(0, 1, (4, 3))
    kwargs = {"reduction": reduction}
    if options.get("weight"):
        kwargs["weight"] = rng.uniform(0.5, 2.0, (4, 1))
    if options.get("pos_weight"):
        kwargs["pos_weight"] = rng.uniform(0.5, 3.0, 3)
    assert_matches_torch(F.binary_cross_entropy_with_logits,
                         torch.nn.functional.binary_cross_entropy_with_logits, x, t, **kwargs)


def test_bce_clamps_its_logs_at_minus_100_like_torch():
    torch = pytest.importorskip("torch")
    p, t = np.array([0.0, 1.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0, 1.0])
    ours = F.binary_cross_entropy(p, t, reduction="none").data
    theirs = torch.nn.functional.binary_cross_entropy(torch.tensor(p), torch.tensor(t),
                                                      reduction="none").numpy()
    np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(ours, [100, 100, 0, 0])


def test_bce_gradient_at_saturated_probabilities_is_torchs_in_float64():
    # PyTorch divides by max(x (1 - x), EPSILON) with EPSILON a float (1e-12 rounded to
    # float32), in float64 too: at x = 0 or 1 the gradient is 4e-9 (relative) off 1 / 1e-12
    torch = pytest.importorskip("torch")
    p, t = np.array([0.0, 1.0, 1e-300, 1e-13]), np.array([1.0, 0.0, 0.5, 0.0])
    assert_matches_torch(F.binary_cross_entropy, torch.nn.functional.binary_cross_entropy,
                         p, t, tol=1e-15, reduction="none")


# ----- gradients against numerical differentiation -----

def pairs(elements="bounded"):
    return shapes(min_dims=1, max_dims=3, max_side=4).flatmap(
        lambda s: st.tuples(arrays(s, elements=elements), arrays(s, elements=elements)))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(xt=pairs())
def test_mse_and_huber_gradients(reduction, xt):
    x, t = xt
    assert_gradients_match(lambda a, b: F.mse_loss(a, b, reduction), x, t, order=2)
    d = np.abs(x - t)
    if np.all(np.abs(d - 0.8) > 0.05):  # away from the kink of the derivative at delta
        assert_gradients_match(lambda a, b: F.huber_loss(a, b, reduction, delta=0.8), x, t,
                               order=2)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(xt=pairs())
def test_l1_gradients(reduction, xt):
    x, t = xt
    t = np.where(np.abs(x - t) < 0.05, t + 0.2, t)  # |x - t| has a kink at 0
    assert_gradients_match(lambda a, b: F.l1_loss(a, b, reduction), x, t)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data())
def test_binary_cross_entropy_gradients(reduction, data):
    shape = data.draw(shapes(min_dims=1, max_dims=2, max_side=4))
    p = data.draw(arrays(shape, elements=(0.05, 0.95)))
    # (inside [0, 1] by more than the numerical step: a target outside is refused)
    t = data.draw(arrays(shape, elements=(0.001, 0.999)))
    w = data.draw(arrays(shape[-1:], elements="positive"))
    assert_gradients_match(lambda a, b: F.binary_cross_entropy(a, b, w, reduction), p, t,
                           order=2)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data())
def test_binary_cross_entropy_with_logits_gradients(reduction, data):
    shape = data.draw(shapes(min_dims=1, max_dims=2, max_side=4))
    x = data.draw(arrays(shape, elements=(-4.0, 4.0)))
    t = data.draw(arrays(shape, elements=(0.0, 1.0)))
    pos_weight = data.draw(st.none() | arrays(shape[-1:], elements="positive"))
    assert_gradients_match(
        lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=reduction,
                                                        pos_weight=pos_weight), x, t, order=2)


@st.composite
def class_problems(draw):
    """(logits, integer targets, class weights or None, ignore_index, smoothing)."""
    n, c = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    extra = tuple(draw(st.lists(st.integers(1, 3), max_size=1)))
    x = draw(arrays((n, c) + extra, elements=(-3.0, 3.0)))
    count = n * math.prod(extra)
    targets = np.array(draw(st.lists(st.integers(0, c - 1), min_size=count, max_size=count)))
    targets = targets.reshape((n,) + extra)
    weight = draw(st.none() | arrays((c,), elements="positive"))
    ignore = draw(st.sampled_from([-100, 0]))
    smoothing = draw(st.sampled_from([0.0, 0.3]))
    return x, targets, weight, ignore, smoothing


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(problem=class_problems())
def test_cross_entropy_and_nll_gradients(reduction, problem):
    x, targets, weight, ignore, smoothing = problem
    assume(reduction != "mean" or np.any(targets != ignore))  # a mean over nothing is NaN
    assert_gradients_match(
        lambda v: F.cross_entropy(v, targets, weight, ignore, reduction, smoothing), x, order=2)
    assert_gradients_match(
        lambda v: F.nll_loss(v, targets, weight, ignore, reduction), x, order=2)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data())
def test_cross_entropy_with_probability_targets_gradients(reduction, data):
    shape = data.draw(st.tuples(st.integers(1, 3), st.integers(1, 4)))
    x = data.draw(arrays(shape))
    q = data.draw(arrays(shape, elements=(0.0, 1.0)))
    assert_gradients_match(
        lambda a, b: F.cross_entropy(a, b, reduction=reduction, label_smoothing=0.1), x, q,
        order=2)


# ----- stability, dtype and errors -----

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_is_finite_for_logits_of_1000(dtype):
    x = Variable(np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 1000.0]], dtype))
    loss = F.cross_entropy(x, np.array([1, 0]), reduction="none")
    loss.sum().backward()
    np.testing.assert_allclose(loss.data, [2000.0, 2000.0 + math.log(2)], rtol=1e-6)
    assert loss.dtype == dtype and x.grad.dtype == dtype
    assert np.all(np.isfinite(x.grad.data))
    np.testing.assert_allclose(x.grad.data, [[1, -1, 0], [-1, 0.5, 0.5]])
    soft = F.cross_entropy(x, np.array([[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]], dtype))
    assert np.isfinite(soft.item())


def test_bce_with_logits_is_finite_for_large_logits():
    x = Variable(np.array([1000.0, -1000.0, 1000.0], np.float32))
    loss = F.binary_cross_entropy_with_logits(x, np.array([1.0, 0.0, 0.0]), reduction="none")
    loss.sum().backward()
    np.testing.assert_allclose(loss.data, [0, 0, 1000])
    np.testing.assert_allclose(x.grad.data, [0, 0, 1])
    assert x.grad.dtype == np.float32


@pytest.mark.parametrize("loss", [F.mse_loss, F.l1_loss, F.huber_loss, F.binary_cross_entropy,
                                  F.binary_cross_entropy_with_logits])
def test_float32_losses_give_float32_gradients(loss):
    x = Variable(np.array([[0.2, 0.7]], np.float32))
    y = loss(x, np.array([[0.0, 1.0]]))  # a float64 target is cast to the input's dtype
    y.backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32


def test_cross_entropy_keeps_float32():
    x = Variable(np.random.randn(4, 3).astype(np.float32))
    loss = F.cross_entropy(x, np.array([0, 1, 2, 0]), weight=np.ones(3), label_smoothing=0.1)
    loss.backward()
    assert loss.dtype == np.float32 and x.grad.dtype == np.float32


def test_mean_over_only_ignored_targets_is_nan_like_torch():
    x = Variable(np.zeros((2, 3)))
    loss = F.cross_entropy(x, np.array([-100, -100]))
    assert math.isnan(loss.item())
    loss.backward()  # nothing counted: a zero gradient, as PyTorch's
    assert not x.grad.data.any()
    x = Variable(np.zeros((2, 3)))  # counted, but with class weights summing to 0: 0 / 0
    loss = F.cross_entropy(x, np.array([0, 1]), weight=np.array([0.0, 0.0, 1.0]))
    loss.backward()
    assert math.isnan(loss.item()) and np.isnan(x.grad.data).all()


@pytest.mark.parametrize("shape, target", [
    ((4, 3), [1, 1, -100, 1]), ((2, 3, 2), [[1, -100], [1, 1]]), ((3, 3), [1, 1, 1])])
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_a_zero_total_weight_gives_torchs_nan_pattern(shape, target, smoothing):
    """0 / 0 as PyTorch computes it: NaN at each counted target (nll_loss) or its whole row
    of classes (cross_entropy, through the softmax), 0 at the ignored ones."""
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal(shape)
    target, weight = np.array(target), np.array([1.0, 0.0, 1.0])
    calls = [(F.cross_entropy, torch.nn.functional.cross_entropy, {"label_smoothing": smoothing})]
    if not smoothing:
        calls.append((F.nll_loss, torch.nn.functional.nll_loss, {}))
    for ours, theirs, options in calls:
        xv, xt = Variable(x.copy()), torch.tensor(x, requires_grad=True)
        ours(xv, target, weight=weight, **options).backward()
        theirs(xt, torch.tensor(target), weight=torch.tensor(weight), **options).backward()
        np.testing.assert_array_equal(xv.grad.data, xt.grad.numpy())  # (NaNs equal as NaNs)


def test_an_ignore_index_beyond_the_classes_is_still_ignored():
    """Targets are checked by their min and max when every one is a class; an ignore_index
    outside 0..C-1 (here C) among them takes the general path, and is left out."""
    logits = np.log(np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8]]))
    x = Variable(logits)
    loss = F.cross_entropy(x, np.array([2, 3, 0]), ignore_index=3)
    np.testing.assert_allclose(loss.item(), -(math.log(0.5) + math.log(0.1)) / 2)
    loss.backward()
    want = np.exp(logits) - np.eye(3)[[2, 0, 0]]
    want[1] = 0
    np.testing.assert_allclose(x.grad.data, want / 2, atol=1e-12)
    with pytest.raises(IndexError, match="target 3 is out of range for 3 classes"):
        F.cross_entropy(Variable(logits), np.array([2, 3, 0]))


def test_class_weights_when_every_target_is_a_class():
    logits = np.log(np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]]))
    x = Variable(logits)
    loss = F.cross_entropy(x, np.array([2, 0]), weight=np.array([1.0, 1.0, 3.0]))
    np.testing.assert_allclose(loss.item(), -(3 * math.log(0.5) + math.log(0.6)) / 4)
    loss.backward()
    want = (np.exp(logits) - np.eye(3)[[2, 0]]) * np.array([[3.0], [1.0]]) / 4
    np.testing.assert_allclose(x.grad.data, want, atol=1e-12)


def test_huber_second_derivative_is_zero_at_the_kink_as_torch():
    x, t = Variable(np.array([0.0, 1.0, 2.5, -0.5])), np.array([1.0, 0.0, 1.0, 0.0])
    gx, = ag.grad(F.huber_loss(x, t, reduction="sum"), x, create_graph=True)
    np.testing.assert_array_equal(gx.data, [-1.0, 1.0, 1.0, -0.5])
    gx.sum().backward()  # |d| = 1 = delta at the first two: PyTorch's slope 0 there
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 0.0, 1.0])


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.mse_loss(np.ones((4, 1)), np.ones(4)), ValueError,
     r"mse_loss: input of shape \(4, 1\) and target of shape \(4,\) differ"),
    (lambda: F.l1_loss(np.ones(2), np.ones(2), reduction="avg"), ValueError, "reduction"),
    (lambda: F.cross_entropy(np.ones((2, 3)), np.array([0, 3])), IndexError,
     "target 3 is out of range for 3 classes"),
    (lambda: F.cross_entropy(np.ones((2, 3)), np.array([0, 1, 2])), ValueError,
     r"target of shape \(3,\) does not match input of shape \(2, 3\): expected \(2,\)"),
    (lambda: F.cross_entropy(np.ones((2, 3)), np.array([0.0, 1.0])), ValueError,
     "class indices must have an integer dtype"),
    (lambda: F.cross_entropy(np.ones((2, 3)), np.array([0, 1]), weight=np.ones(2)), ValueError,
     "weight of shape"),
    (lambda: F.cross_entropy(np.ones((2, 3)), np.array([0, 1]), label_smoothing=1.5),
     ValueError, "label_smoothing"),
    (lambda: F.cross_entropy(np.ones((2, 3), np.int64), np.array([0, 1])), TypeError,
     "floating point"),
    (lambda: F.nll_loss(np.ones((2, 3)), np.ones((2, 3))), TypeError, "integer class indices"),
    (lambda: F.cross_entropy(np.ones((2, 3)), np.ones((2, 3)) / 3, ignore_index=1), ValueError,
     r"cross_entropy: ignore_index \(1\) applies to class-index targets"),
    (lambda: F.binary_cross_entropy(np.array([1.5]), np.array([1.0])), ValueError,
     r"probabilities in \[0, 1\]"),
    (lambda: F.binary_cross_entropy(np.array([0.5]), np.array([-1.0])), ValueError,
     r"target must hold probabilities in \[0, 1\] \(got values from -1.0"),
    (lambda: F.binary_cross_entropy(np.ones((2, 2)) / 2, np.ones((2, 2)), np.ones(3)),
     ValueError, "weight of shape"),
    (lambda: F.huber_loss(np.ones(2), np.ones(2), delta=0), ValueError, "delta"),
])
def test_bad_arguments_get_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ----- loss modules -----

MODULES = [
    (nn.MSELoss(), F.mse_loss, "real"),
    (nn.L1Loss(reduction="sum"), lambda x, t: F.l1_loss(x, t, "sum"), "real"),
    (nn.HuberLoss(delta=0.5), lambda x, t: F.huber_loss(x, t, delta=0.5), "real"),
    (nn.BCELoss(weight=np.array([1.0, 2.0, 3.0])),
     lambda x, t: F.binary_cross_entropy(x, t, np.array([1.0, 2.0, 3.0])), "probability"),
    (nn.BCEWithLogitsLoss(pos_weight=np.array([2.0, 1.0, 0.5])),
     lambda x, t: F.binary_cross_entropy_with_logits(x, t, pos_weight=np.array([2.0, 1, 0.5])),
     "real"),
    (nn.CrossEntropyLoss(label_smoothing=0.1, ignore_index=2),
     lambda x, t: F.cross_entropy(x, t, ignore_index=2, label_smoothing=0.1), "class"),
    (nn.NLLLoss(weight=np.array([1.0, 0.5, 2.0]), reduction="none"),
     lambda x, t: F.nll_loss(x, t, np.array([1.0, 0.5, 2.0]), reduction="none"), "class"),
]


@pytest.mark.parametrize("module, f, kind", MODULES, ids=[type(m[0]).__name__ for m in MODULES])
def test_loss_modules_call_their_function(module, f, kind):
    rng = np.random.default_rng(9)
    x = rng.uniform(0.1, 0.9, (4, 3))
    t = rng.integers(0, 3, 4) if kind == "class" else rng.uniform(0, 1, (4, 3))
    np.testing.assert_array_equal(module(x, t).data, f(x, t).data)


def test_loss_module_repr_and_validation():
    assert repr(nn.MSELoss()) == "MSELoss()"
    assert repr(nn.L1Loss(reduction="sum")) == "L1Loss(reduction='sum')"
    with pytest.raises(ValueError, match="CrossEntropyLoss: reduction"):
        nn.CrossEntropyLoss(reduction="batchmean")


def test_weights_may_be_torch_tensors_or_plain_variables_but_not_trained_ones():
    torch = pytest.importorskip("torch")
    x, t = np.zeros((2, 4)), np.array([0, 1])
    expected = F.cross_entropy(x, t, weight=np.arange(1.0, 5.0)).item()
    for weight in (torch.arange(1.0, 5.0), torch.arange(1.0, 5.0).requires_grad_(),
                   Variable(np.arange(1.0, 5.0))):
        assert nn.CrossEntropyLoss(weight=weight)(x, t).item() == pytest.approx(expected)
        assert F.cross_entropy(x, t, weight=weight).item() == pytest.approx(expected)
    assert nn.BCEWithLogitsLoss(pos_weight=torch.ones(4))(x, np.ones((2, 4))).item() > 0
    counts = Variable(np.array([4.0, 2.0, 1.0, 1.0]))  # computed from plain Variables: fine
    inverse = counts.sum() / counts
    assert F.cross_entropy(x, t, weight=inverse).item() == pytest.approx(
        F.cross_entropy(x, t, weight=inverse.data).item())
    trained = ag.Parameter(np.ones(4))
    with pytest.raises(ValueError, match="cross_entropy: weight is trained"):
        F.cross_entropy(x, t, weight=trained)
    with pytest.raises(ValueError, match="BCEWithLogitsLoss: pos_weight is trained"):
        nn.BCEWithLogitsLoss(pos_weight=trained * 2)


def test_an_integer_one_hot_target_is_named_with_the_two_ways_out():
    logits = Variable(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"one-hot target\? pass its class indices, "
                                         r"target.argmax\(axis=1\)"):
        F.cross_entropy(logits, np.eye(3, dtype=np.int64)[[0, 2]])


@pytest.mark.parametrize("loss", [nn.MSELoss, nn.L1Loss, nn.CrossEntropyLoss, nn.NLLLoss,
                                  nn.BCEWithLogitsLoss])
def test_a_loss_class_called_on_input_and_target_says_to_make_it_first(loss):
    """nn.MSELoss(pred, y) for nn.MSELoss()(pred, y): the arrays landed in the options
    (CrossEntropyLoss: "weight is trained"; BCEWithLogitsLoss: NumPy's truth-value error)."""
    pred = Variable(np.zeros((4, 2), np.float32), requires_grad=True)
    target = np.zeros(4, np.int64) if loss in (nn.CrossEntropyLoss, nn.NLLLoss) else \
        np.zeros((4, 2), np.float32)
    with pytest.raises(TypeError, match=rf"^{loss.__name__}\(\.\.\.\) makes the loss.*"
                                        rf"{loss.__name__}\(\)\(input, target\)$"):
        loss(pred, target)
    made = loss(weight=np.ones(2)) if loss in (nn.CrossEntropyLoss, nn.NLLLoss) else loss()
    assert isinstance(made, loss)  # (an array as the one option it may be: still taken)


def test_accuracy_refuses_labels_outside_the_classes():
    """argmax never equals label 5 of 3 classes, or -1: they were scored as wrong answers."""
    y = np.array([[.1, .9, 0.], [.8, .1, .1]], np.float32)
    assert float(F.accuracy(y, np.array([1, 0])).data) == 1.0
    for labels in ([5, 0], [-1, 0]):
        with pytest.raises(ValueError, match=r"labels t must be classes 0..2 \(y scores 3\)"):
            F.accuracy(y, np.array(labels))


def test_bce_at_saturated_probabilities_warns_of_nothing():
    """The target's gradient took log(0) unguarded: NumPy's divide-by-zero warning, where
    the values (clamped as PyTorch clamps them) were right."""
    import warnings
    p = Variable(np.array([[1.0], [0.0], [0.5]], np.float32))
    t = Variable(np.array([[0.0], [1.0], [1.0]], np.float32))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.BCELoss()(p, t).backward()
    assert np.isfinite(t.grad.data).all() and t.grad.data[0, 0] == pytest.approx(-100 / 3)
