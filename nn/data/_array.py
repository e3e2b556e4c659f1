"""Turn what users pass (ndarrays, lists, Variables, CuPy arrays) into NumPy arrays."""

import numpy as np


def _is_device_array(x):
    return hasattr(x, "__cuda_array_interface__")


def to_numpy(x):
    """Return `x` as a NumPy array, without copying when it already is one.

    Anything holding its array in `.data` (a Variable) is unwrapped, so nn.data and
    nn.metrics take model outputs directly without importing autograd. CuPy arrays
    are copied to the host.
    """
    if isinstance(x, np.ndarray):
        return x
    if _is_device_array(x):
        return x.get()
    data = getattr(x, "data", None)
    if isinstance(data, np.ndarray) or _is_device_array(data):
        return to_numpy(data)
    return np.asarray(x)
