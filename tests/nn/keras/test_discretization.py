"""Keras' Discretization: bins of given boundaries, boundaries learned by adapt (the expected
values were read off Keras 3.15.1, torch backend), encodings, configs and saved models."""
import numpy as np
import pytest

from nn import keras
from nn.keras import layers

X = np.array([[-1.5, 1.0, 3.4, .5], [0.0, 3.0, 1.3, 0.0]])
DATA = np.round(np.sin(np.arange(97) * 1.7) * 10, 3)


def test_given_boundaries_bin_as_keras_docstring_in_int32():
    out = layers.Discretization(bin_boundaries=[0., 1., 2.])(X)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out.data, [[0, 2, 3, 1], [1, 3, 2, 1]])


def test_adapt_learns_keras_boundaries_to_the_last_bit():
    layer = layers.Discretization(num_bins=4, epsilon=0.01)
    assert layer.adapt(X) is layer
    assert layer.bin_boundaries == [0.0, 0.5, 1.2999999523162842]
    np.testing.assert_array_equal(layer(X).data, [[0, 2, 3, 2], [1, 3, 3, 1]])
    keras_says = {
        2: [-0.20349979400634766],
        5: [-8.095399856567383, -2.999199867248535, 2.9226012229919434, 8.032400131225586],
        7: [-9.119999885559082, -6.316428184509277, -2.3481428623199463, 2.006286382675171,
            5.995571613311768, 8.811142921447754]}
    for bins, boundaries in keras_says.items():
        assert layers.Discretization(num_bins=bins).adapt(DATA).bin_boundaries == boundaries


def test_adapt_takes_batches_of_any_shape_and_steps():
    layer = layers.Discretization(num_bins=4)
    layer.adapt([DATA[:40].reshape(8, 5), DATA[40:]])  # (Keras iterates a list)
    assert layer.bin_boundaries == [-6.974999904632568, -0.20349979400634766,
                                    6.995250701904297]
    layer = layers.Discretization(num_bins=3)
    layer.adapt(((np.arange(10.0) + 10 * k, None) for k in range(5)), steps=2)  # (x, y)
    assert layer.bin_boundaries == [5.666666507720947, 12.333333969116211]  # Keras' for 0-19


def test_adapted_boundaries_are_quantiles_within_a_rank_of_the_data():
    """Past 1/epsilon values Keras approximates; rungrad's are exact (within one value's
    rank of each level, where Keras promises epsilon)."""
    data = np.random.default_rng(0).normal(size=100_000).astype(np.float32)
    boundaries = layers.Discretization(num_bins=5).adapt(data).bin_boundaries
    ranks = np.searchsorted(np.sort(data), boundaries) / data.size
    np.testing.assert_allclose(ranks, [0.2, 0.4, 0.6, 0.8], atol=1 / data.size)
    keras_says = [-0.841986894607544, -0.2553369402885437, 0.25621557235717773,
                  0.8386929035186768]
    np.testing.assert_allclose(boundaries, keras_says, atol=1e-5)


def test_values_and_boundaries_compare_in_float32_and_nan_falls_last():
    # float64 0.1 < 0.1000000016, but both are float32's 0.1: bin 1, as Keras
    np.testing.assert_array_equal(
        layers.Discretization(bin_boundaries=[0.1000000016])(np.array([0.1])).data, [1])
    np.testing.assert_array_equal(
        layers.Discretization(bin_boundaries=[0.1])(np.array([np.nan, np.inf, -np.inf])).data,
        [1, 1, 0])
    np.testing.assert_array_equal(
        layers.Discretization(bin_boundaries=[0., 1.])(np.array([1, 2, -1])).data, [2, 2, 0])
    np.testing.assert_array_equal(layers.Discretization(bin_boundaries=[])(X).data,
                                  np.zeros((2, 4)))


@pytest.mark.parametrize("mode, x, shape, expected", [
    ("one_hot", np.array([0.5, 2.5]), (2, 4), [[0, 1, 0, 0], [0, 0, 0, 1]]),
    ("one_hot", np.array([[0.5], [1.5]]), (2, 4), [[0, 1, 0, 0], [0, 0, 1, 0]]),
    ("one_hot", np.array(0.5), (1, 4), [[0, 1, 0, 0]]),
    ("multi_hot", np.array([0.5, 2.5]), (4,), [0, 1, 0, 1]),
    ("count", np.array([[0.5, 0.6], [1.5, -3]]), (2, 4), [[0, 2, 0, 0], [1, 0, 1, 0]]),
    ("multi_hot", np.zeros((2, 3, 4)), (2, 4, 4), None)])
def test_encodings_have_keras_shapes(mode, x, shape, expected):
    out = layers.Discretization(bin_boundaries=[0., 1., 2.], output_mode=mode)(x)
    assert out.shape == shape and out.dtype == np.float32
    if expected is not None:
        np.testing.assert_array_equal(out.data, expected)


def test_dtype_sets_the_encodings_and_int_stays_int32_as_keras():
    count = layers.Discretization(bin_boundaries=[0.], output_mode="count", dtype="int64")
    assert count(X).dtype == np.int64
    assert layers.Discretization(bin_boundaries=[0.], dtype="int64")(X).dtype == np.int32


def test_config_rebuilds_an_adapted_layer_and_a_saved_model_keeps_its_boundaries(tmp_path):
    layer = layers.Discretization(num_bins=3, output_mode="one_hot").adapt(DATA)
    config = layer.get_config()
    assert config["num_bins"] == 3 and config["bin_boundaries"] == layer.bin_boundaries
    again = layers.Discretization.from_config(config)
    assert again.bin_boundaries == layer.bin_boundaries and again.output_mode == "one_hot"
    model = keras.Sequential([keras.Input((4,)), layer])
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(loaded(X.astype(np.float32)).data,
                                  model(X.astype(np.float32)).data)
    assert keras.Sequential.from_config(model.get_config()).layers[0].bin_boundaries == \
        layer.bin_boundaries


@pytest.mark.parametrize("make, error, message", [
    (lambda: layers.Discretization(), ValueError, "give either bin_boundaries, or num_bins"),
    (lambda: layers.Discretization([0.], 3), ValueError, "not both"),
    (lambda: layers.Discretization(num_bins=0), ValueError, "num_bins"),
    (lambda: layers.Discretization([2., 1.]), ValueError, r"sorted \(non-decreasing\).*2\.0, 1\.0"),
    (lambda: layers.Discretization([[0.], [1.]]), ValueError, "a list of numbers"),
    (lambda: layers.Discretization(["a"]), ValueError, "a list of numbers"),
    (lambda: layers.Discretization([0.], epsilon=0), ValueError, r"epsilon must be .* \(0, 1\)"),
    (lambda: layers.Discretization([0.], output_mode="tf_idf"), ValueError, "output_mode"),
    (lambda: layers.Discretization([0.], sparse=True), NotImplementedError, "sparse"),
    (lambda: layers.Discretization(num_bins=2)(X), ValueError, r"call adapt\(data\) first"),
    (lambda: layers.Discretization([0.]).adapt(X), ValueError, "make the layer with num_bins"),
    (lambda: layers.Discretization(num_bins=2).adapt([]), ValueError, "holds no values"),
    (lambda: layers.Discretization(num_bins=2).adapt(np.array([1.0, np.nan, np.nan])),
     ValueError, "2 NaN value"),
    (lambda: layers.Discretization([0.])(np.array(["a"])), TypeError, "expected numbers")])
def test_bad_arguments_and_inputs_are_named(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_fewer_values_than_bins_are_their_own_boundaries_as_keras():
    """Keras' compress_summary leaves a summary of fewer values than bins as it is: the
    boundaries are the values less the last ([1, 2]; rungrad gave [1, 1.2, 1.8, 2.4])."""
    layer = layers.Discretization(num_bins=5, output_mode="one_hot")
    layer.adapt(np.array([1.0, 2.0, 3.0]))
    assert layer.bin_boundaries == [1.0, 2.0]
    np.testing.assert_array_equal(layer(np.array([2.5])).data, [[0, 0, 1]])


@pytest.mark.parametrize("num_bins, count", [(49, 49), (50, 49), (98, 98)])
def test_keras_float_steps_give_some_bin_counts_a_boundary_more(num_bins, count):
    """Keras' levels step + arange(0, 1, step) hold one more for num_bins 49, 98, ...: the
    largest value becomes a boundary too."""
    layer = layers.Discretization(num_bins=num_bins)
    layer.adapt(np.arange(100.0))
    assert len(layer.bin_boundaries) == count
