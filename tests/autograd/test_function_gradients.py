"""rungrad's own Functions are checked by its gradient-check plugin, as a user's would be:
scripts/test.sh runs `pytest --rungrad-gradcheck=autograd.ops --rungrad-gradcheck=nn.functional
--rungrad-gradcheck-strict`, one item per Function (forward against its NumPy reference,
backprop to first and second order against numerical differentiation; strict: a Function
without a spec fails). Run that line to check them outside the test script. This file makes
sure the plugin has the Functions to find."""
from autograd.testing.discovery import functions_in
from autograd.testing.function_check import spec_status

PACKAGES = ("autograd.ops", "nn.functional")
FUNCTIONS = [cls for package in PACKAGES for cls in functions_in(package)]


def test_the_packages_hold_the_functions_we_expect():
    names = {cls.__name__ for cls in FUNCTIONS}
    assert len(FUNCTIONS) >= 60
    assert {"Add", "MatMul", "Sum", "GetItem", "Conv2d", "LSTMStep", "Recurrence"} <= names
    assert not names & {"Function", "_Extreme", "_ElementwiseLoss", "RecurrentStep"}


def test_every_function_declares_its_inputs():
    missing = [cls.__qualname__ for cls in FUNCTIONS if spec_status(cls) == "missing"]
    assert not missing, f"Functions without input_specs: {missing}"
