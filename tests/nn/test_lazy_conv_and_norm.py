"""LazyBatchNorm1d/2d (and LazyConv2d in a model): sized at the first call like PyTorch's
twins, the same parameters, buffers and outputs; an optimizer made before the first call
updates the weights made at it; Keras-style Sequential stacks need no channel counts."""
import numpy as np
import pytest

import nn
import nn.functional as F
import optim
from autograd import Variable
from autograd.variable import UninitializedParameter

from ._helpers import assert_close

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("layer, shape, kwargs", [
    ("LazyBatchNorm2d", (4, 3, 5, 5), {}),
    ("LazyBatchNorm2d", (4, 3, 5, 5), dict(affine=False, momentum=None)),
    ("LazyBatchNorm1d", (6, 5), dict(track_running_stats=False)),
    ("LazyBatchNorm1d", (6, 5, 2), dict(eps=1e-3)),
])
def test_lazy_batch_norm_matches_torch_after_two_training_steps(layer, shape, kwargs):
    ours, theirs = getattr(nn, layer)(**kwargs), getattr(torch.nn, layer)(**kwargs)
    rng = np.random.default_rng(0)
    for _ in range(2):
        x = rng.standard_normal(shape).astype(np.float32)
        xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
        y, yt = ours(xv), theirs(xt)
        assert_close(y, yt)
        y.sum().backward()
        (yt * 1).sum().backward()
        assert_close(xv.grad, xt.grad, tol=1e-4)
    state, expected = ours.state_dict(), theirs.state_dict()
    assert list(state) == list(expected)
    for key in state:
        assert_close(state[key], expected[key])
    # the class it stands for from now on, as torch's (cls_to_become)
    assert type(ours).__name__ == type(theirs).__name__ == layer[len("Lazy"):]
    assert repr(ours) == repr(theirs) and ours.num_features == shape[1]


def test_an_optimizer_made_before_the_first_call_trains_the_lazy_layers():
    np.random.seed(0)

    def model():
        return nn.Sequential(nn.LazyConv2d(4, 3, padding=1), nn.LazyBatchNorm2d(), nn.ReLU(),
                             nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(3))

    lazy = model()
    opt = optim.Adam(lazy.parameters(), lr=0.05)
    assert sum(isinstance(p, UninitializedParameter) for p in lazy.parameters()) == 6
    x = np.random.default_rng(1).standard_normal((8, 2, 6, 6)).astype(np.float32)
    t = np.arange(8) % 3
    losses = []
    for _ in range(5):
        loss = F.cross_entropy(lazy(x), t)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss.data))
    assert losses[-1] < losses[0]
    assert [p.shape for p in lazy.parameters()] == [(4, 2, 3, 3), (4,), (4,), (4,), (3, 4),
                                                   (3,)]
    assert [id(p) for p in opt.param_groups[0]["params"]] == [id(p) for p in lazy.parameters()]
    assert lazy[1].running_mean.shape == (4,) and lazy[1].num_batches_tracked == 5


def test_an_unbuilt_lazy_batch_norm_says_what_it_needs():
    layer = nn.LazyBatchNorm2d()
    assert layer.state_dict() == {} and not layer.built
    with pytest.raises(ValueError, match=r"LazyBatchNorm2d: expected an input of shape "
                                         r"\(N, C, H, W\), got \(2, 3\)"):
        layer(np.zeros((2, 3), np.float32))
    assert not layer.built
    assert repr(type(layer)(**layer.get_config())).startswith("LazyBatchNorm2d(0, eps=1e-05")
    layer(np.zeros((2, 3, 1, 1), np.float32))
    with pytest.raises(ValueError, match=r"BatchNorm2d: the input of shape \(2, 4, 1, 1\) "
                                         r"has 4 channels"):
        layer(np.zeros((2, 4, 1, 1), np.float32))
    rebuilt = type(layer)(**layer.get_config())
    assert type(rebuilt) is nn.BatchNorm2d and repr(rebuilt) == repr(layer)


@pytest.mark.parametrize("kwargs", [{}, dict(affine=False), dict(track_running_stats=False)])
def test_an_unbuilt_lazy_batch_norm_loads_a_trained_one(kwargs):
    """A checkpoint loads into a fresh model before its first call (PyTorch's lazy modules):
    the layer is built from the arrays, running statistics included, and evaluates alike."""
    trained = nn.Sequential(nn.LazyConv2d(4, 3), nn.LazyBatchNorm2d(**kwargs))
    x = np.random.default_rng(0).standard_normal((5, 2, 6, 6)).astype(np.float32)
    for _ in range(3):
        trained(x)
    fresh = nn.Sequential(nn.LazyConv2d(4, 3), nn.LazyBatchNorm2d(**kwargs))
    assert fresh.load_state_dict(trained.state_dict()) == ([], [])
    assert fresh[1].built and fresh[1].num_features == 4
    for key, value in trained.state_dict().items():
        np.testing.assert_array_equal(fresh.state_dict()[key], value)
    trained.eval()
    fresh.eval()
    np.testing.assert_array_equal(fresh(x).data, trained(x).data)


def test_a_wrong_checkpoint_leaves_an_unbuilt_lazy_batch_norm_unbuilt():
    state = {"weight": np.ones(3, np.float32), "bias": np.zeros(3, np.float32),
             "running_mean": np.zeros(4, np.float32), "running_var": np.ones(3, np.float32),
             "num_batches_tracked": np.zeros((), np.int64)}
    layer = nn.LazyBatchNorm2d()
    with pytest.raises(ValueError, match=r"shape mismatch for 'running_mean': the model has "
                                         r"\(3,\), the state_dict \(4,\)"):
        layer.load_state_dict(state)
    assert not layer.built and layer.running_mean is None
