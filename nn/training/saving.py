"""`model.save(path)` and `nn.load_model(path)`: a whole model in one file, Keras' way.

The file is a zip archive holding `model.json` (the architecture as each layer's class
name and get_config(), the state-dict names of the weights, the compile settings and the
optimizer's hyperparameters; see nn.training.model_config) and one `.npy` member per array
(weights, optimizer state). It is written atomically, as weights files are, and read with
`allow_pickle=False`: loading never unpickles or executes anything. A model loaded this
way predicts as the saved one did and, compiled with its optimizer state restored,
continues training where it stopped.

    model.save("model.rungrad")
    model = nn.load_model("model.rungrad")

A `.keras` path gets Keras 3's own archive where the model is an nn.keras Sequential or
functional one that Keras' format holds (nn.keras.keras_file_writing: real Keras loads
it); any other model is written in this format under that name (with a warning where it is
a Keras model with something Keras lacks), which nn.load_model reads all the same.
"""
import contextlib
import json
import zipfile
from collections import OrderedDict

import numpy as np

from autograd.atomic import replacing

from ..layers.config import reading_saved_file
from ..module import StateDictKeyError, saved_state
from ..npy_archive import DAMAGED_ARCHIVE, CorruptArchive, NpyArchive, describe
from ..serialization import (
    MODEL_MEMBER,
    check_not_truncated,
    check_readable,
    file_path,
    foreign_format,
    is_keras_archive,
    is_safetensors,
    refuse_overwrite,
    sync_file,
    write_npy_members,
)
from ..stored_array import TooCompressed
from .architecture import malformed, read_architecture, write_architecture
from .model_config import Reader, Writer

FORMAT = "rungrad.model"
VERSION = 1


def save_model(model, path, overwrite=True, zipped=None, include_optimizer=True, **kwargs):
    """Write `model` (architecture, weights, compile settings, optimizer state unless
    include_optimizer is false) to `path`; Keras' arguments as Module.save describes them."""
    path = file_path(path, "model.save")
    _check_keras_options(zipped, kwargs)
    refuse_overwrite(path, overwrite, "model.save")
    if is_safetensors(path):
        raise ValueError(f"model.save: {path}: a whole model is not a safetensors file; use "
                         "model.save_weights(path) for safetensors weights, or another suffix "
                         "(such as .rungrad) for the whole model")
    if path.endswith(".keras"):  # Keras 3's own archive, where Keras can hold the model
        from ..keras.keras_file_writing import save_keras_archive  # (nn.keras builds on this)
        if save_keras_archive(model, path, overwrite, include_optimizer):
            return path
    writer = Writer()
    document = {"format": FORMAT, "version": VERSION, **write_architecture(writer, model)}
    document["weights"] = [[name, writer.value(array, name)["__array__"]]
                           for name, array in saved_state(model)]
    document["compile"] = writer.compiled(model, include_optimizer)
    text = json.dumps(document, indent=1)
    with replacing(path, overwrite=overwrite) as tmp:
        _write_archive(tmp, text, writer.arrays)
        sync_file(tmp)
    return path


def _check_keras_options(zipped, kwargs):
    """Keras' save options that would change the file, refused where this one cannot be
    written their way."""
    if zipped is not None and not zipped:
        raise ValueError("model.save: zipped=False (Keras' unzipped folder) is not "
                         "supported; the model is one zip archive (zipped=None or True)")
    if kwargs:
        raise ValueError(f"model.save: the following argument(s) are not supported: "
                         f"{list(kwargs)}")


def load_model(path, custom_objects=None, compile=True, safe_mode=True):  # noqa: A002
    """The model saved at `path` by `model.save`, with its weights and, unless
    compile=False, compiled as it was with its optimizer state (Keras' keywords; safe_mode
    is accepted and changes nothing: no file runs code here, lambdas included). `custom_objects`
    ({name: class or function}) supplies classes and functions not registered with
    @nn.register: model.save writes those by their `__name__`, as Keras 3 does. Loading
    leaves NumPy's global random generator as it was (building the layers draws initial
    weights, which the saved ones then replace)."""
    path = file_path(path, "load_model")
    check_readable(path, "load_model", "model file")
    if is_keras_archive(path):  # (a .keras file real Keras 3 wrote)
        from ..keras.keras_files import load_keras_archive  # (nn.keras builds on this package)
        return load_keras_archive(path, custom_objects, compile)
    with _opened_archive(path) as (document, arrays):
        return _rebuilt(path, document, arrays, custom_objects, compile)


def _rebuilt(path, document, arrays, custom_objects, compile):  # noqa: A002
    """load_model's model, from the file's open document and StoredArrays."""
    reader = Reader(arrays, custom_objects)
    try:
        weights = {name: reader.stored(index) for name, index in document["weights"]}
        with same_global_random_state(), reading_saved_file():  # (lazily sized layers are
            # built by the load; a file's configs must not make it read other files)
            model = read_architecture(reader, document)
            _take_saved_dtypes(model, weights)
            model.load_state_dict(weights)
        if compile and document.get("compile") is not None:
            reader.compile(model, document["compile"])
    except StateDictKeyError as exc:
        raise StateDictKeyError(f"load_model: {path}: {exc}") from None
    except CorruptArchive as exc:
        raise ValueError(f"load_model: {path} is corrupt ({exc})") from None
    except (KeyError, TypeError, ValueError, AttributeError, IndexError,
            RecursionError) as exc:  # (a damaged or hand-edited model.json)
        raise ValueError(f"load_model: {path}: {malformed(exc, 'file')}") from None
    return model


def _take_saved_dtypes(model, weights):
    """Each floating parameter and buffer in the dtype it was saved in: a model converted with
    .double() (or one float64 layer among float32 ones) comes back as it was, not rounded to
    the float32 its layers are built in."""
    def differs(array, saved):
        return (saved is not None and array is not None and array.dtype.kind == "f"
                and saved.dtype.kind == "f" and array.dtype != saved.dtype)
    for name, param in model.named_parameters():
        if differs(param.data, weights.get(name)):
            param.data = param.data.astype(weights[name].dtype)
    for prefix, module in model.named_modules():
        for name, buf in list(module._buffers.items()):
            saved = weights.get(f"{prefix}.{name}" if prefix else name)
            if differs(buf, saved):
                setattr(module, name, buf.astype(saved.dtype))


@contextlib.contextmanager
def same_global_random_state():
    """Leaves NumPy's global random generator as it was (building layers draws weights)."""
    state = np.random.get_state()
    try:
        yield
    finally:
        np.random.set_state(state)


def _write_archive(tmp, text, arrays):
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        archive.writestr(MODEL_MEMBER, text)
        write_npy_members(archive, ((_member(i), array) for i, array in enumerate(arrays)))


def _member(i):
    return f"arrays/{i}.npy"


@contextlib.contextmanager
def _opened_archive(path):
    """(the JSON document, the StoredArrays) of the model file at `path`, open while in the
    block: its directory and headers checked (nn.npy_archive), no array's data read."""
    check_readable(path, "load_model", "model file")
    foreign = foreign_format(path)
    if foreign:
        raise ValueError(f"load_model: {path} is not a model file written by model.save"
                         f"{foreign}")
    if not zipfile.is_zipfile(path):
        check_not_truncated(path, "load_model")
        raise ValueError(f"load_model: {path} is not a model file written by model.save "
                         "(not a zip archive)")
    try:
        archive = NpyArchive(path)
    except (ValueError, *DAMAGED_ARCHIVE) as exc:
        raise _corrupt(path, exc) from None
    with archive:
        try:
            document = _document(archive, path)
            arrays = []
            while _member(len(arrays)) in archive:
                arrays.append(archive.array(_member(len(arrays))))
        except (CorruptArchive, UnicodeDecodeError, json.JSONDecodeError,
                RecursionError) as exc:
            raise _corrupt(path, exc) from None
        except TooCompressed as exc:
            raise ValueError(f"load_model: {path}: {exc}") from None
        yield document, arrays


def saved_weights(archive, path):
    """{state-dict name: StoredArray} of the open model file `archive` (model.save's), in
    the order they were saved: what model.load_weights takes from it."""
    document = _document(archive, path)
    return OrderedDict((name, archive.array(_member(index)))
                       for name, index in document["weights"])


def _document(archive, path):
    """The checked model.json of the open `archive`."""
    if MODEL_MEMBER not in archive:
        raise ValueError(f"load_model: {path} is not a model file written by model.save "
                         f"(no {MODEL_MEMBER}; a weights file loads with model.load_weights)")
    document = json.loads(archive.read_bytes(MODEL_MEMBER).decode("utf-8"))
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"load_model: {path}: {MODEL_MEMBER} is not a rungrad model")
    if not isinstance(document.get("version", 0), int):
        raise ValueError(f"load_model: {path}: {MODEL_MEMBER} has no valid format "
                         f"version (got {document['version']!r})")
    if document.get("version", 0) > VERSION:
        raise ValueError(f"load_model: {path} was written by a newer rungrad (format "
                         f"version {document['version']}; this one reads {VERSION})")
    return document


def _corrupt(path, exc):
    return ValueError(f"load_model: {path} is corrupt ({describe(exc)})")


__all__ = ["save_model", "load_model"]
