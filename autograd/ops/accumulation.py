"""float16 accumulated in float32, as PyTorch's CPU kernels accumulate it. NumPy reduces a
float16 array in float16, and along a strided axis one row after another: a total stops
growing once its terms fall below float16's spacing (0.1 summed over 5,000 rows: 256, not
500), and a count of ones stops at 2048."""
import numpy as np

_HALF = np.dtype(np.float16)  # (a dtype, not the type: compared twice as fast)


def accumulator(dtype):
    """The dtype that sums and products of `dtype` run in: float32 for float16, else None
    (their own)."""
    return np.float32 if dtype == _HALF else None


def wide(array):
    """A float16 array as float32 (its accumulator), any other as it is (NumPy's linalg has
    no float16, and float16 sums of squares overflow past 65504)."""
    return array if accumulator(array.dtype) is None else array.astype(np.float32)


def accumulated_sum(array, **kwargs):
    """array.sum(**kwargs), a float16 array summed in float32 (the float32 total: a caller
    scaling it rounds to float16 once, after)."""
    return array.sum(dtype=accumulator(array.dtype), **kwargs)


def reduced(x, reduce, **kwargs):
    """x.<reduce>(**kwargs) for reduce in sum, prod, cumsum, cumprod; a float16 x accumulated
    in float32 and rounded once, to float16."""
    wide = accumulator(x.dtype)
    if wide is None:
        return getattr(x, reduce)(**kwargs)
    return getattr(x, reduce)(dtype=wide, **kwargs).astype(x.dtype)


def widened(compute, *arrays):
    """compute(*arrays), in float32 where its result would be float16, rounded once to
    float16 (for the ops NumPy cannot be told an accumulator for: einsum)."""
    if accumulator(np.result_type(*(a.dtype for a in arrays))) is None:
        return compute(*arrays)
    return compute(*(a.astype(np.float32) for a in arrays)).astype(np.float16)
