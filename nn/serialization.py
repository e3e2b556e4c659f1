"""Weights files: a Module's state_dict as an .npz archive or, by the suffix `.safetensors`, a
safetensors file (the Hugging Face ecosystem's format; keys are the state-dict names, so a
PyTorch state dict saved as safetensors loads as it is). Written atomically, read without
unpickling anything (`Module.save_weights` / `Module.load_weights` call these)."""
import contextlib
import json
import os
import zipfile
from collections import OrderedDict

import numpy as np

from autograd.atomic import replacing
from autograd.backend import to_cpu
from autograd.user_warnings import user_warning

from .module import Module, StateDictKeyError, saved_state, state_arrays
from .npy_archive import DAMAGED_ARCHIVE, CorruptArchive, NpyArchive, describe
from .stored_array import read_all_stored

SAFETENSORS_SUFFIX = ".safetensors"
MODEL_MEMBER = "model.json"  # the member that marks a whole-model file (nn.load_model's)


def save_weights(module, path, overwrite=True):
    """Write `module`'s state_dict to `path`, atomically: a temp file beside it replaces
    `path` only once fully written. A `.safetensors` path gets a safetensors file, a
    `.weights.h5` one Keras 3's HDF5 layout where the module is an nn.keras model Keras'
    layout holds (nn.keras.keras_file_writing), any other an .npz archive. A symlink's
    target is written, an existing file keeps its permissions, and a directory or device
    is refused (see autograd.atomic). overwrite=False: an
    existing file is a FileExistsError (see refuse_overwrite)."""
    path = file_path(path, "save_weights")
    refuse_overwrite(path, overwrite, "save_weights")
    if path.endswith(".weights.h5"):  # Keras 3's HDF5 layout, where the model is Keras'
        from .keras.keras_file_writing import save_keras_weights  # (nn.keras builds on nn)
        if save_keras_weights(module, path, overwrite):
            return path
    arrays = {name: to_cpu(array) for name, array in saved_state(module)}
    _refuse_unbuilt(module, arrays, path)
    write = _write_safetensors if is_safetensors(path) else _write_npz
    with replacing(path, overwrite=overwrite) as tmp:
        write(tmp, arrays, path)
        sync_file(tmp)
    return path


def _refuse_unbuilt(module, arrays, path):
    """A ValueError where nothing would be saved because the layers that hold the weights
    have none yet (lazy layers, never called): the file would be empty, and loading it into
    another such model would restore nothing, without a word."""
    unbuilt = [name for name, layer in module.named_modules()
               if name and getattr(layer, "built", True) is False]
    if not unbuilt and getattr(module, "built", True) is False:  # (a lazy layer alone)
        unbuilt = [type(module).__name__]
    if unbuilt and not arrays:
        raise ValueError(f"save_weights: {path}: the model has no weights yet (its lazy "
                         f"layers {', '.join(unbuilt[:3])}{'...' if len(unbuilt) > 3 else ''} "
                         "make them at their first call): call it on a batch first, then "
                         "save")


def load_weights(module, path, strict=True, skip_mismatch=False, by_name=False):
    """Load weights written by `save_weights` (or any .npz / .safetensors file keyed by
    state-dict names) into `module`; errors name the file and leave the module unchanged.
    Where layer names differ (their numbering: a Sequential begun with keras.Input counts
    its InputLayer), a layer named on both sides loads from its namesake and the others
    layer by layer in order, as Keras loads a weights file, each pair's weights the same in
    order, names and shapes. An .npz array's data is read only once its header matches the
    parameter it goes to (see nn.stored_array and nn.npy_archive): a skipped or unexpected
    array is never read."""
    path = file_path(path, "load_weights")
    check_readable(path, "load_weights")
    if starts_as_hdf5(path) or is_keras_archive(path):  # Keras' .h5 / .weights.h5, or the
        # weights of its .keras file (rungrad's own are .npz archives, or model.save's)
        from .keras.legacy_h5_weights import load_hdf5_weights  # (lazily: builds on nn.keras)
        return load_hdf5_weights(module, path, by_name, skip_mismatch)
    if by_name:
        raise ValueError(f"load_weights: {path}: by_name=True reads Keras 2's HDF5 (.h5) "
                         "weights files only")
    with _stored_weights(path) as (arrays, in_order):
        if skip_mismatch:
            arrays, strict = _matching(module, arrays, in_order, path), False
        with _naming(path):
            if type(module).load_state_dict is not Module.load_state_dict:
                # (a load_state_dict of its own may work on the values before any check)
                arrays = read_all_stored(OrderedDict(arrays), dict(state_arrays(module)))
            return _load_by_name_or_order(module, arrays, in_order, strict, path)


def _load_by_name_or_order(module, arrays, in_order, strict, path):
    """load_state_dict, by name or, where the names differ, by layer order."""
    try:
        return module.load_state_dict(arrays, strict=strict)
    except StateDictKeyError as exc:
        renamed = _by_layer_order(module.state_dict(), arrays, in_order)
        if renamed is not None:
            return module.load_state_dict(renamed, strict=strict)
        raise StateDictKeyError(f"load_weights: {path}: {exc}") from None


@contextlib.contextmanager
def _stored_weights(path):
    """({name: array}, whether they come in the order they were written) of the weights
    file at `path`: a safetensors file's arrays, an .npz file's StoredArrays (read when
    loaded, while the file is open; always in their written order)."""
    if is_safetensors(path):
        yield _safetensors_arrays(path)
        return
    with _opened_npz(path) as arrays:
        yield arrays, True


def _matching(module, arrays, in_order, path):
    """Keras' skip_mismatch: the arrays the module holds under their names in their shapes
    (after matching layers by order where the names differ, as a load without it does),
    warning of the rest; a layer with any weight of another shape is skipped whole (its
    bias loaded without its kernel would be half of another layer)."""
    mine = module.state_dict()
    if set(arrays) != set(mine):
        arrays = _by_layer_order(mine, arrays, in_order) or arrays
    reshaped = [k for k, a in arrays.items()
                if k in mine and tuple(a.shape) != tuple(mine[k].shape)]
    mismatched = {_owner(k) for k in reshaped}
    kept = {k: a for k, a in arrays.items() if k in mine and _owner(k) not in mismatched}
    unknown = [k for k in arrays if k not in mine]
    alongside = [k for k in arrays if k in mine and k not in kept and k not in reshaped]
    if unknown or reshaped:  # (said apart: a name the model lacks, or a shape it differs in)
        said = [f"{len(found)} {why}: {found[:8]}" for found, why in (
            (unknown, "under names the model does not hold"),
            (reshaped, "of another shape than the model's"),
            (alongside, "of the same layers (a layer loads whole or not at all)")) if found]
        user_warning(f"load_weights: {path}: skipped (skip_mismatch=True) "
                     f"{'; '.join(said)}")
    return kept


def _owner(key):
    """The module a state-dict key's array belongs to ('h1' of 'h1.weight')."""
    return key.rpartition(".")[0]


def _by_layer_order(mine, theirs, in_order=True):
    """`theirs` under the names of `mine` (state dicts): a layer (a name's first part) both
    name is itself, unless the name is a number (a Sequential's position, which the
    numbering shifts); the other layers are matched in order, where each pair holds the
    same weights (the rest of their names) of the same shapes. None where any differs, or
    where every layer is named on both sides (a plain key error). `in_order` False: the
    file did not keep the order its layers were written in (a safetensors file from
    elsewhere), so only numbered layers, ordered by their numbers, can be paired."""
    mine_layers, their_layers = _layers_of(mine), _layers_of(theirs)
    both = {layer for layer in mine_layers if layer in their_layers and not layer.isdigit()}
    mine_only = [layer for layer in mine_layers if layer not in both]
    theirs_only = [layer for layer in their_layers if layer not in both]
    if not mine_only or len(mine_only) != len(theirs_only):
        return None
    if not in_order:
        if not all(layer.isdigit() for layer in theirs_only):
            return None
        theirs_only.sort(key=int)
    pairs = [(layer, layer) for layer in both] + list(zip(mine_only, theirs_only))
    renamed = {}
    for my_layer, their_layer in pairs:
        if sorted(mine_layers[my_layer]) != sorted(their_layers[their_layer]):
            return None
        for weight in mine_layers[my_layer]:
            array = theirs[their_layer + weight]
            if tuple(array.shape) != tuple(mine[my_layer + weight].shape):
                return None
            renamed[my_layer + weight] = array
    return renamed


def _layers_of(state):
    """{layer name: [the rest of its weights' names ('.weight'), in order]}; the module's
    own weights (no dot) are the layer '', matched by their whole names."""
    layers = {}
    for key in state:
        layer, dot, rest = key.partition(".")
        layers.setdefault(layer if dot else "", []).append(dot + rest if dot else key)
    return layers


def file_path(path, who):
    """`path` (str, bytes or os.PathLike) as a str; an open file or buffer is refused by
    name: rungrad's files are written by path, atomically, and read back by path."""
    try:
        return os.fsdecode(path)
    except TypeError:
        raise TypeError(f"{who}: expected a file path (str, bytes or os.PathLike), got "
                        f"{type(path).__name__}; rungrad writes files by path, atomically "
                        "(a temp file renamed over it), so open files and buffers are not "
                        "taken: save to a path and read its bytes where they are needed") from None


def refuse_overwrite(path, overwrite, who):
    """Keras' overwrite=False: where `path` exists, Keras asks on the terminal whether to
    overwrite it; a FileExistsError here, which a script or notebook can act on."""
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"{who}: {path} already exists and overwrite=False; pass "
                              "overwrite=True to replace it")


def is_safetensors(path):
    return os.fsdecode(path).lower().endswith(SAFETENSORS_SUFFIX)


def check_readable(path, who, what="weights file"):
    """A clear error where `path` is missing or is a directory, before a reader sees it."""
    if os.path.isdir(path):
        raise IsADirectoryError(f"{who}: {path} is a directory, not a {what}")
    if not os.path.exists(path):
        raise FileNotFoundError(f"{who}: no such file: {path}")


def check_not_truncated(path, who):
    """For a file zipfile cannot read: the error where it is empty, or starts as a zip
    archive whose end (the directory zipfile reads first) is then missing."""
    with open(path, "rb") as f:
        head = f.read(4)
    if not head:
        raise ValueError(f"{who}: {path} is empty (0 bytes): a copy or a write that did not "
                         "finish")
    if head == b"PK\x03\x04":
        raise ValueError(f"{who}: {path} is truncated or corrupt: it starts as a zip "
                         "archive but its end is missing (a copy or a write cut short)")


def _write_npz(tmp, arrays, path):
    # np.savez(f, **arrays) would take a key named "file" or "allow_pickle" as its own
    # argument: the members are written here, as np.load reads them ("<key>.npy")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        write_npy_members(archive, ((f"{key}.npy", array) for key, array in arrays.items()))


def write_npy_members(archive, members):
    """Write each (member name, array) of `members` into the open zip `archive` as an .npy
    file (never pickled): weights files and model files alike."""
    for name, array in members:
        with archive.open(name, "w", force_zip64=True) as member:
            np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)


def _write_safetensors(tmp, arrays, path):
    numpy_api = _safetensors_numpy("save_weights")
    # The layout is PyTorch's state dict; Hugging Face loaders refuse a file whose format tag
    # they do not know, so it says "pt" as torch's own writer does.
    try:
        contiguous = {k: np.require(v, requirements="C") for k, v in arrays.items()}  # 0-d too
        data = numpy_api.save(contiguous, metadata={"format": "pt",
                                                    _ORDER_KEY: json.dumps(list(contiguous))})
    except Exception as exc:  # SafetensorError and dtype errors: Rust-side, no common base
        raise ValueError(f"save_weights: {path}: cannot write safetensors "
                         f"({type(exc).__name__}: {exc})") from None
    # Written into the temp file itself: safetensors' save_file makes a new file in its
    # place, which drops the lock that tells a second writer of the same path that this
    # temp is in use (it then deleted it: two ranks saving one file failed one time in five).
    # An OSError (a full disk) stays an OSError.
    with open(tmp, "wb") as file:
        file.write(data)


# The metadata entry where rungrad's safetensors files keep their keys' written order: the
# format stores tensors sorted by name, so '10.weight' would come before '2.weight'.
_ORDER_KEY = "rungrad.key_order"


def read_safetensors(path):
    """All arrays of the safetensors file at `path`, in the order they were written where
    the file says it (rungrad's do), else in the file's; errors name the file."""
    return _safetensors_arrays(path)[0]


def _safetensors_arrays(path):
    """(read_safetensors' arrays, whether they are in their written order)."""
    arrays, metadata = _read_safetensors(path)
    try:
        order = json.loads((metadata or {})[_ORDER_KEY])
    except (KeyError, ValueError):
        return arrays, False
    if not isinstance(order, list) or sorted(order) != sorted(arrays):  # (edited elsewhere)
        return arrays, False
    return OrderedDict((key, arrays[key]) for key in order), True


def _read_safetensors(path):
    """(the arrays, the header's metadata) of the safetensors file at `path`."""
    numpy_api = _safetensors_numpy("load_weights")
    from safetensors import safe_open
    check_readable(path, "load_weights")
    try:
        arrays = numpy_api.load_file(path)
        with safe_open(path, framework="numpy") as file:
            metadata = file.metadata()
    except Exception as exc:  # SafetensorError (a bad header), unknown dtypes (bfloat16)
        if "bfloat16" in str(exc):  # a sound file, in a dtype NumPy lacks
            raise ValueError(f"load_weights: {path} holds bfloat16 tensors, which NumPy has no "
                             f"dtype for; save them as float32 first (in PyTorch: "
                             f"{{k: v.float() for k, v in state.items()}})") from None
        raise ValueError(f"load_weights: {path} is not a readable safetensors file "
                         f"({type(exc).__name__}: {exc}){_zip_hint(path)}") from None
    return OrderedDict(arrays), metadata


def _zip_hint(path):
    """A hint when a file read as safetensors is a zip archive: another format's."""
    if not zipfile.is_zipfile(path):
        return ""
    return foreign_format(path) or (" (it is a zip archive, as an .npz weights file or a "
                                    "model.save file is: name it by its format, *.npz, or "
                                    "load it with nn.load_model)")


def _safetensors_numpy(who):
    try:
        from safetensors import numpy as numpy_api  # optional: only .safetensors needs it
    except ImportError:
        raise ImportError(f"{who}: .safetensors files need the safetensors package "
                          "(pip install safetensors, or the rungrad[safetensors] extra); "
                          "an .npz path needs nothing more") from None
    return numpy_api


def sync_file(tmp):
    """Flush the written file at `tmp` to disk before it replaces its target."""
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _naming(path):
    """ValueErrors raised while a weights file's arrays are checked and read, naming it."""
    try:
        yield
    except CorruptArchive as exc:
        raise ValueError(f"load_weights: {path} is corrupt ({exc})") from None
    except ValueError as exc:
        raise ValueError(f"load_weights: {path}: {exc}") from None


@contextlib.contextmanager
def _opened_npz(path):
    """{key: StoredArray} of the .npz at `path`, open while in the block: its directory and
    headers checked (nn.npy_archive), no data read; errors name the file."""
    check_readable(path, "load_weights")
    if not zipfile.is_zipfile(path):
        check_not_truncated(path, "load_weights")
        raise ValueError(f"load_weights: {path} is not an .npz weights archive (not a zip "
                         f"file){_safetensors_hint(path) or foreign_format(path)}")
    foreign = foreign_format(path)
    if foreign:
        raise ValueError(f"load_weights: {path} is not an .npz weights archive{foreign}")
    try:
        archive = NpyArchive(path)
    except (ValueError, *DAMAGED_ARCHIVE) as exc:
        raise _unreadable(path, exc) from None
    with archive:
        try:
            if MODEL_MEMBER in archive:  # model.save's file: its weights, as Keras'
                # load_weights reads a .keras file's
                from .training.saving import saved_weights  # (it builds on this module)
                arrays = saved_weights(archive, path)
            else:
                arrays = OrderedDict(_entry(archive, name) for name in archive.names)
        except ValueError as exc:
            raise _unreadable(path, exc) from None
        yield arrays


def _entry(archive, name):
    """(state-dict key, StoredArray) of the .npz member `name`: `<key>.npy`, or, as
    numpy.load gives it, another member's bytes under its whole name."""
    if name.endswith(".npy"):
        return name[:-len(".npy")], archive.array(name)
    return name, archive.raw(name)


def _unreadable(path, exc):
    return ValueError(f"load_weights: {path} is not a readable .npz weights file "
                      f"({describe(exc)})")


HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
KERAS_ARCHIVE_MEMBERS = ("config.json", "model.weights.h5")


def starts_as_hdf5(path):
    """Whether the file at `path` begins with HDF5's signature (Keras' .h5 files)."""
    with open(path, "rb") as f:
        return f.read(8) == HDF5_SIGNATURE


def is_keras_archive(path):
    """Whether `path` is a zip archive holding Keras 3's config.json and model.weights.h5
    (a .keras file)."""
    return set(KERAS_ARCHIVE_MEMBERS) <= set(_zip_names(path))


def _zip_names(path):
    """The member names of the zip archive at `path`; none for another or a damaged file."""
    if not zipfile.is_zipfile(path):
        return []
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.namelist()
    except DAMAGED_ARCHIVE:  # (damaged: the reader says so)
        return []


def foreign_format(path):
    """' (it is ...: what to do)' for another library's file that this reader cannot take (a
    Keras 3 .keras archive or .weights.h5 where the other is expected, a PyTorch checkpoint,
    an nn.save checkpoint), else ''."""
    if _starts_as_pickle(path):
        return (" (it is a pickle, as PyTorch's older torch.save format or pickle.dump write, "
                "which rungrad never unpickles: in PyTorch, save {k: v.numpy() for k, v in "
                "model.state_dict().items()} with numpy.savez, or as .safetensors)")
    if starts_as_hdf5(path):
        return (" (it is an HDF5 file, such as Keras' .weights.h5: model.load_weights(path) "
                "reads Keras 3's and Keras 2's .h5, into a model of the same layers; a whole "
                "model saved by Keras 3 is a .keras file, for nn.load_model)")
    names = _zip_names(path)
    if any(name.endswith("data.pkl") for name in names):
        return (" (it is a PyTorch checkpoint, pickled, which rungrad never unpickles: in "
                "PyTorch, save {k: v.numpy() for k, v in model.state_dict().items()} with "
                "numpy.savez, or as .safetensors; rungrad's names are PyTorch's)")
    if "tree.json" in names:
        return (" (it is a checkpoint written by nn.save: read it with nn.load(path), and give "
                "the state dict in it to load_state_dict)")
    if set(KERAS_ARCHIVE_MEMBERS) <= set(names):
        return (" (it is a Keras 3 .keras file: load it whole with nn.load_model(path) or "
                "keras.models.load_model(path); its weights alone are its model.weights.h5)")
    return ""


def _starts_as_pickle(path):
    """Whether the file starts as a pickle of protocol 2 or later (its PROTO opcode)."""
    with open(path, "rb") as f:
        head = f.read(2)
    return len(head) == 2 and head[0] == 0x80 and 2 <= head[1] <= 5


def _safetensors_hint(path):
    """A hint when the file holds safetensors under another suffix: an 8-byte header
    length, then the JSON header."""
    with open(path, "rb") as f:
        head = f.read(9)
    if len(head) == 9 and head[8:9] == b"{":
        return f" (it looks like a safetensors file: name it *{SAFETENSORS_SUFFIX})"
    return ""


__all__ = ["save_weights", "load_weights", "read_safetensors", "is_safetensors", "file_path",
           "check_readable", "sync_file", "foreign_format", "starts_as_hdf5",
           "is_keras_archive", "MODEL_MEMBER", "HDF5_SIGNATURE"]
