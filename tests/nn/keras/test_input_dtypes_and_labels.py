"""What Keras converts on the way in: integer inputs to the Input's float dtype (uint8
pixels must not wrap around), boolean labels to classes."""
import numpy as np
import pytest

import nn.keras as keras
from nn.keras import layers

PIXELS = np.array([[10, 20, 30], [200, 250, 0]], np.uint8)


def _shifted(functional):
    """x - 128, summed: wraps around in uint8 arithmetic, not in float32."""
    dense = layers.Dense(1, kernel_initializer="ones", use_bias=False)
    if functional:
        inputs = keras.Input(shape=(3,))
        return keras.Model(inputs, dense(layers.Lambda(lambda z: z - 128)(inputs)))
    return keras.Sequential([keras.Input(shape=(3,)), layers.Lambda(lambda z: z - 128), dense])


@pytest.mark.parametrize("functional", [False, True], ids=["sequential", "functional"])
@pytest.mark.parametrize("dtype", [np.uint8, np.int64, bool])
def test_integer_inputs_are_cast_to_the_inputs_float_dtype(functional, dtype):
    model = _shifted(functional)
    x = PIXELS.astype(dtype)
    want = model.predict(x.astype(np.float32), verbose=0)
    np.testing.assert_array_equal(model.predict(x, verbose=0), want)
    assert want.dtype == np.float32
    np.testing.assert_allclose(want[:, 0], x.astype(np.float64).sum(axis=1) - 3 * 128)


def test_a_batch_norm_after_the_input_takes_uint8_images_and_an_int_input_keeps_ids():
    model = keras.Sequential([keras.Input(shape=(3,)), layers.BatchNormalization(),
                              layers.Dense(1)])
    assert model.predict(PIXELS, verbose=0).shape == (2, 1)
    ids = keras.Input(shape=(4,), dtype="int32")
    embedded = keras.Model(ids, layers.Flatten()(layers.Embedding(10, 2)(ids)))
    tokens = np.array([[1, 2, 0, 9]])
    table = embedded.layers[-2].get_weights()[0]
    np.testing.assert_array_equal(embedded.predict(tokens, verbose=0),
                                  table[tokens[0]].reshape(1, -1))


def test_boolean_labels_are_classes_for_sparse_categorical_crossentropy():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 4)).astype(np.float32)
    labels = x[:, 0] > 0
    histories = []
    for y in (labels, labels.astype(np.int64)):
        np.random.seed(0)
        model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(2, activation="softmax")])
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        histories.append(model.fit(x, y, epochs=3, batch_size=8, verbose=0).history)
    assert histories[0] == histories[1]


def test_labels_not_matching_the_outputs_rows_name_both_shapes():
    model = keras.Sequential([layers.Dense(2, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(0).standard_normal((8, 3, 4)).astype(np.float32)
    with pytest.raises(ValueError, match=r"labels of shape \(8,\) do not match the model's "
                                         r"output of shape \(8, 3, 2\).*shape \(8, 3\)"):
        model.fit(x, np.zeros(8, np.int64), verbose=0)
