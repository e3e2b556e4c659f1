"""keras.layers.ContrastLimitedAdaptiveHistogramEqualization: Keras 3.15's outputs (its torch
backend, float32) as literals on small seeded images and as checksums on larger ones, bit for
bit; its properties on random images (layouts, batching, each image and channel on its own,
clipping, range); dtypes, inference, saving and refusals."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn.keras as keras
from autograd import Variable
from nn.keras import layers

CLAHE = layers.ContrastLimitedAdaptiveHistogramEqualization


def _image(seed, shape, low, high, dtype="float32"):
    x = np.random.default_rng(seed).uniform(low, high, shape)
    return np.round(x).astype(dtype) if np.dtype(dtype).kind in "iu" else x.astype(dtype)


def _out(layer, x, **kwargs):
    return np.asarray(layer(x, **kwargs).data)


# ----- Keras' outputs -----
# (name, layer arguments, the image, Keras' output): the clip limits give whole-number
# limits (clip_limit * tile pixels / 256) and the padding is at most one row and column,
# where Keras' torch backend reads the layer as its other backends do (see below)
_KERAS = [
    ("batched", dict(tile_grid_size=(2, 2), clip_limit=0.0),
     _image(1, (2, 4, 4, 1), 0, 255),
     [191.25, 255, 31.875, 255, 63.75, 127.5, 191.25, 127.5, 191.25, 31.875, 191.25,
      159.375, 127.5, 255, 63.75, 127.5, 63.75, 191.25, 63.75, 127.5, 255, 127.5, 191.25,
      255, 223.125, 159.375, 175.3125, 127.5, 63.75, 255, 127.5, 63.75]),
    ("channels_first", dict(tile_grid_size=(2, 3), clip_limit=64.0,
                            data_format="channels_first"),
     _image(2, (2, 3, 6), 0, 255),
     [191.25, 255, 255, 63.75, 159.375, 255, 127.5, 63.75, 159.375, 191.25, 127.5, 63.75,
      186.88356, 233.7916, 138.29134, 167.79599, 252.7544, 170.97725, 191.25, 63.75, 95.625,
      191.25, 255, 191.25, 127.5, 255, 159.375, 255, 63.75, 63.75, 76.53743, 215.63968,
      170.72774, 245.26907, 152.54465, 121.386986]),
    ("unit_range", dict(tile_grid_size=(3, 3), clip_limit=128.0, value_range=(0, 1)),
     _image(3, (1, 5, 5, 2), 0, 1),
     [0.25, 0.25, 1, 0.75, 0.25, 0.375, 0.75, 0.25, 0.875, 0.25, 0.5, 0.5, 0.75, 1, 0.875, 1,
      0.5, 0.75, 0.625, 0.625, 0, 1, 0.29166666, 0.375, 1, 0.5625, 0.625, 0.875, 0.125,
      0.8125, 0.6666667, 0.25, 1, 0.75, 0.125, 0.5, 0.5, 0.75, 0.875, 0.25, 1, 0.5, 0.75,
      0.75, 0.41666666, 0.6875, 0.875, 0.25, 0.7934198, 0.42416832]),
    ("integers", dict(tile_grid_size=(1, 2), clip_limit=32.0),
     _image(4, (4, 4, 3), 0, 255, "int32"),
     [223, 95, 223, 31, 127, 63, 207, 15, 159, 159, 255, 95, 127, 223, 255, 95, 255, 191, 47,
      143, 127, 255, 223, 31, 191, 63, 127, 255, 31, 31, 159, 159, 207, 191, 95, 191, 159,
      159, 95, 63, 191, 159, 63, 79, 47, 31, 63, 255]),
    ("signed_range", dict(tile_grid_size=(3, 2), clip_limit=0.0, value_range=(-1, 1)),
     _image(5, (1, 6, 4, 1), -1.1, 1.1),
     [1, 1, 0.5, -0.3333333, -0.5, 0, 0.16666663, -1, -1, 1, 0.16666663, -0.75, -0.3333333,
      1, 0.33333337, 0.5, -0.5, 0.08333337, 0.29166663, -0.75, 1, -0.5, 1, 0]),
]


@pytest.mark.parametrize("name, arguments, x, expected", _KERAS, ids=[c[0] for c in _KERAS])
def test_small_images_equal_keras_bit_for_bit(name, arguments, x, expected):
    out = _out(CLAHE(**arguments), x)
    assert out.shape == x.shape and out.dtype == x.dtype
    np.testing.assert_array_equal(out.ravel(), np.asarray(expected, x.dtype))


# Keras' torch backend counts its histograms in int64 (its one_hot keeps integers), which
# cuts a fractional limit to a whole number, and pads 'symmetric' by repeating the edge; its
# TensorFlow, JAX and NumPy backends count in float32 and mirror the edge, as here. Expected:
# Keras 3.15's torch backend with float32 histograms and mirrored padding.
# (tiles of 4 x 4: the limit is 2 * 16 / 256 = 0.125)
_FRACTIONAL_LIMIT = [
    141.80548, 88.081825, 96.20284, 97.76334, 251.48604, 160.24344, 168.88333, 83.77063,
    172.39648, 31.12936, 15.367467, 216.89368, 3.7481627, 249.24106, 209.47084, 199.07886,
    12.587965, 52.096073, 215.51791, 110.08837, 165.91867, 33.10877, 49.10093, 128.43408,
    192.53745, 136.61386, 27.82315, 220.1372, 35.84294, 113.43511, 151.96901, 80.470795,
    109.02787, 226.99365, 115.80841, 136.61191, 246.39442, 70.72767, 228.30286, 91.745636,
    77.32622, 224.40378, 18.242191, 219.30905, 209.7456, 228.88498, 15.411602, 60.9114,
    195.66324, 110.74127, 2.3975291, 175.05513, 200.80276, 248.21027, 39.162304, 66.692665,
    215.09961, 23.606606, 70.290634, 116.35257, 104.024254, 135.01286, 220.20029, 157.94193,
    165.37671, 151.28813, 56.01066, 116.11093, 251.28226, 230.91168]
# (7 columns in tiles of 3: two columns mirrored, which the torch backend's repeated edge
# changes in the last tiles)
_WIDE_PADDING = [
    226.66667, 56.666668, 155.83334, 56.666668, 132.22223, 28.333334, 170, 170, 85, 255, 170,
    103.888885, 160.55556, 212.5, 127.5, 203.05556, 31.481483, 151.1111, 40.138885, 255,
    70.833336, 198.33334, 99.16667, 255, 134.58334, 87.361115, 73.19444, 155.83334, 151.1111,
    179.44443, 65.32407, 70.833336, 244.76852, 160.55556, 49.583336, 56.666668, 28.333334,
    99.16667, 141.66667, 193.61111, 231.38889, 212.5]


@pytest.mark.parametrize("arguments, x, expected", [
    (dict(tile_grid_size=(2, 3), clip_limit=2.0), _image(6, (1, 7, 10, 1), 0, 255),
     _FRACTIONAL_LIMIT),
    (dict(tile_grid_size=(2, 3), clip_limit=0.0), _image(10, (1, 6, 7, 1), 0, 255),
     _WIDE_PADDING)], ids=["fractional_limit", "wide_padding"])
def test_as_keras_other_backends_read_it(arguments, x, expected):
    out = _out(CLAHE(**arguments), x)
    np.testing.assert_array_equal(out.ravel(), np.asarray(expected, np.float32))


# (arguments, shape, seed, Keras' sum of the output, a few of its values)
_CHECKSUMS = [
    ({}, (2, 64, 64, 3), 7, 3155705.2408282757,
     {(0, 34, 34, 0): 133.4808, (1, 1, 27, 0): 11.636791, (1, 44, 55, 1): 12.491415,
      (1, 17, 33, 1): 112.917465}),
    (dict(tile_grid_size=(6, 5), clip_limit=8.0), (1, 48, 40, 1), 8, 247679.54026007652,
     {(0, 12, 37, 0): 167.34375, (0, 24, 20, 0): 114.40848, (0, 40, 30, 0): 85.087494,
      (0, 30, 21, 0): 168.28188}),
    (dict(tile_grid_size=(4, 4), clip_limit=16.0, value_range=(0, 1),
          data_format="channels_first"), (3, 2, 16, 16), 9, 801.2698648069054,
     {(0, 1, 9, 14): 0.359375, (1, 1, 1, 0): 0.85323566, (2, 1, 1, 8): 0.61286634,
      (1, 1, 13, 1): 0.3891827}),
]


@pytest.mark.parametrize("arguments, shape, seed, total, values", _CHECKSUMS)
def test_larger_images_match_keras_checksums(arguments, shape, seed, total, values):
    high = 1 if arguments.get("value_range") == (0, 1) else 255
    out = _out(CLAHE(**arguments), _image(seed, shape, 0, high))
    np.testing.assert_allclose(out.astype(np.float64).sum(), total, rtol=1e-13)
    for index, value in values.items():
        assert out[index] == np.float32(value)


# ----- properties on random images -----
@st.composite
def _cases(draw):
    n, c = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h, w = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    grid = (draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    clip = draw(st.sampled_from([0.0, -1.0, 0.5, 2.0, 4.0, 40.0]))
    x = np.random.default_rng(draw(st.integers(0, 2 ** 16))).uniform(0, 255, (n, h, w, c))
    return x.astype(np.float32), dict(tile_grid_size=grid, clip_limit=clip)


@given(_cases())
def test_layouts_batches_and_channels_are_one_computation(case):
    x, arguments = case
    out = _out(CLAHE(**arguments), x)
    assert out.shape == x.shape and out.dtype == np.float32
    assert out.min() >= 0 and out.max() <= 255
    first = _out(CLAHE(**arguments, data_format="channels_first"), x.transpose(0, 3, 1, 2))
    np.testing.assert_array_equal(first, out.transpose(0, 3, 1, 2))
    np.testing.assert_array_equal(_out(CLAHE(**arguments), x[-1]), out[-1])
    np.testing.assert_array_equal(_out(CLAHE(**arguments), x[:, :, :, -1:]), out[..., -1:])


@given(_cases())
def test_a_limit_above_every_count_is_no_clipping(case):
    x, arguments = case
    unclipped = dict(arguments, clip_limit=0.0)
    # (clip_limit 256: a limit of the tile's own size, which no count exceeds)
    np.testing.assert_array_equal(_out(CLAHE(**dict(arguments, clip_limit=256.0)), x),
                                  _out(CLAHE(**unclipped), x))
    np.testing.assert_array_equal(_out(CLAHE(**dict(arguments, clip_limit=-3.0)), x),
                                  _out(CLAHE(**unclipped), x))


@given(_cases())
def test_a_value_range_is_the_same_equalization_scaled(case):
    x, arguments = case
    in_255 = _out(CLAHE(**arguments), np.round(x))
    in_unit = _out(CLAHE(**arguments, value_range=(0, 1)), np.round(x) / np.float32(255))
    np.testing.assert_allclose(in_unit * 255, in_255, atol=2e-3)


def test_one_tile_without_clipping_is_histogram_equalization():
    x = np.random.default_rng(0).integers(0, 256, (1, 9, 7, 1)).astype(np.float32)
    counts = np.bincount(x.astype(int).ravel(), minlength=256)
    cdf = np.cumsum(counts)
    table = (cdf - cdf.min()) * 255 / (x.size - cdf.min())
    out = _out(CLAHE(tile_grid_size=(1, 1), clip_limit=0.0), x)
    np.testing.assert_allclose(out, table[x.astype(int)], rtol=1e-6)


# ----- dtypes, modes, saving -----
@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8"])
def test_integer_images_come_back_integer_and_cut(dtype):
    x = _image(4, (4, 4, 3), 0, 255, dtype)
    out = _out(CLAHE(tile_grid_size=(1, 2), clip_limit=32.0), x)
    assert out.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(out.ravel(), _KERAS[3][3])


def test_float64_is_computed_in_float32_and_given_back_in_float64():
    x = _image(3, (1, 5, 5, 2), 0, 1)
    out = _out(CLAHE(tile_grid_size=(3, 3), clip_limit=128.0, value_range=(0, 1),
                     dtype="float64"), x.astype(np.float64))
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out.ravel(), np.asarray(_KERAS[2][3], np.float32))


def test_inference_and_training_agree_and_nothing_is_differentiated():
    x = _image(1, (2, 4, 4, 1), 0, 255)
    layer = CLAHE(tile_grid_size=(2, 2), clip_limit=0.0)
    np.testing.assert_array_equal(_out(layer, x, training=False), _out(layer, x))
    assert layer.get_random_transformation(x) is None
    images = Variable(x)
    layer(images).sum().backward()
    assert images.grad is None  # (a table lookup: Keras' has no gradient either)


def test_a_dict_has_its_images_equalized_and_the_rest_left():
    x = _image(1, (2, 4, 4, 1), 0, 255)
    masks = np.arange(32).reshape(2, 4, 4, 1)
    out = CLAHE(tile_grid_size=(2, 2), clip_limit=0.0)({"images": x, "labels": [1, 2],
                                                        "segmentation_masks": masks})
    np.testing.assert_array_equal(np.asarray(out["images"].data).ravel(), _KERAS[0][3])
    assert out["labels"] == [1, 2] and out["segmentation_masks"] is masks


def test_config_round_trip_and_saving(tmp_path):
    layer = CLAHE(value_range=(0, 1), clip_limit=2.5, tile_grid_size=(2, 3),
                  data_format="channels_first", name="clahe")
    config = layer.get_config()
    assert {k: config[k] for k in ("value_range", "clip_limit", "tile_grid_size",
                                   "data_format", "name")} == dict(
        value_range=(0, 1), clip_limit=2.5, tile_grid_size=(2, 3),
        data_format="channels_first", name="clahe")
    again = layers.deserialize(layers.serialize(layer))
    assert type(again) is CLAHE and again.get_config() == config
    x = _image(0, (2, 6, 6, 1), 0, 255)
    model = keras.Sequential([keras.Input((6, 6, 1)), CLAHE(tile_grid_size=(2, 2)),
                              layers.Flatten(), layers.Dense(2)])
    model.save(tmp_path / "clahe.keras")
    loaded = keras.models.load_model(tmp_path / "clahe.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("arguments, message", [
    (dict(value_range=(0, 1, 2)), "value_range"),
    (dict(value_range=(1, 1)), "two different bounds"),
    (dict(clip_limit="4"), "clip_limit"),
    (dict(clip_limit=float("nan")), "clip_limit"),
    (dict(tile_grid_size=8), "tile_grid_size"),
    (dict(tile_grid_size=(0, 2)), "tile_grid_size"),
    (dict(tile_grid_size=(2.0, 2)), "tile_grid_size"),
    (dict(data_format="nhwc"), "data_format"),
])
def test_bad_arguments_are_refused_by_name(arguments, message):
    with pytest.raises((ValueError, TypeError),
                       match=f"ContrastLimitedAdaptiveHistogramEqualization.*{message}"):
        CLAHE(**arguments)


def test_bad_images_are_refused_by_name():
    with pytest.raises(ValueError, match="ContrastLimitedAdaptiveHistogramEqualization: "
                                         "expected an input of shape"):
        CLAHE()(np.zeros((4, 4)))
