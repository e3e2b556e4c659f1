"""nn.CosineSimilarity and nn.PairwiseDistance (PyTorch's) over nn.functional's: values and
gradients against PyTorch in float32 and float64, reprs, arguments and errors."""
import numpy as np
import pytest

import nn
from autograd import Variable

torch = pytest.importorskip("torch")

CASES = [("CosineSimilarity", {}, (4, 5)), ("CosineSimilarity", dict(dim=0), (4, 5)),
         ("CosineSimilarity", dict(dim=-1, eps=1e-3), (2, 3, 4)),
         ("PairwiseDistance", {}, (4, 5)), ("PairwiseDistance", dict(p=1.0), (3, 6)),
         ("PairwiseDistance", dict(p=3, eps=1e-3, keepdim=True), (2, 3, 4))]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, kwargs, shape", CASES, ids=[f"{n}-{k}" for n, k, _ in CASES])
def test_matches_torch(name, kwargs, shape, dtype):
    ours, theirs = getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(ours) == repr(theirs)
    rng = np.random.default_rng(0)
    a, b = (rng.normal(size=shape).astype(dtype) for _ in range(2))
    av, bv = Variable(a), Variable(b)
    at, bt = (torch.tensor(v, requires_grad=True) for v in (a, b))
    y, yt = ours(av, bv), theirs(at, bt)
    assert y.dtype == dtype and y.shape == tuple(yt.shape)
    gy = rng.normal(size=y.shape).astype(dtype)
    y.backward(gy)
    yt.backward(torch.from_numpy(gy))
    tolerance = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-10)
    np.testing.assert_allclose(y.data, yt.detach().numpy(), **tolerance)
    np.testing.assert_allclose(av.grad.data, at.grad.numpy(), **tolerance)
    np.testing.assert_allclose(bv.grad.data, bt.grad.numpy(), **tolerance)
    assert type(ours)(**ours.get_config()).get_config() == ours.get_config()
    assert list(ours.parameters()) == []


def test_pairwise_distance_keeps_torch_s_attribute_names():
    layer = nn.PairwiseDistance(p=1.0, eps=0.5, keepdim=True)
    theirs = torch.nn.PairwiseDistance(p=1.0, eps=0.5, keepdim=True)
    assert (layer.norm, layer.eps, layer.keepdim) == (theirs.norm, theirs.eps, theirs.keepdim)
    assert layer.get_config() == dict(p=1.0, eps=0.5, keepdim=True)


@pytest.mark.parametrize("call, error, match", [
    (lambda: nn.CosineSimilarity(eps="tiny"), TypeError, "CosineSimilarity: eps must be a real"),
    (lambda: nn.PairwiseDistance(p=None), TypeError, "PairwiseDistance: p must be a real"),
    (lambda: nn.PairwiseDistance(eps=[1]), TypeError, "PairwiseDistance: eps must be a real"),
    (lambda: nn.CosineSimilarity()(np.ones((2, 3)), np.ones((4, 3))), ValueError,
     r"cosine_similarity: shapes \(2, 3\) and \(4, 3\) do not broadcast"),
    (lambda: nn.CosineSimilarity(dim=2)(np.ones((2, 3)), np.ones((2, 3))), ValueError,
     "cosine_similarity"),
    (lambda: nn.PairwiseDistance()(np.ones((2, 3)), np.ones((2, 4))), ValueError,
     r"pairwise_distance: shapes \(2, 3\) and \(2, 4\) do not broadcast"),
    (lambda: nn.PairwiseDistance()(np.ones((2, 3), int), np.ones((2, 3))), TypeError,
     "pairwise_distance: expected a floating-point input"),
])
def test_errors_name_what_was_wrong(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_pairwise_distance_of_two_numbers_and_cdist_s_compute_mode_as_pytorch():
    import autograd as ag
    import nn.functional as F
    x = Variable(np.array(1.0))
    distance = F.pairwise_distance(x, Variable(np.array(3.0)))
    distance.backward()
    assert distance.shape == () and distance.data == pytest.approx(2.0 - 1e-6)
    assert x.grad.data == -1.0
    with pytest.raises(ValueError, match="cdist: compute_mode must be one of"):
        ag.cdist(np.ones((1, 2)), np.ones((1, 2)), compute_mode="use_mm_for_euclid_dist_if")
    assert ag.cdist(np.ones((1, 2)), np.zeros((1, 2)),
                    compute_mode="donot_use_mm_for_euclid_dist").data == pytest.approx(2 ** 0.5)
