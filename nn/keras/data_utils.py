"""Keras' data helpers in `keras.utils`: packing and unpacking (x, y, sample_weight)
tuples, as a custom train_step reads its batch, and split_dataset."""
import numbers
import random

import numpy as np


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """Keras': x alone as it is (a tuple x wrapped as (x,)), else (x, y) or
    (x, y, sample_weight)."""
    if y is None:
        return (x,) if isinstance(x, tuple) else x
    return (x, y) if sample_weight is None else (x, y, sample_weight)


def unpack_x_y_sample_weight(data):
    """Keras': (x, y, sample_weight) of a batch, None for what it lacks: `x`, `(x,)`,
    `(x, y)` or `(x, y, sample_weight)` (a list read as a tuple)."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if 1 <= len(data) <= 3:
        return data + (None,) * (3 - len(data))
    raise ValueError("Data is expected to be in format `x`, `(x,)`, `(x, y)`, or "
                     f"`(x, y, sample_weight)`, found: {data}")


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None):
    """Keras' split_dataset of an array or a tuple / list of arrays (samples along the
    first axis): (left, right), each in the dataset's structure as NumPy arrays (Keras
    gives tf.data datasets; rungrad's fit takes the arrays). Sizes are counts (int) or
    fractions (float in (0, 1)), Keras' rules; the left part is the first `left_size`
    samples, the right the last `right_size`; shuffle=True first permutes the samples as
    Keras does (Python's random, seeded by `seed`)."""
    arrays, structure = _arrays(dataset)
    total = len(arrays[0])
    left, right = split_sizes(left_size, right_size, total)
    order = list(range(total))
    if shuffle:
        random.Random(random.randint(0, int(1e6)) if seed is None else seed).shuffle(order)
    picks = (np.asarray(order[:left]), np.asarray(order[total - right:]))
    return tuple(structure([a[p] for a in arrays]) for p in picks)


def _arrays(dataset):
    """(the dataset's arrays, a function rebuilding its structure from arrays)."""
    if isinstance(dataset, (tuple, list)) and dataset:
        arrays = [np.asarray(a) for a in dataset]
        kind = type(dataset)
        rebuild = kind
    else:
        arrays, rebuild = [np.asarray(dataset)], lambda parts: parts[0]
    if any(a.ndim == 0 for a in arrays) or len({len(a) for a in arrays}) != 1:
        raise ValueError("split_dataset: expected an array or a tuple / list of arrays with "
                         "the same number of samples (first axis), got shapes "
                         f"{[a.shape for a in arrays]}")
    return arrays, rebuild


def split_sizes(left_size, right_size, total):
    """(left, right) sample counts of Keras' split rules."""
    if left_size is None and right_size is None:
        raise ValueError("At least one of the `left_size` or `right_size` must be specified. "
                         "Received: left_size=None and right_size=None")
    sizes = [_count(size, name, total) for size, name in
             ((left_size, "left_size"), (right_size, "right_size"))]
    if all(isinstance(s, float) for s in (left_size, right_size)) and left_size + right_size > 1:
        raise ValueError("The sum of `left_size` and `right_size` is greater than 1. It must "
                         "be less than or equal to 1.")
    left = total - sizes[1] if sizes[0] is None else sizes[0]
    right = total - left if sizes[1] is None else sizes[1]
    if left + right > total:
        raise ValueError(f"split_dataset: left_size + right_size = {left + right} samples, "
                         f"more than the dataset's {total}")
    if not left or not right:
        raise ValueError(f"split_dataset: with {total} samples, left_size={left} and "
                         f"right_size={right} leave one side empty")
    return left, right


def _count(size, name, total):
    """A split size as a number of samples (None stays None)."""
    if size is None:
        return None
    if isinstance(size, bool) or not isinstance(size, (numbers.Integral, float)):
        raise TypeError(f"Invalid `{name}` Type. Expected: int or float or None, Received: "
                        f"{name}={size!r}")
    if isinstance(size, float):
        if not 0 < size < 1:
            raise ValueError(f"`{name}` should be either a positive integer smaller than "
                             f"{total}, or a float within the range `[0, 1]`. Received: "
                             f"{name}={size}")
        return round(size * total)
    if not 0 < size < total:
        raise ValueError(f"`{name}` should be either a positive integer smaller than {total}, "
                         f"or a float within the range `[0, 1]`. Received: {name}={size}")
    return int(size)


__all__ = ["pack_x_y_sample_weight", "unpack_x_y_sample_weight", "split_dataset"]
