"""F.l1_penalty / F.l2_penalty: sum |w| and sum w^2 over all parameters, with gradients."""
import numpy as np
import pytest

import nn
import nn.functional as F
from autograd.testing import assert_gradients_match


def test_values_and_gradients_over_a_model():
    np.random.seed(0)
    model = nn.ModuleList([nn.Linear(3, 4), nn.Linear(4, 2)])
    arrays = [p.data.astype(np.float64) for p in model.parameters()]
    l1 = F.l1_penalty(model.parameters())
    l2 = F.l2_penalty(model.parameters())
    assert l1.item() == pytest.approx(sum(np.abs(a).sum() for a in arrays), rel=1e-6)
    assert l2.item() == pytest.approx(sum((a * a).sum() for a in arrays), rel=1e-6)
    l2.backward()
    for p in model.parameters():
        np.testing.assert_allclose(p.grad.data, 2 * p.data, rtol=1e-6)


def test_usable_beside_a_loss_and_differentiable_twice():
    w = np.random.default_rng(1).uniform(0.5, 2.0, (3, 2))
    b = -np.random.default_rng(2).uniform(0.5, 2.0, 2)
    assert_gradients_match(lambda a, c: F.l2_penalty([a, c]), w, b, order=2)
    assert_gradients_match(lambda a, c: F.l1_penalty([a, c]), w, b)


def test_no_parameters_is_an_error():
    with pytest.raises(ValueError, match="l2_penalty: got no parameters"):
        F.l2_penalty(nn.Linear(3).parameters())
