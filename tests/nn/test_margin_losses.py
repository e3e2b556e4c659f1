"""The margin and embedding losses (margin_ranking, hinge_embedding, soft_margin,
cosine_embedding, triplet_margin, multilabel_soft_margin, multi_margin) and
gaussian_nll_loss, functions and modules: PyTorch's values and input gradients (float32 and
float64, every reduction, several shapes and options, targets of both signs, weights),
backprop against numerical differentiation to second order away from the kinks, and every
argument error."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
import nn.functional as F
from autograd import Variable
from autograd.testing import assert_gradients_match

torch = pytest.importorskip("torch")
TF = torch.nn.functional

REDUCTIONS = ["mean", "sum", "none"]
DTYPES = [np.float32, np.float64]


def signs(rng, shape):
    """Labels of both signs, +1 and -1."""
    return rng.choice([-1.0, 1.0], size=shape)


# ----- the cases compared with PyTorch: (inputs, indices of the differentiated ones,
# keyword arguments); float arrays are cast to the tested dtype -----

def margin_ranking_cases(rng):
    yield (rng.normal(size=()), rng.normal(size=()), signs(rng, ())), (0, 1), {}
    yield (rng.normal(size=6), rng.normal(size=6), signs(rng, 6)), (0, 1), {"margin": 0.5}
    yield (rng.normal(size=(4, 1)), rng.normal(size=(1, 3)), signs(rng, (4, 3))), (0, 1), \
        {"margin": 0.2}


def hinge_embedding_cases(rng):
    yield (rng.normal(size=6), signs(rng, 6)), (0,), {}
    yield (rng.normal(size=(3, 4)), signs(rng, (3, 4))), (0,), {"margin": -0.5}
    # a label of 0 adds both terms, as PyTorch's; broadcasting either way
    yield (rng.normal(size=(3, 4)), np.array([1.0, -1.0, 0.0, 1.0])), (0,), {"margin": 2.0}
    yield (rng.normal(size=4), signs(rng, (3, 4))), (0,), {}
    yield (rng.normal(size=()), np.array(-1.0)), (0,), {}


def soft_margin_cases(rng):
    yield (rng.normal(size=6), signs(rng, 6)), (0,), {}
    yield (3 * rng.normal(size=(3, 4)), signs(rng, 4)), (0,), {}
    yield (rng.normal(size=()), np.array(1.0)), (0,), {}


def cosine_embedding_cases(rng):
    yield (rng.normal(size=4), rng.normal(size=4), np.array(1.0)), (0, 1), {}
    yield (rng.normal(size=4), rng.normal(size=4), np.array(-1.0)), (0, 1), {"margin": -0.9}
    yield (rng.normal(size=(5, 3)), rng.normal(size=(5, 3)), np.array([1.0, -1, 1, -1, 0])), \
        (0, 1), {"margin": 0.1}
    yield (rng.normal(size=(5, 3)), rng.normal(size=(1, 3)), signs(rng, 5)), (0, 1), \
        {"margin": -0.3}


def triplet_cases(rng):
    for p, swap in [(2.0, False), (1.0, True), (3.0, True)]:
        yield (rng.normal(size=(5, 4)), rng.normal(size=(5, 4)), rng.normal(size=(5, 4))), \
            (0, 1, 2), {"p": p, "swap": swap, "margin": 1.5}
    yield (rng.normal(size=4), rng.normal(size=4), rng.normal(size=4)), (0, 1, 2), \
        {"eps": 0.1, "margin": 3.0}
    yield (rng.normal(size=(2, 3, 4)), rng.normal(size=(1, 3, 4)), rng.normal(size=(2, 3, 4))), \
        (0, 1, 2), {"swap": True, "margin": 2.0}
    yield (rng.normal(size=()), rng.normal(size=()), rng.normal(size=())), (0, 1, 2), \
        {"margin": 2.0}


def multilabel_cases(rng):
    yield (rng.normal(size=4), (rng.random(4) > 0.5) * 1.0), (0,), {}
    yield (rng.normal(size=(5, 4)), rng.random((5, 4))), (0,), {"weight": rng.random(4)}
    yield (rng.normal(size=(5, 4)), (rng.random(4) > 0.5) * 1.0), (0,), \
        {"weight": rng.random((5, 1))}
    yield (rng.normal(size=(2, 3, 4)), (rng.random((2, 3, 4)) > 0.5) * 1.0), (0,), {}


def multi_margin_cases(rng):
    for p in (1, 2):
        yield (rng.normal(size=(6, 4)), np.array([0, 3, 1, 2, 2, 0])), (0,), {"p": p}
        yield (rng.normal(size=(6, 4)), np.array([1, 3, 1, 0, 2, 3])), (0,), \
            {"p": p, "margin": 0.5, "weight": rng.random(4) + 0.5}
    yield (rng.normal(size=5), np.array(2)), (0,), {"margin": 2.0}
    yield (rng.normal(size=5), np.array([4])), (0,), {"p": 2}
    yield (rng.normal(size=()), np.array(0)), (0,), {}


def gaussian_cases(rng):
    mean, var = rng.normal(size=(5, 4)), rng.uniform(0.1, 2.0, size=(5, 4))
    yield (mean, rng.normal(size=(5, 4)), var), (0, 1, 2), {}
    yield (mean, rng.normal(size=(5, 4)), var[:, 0]), (0, 1, 2), {"full": True}
    yield (mean, rng.normal(size=(5, 4)), var[:, :1]), (0, 1, 2), {}
    yield (mean, rng.normal(size=4), var[:1]), (0, 1, 2), {"full": True}
    # variances below eps: clamped in value, the gradient passing straight through
    yield (mean, rng.normal(size=(5, 4)), var * 0.3), (0, 1, 2), {"eps": 0.2}
    yield (rng.normal(size=(2, 3, 2)), rng.normal(size=(2, 3, 2)), rng.random((2, 1, 2))), \
        (0, 2), {}


CASES = {
    "margin_ranking_loss": margin_ranking_cases,
    "hinge_embedding_loss": hinge_embedding_cases,
    "soft_margin_loss": soft_margin_cases,
    "cosine_embedding_loss": cosine_embedding_cases,
    "triplet_margin_loss": triplet_cases,
    "multilabel_soft_margin_loss": multilabel_cases,
    "multi_margin_loss": multi_margin_cases,
    "gaussian_nll_loss": gaussian_cases,
}


def as_dtype(value, dtype):
    return value.astype(dtype) if isinstance(value, np.ndarray) and value.dtype.kind == "f" \
        else value


def compare_with_torch(name, inputs, differentiated, kwargs, dtype, reduction):
    inputs = [as_dtype(v, dtype) for v in inputs]
    kwargs = {k: as_dtype(v, dtype) for k, v in kwargs.items()}
    ours_in = [Variable(v) if i in differentiated else v for i, v in enumerate(inputs)]
    ours = getattr(F, name)(*ours_in, reduction=reduction, **kwargs)
    theirs_in = [torch.tensor(v, requires_grad=i in differentiated)
                 for i, v in enumerate(inputs)]
    theirs = getattr(TF, name)(*theirs_in, reduction=reduction,
                               **{k: torch.tensor(v) for k, v in kwargs.items()
                                  if isinstance(v, np.ndarray)},
                               **{k: v for k, v in kwargs.items()
                                  if not isinstance(v, np.ndarray)})
    tol = 1e-10 if dtype == np.float64 else 2e-5
    assert ours.dtype == dtype and ours.shape == tuple(theirs.shape)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=tol, atol=tol)
    upstream = np.random.default_rng(1).normal(size=ours.shape).astype(dtype)
    ours.backward(upstream)
    theirs.backward(torch.from_numpy(upstream))
    for i in differentiated:
        assert ours_in[i].grad.dtype == dtype
        np.testing.assert_allclose(ours_in[i].grad.data, theirs_in[i].grad.numpy(),
                                   rtol=tol, atol=tol, err_msg=f"{name}: input {i}")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", list(CASES))
def test_values_and_gradients_match_torch(name, reduction, dtype):
    rng = np.random.default_rng(sum(map(ord, name)))
    for inputs, differentiated, kwargs in CASES[name](rng):
        compare_with_torch(name, inputs, differentiated, kwargs, dtype, reduction)


@pytest.mark.parametrize("name", ["margin_ranking_loss", "hinge_embedding_loss",
                                  "soft_margin_loss"])
@given(seed=st.integers(0, 2**32 - 1), shape=st.sampled_from([(0,), (3,), (2, 5)]))
def test_elementwise_margin_losses_match_torch_on_drawn_inputs(name, seed, shape):
    rng = np.random.default_rng(seed)
    n_inputs = 2 if name == "margin_ranking_loss" else 1
    inputs = [rng.normal(size=shape) * 2 for _ in range(n_inputs)] + [signs(rng, shape)]
    margin = {} if name == "soft_margin_loss" else {"margin": float(rng.normal())}
    for reduction in REDUCTIONS:
        compare_with_torch(name, inputs, tuple(range(n_inputs)), margin, np.float64, reduction)


# each loss exactly at its hinge: PyTorch's clamp_min passes the gradient there (a tie of
# equal scores under margin 0 still learns), multi_margin_loss' strict z > 0 does not
AT_THE_HINGE = [
    ("margin_ranking_loss", (np.zeros(3), np.zeros(3), np.array([1.0, -1.0, 1.0])), (0, 1),
     {"margin": 0.0}),
    ("hinge_embedding_loss", (np.array([1.0, 0.5, 1.0]), np.array([-1.0, -1.0, 1.0])), (0,),
     {"margin": 1.0}),
    ("cosine_embedding_loss", (np.array([[1.0, 0.0], [2.0, 1.0]]),
                               np.array([[0.0, 3.0], [-1.0, 2.0]]), np.array([-1.0, -1.0])),
     (0, 1), {"margin": 0.0}),
    ("triplet_margin_loss", (np.zeros((1, 2)), np.array([[1.0, 0.0]]), np.array([[2.0, 0.0]])),
     (0, 1, 2), {"margin": 1.0, "eps": 0.0}),
    ("multi_margin_loss", (np.array([[1.0, 0.0, -3.0]]), np.array([0])), (0,), {}),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name, inputs, differentiated, kwargs", AT_THE_HINGE)
def test_gradients_at_the_hinge_match_torch(name, inputs, differentiated, kwargs, dtype):
    for reduction in REDUCTIONS:
        compare_with_torch(name, inputs, differentiated, kwargs, dtype, reduction)


def test_modules_match_the_functions():
    rng = np.random.default_rng(5)
    x1, x2, x3 = (rng.normal(size=(4, 3)) for _ in range(3))
    t, labels, w = signs(rng, 4), np.array([0, 2, 1, 1]), rng.random(3)
    t2 = signs(rng, (4, 3))
    pairs = [
        (nn.MarginRankingLoss(0.3, "sum"), (x1[:, 0], x2[:, 0], t),
         F.margin_ranking_loss(x1[:, 0], x2[:, 0], t, 0.3, "sum")),
        (nn.HingeEmbeddingLoss(0.5), (x1, t2), F.hinge_embedding_loss(x1, t2, 0.5)),
        (nn.SoftMarginLoss(reduction="none"), (x1, -x2), F.soft_margin_loss(x1, -x2, "none")),
        (nn.CosineEmbeddingLoss(-0.2), (x1, x2, t), F.cosine_embedding_loss(x1, x2, t, -0.2)),
        (nn.TripletMarginLoss(2.0, 1.0, 1e-3, True), (x1, x2, x3),
         F.triplet_margin_loss(x1, x2, x3, 2.0, 1.0, 1e-3, True)),
        (nn.MultiLabelSoftMarginLoss(w), (x1, x2 > 0),
         F.multilabel_soft_margin_loss(x1, x2 > 0, w)),
        (nn.MultiMarginLoss(2, 0.7, w), (x1, labels), F.multi_margin_loss(x1, labels, 2, 0.7, w)),
        (nn.GaussianNLLLoss(full=True, eps=0.1), (x1, x2, w[:1] + t * t),
         F.gaussian_nll_loss(x1, x2, w[:1] + t * t, True, 0.1)),
    ]
    for module, args, expected in pairs:
        got = module(*args)
        assert got.shape == expected.shape, type(module).__name__
        np.testing.assert_array_equal(got.data, expected.data)


def test_module_options_reprs_and_weights():
    w = np.array([1.0, 2.0, 3.0])
    loss = nn.MultiMarginLoss(p=2, weight=w, reduction="sum")
    assert (loss.p, loss.margin, loss.reduction) == (2, 1.0, "sum")
    np.testing.assert_array_equal(loss.weight, w)
    assert "weight" in loss.state_dict()
    assert repr(loss) == "MultiMarginLoss(reduction='sum')"
    assert repr(nn.TripletMarginLoss(margin=2.0, swap=True)) == "TripletMarginLoss()"
    triplet = nn.TripletMarginLoss()
    assert (triplet.margin, triplet.p, triplet.eps, triplet.swap) == (1.0, 2.0, 1e-6, False)
    gaussian = nn.GaussianNLLLoss()
    assert (gaussian.full, gaussian.eps, gaussian.reduction) == (False, 1e-6, "mean")
    with pytest.raises(TypeError):
        nn.GaussianNLLLoss(True)  # keyword-only, as PyTorch's
    assert nn.MultiLabelSoftMarginLoss().weight is None
    assert (nn.MarginRankingLoss().margin, nn.HingeEmbeddingLoss().margin,
            nn.CosineEmbeddingLoss().margin) == (0.0, 1.0, 0.0)


def test_faces_export_the_new_names():
    for name in CASES:
        assert name in F.__all__ and callable(getattr(F, name))
    for name in ["MarginRankingLoss", "HingeEmbeddingLoss", "SoftMarginLoss",
                 "CosineEmbeddingLoss", "TripletMarginLoss", "MultiLabelSoftMarginLoss",
                 "MultiMarginLoss", "GaussianNLLLoss"]:
        assert name in nn.__all__ and issubclass(getattr(nn, name), nn.Module)


# ----- by hand, and edge values -----

def test_soft_margin_loss_is_finite_for_large_margins():
    # PyTorch's log1p(exp(1000)) overflows to inf; the softplus form gives 1000
    x = np.array([-1000.0, 1000.0, 0.0])
    got = F.soft_margin_loss(x, np.ones(3), reduction="none").data
    np.testing.assert_allclose(got, [1000.0, 0.0, math.log(2.0)])
    xv = Variable(x)
    F.soft_margin_loss(xv, np.ones(3), reduction="sum").backward()
    np.testing.assert_allclose(xv.grad.data, [-1.0, 0.0, -0.5])


def test_multi_margin_loss_by_hand():
    x = np.array([[0.1, 0.2, 0.4, 0.8]])
    # (1 - 0.8 + 0.1) + (1 - 0.8 + 0.2) + (1 - 0.8 + 0.4), over 4 classes (PyTorch's example)
    assert F.multi_margin_loss(x, np.array([3])).item() == pytest.approx(0.325)
    weighted = F.multi_margin_loss(x, np.array([3]), weight=np.array([1.0, 1.0, 1.0, 3.0]))
    assert weighted.item() == pytest.approx(3 * 0.325)
    squared = F.multi_margin_loss(x, np.array([3]), p=2).item()
    assert squared == pytest.approx((0.3 ** 2 + 0.4 ** 2 + 0.6 ** 2) / 4)


def test_cosine_embedding_loss_of_zero_vectors_is_one_for_similar_pairs():
    got = F.cosine_embedding_loss(np.zeros((2, 3)), np.zeros((2, 3)), np.array([1.0, -1.0]),
                                  reduction="none")
    np.testing.assert_array_equal(got.data, [1.0, 0.0])


def test_cosine_embedding_gradient_at_a_zero_vector_is_torchs_in_float64():
    # the gradient at a zero vector is x2 / sqrt(EPSILON |x2|^2): PyTorch's EPSILON is 1e-12
    # rounded to float32, also in float64 (1e-12 itself was 2e-9 relative off, 1e-4 absolute)
    x1 = np.array([[0.0, 0.0, 0.0], [1e-7, 0.0, -2e-7]])
    x2 = np.array([[0.3, -1.0, 2.0], [1.0, 1.0, 1.0]])
    compare_with_torch("cosine_embedding_loss", [x1, x2, np.array([1.0, -1.0])], (0, 1),
                       {"margin": -0.5}, np.float64, "sum")


@pytest.mark.parametrize("name", ["triplet_margin_loss", "triplet_margin_with_distance_loss"])
def test_triplet_pairs_need_only_broadcast_pairwise_like_torch(name):
    # PyTorch broadcasts each pair the distance compares, over the feature axis too: an
    # anchor of one feature against positives of 3 and negatives of 4 (refused before)
    rng = np.random.default_rng(8)
    inputs = [rng.standard_normal(shape) for shape in [(2, 1), (2, 3), (2, 4)]]
    for reduction in ("none", "sum"):
        compare_with_torch(name, inputs, (0, 1, 2), {}, np.float64, reduction)
    with pytest.raises(ValueError, match=rf"{name}: shapes \(2, 1\), \(2, 3\), \(2, 4\) "
                                         "do not broadcast"):  # swap compares positive, negative
        getattr(F, name)(*inputs, swap=True)


def test_empty_batches_give_nan_means_and_zero_sums_like_torch():
    empty = np.zeros((0,))
    for reduction, want in [("mean", math.nan), ("sum", 0.0)]:
        got = F.margin_ranking_loss(empty, empty, empty, reduction=reduction).item()
        theirs = TF.margin_ranking_loss(*(torch.zeros(0),) * 3, reduction=reduction).item()
        np.testing.assert_equal([got, theirs], [want, want])
    got = F.multi_margin_loss(np.zeros((0, 3)), np.zeros(0, np.int64), reduction="none")
    assert got.shape == (0,)


def test_float32_stays_float32_and_integer_targets_are_cast():
    x = np.ones((2, 3), np.float32)
    assert F.hinge_embedding_loss(x, np.array([[1, -1, 1], [-1, 1, 0]])).dtype == np.float32
    assert F.margin_ranking_loss(x, x, np.ones((2, 3), np.int64)).dtype == np.float32
    assert F.gaussian_nll_loss(x, x, 0.5).dtype == np.float32
    assert F.multilabel_soft_margin_loss(x, np.ones((2, 3), np.int64)).dtype == np.float32


# ----- second order against numerical differentiation, away from the kinks -----

def away(rng, draw, kinks, gap=0.1):
    """draw(rng) again until every value of kinks(*drawn) is at least `gap` from 0."""
    for _ in range(1000):
        drawn = draw(rng)
        if np.all(np.abs(kinks(*drawn)) >= gap):
            return drawn
    raise AssertionError("no draw away from the kinks")


SEEDS = [0, 1]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_margin_ranking_and_hinge_second_order(seed, reduction):
    rng = np.random.default_rng(seed)
    x1, x2, t = away(rng, lambda r: (r.normal(size=(3, 4)), r.normal(size=(3, 4)),
                                     signs(r, (3, 4))),
                     lambda a, b, t: 0.3 - t * (a - b))
    assert_gradients_match(lambda a, b: F.margin_ranking_loss(a, b, t, 0.3, reduction),
                           x1, x2, order=2)
    x, t = away(rng, lambda r: (r.normal(size=(3, 4)), signs(r, (3, 4))),
                lambda x, t: 0.5 - x)
    assert_gradients_match(lambda a: F.hinge_embedding_loss(a, t, 0.5, reduction), x, order=2)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_soft_and_multilabel_soft_margin_second_order(reduction):
    rng = np.random.default_rng(2)
    x, t = 2 * rng.normal(size=(3, 4)), signs(rng, (3, 4))
    assert_gradients_match(lambda a: F.soft_margin_loss(a, t, reduction), x, order=2)
    labels, w = rng.random((3, 4)), rng.random(4)
    assert_gradients_match(lambda a: F.multilabel_soft_margin_loss(a, labels, w, reduction), x,
                           order=2)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cosine_embedding_second_order(seed, reduction):
    rng = np.random.default_rng(seed)
    t = np.array([1.0, -1.0, 1.0, -1.0])

    def cosine(a, b):
        return (a * b).sum(-1) / np.sqrt((a * a).sum(-1) * (b * b).sum(-1))
    x1, x2 = away(rng, lambda r: (r.normal(size=(4, 3)), r.normal(size=(4, 3))),
                  lambda a, b: (cosine(a, b) + 0.2)[t == -1])
    assert_gradients_match(lambda a, b: F.cosine_embedding_loss(a, b, t, -0.2, reduction),
                           x1, x2, order=2)


@pytest.mark.parametrize("p, swap", [(2.0, False), (2.0, True), (3.0, True), (1.0, False)])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_triplet_second_order(p, swap, reduction):
    rng = np.random.default_rng(3)

    def distance(a, b):
        return np.sum(np.abs(a - b + 1e-6) ** p, axis=-1) ** (1 / p)

    def kinks(a, pos, neg):
        # the hinge, the swap's min, and (for p = 1) each |a - b| at 0
        to_negative = distance(a, neg)
        if swap:
            to_negative = np.minimum(to_negative, distance(pos, neg))
        parts = [1.0 + distance(a, pos) - to_negative, distance(a, neg) - distance(pos, neg)]
        return np.concatenate([np.ravel(v) for v in parts + [a - pos, a - neg, pos - neg]])
    a, pos, neg = away(rng, lambda r: tuple(r.normal(size=(4, 3)) for _ in range(3)), kinks,
                       gap=0.05)
    assert_gradients_match(
        lambda x, y, z: F.triplet_margin_loss(x, y, z, 1.0, p, swap=swap, reduction=reduction),
        a, pos, neg, order=1 if p == 1.0 else 2)


@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multi_margin_second_order(p, reduction):
    rng = np.random.default_rng(4)
    labels = np.array([0, 2, 1, 3, 2])

    def kinks(x):
        return (0.6 - x[np.arange(5), labels][:, None] + x)
    (x,) = away(rng, lambda r: (r.normal(size=(5, 4)),), kinks)
    w = rng.random(4) + 0.5
    assert_gradients_match(lambda a: F.multi_margin_loss(a, labels, p, 0.6, w, reduction), x,
                           order=2)


@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gaussian_nll_second_order(full, reduction):
    rng = np.random.default_rng(6)
    mean, target = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    var = rng.uniform(0.5, 2.0, size=(3, 1))  # above eps: no clamp
    assert_gradients_match(lambda m, t, v: F.gaussian_nll_loss(m, t, v, full, 1e-6, reduction),
                           mean, target, var, order=2)


# ----- errors -----

X = np.ones((3, 4))


@pytest.mark.parametrize("call, error, words", [
    # shapes
    (lambda: F.margin_ranking_loss(np.ones(3), np.ones(3), np.ones((3, 1))), ValueError,
     "same number of axes"),
    (lambda: F.margin_ranking_loss(np.ones(3), np.ones(4), np.ones(3)), ValueError,
     "do not broadcast"),
    (lambda: F.hinge_embedding_loss(np.ones(3), np.ones(4)), ValueError, "do not broadcast"),
    (lambda: F.soft_margin_loss(np.ones(4), np.ones((3, 4))), ValueError,
     "target of shape (3, 4) does not broadcast to the input shape (4,)"),
    (lambda: F.cosine_embedding_loss(np.ones(4), np.ones(4), np.ones(1)), ValueError,
     "1-D target expects 2-D inputs"),
    (lambda: F.cosine_embedding_loss(X, X, np.array(1.0)), ValueError,
     "0-D target expects 1-D inputs"),
    (lambda: F.cosine_embedding_loss(X, X, np.ones((1, 3))), ValueError, "scalar or 1-D"),
    (lambda: F.cosine_embedding_loss(X, np.ones((3, 5)), np.ones(3)), ValueError,
     "do not broadcast"),
    (lambda: F.cosine_embedding_loss(X, X, np.ones(2)), ValueError,
     "target of shape (2,) does not broadcast to the number of pairs (3,)"),
    (lambda: F.triplet_margin_loss(X, np.ones(4), X), ValueError, "same number of axes"),
    (lambda: F.triplet_margin_loss(X, np.ones((3, 5)), X), ValueError, "do not broadcast"),
    (lambda: F.multilabel_soft_margin_loss(np.array(1.0), np.array(1.0)), ValueError,
     "no class axis"),
    (lambda: F.multilabel_soft_margin_loss(np.ones(4), X), ValueError,
     "does not broadcast to the input shape (4,)"),
    (lambda: F.multilabel_soft_margin_loss(X, X, weight=np.ones(5)), ValueError,
     "multilabel_soft_margin_loss: weight of shape (5,) does not broadcast to the input "
     "shape (3, 4)"),
    (lambda: F.multi_margin_loss(np.ones((2, 3, 4)), np.zeros(2, np.int64)), ValueError,
     "(C,) or (N, C) input, got shape (2, 3, 4)"),
    (lambda: F.multi_margin_loss(np.ones((3, 0)), np.zeros(3, np.int64)), ValueError,
     "non-empty"),
    (lambda: F.multi_margin_loss(X, np.zeros(2, np.int64)), ValueError,
     "one class index per sample (3)"),
    (lambda: F.multi_margin_loss(X, np.zeros((1, 3), np.int64)), ValueError, "got shape (1, 3)"),
    (lambda: F.multi_margin_loss(X, np.zeros(3, np.int64), weight=np.ones(5)), ValueError,
     "one value per class (4)"),
    (lambda: F.multi_margin_loss(X, np.zeros(3, np.int64), weight=np.ones((1, 4))),
     ValueError, "weight must be one-dimensional"),
    (lambda: F.gaussian_nll_loss(X, X, np.ones((3, 2))), ValueError,
     "var of shape (3, 2) does not fit input of shape (3, 4)"),
    (lambda: F.gaussian_nll_loss(X, X, np.ones(4)), ValueError, "does not fit"),
    (lambda: F.gaussian_nll_loss(np.ones((4, 3, 2)), np.ones((4, 3, 2)), np.ones((4, 1, 1))),
     ValueError, "does not fit"),
    (lambda: F.gaussian_nll_loss(X, np.ones((3, 5)), X), ValueError, "do not broadcast"),
    # values
    (lambda: F.multi_margin_loss(X, np.array([0, 4, 1])), IndexError,
     "target 4 is out of range for 4 classes"),
    (lambda: F.multi_margin_loss(X, np.array([0, -1, 1])), IndexError, "target -1"),
    (lambda: F.multi_margin_loss(X, np.array([0.0, 1.0, 1.0])), TypeError, "integer class"),
    (lambda: F.multi_margin_loss(X, np.zeros(3, np.int64), p=3), ValueError,
     "only p == 1 and p == 2 are supported, got 3"),
    (lambda: nn.MultiMarginLoss(p=0), ValueError, "MultiMarginLoss: only p == 1 and p == 2"),
    (lambda: F.triplet_margin_loss(X, X, X, margin=0.0), ValueError,
     "margin must be greater than 0, got 0.0"),
    (lambda: F.gaussian_nll_loss(X, X, -np.ones((3, 4))), ValueError,
     "var has negative entries"),
    (lambda: F.gaussian_nll_loss(X, X, -0.5), ValueError, "var must be >= 0, got -0.5"),
    (lambda: F.gaussian_nll_loss(X, X, Variable(np.ones((3, 4), np.int64))), TypeError,
     "var must be floating point"),
    # types and options
    (lambda: F.hinge_embedding_loss(np.ones(3, np.int64), np.ones(3)), TypeError,
     "hinge_embedding_loss: expected a floating-point input"),
    (lambda: F.soft_margin_loss(np.ones(3), np.array(["a", "b", "c"])), TypeError,
     "target must be numeric"),
    (lambda: F.margin_ranking_loss(X, X, X, margin="1"), TypeError, "margin must be a real"),
    (lambda: F.triplet_margin_loss(X, X, X, eps=None), TypeError, "eps must be a real"),
])
def test_errors_name_what_was_wrong(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


@pytest.mark.parametrize("name", list(CASES))
def test_a_bad_reduction_is_refused_by_name(name):
    rng = np.random.default_rng(0)
    inputs, _, kwargs = next(CASES[name](rng))
    with pytest.raises(ValueError, match=f"{name}: reduction must be one of"):
        getattr(F, name)(*inputs, reduction="batchmean", **kwargs)


@pytest.mark.parametrize("module", [nn.MarginRankingLoss, nn.HingeEmbeddingLoss,
                                    nn.SoftMarginLoss, nn.CosineEmbeddingLoss,
                                    nn.TripletMarginLoss, nn.MultiLabelSoftMarginLoss,
                                    nn.MultiMarginLoss, nn.GaussianNLLLoss])
def test_modules_refuse_a_bad_reduction_at_construction(module):
    with pytest.raises(ValueError, match=f"{module.__name__}: reduction must be one of"):
        module(reduction="avg")


def test_a_trained_weight_is_refused():
    weight = nn.Parameter(np.ones(4))
    with pytest.raises(ValueError, match="weight is trained"):
        F.multi_margin_loss(X, np.zeros(3, np.int64), weight=weight)
    with pytest.raises(ValueError, match="weight is trained"):
        nn.MultiLabelSoftMarginLoss(weight=weight)
