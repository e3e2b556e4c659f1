"""gradcheck checks each output element alone (autograd/output_element_check.py): an error
in a small Jacobian entry beside a large one, which the outputs weighted and summed hide
within the large entry's tolerance, fails; PyTorch's gradcheck, comparing the whole
Jacobian, fails these too."""
import numpy as np
import pytest

from autograd import Function, GradcheckError, Variable, gradcheck, gradgradcheck, stack
from autograd.output_element_check import ELEMENTS_CHECKED


class LargeAndSquare(Function):
    """(1e4 x, x^2); `slope` x g1 for the second output's gradient (2 is right)."""

    slope = 2.0

    def forward(self, x):
        return 1e4 * x, x * x

    def backward(self, g0, g1):
        return 1e4 * g0 + self.slope * self.inputs[0] * g1


class OffSquare(LargeAndSquare):
    slope = 3.0


class MatrixTimes(Function):
    """A x, whose backward multiplies by `used` (A itself is right)."""

    matrix = np.array([[1000.0, 0.0], [1.0, 1.0]])
    used = matrix

    def forward(self, x):
        return self.matrix @ x

    def backward(self, gy):
        return Variable(self.used.T) @ gy


class OffSmallEntry(MatrixTimes):
    used = np.array([[1000.0, 0.0], [1.5, 1.0]])


X = np.array([0.3, -0.7])


def test_a_wrong_small_entry_beside_a_large_one_fails():
    assert gradcheck(lambda v: LargeAndSquare()(v), X)
    assert gradcheck(lambda v: MatrixTimes()(v), X)
    with pytest.raises(GradcheckError, match=r"output 1 element \(0,\), index \(0,\): "
                                             r"analytic 9.0+e-01, numeric 6.0+e-01"):
        gradcheck(lambda v: OffSquare()(v), X)
    with pytest.raises(GradcheckError, match=r"output 0 element \(1,\), index \(0,\): "
                                             r"analytic 1.50+e\+00, numeric 1.0+e\+00"):
        gradcheck(lambda v: OffSmallEntry()(v), X)


class MixedScales(Function):
    """f(x) = 1e4 x0^2 + x0 x1 + x1^3, whose gradient (2e4 x0 + x1, x0 + 3 x1^2) has a
    Hessian column (2e4, 1); `cut` detaches x0 in the second entry, making its 1 a 0."""

    cut = False

    def forward(self, x):
        return np.asarray(1e4 * x[0] ** 2 + x[0] * x[1] + x[1] ** 3)

    def backward(self, gy):
        x = self.inputs[0]
        x0 = x[0].detach() if self.cut else x[0]
        return gy * stack([2e4 * x[0] + x[1], x0 + 3 * x[1] ** 2])


class CutMixedScales(MixedScales):
    cut = True


def test_second_order_is_checked_element_by_element_too():
    """gradgradcheck's f is the gradient: its second element's slope in x0, 1, hid beside
    the first's 2e4 when weighted and summed."""
    assert gradgradcheck(lambda v: MixedScales()(v), X)
    with pytest.raises(GradcheckError, match=r"output 0 element \(1,\), index \(0,\): "
                                             r"analytic 0.0+e\+00"):  # (numeric: u, ~1)
        gradgradcheck(lambda v: CutMixedScales()(v), X)


def test_a_large_output_is_checked_at_a_seeded_sample_of_its_elements():
    """Of 100 output elements, ELEMENTS_CHECKED are each checked alone (the weighted check
    reads all of them); here the upstream is zero, so only those see the wrong backward."""
    class Flat(Function):
        """outer(x, x), whose backward gives nothing."""

        def forward(self, x):
            return np.outer(x, x)

        def backward(self, gy):
            return gy.sum(axis=1) * 0.0
    x = np.linspace(0.5, 1.5, 10)
    assert gradcheck(lambda v: v.reshape(10, 1) * v.reshape(1, 10), x)
    with pytest.raises(GradcheckError, match=f"of {ELEMENTS_CHECKED * 10} checked entries"):
        gradcheck(Flat(), x, grad_outputs=np.zeros((10, 10)))


def test_an_element_whose_value_is_all_rounding_reads_no_kink():
    """softmax's gradient at a tie, 0.25 (u0 - u1), cancels to a few ulps: the element
    check read a step's last-bit change as a kink and failed the right second order
    (a dev-profile draw; seed 28 gives its upstream gradients)."""
    from nn.functional.activation import Softmax
    for seed in (28, 0, 1):
        assert gradgradcheck(lambda x: Softmax(axis=None)(x), np.array([0.0, 0.0]),
                             seed=seed)
