"""The offline data sets: digits, spiral, sin_curve and scikit-learn's tables."""

import subprocess
import sys

import numpy as np
import pytest

from nn import datasets


def test_digits_shapes_dtypes_and_counts():
    (x_train, y_train), (x_test, y_test) = datasets.digits()
    assert x_train.shape[1:] == (64,) and x_train.dtype == np.float32
    assert y_train.dtype == np.int64
    assert len(x_train) + len(x_test) == 1797
    assert len(x_test) == pytest.approx(0.2 * 1797, abs=5)
    assert min(x_train.min(), x_test.min()) == 0.0
    assert max(x_train.max(), x_test.max()) == 1.0
    counts = np.bincount(np.concatenate([y_train, y_test]), minlength=10)
    assert counts.sum() == 1797 and counts.min() >= 174 and counts.max() <= 183
    # stratified: every class keeps about a fifth of its samples for testing
    np.testing.assert_allclose(np.bincount(y_test, minlength=10) / counts, 0.2, atol=0.02)


def test_digits_images_for_cnns_and_raw_counts():
    (x_train, _), _ = datasets.digits(flatten=False)
    assert x_train.shape[1:] == (1, 8, 8)
    (raw, _), _ = datasets.digits(normalize=False)
    assert raw.dtype == np.uint8 and raw.max() == 16


def test_digits_split_is_fixed_by_seed():
    (a, _), _ = datasets.digits(seed=0)
    (b, _), _ = datasets.digits(seed=0)
    (c, _), _ = datasets.digits(seed=1)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_shipped_digits_match_scikit_learn():
    sk = pytest.importorskip("sklearn.datasets")
    reference = sk.load_digits()
    (x_train, y_train), (x_test, y_test) = datasets.digits(normalize=False, test_size=0)
    assert len(x_test) == 0
    # same multiset of (image, label) rows, in another order
    ours = np.column_stack([x_train, y_train])
    theirs = np.column_stack([reference.data, reference.target]).astype(np.int64)
    np.testing.assert_array_equal(np.unique(ours, axis=0), np.unique(theirs, axis=0))


def dezero_spiral(seed):
    """DeZero's get_spiral, loop for loop, on its own RandomState."""
    rng = np.random.RandomState(seed)
    x = np.zeros((300, 2), dtype=np.float32)
    t = np.zeros(300, dtype=np.int64)
    for j in range(3):
        for i in range(100):
            rate = i / 100
            theta = j * 4.0 + 4.0 * rate + rng.randn() * 0.2
            x[100 * j + i] = [rate * np.sin(theta), rate * np.cos(theta)]
            t[100 * j + i] = j
    order = rng.permutation(300)
    return x[order], t[order]


def test_spiral_reproduces_dezero():
    (x_train, y_train), (x_test, y_test) = datasets.spiral()
    for (x, t), seed in (((x_train, y_train), 1984), ((x_test, y_test), 2020)):
        ref_x, ref_t = dezero_spiral(seed)
        np.testing.assert_array_equal(x, ref_x)
        np.testing.assert_array_equal(t, ref_t)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64


def test_spiral_sizes():
    (x, t), (xt, tt) = datasets.spiral(num_class=4, num_data=50)
    assert x.shape == xt.shape == (200, 2)
    np.testing.assert_array_equal(np.bincount(t), [50] * 4)
    assert np.all(np.linalg.norm(x, axis=1) < 1.0)


def test_sin_curve():
    (x, y), (xt, yt) = datasets.sin_curve(num_data=200, noise=0.05)
    assert x.shape == y.shape == xt.shape == (199, 1) and x.dtype == np.float32
    np.testing.assert_array_equal(x[1:], y[:-1])  # y is the next step of x
    t = np.linspace(0, 2 * np.pi, 200)[:-1, None]
    assert np.abs(x - np.sin(t)).max() <= 0.05 + 1e-6
    np.testing.assert_allclose(xt, np.cos(t), atol=1e-6)


@pytest.mark.parametrize("name, n, features, classes", [
    ("iris", 150, 4, 3), ("breast_cancer", 569, 30, 2), ("wine", 178, 13, 3)])
def test_scikit_learn_tables(name, n, features, classes):
    pytest.importorskip("sklearn")
    (x, y), (xt, yt) = getattr(datasets, name)(standardize=True)
    assert len(x) + len(xt) == n and x.shape[1] == features
    assert x.dtype == np.float32 and y.dtype == np.int64
    assert set(np.unique(yt)) == set(range(classes))  # stratified
    np.testing.assert_allclose(x.mean(axis=0), 0, atol=1e-4)
    np.testing.assert_allclose(x.std(axis=0), 1, atol=1e-3)


def test_breast_cancer_ships_with_the_package_and_is_scikit_learns(monkeypatch):
    """Offline, without scikit-learn; the same arrays as load_breast_cancer's (float32)."""
    import sys
    monkeypatch.setitem(sys.modules, "sklearn", None)  # as if it were not installed
    (x, y), (xt, yt) = datasets.breast_cancer()
    assert x.shape == (456, 30) and xt.shape == (113, 30) and x.dtype == np.float32
    assert y.dtype == np.int64 and abs(np.concatenate([y, yt]).mean() - 357 / 569) < 1e-12
    monkeypatch.delitem(sys.modules, "sklearn")
    sklearn_datasets = pytest.importorskip("sklearn.datasets")
    reference = sklearn_datasets.load_breast_cancer()
    rows = np.concatenate([x, xt])
    order = np.lexsort(rows.T[::-1])
    want = reference.data.astype(np.float32)
    np.testing.assert_array_equal(rows[order], want[np.lexsort(want.T[::-1])])


def test_diabetes_ships_with_the_package_and_is_scikit_learns(monkeypatch):
    """Offline, without scikit-learn: a regression table (float32 targets, a random split);
    scaled=True gives load_diabetes()'s columns, scaled=False its raw measurements."""
    import sys
    monkeypatch.setitem(sys.modules, "sklearn", None)
    (x, y), (xt, yt) = datasets.diabetes()
    (raw, y_raw), (raw_t, _) = datasets.diabetes(scaled=False)
    assert x.shape == (354, 10) and xt.shape == (88, 10) and x.dtype == np.float32
    assert y.dtype == np.float32 and y.ndim == 1 and 25 <= y.min() and y.max() <= 346
    np.testing.assert_array_equal(y, y_raw)  # the same split either way
    assert set(np.unique(np.concatenate([raw, raw_t])[:, 1])) == {1, 2}  # sex, coded 1/2
    assert datasets.diabetes_feature_names() == ["age", "sex", "bmi", "bp", "s1", "s2", "s3",
                                                 "s4", "s5", "s6"]
    rows = np.concatenate([x, xt])
    np.testing.assert_allclose(rows.mean(axis=0), 0, atol=1e-6)
    np.testing.assert_allclose((rows.astype(np.float64) ** 2).sum(axis=0), 1, rtol=1e-5)
    (z, _), (zt, _) = datasets.diabetes(scaled=False, standardize=True)
    np.testing.assert_allclose(z.std(axis=0), 1, rtol=1e-4)
    monkeypatch.delitem(sys.modules, "sklearn")
    sklearn_datasets = pytest.importorskip("sklearn.datasets")
    for scaled, ours in ((True, rows), (False, np.concatenate([raw, raw_t]))):
        want = sklearn_datasets.load_diabetes(scaled=scaled).data.astype(np.float32)
        order, wanted = np.lexsort(ours.T[::-1]), np.lexsort(want.T[::-1])
        np.testing.assert_array_equal(ours[order], want[wanted])


def test_scikit_learn_missing_message(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # makes `import sklearn` fail
    with pytest.raises(ImportError, match=r"iris needs scikit-learn: pip install "
                                          r"'rungrad\[datasets\]'"):
        datasets.iris()


def test_importing_needs_only_numpy():
    code = ("import sys, nn.data, nn.datasets, nn.metrics; "
            "print(sorted(m for m in ('sklearn', 'tqdm', 'urllib.request', 'scipy') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("test_size", [False, True, float("nan"), 1, -0.1, "0.2"])
def test_split_refuses_a_test_size_that_is_no_fraction(test_size):
    with pytest.raises(ValueError, match="test_size must be a fraction in"):
        datasets.digits(test_size=test_size)


@pytest.mark.parametrize("make, message", [
    (lambda: datasets.spiral(num_data=-1), "spiral: num_data must be a count >= 0, got -1"),
    (lambda: datasets.spiral(num_class=2.5), "spiral: num_class must be a count"),
    (lambda: datasets.spiral(noise=-0.1), "spiral: noise must be a number >= 0"),
    (lambda: datasets.sin_curve(num_data=-5), "sin_curve: num_data must be a count"),
    (lambda: datasets.sin_curve(noise=-1), "sin_curve: noise must be a number >= 0"),
])
def test_generated_sets_name_the_argument_at_fault(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("seed, error", [(-1, ValueError), ("a", TypeError), (1.5, TypeError)])
def test_split_names_a_bad_seed(seed, error):
    with pytest.raises(error, match="seed must be a non-negative integer"):
        datasets.breast_cancer(seed=seed)
