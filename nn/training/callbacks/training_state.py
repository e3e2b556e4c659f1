"""A training state in one file: the model's weights, its optimizer's state and where
training stood (epoch, batch), written atomically and read back into the same model.

The file is a zip archive of `state.json` and one `.npy` member per array, as model.save
writes its models; it is read with `allow_pickle=False` and its JSON names no class to
build, so loading executes nothing. Unlike model.save it holds no architecture: it
restores a model that exists (BackupAndRestore's), which makes any model fit can train
savable, subclassed ones with unnamed pieces included.
"""
import json
import zipfile

from autograd.atomic import replacing

from ...module import saved_state
from ...npy_archive import DAMAGED_ARCHIVE, CorruptArchive, NpyArchive, describe
from ...serialization import sync_file, write_npy_members
from ...stored_array import read_stored
from ..model_config import Reader, Writer

FORMAT = "rungrad.training_state"
VERSION = 1
_DOCUMENT = "state.json"


class UnreadableState(ValueError):
    """The file is damaged, truncated or not a training state (a reason to try another)."""


def write_state(path, model, epoch, batch):
    """Write `model`'s weights, its optimizer's state (when compiled) and (epoch, batch)."""
    writer = Writer(who="BackupAndRestore")
    optimizer = getattr(model, "optimizer", None)
    document = {"format": FORMAT, "version": VERSION, "epoch": int(epoch),
                "batch": int(batch),
                "weights": [[name, writer.value(array, "the model")["__array__"]]
                            for name, array in saved_state(model)],
                "optimizer": None if optimizer is None else writer.value(
                    _keyed_by_text(optimizer.state_dict()), "the optimizer state")}
    with replacing(path) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
            archive.writestr(_DOCUMENT, json.dumps(document))
            write_npy_members(archive, ((_member(i), a) for i, a in enumerate(writer.arrays)))
        sync_file(tmp)


def read_state(path, model):
    """Load the state at `path` into `model` (weights, then its optimizer's state); return
    (epoch, batch). UnreadableState where the file is damaged."""
    try:
        with NpyArchive(path) as archive:
            document = _document(archive, path)
            arrays = []
            while _member(len(arrays)) in archive:
                arrays.append(read_stored(archive.array(_member(len(arrays)))))
    except (CorruptArchive, UnicodeDecodeError, json.JSONDecodeError, *DAMAGED_ARCHIVE) as exc:
        raise UnreadableState(f"BackupAndRestore: {path} is damaged ({describe(exc)})") from None
    reader = Reader(arrays)
    try:
        model.load_state_dict({name: reader.stored(i) for name, i in document["weights"]})
        if document["optimizer"] is not None and getattr(model, "optimizer", None) is not None:
            model._bind_optimizer()  # (a Keras-style optimizer made without parameters)
            model.optimizer.load_state_dict(_keyed_by_number(reader.value(
                document["optimizer"])))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"BackupAndRestore: {path} does not fit this model or its optimizer "
                         f"({exc}); the backup folder must belong to this training run") from None
    return document["epoch"], document["batch"]


def _document(archive, path):
    if _DOCUMENT not in archive:
        raise UnreadableState(f"BackupAndRestore: {path} is not a training state (no "
                              f"{_DOCUMENT})")
    document = json.loads(archive.read_bytes(_DOCUMENT).decode("utf-8"))
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise UnreadableState(f"BackupAndRestore: {path} is not a training state")
    if document.get("version") != VERSION:
        raise UnreadableState(f"BackupAndRestore: {path} has format version "
                              f"{document.get('version')!r}; this rungrad reads {VERSION}")
    return document


# JSON keys are text: the per-parameter state's numbers travel as text and come back as ints
def _keyed_by_text(state_dict):
    return {**state_dict, "state": {str(k): v for k, v in state_dict["state"].items()}}


def _keyed_by_number(state_dict):
    return {**state_dict, "state": {int(k): v for k, v in state_dict["state"].items()}}


def _member(i):
    return f"arrays/{i}.npy"


__all__ = ["write_state", "read_state", "UnreadableState"]
