"""fractional_max_pool3d and FractionalMaxPool3d against PyTorch with fixed samples: values
and indices exactly, gradients (second order too), unbatched input, samples drawn from NumPy's
generator, the module, a captured step, and the errors (ATen's stricter 3-D size rule)."""
import numpy as np
import pytest

import nn
import nn.functional as F
import optim
from autograd import Variable, capture
from autograd.testing import assert_gradients_match

from ._helpers import assert_close

torch = pytest.importorskip("torch")

CASES = [  # (input shape, kernel_size, output_size, output_ratio)
    ((2, 3, 9, 7, 8), 2, (4, 3, 5), None),
    ((1, 2, 6, 6, 6), 3, 3, None),
    ((2, 1, 8, 9, 7), (2, 3, 2), None, 0.5),
    ((1, 2, 7, 7, 7), 2, None, (0.6, 0.7, 0.5)),
    ((1, 1, 6, 5, 6), 2, (4, 3, 4), None),  # overlapping windows: gradients add up
    ((2, 2, 5, 5, 5), 1, 4, None),
]


def samples_for(shape, dtype, seed=0):
    return np.random.default_rng(seed).random((shape[0], shape[1], 3)).astype(dtype)


def torch_pool(x, kernel, size, ratio, samples):
    return torch.nn.functional.fractional_max_pool3d(
        x, kernel, output_size=size, return_indices=True,
        output_ratio=None if ratio is None else np.broadcast_to(ratio, 3).tolist(),
        _random_samples=torch.tensor(samples))


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_values_indices_and_gradients_match_torch(case, dtype):
    shape, kernel, size, ratio = case
    x = np.random.default_rng(1).standard_normal(shape).astype(dtype)
    samples = samples_for(shape, dtype)
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    y, indices = F.fractional_max_pool3d(xv, kernel, size, ratio, True, samples)
    yt, it = torch_pool(xt, kernel, size, ratio, samples)
    np.testing.assert_array_equal(y.data, yt.detach().numpy())
    np.testing.assert_array_equal(indices, it.numpy())
    assert y.dtype == dtype and indices.dtype == np.int64
    gy = np.random.default_rng(2).standard_normal(y.shape).astype(dtype)
    y.backward(gy)
    yt.backward(torch.tensor(gy))
    assert_close(xv.grad, xt.grad, 1e-6)


def test_unbatched_input_and_numpys_generator():
    x = np.random.default_rng(6).standard_normal((2, 7, 6, 8)).astype(np.float32)
    np.random.seed(11)
    y, indices = F.fractional_max_pool3d(x, 2, (3, 3, 4), return_indices=True)
    np.random.seed(11)
    samples = np.random.random_sample((1, 2, 3)).astype(np.float32)
    yt, it = torch_pool(torch.tensor(x), 2, (3, 3, 4), None, samples)
    assert y.shape == (2, 3, 3, 4) and indices.shape == (2, 3, 3, 4)
    np.testing.assert_array_equal(y.data, yt.numpy())
    np.testing.assert_array_equal(indices, it.numpy())


def test_second_order_gradients():
    x = np.random.default_rng(7).permutation(2 * 5 * 5 * 5).reshape(2, 1, 5, 5, 5) / 7.0
    samples = samples_for(x.shape, np.float64)
    assert_gradients_match(lambda v: F.fractional_max_pool3d(v, 2, (3, 2, 3),
                                                             _random_samples=samples) ** 2,
                           x, order=2)


def test_module_matches_torch():
    x = np.random.default_rng(9).standard_normal((2, 3, 10, 8, 9)).astype(np.float32)
    samples = samples_for(x.shape, np.float32)
    pool = nn.FractionalMaxPool3d(3, output_ratio=(0.5, 0.6, 0.4), return_indices=True,
                                  _random_samples=samples)
    theirs = torch.nn.FractionalMaxPool3d(3, output_ratio=(0.5, 0.6, 0.4),
                                          return_indices=True,
                                          _random_samples=torch.tensor(samples))
    (y, indices), (yt, it) = pool(x), theirs(torch.tensor(x))
    np.testing.assert_array_equal(y.data, yt.numpy())
    np.testing.assert_array_equal(indices, it.numpy())
    assert (pool.kernel_size, pool.output_ratio) == ((3, 3, 3), (0.5, 0.6, 0.4))
    assert repr(pool) == repr(theirs) == "FractionalMaxPool3d()"
    assert nn.FractionalMaxPool3d(2, output_size=3).output_size == (3, 3, 3)
    assert F.fractional_max_pool3d_with_indices(x, 3, 4, _random_samples=samples)[1].shape \
        == (2, 3, 4, 4, 4)


def test_a_captured_step_draws_new_windows_as_the_eager_one():
    """The samples are drawn inside the op: a replay draws again, so a captured step with
    the generator seeded alike trains as the eager one."""
    models, steps = [], []
    for captured in (False, True):
        np.random.seed(0)
        model = nn.Sequential(nn.Conv3d(1, 2, 3, padding=1),
                              nn.FractionalMaxPool3d(2, output_size=(3, 3, 3)),
                              nn.Flatten(), nn.Linear(54, 3))
        optimizer = optim.SGD(model.parameters(), lr=0.1)

        def step(x, t, model=model, optimizer=optimizer):
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x), t)
            loss.backward()
            optimizer.step()
            return loss
        models.append(model)
        steps.append(capture(step) if captured else step)
    rng = np.random.default_rng(1)
    for i in range(5):
        x, t = rng.standard_normal((4, 1, 6, 6, 6)).astype(np.float32), rng.integers(0, 3, 4)
        losses = []
        for step in steps:
            np.random.seed(10 + i)
            losses.append(float(step(x, t).data))
        assert losses[1] == pytest.approx(losses[0], rel=1e-5)
    assert steps[1].captured == 1


@pytest.mark.parametrize("shape, kwargs, message", [
    ((1, 2, 5, 5, 5), {"output_size": 4}, "pool time 2 too large relative to input time 5"),
    ((1, 2, 6, 5, 6), {"output_size": (3, 4, 3)}, "pool height 2 too large"),
    ((1, 2, 5, 5, 5), {"output_ratio": (0.5, 0.5)}, "output_ratio must be a number or a "
                                                    "triple"),
    ((2, 4, 4), {"output_size": 1}, r"expected an input \(N, C, T, H, W\)"),
    ((1, 2, 6, 6, 6), {"output_size": 2, "_random_samples": np.zeros((1, 2, 2))},
     r"_random_samples must have shape \(N, C, 3\) = \(1, 2, 3\)"),
])
def test_errors(shape, kwargs, message):
    with pytest.raises(ValueError, match=message):
        F.fractional_max_pool3d(np.zeros(shape), 2, **kwargs)
    # (torch refuses these sizes too)
    if "_random_samples" not in kwargs and "output_size" in kwargs and len(shape) == 5:
        with pytest.raises(RuntimeError, match="too large relative to input"):
            torch.nn.functional.fractional_max_pool3d(torch.zeros(shape), 2, **kwargs)
