"""spectral_norm (both APIs) of a float16 weight: the power iteration in float32, as
PyTorch's CPU accumulates float16. In float16, ||W v|| of a weight with entries of 10 squared
past 65504: u became 0 and the weight NaN, where PyTorch's is the weight / sigma."""
import numpy as np
import pytest

import nn
from autograd import Variable
from nn.utils import parametrizations, spectral_norm

torch = pytest.importorskip("torch")

APIS = {"hooks": (lambda m: spectral_norm(m, n_power_iterations=3),
                  lambda m: torch.nn.utils.spectral_norm(m, n_power_iterations=3)),
        "parametrization": (parametrizations.spectral_norm,
                            torch.nn.utils.parametrizations.spectral_norm)}


@pytest.mark.parametrize("api", list(APIS))
@pytest.mark.parametrize("value", [10.0, 1e-3, 1.0])
def test_a_float16_weight_is_divided_by_its_spectral_norm_as_torch(api, value):
    ours, theirs = APIS[api]
    weight = (np.random.default_rng(0).uniform(0.5, 1.5, (64, 300)) * value).astype(np.float16)
    np.random.seed(0)
    layer, reference = nn.Linear(300, 64).to(np.float16), torch.nn.Linear(300, 64).half()
    layer.weight.data[...] = weight
    ours(layer)
    theirs(reference)
    reference.load_state_dict({k: torch.from_numpy(np.array(v))  # our u, v and bias
                               for k, v in layer.state_dict().items()})
    x = np.ones((1, 300), np.float16)
    for _ in range(3):  # training-mode forwards: power iterations
        layer(Variable(x))
        reference(torch.from_numpy(x))
    got = layer.weight.data
    assert got.dtype == np.float16
    exact = weight.astype(np.float64) / np.linalg.norm(weight.astype(np.float64), 2)
    np.testing.assert_allclose(got.astype(np.float64), exact, rtol=0, atol=5e-3 * exact.max())
    np.testing.assert_allclose(got.astype(np.float32), reference.weight.detach().float().numpy(),
                               rtol=0, atol=5e-3 * exact.max())
