"""Pretrained weights for keras.applications: `weights=None` (random), a path to a weights
file (Keras 3's .weights.h5, or Keras 2's .h5 of the ImageNet releases), or 'imagenet':
the file Keras downloads for the model, fetched as Keras fetches it (keras.utils.get_file:
into Keras' cache, ~/.keras/models or $KERAS_HOME/models, where it is not there yet, and
checked against its published hash)."""
import os

from ...datasets.download import DownloadError
from ..get_file import cache_folder, get_file

CACHE_SUBDIR = "models"


def load_application_weights(model, weights, who, file_name=None, origin=None,
                             file_hash=None):
    """Load `weights` into `model` (see the module doc): file_name, origin and file_hash
    say what Keras downloads for 'imagenet' (origin: its URL)."""
    if weights is None:
        return
    if weights == "imagenet":
        weights = _imagenet_file(who, file_name, origin, file_hash)
    model.load_weights(os.fspath(weights))


def _imagenet_file(who, file_name, origin, file_hash):
    """The cached (or just downloaded) file; a FileNotFoundError saying where to put it
    by hand where it cannot be downloaded (offline)."""
    try:
        return get_file(file_name, origin, cache_subdir=CACHE_SUBDIR, file_hash=file_hash)
    except DownloadError as exc:
        folder = cache_folder(cache_subdir=CACHE_SUBDIR)
        raise FileNotFoundError(
            f"{who}: weights='imagenet' reads {file_name}, which is not in Keras' cache "
            f"({folder}; or not with its published hash) and could not be downloaded "
            f"({exc}); download it from {origin} into that folder and try again, or pass "
            "its path as weights=, or use weights=None") from exc


__all__ = ["load_application_weights"]
