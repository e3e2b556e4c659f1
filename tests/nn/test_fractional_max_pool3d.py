"""fractional_max_pool3d and FractionalMaxPool3d against PyTorch with fixed samples beyond
the cases test_fractional_max_pool.py runs for both pools: unbatched input, samples drawn from
NumPy's generator, second order, the module, and the errors (ATen's stricter 3-D size rule).
A captured step of it: tests/autograd/test_capture_layers.py."""
import numpy as np
import pytest

import nn
import nn.functional as F
from autograd.testing import assert_gradients_match

torch = pytest.importorskip("torch")

def samples_for(shape, dtype, seed=0):
    return np.random.default_rng(seed).random((shape[0], shape[1], 3)).astype(dtype)


def torch_pool(x, kernel, size, ratio, samples):
    return torch.nn.functional.fractional_max_pool3d(
        x, kernel, output_size=size, return_indices=True,
        output_ratio=None if ratio is None else np.broadcast_to(ratio, 3).tolist(),
        _random_samples=torch.tensor(samples))


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


@pytest.mark.parametrize("shape, kwargs, message", [
    ((1, 2, 5, 5, 5), {"output_size": 4}, "pool time 2 too large relative to input time 5"),
    ((1, 2, 6, 5, 6), {"output_size": (3, 4, 3)}, "pool height 2 too large"),
    ((1, 2, 5, 5, 5), {"output_ratio": (0.5, 0.5)}, "output_ratio must be a number or a "
                                                    "triple"),
    ((2, 4, 4), {"output_size": 1}, r"expected an input \(N, C, T, H, W\)"),
    ((1, 2, 2, 3, 4), {"output_ratio": (0.44, 0.83, 0.48)}, r"fractional_max_pool3d: "
     r"output_ratio \(0.44, 0.83, 0.48\) leaves no output for input sizes \(2, 3, 4\) "
     r"\(output size \(0, 2, 1\)\)"),
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
