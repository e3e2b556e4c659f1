"""keras.datasets.mnist: MNIST handwritten digits, as Keras' load_data() gives them.

Keras' own file (mnist.npz, checked by its sha256) is read where a Keras cache holds it in
$KERAS_HOME/datasets, so an offline machine with Keras' download works as with Keras;
otherwise the official IDX files are downloaded into nn.datasets.data_home()."""
import os

from nn import datasets

from ..get_file import cache_folder, get_file
from .keras_layout import keras_split
from .npz_members import load_npz
from .origins import TF_KERAS_DATASETS

FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path="mnist.npz"):
    """((x_train, y_train), (x_test, y_test)): uint8 images (60000, 28, 28) and
    (10000, 28, 28), uint8 labels 0..9 of shape (n,), as Keras'. `path`: the name of
    Keras' cache file in $KERAS_HOME/datasets, read where it is there; without it, the
    first call downloads the IDX files into nn.datasets.data_home() (set RUNGRAD_DATA to
    move it), for the default name only."""
    if os.path.isfile(os.path.join(cache_folder(), os.fspath(path))):
        arrays = load_npz(get_file(path, origin=TF_KERAS_DATASETS + "mnist.npz",
                                   file_hash=FILE_HASH), objects=False)
        return tuple((arrays[f"x_{part}"], arrays[f"y_{part}"]) for part in ("train", "test"))
    if path != "mnist.npz":
        raise ValueError(f"mnist.load_data: path={path!r} names Keras' cache file; rungrad "
                         f"caches MNIST in nn.datasets.data_home() (set RUNGRAD_DATA to move "
                         f"it), or reads Keras' {path} from $KERAS_HOME/datasets where it is "
                         f"there")
    return keras_split(datasets.mnist(flatten=False, normalize=False), lambda n: (n,))
