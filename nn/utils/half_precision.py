"""float16 arrays computed in float32, as PyTorch's CPU computes half precision: NumPy's linalg
has no float16, and float16 sums of squares overflow past 65504."""
import numpy as np


def widened(array):
    """A float16 array as float32, any other as it is."""
    return array.astype(np.float32) if array.dtype == np.float16 else array


__all__ = ["widened"]
