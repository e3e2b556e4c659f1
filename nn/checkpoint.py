"""nn.save / nn.load: PyTorch's torch.save / torch.load for what a training loop checkpoints.

    nn.save({"model": model.state_dict(), "optimizer": opt.state_dict(),
             "scheduler": scheduler.state_dict(), "epoch": epoch}, "checkpoint.ckpt")
    checkpoint = nn.load("checkpoint.ckpt")
    model.load_state_dict(checkpoint["model"]); opt.load_state_dict(checkpoint["optimizer"])

What it holds: dicts and OrderedDicts (keys: strings, integers, floats, booleans or None, as
an optimizer's state is keyed by integers), lists and tuples, arrays (a Variable or
Parameter is saved as its array, as torch.save saves a tensor's data; an array held twice
comes back as one), NumPy scalars, Python numbers (integers of any size), strings, booleans
and None, nested at will; each comes back as the type it was, but for a subclass of int
(an IntEnum, a library's size type), which comes back as a plain int. Other classes,
subclasses such as a namedtuple or a defaultdict among them, are refused by name: rebuilding them is
what torch.load's unpickling does, and what lets a file run code. The file is a zip of one
JSON tree (`tree.json`) and one .npy member per array: written atomically, read without
unpickling anything.
"""
import json
import zipfile
from collections import OrderedDict

import numpy as np

from autograd.atomic import replacing
from autograd.backend import is_array, to_cpu
from autograd.variable import Variable

from .npy_archive import DAMAGED_ARCHIVE, NpyArchive, describe
from .serialization import (
    check_not_truncated,
    check_readable,
    file_path,
    foreign_format,
    sync_file,
    write_npy_members,
)
from .stored_array import TooCompressed

TREE = "tree.json"


_KEYS = (str, int, float, bool, type(None))


def save(obj, path):
    """Write `obj` (see the module docstring) to `path`, atomically; returns the path.
    Anything else is refused with a TypeError naming where in `obj` it is."""
    path = file_path(path, "nn.save")
    arrays = {}  # id of an array -> (its index, the array), in order
    tree = _encoded(obj, arrays, "obj")
    arrays = [array for _, array in arrays.values()]
    text = json.dumps({"format": "rungrad checkpoint", "version": 1, "tree": tree})
    with replacing(path) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
            archive.writestr(TREE, text)
            write_npy_members(archive, ((f"arrays/{i}.npy", a) for i, a in enumerate(arrays)))
        sync_file(tmp)
    return path


def load(path, map_location=None, *, weights_only=True):
    """What `save` wrote at `path`, with the same containers, key types and dtypes.
    PyTorch's keywords are taken: nothing is ever unpickled (weights_only=False is refused,
    as rungrad loads no code), and arrays load on the CPU (map_location changes nothing)."""
    if not weights_only:
        raise ValueError("nn.load: weights_only=False would allow unpickling code, which "
                         "rungrad never does; nn.save's files hold arrays and plain values")
    path = file_path(path, "nn.load")
    check_readable(path, "nn.load", "checkpoint")
    if not zipfile.is_zipfile(path):
        check_not_truncated(path, "nn.load")
        raise ValueError(f"nn.load: {path} is not a checkpoint written by nn.save (not a zip "
                         f"file){foreign_format(path)}")
    header = None
    try:
        with NpyArchive(path) as archive:
            if TREE in archive:
                header = json.loads(archive.read_bytes(TREE))
                arrays = _arrays(archive)
    except TooCompressed as exc:
        raise ValueError(f"nn.load: {path}: {exc}") from None
    except (*DAMAGED_ARCHIVE, KeyError, ValueError, RecursionError) as exc:
        raise ValueError(f"nn.load: {path} is corrupt ({describe(exc)})") from None
    if header is None:
        raise ValueError(f"nn.load: {path} is not a checkpoint written by nn.save (no "
                         f"{TREE}){foreign_format(path) or _weights_hint(path)}")
    if not isinstance(header, dict) or header.get("format") != "rungrad checkpoint":
        raise ValueError(f"nn.load: {path} is not a checkpoint written by nn.save")
    if header.get("version", 1) != 1:  # (none at all: the tree decides, as a damaged file)
        raise ValueError(f"nn.load: {path} is a checkpoint of version "
                         f"{header.get('version')!r}; this rungrad reads version 1 (a newer "
                         "rungrad wrote it?)")
    try:
        return _decoded(header["tree"], arrays)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        raise ValueError(f"nn.load: {path} is corrupt (its tree: {exc!r})") from None


def _arrays(archive):
    """The .npy members, in order, read without pickle; no model vouches for their sizes:
    they are read under the file's budget (nn.stored_array)."""
    count = sum(1 for name in archive.names if name.startswith("arrays/"))
    return [archive.array(f"arrays/{i}.npy").read() for i in range(count)]


def _encoded(obj, arrays, where):
    """`obj` as JSON-ready data; arrays put in `arrays` ({id: (index, array)}), referred to
    by index (an array held twice, once)."""
    if obj is None or type(obj) in (bool, str, float):
        return obj
    if isinstance(obj, int) and not isinstance(obj, bool):  # (x.size: an int subclass)
        obj = int(obj)
    if type(obj) is int:  # (beyond 64 bits in hex: JSON's decimal has a digit limit)
        return obj if -2**63 <= obj < 2**63 else {"int": hex(obj)}
    if isinstance(obj, Variable):
        obj = obj.data
    if isinstance(obj, np.ndarray) and type(obj) is not np.ndarray:
        raise TypeError(f"nn.save: {where} is a {type(obj).__module__}.{type(obj).__name__}, "
                        "an ndarray subclass, which would come back as a plain array (a masked "
                        "array without its mask): save its parts (.data and .mask) as arrays")
    if isinstance(obj, np.generic) or hasattr(obj, "__array_namespace__") or is_array(obj):
        array = np.asarray(to_cpu(obj))
        if array.dtype.kind not in "biufc":
            raise TypeError(f"nn.save: {where} is an array of dtype {array.dtype}; only "
                            "numbers and booleans are saved")
        index, _ = arrays.setdefault(id(obj), (len(arrays), array))
        return {"array": index, "scalar": isinstance(obj, np.generic)}
    if type(obj) in (dict, OrderedDict):
        items = []
        for key, value in obj.items():
            if not isinstance(key, _KEYS) or isinstance(key, np.generic):
                raise TypeError(f"nn.save: {where} has a key of type {type(key).__name__}; "
                                "keys must be strings, integers, floats, booleans or None")
            items.append([key, _encoded(value, arrays, f"{where}[{key!r}]")])
        return {"ordered" if type(obj) is OrderedDict else "dict": items}
    if type(obj) in (list, tuple):
        kind = type(obj).__name__
        return {kind: [_encoded(v, arrays, f"{where}[{i}]") for i, v in enumerate(obj)]}
    raise TypeError(f"nn.save: {where} is of type {type(obj).__name__}, which is not saved "
                    "(arrays, numbers, strings, booleans, None, and dicts, lists and tuples of "
                    "them; a model or optimizer goes in as its state_dict())")


def _decoded(node, arrays):
    if not isinstance(node, dict):
        return node
    if "array" in node:
        array = arrays[node["array"]]
        return array[()] if node["scalar"] else array
    if "int" in node:
        return int(node["int"], 16)
    if "dict" in node:
        return {key: _decoded(value, arrays) for key, value in node["dict"]}
    if "ordered" in node:
        return OrderedDict((key, _decoded(value, arrays)) for key, value in node["ordered"])
    if "list" in node:
        return [_decoded(v, arrays) for v in node["list"]]
    return tuple(_decoded(v, arrays) for v in node["tuple"])


def _weights_hint(path):
    """' (...)' for an archive of .npy members alone, as save_weights and numpy.savez write."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    if names and all(name.endswith(".npy") for name in names):
        return (" (it is an .npz archive of arrays, as model.save_weights writes: load it "
                "with model.load_weights(path), or numpy.load)")
    if "model.json" in names or "config.json" in names:  # (rungrad's model.save; Keras')
        return (" (it is a whole model, as model.save writes: load it with "
                "nn.load_model(path), Keras' keras.models.load_model)")
    return ""


__all__ = ["save", "load"]

