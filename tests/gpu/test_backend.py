"""The array backend on the GPU (CuPy): backprop there matches the CPU, to second order.
Runs only where CuPy sees a GPU."""
import numpy as np
import pytest

import autograd as ag
from autograd import Variable, cuda

pytestmark = pytest.mark.skipif(not cuda.is_available(), reason="needs CuPy and a GPU")


def _loss(x, w):
    return ag.sum(ag.tanh(ag.matmul(x, w)) ** 2 + ag.exp(-x[:, :1]) * ag.sin(w[0]))


def test_forward_and_backward_on_the_gpu_match_the_cpu():
    rng = np.random.default_rng(0)
    x_cpu, w_cpu = rng.standard_normal((4, 3)), rng.standard_normal((3, 5))
    results = []
    for move in (lambda a: a, cuda.to_gpu):
        x, w = Variable(move(x_cpu)), Variable(move(w_cpu))
        loss = _loss(x, w)
        loss.backward()
        assert cuda.get_array_module(x.grad) is not np or move is not cuda.to_gpu
        results.append([cuda.to_cpu(a.data) for a in (loss, x.grad, w.grad)])
    for cpu, gpu_result in zip(*results):
        np.testing.assert_allclose(gpu_result, cpu, rtol=1e-10)


def test_second_order_on_the_gpu():
    x = Variable(cuda.to_gpu(np.array([0.3, -0.7])))
    y = ag.sum(ag.tanh(x) ** 3)
    (g,) = ag.grad(y, x, create_graph=True)
    (gg,) = ag.grad(ag.sum(g), x)
    t = np.tanh(np.array([0.3, -0.7]))
    expected = 6 * t * (1 - t**2) ** 2 - 6 * t**3 * (1 - t**2)
    np.testing.assert_allclose(cuda.to_cpu(gg.data), expected, rtol=1e-10)


@pytest.mark.parametrize("name", ["maximum", "minimum", "logaddexp"])
@pytest.mark.parametrize("length", [0, 1, 2, 3, 5, 8, 9])
def test_running_ops_on_the_gpu_equal_numpy_accumulate(name, length):
    """CuPy's ufuncs have no accumulate (cummax, cummin, logcumsumexp and mode raised
    AttributeError there): backend.accumulate scans by doubling steps."""
    from autograd.backend import accumulate
    x = np.random.default_rng(length).standard_normal((3, length, 2))
    for axis in (1, -1, 0):
        got = cuda.to_cpu(accumulate(name, cuda.to_gpu(x), axis))
        np.testing.assert_allclose(got, getattr(np, name).accumulate(x, axis=axis), rtol=1e-14)
