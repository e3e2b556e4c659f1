"""Every Function of autograd.ops and nn.functional, checked from its declared specs: the
forward against its NumPy reference, backprop to first and second order against numerical
differentiation (what `pytest --rungrad-gradcheck=autograd.ops` runs; see
autograd/testing/plugin.py). Strict: a Function without a spec fails here."""
import pytest
from hypothesis import settings

from autograd.testing.discovery import functions_in
from autograd.testing.function_check import check_function, check_parent, spec_status

PACKAGES = ("autograd.ops", "nn.functional")
FUNCTIONS = [cls for package in PACKAGES for cls in functions_in(package)]
# Half the profile's examples per Function: about 70 Functions run here (~25 s on one core
# under the ci profile); the hand-written op tests search each op more widely.
EXAMPLES = max(5, settings.default.max_examples // 2)


def test_the_packages_hold_the_functions_we_expect():
    names = {cls.__name__ for cls in FUNCTIONS}
    assert len(FUNCTIONS) >= 60
    assert {"Add", "MatMul", "Sum", "GetItem", "Conv2d", "LSTMStep", "Recurrence"} <= names
    assert not names & {"Function", "_Extreme", "_ElementwiseLoss", "RecurrentStep"}


@pytest.mark.parametrize("cls", FUNCTIONS, ids=lambda cls: cls.__qualname__)
def test_function(cls):
    status = spec_status(cls)
    assert status != "missing", f"{cls.__qualname__} declares no input_specs"
    if status == "through":
        check_parent(cls)
    else:
        check_function(cls, settings(max_examples=EXAMPLES))
