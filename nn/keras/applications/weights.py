"""Pretrained weights for keras.applications: `weights=None` (random), a path to a weights
file (Keras 3's .weights.h5, or Keras 2's .h5 of the ImageNet releases), or 'imagenet':
the file Keras downloads for the model, read from Keras' cache (~/.keras/models, or
$KERAS_HOME/models) where it is already there."""
import os


def keras_cache_dir():
    """Keras' cache folder: $KERAS_HOME, else ~/.keras."""
    return os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")


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
    cached = os.path.join(keras_cache_dir(), "models", file_name)
    if os.path.exists(cached):
        return cached
    raise FileNotFoundError(f"{who}: weights='imagenet' reads {file_name}, which is not in "
                            f"Keras' cache ({os.path.dirname(cached)}); download it from "
                            f"{origin} and pass its path as weights=, or use weights=None")


__all__ = ["keras_cache_dir", "load_application_weights"]
