"""keras.ops on the GPU (CuPy): each case of tests/nn/keras/data/keras_ops_cases.py with its
input on the device gives the CPU's values, on the device, and its gradient there is the
CPU's (constants given as NumPy arrays go to the GPU). Runs only where CuPy sees a GPU."""
import os
import sys

import numpy as np
import pytest

from autograd import Variable, cuda
from autograd.engine import grad
from nn.keras import ops

pytestmark = pytest.mark.skipif(not cuda.is_available(), reason="needs CuPy and a GPU")

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "nn", "keras", "data"))
from keras_ops_cases import CASES, INPUTS  # noqa: E402

# made from numbers alone: on the array module of the latest model call, not the input's
MADE = {"arange", "arange_float", "full", "eye", "identity", "linspace", "tri", "logspace",
        "geomspace", "windows"}
ON_INPUT = [case for case in CASES if case[0] not in MADE]


def _results(result):
    return list(result) if isinstance(result, (list, tuple)) else [result]


def _run(call, x, move):
    x = Variable(move(x.copy()), requires_grad=x.dtype.kind == "f")
    results = [r for r in _results(call(ops, x)) if isinstance(r, Variable)]
    differentiable = [r for r in results if r.dtype.kind == "f" and r.creator is not None]
    grads = []
    if differentiable and x.requires_grad:
        grads = grad([r.sum() for r in differentiable], [x], allow_unused=True)
    return results, [g for g in grads if g is not None]


@pytest.mark.parametrize("name, call, given, differentiable, symbolic", ON_INPUT,
                         ids=[case[0] for case in ON_INPUT])
def test_each_keras_op_on_the_gpu_gives_the_cpus_values(name, call, given, differentiable,
                                                        symbolic):
    x = INPUTS[given]
    on_gpu, gpu_grads = _run(call, x, cuda.to_gpu)
    on_cpu, cpu_grads = _run(call, x, lambda a: a)
    for gpu, cpu in zip(on_gpu + gpu_grads, on_cpu + cpu_grads):
        assert cuda.get_array_module(gpu.data) is not np, f"{name}: came back on the host"
        np.testing.assert_allclose(cuda.to_cpu(gpu.data), cpu.data, rtol=1e-7, atol=1e-9,
                                   err_msg=name)
    assert len(on_gpu + gpu_grads) == len(on_cpu + cpu_grads)
