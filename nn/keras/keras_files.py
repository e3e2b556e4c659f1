"""Files real Keras 3 writes: a `.keras` archive (config.json, metadata.json and
model.weights.h5 in a zip) and a `.weights.h5` file, read into nn.keras models.

Keras 3's HDF5 layout (keras/src/saving/saving_lib.py) follows the model's objects, not the
layers' names: a model's layers are `layers/<key>`, where the key is the layer's class name
in snake case, numbered in model.layers' order among those of its class (`dense`,
`dense_1`, `batch_normalization`, ...); a layer's own variables are `vars/0`, `vars/1`, ...
(trainable first), and the layers it holds sit below it under the attribute that holds
them (an RNN's `cell`, Bidirectional's `forward_layer` and `backward_layer`, a nested
model's `layers/...`). Keras' `layer.weights` (get_weights' order) is the layer's own
variables, then each inner layer's in the order it made them: so the arrays of each
top-level layer are gathered in that order and given to its set_weights, each read only once
the shapes its file declares are that layer's (and an archive's members only where their
declared sizes fit the archive's: Keras stores them uncompressed). The optimizer's
variables (`optimizer/vars`) become the state of the optimizer compile made
(nn.keras.optimizer_variables); where they cannot, it starts afresh (with a warning where
the file's had made updates).

HDF5 is read with h5py, imported only when such a file is read (the rungrad[keras-files]
extra). Nothing in a file is executed: the config's classes are found by name only
(nn.training.keras_foreign_config).
"""
import contextlib
import io
import json
import os
import re
import zipfile

import numpy as np

from autograd.user_warnings import user_warning

from ..containers import ModuleList
from ..layers.config import reading_saved_file
from ..serialization import check_readable
from ..stored_array import ReadBudget
from ..training.keras_foreign_compile import compile_as_keras
from ..training.keras_foreign_config import KerasConfigReader
from ..training.saving import same_global_random_state
from .optimizer_variables import restore_keras_optimizer

# the order in which a layer makes the layers it holds (Keras' `_layers`), by the attribute
# that holds them; others come after these, by name
_INNER_ORDER = ("cell", "cells", "layer", "forward_layer", "backward_layer", "query_dense",
                "key_dense", "value_dense", "output_dense", "_query_dense", "_key_dense",
                "_value_dense", "_output_dense")
# the layers whose own vars/0 is a variable of the layer they hold (`layer`), stored again:
# SpectralNormalization's kernel, its layer's kernel (or embeddings), that layer's vars/0;
# Keras loads that layer's copy last, and lists the variable once, in the wrapper's place
_REPEATED = ("SpectralNormalization",)


def h5py_module(who):
    """h5py, imported on first use; an ImportError naming the extra where it is missing."""
    try:
        import h5py
    except ImportError:
        raise ImportError(f"{who}: reading Keras' HDF5 files (.keras archives, .weights.h5) "
                          "needs h5py: pip install h5py, or the rungrad[keras-files] "
                          "extra") from None
    return h5py


def load_keras_archive(path, custom_objects=None, compile=True):  # noqa: A002 (Keras')
    """The model a Keras 3 `.keras` archive holds: its architecture, weights and, unless
    compile=False, its compile settings where rungrad has them (else uncompiled, with a
    warning naming what was skipped)."""
    who = "load_model"
    h5py = h5py_module(who)
    with _naming(path, who):
        with zipfile.ZipFile(path) as archive:
            read = _member_reader(archive, path)
            document = json.loads(read("config.json").decode("utf-8"))
            _check_version(read, archive, path, who)
            weights = read("model.weights.h5")
        with same_global_random_state(), reading_saved_file():
            model = KerasConfigReader(custom_objects).model(document)
        with h5py.File(io.BytesIO(weights), "r") as store:
            assign_weights(model, store, f"{path} (model.weights.h5)")
            _mixed_if_loss_scaled(model, document, store)
            if compile and document.get("compile_config") and compile_as_keras(
                    model, document["compile_config"], custom_objects, f"{who}: {path}"):
                _restore_optimizer(model, store, f"{who}: {path}")
    return model


def _mixed_if_loss_scaled(model, document, store):
    """A functional model's config records no policy of its own: where Keras' compile
    wrapped its optimizer in a LossScaleOptimizer, which compile_config does not name (the
    file holds that wrapper's variables, optimizer/inner_optimizer), Keras had made it under
    "mixed_float16", as Keras' guide has one load it; it is given that policy, so that
    compile wraps the optimizer again and its state is restored."""
    config = document.get("config")
    optimizer = (document.get("compile_config") or {}).get("optimizer")
    named = optimizer.get("class_name") if isinstance(optimizer, dict) else optimizer
    if isinstance(config, dict) and config.get("dtype") is None and \
            named != "LossScaleOptimizer" and "optimizer/inner_optimizer" in store:
        model.dtype_policy = "mixed_float16"


def _restore_optimizer(model, store, who):
    """The compiled model's optimizer given the state Keras' had (optimizer/vars); where
    rungrad cannot map it, a warning if that optimizer had made updates (else it held
    nothing to restore)."""
    try:
        stored = _variables(store["optimizer"]) if "optimizer" in store else []
    except ValueError as exc:
        problem = str(exc)
    else:
        problem = restore_keras_optimizer(model, stored) if stored else None
    updates = _optimizer_updates(store)
    if problem and updates:
        user_warning(f"{who} holds the state of an optimizer that made {updates} updates, "
                     f"which rungrad does not restore ({problem}): training goes on with "
                     "fresh moments and a learning-rate schedule from its first step "
                     "(Keras would resume them)")


def _optimizer_updates(store):
    """The updates Keras' optimizer had made (its `iterations`, optimizer/vars/0; a
    LossScaleOptimizer's inner optimizer's, its own counting none), 0 if the file holds
    none."""
    found = store.get("optimizer/inner_optimizer/vars/0")
    if found is None:
        found = store.get("optimizer/vars/0")
    if found is None or getattr(found, "shape", None) != () or found.dtype.kind not in "iu":
        return 0
    return int(found[()])


def load_keras_weights(model, path):
    """model.load_weights of a Keras 3 `.weights.h5` file, or of the one a `.keras` archive
    holds (Keras' load_weights reads it so): each layer's arrays in Keras' variable order,
    given to its set_weights."""
    who = "load_weights"
    check_readable(path, who)
    h5py = h5py_module(who)
    with _naming(path, who):
        source, where = path, path
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                source = io.BytesIO(_member_reader(archive, path)("model.weights.h5"))
            where = f"{path} (model.weights.h5)"
        with h5py.File(source, "r") as store:
            assign_weights(model, store, where)


def assign_weights(model, store, where):
    """Give each layer of `model` its arrays from the open HDF5 `store` (Keras 3's layout)."""
    if "layers" not in store:
        raise ValueError(f"{where} is not in Keras 3's weights layout (no 'layers' group"
                         f"{_legacy_hint(store)})")
    if not hasattr(model, "layers"):
        raise ValueError(f"{where}: Keras' weights load into a Keras model (nn.keras' "
                         f"Sequential or functional), layer by layer; got a {type(model).__name__}")
    for layer, group in _layer_groups(model, store, where):
        stored = _model_arrays(layer, group, where) if _is_model(layer) else \
            _arrays(group, layer)
        if group is None and layer.get_weights():
            raise ValueError(f"{where} holds no weights for layer {layer.name!r}")
        arrays = _read(stored, layer, where)
        try:
            layer.set_weights(arrays)
        except ValueError as exc:
            raise ValueError(f"{where}: layer {layer.name!r}: {exc} (the file's "
                             f"{_shapes(arrays)})") from None


def _read(stored, layer, where):
    """The stored datasets' arrays, read once their shapes are the layer's weights' (a file
    cannot make a load allocate more than the model holds, whatever it declares)."""
    expected = [np.shape(w) for w in layer.get_weights()]
    if [d.shape for d in stored] != expected:
        raise ValueError(f"{where}: layer {layer.name!r} has {len(expected)} weights of "
                         f"shapes {expected}; the file holds {_shapes(stored)}")
    return [d[()] for d in stored]


def _layer_groups(model, store, where):
    """(layer, its HDF5 group or None) for each of model.layers, keyed as Keras keys them."""
    keyed = layer_keys(model.layers)
    found = [(layer, store["layers"].get(key)) for key, layer in keyed]
    unused = set(store["layers"]) - {key for key, _ in keyed}
    if unused:
        raise ValueError(f"{where} holds weights for layers the model lacks: {sorted(unused)} "
                         "(the model's layers, or their classes, differ from the saved one's)")
    return found


def layer_keys(layers):
    """[(key, layer)]: each layer's key in Keras' HDF5 layout, its class's snake-case name
    numbered among those of its class in `layers`' order (the writer's and the reader's)."""
    used = {}
    return [(_unique(snake_case(type(layer).__name__), used), layer) for layer in layers]


def _model_arrays(model, group, where):
    """A nested model's arrays: its layers', in order (as its get_weights lists them)."""
    if group is None:
        return []
    return [array for layer, inner in _layer_groups(model, group, where)
            for array in (_model_arrays(layer, inner, where) if _is_model(layer)
                          else _arrays(inner, layer))]


def _arrays(group, held=None):
    """A layer's arrays: its own `vars/i`, then those of the layers it holds (`held`, the
    rungrad object where it has the attribute Keras saved them under)."""
    if group is None:
        return []
    arrays = _variables(group)
    if type(held).__name__ in _REPEATED and "layer" in group and arrays:
        repeated = _arrays(group["layer"], getattr(held, "layer", None))
        return repeated[:1] + arrays[1:] + repeated[1:]
    inner = [key for key in group if key != "vars"]
    inner.sort(key=lambda key: (_INNER_ORDER.index(key) if key in _INNER_ORDER
                                else len(_INNER_ORDER), key))
    for key in inner:
        part = getattr(held, key, None)
        if isinstance(part, (list, tuple, ModuleList)):  # (StackedRNNCells' cells)
            arrays += _listed_arrays(group[key], part)
        else:
            arrays += _arrays(group[key], part)
    return arrays


def _variables(group):
    """The datasets of a layer's own `vars` group, in their order (not read yet)."""
    own = group.get("vars")
    if own is None:
        return []
    keys = list(own) if hasattr(own, "keys") else None  # (an h5py Group)
    if keys is None or sorted(keys, key=_number) != [str(i) for i in range(len(keys))] or \
            not all(hasattr(own[key], "shape") for key in keys):  # (h5py Datasets)
        raise ValueError(f"its {own.name!r} is not Keras' group of variables 0, 1, ... "
                         + (f"(it holds {keys})" if keys is not None else "(not a group)"))
    return [own[str(i)] for i in range(len(keys))]


def _number(key):
    return (0, int(key)) if key.isdigit() else (1, key)


def _listed_arrays(group, items):
    """The arrays of a list of layers Keras saved as a container: each under its class's
    key, numbered in the list's order (the keys alone lose the order of mixed classes)."""
    used = {}
    return [array for item in items
            for array in _arrays(group.get(_unique(snake_case(type(item).__name__), used)),
                                 item)]


def _is_model(layer):
    return hasattr(layer, "layers") and callable(getattr(layer, "get_weights", None)) and \
        type(layer).__name__ in ("Sequential", "Functional")


def snake_case(name):
    """Keras' naming.to_snake_case: the key of a layer of class `name` (Conv2D: conv2d,
    MaxPooling2D: max_pooling2d, BatchNormalization: batch_normalization)."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _unique(base, used):
    """Keras' _get_unique_name: base, then base_1, base_2, ..."""
    count = used.get(base, 0)
    used[base] = count + 1
    return base if count == 0 else f"{base}_{count}"


def _shapes(arrays):
    return f"{len(arrays)} arrays of shapes {[tuple(a.shape) for a in arrays]}"


def _member_reader(archive, path):
    """read(name): an archive member's bytes, once its declared size is within what the
    archive's size allows (Keras stores members uncompressed; a zip bomb is refused)."""
    budget = ReadBudget(os.path.getsize(path))

    def read(name):
        budget.spend(name, archive.getinfo(name).file_size)
        return archive.read(name)
    return read


def _legacy_hint(store):
    if "layer_names" in store.attrs or "model_weights" in store:
        return ("; it is a Keras 2 HDF5 weights file: model.load_weights(path) reads it, "
                "not inside a .keras archive")
    return ""


def _check_version(read, archive, path, who):
    """A warning where metadata.json names a Keras other than 3.x (the layout read here)."""
    if "metadata.json" not in archive.namelist():
        return
    version = str(json.loads(read("metadata.json")).get("keras_version", ""))
    if version and not version.startswith("3."):
        user_warning(f"{who}: {path} was written by Keras {version}; rungrad reads Keras 3's "
                     "files")


@contextlib.contextmanager
def _naming(path, who):
    """Errors reading a damaged file (zip, JSON, HDF5) or refusing its contents, naming it."""
    try:
        yield
    except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError, json.JSONDecodeError,
            TypeError, AttributeError, IndexError, RecursionError,
            NotImplementedError) as exc:  # (a member's compression zipfile lacks)
        if isinstance(exc, (FileNotFoundError, IsADirectoryError)):
            raise
        raise ValueError(f"{who}: {path} is not a readable Keras file "
                         f"({type(exc).__name__}: {exc})") from None
    except MemoryError as exc:  # (a config's absurd shapes: the layers' weights)
        raise ValueError(f"{who}: {path}: its config asks for arrays larger than memory "
                         f"holds ({exc})") from None
    except ValueError as exc:
        message = str(exc)
        raise ValueError(message if str(path) in message else f"{who}: {path}: {message}") \
            from None


__all__ = ["load_keras_archive", "load_keras_weights", "assign_weights", "h5py_module",
           "snake_case", "layer_keys"]
