"""x and y of a model with several inputs or outputs (a functional model's): Keras' list
(in the model's order) or dict (keyed by the inputs' or outputs' names) of arrays, held as
a tuple in the model's order all the way through the batches.

A tuple travels where one array would: `sample_count`, `take` (a batch's samples, the same
index for every array, so shuffling and validation_split keep them aligned) and `each`
(any per-array step: to the device, to a Variable) treat it as one piece of data.
"""


def arrays_in_order(data, names, what, who, optional=()):
    """`data` (a list or tuple in the order of `names`, or a dict keyed by them) as a
    tuple; `what` says which ('x': the inputs, 'y': the outputs). The names in `optional`
    (outputs that neither a loss nor a metric reads) may go without an array (None in the
    tuple): a dict may leave them out, and a list (or one array) may give only the others,
    in order (Keras 3's rule for compile(loss=["mse", None]))."""
    kind = "inputs" if what == "x" else "outputs"
    if isinstance(data, dict):
        unknown = [key for key in data if key not in names]
        if unknown:
            raise ValueError(f"{who}: {what} names {unknown}, which the model has no "
                             f"{kind[:-1]} called; its {kind} are {names}")
        missing = [name for name in names if name not in data and name not in optional]
        if missing:
            raise ValueError(f"{who}: {what} has no array for the {kind[:-1]}(s) {missing}; "
                             f"the model's {kind} are {names}")
        return tuple(data.get(name) for name in names)
    required = [name for name in names if name not in optional]
    if optional and _given_for(data, required):
        given = iter(data if isinstance(data, (list, tuple)) else [data])
        return tuple(None if name in optional else next(given) for name in names)
    if not isinstance(data, (list, tuple)) or len(data) != len(names):
        got = (f"a {type(data).__name__} of {len(data)}" if isinstance(data, (list, tuple))
               else f"a {type(data).__name__}")
        also = (f" (or {len(required)}, one for each of {required}: the others have no loss "
                "or metric)" if optional else "")
        raise ValueError(f"{who}: the model has {len(names)} {kind} {names}: give {what} as "
                         f"a list of {len(names)} arrays in that order{also}, or a dict "
                         f"keyed by those names; got {got}")
    return tuple(data)


def _given_for(data, required):
    """Whether `data` is an array for each of `required` alone: a list of as many, or one."""
    if isinstance(data, (list, tuple)):
        return len(data) == len(required)
    return len(required) == 1


def check_aligned(arrays, names, what, who):
    """A ValueError naming the arrays when they hold different numbers of samples."""
    counts = {name: len(a) for name, a in zip(names, arrays) if a is not None}
    if len(set(counts.values())) > 1:
        sizes = ", ".join(f"{name!r}: {n}" for name, n in counts.items())
        raise ValueError(f"{who}: the arrays of {what} must hold as many samples each; got "
                         f"{sizes}")


def check_sample_shape(array, shape, name, who):
    """A ValueError when an input's samples do not have its keras.Input's shape (None:
    any size)."""
    if len(array.shape) - 1 != len(shape) or any(
            n is not None and n != m for n, m in zip(shape, array.shape[1:])):
        raise ValueError(f"{who}: the input {name!r} takes samples of shape {shape}, got "
                         f"x[{name!r}] of shape {array.shape} (samples of "
                         f"{tuple(array.shape[1:])})")


def sample_count(data):
    """The number of samples in an array, or in a tuple of aligned arrays (None for an
    output without targets, see arrays_in_order)."""
    if isinstance(data, tuple):
        return len(next(a for a in data if a is not None))
    return len(data)


def take(data, index):
    """The samples at `index` of an array, of each array of a tuple, or None."""
    if data is None:
        return None
    if isinstance(data, tuple):
        return tuple(None if a is None else a[index] for a in data)
    return data[index]


def each(step, data):
    """`step` applied to an array, or to each array of a tuple (None kept)."""
    if isinstance(data, tuple):
        return tuple(None if a is None else step(a) for a in data)
    return None if data is None else step(data)


__all__ = ["arrays_in_order", "check_aligned", "check_sample_shape", "sample_count", "take",
           "each"]
