"""nn.BatchNorm3d and nn.LazyBatchNorm3d against PyTorch."""
import numpy as np
import pytest

import nn
from autograd import Variable

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_3d_is_torchs(training):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 3, 2, 3, 4))
    ours, theirs = nn.BatchNorm3d(3, dtype=np.float64), torch.nn.BatchNorm3d(3).double()
    weight = rng.normal(size=3)
    ours.weight.data[...] = weight
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(weight))
    ours.train(training)
    theirs.train(training)
    for _ in range(2):  # the running statistics move alike
        xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
        y, yt = ours(xv), theirs(xt)
        np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-10, atol=1e-10)
        g = rng.normal(size=x.shape)
        (y * Variable(g)).sum().backward()
        (yt * torch.tensor(g)).sum().backward()
        np.testing.assert_allclose(xv.grad.data, xt.grad.numpy(), rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(ours.running_var, theirs.running_var.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), rtol=1e-9)


def test_lazy_batch_norm_3d_sizes_itself_and_wrong_ranks_are_named():
    lazy = nn.LazyBatchNorm3d()
    x = np.random.default_rng(2).normal(size=(2, 3, 2, 2, 2)).astype(np.float32)
    assert lazy(x).shape == x.shape and lazy.num_features == 3
    assert lazy.weight.dtype == np.float32
    with pytest.raises(ValueError, match=r"BatchNorm3d: expected an input of shape "
                                         r"\(N, C, D, H, W\), got \(2, 3, 4\)"):
        nn.BatchNorm3d(3)(np.zeros((2, 3, 4), np.float32))
    assert repr(nn.BatchNorm3d(3)) == repr(torch.nn.BatchNorm3d(3))
