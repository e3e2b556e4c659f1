"""float16 normalizations, softmaxes and loss reductions over many elements, as PyTorch's CPU
computes them (in float32, rounded once): each summed in float16 overflowed 65504 (a
gradient of -inf, a loss of inf, a softmax of 0, a 'batchmean' divided by inf)."""
import numpy as np
import pytest

import nn.functional as F
from autograd import Variable

torch = pytest.importorskip("torch")
T = torch.nn.functional

N = 70_000  # past float16's largest value, 65504, once summed
CYCLE = (np.arange(N) % 5).astype(np.float16)
ONES = np.ones(N, np.float16)
LABELS = np.zeros(N, np.int64)

CASES = {  # name: (rungrad's function, PyTorch's, input)
    "layer_norm": (lambda x: F.layer_norm(x, (N,)), lambda x: T.layer_norm(x, (N,)), CYCLE),
    "layer_norm of 300s": (lambda x: F.layer_norm(x, (8,)), lambda x: T.layer_norm(x, (8,)),
                           np.array([300, -300] * 4, np.float16)),
    "batch_norm": (lambda x: F.batch_norm(x.reshape(-1, 1), None, None, training=True),
                   lambda x: T.batch_norm(x.reshape(-1, 1), None, None, training=True), CYCLE),
    "group_norm": (lambda x: F.group_norm(x.reshape(1, 1, -1), 1),
                   lambda x: T.group_norm(x.reshape(1, 1, -1), 1), CYCLE),
    "instance_norm": (lambda x: F.instance_norm(x.reshape(1, 1, -1)),
                      lambda x: T.instance_norm(x.reshape(1, 1, -1)), CYCLE),
    "rms_norm": (lambda x: F.rms_norm(x, (N,)), lambda x: T.rms_norm(x, (N,)), CYCLE),
    "normalize": (lambda x: F.normalize(x.reshape(1, -1)),
                  lambda x: T.normalize(x.reshape(1, -1)), np.full(10, 300, np.float16)),
    "softmax": (lambda x: F.softmax(x, 0), lambda x: T.softmax(x, 0), ONES),
    "softmin": (lambda x: F.softmin(x, 0), lambda x: T.softmin(x, 0), ONES),
    "mse_loss": (lambda x: F.mse_loss(x, np.zeros(N, np.float16)),
                 lambda x: T.mse_loss(x, torch.zeros(N, dtype=torch.half)), ONES),
    "l1_loss": (lambda x: F.l1_loss(x, np.zeros(N, np.float16)),
                lambda x: T.l1_loss(x, torch.zeros(N, dtype=torch.half)), ONES),
    "bce_with_logits": (
        lambda x: F.binary_cross_entropy_with_logits(x, np.zeros(N, np.float16)),
        lambda x: T.binary_cross_entropy_with_logits(x, torch.zeros(N, dtype=torch.half)),
        ONES),
    "kl_div batchmean": (
        lambda x: F.kl_div(x, np.full(N, 0.5, np.float16), reduction="batchmean"),
        lambda x: T.kl_div(x, torch.full((N,), 0.5, dtype=torch.half), reduction="batchmean"),
        -ONES),
}


@pytest.mark.parametrize("name", list(CASES))
def test_float16_over_many_elements_as_pytorch(name):
    ours, theirs, array = CASES[name]
    x = Variable(array.copy())
    y = ours(x)
    # upstream gradients near 1 (their sum overflows float16) but not equal (a norm's
    # gradient of a plain sum is 0)
    weights = (1 + np.random.default_rng(0).standard_normal(y.shape) / 2).astype(np.float16)
    (y * weights).sum().backward()
    xt = torch.tensor(array, requires_grad=True)
    yt = theirs(xt)
    (yt * torch.tensor(weights)).sum().backward()
    assert y.dtype == np.float16 and x.grad.dtype == np.float16
    np.testing.assert_allclose(y.data.astype(np.float32), yt.detach().numpy(),
                               rtol=2e-3, atol=1e-7)
    np.testing.assert_allclose(x.grad.data.astype(np.float32), xt.grad.numpy(),
                               rtol=2e-2, atol=1e-4)


def test_batch_norm_running_statistics_stay_float16():
    mean, var = np.zeros(1, np.float16), np.ones(1, np.float16)
    F.batch_norm(Variable(CYCLE.reshape(-1, 1)), mean, var, training=True)
    assert mean.dtype == var.dtype == np.float16
    np.testing.assert_allclose([mean[0], var[0]], [0.2, 0.9 + 0.1 * 2.0], rtol=1e-3)


@pytest.mark.parametrize("p", [2.0, 3.0])
def test_float16_distances_of_large_vectors_as_pytorch(p):
    """norm's squares (cubes) of values near 100 overflowed float16: pairwise_distance inf."""
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal((2, 64)).astype(np.float16) * 100 for _ in range(2))
    x = Variable(a)
    y = F.pairwise_distance(x, b, p=p)
    y.sum().backward()
    xt = torch.tensor(a, requires_grad=True)
    yt = T.pairwise_distance(xt, torch.tensor(b), p=p)
    yt.sum().backward()
    np.testing.assert_allclose(y.data.astype(np.float32), yt.detach().numpy(), rtol=2e-3)
    np.testing.assert_allclose(x.grad.data.astype(np.float32), xt.grad.numpy(), rtol=2e-2,
                               atol=1e-3)


def test_float16_average_pool_of_a_large_window_as_pytorch():
    """A 64 x 64 window of values near 30 summed past 65504 in float16: the mean was inf."""
    a = np.random.default_rng(0).uniform(30, 31, (1, 1, 64, 128)).astype(np.float16)
    x = Variable(a)
    y = F.avg_pool2d(x, 64)
    y.sum().backward()
    xt = torch.tensor(a, requires_grad=True)
    yt = T.avg_pool2d(xt, 64)
    yt.sum().backward()
    assert y.dtype == x.grad.dtype == np.float16
    np.testing.assert_allclose(y.data.astype(np.float32), yt.detach().numpy(), rtol=2e-3)
    np.testing.assert_allclose(x.grad.data.astype(np.float32), xt.grad.numpy(), rtol=1e-3)


def test_float16_average_pool_3d_of_a_large_window():
    """16 x 16 x 16 values near 30: the depth sums and the window sums overflowed to inf
    (PyTorch's CPU has no float16 avg_pool3d: the reference is the float64 mean)."""
    a = np.random.default_rng(1).uniform(30, 31, (1, 1, 16, 16, 32)).astype(np.float16)
    x = Variable(a)
    y = F.avg_pool3d(x, 16)
    y.sum().backward()
    exact = a.astype(np.float64).reshape(1, 1, 16, 16, 2, 16).mean(axis=(2, 3, 5))
    assert y.dtype == x.grad.dtype == np.float16
    np.testing.assert_allclose(y.data.astype(np.float64).reshape(1, 1, 2), exact, rtol=2e-3)
    np.testing.assert_allclose(x.grad.data.astype(np.float64), 1 / 16 ** 3, rtol=1e-3)


def test_linear_bias_gradient_of_a_large_float16_batch_is_summed_in_float32():
    """Past the BLAS path's rows the bias gradient was NumPy's float16 column sum: 0.1 over
    5,000 rows gave 256 where PyTorch gives 500."""
    x = Variable(np.full((5000, 3), 0.1, np.float16))
    w = Variable(np.ones((2, 3), np.float16))
    b = Variable(np.zeros(2, np.float16))
    F.linear(x, w, b).backward(np.full((5000, 2), 0.1, np.float16))
    assert b.grad.dtype == np.float16
    np.testing.assert_allclose(b.grad.data, 500, rtol=1e-3)
