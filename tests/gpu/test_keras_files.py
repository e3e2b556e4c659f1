"""Models Keras 3 saved (tests/nn/keras/data/keras_files: dense, convolution, recurrent,
bidirectional, masked merges and attention, keras.ops and slicing nodes) moved to the GPU
(CuPy) give their CPU outputs, on the device. Runs only where CuPy sees a GPU."""
import os

import numpy as np
import pytest

import nn.keras as keras
from autograd import Variable, cuda

from ..nn.keras._keras_files import DATA, keras_file, reference_inputs

pytestmark = pytest.mark.skipif(not cuda.is_available(), reason="needs CuPy and a GPU")
pytest.importorskip("h5py")

# (name, the archive holding its inputs)
MODELS = [(name, "predictions") for name in ("dense_bn", "cnn", "recurrent", "branched",
                                             "nested", "bidirectional", "assorted", "shared")]
MODELS += [(name, "operations") for name in ("masked_merges", "masked_attention", "keras_ops",
                                             "slicing")]


def _outputs(result):
    return list(result) if isinstance(result, (list, tuple)) else [result]


@pytest.mark.parametrize("name, archive", MODELS, ids=[m[0] for m in MODELS])
def test_a_keras_model_on_the_gpu_gives_its_cpu_outputs(name, archive):
    inputs = reference_inputs(np.load(os.path.join(DATA, archive + ".npz")), name)
    inputs = inputs if isinstance(inputs, list) else [inputs]
    model = keras.models.load_model(keras_file(name))
    on_cpu = _outputs(model(*[Variable(x) for x in inputs], training=False))
    model.to_gpu()
    on_gpu = _outputs(model(*[Variable(cuda.to_gpu(x)) for x in inputs], training=False))
    assert len(on_gpu) == len(on_cpu)
    for i, (gpu, cpu) in enumerate(zip(on_gpu, on_cpu)):
        assert cuda.get_array_module(gpu.data) is not np, f"output {i} came back on the host"
        np.testing.assert_allclose(cuda.to_cpu(gpu.data), cpu.data, rtol=1e-6, atol=1e-7,
                                   err_msg=f"output {i}")
