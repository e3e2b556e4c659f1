"""Array backends: NumPy always, CuPy when installed. Ops ask `get_array_module`."""
import warnings

import numpy as np

_cupy = None
_cupy_checked = False


def _load_cupy():
    global _cupy, _cupy_checked
    if not _cupy_checked:
        _cupy_checked = True
        try:
            import cupy
            cupy.cuda.runtime.getDeviceCount()
            _cupy = cupy
        except Exception:  # not installed, or no usable GPU
            _cupy = None
    return _cupy


def is_available():
    """True when CuPy is installed and sees a GPU."""
    return _load_cupy() is not None


_MODULE_OF = {np.ndarray: np}  # array class -> its module, as found (a dict read is fast)


def get_array_module(x):
    """`numpy` or `cupy`, whichever owns `x` (a Variable or an array)."""
    if x.__class__ is np.ndarray:
        return np
    xp = _MODULE_OF.get(x.__class__)
    if xp is not None:
        return xp
    x = array_of(x)
    xp = _MODULE_OF.get(x.__class__)
    if xp is not None:
        return xp
    if not _looks_like_cupy(x):
        return np
    xp = _load_cupy()
    if xp is None:
        return np
    _MODULE_OF[x.__class__] = xp  # (a GPU program asks for every op: 40 times a step)
    return xp


def _looks_like_cupy(x):
    return x.__class__.__module__.startswith("cupy")


def as_array(x, like=None):
    """`x` as an ndarray of the backend of `like` (by default x's own: NumPy's for numbers
    and lists)."""
    xp = get_array_module(x if like is None else like)
    if type(x) is (np.ndarray if xp is np else xp.ndarray):
        return x
    if xp is np and is_gpu_array(x):
        raise TypeError(f"a GPU array of shape {x.shape} where a NumPy array was expected "
                        "(move it with to_cpu, or the other operand with to_gpu)")
    return xp.asarray(x)


def host_array(x):
    """Another library's array as a NumPy array: a torch tensor detached and on the CPU (its
    own `__array__` refuses one requiring grad), anything else through np.asarray. NumPy's
    and CuPy's arrays come back as they are."""
    if isinstance(getattr(x, "dtype", None), np.dtype):
        return x
    for method in ("detach", "cpu"):
        if callable(getattr(x, method, None)):
            x = getattr(x, method)()
    return np.asarray(x)


def scalar_broadcast(x, shape):
    """np.broadcast_to(x, shape) of a 0-d NumPy array `x`: the same read-only view, with every
    stride 0, made directly (NumPy's broadcast_to builds an iterator first, about four times
    the cost; a `sum().backward()` harness pays it on every step)."""
    view = np.ndarray(shape, x.dtype, x, 0, (0,) * len(shape))
    view.flags.writeable = False
    return view


def dense(x):
    """`x`, or a contiguous copy of it when it is a broadcast view (a zero stride along an
    axis longer than 1, as the gradient of a sum is): BLAS cannot read such an array, and
    NumPy's matmul then runs a slower loop (1.4x the time of a (100, 1000) @ (1000, 1000)
    product here). For the operands of matrix products."""
    strides = x.strides
    if 0 in strides and any(s == 0 and n > 1 for s, n in zip(strides, x.shape)):
        return get_array_module(x).ascontiguousarray(x)
    return x


def half_pair(a, b):
    """Whether a and b are both NumPy float16 arrays, whose product half_matmul computes."""
    return (a.dtype == np.float16 and b.dtype == np.float16 and a.__class__ is np.ndarray
            and b.__class__ is np.ndarray)


def half_matmul(a, b, out=None):
    """a @ b of float16 matrices, multiplied in float32 and rounded to float16 (into `out`
    when given): NumPy has no half-precision BLAS, its float16 product is a plain loop some
    10-25 times slower than float32's; PyTorch's CPU accumulates such products in float32
    too (the result rounds once, so it is as close to the exact product as float16 allows,
    or closer than the loop's rounding at every step)."""
    product = np.matmul(a.astype(np.float32), b.astype(np.float32))
    if out is None:
        return product.astype(np.float16)
    out[...] = product
    return out


def matmul_into(a, b, out):
    """out[...] = a @ b: NumPy's matmul writes there itself (no temporary); CuPy's refuses
    an `out` given by keyword (CuPy 14), so its product is copied in."""
    if out.__class__ is np.ndarray:
        np.matmul(a, b, out=out)
    else:
        out[...] = a @ b


def unaliased(result, *inputs):
    """`result`, or a copy of it where it shares memory with one of `inputs`: for ops whose
    array call may hand back a view (einsum's permutations and diagonals, an im2col with
    nothing to gather). Their outputs are not views to the version counters, so a write
    into one must not reach the input that earlier graphs saved."""
    xp = get_array_module(result)
    if any(xp.may_share_memory(result, x) for x in inputs):
        return result.copy()
    return result


def is_array(value):
    """Whether `value` is an array of a backend: NumPy's or a GPU array (CuPy's)."""
    return isinstance(value, np.ndarray) or is_gpu_array(value)


def is_float(array):
    """Whether `array` (or a Variable) holds floating-point numbers: the ones that get
    gradients."""
    return array.dtype.kind == "f"


def float64_if_integer(x):
    """x, or x as float64 when it holds integers or booleans, for the functions NumPy would
    compute in a narrow float: exp, log, sqrt, sin... of int8, uint8 and bool give float16
    there (exp(uint8(12)) is already inf) and of int16 float32; rungrad computes integers
    in float64, as NumPy does int32 and int64."""
    return x if x.dtype.kind in "fc" else x.astype(get_array_module(x).float64)


def silently(compute):
    """compute() with NumPy's RuntimeWarnings off, for the zero-size branch of a reduction:
    the mean of nothing is nan, quietly, in PyTorch; NumPy warns (mean of empty slice)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return compute()


def scatter_add(target, index, values):
    """target[index] += values, with repeated indices accumulating (NumPy's add.at)."""
    if _looks_like_cupy(target):  # (CuPy 13+: its ufuncs' at; cupyx.scatter_add is old)
        get_array_module(target).add.at(target, index, values)
    elif _picks_rows(target, index):
        _scatter_rows(target, index, values)
    else:
        np.add.at(target, index, values)


def accumulate(name, x, axis):
    """The running `name` (a ufunc's name: maximum, minimum, logaddexp) of x along `axis`,
    NumPy's `ufunc.accumulate`; on another array module (CuPy's ufuncs lack accumulate in
    the versions rungrad supports) by doubling steps, the op applied to each element and the
    one 1, 2, 4, ... places before it (log2(n) whole-array calls, any associative op)."""
    xp = get_array_module(x)
    op = getattr(xp, name)
    if xp is np:
        return op.accumulate(x, axis=axis)
    y, step = xp.moveaxis(x, axis, -1), 1
    while step < y.shape[-1]:
        y = xp.concatenate([y[..., :step], op(y[..., step:], y[..., :-step])], axis=-1)
        step *= 2
    return xp.moveaxis(y, -1, axis)


def _picks_rows(target, index):
    """Whether `index` is one integer array picking whole rows of a C-ordered `target`, all
    of them in range (else add.at, which raises for the others)."""
    if index.__class__ is not np.ndarray or index.dtype.kind not in "iu" or target.ndim < 2:
        return False
    rows = target.shape[0]
    return target.flags.c_contiguous and not (
        index.size and (index.min() < -rows or index.max() >= rows))


def _scatter_rows(target, index, values):
    """Rows added as flat positions, in the same order: NumPy's add.at runs a 1-D index
    several times faster than whole rows (6 ms against 1.6 ms for 16k rows of 8)."""
    rows, row = target.shape[0], int(np.prod(target.shape[1:]))  # (no target[0]: 0 rows)
    # (in intp: an int8 or int16 index would wrap round in the products below, uint64 turn
    # float beside intp's arange)
    index = index.astype(np.intp, copy=False)
    index = np.where(index < 0, index + rows, index)
    flat = (index[..., None] * row + np.arange(row)).ravel()
    values = np.broadcast_to(values, index.shape + target.shape[1:]).ravel()
    np.add.at(target.reshape(-1), flat, values)


def array_of(x):
    """The array inside a Variable, else x itself: not `getattr(x, "data", x)`, since arrays
    have a `.data` too (NumPy's a buffer, CuPy's a device pointer)."""
    return x.data if hasattr(x, "creator") else x


def to_gpu(x):
    x = array_of(x)
    cp = _load_cupy()
    if cp is None:
        raise RuntimeError("to_gpu: CuPy with a working GPU is required (pip install "
                           "'rungrad[gpu]', or 'rungrad[gpu-cuda13]' for CUDA 13)")
    return cp.asarray(x)


def to_cpu(x):
    """`x` as a NumPy array: a NumPy array as it is (no copy), a CuPy array copied to the
    host, a Variable (or anything holding its array in `.data`) as that array, numbers and
    lists through np.asarray."""
    if isinstance(x, np.ndarray):
        return x
    if is_gpu_array(x):
        return x.get()
    data = getattr(x, "data", None)  # NumPy scalars have a .data too: a buffer, not wanted
    if is_array(data):
        return to_cpu(data)
    return np.asarray(x)


def is_gpu_array(x):
    """Whether `x` is a GPU array (CuPy's, or any with the CUDA array interface)."""
    return x.__class__ is not np.ndarray and hasattr(x, "__cuda_array_interface__")
