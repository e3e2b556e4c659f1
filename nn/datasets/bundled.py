"""Data sets shipped inside the package, which work offline.

digits.npz (~45 kB): UCI Machine Learning Repository, "Optical Recognition of Handwritten
Digits" (E. Alpaydin and C. Kaynak, 1998), https://doi.org/10.24432/C50P49, CC BY 4.0: the
1,797-sample version scikit-learn distributes as load_digits(), `images` (1797, 8, 8)
uint8 counts 0..16 and `labels` (1797,) int64 digits 0..9, written once with

    d = sklearn.datasets.load_digits()
    np.savez_compressed("digits.npz", images=d.images.astype(np.uint8),
                        labels=d.target.astype(np.int64))

breast_cancer.npz (~57 kB): UCI, "Breast Cancer Wisconsin (Diagnostic)" (W. Wolberg, O.
Mangasarian, N. Street and W. Street, 1993), https://doi.org/10.24432/C5DW2B, CC BY 4.0,
as scikit-learn distributes it (load_breast_cancer): `features` (569, 30) float32,
`labels` (569,) int64 (0 malignant, 1 benign), `feature_names` (30,), written once with

    b = sklearn.datasets.load_breast_cancer()
    np.savez_compressed("breast_cancer.npz", features=b.data.astype(np.float32),
                        labels=b.target.astype(np.int64), feature_names=b.feature_names)

diabetes.npz (~11 kB): B. Efron, T. Hastie, I. Johnstone and R. Tibshirani, "Least Angle
Regression", Annals of Statistics 32(2), 2004, as scikit-learn distributes it
(load_diabetes(scaled=False)): `features` (442, 10) float64, the raw measurements (age,
sex coded 1/2, body-mass index, mean blood pressure and six blood serum values s1..s6, to 4
decimals), `targets` (442,) float64 (disease progression a year later, 25..346) and
`feature_names` (10,), written once with

    d = sklearn.datasets.load_diabetes(scaled=False)
    np.savez_compressed("diabetes.npz", features=d.data, targets=d.target,
                        feature_names=np.array(d.feature_names))
"""
from importlib import resources

import numpy as np

from ._images import format_images
from ._split import standardized, train_test_split


def _bundled(name):
    """{member: array} of the package's file `name`."""
    with resources.files(__package__).joinpath(name).open("rb") as f:
        with np.load(f, allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}


def _load_digits_file():
    arrays = _bundled("digits.npz")
    return arrays["images"], arrays["labels"]


def digits(flatten=True, normalize=True, test_size=0.2, seed=0):
    """The 1,797 digits as ((x_train, y_train), (x_test, y_test)); works offline.

    x: float32 in [0, 1] (pixel counts / 16), shape (n, 64), or (n, 1, 8, 8) with
    flatten=False; normalize=False keeps the raw uint8 counts 0..16.
    y: int64 labels 0..9. The split is stratified by class and fixed by `seed`.
    """
    images, labels = _load_digits_file()
    x = format_images(images, 16, flatten=flatten, normalize=normalize)
    return train_test_split(x, labels, test_size=test_size, seed=seed)


def breast_cancer(test_size=0.2, seed=0, standardize=False):
    """Wisconsin breast cancer: 569 samples, 30 features (cell-nucleus measurements on
    scales from 0.001 to 4,000), 2 classes (1 = benign), as ((x_train, y_train), (x_test,
    y_test)); works offline. The split is stratified and fixed by `seed`; standardize=True
    scales each feature by the training part's mean and std."""
    arrays = _bundled("breast_cancer.npz")
    (x_train, y_train), (x_test, y_test) = train_test_split(
        arrays["features"], arrays["labels"], test_size=test_size, seed=seed)
    if standardize:
        x_train, x_test = standardized(x_train, x_test)
    return (x_train, y_train), (x_test, y_test)


def diabetes(test_size=0.2, seed=0, standardize=False, scaled=True):
    """Diabetes regression: 442 patients, 10 baseline measurements (feature names:
    diabetes_feature_names), y a float32 disease-progression score a year later (25..346),
    shape (n,), as ((x_train, y_train), (x_test, y_test)); works offline.

    scaled=True gives scikit-learn's load_diabetes() columns: each mean-centred and divided
    by std * sqrt(442) over all rows (unit length); scaled=False the raw measurements (age in
    years, sex 1 or 2, ...), on scales from 1 to 300. The split is random (not stratified),
    fixed by `seed`; standardize=True scales each feature by the training part's mean and
    std (use it with scaled=False: no statistics of the test rows enter)."""
    arrays = _bundled("diabetes.npz")
    x = arrays["features"]
    if scaled:  # (in float64, as scikit-learn, then cast)
        x = (x - x.mean(axis=0)) / (x.std(axis=0) * np.sqrt(len(x)))
    (x_train, y_train), (x_test, y_test) = train_test_split(
        x.astype(np.float32), arrays["targets"].astype(np.float32), test_size=test_size,
        seed=seed, stratify=False)
    if standardize:
        x_train, x_test = standardized(x_train, x_test)
    return (x_train, y_train), (x_test, y_test)


def diabetes_feature_names():
    """The diabetes features' names, in column order: age, sex, bmi, bp, s1..s6."""
    return [str(name) for name in _bundled("diabetes.npz")["feature_names"]]
