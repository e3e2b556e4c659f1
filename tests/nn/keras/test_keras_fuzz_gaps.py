"""Places where Keras 3.15.1 (torch backend) gives a value and rungrad raised, found by a
Keras-parity fuzz; each expected value is Keras' own, computed once and written here as a
literal (or, where rungrad deliberately departs, the departure's reason says what)."""
import warnings

import numpy as np
import pytest

import nn.keras as keras
from autograd import Variable

X = np.array([[[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], [[3.0, 1.0, 0.0], [-2.0, 0.5, 1.0]]],
             np.float32)
UPSTREAM = np.array([[[1.0, -2.0, 0.5], [0.3, 1.0, -1.0]], [[2.0, 0.0, 1.0], [-0.5, 1.5, 0.7]]],
                    np.float32)

# Keras' LayerNormalization(rms_scaling=True, gamma_initializer=Constant(1.5), **options) of X:
# (options, output, d(sum(output * UPSTREAM))/dX, the same of gamma)
RMS_SCALING_CASES = [
    ({}, [[[0.61217, -1.22434, 2.44867], [2.44302, 0.40717, -1.22151]],
          [[3.60687, 1.20229, 0.0], [-2.28534, 0.57133, 1.14267]]],
     [[[1.22434, -1.02123, -0.81527], [-0.59413, 1.70602, -0.62329]],
      [[-0.1701, 0.51494, 3.26203], [0.42147, 1.35298, 0.16808]]],
     [6.46765, 2.47523, 2.16381]),
    ({"axis": [1, 2], "epsilon": 0.1},
     [[[0.66277, -1.32554, 2.65108], [1.98831, 0.33138, -0.99415]],
      [[2.96632, 0.98877, 0.0], [-1.97754, 0.49439, 0.98877]]],
     [[[1.25437, -1.44127, -0.68937], [-0.52748, 1.46787, -0.32923]],
      [[0.51527, -0.25212, 1.34173], [1.06873, 1.53358, 0.44002]]],
     [[4.39693, 1.76738, 0.88369], [1.05684, 0.71531, 1.1242]]),
    ({"axis": 1, "scale": False},  # (rms_scaling keeps gamma whatever scale says, as Keras)
     [[[1.49701, -2.39693, 2.18124], [4.49103, 0.59923, -0.81797]],
      [[1.79986, 5.95257, 0.0], [-1.1999, 2.97628, 2.99402]]],
     [[[5.827, -0.4904, -0.14835], [-1.93478, -1.90653, -0.39696]],
      [[0.36011, -8.78824, 5.08148], [0.53982, 17.71709, 0.00835]]],
     [7.32081, 6.61646]),
]


def _rms_scaling_layer(**options):
    with pytest.warns(UserWarning, match="rms_scaling"):  # (deprecated in Keras 3.15 too)
        return keras.layers.LayerNormalization(
            rms_scaling=True, gamma_initializer=keras.initializers.Constant(1.5), **options)


@pytest.mark.parametrize("options, output, x_grad, gamma_grad", RMS_SCALING_CASES)
def test_layer_normalization_rms_scaling_forward_and_gradients(options, output, x_grad,
                                                               gamma_grad):
    """x / sqrt(var(x) + epsilon) * gamma over `axis`, x not centred, no beta."""
    layer = _rms_scaling_layer(**options)
    x = Variable(X)
    y = layer(x)
    (y * UPSTREAM).sum().backward()
    np.testing.assert_allclose(y.data, output, atol=2e-5)
    np.testing.assert_allclose(x.grad.data, x_grad, atol=5e-5)
    np.testing.assert_allclose(layer.gamma.grad.data, gamma_grad, atol=5e-5)
    assert layer.beta is None and [name for name, _ in layer.named_parameters()] == ["weight"]


def test_layer_normalization_rms_scaling_config_and_save_round_trip(tmp_path):
    layer = _rms_scaling_layer(axis=[1, 2], epsilon=0.1)
    config = layer.get_config()
    assert config["rms_scaling"] is True and config["epsilon"] == 0.1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        again = keras.layers.LayerNormalization.from_config(config)
        model = keras.Sequential([keras.Input(shape=(2, 3)), layer])
        model.save(tmp_path / "m.keras")
        loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(again(X).data, RMS_SCALING_CASES[1][1], atol=2e-5)
    np.testing.assert_allclose(loaded.predict(X, verbose=0), RMS_SCALING_CASES[1][1], atol=2e-5)
    assert loaded.layers[-1].rms_scaling and loaded.layers[-1].beta is None


def test_sparsemax_is_an_activation_name():
    """Dense(activation='sparsemax'): Keras' rows where one entry is kept; rungrad's sparsemax
    is Martins and Astudillo's, whose rows sum to 1 (Keras 3.15 sums the running sums for
    its threshold: the last row, of [0.7, -0.175, 0.15], would be [0.425, 0, 0] there)."""
    layer = keras.layers.Dense(3, activation="sparsemax")
    layer.build((None, 2))
    layer.set_weights([np.array([[2.0, 0.1, -1.0], [0.5, -0.5, 1.0]], np.float32),
                       np.zeros(3, np.float32)])
    x = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0], [0.25, 0.4]], np.float32)
    np.testing.assert_allclose(layer(x).data, [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0],
                                               [1.0, 0.0, 0.0], [0.775, 0.0, 0.225]], atol=1e-6)
    assert layer.get_config()["activation"] == "sparsemax"
    assert keras.activations.get("sparsemax") is keras.activations.sparsemax


def test_threshold_as_an_activation_name_is_refused_clearly():
    """Keras takes the name and fails at the first call (threshold() missing its
    arguments); rungrad says so when the layer is made."""
    with pytest.raises(ValueError, match="'threshold' needs its threshold and default_value"):
        keras.layers.Dense(3, activation="threshold")


@pytest.mark.parametrize("axis, expected", [
    (0, [[0.281088, -0.320821, 1.905148, 1.096588]]),
    (1, [[0.440398, -0.817574], [0.238144, -0.548294]]),
    (-1, [[0.440398, -0.817574], [0.238144, -0.548294]]),
])
def test_glu_takes_keras_axis(axis, expected):
    x = np.array([[0.5, -1.0, 2.0, 1.5], [0.25, -0.75, 3.0, 1.0]], np.float32)
    np.testing.assert_allclose(keras.activations.glu(x, axis=axis).data, expected, atol=1e-6)
    assert keras.activations.serialize(keras.activations.glu) == "glu"


def _ftrl_model(learning_rate):
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(
        1, kernel_initializer=keras.initializers.Constant(0.5))])
    model.compile(optimizer=keras.optimizers.Ftrl(learning_rate=learning_rate), loss="mse")
    return model


def test_ftrl_refuses_a_learning_rate_of_zero():
    with pytest.raises(ValueError, match="lr must be a number > 0"):
        keras.optimizers.Ftrl(learning_rate=0.0)


@pytest.mark.parametrize("start, end, steps_done", [(0.1, 0.0, 1), (0.0, 0.1, 0)])
def test_an_ftrl_step_at_a_rate_of_zero_is_refused_its_weights_kept(start, end, steps_done):
    """Keras divides by the rate (every weight NaN from the step where the schedule gives
    0: its last one, or its first); here that step raises, the weights as they were."""
    model = _ftrl_model(keras.optimizers.schedules.PolynomialDecay(start, 1,
                                                                   end_learning_rate=end))
    x = np.array([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0], [-1.0, 1.0]], np.float32)
    y = np.array([[3.0], [-1.0], [2.0], [0.5]], np.float32)
    for _ in range(steps_done):
        model.train_on_batch(x[:2], y[:2])
    before = model.get_weights()
    with pytest.raises(ValueError, match="Ftrl.*the learning rate is 0 at this step"):
        model.train_on_batch(x[2:], y[2:])
    for kept, now in zip(before, model.get_weights()):
        np.testing.assert_array_equal(kept, now)
    assert np.isfinite(np.concatenate([w.ravel() for w in before])).all()


def _masked_sequence_model(units):
    """Embedding(mask_zero) -> LSTM(return_sequences) -> Dense(sigmoid), fixed weights."""
    model = keras.Sequential([
        keras.Input(shape=(4,), dtype="int32"), keras.layers.Embedding(6, 3, mask_zero=True),
        keras.layers.LSTM(2, return_sequences=True),
        keras.layers.Dense(units, activation="sigmoid")])
    model.set_weights([np.sin(np.arange(w.size).reshape(w.shape) * 0.7 + i).astype(np.float32)
                       for i, w in enumerate(model.get_weights())])
    return model


# (units, loss, Keras' evaluate, fit's two epochs (batches of 2), evaluate after)
MASKED_OVERLAP_CASES = [
    (2, "dice", 0.641414, [0.642721, 0.637095], 0.630332),
    (2, "dice_object", 0.641414, [0.642721, 0.637095], 0.630332),
    (2, "tversky_0.3_0.7", 0.651515, [0.652302, 0.650432], 0.647890),
    (1, "dice_axis_1", 0.656938, [0.663445, 0.65196], 0.633120),
    (2, "tversky", 0.641414, [0.642721, 0.637095], 0.630332),
]

LOSSES = {"dice": lambda: "dice", "tversky": lambda: "tversky",
          "dice_object": lambda: keras.losses.Dice(),
          "tversky_0.3_0.7": lambda: keras.losses.Tversky(alpha=0.3, beta=0.7),
          "dice_axis_1": lambda: keras.losses.Dice(axis=1)}


@pytest.mark.parametrize("units, loss, evaluated, epochs, after", MASKED_OVERLAP_CASES)
def test_dice_and_tversky_on_masked_sequences(units, loss, evaluated, epochs, after):
    """Keras weighs the one loss of axis=None (or one per sample of Dense(1)'s Dice(axis=1))
    by the mask: the loss itself wherever a step is real."""
    x = np.array([[3, 1, 0, 0], [2, 5, 4, 0], [1, 0, 0, 0]])
    y = (np.arange(3 * 4 * units).reshape(3, 4, units) % 3 == 0).astype(np.float32)
    model = _masked_sequence_model(units)
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss=LOSSES[loss]())
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), evaluated, atol=2e-6)
    history = model.fit(x, y, epochs=2, batch_size=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], epochs, atol=2e-6)
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), after, atol=2e-6)


def test_a_masked_loss_that_cannot_spread_over_the_steps_is_named():
    """Tversky(axis=(1, 2)): one loss per sample (3,) against the mask (3, 4), which Keras
    cannot broadcast either."""
    x = np.array([[3, 1, 0, 0], [2, 5, 4, 0], [1, 0, 0, 0]])
    model = _masked_sequence_model(1)
    model.compile(loss=keras.losses.Tversky(axis=(1, 2)))
    with pytest.raises(ValueError, match=r"mask has shape \(3, 4\).*losses of shape \(3,\)"):
        model.evaluate(x, np.ones((3, 4, 1), np.float32), verbose=0)


NOT_PROBABILITIES = np.array([[0.2, 1.5, 0.3], [2.0, -0.5, 0.7], [0.1, 0.1, 0.05]], np.float32)
LABELS = np.array([1, 0, 2])


def test_sparse_and_one_hot_crossentropy_metrics_agree_on_non_probabilities():
    """Keras 3's PyTorch backend, both metrics: y_pred / sum(y_pred), clipped, then -log."""
    sparse = keras.metrics.SparseCategoricalCrossentropy()
    one_hot = keras.metrics.CategoricalCrossentropy()
    sparse.update_state(LABELS, NOT_PROBABILITIES)
    one_hot.update_state(np.eye(3, dtype=np.float32)[LABELS], NOT_PROBABILITIES)
    np.testing.assert_allclose(float(sparse.result()), 0.6641433835029602, rtol=1e-6)
    np.testing.assert_allclose(float(one_hot.result()), 0.6641433835029602, rtol=1e-6)
    np.testing.assert_allclose(
        keras.losses.sparse_categorical_crossentropy(LABELS, NOT_PROBABILITIES).data,
        [0.28768206, 0.09531022, 1.609438], rtol=1e-6)
