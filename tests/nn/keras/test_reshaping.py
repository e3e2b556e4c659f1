"""nn.keras' Reshape, Permute, ZeroPadding1D/2D and UpSampling1D/2D: per sample, against
NumPy, backprop against numerical differentiation, errors."""
import numpy as np
import pytest

from nn.keras import layers

from ._helpers import check_gradients

X = np.arange(2 * 3 * 4 * 2, dtype=np.float64).reshape(2, 3, 4, 2)


@pytest.mark.parametrize("layer, expected", [
    (layers.Reshape((-1, 2)), X.reshape(2, 12, 2)),
    (layers.Reshape((4, 6)), X.reshape(2, 4, 6)),
    (layers.Permute((3, 1, 2)), X.transpose(0, 3, 1, 2)),
    (layers.Permute((2, 1, 3)), X.transpose(0, 2, 1, 3)),
    (layers.ZeroPadding2D(), np.pad(X, ((0, 0), (1, 1), (1, 1), (0, 0)))),
    (layers.ZeroPadding2D((2, 0)), np.pad(X, ((0, 0), (2, 2), (0, 0), (0, 0)))),
    (layers.ZeroPadding2D(((1, 2), (0, 3))), np.pad(X, ((0, 0), (1, 2), (0, 3), (0, 0)))),
    (layers.ZeroPadding2D(1, data_format="channels_first"),
     np.pad(X, ((0, 0), (0, 0), (1, 1), (1, 1)))),
    (layers.UpSampling2D(), X.repeat(2, axis=1).repeat(2, axis=2)),
    (layers.UpSampling2D((1, 3)), X.repeat(3, axis=2)),
    (layers.UpSampling2D(2, data_format="channels_first"), X.repeat(2, axis=2).repeat(2, 3)),
], ids=lambda v: type(v).__name__ if not isinstance(v, np.ndarray) else "")
def test_image_layers_match_numpy(layer, expected):
    np.testing.assert_array_equal(layer(X).data, expected)
    check_gradients(layer, X[:1] * 0.1)


def test_sequence_layers_match_numpy():
    x = np.arange(2 * 4 * 3, dtype=np.float64).reshape(2, 4, 3)
    cases = [(layers.ZeroPadding1D(), np.pad(x, ((0, 0), (1, 1), (0, 0)))),
             (layers.ZeroPadding1D((0, 2)), np.pad(x, ((0, 0), (0, 2), (0, 0)))),
             (layers.UpSampling1D(3), x.repeat(3, axis=1)),
             (layers.Permute((2, 1)), x.transpose(0, 2, 1))]
    for layer, expected in cases:
        np.testing.assert_array_equal(layer(x).data, expected)
        check_gradients(layer, x * 0.1)


def test_reshaping_errors_name_the_layer_and_the_shapes():
    with pytest.raises(ValueError, match=r"Reshape 'r': samples of shape \(3, 4, 2\) \(24 "
                                         r"values\) cannot take the shape \(5, -1\)"):
        layers.Reshape((5, -1), name="r")(X)
    with pytest.raises(ValueError, match=r"Reshape: samples of shape \(3, 4, 2\) \(24 values\) "
                                         r"cannot take the shape \(5, 5\)"):
        layers.Reshape((5, 5))(X)
    with pytest.raises(ValueError, match="at most one -1"):
        layers.Reshape((-1, -1))
    with pytest.raises(ValueError, match=r"Permute: dims must be a permutation of 1\.\.3"):
        layers.Permute((1, 1, 2))
    with pytest.raises(TypeError, match=r"Permute: dims must be a tuple of ints \(each at "
                                        r"least 1\), got \(0, 1, 2\)"):
        layers.Permute((0, 1, 2))
    with pytest.raises(ValueError, match=r"Permute: expected an input of shape \(N, d1, d2\), "
                                         r"got \(2, 3, 4, 2\)"):
        layers.Permute((2, 1))(X)
    with pytest.raises(TypeError, match="padding must be an int, 2 ints or 2"):
        layers.ZeroPadding2D(((1, 2),))
    with pytest.raises(ValueError, match=r"interpolation must be one of \('nearest', "
                                         r"'bilinear'\)"):
        layers.UpSampling2D(interpolation="area")
    with pytest.raises(ValueError, match=r"UpSampling1D: expected an input of shape "
                                         r"\(N, T, C\), got \(2, 3, 4, 2\)"):
        layers.UpSampling1D()(X)
