"""nn.save / nn.load: PyTorch's torch.save / torch.load for what a training loop checkpoints.

    nn.save({"model": model.state_dict(), "optimizer": opt.state_dict(),
             "scheduler": scheduler.state_dict(), "epoch": epoch}, "checkpoint.ckpt")
    checkpoint = nn.load("checkpoint.ckpt")
    model.load_state_dict(checkpoint["model"]); opt.load_state_dict(checkpoint["optimizer"])

What it holds: dicts (keys: strings, integers, floats, booleans or None, as an optimizer's
state is keyed by integers), lists and tuples, arrays (a Variable or Parameter is saved as
its array, as torch.save saves a tensor's data), NumPy scalars, Python numbers, strings,
booleans and None, nested at will. The file is a zip of one JSON tree (`tree.json`) and
one .npy member per array: written atomically, read without unpickling anything (torch.save
pickles, and torch.load of an untrusted file can run code).
"""
import json
import os
import zipfile

import numpy as np

from autograd.atomic import replacing
from autograd.backend import to_cpu
from autograd.variable import Variable

from .serialization import check_readable, foreign_format, sync_file, write_npy_members

TREE = "tree.json"
_KEYS = (str, int, float, bool, type(None))


def save(obj, path):
    """Write `obj` (see the module docstring) to `path`, atomically; returns the path.
    Anything else is refused with a TypeError naming where in `obj` it is."""
    path = os.fspath(path)
    arrays = []
    tree = _encoded(obj, arrays, "obj")
    text = json.dumps({"format": "rungrad checkpoint", "version": 1, "tree": tree})
    with replacing(path) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
            archive.writestr(TREE, text)
            write_npy_members(archive, ((f"arrays/{i}.npy", a) for i, a in enumerate(arrays)))
        sync_file(tmp)
    return path


def load(path):
    """What `save` wrote at `path`, with the same containers, key types and dtypes."""
    path = os.fspath(path)
    check_readable(path, "nn.load", "checkpoint")
    if not zipfile.is_zipfile(path):
        raise ValueError(f"nn.load: {path} is not a checkpoint written by nn.save (not a zip "
                         f"file){foreign_format(path)}")
    try:
        with zipfile.ZipFile(path) as archive:
            if TREE not in archive.namelist():
                raise ValueError(f"nn.load: {path} is not a checkpoint written by nn.save (no "
                                 f"{TREE}){foreign_format(path)}")
            header = json.loads(archive.read(TREE))
            arrays = _arrays(archive, path)
    except (OSError, EOFError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
        raise ValueError(f"nn.load: {path} is corrupt ({type(exc).__name__}: {exc})") from None
    if header.get("format") != "rungrad checkpoint":
        raise ValueError(f"nn.load: {path} is not a checkpoint written by nn.save")
    try:
        return _decoded(header["tree"], arrays)
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise ValueError(f"nn.load: {path} is corrupt (its tree: {exc!r})") from None


def _arrays(archive, path):
    """The .npy members, in order, read without pickle."""
    count = sum(1 for name in archive.namelist() if name.startswith("arrays/"))
    arrays = []
    for i in range(count):
        with archive.open(f"arrays/{i}.npy") as member:
            try:
                arrays.append(np.lib.format.read_array(member, allow_pickle=False))
            except ValueError as exc:
                raise ValueError(f"nn.load: {path}: array {i} cannot be read ({exc})") from None
    return arrays


def _encoded(obj, arrays, where):
    """`obj` as JSON-ready data; arrays appended to `arrays`, referred to by index."""
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, (int, float)) and not isinstance(obj, np.generic):
        return obj
    if isinstance(obj, Variable):
        obj = obj.data
    if isinstance(obj, np.generic) or hasattr(obj, "__array_namespace__") or isinstance(
            obj, np.ndarray):
        array = np.asarray(to_cpu(obj))
        if array.dtype.kind not in "biufc":
            raise TypeError(f"nn.save: {where} is an array of dtype {array.dtype}; only "
                            "numbers and booleans are saved")
        arrays.append(array)
        return {"array": len(arrays) - 1, "scalar": isinstance(obj, np.generic)}
    if isinstance(obj, dict):
        items = []
        for key, value in obj.items():
            if not isinstance(key, _KEYS) or isinstance(key, np.generic):
                raise TypeError(f"nn.save: {where} has a key of type {type(key).__name__}; "
                                "keys must be strings, integers, floats, booleans or None")
            items.append([key, _encoded(value, arrays, f"{where}[{key!r}]")])
        return {"dict": items}
    if isinstance(obj, (list, tuple)):
        kind = "list" if isinstance(obj, list) else "tuple"
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
    if "dict" in node:
        return {key: _decoded(value, arrays) for key, value in node["dict"]}
    if "list" in node:
        return [_decoded(v, arrays) for v in node["list"]]
    return tuple(_decoded(v, arrays) for v in node["tuple"])


__all__ = ["save", "load"]
