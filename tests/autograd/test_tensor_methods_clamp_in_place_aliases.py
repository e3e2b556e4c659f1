"""PyTorch's in-place clamp aliases clip_, clamp_min_ and clamp_max_: the values of PyTorch's
(optional import), bounds numbers or broadcast arrays, min > max giving max everywhere."""
import numpy as np
import pytest

from autograd import Variable, no_grad

torch = pytest.importorskip("torch")

CASES = [
    ("clip_", (-0.5, 0.5)), ("clip_", (0.5, -0.5)), ("clamp_min_", (0.1,)),
    ("clamp_max_", (-0.2,)), ("clamp_min_", (np.array([0.0, 1.0, -1.0, 0.5]),)),
    ("clamp_max_", (np.array([[0.0], [1.0], [-1.0]]),)),
]


@pytest.mark.parametrize("name,bounds", CASES)
def test_in_place_clamp_aliases_match_torch(name, bounds):
    data = np.random.default_rng(len(name) + len(bounds)).standard_normal((3, 4))
    x, t = Variable(data.copy()), torch.tensor(data)
    with no_grad():
        assert getattr(x, name)(*bounds) is x
    getattr(t, name)(*(torch.tensor(b) if isinstance(b, np.ndarray) else b for b in bounds))
    np.testing.assert_array_equal(x.data, t.numpy())


def test_in_place_clamp_alias_refuses_a_leaf_that_requires_grad():
    with pytest.raises(RuntimeError, match="clamp_"):
        Variable(np.zeros(3)).clamp_min_(0.0)
