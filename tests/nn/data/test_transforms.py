"""Transforms on arrays and inside TensorDataset."""

import numpy as np
import pytest

from nn.data import Compose, DataLoader, Flatten, Normalize, OneHot, TensorDataset, ToFloat


def test_normalize_keeps_float32_and_casts_integers():
    x = np.array([[1.0, 3.0]], dtype=np.float32)
    out = Normalize(mean=[1.0, 1.0], std=[2.0, 4.0])(x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [[0.0, 0.5]])
    for dtype in (np.uint8, np.int32, np.int64):  # (int64 - float32 alone is float64)
        assert Normalize(0, 1)(np.array([[1, 2]], dtype=dtype)).dtype == np.float32
    with pytest.raises(ValueError, match="nonzero"):
        Normalize(0.0, [1.0, 0.0])


def test_normalize_per_channel_images():
    images = np.ones((2, 3, 4, 4), dtype=np.float32) * np.array([1, 2, 3])[:, None, None]
    mean = np.array([1, 2, 3]).reshape(3, 1, 1)
    np.testing.assert_allclose(Normalize(mean, 2.0)(images), 0.0)


def test_flatten_each_sample():
    assert Flatten()(np.zeros((5, 1, 8, 8))).shape == (5, 64)


def test_one_hot():
    out = OneHot(3)(np.array([2, 0]))
    np.testing.assert_array_equal(out, [[0, 0, 1], [1, 0, 0]])
    assert out.dtype == np.float32
    with pytest.raises(ValueError, match=r"label 3 .* \[0, 3\)"):
        OneHot(3)(np.array([0, 3]))
    with pytest.raises(ValueError, match="not an integer"):
        OneHot(3)(np.array([0.5]))


def test_to_float_and_compose():
    pipeline = Compose([ToFloat(), Flatten(), Normalize(8.0, 8.0)])
    out = pipeline(np.full((2, 4, 4), 16, dtype=np.uint8))
    assert out.shape == (2, 16) and out.dtype == np.float32
    np.testing.assert_allclose(out, 1.0)
    assert ToFloat(np.float64)(np.array([1])).dtype == np.float64
    assert "Flatten()" in repr(pipeline)


def test_tensor_dataset_applies_the_same_transforms_to_items_and_batches():
    x = np.arange(24, dtype=np.uint8).reshape(6, 2, 2)
    y = np.array([0, 1, 2, 0, 1, 2])
    ds = TensorDataset(x, y, transform=Compose([ToFloat(), Flatten()]),
                       target_transform=OneHot(3))
    xi, yi = ds[1]
    assert xi.shape == (4,) and xi.dtype == np.float32
    np.testing.assert_array_equal(yi, [0, 1, 0])
    bx, by = next(iter(DataLoader(ds, batch_size=4)))
    assert bx.shape == (4, 4) and by.shape == (4, 3)
    np.testing.assert_array_equal(bx[1], xi)


def test_normalize_names_statistics_that_do_not_fit_a_sample():
    """torchvision's per-channel mean of length C against (N, C, H, W) raised NumPy's
    broadcasting error, naming neither Normalize nor the (C, 1, 1) it needs."""
    images = np.ones((2, 3, 4, 5), np.float32)
    with pytest.raises(ValueError, match=r"Normalize: mean of shape \(3,\) .* \(C, 1, 1\)"):
        Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])(images)
    per_channel = Normalize(np.reshape([0.5, 0.25, 0.0], (-1, 1, 1)), np.full((3, 1, 1), 0.5))
    np.testing.assert_allclose(per_channel(images)[0, :, 0, 0], [1.0, 1.5, 2.0])
