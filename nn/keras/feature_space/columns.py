"""FeatureSpace's inputs as columns: each feature's values read from a dict (of arrays,
lists, Variables, torch tensors; a batch or one sample) as a batch (N, 1) (or (N, k)) of the
feature's dtype, as Keras' Input(shape=(1,), dtype=...) takes them."""
import numpy as np

from ..layers.host_computed import host_values
from ..layers.lookup import as_strings


def column(values, dtype, name):
    """`values` of feature `name` as a NumPy array of its dtype ("string": str; integers
    must be whole numbers); a TypeError naming the feature for values of another kind."""
    if dtype == "string":
        try:
            return as_strings(values if isinstance(values, (list, tuple, str, bytes))
                              else host_values(values), "FeatureSpace")
        except TypeError:
            raise TypeError(f"FeatureSpace: feature {name!r} takes strings, got "
                            f"{_kind(values)}") from None
    array = host_values(values)
    target = np.dtype(dtype)
    if array.dtype.kind not in "biuf" or (target.kind in "iu" and array.dtype.kind == "f"
                                          and not np.all(array == np.round(array))):
        raise TypeError(f"FeatureSpace: feature {name!r} takes {dtype} values, got "
                        f"{_kind(values)}")
    return array.astype(target)


def _kind(values):
    array = np.asarray(values, dtype=object) if isinstance(values, (list, tuple)) else \
        host_values(values)
    kinds = sorted({type(v).__name__ for v in array.ravel().tolist()}) \
        if array.dtype.kind == "O" else [str(array.dtype)]
    return f"{'/'.join(kinds)} of shape {array.shape}"


def as_batch(array):
    """A column as a batch: a sample's scalar (1, 1), a column of scalars (N, 1)."""
    return array.reshape(array.shape + (1,) * (2 - array.ndim)) if array.ndim < 2 else array


def call_columns(data, features):
    """(the batch of each feature from the dict `data`, whether it was one sample of
    scalars); ValueErrors naming missing features and differing batch sizes."""
    if not isinstance(data, dict):
        raise ValueError(f"FeatureSpace: can only be called with a dict of feature values "
                         f"(one entry per feature: {sorted(features)}), got "
                         f"{type(data).__name__}")
    check_names(data, features, "called with")
    columns = {name: column(data[name], feature.dtype, name)
               for name, feature in features.items()}
    one_sample = any(c.ndim == 0 for c in columns.values())  # (Keras': any scalar rebatches)
    batches = {name: as_batch(c) for name, c in columns.items()}
    sizes = {name: b.shape[0] for name, b in batches.items()}
    if len(set(sizes.values())) > 1:
        raise ValueError(f"FeatureSpace: the features' batch sizes differ: {sizes}")
    return batches, one_sample


def check_names(data, features, how):
    """A ValueError naming the features `data` lacks (keys that are no feature are left
    alone: a table's label column, say; a misspelt feature is reported missing)."""
    missing = [name for name in features if name not in data]
    if missing:
        raise ValueError(f"FeatureSpace: {how} data that lacks the feature(s) {missing} "
                         f"(it has {sorted(map(str, data))})")


def adapt_columns(dataset, features, names):
    """The whole column of each of `names` (batches (N, 1)) from adapt's `dataset`: a dict
    of arrays or lists, or an iterable of such dicts (batches: a DataLoader's, a
    PyDataset's; an (x, y) pair's x)."""
    if isinstance(dataset, dict):
        batches = [dataset]
    elif hasattr(dataset, "__iter__") and not isinstance(dataset, (str, bytes)):
        batches = [batch[0] if isinstance(batch, (tuple, list)) else batch
                   for batch in dataset]
    else:
        raise ValueError(f"FeatureSpace.adapt: expected a dict of arrays or lists (one per "
                         f"feature), or an iterable of such dicts (batches), got "
                         f"{type(dataset).__name__}")
    for batch in batches:
        if not isinstance(batch, dict):
            raise ValueError(f"FeatureSpace.adapt: expected batches that are dicts of "
                             f"feature values, got a {type(batch).__name__}")
        check_names(batch, {name: features[name] for name in names}, "adapt got")
    if not batches:
        raise ValueError("FeatureSpace.adapt: the dataset holds no batches")
    return {name: np.concatenate([as_batch(column(b[name], features[name].dtype, name))
                                  for b in batches]) for name in names}


__all__ = ["column", "as_batch", "call_columns", "check_names", "adapt_columns"]
