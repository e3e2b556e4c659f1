"""keras.datasets.cifar100: CIFAR-100, as Keras' load_data() gives it.

The archive is Keras' own (cifar-100-python.tar.gz from the CIFAR site, checked by its
sha256, cached and extracted in $KERAS_HOME/datasets as Keras does it: a Keras cache is
reused). Its batches are Python 2 pickles, read by nn.datasets.pickle_reader: never
unpickled."""
import os

import numpy as np

from nn.datasets.pickle_reader import read_pickle

from ...layers.keras_settings import image_data_format
from ..get_file import get_file

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
FILE_HASH = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"
_CACHE_NAME = "cifar-100-python-target"  # (Keras' folder; the archive is this + '_archive')
LABEL_MODES = ("fine", "coarse")


def load_data(label_mode="fine"):
    """((x_train, y_train), (x_test, y_test)): uint8 images (50000, 32, 32, 3) and
    (10000, 32, 32, 3) (channels first where keras.config.image_data_format() says so),
    int64 labels of shape (n, 1): the 100 classes (label_mode 'fine') or their 20
    superclasses ('coarse')."""
    if label_mode not in LABEL_MODES:
        raise ValueError('`label_mode` must be one of `"fine"`, `"coarse"`. '
                         f"Received: label_mode={label_mode}.")
    folder = os.path.join(get_file(fname=_CACHE_NAME, origin=ORIGIN, extract=True,
                                   file_hash=FILE_HASH), "cifar-100-python")
    split = [_batch(os.path.join(folder, part), f"{label_mode}_labels")
             for part in ("train", "test")]
    channels_last = image_data_format() == "channels_last"
    return tuple((x.transpose(0, 2, 3, 1) if channels_last else x,
                  np.reshape(y, (len(y), 1))) for x, y in split)


def _batch(path, label_key):
    """(uint8 images (n, 3, 32, 32), labels) of the pickled batch at `path`."""
    with open(path, "rb") as f:
        batch = read_pickle(f.read(), path, encoding="bytes")
    if not isinstance(batch, dict):
        raise ValueError(f"{path}: not a CIFAR-100 batch (a {type(batch).__name__}, not a "
                         "dict)")
    batch = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in batch.items()}
    missing = [key for key in ("data", label_key) if key not in batch]
    if missing:
        raise ValueError(f"{path}: not a CIFAR-100 batch (no {' or '.join(missing)})")
    data = batch["data"]
    if not (isinstance(data, np.ndarray) and data.ndim == 2 and data.shape[1] == 3072):
        raise ValueError(f"{path}: its 'data' is not an (n, 3072) array of 32x32 RGB images")
    return data.reshape(len(data), 3, 32, 32), batch[label_key]
