"""autograd.testing.arrays draws floats only: an integer dtype is refused, not truncated."""
import numpy as np
import pytest
from hypothesis import given, settings

from autograd.testing import arrays


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.bool_])
def test_a_non_float_dtype_is_refused(dtype):
    with pytest.raises(TypeError, match="arrays: dtype must be a floating-point dtype"):
        arrays((3,), dtype=dtype)


@settings(max_examples=20, deadline=None, database=None)
@given(arrays((3, 2), dtype=np.float32, elements=(0.5, 2.5)))
def test_float_dtypes_are_drawn_as_before(a):
    assert a.dtype == np.float32 and a.shape == (3, 2)
    assert np.all((a >= np.float32(0.5)) & (a <= np.float32(2.5)))
