"""Shrunk repros from differential fuzzing of nn.utils against PyTorch 2.13 (CPU), each held
with PyTorch's values as literals: weight_norm of a 1-D parameter (each element its own
norm, g of the parameter's shape) and packing with lengths given as whole floats (a float
mask's sum), which PyTorch casts to int64."""
import numpy as np
import pytest

import nn
from autograd import Variable
from nn.utils import parametrizations, weight_norm
from nn.utils.rnn import pack_padded_sequence, unpad_sequence

BIAS = [0.5, -1.5, 2.0]
G, V = [1.0, 2.0, -0.5], [0.3, -1.2, 0.4]
UPSTREAM = [[1.0, 2.0, 3.0]]

# torch: Linear(2, 3), weight W, bias weight-normalized with dim=0 (the default), g, v set as
# above, y = layer([[1, -2]]), the gradient of sum(UPSTREAM * y): g * sign(v), whose
# derivative in v is 0
W = [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]
Y = [[0.7, -2.5, -1.2]]
G_GRAD = [1.0, -2.0, 3.0]


def _old_api(layer):
    weight_norm(layer, "bias")
    return layer.bias_g, layer.bias_v


def _new_api(layer):
    parametrizations.weight_norm(layer, "bias")
    return layer.parametrizations.bias.original0, layer.parametrizations.bias.original1


@pytest.mark.parametrize("register", [_old_api, _new_api], ids=["hook", "parametrization"])
def test_weight_norm_of_a_vector_takes_each_elements_norm(register):
    """A 1-D parameter with dim=0: g (3,), one norm per element as PyTorch's norm_except_dim
    (it was one norm for the whole vector, g (1,), so training moved other values)."""
    layer = nn.Linear(2, 3, dtype="float64")
    layer.weight.data[...] = W
    layer.bias.data[...] = BIAS
    g, v = register(layer)
    assert g.shape == (3,)
    g.data[...], v.data[...] = G, V
    y = layer(Variable(np.array([[1.0, -2.0]])))
    np.testing.assert_allclose(y.data, Y, rtol=1e-12)
    (y * Variable(np.array(UPSTREAM))).sum().backward()
    np.testing.assert_allclose(g.grad.data, G_GRAD, rtol=1e-12)
    np.testing.assert_allclose(v.grad.data, 0.0, atol=1e-12)


X = np.arange(24.0).reshape(4, 3, 2)


@pytest.mark.parametrize("lengths", [[1.0, 4.0, 2.0], np.array([1.0, 4.0, 2.0]),
                                     Variable(np.array([1.0, 4.0, 2.0]))],
                         ids=["list", "array", "variable"])
def test_whole_float_lengths_pack_as_torch_casts_them(lengths):
    """torch.nn.utils.rnn.pack_padded_sequence(x, tensor([1., 4., 2.]),
    enforce_sorted=False): lengths cast to int64 (they were refused as not integers)."""
    packed = pack_padded_sequence(X, lengths, enforce_sorted=False)
    np.testing.assert_array_equal(packed.batch_sizes, [3, 2, 1, 1])
    np.testing.assert_array_equal(packed.sorted_indices, [1, 2, 0])
    np.testing.assert_array_equal(packed.data.data[:, 0], [2, 4, 0, 8, 10, 14, 20])


def test_whole_float_lengths_unpad():
    rows = unpad_sequence(X, np.array([1.0, 4.0, 2.0]))
    assert [r.shape for r in rows] == [(1, 2), (4, 2), (2, 2)]


@pytest.mark.parametrize("lengths", [[2.5, 1.0], [np.nan, 1.0], [np.inf, 1.0]])
def test_fractional_lengths_are_refused_not_truncated(lengths):
    """PyTorch truncates 2.5 to 2 without a word; refused here, naming the lengths."""
    with pytest.raises(TypeError, match="pack_padded_sequence: lengths must be a 1-D sequence "
                                        "of integers, got .* \\(not whole numbers\\)"):
        pack_padded_sequence(np.zeros((4, 2, 1)), lengths)
