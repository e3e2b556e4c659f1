"""The smaller parts of the Keras face: the activation layers (Keras' defaults), Rescaling,
RepeatVector, keras.activations, keras.utils (pad_sequences, set_random_seed),
keras.saving.register_keras_serializable."""
import numpy as np
import pytest

import nn.keras as keras
from autograd import Variable
from autograd.testing import assert_gradients_match
from nn.keras import layers

from ._helpers import check_gradients


def test_activation_layers_follow_keras():
    x = np.array([[-2.0, -0.5, 0.0, 0.5, 7.0]])
    np.testing.assert_allclose(layers.ReLU()(x).data, np.maximum(x, 0))
    np.testing.assert_allclose(layers.ReLU(max_value=6.0)(x).data, np.clip(x, 0, 6))
    np.testing.assert_allclose(layers.ReLU(negative_slope=0.1, threshold=0.5)(x).data,
                               np.where(x > 0.5, x, 0.1 * (x - 0.5)))  # (0 at 0.5: Keras)
    np.testing.assert_allclose(layers.LeakyReLU()(x).data, np.where(x >= 0, x, 0.3 * x))
    with pytest.warns(UserWarning, match="`alpha` is deprecated. Use `negative_slope`"):
        old = layers.LeakyReLU(alpha=0.1)  # (tf.keras 2's name, which Keras 3 takes so)
    np.testing.assert_allclose(old(x).data, np.where(x >= 0, x, 0.1 * x))
    assert old.get_config()["negative_slope"] == 0.1 and "alpha" not in old.get_config()
    with pytest.warns(UserWarning, match="`input_shape` is deprecated. Use `shape`"):
        assert layers.InputLayer(input_shape=(4,)).shape == (4,)
    np.testing.assert_allclose(layers.ELU()(x).data, np.where(x > 0, x, np.expm1(x)))
    e = np.exp(x - x.max())
    np.testing.assert_allclose(layers.Softmax()(x).data, e / e.sum(), rtol=1e-12)


def test_a_softmax_layer_after_a_trained_model_gives_probabilities():
    """The TensorFlow tutorial's probability_model = Sequential([model, Softmax()])."""
    np.random.seed(0)
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3)])
    probability_model = keras.Sequential([model, layers.Softmax()])
    p = probability_model.predict(np.ones((2, 4), np.float32))
    np.testing.assert_allclose(p.sum(axis=1), 1, rtol=1e-6)


def test_rescaling_and_repeat_vector():
    pixels = np.array([[0, 255]], np.uint8)
    np.testing.assert_allclose(layers.Rescaling(1 / 255)(pixels).data, [[0.0, 1.0]])
    assert layers.Rescaling(2.0, offset=-1.0)(pixels).dtype == np.float32
    v = Variable(np.arange(6.0).reshape(2, 3))
    repeated = layers.RepeatVector(4)(v)
    assert repeated.shape == (2, 4, 3)
    np.testing.assert_array_equal(repeated.data[:, 2], v.data)
    check_gradients(layers.RepeatVector(2), np.random.default_rng(0).normal(size=(2, 3)))
    with pytest.raises(ValueError, match=r"RepeatVector: expected an input of shape \(N, "
                                         r"features\)"):
        layers.RepeatVector(2)(np.zeros((2, 3, 4)))


def test_keras_activations_by_name():
    assert keras.activations.get("relu") is keras.activations.relu
    # Keras' linear: the identity, also for None (get gave None, and .linear was missing)
    assert keras.activations.get(None) is keras.activations.get("linear") is \
        keras.activations.linear
    assert keras.activations.linear(3.0) == 3.0
    with pytest.raises(AttributeError, match="has no activation 'relux'"):
        keras.activations.relux  # noqa: B018


def test_pad_sequences_as_keras():
    sequences = [[1, 2, 3], [4], [5, 6, 7, 8, 9]]
    np.testing.assert_array_equal(keras.utils.pad_sequences(sequences, maxlen=4), [
        [0, 1, 2, 3], [0, 0, 0, 4], [6, 7, 8, 9]])
    np.testing.assert_array_equal(
        keras.utils.pad_sequences(sequences, maxlen=4, padding="post", truncating="post",
                                  value=-1), [[1, 2, 3, -1], [4, -1, -1, -1], [5, 6, 7, 8]])
    assert keras.utils.pad_sequences(sequences).shape == (3, 5)
    assert keras.utils.pad_sequences([np.ones((2, 3)), np.ones((1, 3))]).shape == (2, 2, 3)
    with pytest.raises(ValueError, match="padding must be 'pre' or 'post'"):
        keras.utils.pad_sequences(sequences, padding="middle")


def test_set_random_seed_makes_weights_repeat():
    keras.utils.set_random_seed(7)
    first = layers.Dense(3, input_shape=(2,)).weight.data.copy()
    keras.utils.set_random_seed(7)
    np.testing.assert_array_equal(first, layers.Dense(3, input_shape=(2,)).weight.data)


def test_register_keras_serializable_saves_ones_own_loss(tmp_path):
    @keras.saving.register_keras_serializable()
    class Quartic(keras.losses.Loss):
        def call(self, y_true, y_pred):
            return ((y_pred - y_true) ** 4).mean(axis=-1)

    model = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss=Quartic())
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert isinstance(loaded.compiled_loss.keras_object, Quartic)
    x, y = np.ones((4, 2), np.float32), np.zeros((4, 1), np.float32)
    assert loaded.evaluate(x, y) == pytest.approx(model.evaluate(x, y))


def test_dense_kernel_is_keras_layout_of_the_weight_and_carries_gradients():
    dense = layers.Dense(3, input_shape=(2,))
    np.testing.assert_array_equal(dense.kernel.data, dense.get_weights()[0])
    (dense.kernel ** 2).sum().backward()  # (a penalty written with Keras' name)
    np.testing.assert_allclose(dense.weight.grad.data, 2 * dense.weight.data)
    with pytest.raises(AttributeError, match="not built yet"):
        _ = layers.Dense(3).kernel


@pytest.mark.parametrize("make", [lambda: keras.layers.Dense(4, trainable=False),
                                  lambda: keras.layers.LSTM(4, trainable=False),
                                  lambda: keras.layers.BatchNormalization(trainable=False)])
def test_keras_layers_take_trainable_as_an_argument(make, tmp_path):
    """Keras' base-layer argument: trainable=False freezes the layer once made, and a layer
    sized at its first call stays frozen; fit leaves its weights as they were, and the model
    saved and loaded keeps it so."""
    layer = make()
    x = np.random.default_rng(0).normal(size=(8, 3, 2) if "LSTM" in repr(layer) else (8, 2))
    model = keras.Sequential([keras.Input(x.shape[1:]), layer, keras.layers.Flatten(),
                              keras.layers.Dense(1)])
    assert not layer.trainable and all(not p.requires_grad for p in layer.parameters())
    before = [w.copy() for w in layer.get_weights()]
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, np.ones((8, 1)), epochs=2, verbose=0)
    for a, b in zip(before, layer.get_weights()):
        np.testing.assert_array_equal(a, b)
    model.save(tmp_path / "m.keras")
    assert not keras.models.load_model(tmp_path / "m.keras").layers[0].trainable
    with pytest.raises(TypeError, match="trainable must be True or False"):
        keras.layers.Dense(4, trainable="no")


def test_activations_take_keras_arguments_and_defaults():
    """Keras 3.15.1's values: leaky_relu's slope is 0.2 (PyTorch's 0.01), relu takes
    negative_slope, max_value and threshold, gelu approximate=True."""
    x = np.array([[-1.0, -0.2, 0.3, 0.7, 3.0]], np.float32)
    relu = keras.activations.relu
    np.testing.assert_allclose(relu(x, negative_slope=0.1, max_value=2.0, threshold=0.5).data,
                               [[-0.15, -0.07, -0.02, 0.7, 2.0]], rtol=1e-6)
    np.testing.assert_allclose(relu(x, max_value=2.0).data, [[0, 0, 0.3, 0.7, 2.0]])
    np.testing.assert_allclose(relu(x, threshold=0.5).data, [[0, 0, 0, 0.7, 3.0]])
    np.testing.assert_allclose(keras.activations.gelu(x, approximate=True).data,
                               [[-0.1588, -0.0841, 0.1854, 0.5306, 2.9964]], atol=1e-4)
    np.testing.assert_allclose(keras.activations.leaky_relu(x).data,
                               [[-0.2, -0.04, 0.3, 0.7, 3.0]], rtol=1e-6)
    assert keras.layers.Activation("leaky_relu")(x[:, :1]).item() == pytest.approx(-0.2)
    dense = keras.layers.Dense(1, activation="leaky_relu", kernel_initializer="ones")
    assert dense(np.array([[-1.0]], np.float32)).item() == pytest.approx(-0.2)
    v = Variable(x.astype(np.float64))
    relu(v, negative_slope=0.1, max_value=2.0, threshold=0.5).sum().backward()
    np.testing.assert_allclose(v.grad.data, [[0.1, 0.1, 0.1, 1.0, 0.0]])


def test_relu_at_its_threshold_and_below_zero_as_keras():
    """Keras 3.15.1's relu: 0 at x = threshold (as its ReLU layer; rungrad gave threshold
    there), and with a negative threshold x in (threshold, 0) kept, or clipped to 0 under
    max_value (rungrad kept it under max_value)."""
    relu = keras.activations.relu
    x = np.array([-2.0, -0.5, -0.25, 0.0, 0.5, 1.0, 1.5], np.float32)
    np.testing.assert_array_equal(relu(x, threshold=1.0).data, [0, 0, 0, 0, 0, 0, 1.5])
    np.testing.assert_allclose(relu(x, threshold=1.0, negative_slope=0.1).data,
                               [-0.3, -0.15, -0.125, -0.1, -0.05, 0, 1.5], rtol=1e-6)
    np.testing.assert_array_equal(relu(x, threshold=-0.5).data, [0, 0, -0.25, 0, 0.5, 1, 1.5])
    np.testing.assert_allclose(relu(x, threshold=-0.5, negative_slope=0.1, max_value=1.2).data,
                               [-0.15, 0, 0, 0, 0.5, 1, 1.2], rtol=1e-6)
    assert relu(x, threshold=1.0).dtype == np.float32


def test_more_keras_activation_names_give_keras_values():
    """Keras 3.15.1's values at x = -1, 0.3 and 7.5."""
    x = np.array([-1.0, 0.3, 7.5], np.float32)
    expected = {"selu": [-1.11133, 0.31521, 7.88026], "relu6": [0, 0.3, 6],
                "hard_sigmoid": [0.33333, 0.55, 1], "hard_silu": [-0.33333, 0.165, 7.5],
                "hard_swish": [-0.33333, 0.165, 7.5], "mish": [-0.30340, 0.20800, 7.5],
                "softsign": [-0.5, 0.23077, 0.88235],
                "exponential": [0.36788, 1.34986, 1808.04236]}
    for name, values in expected.items():
        np.testing.assert_allclose(keras.activations.get(name)(x).data, values, rtol=2e-5,
                                   atol=1e-5, err_msg=name)
        saved = keras.layers.Dense(2, activation=name).get_config()["activation"]
        assert keras.activations.get(saved) is keras.activations.get(name)  # (or an alias)


def test_keras_callbacks_rungrad_lacks_say_what_to_use():
    assert keras.callbacks.TensorBoard is not None  # (it was one rungrad lacked)
    with pytest.raises(AttributeError, match="has no attribute 'Nothing'"):
        _ = keras.callbacks.Nothing
    assert keras.callbacks.EarlyStopping is not None


def test_keras_configs_of_dense_and_the_normalizations_load():
    """Keras 3.15.1's get_config carries options rungrad does not offer at their 'unused'
    value (quantization_config=None, renorm=False, rms_scaling=False, ...): such configs load
    (they were refused); the options set otherwise are refused by name."""
    policy = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
              "registered_name": None}
    dense = {"name": "d", "trainable": True, "dtype": policy, "units": 2, "activation": "relu",
             "use_bias": True, "kernel_initializer": "glorot_uniform",
             "bias_initializer": "zeros", "kernel_regularizer": None, "bias_regularizer": None,
             "kernel_constraint": None, "bias_constraint": None, "quantization_config": None}
    layer = keras.layers.Dense.from_config(dense)
    assert (layer.units, layer.name) == (2, "d")
    norm = {"name": "ln", "axis": -1, "epsilon": 0.001, "center": True, "scale": True,
            "rms_scaling": False}
    assert keras.layers.LayerNormalization.from_config(norm).epsilon == 0.001
    batch = {"name": "bn", "axis": -1, "momentum": 0.9, "epsilon": 0.001, "center": True,
             "scale": True, "renorm": False, "renorm_clipping": None, "renorm_momentum": 0.99}
    assert keras.layers.BatchNormalization.from_config(batch).momentum == 0.9
    attention = {"num_heads": 2, "key_dim": 3, "use_gate": False, "sliding_window": None}
    assert keras.layers.MultiHeadAttention.from_config(attention).num_heads == 2
    with pytest.warns(UserWarning, match="rms_scaling"):  # (Keras' deprecated variant: taken)
        assert keras.layers.LayerNormalization.from_config(dict(norm, rms_scaling=True)).beta \
            is None
    with pytest.raises(TypeError, match="BatchNormalization: .*'renorm'"):
        keras.layers.BatchNormalization.from_config(dict(batch, renorm=True))


def test_set_random_seed_takes_an_integer_and_seeds_cupy_too(monkeypatch):
    """None seeded from entropy without a word; 1.5 half-seeded Python's generator before
    NumPy refused it; CuPy's generator (GPU dropout masks) was never seeded."""
    import sys
    import types
    seeded = []
    cupy = types.ModuleType("cupy")
    cupy.random = types.SimpleNamespace(set_random_state=seeded.append,
                                        RandomState=lambda seed: seed)
    monkeypatch.setitem(sys.modules, "cupy", cupy)
    keras.utils.set_random_seed(np.int64(3))
    assert seeded == [3]
    for seed in (None, 1.5, True, "7"):
        with pytest.raises(ValueError, match="set_random_seed: expected seed argument to be "
                                             "an integer"):
            keras.utils.set_random_seed(seed)


def test_to_categorical_names_a_label_that_does_not_fit():
    with pytest.raises(ValueError, match="to_categorical: label 5 does not fit num_classes=3"):
        keras.utils.to_categorical([0, 5], num_classes=3)
    with pytest.raises(ValueError, match=r"to_categorical: labels must be whole numbers, got "
                                         r"\[inf\]"):
        keras.utils.to_categorical([np.inf])
    with pytest.raises(ValueError, match="to_categorical: labels must be >= 0, got -1"):
        keras.utils.to_categorical([-1, 2])


def test_normalize_divides_by_the_norm_as_keras():
    x = np.array([[3.0, 4.0], [0.0, 0.0]])
    normalized = keras.utils.normalize(x)
    assert isinstance(normalized, np.ndarray)
    np.testing.assert_allclose(normalized, [[0.6, 0.8], [0.0, 0.0]])
    np.testing.assert_allclose(keras.utils.normalize(x, order=1), [[3 / 7, 4 / 7], [0, 0]])
    np.testing.assert_allclose(keras.utils.normalize(x, axis=0), [[1.0, 1.0], [0.0, 0.0]])
    v = Variable(np.array([[3.0, 4.0], [1.0, 2.0]]))
    assert_gradients_match(keras.utils.normalize, v, order=2)
    np.testing.assert_allclose(keras.utils.normalize(v).data,
                               keras.utils.normalize(v.data), rtol=1e-12)
