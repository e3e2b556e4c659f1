"""Keras' text_dataset_from_directory."""
import functools

from autograd.arguments import positive_int

from .directory_dataset import from_directory


def text_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                class_names=None, batch_size=32, max_length=None, shuffle=True,
                                seed=None, validation_split=None, subset=None,
                                follow_links=False, verbose=True):
    """Keras' text_dataset_from_directory: the .txt files under `directory`, labelled by
    their class subfolder (labels='inferred'; see nn.keras.directory_index), as a
    DirectoryDataset, a keras.utils.PyDataset of batches (texts, labels) (subset='both': a
    list [training, validation]). Texts are a NumPy array of str (Keras gives tf.string
    tensors), read as UTF-8 and cut to their first max_length bytes (Keras' rule) when
    given; a TextVectorization layer turns them into numbers for fit."""
    if max_length is not None:
        max_length = positive_int(max_length, "max_length", "text_dataset_from_directory",
                                  hint=" (or None)")
    load = functools.partial(_load_text, max_length=max_length)
    return from_directory(directory, load, (".txt",), labels, label_mode, class_names,
                          batch_size, shuffle, seed, validation_split, subset, follow_links,
                          verbose)


def _load_text(path, max_length):
    with open(path, "rb") as file:
        data = file.read() if max_length is None else file.read(max_length)
    # (a cut through a character drops its first bytes, which alone are no text)
    return data.decode("utf-8", errors="ignore" if max_length else "strict")


__all__ = ["text_dataset_from_directory"]
