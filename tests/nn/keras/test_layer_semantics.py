"""Keras layers as Keras 3 has them: a custom Layer's weight
order, build() given Keras' input_shape, merges that broadcast, ReLU at its threshold, a
Concatenate of a masked and an unmasked sequence."""
import numpy as np
import pytest

import nn.keras as keras
from nn.keras import layers


class _Made(layers.Layer):
    """A counter made first and not trained, then kernels kept in a list, then a bias."""

    def build(self, input_shape):
        self.steps = self.add_weight(shape=(3,), initializer="zeros", trainable=False,
                                     name="steps")
        self.kernels = [self.add_weight(shape=(3,), initializer="ones", name=f"k{i}")
                        for i in range(2)]
        self.bias = self.add_weight(shape=(3,), initializer="zeros", name="bias")

    def call(self, x):
        return x * self.kernels[0] * self.kernels[1] + self.bias + self.steps


def test_custom_layer_weights_come_in_keras_order():
    """Keras: the weights made trainable, then the others, each in creation order (it was
    attribute order: the list's kernels last, the counter first), which a Keras-ordered
    set_weights of equal shapes filled in the wrong slots."""
    layer = _Made()
    layer(np.ones((1, 3), np.float32))
    assert [name for name, _ in layer.named_parameters()] == ["k0", "k1", "bias", "steps"]
    layer.set_weights([np.full(3, 2.0), np.full(3, 3.0), np.full(3, 5.0), np.zeros(3)])
    np.testing.assert_array_equal(layer(np.ones((1, 3), np.float32)).data, [[11.0] * 3])


@pytest.mark.parametrize("make, shape, count", [
    (lambda: layers.Dense(4), (None, 8), 36), (lambda: layers.Conv2D(4, 3), (None, 8, 8, 3), 112),
    (lambda: layers.LSTM(4), (None, 5, 8), 208),
    (lambda: layers.BatchNormalization(), (None, 8), 32),
    (lambda: layers.LayerNormalization(), (None, 8), 16)])
def test_build_takes_keras_input_shape(make, shape, count):
    layer = make()
    layer.build(shape)
    assert layer.count_params() == count


def test_merges_broadcast_sizes_of_one():
    x = keras.Input(shape=(4,))
    gated = layers.Multiply()([x, layers.Dense(1, activation="sigmoid")(x)])
    model = keras.Model(x, gated)
    assert model.predict(np.ones((2, 4), np.float32), verbose=0).shape == (2, 4)
    total = layers.Add()([np.ones((2, 3, 4), np.float32), np.ones((2, 1, 4), np.float32)])
    np.testing.assert_array_equal(total.data, np.full((2, 3, 4), 2.0))
    with pytest.raises(ValueError, match="one shape"):
        layers.Add()([np.ones((2, 3)), np.ones((2, 4))])


@pytest.mark.parametrize("merge", [layers.Add, layers.Subtract, layers.Multiply,
                                   layers.Average, layers.Maximum, layers.Minimum])
def test_merges_give_a_lower_rank_input_axes_after_the_batch_as_keras(merge):
    # Keras' Merge expands (N, D) to (N, 1, D) before broadcasting: a per-sample gate (N,)
    # meets (N, N) as (N, 1), never as a row (NumPy's alignment); refused before
    rng = np.random.default_rng(0)
    square, gate = rng.normal(size=(3, 3)), rng.normal(size=3)
    reference = {layers.Add: np.add, layers.Subtract: np.subtract,
                 layers.Multiply: np.multiply, layers.Average: lambda a, b: (a + b) / 2,
                 layers.Maximum: np.maximum, layers.Minimum: np.minimum}[merge]
    np.testing.assert_allclose(merge()([square, gate]).data,
                               reference(square, gate[:, None]))
    steps, each = rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 4))
    np.testing.assert_allclose(merge()([each, steps]).data,
                               reference(each[:, None], steps))
    first, second = keras.Input(shape=(5, 4)), keras.Input(shape=(4,))
    model = keras.Model([first, second], merge()([first, second]))
    assert model.predict([steps, each], verbose=0).shape == (2, 5, 4)


def test_average_of_integer_inputs_is_float32_as_keras():
    ints = np.arange(6).reshape(2, 3)
    mean = layers.Average()([ints, ints + 1])
    assert mean.dtype == np.float32  # (it was float64: int64 times 0.5)
    np.testing.assert_array_equal(mean.data, ints + 0.5)
    assert layers.Average()([ints.astype(np.float64)] * 2).dtype == np.float64


def test_relu_at_its_threshold_is_zero_and_refuses_a_negative_one():
    np.testing.assert_array_equal(
        layers.ReLU(threshold=1.0)(np.array([0.0, 1.0, 2.0])).data, [0.0, 0.0, 2.0])
    with pytest.raises(ValueError, match="threshold must be >= 0"):
        layers.ReLU(threshold=-1.0)


def test_concatenating_a_masked_and_an_unmasked_sequence_along_the_steps():
    tokens, features = keras.Input(shape=(3,), dtype="int32"), keras.Input(shape=(2, 4))
    embedded = layers.Embedding(10, 4, mask_zero=True)(tokens)
    joined = layers.Concatenate(axis=1)([embedded, features])
    model = keras.Model([tokens, features], layers.LSTM(2)(joined))
    out = model.predict([np.array([[1, 2, 0]]), np.ones((1, 2, 4), np.float32)], verbose=0)
    assert out.shape == (1, 2)
