"""Assertions: backprop against numerical differentiation, forward against NumPy."""
import numpy as np

from ..arguments import as_list
from ..backend import to_cpu
from ..numerical import gradcheck, gradgradcheck
from ..variable import Variable


def assert_gradients_match(f, *inputs, order=1, **gradcheck_kwargs):
    """Assert backprop through `f` matches numerical differentiation for every float input:
    first order, and with order=2 second order too. Keyword arguments go to gradcheck.
    Raises GradcheckError (an AssertionError) naming the worst entries."""
    if order not in (1, 2):
        raise ValueError(f"assert_gradients_match: order must be 1 or 2, got {order!r}")
    gradcheck(f, *inputs, **gradcheck_kwargs)
    if order == 2:
        gradgradcheck(f, *inputs, **gradcheck_kwargs)


def assert_forward_matches(f, reference, *inputs, rtol=None, atol=None):
    """Assert f(*Variables) equals reference(*arrays) (a NumPy function): same shape, same
    dtype, close values (tolerances from the dtype unless given). Returns f's output."""
    arrays = [x.data if isinstance(x, Variable) else np.asarray(x) for x in inputs]
    got = f(*[Variable(a) for a in arrays])
    expected = reference(*arrays)
    outputs, wanted = as_list(got), as_list(expected)
    assert len(outputs) == len(wanted), (
        f"forward gives {len(outputs)} output(s), the reference {len(wanted)}")
    for y, want in zip(outputs, wanted):
        assert isinstance(y, Variable), f"expected a Variable, got {type(y).__name__}"
        want = np.asarray(want)
        value = to_cpu(y.data)
        assert value.dtype == want.dtype, f"dtype {value.dtype}, NumPy gives {want.dtype}"
        assert value.shape == want.shape, f"shape {value.shape}, NumPy gives {want.shape}"
        default = 10 * np.finfo(want.dtype).eps if want.dtype.kind == "f" else 0
        np.testing.assert_allclose(value, want, rtol=default if rtol is None else rtol,
                                   atol=default if atol is None else atol)
    return got
