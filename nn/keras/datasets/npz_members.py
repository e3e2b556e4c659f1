"""The arrays of a Keras dataset's .npz file, its object arrays (IMDB's and Reuters' ragged
sequences, which NumPy stores pickled) read by nn.datasets.pickle_reader: nothing in the
file is ever run."""
import io

import numpy as np

from nn.datasets.pickle_reader import read_pickle
from nn.npy_archive import DAMAGED_ARCHIVE, CorruptArchive, NpyArchive, npy_header


def load_npz(path, objects=True):
    """{name without '.npy': array} of the .npz at `path`; objects=False refuses object
    arrays as Keras' np.load(allow_pickle=False) does. Errors name the file and member."""
    try:
        with NpyArchive(path) as archive:
            return {name[:-len(".npy")]: _member(archive, name, path, objects)
                    for name in archive.names if name.endswith(".npy")}
    except (CorruptArchive, *DAMAGED_ARCHIVE) as exc:
        raise ValueError(f"{path}: not a readable .npz archive ({exc})") from None


def _member(archive, name, path, objects):
    """The array of .npy member `name`."""
    stream = io.BytesIO(archive.read_bytes(name))
    shape, dtype, _ = npy_header(stream, name, objects=True)
    if not dtype.hasobject:
        stream.seek(0)
        return np.lib.format.read_array(stream, allow_pickle=False)
    if not objects:
        raise ValueError(f"{path}: member {name!r} holds Python objects (dtype {dtype}), "
                         "which this dataset's files do not")
    array = read_pickle(stream.read(), f"{path} (member {name!r})")
    if not (isinstance(array, np.ndarray) and array.shape == shape):
        raise ValueError(f"{path}: member {name!r} pickles another value than the "
                         f"{shape} array its .npy header declares")
    return array
