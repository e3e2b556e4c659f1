"""Testing rungrad Functions and gradients: hypothesis strategies (the ones rungrad's own tests
use), gradient and forward assertions, the check of a Function from its declared specs
(check_function; autograd/spec.py), and hints for a hand-derived gradient.

`autograd.testing.plugin` is the pytest plugin that checks every Function of a package
(`pytest --rungrad-gradcheck=PACKAGE`). hypothesis is imported only when a strategy is
built, so this package loads without it; `import autograd` never imports it.
"""
from ..spec import Axes, Choice, Draw, Index, Spec
from .assertions import assert_forward_matches, assert_gradients_match
from .drawing import Example
from .function_check import FunctionCheckError, check_example, check_function
from .hints import GradientHintError, check_my_gradient
from .strategies import (
    DISTINCT_GAP,
    ELEMENT_RANGES,
    arrays,
    broadcastable_shapes,
    float_dtypes,
    shapes,
    valid_axes,
)

__all__ = ["arrays", "shapes", "broadcastable_shapes", "float_dtypes", "valid_axes",
           "assert_gradients_match", "assert_forward_matches", "ELEMENT_RANGES", "DISTINCT_GAP",
           "check_my_gradient", "GradientHintError", "Spec", "Choice", "Axes", "Index", "Draw",
           "check_function", "FunctionCheckError", "check_example", "Example"]
