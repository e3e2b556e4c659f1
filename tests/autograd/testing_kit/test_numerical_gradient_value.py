"""numerical_gradient takes an f of one number: an f of an array is named as such."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag


@settings(max_examples=10, deadline=None)
@given(size=st.integers(2, 5))
def test_an_f_of_several_numbers_is_named(size):
    with pytest.raises(TypeError, match=rf"f must return one number \(a loss\), got an array "
                                        rf"of shape \({size},\)"):
        ag.numerical_gradient(lambda x: x * 2, np.ones(size))


def test_a_one_element_result_still_counts_as_a_number():
    got = ag.numerical_gradient(lambda x: ag.reshape(ag.sum(x * x), (1, 1)), np.array([1.5, -2.0]))
    np.testing.assert_allclose(got, [3.0, -4.0], rtol=1e-6)
