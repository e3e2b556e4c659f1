"""The 8x8 handwritten digits, shipped inside the package (digits.npz, ~45 kB).

Source: UCI Machine Learning Repository, "Optical Recognition of Handwritten Digits"
(E. Alpaydin and C. Kaynak, 1998), https://doi.org/10.24432/C50P49, licensed CC BY 4.0.
The file holds the 1,797-sample version scikit-learn distributes as load_digits():
`images` (1797, 8, 8) uint8 counts 0..16 and `labels` (1797,) int64 digits 0..9.
It was written once with

    d = sklearn.datasets.load_digits()
    np.savez_compressed("digits.npz", images=d.images.astype(np.uint8),
                        labels=d.target.astype(np.int64))
"""

from importlib import resources

import numpy as np

from ._images import format_images
from ._split import train_test_split


def _load_digits_file():
    with resources.files(__package__).joinpath("digits.npz").open("rb") as f:
        with np.load(f, allow_pickle=False) as archive:
            return archive["images"], archive["labels"]


def digits(flatten=True, normalize=True, test_size=0.2, seed=0):
    """The 1,797 digits as ((x_train, y_train), (x_test, y_test)); works offline.

    x: float32 in [0, 1] (pixel counts / 16), shape (n, 64), or (n, 1, 8, 8) with
    flatten=False; normalize=False keeps the raw uint8 counts 0..16.
    y: int64 labels 0..9. The split is stratified by class and fixed by `seed`.
    """
    images, labels = _load_digits_file()
    x = format_images(images, 16, flatten=flatten, normalize=normalize)
    return train_test_split(x, labels, test_size=test_size, seed=seed)
