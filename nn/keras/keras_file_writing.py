"""model.save("m.keras") and model.save_weights("m.weights.h5") in Keras 3's own formats,
which real Keras' `keras.saving.load_model` and `model.load_weights` read (and rungrad's,
nn.keras.keras_files): a `.keras` archive is a zip of metadata.json, config.json
(nn.keras.keras_config_writer, keras_compile_writer) and model.weights.h5
(nn.keras.keras_weights_writer), stored uncompressed as Keras stores it.

Which models: an nn.keras Sequential or functional model (models inside it too) whose
every layer is one of nn.keras' with a Keras 3 counterpart written here (KERAS_KEYS: the
core, convolution, pooling, recurrent (the generic RNN and its cells too), attention,
reshaping, normalization, regularization, image augmentation and some preprocessing
layers), at arguments Keras can express, compiled (if at all) with one of nn.keras'
optimizers (its learning rate a number or one of Keras' schedules) and Keras' losses and
metrics. Any other model saved as `.keras` is written in rungrad's own format, which
nn.load_model reads and real Keras does not, with a warning naming what Keras' format
lacks (a PyTorch-style Sequential of nn.Linear... silently); likewise without h5py (the
rungrad[keras-files] extra), with a warning naming it. What rungrad would lose is refused
so too: a call's training= argument, an optimizer's
exclude_from_weight_decay rule, or its state after updates where Keras' layout of it is
not known here. The archive holds the optimizer's variables
(nn.keras.keras_optimizer_writer: Keras' SGD, Adam, AdamW, RMSprop, Nadam, Adamax,
Adagrad, Adadelta, Lion), so that training goes on where it stopped; the learning rate
comes back as the float32 Keras keeps. A layer given no dtype policy is written with dtype
None (Keras' global policy; rungrad's layer then casts nothing, as before).
"""
import io
import json
import time
import zipfile

from autograd.atomic import replacing
from autograd.user_warnings import user_warning

from ..serialization import sync_file
from .keras_compile_writer import compile_config
from .keras_config_writer import KerasConfigWriter, NotWritable, is_keras_face
from .keras_weights_writer import write_weights

KERAS_VERSION = "3.15.1"  # the Keras whose layout these files follow
_EXTRA = "the rungrad[keras-files] extra (pip install h5py)"


def save_keras_archive(model, path, overwrite=True, include_optimizer=True):
    """Write `model` to `path` as Keras 3's `.keras` archive (its optimizer's variables
    unless include_optimizer is false); False (nothing written, a warning where due) where
    it cannot be, for rungrad's own format to be written."""
    contents = _contents(model, "model.save", path, optimizer=include_optimizer)
    if contents is None:
        return False
    document, weights = contents
    metadata = {"keras_version": KERAS_VERSION,
                "date_saved": time.strftime("%Y-%m-%d@%H:%M:%S")}
    with replacing(path, overwrite=overwrite) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
            archive.writestr("metadata.json", json.dumps(metadata))
            archive.writestr("config.json", json.dumps(document))
            archive.writestr("model.weights.h5", weights)
        sync_file(tmp)
    return True


def save_keras_weights(model, path, overwrite=True):
    """Write `model`'s weights to `path` in Keras 3's HDF5 layout; False (a warning where
    due) where they cannot be, for rungrad's own weights file to be written."""
    contents = _contents(model, "save_weights", path, whole=False)
    if contents is None:
        return False
    with replacing(path, overwrite=overwrite) as tmp:
        with open(tmp, "wb") as f:
            f.write(contents[1])
        sync_file(tmp)
    return True


def _contents(model, who, path, whole=True, optimizer=True):
    """(config.json's document, model.weights.h5's bytes) of `model`, None where Keras'
    format cannot hold it (the layers' configs are checked for the weights alone too: the
    layout follows them)."""
    if not _is_keras_model(model):
        return None
    h5py = _h5py(who, path)
    if h5py is None:
        return None
    try:
        document = KerasConfigWriter().model(model)
        if whole:  # ({} where it is not compiled, as Keras writes it)
            document["compile_config"] = compile_config(model) or {}
        buffer = io.BytesIO()
        with h5py.File(buffer, "w") as store:
            write_weights(model, store, with_optimizer=whole and optimizer)
    except NotWritable as exc:
        user_warning(f"{who}: {path} is written in rungrad's own format, which real Keras "
                     f"does not read: {exc}")
        return None
    return document, buffer.getvalue()


def _is_keras_model(model):
    """Whether `model` is a functional model, or a Sequential of nn.keras' layers (one of
    PyTorch-style modules alone, nn.Linear..., is rungrad's own, silently)."""
    if type(model).__name__ == "Functional":
        return True
    return type(model).__name__ == "Sequential" and hasattr(model, "layers") and any(
        is_keras_face(layer) for layer in model.layers)


def _h5py(who, path):
    """h5py, or None with a warning naming the extra."""
    try:
        import h5py
    except ImportError:
        user_warning(f"{who}: {path} is written in rungrad's own format, which real Keras "
                     f"does not read: Keras' HDF5 needs h5py, {_EXTRA}")
        return None
    return h5py


__all__ = ["save_keras_archive", "save_keras_weights", "KERAS_VERSION"]
