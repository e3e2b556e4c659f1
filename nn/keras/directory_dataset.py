"""A dataset of labelled files, loaded a batch at a time: what the *_dataset_from_directory
functions return (Keras returns a tf.data.Dataset; this is a keras.utils.PyDataset, which
fit, evaluate and predict take as they are)."""
import numpy as np

from autograd.arguments import positive_int

from ..data.batch_dataset import PyDataset
from .directory_index import SUBSETS, check_split, index_directory, split

LABEL_MODES = ("int", "categorical", "binary", None)


class DirectoryDataset(PyDataset):
    """Batches (x, labels) of the files `file_paths`, each read by `load(path)` when its
    batch is asked for; x alone without labels. Labels by label_mode: 'int' int32 (n,),
    'categorical' float32 one-hot (n, classes), 'binary' float32 (n, 1). batch_size None
    gives one sample per item, unbatched (Keras' rule; fit wants batches). With shuffle, the
    samples take a new order after each pass (from NumPy's RandomState(seed)), as Keras'
    dataset reshuffles each iteration. `stack` makes a batch of the loaded samples.
    `class_names` and `file_paths` as Keras sets them."""

    def __init__(self, file_paths, labels, class_names, load, batch_size=32, label_mode="int",
                 shuffle=False, seed=None, stack=np.stack):
        super().__init__()
        self.file_paths, self.class_names = list(file_paths), class_names
        self._labels = None if labels is None or label_mode is None else _encoded(
            np.asarray(labels), label_mode, len(class_names or ()))
        self._load, self._stack, self.batch_size = load, stack, batch_size
        self._order = np.arange(len(self.file_paths))
        self._rng = np.random.RandomState(seed) if shuffle else None

    def __len__(self):
        count = len(self.file_paths)
        return count if self.batch_size is None else -(-count // self.batch_size)

    def __getitem__(self, index):
        if not -len(self) <= index < len(self):
            raise IndexError(f"batch {index} of a dataset of {len(self)} batches")
        index %= len(self)
        if self.batch_size is None:
            return self._sample(self._order[index])
        rows = self._order[index * self.batch_size:(index + 1) * self.batch_size]
        x = self._stack([self._load(self.file_paths[i]) for i in rows])
        return x if self._labels is None else (x, self._labels[rows])

    def _sample(self, row):
        x = self._load(self.file_paths[row])
        return x if self._labels is None else (x, self._labels[row])

    def on_epoch_end(self):
        if self._rng is not None:
            self._rng.shuffle(self._order)


def _encoded(labels, label_mode, num_classes):
    if label_mode == "binary":
        return labels.astype("float32")[:, None]
    if label_mode == "categorical":
        return np.eye(num_classes, dtype="float32")[labels]
    return labels.astype("int32")


def from_directory(directory, load, formats, labels, label_mode, class_names, batch_size,
                   shuffle, seed, validation_split, subset, follow_links, verbose,
                   stack=np.stack):
    """Index `directory` and return its DirectoryDataset (a list [training, validation] for
    subset='both'), with Keras' checks and messages."""
    _check_labels(labels, label_mode, class_names)
    if labels is None or label_mode is None:
        labels = label_mode = None
    if batch_size is not None:
        batch_size = positive_int(batch_size, "batch_size", "from_directory", hint=" (or None)")
    check_split(validation_split, subset, shuffle, seed)
    seed = np.random.randint(1e6) if seed is None else seed
    paths, found, class_names = index_directory(directory, labels, formats, class_names,
                                                shuffle, seed, follow_links)
    if verbose:
        print(f"Found {len(paths)} files." if found is None else
              f"Found {len(paths)} files belonging to {len(class_names)} classes.")
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(f"label_mode='binary' needs exactly 2 classes, got {class_names}")
    subsets = ("training", "validation") if subset == "both" else (subset,)
    made = []
    for part in subsets:
        part_paths, part_labels = split(paths, found, validation_split, part)
        if not part_paths:
            raise ValueError(f"no {'' if part is None else part + ' '}files found in "
                             f"{directory!r} (the names taken end in {', '.join(formats)})")
        made.append(DirectoryDataset(part_paths, part_labels, class_names, load, batch_size,
                                     label_mode, shuffle and part != "validation", seed,
                                     stack))
    return made if subset == "both" else made[0]


def _check_labels(labels, label_mode, class_names):
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError(f"labels must be 'inferred', None, or a list or tuple of integer "
                             f"labels, one per file in sorted order; got {labels!r}")
        if class_names:
            raise ValueError("class_names is only taken with labels='inferred'")
    if label_mode not in LABEL_MODES:
        raise ValueError(f"label_mode must be 'int', 'categorical', 'binary' or None, got "
                         f"{label_mode!r}")


__all__ = ["DirectoryDataset", "from_directory", "LABEL_MODES", "SUBSETS"]
