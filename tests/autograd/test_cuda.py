"""The array backend without a GPU: NumPy arrays stay NumPy's; asking for the GPU names what
is missing (tests/gpu/ runs where CuPy sees one)."""
import numpy as np
import pytest

from autograd import Variable, cuda


def test_numpy_arrays_and_variables_use_numpy():
    x = np.ones(3)
    assert cuda.get_array_module(x) is np
    assert cuda.get_array_module(Variable(x)) is np
    assert cuda.to_cpu(x) is x


def test_to_gpu_without_a_gpu_names_what_is_missing():
    if cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(RuntimeError, match="CuPy"):
        cuda.to_gpu(np.ones(3))
