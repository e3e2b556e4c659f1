"""F.triplet_margin_with_distance_loss and nn.TripletMarginWithDistanceLoss against PyTorch:
the default distance and given ones (a function, a module, a lambda), swap, margins, every
reduction, float32 and float64, values and gradients of all three inputs; numerical first
and second order; reprs; the errors."""
import copy

import numpy as np
import pytest

import nn
import nn.functional as F
from autograd import gradcheck, gradgradcheck

from ._helpers import assert_matches_torch

torch = pytest.importorskip("torch")
TF = torch.nn.functional

REDUCTIONS = ["mean", "sum", "none"]
DTYPES = [np.float32, np.float64]

# (ours, torch's) distance functions; None is each library's default
DISTANCES = [
    (None, None),
    (lambda a, b: 1.0 - F.cosine_similarity(a, b, dim=-1),
     lambda a, b: 1.0 - TF.cosine_similarity(a, b, dim=-1)),
    (nn.PairwiseDistance(p=1.0), torch.nn.PairwiseDistance(p=1.0)),
    (lambda a, b: ((a - b) ** 2).sum(axis=-1), lambda a, b: ((a - b) ** 2).sum(dim=-1)),
]


def compare(inputs, kwargs, ours, theirs, dtype, module):
    if module:
        mine = nn.TripletMarginWithDistanceLoss(distance_function=ours, **kwargs)
        torchs = torch.nn.TripletMarginWithDistanceLoss(distance_function=theirs, **kwargs)
    else:
        def mine(*v):
            return F.triplet_margin_with_distance_loss(*v, distance_function=ours, **kwargs)

        def torchs(*t):
            return TF.triplet_margin_with_distance_loss(*t, distance_function=theirs, **kwargs)
    assert_matches_torch(mine, torchs, [v.astype(dtype) for v in inputs],
                         1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("module", [False, True])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("ours, theirs", DISTANCES)
def test_triplet_margin_with_distance_loss_matches_torch(ours, theirs, reduction, dtype,
                                                         module):
    rng = np.random.default_rng(0)
    for shape, margin, swap in [((5, 3), 1.0, False), ((5, 3), 0.5, True), ((4,), 2.0, True),
                                ((6, 2), 3.0, False)]:
        inputs = [rng.standard_normal(shape) for _ in range(3)]
        kwargs = dict(margin=margin, swap=swap, reduction=reduction)
        compare(inputs, kwargs, ours, theirs, dtype, module)


def test_the_default_is_triplet_margin_loss():
    rng = np.random.default_rng(2)
    a, p, n = (rng.standard_normal((4, 3)) for _ in range(3))
    for swap in (False, True):
        np.testing.assert_allclose(
            F.triplet_margin_with_distance_loss(a, p, n, swap=swap).data,
            F.triplet_margin_loss(a, p, n, swap=swap).data, rtol=1e-14)


def test_gradients_numerically_to_second_order():
    rng = np.random.default_rng(3)
    a, p, n = (rng.standard_normal((4, 3)) for _ in range(3))
    p = a + 0.3 * p  # most triplets inside the margin, so the hinge is active

    def f(a, p, n):
        return F.triplet_margin_with_distance_loss(
            a, p, n, distance_function=lambda u, v: ((u - v) ** 2).sum(axis=-1), margin=2.0)
    gradcheck(f, a, p, n)
    gradgradcheck(f, a, p, n)


def test_reprs_are_torchs():
    assert repr(nn.TripletMarginWithDistanceLoss()) == repr(
        torch.nn.TripletMarginWithDistanceLoss())
    assert repr(nn.TripletMarginWithDistanceLoss(distance_function=nn.PairwiseDistance(p=1.0),
                                                 margin=2.0, swap=True)) == repr(
        torch.nn.TripletMarginWithDistanceLoss(
            distance_function=torch.nn.PairwiseDistance(p=1.0), margin=2.0, swap=True))
    plain = nn.TripletMarginWithDistanceLoss(distance_function=F.pairwise_distance)
    assert repr(plain) == "TripletMarginWithDistanceLoss()"


A = np.zeros((2, 3))


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.triplet_margin_with_distance_loss(A, A, A, margin=0.0), ValueError,
     "triplet_margin_with_distance_loss: margin must be greater than 0, got 0.0"),
    (lambda: F.triplet_margin_with_distance_loss(A, A, A, margin="1"), TypeError, "margin"),
    (lambda: F.triplet_margin_with_distance_loss(A, A, A, reduction="avg"), ValueError, "avg"),
    (lambda: F.triplet_margin_with_distance_loss(A, A, np.zeros(3)), ValueError,
     r"same number of axes.*\(2, 3\), \(2, 3\) and \(3,\)"),
    (lambda: F.triplet_margin_with_distance_loss(A, A, A, distance_function=2), TypeError,
     "distance_function must be callable"),
    (lambda: F.triplet_margin_with_distance_loss(A, A, np.zeros((2, 4))), ValueError,
     r"triplet_margin_with_distance_loss: shapes \(2, 3\), \(2, 3\), \(2, 4\) do not "
     "broadcast"),
    (lambda: nn.TripletMarginWithDistanceLoss(margin=-1.0), ValueError,
     "TripletMarginWithDistanceLoss: margin must be greater than 0"),
    (lambda: nn.TripletMarginWithDistanceLoss(reduction="avg"), ValueError, "avg"),
    (lambda: nn.TripletMarginWithDistanceLoss(None), TypeError, "positional"),
    # (the module's default distance named pairwise_distance)
    (lambda: nn.TripletMarginWithDistanceLoss()(A, np.zeros((2, 4)), A), ValueError,
     r"triplet_margin_with_distance_loss: shapes \(2, 3\), \(2, 4\), \(2, 3\) do not "
     "broadcast"),
    (lambda: copy.deepcopy(nn.TripletMarginWithDistanceLoss())(A, np.zeros((2, 4)), A),
     ValueError, r"triplet_margin_with_distance_loss: shapes"),
])
def test_errors_name_what_is_wrong(call, error, message):
    with pytest.raises(error, match=message):
        call()
