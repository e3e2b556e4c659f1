"""Keras layers on the GPU (CuPy): every layer case of tests/nn/keras/data/keras_reference.npz
(convolutions, pools, normalizations, reshaping; Keras' weights) moved to the GPU gives its
CPU outputs and gradients, on the device. Runs only where CuPy sees a GPU."""
import numpy as np
import pytest

from autograd import Variable, cuda

from ..nn.keras.test_keras_agreement import CASES, INDEX, arrays_of, layer_of, numbered, probe

pytestmark = pytest.mark.skipif(not cuda.is_available(), reason="needs CuPy and a GPU")

LAYER_CASES = [name for name in CASES if INDEX[name]["layer"] != "Sequential"]


def _run(layer, x, move):
    x = Variable(move(x), requires_grad=True)
    y = layer(x)
    (y * move(probe(y.shape))).sum().backward()
    return [y.data, x.grad.data] + [p.grad.data for p in layer.parameters()]


@pytest.mark.parametrize("name", LAYER_CASES)
def test_a_keras_layer_on_the_gpu_matches_the_cpu(name):
    found = arrays_of(name)
    x = found["x"] if "x" in found else found["x0"]
    layer = layer_of(name)
    layer(x)
    layer.set_weights(numbered(found, "w"))
    on_cpu = _run(layer, x, lambda a: a)
    layer.set_weights(numbered(found, "w"))  # (a BatchNormalization's statistics moved)
    layer.zero_grad()
    layer.to_gpu()
    on_gpu = _run(layer, x, cuda.to_gpu)
    for gpu, cpu in zip(on_gpu, on_cpu, strict=True):
        assert cuda.get_array_module(gpu) is not np
        np.testing.assert_allclose(cuda.to_cpu(gpu), cpu, rtol=1e-5, atol=1e-6)
