"""The files of a directory tree, labelled by their class subfolder, in Keras' order: what
image_dataset_from_directory and text_dataset_from_directory list (Keras'
dataset_utils.index_directory and get_training_or_validation_split)."""
import os

import numpy as np

SUBSETS = ("training", "validation", "both")


def check_split(validation_split, subset, shuffle, seed):
    """Keras' rules for validation_split and subset, as ValueErrors."""
    if validation_split is not None and not 0 < validation_split < 1:
        raise ValueError(f"validation_split must be between 0 and 1, got {validation_split!r}")
    if bool(validation_split) != bool(subset):
        raise ValueError("subset and validation_split go together: give both (subset "
                         "'training', 'validation' or 'both') or neither")
    if subset not in (*SUBSETS, None):
        raise ValueError(f"subset must be 'training', 'validation' or 'both', got {subset!r}")
    if validation_split and shuffle and seed is None:
        raise ValueError("with validation_split and shuffle=True, give a seed: the training "
                         "and validation subsets are then drawn from the same order and do "
                         "not overlap")


def index_directory(directory, labels, formats, class_names=None, shuffle=True, seed=None,
                    follow_links=False):
    """(file paths, labels as int32 or None, class names or None) of the files under
    `directory` whose names end in `formats`. labels='inferred': one class per subfolder
    (sorted, or as `class_names` orders a subset of them), each file labelled by the
    subfolder it lies under; a list: one label per file, in the sorted order of the paths;
    None: no labels. shuffle mixes the files by NumPy's RandomState(seed), as Keras does,
    so a seed lists them in Keras' order."""
    if not os.path.isdir(directory):
        raise ValueError(f"{directory!r} is not a directory")
    if labels == "inferred":
        folders = _class_folders(directory, class_names)
        class_names = folders
    else:
        if class_names is not None:
            raise ValueError("class_names is only taken with labels='inferred' (with labels "
                             "given or None, there are no subfolder names to order)")
        folders = [""]
    paths, found = [], []
    for index, folder in enumerate(folders):
        for path in _files(os.path.join(directory, folder), follow_links, formats):
            paths.append(path)
            found.append(index)
    if labels == "inferred":
        labels = np.array(found, dtype="int32")
    elif labels is not None:
        if len(labels) != len(paths):
            raise ValueError(f"labels holds {len(labels)} labels, but {directory!r} holds "
                             f"{len(paths)} files")
        class_names = [str(label) for label in sorted(set(labels))]
        labels = np.asarray(labels)
    if shuffle:
        seed = np.random.randint(1e6) if seed is None else seed
        np.random.RandomState(seed).shuffle(paths)
        if labels is not None:
            np.random.RandomState(seed).shuffle(labels)
    return paths, labels, class_names


def _class_folders(directory, class_names):
    folders = sorted(name for name in os.listdir(directory) if not name.startswith(".")
                     and os.path.isdir(os.path.join(directory, name)))
    if class_names is None:
        return folders
    if not set(class_names) <= set(folders):
        raise ValueError(f"class_names {list(class_names)} are not all subfolders of "
                         f"{directory!r}, which holds {folders}")
    return list(class_names)


def _files(folder, follow_links, formats):
    """The files under `folder` ending in `formats` (case aside), in Keras' order: by
    folder, then by name."""
    walk = sorted(os.walk(folder, followlinks=follow_links), key=lambda entry: entry[0])
    for root, _, names in walk:
        for name in sorted(names):
            if name.lower().endswith(formats):
                yield os.path.join(root, name)


def split(paths, labels, validation_split, subset):
    """The `subset` ('training' or 'validation') of paths and labels: the last
    int(validation_split * n) are validation's (Keras' split); all without a split."""
    if not validation_split:
        return paths, labels
    held = int(validation_split * len(paths))
    chosen = slice(None, len(paths) - held) if subset == "training" else slice(
        len(paths) - held, None)
    print(f"Using {len(paths[chosen])} files for {subset}.")
    return paths[chosen], None if labels is None else labels[chosen]


__all__ = ["check_split", "index_directory", "split", "SUBSETS"]
