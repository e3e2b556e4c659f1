"""A kink a hair from the checked point (|x| at x = 1e-8, within the step) is named as a
kink, not as a jump: |x| is continuous there."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
from autograd import GradcheckError, gradcheck


@settings(max_examples=20, deadline=None)
@given(size=st.floats(1e-9, 5e-8), sign=st.sampled_from([-1.0, 1.0]))
def test_abs_a_hair_from_its_kink_gets_no_jump_note(size, sign):
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: ag.abs(x), np.array([sign * size]))
    assert "not continuous" not in str(info.value)
    assert "has a kink" in str(info.value)


def test_sign_at_its_jump_keeps_its_jump_note():
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: ag.sign(x), np.array([0.0, 1.0]))
    assert "not continuous there" in str(info.value)
