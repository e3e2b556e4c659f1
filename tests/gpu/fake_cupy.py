"""A stand-in for CuPy on machines without a GPU, for running the GPU tests in CI.

Its arrays live apart from NumPy's as CuPy's do: `np.asarray` refuses them (CuPy's
"implicit conversion" error), they are not `np.ndarray`s, reductions give 0-d arrays, not
scalars, and `.get()` copies one to the host. NumPy's functions and ufuncs called on them
dispatch through `__array_function__` / `__array_ufunc__`, as they do on CuPy's. So a device
array slipping into host-only code fails here as it would on a GPU. Its ElementwiseKernel and
ReductionKernel run the C bodies of rungrad's fused kernels (fake_kernels.py). It does not
know which of NumPy's functions CuPy lacks, nor CuPy's rounding: the GPU run checks those.

`install()` puts it in `sys.modules` as `cupy` and `cupyx` (before rungrad first asks for
CuPy); `RUNGRAD_FAKE_CUPY=1` makes the test suite's conftest call it.
"""
import sys
import types

import numpy as np
from numpy.lib.mixins import NDArrayOperatorsMixin

_REFUSAL = ("Implicit conversion to a NumPy array is not allowed. Please use `.get()` to "
            "construct a NumPy array explicitly.")


class ndarray(NDArrayOperatorsMixin):  # noqa: N801  (CuPy's name)
    """A device array: a NumPy array that NumPy itself may not read."""

    __module__ = "cupy"

    def __init__(self, array):
        self._host = array

    def __array__(self, *args, **kwargs):
        raise TypeError(_REFUSAL)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        _refuse_host_arrays(inputs)
        _operation(f"{ufunc.__name__}.{method}" if method != "__call__" else ufunc.__name__)
        if "out" in kwargs:
            kwargs["out"] = tuple(_host(o) for o in kwargs["out"])
        return _wrapped(getattr(ufunc, method)(*_hosts(inputs), **_hosts(kwargs)))

    def __array_function__(self, func, types, args, kwargs):
        _refuse_host_arrays((args, kwargs))
        _operation(func.__name__)
        return _wrapped(func(*_hosts(args), **_hosts(kwargs)))

    def __getitem__(self, index):
        if not _basic(index):
            _operation("take")
        return _wrapped(self._host[_hosts(index)])

    def __setitem__(self, index, value):
        if not isinstance(value, ndarray) and np.ndim(value) > 0:  # (CuPy's own refusal)
            raise ValueError(f"non-scalar {type(value).__module__}.{type(value).__name__} "
                             "cannot be used for fill")
        _operation("setitem")
        self._host[_hosts(index)] = _host(value)

    def __getattr__(self, name):
        if name.startswith("__"):  # (NumPy's protocols are not CuPy's)
            raise AttributeError(name)
        if name in ("item", "tolist"):
            _read_by_host(name)
        value = getattr(self._host, name)
        if callable(value):
            _operation(name)
            return lambda *args, **kwargs: _wrapped(value(*_hosts(args), **_hosts(kwargs)))
        return _wrapped(value)

    @property
    def __cuda_array_interface__(self):  # (how rungrad tells a device array)
        return {"shape": self._host.shape, "typestr": self._host.dtype.str}

    @property
    def data(self):
        """CuPy's `.data` is a device pointer (np.asarray makes a 0-d object array of it),
        not the values: code reading `getattr(x, "data", x)` gets this too."""
        return _MemoryPointer()

    @property
    def T(self):  # noqa: N802  (NumPy's name)
        return ndarray(self._host.T)

    @property
    def flags(self):
        return types.SimpleNamespace(c_contiguous=self._host.flags.c_contiguous,
                                     f_contiguous=self._host.flags.f_contiguous,
                                     owndata=self._host.flags.owndata)

    def get(self):
        _read_by_host("get")
        return self._host.copy()

    def __len__(self):
        return len(self._host)

    def __iter__(self):
        return (_wrapped(row) for row in self._host)

    def __bool__(self):
        _read_by_host("bool")
        return bool(self._host)

    def __float__(self):
        _read_by_host("float")
        return float(self._host)

    def __int__(self):
        _read_by_host("int")
        return int(self._host)

    def __index__(self):
        _read_by_host("index")
        return self._host.__index__()

    def __complex__(self):
        _read_by_host("complex")
        return complex(self._host)

    def __repr__(self):
        return repr(self._host).replace("array", "fake_cupy.array", 1)

    def __copy__(self):
        return ndarray(self._host.copy())

    def __deepcopy__(self, memo):
        return ndarray(self._host.copy())

    def __reduce__(self):
        return ndarray, (self._host,)


# The device operations run (about one kernel launch each), appended while `operations` is
# a list: (name, the innermost frames outside this file)
operations = None
_VIEWS = {"reshape", "view", "transpose", "swapaxes", "squeeze", "T", "real", "shape", "dtype",
          "ndim", "size", "strides", "itemsize", "nbytes", "broadcast_to", "expand_dims",
          "moveaxis", "flags", "base", "item", "tolist", "data"}


def _operation(name):
    if operations is not None and name not in _VIEWS:
        import traceback
        frames = [f for f in traceback.extract_stack()[:-2] if f.filename != __file__]
        operations.append((name, frames[-6:]))


# Where the host read device values (each read waits for the GPU's queue to drain):
# (what, the innermost frames outside this file), appended while `host_reads` is a list
host_reads = None


def _read_by_host(what):
    if host_reads is not None:
        import traceback
        frames = [f for f in traceback.extract_stack()[:-2] if f.filename != __file__]
        host_reads.append((what, frames[-8:]))


class _MemoryPointer:
    """Where a device array's memory is (CuPy's cupy.cuda.MemoryPointer)."""


def _refuse_host_arrays(value):
    """CuPy's operations refuse NumPy arrays beside its own (numbers and NumPy scalars are
    taken): an implicit copy to the device would hide where the host array came from."""
    if isinstance(value, np.ndarray):
        raise TypeError(f"Unsupported type {type(value)}")
    if isinstance(value, (tuple, list)):
        for v in value:
            _refuse_host_arrays(v)
    elif isinstance(value, dict):
        for v in value.values():
            _refuse_host_arrays(v)


def _host(value):
    return value._host if isinstance(value, ndarray) else value


def _hosts(value):
    if isinstance(value, ndarray):
        return value._host
    if isinstance(value, tuple):
        return tuple(_hosts(v) for v in value)
    if isinstance(value, list):
        return [_hosts(v) for v in value]
    if isinstance(value, dict):
        return {k: _hosts(v) for k, v in value.items()}
    return value


def _flat(value):
    if isinstance(value, (tuple, list)):
        return [x for v in value for x in _flat(v)]
    if isinstance(value, dict):
        return _flat(list(value.values()))
    return [value]


def _wrapped(value):
    """NumPy's results as device arrays (its scalars too: CuPy's reductions give 0-d arrays)."""
    if isinstance(value, np.ndarray) and value.dtype != object:
        return ndarray(value)
    if isinstance(value, np.generic) and not isinstance(value, np.dtype):
        return ndarray(np.asarray(value))
    if isinstance(value, tuple):
        return tuple(_wrapped(v) for v in value)
    if isinstance(value, list) and value and isinstance(value[0], np.ndarray):
        return [_wrapped(v) for v in value]
    return value


def _basic(index):
    """Whether an index only slices (a view, no kernel)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(p is None or p is Ellipsis or isinstance(p, (int, slice)) for p in parts)


def _device_function(function):
    def call(*args, **kwargs):
        _operation(getattr(function, "__name__", "function"))
        if any(isinstance(a, ndarray) for a in _flat((args, kwargs))):
            _refuse_host_arrays((args, kwargs))
        return _wrapped(function(*_hosts(args), **_hosts(kwargs)))
    call.__name__ = getattr(function, "__name__", "function")
    return call


class _DeviceModule(types.ModuleType):
    """NumPy (or one of its submodules) whose functions take and give device arrays."""

    def __init__(self, name, host):
        super().__init__(name)
        self._host_module = host

    def __getattr__(self, name):
        value = getattr(self._host_module, name)
        if isinstance(value, types.ModuleType):
            return _DeviceModule(f"{self.__name__}.{name}", value)
        if isinstance(value, (type, np.dtype)) or not callable(value):
            return value  # dtypes, constants, classes
        if isinstance(value, np.ufunc):
            return _DeviceUfunc(value)
        return _device_function(value)


class _DeviceUfunc:
    """A NumPy ufunc on device arrays, with its `at` (CuPy's add.at, scatter's)."""

    def __init__(self, ufunc):
        self._call, self._ufunc = _device_function(ufunc), ufunc

    def __call__(self, *args, **kwargs):
        return self._call(*args, **kwargs)

    def at(self, target, index, values=None):
        _operation(f"{self._ufunc.__name__}.at")
        args = (_hosts(index),) if values is None else (_hosts(index), _host(values))
        self._ufunc.at(_host(target), *args)


def asarray(value, dtype=None, **kwargs):
    return ndarray(np.array(_host(value), dtype=dtype, copy=None, **kwargs))


def array(value, dtype=None, copy=True, **kwargs):
    return ndarray(np.array(_host(value), dtype=dtype, copy=copy, **kwargs))


def asnumpy(value):
    return _host(value).copy() if isinstance(value, ndarray) else np.asarray(value)


def _module():
    cupy = _DeviceModule("cupy", np)
    cupy.__version__ = "fake"
    cupy.ndarray, cupy.asarray, cupy.array, cupy.asnumpy = ndarray, asarray, array, asnumpy
    from .fake_kernels import ElementwiseKernel, ReductionKernel  # (their C bodies run)
    cupy.ElementwiseKernel, cupy.ReductionKernel = ElementwiseKernel, ReductionKernel
    # (one generator: NumPy's global one, which rungrad's seeding sets already)
    cupy.random = _DeviceModule("cupy.random", np.random)
    cupy.random.get_random_state = lambda: None
    cupy.random.set_random_state = lambda state: None
    cupy.random.RandomState = lambda seed=None: None
    cupy.cuda = types.SimpleNamespace(
        runtime=types.SimpleNamespace(getDeviceCount=lambda: 1),
        Device=lambda *a: types.SimpleNamespace(synchronize=lambda: None))
    cupyx = types.ModuleType("cupyx")
    special = types.ModuleType("cupyx.scipy.special")
    from math import erfc
    special.erfc = _device_function(np.vectorize(erfc, otypes=[float]))
    cupyx.scipy = types.SimpleNamespace(special=special)
    return cupy, cupyx, special


def install():
    """Make `import cupy` (and cupyx) give the stand-in."""
    cupy, cupyx, special = _module()
    sys.modules.update({"cupy": cupy, "cupyx": cupyx, "cupyx.scipy": cupyx.scipy,
                        "cupyx.scipy.special": special})
