"""Keras 2's HDF5 weights files (`.h5`: the ImageNet releases of keras.applications, and
what Keras' legacy save_weights_to_hdf5_group still writes), read into nn.keras models.

The layout (keras/src/legacy/saving/legacy_h5_format.py): the root (or, in a whole model's
file, its `model_weights` group) has the attribute `layer_names`, the model's layers in
order; each layer's group has `weight_names`, its trainable weights then its non-trainable
ones (a nested model's: all its layers' trainable, then all their non-trainable), each the
path of a dataset in that group ('dense/kernel:0'). An attribute too large for one HDF5
header is split over `layer_names0`, `layer_names1`, ...

Loading goes by order, as Keras' load_weights_from_hdf5_group: the file's layers that hold
weights, in turn, into the model's layers that hold weights (model.layers' order), or, with
by_name=True, into the model's layers of the same name. skip_mismatch=True skips, with a
warning, a layer whose weights differ in shape (or, by name, in count) instead of refusing
it; a layer loads whole or not at all (Keras would load its other weights alone). Every
dataset is read only once its shape is the layer's, everything is checked before any layer
changes, and links (soft or external: another file) are refused. h5py reads the file
(rungrad[keras-files]); nothing in it is executed.
"""
import contextlib

import numpy as np

from autograd.user_warnings import user_warning

from ..serialization import check_readable
from .keras_files import _naming, h5py_module, load_keras_weights

TOP_LEVEL = "top_level_model_weights"


def load_hdf5_weights(model, path, by_name=False, skip_mismatch=False):
    """model.load_weights of an HDF5 file or .keras archive, by content: Keras 2's layout
    (`layer_names`) here, Keras 3's in nn.keras.keras_files."""
    who = "load_weights"
    check_readable(path, who)
    with _opened(path, who) as store:
        with _damaged(path, who):
            group = legacy_group(store)
            plan = None if group is None else _planned(model, group, by_name, skip_mismatch,
                                                       path)
        if group is not None:
            for layer, arrays in plan:
                layer.set_weights(arrays)
            return None
    if by_name:
        raise ValueError(f"{who}: {path}: `by_name` only supports loading legacy '.h5' or "
                         "'.hdf5' files (Keras 2's layout); this is Keras 3's, which loads "
                         "by the model's structure")
    return load_keras_weights(model, path)


@contextlib.contextmanager
def _opened(path, who):
    """The HDF5 file at `path` open for reading, or None for another file (a .keras
    archive); errors reading it name it."""
    from ..serialization import starts_as_hdf5
    if not starts_as_hdf5(path):
        yield None
        return
    h5py = h5py_module(who)
    with _naming(path, who), h5py.File(path, "r") as store:
        yield store


@contextlib.contextmanager
def _damaged(path, who):
    """h5py's RuntimeError for a file damaged inside ('bad local heap signature'), as a
    ValueError naming the file."""
    try:
        yield
    except RuntimeError as exc:
        raise ValueError(f"{who}: {path} is not a readable Keras file (damaged HDF5: "
                         f"{exc})") from None


def legacy_group(store):
    """The group holding Keras 2's `layer_names` (the root, or a whole model's
    `model_weights`), or None where `store` (None: not HDF5) is not in that layout."""
    if store is None:
        return None
    if _has_attribute(store, "layer_names"):
        return store
    if "model_weights" in store:
        group = _child(store, "model_weights", "group")
        if _has_attribute(group, "layer_names"):
            return group
    return None


def _has_attribute(group, name):
    return name in group.attrs or f"{name}0" in group.attrs


def _names(group, name):
    """Attribute `name` of `group` as a list of str (Keras' chunks name0, name1, ...
    joined); an empty attribute (Keras writes [] as an empty float array) is []."""
    if name in group.attrs:
        chunks = [group.attrs[name]]
    else:
        chunks = []
        while f"{name}{len(chunks)}" in group.attrs:
            chunks.append(group.attrs[f"{name}{len(chunks)}"])
    found = []
    for chunk in chunks:
        values = np.atleast_1d(np.asarray(chunk))
        if values.size and values.dtype.kind not in "SUO":
            raise ValueError(f"its attribute {name!r} of {group.name!r} holds "
                             f"{values.dtype} values, not names")
        for value in values.tolist():
            if not isinstance(value, (bytes, str)):
                raise ValueError(f"its attribute {name!r} of {group.name!r} holds "
                                 f"{value!r}, not a name")
            found.append(value.decode("utf8") if isinstance(value, bytes) else value)
    return found


def _child(parent, path, kind):
    """The group or dataset at `path` (parts split on '/') below `parent`, through hard
    links only: a soft or external link (another file) is refused, as Keras refuses them."""
    h5py = h5py_module("load_weights")
    node = parent
    for part in path.split("/"):
        if not part:
            raise ValueError(f"its path {path!r} below {parent.name!r} is not a valid name")
        link = node.get(part, getlink=True) if hasattr(node, "get") else None
        if link is None:
            raise ValueError(f"it holds no {kind} {path!r} below {parent.name!r}")
        if not isinstance(link, h5py.HardLink):
            raise ValueError(f"its {path!r} below {parent.name!r} is a "
                             f"{type(link).__name__}, which is refused (it may point into "
                             "another file)")
        node = node[part]
    wanted = h5py.Group if kind == "group" else h5py.Dataset
    if not isinstance(node, wanted):
        raise ValueError(f"its {path!r} below {parent.name!r} is not a {kind}")
    return node


def _stored(group, name):
    """(the file's weight names, their datasets, not read yet) of the layer group `name`."""
    layer_group = _child(group, name, "group")
    names = _names(layer_group, "weight_names")
    return names, [_child(layer_group, weight, "dataset") for weight in names]


def _planned(model, group, by_name, skip_mismatch, path):
    """[(layer, its arrays in get_weights' order)] to load, everything checked first."""
    if not hasattr(model, "layers"):
        raise ValueError(f"load_weights: {path}: Keras' weights load into a Keras model "
                         f"(nn.keras' Sequential or functional), layer by layer; got a "
                         f"{type(model).__name__}")
    with _naming(path, "load_weights"):
        saved = {name: _stored(group, name) for name in _names(group, "layer_names")}
        pairs = _by_name(model, saved) if by_name else _by_order(model, saved, path)
        plan = [planned for planned in (_layer_arrays(layer, number, name, saved[name],
                                                      skip_mismatch, path)
                                        for number, (layer, name) in enumerate(pairs))
                if planned is not None]
        _check_top_level(group, by_name and skip_mismatch, path)
    return plan


def _by_order(model, saved, path):
    """[(layer, file's layer name)]: the layers holding weights, paired in order."""
    mine = [layer for layer in model.layers if layer.get_weights()]
    theirs = [name for name, (names, _) in saved.items() if names]
    if len(mine) != len(theirs):
        raise ValueError(f"Layer count mismatch when loading weights from file {path}: the "
                         f"model has {len(mine)} layers with weights "
                         f"({_listed([layer.name for layer in mine])}), the file "
                         f"{len(theirs)} ({_listed(theirs)})")
    return list(zip(mine, theirs))


def _by_name(model, saved):
    """[(layer, file's layer name)]: each of the model's layers the file names (layers
    that hold no weights on both sides left out)."""
    return [(layer, layer.name) for layer in model.layers
            if layer.name in saved and (saved[layer.name][0] or layer.get_weights())]


def _listed(names):
    return ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")


def _layer_arrays(layer, number, name, stored, skip_mismatch, path):
    """(layer, the file's arrays in get_weights' order), or None where skipped; a
    ValueError naming the layer where its weights differ from the file's."""
    names, datasets = stored
    current = layer.get_weights()
    order = legacy_order(layer)
    where = f"layer #{number} (named {layer.name!r} in the model, {name!r} in the file {path})"
    problem = None
    if len(datasets) != len(current):
        problem = (f"weight count mismatch: the layer has {len(current)} weights, the file "
                   f"{len(datasets)} ({_listed(names)})")
    else:
        problem = "; ".join(
            f"weight {weight!r} has shape {tuple(d.shape)} in the file, "
            f"{current[i].shape} in the layer"
            for weight, d, i in zip(names, datasets, order) if tuple(d.shape) != current[i].shape)
    if problem and skip_mismatch:
        user_warning(f"load_weights: skipped {where} (skip_mismatch=True): {problem}")
        return None
    if problem:
        raise ValueError(f"{where}: {problem}")
    for weight, dataset, i in zip(names, datasets, order):
        current[i] = _read(dataset, weight, current[i].dtype)
    return layer, current


def _read(dataset, weight, dtype):
    """The dataset's values as `dtype` (Keras casts them to its variable's), refusing
    what is not numbers."""
    if dataset.dtype.kind not in "fiub":
        raise ValueError(f"weight {weight!r} holds {dataset.dtype} values, not numbers")
    return np.asarray(dataset[()], dtype=dtype)


def legacy_order(layer):
    """Indices into layer.get_weights() in Keras' legacy order: trainable weights, then
    non-trainable (BatchNormalization's moving statistics; a nested model's gather its
    layers' trainable ones first)."""
    weights = getattr(layer, "weights", None)
    count = len(layer.get_weights())
    if weights is None or len(weights) != count:
        return list(range(count))
    trainable = [i for i, w in enumerate(weights) if getattr(w, "requires_grad", True)]
    return trainable + [i for i in range(count) if i not in set(trainable)]


def _check_top_level(group, skip_mismatch, path):
    """The model's own weights (`top_level_model_weights`): nn.keras' models hold none, so
    the file's group must be empty."""
    if TOP_LEVEL not in group:
        return
    names = _names(_child(group, TOP_LEVEL, "group"), "weight_names")
    if not names:
        return
    message = (f"Weight count mismatch for top-level weights of the model: the model has "
               f"none of its own, the file {path} holds {len(names)} ({_listed(names)})")
    if not skip_mismatch:
        raise ValueError(message)
    user_warning(f"load_weights: skipped (skip_mismatch=True): {message}")


__all__ = ["load_hdf5_weights", "legacy_group", "legacy_order"]
