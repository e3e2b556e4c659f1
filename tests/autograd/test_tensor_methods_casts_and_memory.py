"""PyTorch's byte(), char(), short() casts and its memory queries (stride, get_device,
pin_memory, is_pinned), as ported code calls them, against PyTorch where it imports."""
import numpy as np
import pytest

import autograd as ag

try:
    import torch
except ImportError:  # (the comparisons skip; the literal checks still run)
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

# (no negatives: a negative float cast to uint8 is undefined in C, so in NumPy and PyTorch)
VALUES = np.array([[1.5, 0.0, 2.7], [3.2, 100.9, 7.0]])


@pytest.mark.parametrize("cast, dtype", [("byte", np.uint8), ("char", np.int8),
                                         ("short", np.int16)])
def test_integer_casts_truncate_as_pytorch(cast, dtype):
    got = getattr(ag.Variable(VALUES), cast)()
    assert got.dtype == dtype and not got.requires_grad
    assert got.data.tolist() == [[1, 0, 2], [3, 100, 7]]
    if torch is not None:
        assert got.data.tolist() == getattr(torch.tensor(VALUES), cast)().tolist()


@needs_torch
@pytest.mark.parametrize("view", ["plain", "transposed", "sliced", "0-d"])
def test_stride_counts_elements_as_pytorch(view):
    make = {"plain": lambda x: x, "transposed": lambda x: x.T,
            "sliced": lambda x: x[:, ::2], "0-d": lambda x: x[0, 0]}[view]
    ours = make(ag.Variable(np.arange(24.0).reshape(4, 6)))
    theirs = make(torch.arange(24.0).reshape(4, 6))
    assert ours.stride() == theirs.stride()
    for dim in range(-ours.ndim, ours.ndim):
        assert ours.stride(dim) == theirs.stride(dim)


def test_stride_names_a_missing_axis():
    with pytest.raises(Exception, match="stride: axis 2"):
        ag.Variable(np.ones((2, 3))).stride(2)


def test_a_cpu_variable_is_device_minus_one_and_pins_to_itself():
    x = ag.Variable(VALUES)
    assert x.get_device() == -1 and x.pin_memory() is x and x.is_pinned() is False
    if torch is not None:
        assert torch.tensor(VALUES).get_device() == -1
