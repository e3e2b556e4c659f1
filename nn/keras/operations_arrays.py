"""Keras' operations that select, rearrange, combine or make tensors (keras.ops' `take`,
`pad`, `split`, `top_k`, `arange`, ...), by Keras' class name, each made of rungrad's
differentiable ops with NumPy's (and Keras') meaning. Those that make a tensor from numbers
alone make it on the array module of the latest model call, as keras.ops.zeros does."""
import re

import numpy as np

from autograd import ops
from autograd.backend import array_of, as_array, get_array_module, to_cpu
from autograd.ops.sorting import recorded_indices
from autograd.variable import Variable, as_variable, read_in_python

from .. import functional as F
from ..call_losses import call_array_module
from .operation_kinds import as_tensors, axes, copied, full_like, keras_tensor


def _flat(x):
    return ops.reshape(x, (-1,))


def _take(x, indices, axis=None):
    """x's entries at `indices` along `axis` (of the flattened x for None): the result has
    x's shape with that axis replaced by the indices' shape, as np.take."""
    x = as_variable(x)
    index = indices if isinstance(indices, Variable) else np.asarray(indices)
    if index.dtype.kind == "f" and index.size == 0:  # ([] is no float index)
        index = index.astype(np.int64)
    if axis is None:
        return ops.get_item(_flat(x), index)
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"take: axis {axis} is not an axis of a tensor of shape "
                         f"{tuple(x.shape)}")
    return ops.get_item(x, (slice(None),) * (axis % x.ndim) + (index,))


def _take_along_axis(x, indices, axis=None):
    if axis is None:
        return ops.take_along_axis(_flat(x), _flat(as_variable(indices)), 0)
    return ops.take_along_axis(x, indices, axis)


def _repeat(x, repeats, axis=None):
    return ops.repeat_interleave(x, repeats, dim=axis)


def _pad(x, constant_values=None, pad_width=None, mode="constant"):
    """np.pad's modes 'constant' (constant_values, 0 by default), 'edge', 'reflect',
    'symmetric' and 'wrap'."""
    if mode != "constant":
        if constant_values not in (None, 0):
            raise ValueError(f"pad: constant_values={constant_values} is for mode='constant', "
                             f"not {mode!r}")
        return ops.pad(x, _pairs(pad_width), mode=mode)
    return ops.pad(x, _pairs(pad_width), constant_values=constant_values or 0)


def _pairs(pad_width):
    """A JSON config's lists as np.pad's tuples."""
    if isinstance(pad_width, list):
        return tuple(_pairs(item) for item in pad_width)
    return pad_width


def _roll(x, shift, axis=None):
    return ops.roll(x, shift, axis=axes(axis))


def _trace(x, offset=0, axis1=0, axis2=1):
    return ops.sum(ops.diagonal(x, offset, axis1, axis2), axis=-1)


def _tensordot(x1, x2, axes=2):
    if isinstance(axes, (list, tuple)):
        axes = tuple(tuple(a) if isinstance(a, (list, tuple)) else (a,) for a in axes)
    return ops.tensordot(x1, x2, dims=axes)


def _inner(x1, x2):
    """The sum over both operands' last axes (np.inner): x1's other axes, then x2's."""
    x1, x2 = as_tensors(x1, x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return ops.mul(x1, x2)
    return ops.tensordot(x1, x2, dims=((x1.ndim - 1,), (x2.ndim - 1,)))


def _append(x1, x2, axis=None):
    x1, x2 = as_tensors(x1, x2)
    if axis is None:
        return ops.concatenate([_flat(x1), _flat(x2)], axis=0)
    return ops.concatenate([x1, x2], axis=axis)


def _hstack(xs):
    """Concatenation along the second axis (the first for 1-D tensors), as np.hstack."""
    xs = [_at_least_1d(x) for x in xs]
    return ops.concatenate(xs, axis=0 if xs[0].ndim == 1 else 1)


def _vstack(xs):
    """Concatenation along the first axis, 1-D tensors as rows, as np.vstack."""
    xs = [as_variable(x) for x in xs]
    return ops.concatenate([ops.reshape(x, (1, -1)) if x.ndim < 2 else x for x in xs], axis=0)


def _top_k(x, k, sorted=True):  # noqa: A002 (Keras' argument names)
    """(values, indices) of the k largest along the last axis."""
    values, indices = ops.topk(x, k, axis=-1, sorted=sorted)
    return values, as_variable(indices)


def _in_top_k(targets, predictions, k):
    """Whether each sample's target class (N,) is among the k largest of its predictions
    (N, C); a tie with the k-th counts as in."""
    predictions = as_variable(predictions)
    if not 1 <= k <= predictions.shape[-1]:
        raise ValueError(f"in_top_k: k={k} must be within 1 and the {predictions.shape[-1]} "
                         f"classes")
    kth = ops.topk(predictions, k, axis=-1)[0][:, k - 1]
    targets = ops.astype(as_variable(targets), np.int64)
    scored = ops.take_along_axis(predictions, ops.reshape(targets, (-1, 1)), 1)[:, 0]
    return ops.greater_equal(scored, kth)


def _split(x, indices_or_sections, axis=0):
    return list(ops.split(x, indices_or_sections, axis=axis))


def _cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The cross product of 3-vectors along x1's axisa and x2's axisb, placed at axisc
    (`axis` sets all three)."""
    if axis is not None:
        axisa = axisb = axisc = axis
    x1, x2 = ops.moveaxis(x1, axisa, -1), ops.moveaxis(x2, axisb, -1)
    return ops.moveaxis(ops.cross(x1, x2, dim=-1), -1, axisc)


def _diff(a, n=1, axis=-1):
    return ops.diff(a, n, dim=axis)


def _host_ints(values):
    """Index arguments (segment ids, start indices) as a host array of ints: a captured
    step refuses reading the values of an argument or an op's result, a GPU array is
    copied back."""
    read_in_python(values, "an index argument of a keras.ops operation")
    return np.asarray(to_cpu(array_of(values)) if hasattr(values, "shape") else values,
                      dtype=np.int64)


def _segment(reduce, fill):
    """SegmentSum / SegmentMax / ...: data's rows reduced by segment id into num_segments
    rows (max(ids) + 1 by default); ids outside [0, num_segments) dropped, an empty
    segment `fill(dtype)` (Keras')."""
    def segmented(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
        data = as_variable(data)
        if data.dtype.kind == "b":  # (reduced as 0 and 1)
            counted = segmented(ops.astype(data, np.uint8), segment_ids, num_segments)
            return ops.astype(counted, bool) if reduce != "sum" else counted
        ids = _host_ints(segment_ids)
        if len(ids) != data.shape[0]:
            raise ValueError(f"segment_{_NAMES[reduce]}: {len(ids)} ids for data of "
                             f"{data.shape[0]} rows (shape {tuple(data.shape)})")
        count = int(ids.max()) + 1 if num_segments is None else int(num_segments)
        kept = (ids >= 0) & (ids < count)
        if not kept.all():
            data, ids = ops.get_item(data, kept), ids[kept]
        xp = get_array_module(data.data)
        start = Variable(xp.full((count,) + tuple(data.shape[1:]), fill(data.dtype),
                                 data.dtype), requires_grad=False)
        if reduce == "sum":
            return ops.index_add(start, 0, xp.asarray(ids), data)
        index = xp.broadcast_to(xp.asarray(ids).reshape((-1,) + (1,) * (data.ndim - 1)),
                                data.shape)
        # (the start is only what an empty segment holds: never among a segment's values)
        return ops.scatter_reduce(start, 0, index, data, reduce, include_self=False)
    return segmented


_NAMES = {"sum": "sum", "amax": "max", "amin": "min", "prod": "prod"}


def _lowest(dtype):
    """The smallest value of `dtype` (-inf for floats): an empty segment's maximum."""
    return -np.inf if np.dtype(dtype).kind == "f" else np.iinfo(dtype).min


def _highest(dtype):
    return np.inf if np.dtype(dtype).kind == "f" else np.iinfo(dtype).max


def _index_tuple(indices):
    """Keras' indices (..., m), m coordinates each, as an advanced-index tuple."""
    indices = _host_ints(indices)
    return tuple(indices[..., i] for i in range(indices.shape[-1]))


def _scatter(indices, values, shape=None):
    """A zero tensor of `shape` with `values` added at `indices` (duplicates summed)."""
    values = as_variable(values)
    zeros = Variable(get_array_module(values.data).zeros(tuple(shape), values.dtype),
                     requires_grad=False)
    return ops.index_put(zeros, _index_tuple(indices), values, accumulate=True)


def _scatter_update(inputs, indices, updates, reduction=None):
    """inputs with `updates` written at `indices` (added with reduction='add')."""
    if reduction not in (None, "add"):
        raise NotImplementedError(f"scatter_update with reduction={reduction!r} is not "
                                  "supported (None and 'add' are)")
    return ops.index_put(inputs, _index_tuple(indices), updates,
                         accumulate=reduction == "add")


def _block(start_indices, shape, inputs, who):
    """The slices of the block of `shape` at start_indices, inside inputs' shape."""
    starts = _host_ints(start_indices)
    if len(starts) != inputs.ndim or len(shape) != inputs.ndim or any(
            s < 0 or s + n > size for s, n, size in zip(starts, shape, inputs.shape)):
        raise ValueError(f"{who}: a block of shape {tuple(shape)} at "
                         f"{tuple(starts.tolist())} is not inside a tensor of shape "
                         f"{tuple(inputs.shape)}")
    return tuple(slice(int(s), int(s) + int(n)) for s, n in zip(starts, shape))


def _slice(inputs, start_indices, shape=None):
    """The block of `shape` starting at `start_indices` (lax.dynamic_slice's)."""
    inputs = as_variable(inputs)
    return ops.get_item(inputs, _block(start_indices, tuple(shape), inputs, "slice"))


def _slice_update(inputs, start_indices, updates):
    """inputs with the block at start_indices replaced by `updates` (differentiable in
    both: the updates padded to inputs' shape, chosen inside the block)."""
    inputs, updates = as_variable(inputs), as_variable(updates)
    block = _block(start_indices, tuple(updates.shape), inputs, "slice_update")
    pairs = tuple((b.start, n - b.stop) for b, n in zip(block, inputs.shape))
    inside = get_array_module(inputs.data).zeros(inputs.shape, bool)
    inside[block] = True
    return ops.where(inside, ops.pad(ops.astype(updates, inputs.dtype), pairs), inputs)


def _searchsorted(sorted_sequence, values, side="left"):
    sequence = _beside(sorted_sequence, values)
    return ops.astype(ops.searchsorted(sequence, values, side=side), np.int32)


def _digitize(x, bins):
    """The bin of each x (np.digitize of increasing bins): bins[i-1] <= x < bins[i]."""
    return ops.astype(ops.searchsorted(_beside(bins, x), x, side="right"), np.int32)


def _beside(values, x):
    """Constant values (a list, an array) as an array on x's array module."""
    if isinstance(values, Variable):
        return values
    return as_array(np.asarray(values) if isinstance(values, (list, tuple)) else values,
                    like=array_of(x))


def _spaced(spacing):
    def spaced(start, stop, num=50, endpoint=True, base=None, dtype=None, axis=0):
        more = {} if base is None else {"base": base}
        return _made(spacing(start, stop, num, endpoint=endpoint, dtype=dtype or "float32",
                             axis=axis, **more))
    return spaced


def _at_least_1d(x):
    x = as_variable(x)
    return ops.reshape(x, (1,)) if x.ndim == 0 else x


def _at_least_3d(x):
    x = _at_least_1d(x)
    if x.ndim == 1:
        return ops.reshape(x, (1, -1, 1))
    return ops.reshape(x, tuple(x.shape) + (1,)) if x.ndim == 2 else x


def _array_split(x, indices_or_sections, axis=0):
    """np.array_split: n sections of sizes differing by at most one (the first ones the
    larger), or split at the given indices."""
    if isinstance(indices_or_sections, (list, tuple)):
        return _split(x, indices_or_sections, axis)
    length, parts = as_variable(x).shape[axis], int(indices_or_sections)
    sizes = [length // parts + (i < length % parts) for i in range(parts)]
    return _split(x, list(np.cumsum(sizes)[:-1]), axis)


def _split_along(axis_of):
    def split(x, indices_or_sections):
        return _split(x, indices_or_sections, axis_of(as_variable(x)))
    return split


def _unravel_index(indices, shape=None):
    """The coordinates (a tuple of int tensors) of flat indices into `shape`; an index
    outside it is refused, as NumPy's."""
    flat = ops.astype(as_variable(indices), np.int64)
    total = int(np.prod(tuple(shape)))
    values = to_cpu(flat.data)
    outside = values[(values < 0) | (values >= total)]
    if outside.size:
        raise ValueError(f"unravel_index: index {outside[0]} is out of bounds for an array of "
                         f"size {total} (shape {tuple(shape)})")
    coordinates = []
    for size in reversed(tuple(shape)):
        coordinates.append(ops.remainder(flat, int(size)))
        flat = ops.astype(ops.floor(ops.div(flat, int(size))), np.int64)
    return tuple(reversed(coordinates))


def _select(condlist, choicelist, default=0):
    """choicelist[i] where condlist[i] first holds, else default."""
    result = default
    for condition, choice in reversed(list(zip(condlist, choicelist))):
        result = ops.where(condition, choice, result)
    return as_variable(result)


def _extract_sequences(x, sequence_length=None, sequence_stride=None):
    """Frames of `sequence_length` along x's last axis, `sequence_stride` apart: (...,
    frames, sequence_length)."""
    x = as_variable(x)
    if sequence_length < 1 or sequence_stride < 1 or sequence_length > x.shape[-1]:
        raise ValueError(f"extract_sequences: sequence_length {sequence_length} and "
                         f"sequence_stride {sequence_stride} must be at least 1, the length "
                         f"at most the last axis' {x.shape[-1]}")
    frames = 1 + (x.shape[-1] - sequence_length) // sequence_stride
    index = (np.arange(frames)[:, None] * sequence_stride + np.arange(sequence_length))
    return ops.get_item(x, (Ellipsis, index))


def _saturate_cast(x, dtype=None):
    """x cast to `dtype`, clipped first to the values it holds (a float limit that rounds
    past an integer one stepped back inside it, as Keras does)."""
    x, dtype = as_variable(x), np.dtype(dtype)
    if dtype.kind == "b":
        return ops.not_equal(x, 0)
    limits = np.iinfo(dtype) if dtype.kind in "iu" else np.finfo(dtype)
    low, high = limits.min, limits.max
    if x.dtype.kind == "f" and dtype.kind in "iu":
        low, high = (_inside(bound, x.dtype) for bound in (low, high))
    return ops.astype(ops.clip(x, low, high), dtype)


def _inside(bound, dtype):
    """The float of `dtype` nearest an integer bound but not beyond it."""
    value = np.asarray(bound, dtype)
    if abs(float(value)) > abs(bound):
        value = np.nextafter(value, np.asarray(0, dtype))
    return float(value)  # (a number: exact in dtype, and a bound on any array module)


def _made(values):
    """A constant Variable of `values` (an array on the host) on the call's array module."""
    return Variable(call_array_module().asarray(values), requires_grad=False)


def _default_dtype(*numbers):
    """Keras' dtype for Python numbers: int32 when all are ints, else float32."""
    ints = all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in numbers
               if n is not None)
    return "int32" if ints else "float32"


def _arange(start, stop=None, step=None, dtype=None):
    step = 1 if step is None else step
    return _made(np.arange(start, stop, step, dtype=dtype or _default_dtype(start, stop, step)))


def _full(fill_value, shape=None, dtype=None):
    # (floatx by default whatever the value, as Keras': full((2,), 3) is float32)
    return _made(np.full(tuple(shape), fill_value, dtype=dtype or "float32"))


def _linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    values, step = np.linspace(start, stop, num, endpoint=endpoint, retstep=True,
                               dtype=dtype or "float32", axis=axis)
    return (_made(values), step) if retstep else _made(values)


def _blocks_format(x, block_size, data_format, who):
    """x as a Variable of rank 4, block_size an int >= 1, data_format one of Keras' two."""
    x = as_variable(x)
    if x.ndim != 4:
        raise ValueError(f"{who}: expected images (N, H, W, C) or (N, C, H, W), got shape "
                         f"{tuple(x.shape)}")
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"{who}: data_format must be 'channels_last' or 'channels_first', "
                         f"got {data_format!r}")
    if isinstance(block_size, bool) or not isinstance(block_size, (int, np.integer)) or \
            block_size < 1:
        raise ValueError(f"{who}: block_size must be a positive int, got {block_size!r}")
    return x, int(block_size)


def _depth_to_space(x, block_size, data_format="channels_last"):
    """Channels moved into b x b blocks of pixels (N, H, W, b b C') -> (N, H b, W b, C'):
    TensorFlow's order channels-last, PyTorch's pixel_shuffle channels-first (Keras')."""
    x, b = _blocks_format(x, block_size, data_format, "depth_to_space")
    if data_format == "channels_first":
        return F.pixel_shuffle(x, b)
    n, h, w, c = x.shape
    if c % (b * b):
        raise ValueError(f"depth_to_space: {c} channels do not fill blocks of {b} x {b}")
    blocks = ops.reshape(x, (n, h, w, b, b, c // (b * b)))
    return ops.reshape(ops.transpose(blocks, (0, 1, 3, 2, 4, 5)), (n, h * b, w * b, -1))


def _space_to_depth(x, block_size, data_format="channels_last"):
    """b x b blocks of pixels moved into the channels, depth_to_space undone."""
    x, b = _blocks_format(x, block_size, data_format, "space_to_depth")
    if data_format == "channels_first":
        return F.pixel_unshuffle(x, b)
    n, h, w, c = x.shape
    if h % b or w % b:
        raise ValueError(f"space_to_depth: an image of {h} x {w} does not split into blocks "
                         f"of {b} x {b}")
    blocks = ops.reshape(x, (n, h // b, b, w // b, b, c))
    return ops.reshape(ops.transpose(blocks, (0, 1, 3, 2, 4, 5)), (n, h // b, w // b, -1))


def _argpartition(x, kth, axis=-1):
    """Indices (int32) that put the kth smallest along `axis` (of the flattened x for None)
    in its sorted place, the smaller ones before it and the others after: a stable
    argsort's, one of the orders NumPy's argpartition may give."""
    x = as_variable(x)
    if axis is None:
        x, axis = ops.reshape(x, (-1,)), 0
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"argpartition: axis {axis} is not an axis of a tensor of shape "
                         f"{tuple(x.shape)}")
    n = x.shape[axis]
    if isinstance(kth, bool) or not isinstance(kth, (int, np.integer)) or not -n <= kth < n:
        raise ValueError(f"argpartition: kth must be an int in [{-n}, {n}) for axis {axis} of "
                         f"shape {tuple(x.shape)}, got {kth!r}")
    return ops.astype(recorded_indices("argsort", x, axis), np.int32)


def _rearrange(tensor, pattern, **axes_lengths):
    """einops' rearrange of `tensor` by `pattern` ('b (h p) w c -> b h (p w c)'): named axes,
    and groups in parentheses that split an axis (the lengths of all but one given by
    keyword) or merge several; every name once on each side."""
    tensor = as_variable(tensor)
    left, right = _einops_sides(pattern)
    if len(left) != tensor.ndim:
        raise ValueError(f"rearrange: the pattern's left side {pattern.split('->')[0].strip()!r} "
                         f"names {len(left)} axes, the tensor has {tensor.ndim} "
                         f"(shape {tuple(tensor.shape)})")
    names = [name for group in left for name in group]
    if sorted(names) != sorted(name for group in right for name in group):
        raise ValueError(f"rearrange: both sides of {pattern!r} must name the same axes")
    bad = {name: n for name, n in axes_lengths.items() if isinstance(n, bool) or not isinstance(
        n, (int, np.integer)) or n < 1}
    if bad:
        raise ValueError(f"rearrange: axis lengths must be positive ints, got {bad}")
    unknown = set(axes_lengths) - set(names)
    if unknown:
        raise ValueError(f"rearrange: lengths given for axes {sorted(unknown)} that {pattern!r} "
                         "does not name")
    sizes = {}
    for group, length in zip(left, tensor.shape):
        sizes.update(_group_sizes(group, length, axes_lengths, pattern))
    split = ops.reshape(tensor, tuple(sizes[name] for name in names))
    order = [names.index(name) for group in right for name in group]
    moved = ops.transpose(split, tuple(order))
    return ops.reshape(moved, tuple(int(np.prod([sizes[name] for name in group]))
                                    for group in right))


def _einops_sides(pattern):
    """The two sides of an einops pattern as lists of groups (lists of axis names)."""
    if not isinstance(pattern, str) or pattern.count("->") != 1:
        raise ValueError(f"rearrange: the pattern must read 'input axes -> output axes', got "
                         f"{pattern!r}")
    sides = []
    for side in pattern.split("->"):
        tokens = re.findall(r"\(([^()]*)\)|([A-Za-z_]\w*)|(\S)", side)
        groups = []
        for grouped, name, other in tokens:
            if other:
                raise ValueError(f"rearrange: {other!r} in {pattern!r} is not an axis name or "
                                 "a group in parentheses")
            groups.append(grouped.split() if grouped or not name else [name])
        flat = [name for group in groups for name in group]
        if len(flat) != len(set(flat)):
            raise ValueError(f"rearrange: an axis is named twice on one side of {pattern!r}")
        sides.append(groups)
    return sides


def _group_sizes(group, length, axes_lengths, pattern):
    """{name: size} of the axes a group of the left side splits an axis of `length` into."""
    sizes = {name: int(axes_lengths[name]) for name in group if name in axes_lengths}
    unknown = [name for name in group if name not in sizes]
    if len(unknown) > 1:
        raise ValueError(f"rearrange: give the lengths of all but one of {group} in "
                         f"{pattern!r}")
    known = int(np.prod(list(sizes.values())))
    if unknown and known and length % known == 0:
        sizes[unknown[0]] = length // known
    elif unknown or known != length:
        raise ValueError(f"rearrange: an axis of length {length} does not split into {group} "
                         f"with the lengths {sizes} ({pattern!r})")
    return sizes


ARRAYS = {
    "Take": _take, "TakeAlongAxis": _take_along_axis, "Repeat": _repeat,
    "BroadcastTo": lambda x, shape: ops.broadcast_to(x, tuple(shape)),
    "Moveaxis": lambda x, source, destination: ops.moveaxis(x, axes(source), axes(destination)),
    "Swapaxes": lambda x, axis1, axis2: ops.swapaxes(x, axis1, axis2),
    "Pad": _pad, "Roll": _roll,
    "Tril": lambda x, k=0: ops.tril(x, k), "Triu": lambda x, k=0: ops.triu(x, k),
    "Diag": lambda x, k=0: ops.diag(x, k),
    "Diagonal": lambda x, offset=0, axis1=0, axis2=1: ops.diagonal(x, offset, axis1, axis2),
    "Trace": _trace, "Ravel": _flat,
    "Dot": lambda x1, x2: ops.dot(x1, x2), "Tensordot": _tensordot,
    "Outer": lambda x1, x2: ops.outer(*[_flat(x) for x in as_tensors(x1, x2)]),
    "Inner": _inner,
    "Vdot": lambda x1, x2: ops.dot(*[_flat(x) for x in as_tensors(x1, x2)]),
    "Unstack": lambda x, num=None, axis=0: list(ops.unbind(x, axis)),
    "Append": _append, "Hstack": _hstack, "Vstack": _vstack,
    "Sort": lambda x, axis=-1: ops.sort(x, axis),
    "Argsort": lambda x, axis=-1: ops.astype(recorded_indices("argsort", x, axis), np.int32),
    "TopK": _top_k, "InTopK": _in_top_k, "Split": _split,
    "Meshgrid": lambda *x, indexing="xy": list(ops.meshgrid(*x, indexing=indexing)),
    "Kron": lambda x1, x2: ops.kron(*as_tensors(x1, x2)), "Diff": _diff, "Cross": _cross,
    # made from numbers
    "Arange": _arange, "Full": _full, "Linspace": _linspace,
    "FullLike": lambda x, fill_value, dtype=None: full_like(x, fill_value, dtype),
    "EmptyLike": lambda x, dtype=None: full_like(x, 0, dtype),
    "Logspace": _spaced(np.logspace), "Geomspace": _spaced(np.geomspace),
    # indices, segments and blocks
    "SegmentSum": _segment("sum", lambda _: 0), "SegmentMax": _segment("amax", _lowest),
    "SegmentMin": _segment("amin", _highest), "SegmentProd": _segment("prod", lambda _: 1),
    "Scatter": _scatter, "ScatterUpdate": _scatter_update, "Slice": _slice,
    "SliceUpdate": _slice_update, "SearchSorted": _searchsorted, "Digitize": _digitize,
    "Bincount": lambda x, weights=None, minlength=0, sparse=False: ops.bincount(
        x, weights, minlength),
    "UnravelIndex": _unravel_index, "Select": _select,
    "ExtractSequences": _extract_sequences,
    # rearranged
    "Rot90": lambda array, k=1, axes=(0, 1): ops.rot90(array, k, tuple(axes)),
    "Fliplr": lambda x: ops.flip(x, 1), "Flipud": lambda x: ops.flip(x, 0),
    "Dstack": lambda xs: ops.concatenate([_at_least_3d(x) for x in xs], axis=2),
    "ArraySplit": _array_split,
    "Hsplit": _split_along(lambda x: 0 if x.ndim == 1 else 1),
    "Vsplit": _split_along(lambda x: 0), "Dsplit": _split_along(lambda x: 2),
    "Argpartition": _argpartition, "Copy": copied, "Rearrange": _rearrange,
    "Diagflat": lambda x, k=0: ops.diag(ops.reshape(x, (-1,)), k),
    "DepthToSpace": _depth_to_space, "SpaceToDepth": _space_to_depth,
    "Array": keras_tensor,
    "SaturateCast": _saturate_cast,
}

__all__ = ["ARRAYS"]
