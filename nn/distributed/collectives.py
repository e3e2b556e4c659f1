"""Collectives on NumPy arrays (and Variables, on their data), in place as torch.distributed's.

In a world of one each is the identity. Each is MPI's non-blocking form, waited for through
the group, so that a rank leaving the job early ends it (nn.distributed.faults). CuPy arrays
go through a host copy (portable MPI builds cannot read GPU memory; CUDA-aware MPI or NCCL is
the route for several GPUs).
"""
import numpy as np

from autograd.backend import get_array_module, to_cpu
from autograd.variable import Variable

from . import lockstep
from .group import group as the_group
from .group import import_mpi, world_only


class ReduceOp:
    """torch.distributed.ReduceOp's names, as the strings all_reduce takes."""
    SUM, PRODUCT, MIN, MAX, AVG = "sum", "product", "min", "max", "avg"


_OPS = {"sum": "SUM", "product": "PROD", "min": "MIN", "max": "MAX", "avg": "SUM"}
# the same, on the ranks' rows in rank order (identical on every rank): for small arrays
_REDUCE = {"sum": np.add, "product": np.multiply, "min": np.minimum, "max": np.maximum,
           "avg": np.add}


class Completed:
    """What a collective called with async_op=True returns, as PyTorch's Work: rungrad's
    collectives are done when they return, so wait() has nothing left to wait for."""

    def wait(self, timeout=None):
        return True

    def is_completed(self):
        return True


def _done(array, async_op):
    """A collective's return: `array`, or a Completed for async_op (PyTorch's Work)."""
    return Completed() if async_op else array


def all_reduce(array, op="sum", group=None, async_op=False):
    """Combine `array` over all ranks, in place, and return it: every rank then holds the
    sum ('sum'), 'product', 'min', 'max' or the mean ('avg') of the ranks' arrays. As
    PyTorch's: group (the world, the only group here) and async_op (a Completed to wait on)."""
    world_only(group, "all_reduce")
    target = _array(array, "all_reduce")
    if op not in _OPS:
        raise ValueError(f"all_reduce: op must be one of {', '.join(_OPS)}, got {op!r}")
    if target.dtype.kind == "b":  # MPI has no arithmetic on bools
        raise TypeError("all_reduce: bool arrays cannot be reduced; cast to an integer type "
                        "('max' of 0/1 is any rank's or, 'min' every rank's and)")
    if op == "avg" and target.dtype.kind != "f":  # refused before the sum overwrites it
        raise TypeError(f"all_reduce: op='avg' needs a floating array (the mean of integers "
                        f"is not one), got dtype {target.dtype}; use 'sum' and divide")
    world = the_group()
    if world.comm is None:
        return _done(array, async_op)
    MPI = import_mpi("all_reduce")
    host, write_back = _host_buffer(target)
    mine = lockstep.tag(world, "all_reduce", host.size, host.dtype, lockstep.OPS.index(op))
    if host.nbytes <= lockstep.PAYLOAD_BYTES:  # a few numbers: combined in the check-in
        rows = lockstep.check_in(world, mine, "all_reduce", payload=host)
        with np.errstate(all="ignore"):  # an overflow gives inf silently, as MPI's sum
            _REDUCE[op].reduce(rows, axis=0, out=host.reshape(-1))
    else:
        lockstep.check_in(world, mine, "all_reduce")
        world.wait(world.comm.Iallreduce(MPI.IN_PLACE, host, op=getattr(MPI, _OPS[op])),
                   "all_reduce")
    if op == "avg":
        host /= world.size
    write_back(host)
    return _done(array, async_op)


def broadcast(array, src=0, group=None, async_op=False):
    """Overwrite `array` on every rank with rank `src`'s, in place; returns it (group and
    async_op as all_reduce's)."""
    world_only(group, "broadcast")
    target = _array(array, "broadcast")
    world = the_group()
    _check_root(src, world)
    if world.comm is not None:
        lockstep.check_in(world, lockstep.tag(world, "broadcast", target.size, target.dtype,
                                              int(src)), "broadcast")
        _broadcast(target, src, world)
    return _done(array, async_op)


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """PyTorch's all_gather: tensor_list[r] becomes rank r's `tensor`, in place (every rank's
    of the same shape and dtype; all_gather_rows joins rows of different lengths)."""
    world_only(group, "all_gather")
    mine = _array(tensor, "all_gather")
    targets = [_array(out, "all_gather") for out in tensor_list]
    size = the_group().size
    if any(t.dtype != mine.dtype for t in targets):  # (PyTorch's: no silent cast)
        raise ValueError(f"all_gather: tensor_list's arrays must have the tensor's dtype "
                         f"{mine.dtype}, got {sorted({str(t.dtype) for t in targets})}")
    if len(targets) != size or any(t.shape != mine.shape for t in targets):
        raise ValueError(f"all_gather: tensor_list must hold {size} arrays (one per rank) of "
                         f"the tensor's shape {mine.shape}, got "
                         f"{[tuple(t.shape) for t in targets]}")
    rows = all_gather_rows(to_cpu(mine)[None])
    if len(rows) != size:  # (another rank gave a tensor of another shape: refused there)
        raise ValueError("all_gather: the ranks' tensors differ in shape")
    for target, row in zip(targets, rows):
        target[...] = get_array_module(target).asarray(row)
    return _done(None, async_op)


def reduce(array, dst=0, op="sum", group=None, async_op=False):
    """PyTorch's reduce: rank `dst`'s `array` becomes the ranks' combined arrays (op as
    all_reduce's); the others' stay as they were."""
    world_only(group, "reduce")
    target = _array(array, "reduce")
    _check_root(dst, the_group(), "reduce", "dst")
    combined = all_reduce(target.copy(), op)
    if the_group().rank == dst:
        target[...] = combined
    return _done(array, async_op)


def broadcast_arrays(arrays, src=0):
    """broadcast() each of `arrays` (NumPy or CuPy) behind one check-in (DDP's buffers before
    each forward: one small collective, not one per buffer)."""
    world = the_group()
    _check_root(src, world)
    if world.comm is None or not arrays:  # (no buffers: no collective; alike on every rank)
        return
    targets = [_array(array, "broadcast") for array in arrays]
    lockstep.check_in(world, lockstep.tag(world, "broadcast of several arrays",
                                          sum(t.size for t in targets), None, len(targets)),
                      "broadcast")
    for target in targets:
        _broadcast(target, src, world)


def _check_root(src, world, who="broadcast", name="src"):
    if not isinstance(src, (int, np.integer)) or not 0 <= src < world.size:
        raise ValueError(f"{who}: {name} must be a rank from 0 to {world.size - 1}, got "
                         f"{src!r}")


def _broadcast(target, src, world):
    host, write_back = _host_buffer(target)
    world.wait(world.comm.Ibcast(host, root=int(src)), "broadcast")
    write_back(host)


def all_gather_rows(array):
    """The ranks' arrays joined along axis 0, in rank order (they may differ in length but
    must agree in dtype and in the other axes: a ValueError on every rank otherwise). Not in
    place: returns a new array."""
    array = np.ascontiguousarray(to_cpu(array))  # (at least one axis: a 0-d array is one row)
    world = the_group()
    if world.comm is None:
        return array
    lockstep.check_in(world, lockstep.tag(world, "all_gather_rows"), "all_gather_rows")
    layouts = np.empty((world.size, _LAYOUT_WIDTH), dtype=np.int64)
    world.wait(world.comm.Iallgather(_layout(array), layouts), "all_gather_rows")
    _check_rows_agree([_described(layout) for layout in layouts])
    joined = np.empty((int(layouts[:, 1].sum()),) + array.shape[1:], dtype=array.dtype)
    world.wait(world.comm.Iallgatherv(array, [joined, layouts[:, 0]]), "all_gather_rows")
    return joined


_MAX_DIMS = 64  # NumPy's limit on an array's dimensions
_DTYPE_BYTES = 32  # room for a dtype's name ('<M8[100000000ns]' is 16)
_LAYOUT_WIDTH = 3 + _MAX_DIMS + _DTYPE_BYTES // 8


def _layout(array):
    """(elements, rows, dimensions, the shape padded with zeros, the dtype's name as bytes)
    as int64s of a fixed width, so that one allgather tells every rank every rank's."""
    layout = np.zeros(_LAYOUT_WIDTH, dtype=np.int64)
    layout[:3] = array.size, array.shape[0], array.ndim
    layout[3:3 + array.ndim] = array.shape
    name = np.frombuffer(array.dtype.str.encode()[:_DTYPE_BYTES], dtype=np.uint8)
    layout[3 + _MAX_DIMS:].view(np.uint8)[:name.size] = name
    return layout


def _described(layout):
    """(shape, dtype name) from a rank's `_layout`."""
    shape = tuple(int(n) for n in layout[3:3 + layout[2]])
    return shape, layout[3 + _MAX_DIMS:].tobytes().rstrip(b"\0").decode()


def _check_rows_agree(described):
    """Raise, alike on every rank (each sees every rank's layout), unless the ranks' arrays
    agree in dtype and beyond axis 0 (else Allgatherv would write past the joined array)."""
    if len({(shape[1:], dtype) for shape, dtype in described}) == 1:
        return
    ranks = ", ".join(f"rank {rank} {shape} {np.dtype(dtype)}"
                      for rank, (shape, dtype) in enumerate(described))
    raise ValueError(f"all_gather_rows: the ranks' arrays must agree in dtype and "
                     f"in every axis but the first; got {ranks}")


def _array(array, who):
    target = array.data if isinstance(array, Variable) else array
    if not hasattr(target, "dtype") or not hasattr(target, "shape"):
        raise TypeError(f"{who}: expected a NumPy array or a Variable, got "
                        f"{type(array).__name__}")
    if target.dtype.kind not in "biuf":
        raise TypeError(f"{who}: expected a numeric array, got dtype {target.dtype}")
    return target


def _host_buffer(target):
    """(a contiguous NumPy array MPI may write, a function putting it back into target)."""
    if get_array_module(target) is np and target.flags.c_contiguous and target.flags.writeable:
        return target, lambda host: None
    if get_array_module(target) is np and not target.flags.writeable:
        raise ValueError("collective: the array is read-only; it is reduced in place")
    host = np.ascontiguousarray(to_cpu(target))

    def write_back(result):
        target[...] = get_array_module(target).asarray(result)
    return host, write_back


__all__ = ["ReduceOp", "all_reduce", "broadcast", "all_gather", "reduce", "all_gather_rows",
           "Completed"]
