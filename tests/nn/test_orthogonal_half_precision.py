"""orthogonal() of a float16 weight: its factorizations and its map computed in float32 and
rounded to float16 (NumPy's linalg has no float16: registering raised NumPy's 'array type
float16 is unsupported in linalg' from deep inside, and 'cayley' failed at every call)."""
import numpy as np
import pytest

import nn
from autograd import Variable
from nn.utils import parametrizations


@pytest.mark.parametrize("orthogonal_map", [None, "matrix_exp", "cayley", "householder"])
@pytest.mark.parametrize("use_trivialization", [True, False])
@pytest.mark.parametrize("shape", [(6, 6), (6, 3), (3, 6)])
def test_a_float16_weight_is_made_orthogonal(shape, orthogonal_map, use_trivialization):
    np.random.seed(0)
    layer = nn.Linear(shape[1], shape[0]).to(np.float16)
    reference = nn.Linear(shape[1], shape[0])  # the same in float32
    reference.load_state_dict({k: v.astype(np.float32) for k, v in layer.state_dict().items()})
    for module in (layer, reference):
        np.random.seed(1)  # (a rectangular base is completed with the same random columns)
        parametrizations.orthogonal(module, orthogonal_map=orthogonal_map,
                                    use_trivialization=use_trivialization)
    assert all(v.dtype == np.float16 for v in layer.state_dict().values())
    x = np.random.default_rng(2).standard_normal((2, shape[1]))
    y = layer(Variable(x.astype(np.float16)))
    y.sum().backward()
    assert y.dtype == layer.weight.dtype == np.float16
    original = layer.parametrizations.weight.original
    assert original.grad.dtype == np.float16 and np.all(np.isfinite(original.grad.data))
    w = layer.weight.data.astype(np.float64)
    gram = w.T @ w if shape[0] >= shape[1] else w @ w.T
    np.testing.assert_allclose(gram, np.eye(min(shape)), atol=1e-2)
    np.testing.assert_allclose(w, reference.weight.data, atol=5e-3)
