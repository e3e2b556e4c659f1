"""nn.UpsamplingNearest2d and nn.UpsamplingBilinear2d against PyTorch: sizes and scale
factors, float32 and float64, values and input gradients; align_corners=True for the
bilinear one; reprs and config; the errors (F.interpolate's)."""
import numpy as np
import pytest

import nn
from autograd import gradgradcheck

from ._helpers import assert_matches_torch

torch = pytest.importorskip("torch")

KWARGS = [dict(scale_factor=2), dict(scale_factor=(1.5, 3)), dict(size=5), dict(size=(3, 7)),
          dict(scale_factor=0.5)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kwargs", KWARGS)
@pytest.mark.parametrize("name", ["UpsamplingNearest2d", "UpsamplingBilinear2d"])
def test_upsampling_layers_match_torch(name, kwargs, dtype):
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5)).astype(dtype)
    ours, theirs = getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert_matches_torch(ours, theirs, [x], 1e-5 if dtype == np.float32 else 1e-12)
    assert repr(ours) == repr(theirs)


def test_bilinear_keeps_the_corners_in_place():
    x = np.random.default_rng(2).standard_normal((1, 1, 3, 4))
    y = nn.UpsamplingBilinear2d(size=(5, 9))(x).data
    corners = (slice(None), slice(None), [[0], [-1]], [0, -1])
    np.testing.assert_allclose(y[corners], x[corners], atol=1e-12)
    gradgradcheck(lambda v: nn.UpsamplingBilinear2d(scale_factor=2)(v * v) ** 2, x)


def test_config_rebuilds_the_layer():
    layer = nn.UpsamplingBilinear2d(size=(3, 4))
    assert layer.get_config() == {"size": (3, 4), "scale_factor": None}
    assert repr(type(layer)(**layer.get_config())) == repr(layer)
    assert isinstance(layer, nn.Upsample)


@pytest.mark.parametrize("name", ["UpsamplingNearest2d", "UpsamplingBilinear2d"])
def test_errors_are_interpolates(name):
    layer = getattr(nn, name)()
    with pytest.raises(ValueError, match="either size or scale_factor"):
        layer(np.zeros((1, 1, 2, 2)))
    with pytest.raises(ValueError, match="only one of size or scale_factor"):
        getattr(nn, name)(size=2, scale_factor=2)(np.zeros((1, 1, 2, 2)))
