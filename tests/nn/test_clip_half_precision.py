"""nn.utils.clip_grad_norm_ / get_total_norm on float16 gradients: the norms are summed in
float32, as PyTorch's CPU sums them. Summed in float16, squares past 65504 made the norm inf
(and the clipping coefficient 0: every gradient silently zeroed) and small ones underflowed
(a 2-norm 22% off, a 3-norm of 0: no clipping)."""
import math

import numpy as np
import pytest

from autograd import Parameter, Variable
from nn.utils import clip_grad_norm_, get_total_norm

torch = pytest.importorskip("torch")

CASES = [  # (entries, value, norm_type): each overflowed or underflowed in float16
    (10_000, 5.0, 2), (30_000, 3.0, 2), (4, 3e-4, 2), (10_000, 5.0, 3), (4, 3e-4, 3),
    (100_000, 1e-3, 3)]


def _half_parameter(size, value):
    p = Parameter(np.zeros(size, np.float16))
    p.grad = Variable(np.full(size, value, np.float16), requires_grad=False)
    return p


@pytest.mark.parametrize("size, value, norm_type", CASES)
def test_float16_gradients_clip_as_torch(size, value, norm_type):
    p = _half_parameter(size, value)
    t = torch.zeros(size, dtype=torch.float16, requires_grad=True)
    t.grad = torch.full((size,), value, dtype=torch.float16)
    exact = size ** (1 / norm_type) * float(np.float16(value))
    total = clip_grad_norm_([p], exact / 2, norm_type)  # (halved: no float16 underflow)
    theirs = torch.nn.utils.clip_grad_norm_([t], exact / 2, norm_type).item()
    assert total == pytest.approx(exact, rel=1e-3)
    assert theirs == pytest.approx(exact, rel=1e-3)  # (torch's rounds it to float16)
    assert p.grad.dtype == np.float16
    np.testing.assert_allclose(p.grad.data.astype(np.float32), t.grad.numpy()
                               .astype(np.float32), rtol=2e-3)
    np.testing.assert_allclose(p.grad.data.astype(np.float64), float(np.float16(value)) / 2,
                               rtol=2e-3)


def test_get_total_norm_of_float16_arrays():
    arrays = [np.full(10_000, 5.0, np.float16), np.full(4, 3e-4, np.float16)]
    assert get_total_norm(arrays) == pytest.approx(math.sqrt(10_000 * 25.0), rel=1e-6)
    assert get_total_norm(arrays[1:], 3) == pytest.approx(4 ** (1 / 3) *
                                                          float(np.float16(3e-4)), rel=1e-3)


def test_a_float16_norm_past_its_range_is_kept_exact():
    """PyTorch rounds the norm to float16, inf past 65504 (and zeroes the gradients with it);
    rungrad's is a float, so the gradients are scaled by the norm's true value."""
    p = _half_parameter(30_000, 3.0)
    assert clip_grad_norm_([p], 10.0, norm_type=1) == pytest.approx(90_000.0)
    np.testing.assert_allclose(p.grad.data.astype(np.float64), 30.0 / 90_000, rtol=2e-3)
