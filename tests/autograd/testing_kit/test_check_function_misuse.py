"""check_function given something other than a Function class or hypothesis settings:
a TypeError naming what it got."""
import pytest
from hypothesis import settings

from autograd import Function
from autograd.spec import Spec
from autograd.testing import check_function


class Double(Function):
    """y = 2 x"""

    input_specs = (Spec(),)

    def forward(self, x):
        return 2 * x

    def backward(self, gy):
        return 2 * gy


@pytest.mark.parametrize("given, words", [
    (Double(), "an instance of Double (pass the class, Double)"),
    (int, "the class int, which is no Function"),
    (lambda x: 2 * x, "a function"),
])
def test_what_is_no_function_class_is_named(given, words):
    with pytest.raises(TypeError, match="cls must be a Function subclass") as info:
        check_function(given)
    assert words in str(info.value)


def test_settings_that_are_no_hypothesis_settings_are_named():
    with pytest.raises(TypeError, match="settings must be a hypothesis settings object, .*"
                                        "got dict"):
        check_function(Double, {"max_examples": 5})


def test_a_function_class_with_settings_still_runs():
    check_function(Double, settings(max_examples=5, database=None))
