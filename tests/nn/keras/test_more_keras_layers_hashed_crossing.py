"""Keras' HashedCrossing: TensorFlow's cross_hashed bins (Keras' own expected values),
one-hot output, shapes, config, saving in a model, and refusals."""
import numpy as np
import pytest

import nn.keras as keras
from nn.keras import layers

FIRST = np.array(["A", "B", "A", "B", "A"])
SECOND = np.array([101, 101, 101, 102, 102])
BINS = [1, 4, 1, 1, 3]  # (Keras' hashed_crossing_test, from TensorFlow's op)


def test_bins_are_tensorflows():
    y = layers.HashedCrossing(5)((FIRST, SECOND))
    assert y.dtype == np.int64
    np.testing.assert_array_equal(y.data, BINS)
    np.testing.assert_array_equal(layers.HashedCrossing(5)([FIRST[:, None], SECOND[:, None]]).data,
                                  np.array(BINS)[:, None])
    assert layers.HashedCrossing(10)((np.array("A"), np.array(101))).data == 1
    assert layers.HashedCrossing(10)([["A"], [101]]).data.tolist() == [1]
    bytes_first = np.array([b"A", b"B", b"A", b"B", b"A"])
    np.testing.assert_array_equal(layers.HashedCrossing(5)((bytes_first, SECOND)).data, BINS)


def test_one_hot_and_dtype():
    y = layers.HashedCrossing(5, output_mode="one_hot")((FIRST[:, None], SECOND[:, None]))
    np.testing.assert_array_equal(y.data, np.eye(5, dtype=np.float32)[BINS])
    assert y.dtype == np.float32
    assert layers.HashedCrossing(5, "one_hot")((np.array("A"), np.array(101))).shape == (5,)
    assert layers.HashedCrossing(5, dtype="int32")((FIRST, SECOND)).dtype == np.int32
    assert layers.HashedCrossing(5, "one_hot", dtype="float64")((FIRST, SECOND)).dtype == \
        np.float64


def test_three_features_depend_on_their_order():
    third = np.array([7, 7, 8, 8, 9])
    forward = layers.HashedCrossing(1000)((FIRST, SECOND, third)).data
    backward = layers.HashedCrossing(1000)((third, SECOND, FIRST)).data
    assert forward.shape == (5,) and not np.array_equal(forward, backward)


def test_config_and_a_saved_model(tmp_path):
    layer = layers.HashedCrossing(7, output_mode="one_hot", name="cross")
    config = layer.get_config()
    assert {k: config[k] for k in ("num_bins", "output_mode", "sparse", "name")} == {
        "num_bins": 7, "output_mode": "one_hot", "sparse": False, "name": "cross"}
    assert layers.HashedCrossing.from_config(config).num_bins == 7
    a, b = keras.Input((1,), dtype="string"), keras.Input((1,), dtype="int64")
    model = keras.Model([a, b], layers.HashedCrossing(5, output_mode="one_hot")([a, b]))
    data = [FIRST[:, None], SECOND[:, None]]
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(loaded.predict(data, verbose=0), np.eye(5)[BINS])


@pytest.mark.parametrize("inputs, message", [
    (np.array(1), "should be called on a list or tuple"),
    ([np.array(1)], "at least two inputs"),
    ((np.ones((1, 1, 1), int), np.ones((1, 1, 1), int)), r"shapes \(1, 1, 1\)"),
    ((np.ones(3, int), np.ones(4, int)), r"one shape.*\(3,\), \(4,\)"),
    ((np.array([1.0]), np.array([1.0])), "integer or string dtype, got float64")])
def test_refusals_name_the_layer(inputs, message):
    with pytest.raises(ValueError, match=f"HashedCrossing: .*{message}"):
        layers.HashedCrossing(10)(inputs)
    with pytest.raises(NotImplementedError, match="sparse"):
        layers.HashedCrossing(10, sparse=True)
    with pytest.raises(ValueError, match="output_mode"):
        layers.HashedCrossing(10, output_mode="count")
