"""weight_norm (both APIs) of a float16 weight: ||v|| summed in float32, as PyTorch's CPU.
Summed in float16, rows whose squares add past 65504 had a norm of inf (the weight NaN) and
small entries' squares underflowed (g 5% off torch's: its checkpoints loaded 5% off)."""
import numpy as np
import pytest

import nn
from autograd import Variable
from nn.utils import parametrizations, weight_norm

torch = pytest.importorskip("torch")

APIS = {"hooks": (weight_norm, torch.nn.utils.weight_norm),
        "parametrization": (parametrizations.weight_norm,
                            torch.nn.utils.parametrizations.weight_norm)}


@pytest.mark.filterwarnings("ignore::FutureWarning")  # (torch's: the hook API is deprecated)
@pytest.mark.parametrize("api", list(APIS))
@pytest.mark.parametrize("value", [10.0, 1e-3])  # squares past 65504 in all / below 6e-5
@pytest.mark.parametrize("dim", [0, None])
def test_a_float16_weight_is_normalized_as_torch(api, value, dim):
    ours, theirs = APIS[api]
    signs = np.where(np.arange(4 * 1000).reshape(4, 1000) % 3, 1.0, -1.0)
    weight = (signs * value * np.linspace(0.5, 1.5, 4)[:, None]).astype(np.float16)
    layer, reference = nn.Linear(1000, 4).to(np.float16), torch.nn.Linear(1000, 4).half()
    layer.weight.data[...] = weight
    with torch.no_grad():
        reference.weight.copy_(torch.from_numpy(weight))
    ours(layer, dim=dim)
    theirs(reference, dim=dim)
    for key, value in reference.state_dict().items():  # g and v, as torch's
        if key == "bias":
            continue
        np.testing.assert_allclose(layer.state_dict()[key].astype(np.float32),
                                   value.float().numpy(), rtol=2e-3)
    # torch's g with our ||v||: the weight (a mismatched norm would scale it)
    layer.load_state_dict({k: v.numpy() for k, v in reference.state_dict().items()})
    x = np.ones((1, 1000), np.float16)
    layer(Variable(x))  # (the hook API sets the weight at a forward)
    got = layer.weight.data
    assert got.dtype == np.float16
    np.testing.assert_allclose(got.astype(np.float32), weight.astype(np.float32), rtol=2e-3)
