"""Silent differences from Keras 3.15.1 (torch backend) that random models found; each
expected value is Keras' own, computed once and written here as a literal."""
import numpy as np
import pytest

import nn.keras as keras


def _ignore_class_model():
    """Dense(3) of a fixed kernel whose loss ignores label 0, a class of the model."""
    kernel = np.array([[1.0, -0.5, 0.2], [0.3, 0.8, -1.0]], np.float32)
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(3)])
    model.set_weights([kernel, np.zeros(3, np.float32)])
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=loss,
                  metrics=["accuracy", keras.metrics.SparseCategoricalAccuracy(name="acc"),
                           keras.metrics.SparseTopKCategoricalAccuracy(k=2, name="top2")])
    return model


@pytest.mark.parametrize("batch_size, loss", [(4, 2.099212646484375), (6, 2.0035059452056885)])
def test_metrics_count_an_ignore_class_that_is_a_class(batch_size, loss):
    """Keras' loss masks only its own values: its compiled metrics score label 0 as any
    other (the one right prediction is a label 0: 1/6, not 0/4)."""
    x = np.array([[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8], [0.9, 0.9], [-1.2, 0.1],
                  [0.4, -0.6]], np.float32)
    y = np.array([0, 1, 2, 0, 2, 1])
    logs = _ignore_class_model().evaluate(x, y, batch_size=batch_size, verbose=0,
                                          return_dict=True)
    assert logs["loss"] == pytest.approx(loss, rel=1e-6)
    assert logs["accuracy"] == pytest.approx(1 / 6, rel=1e-6)
    assert logs["acc"] == pytest.approx(1 / 6, rel=1e-6)
    assert logs["top2"] == pytest.approx(0.5, rel=1e-6)


def test_a_schedules_logged_learning_rate_is_its_rate_at_the_optimizers_iterations():
    """ReduceLROnPlateau logs optimizer.learning_rate: a schedule's rate at the steps taken
    so far (the next step's), 0.1 * 0.5**steps after 2 and 4 steps, not the last step's."""
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(schedule), loss="mse")
    history = model.fit(np.ones((8, 2)), np.ones((8, 1)), batch_size=4, epochs=2, verbose=0,
                        callbacks=[keras.callbacks.ReduceLROnPlateau(monitor="loss",
                                                                     patience=5)])
    np.testing.assert_allclose(history.history["learning_rate"], [0.025, 0.00625], rtol=1e-6)


def _dice_data():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(9, 3)).astype(np.float32)
    y = (rng.random((9, 1)) < 0.5).astype(np.float32)
    return x, y, rng.uniform(0.2, 2, 9).astype(np.float32)


def _dice_model(reduction):
    """Dense(1, sigmoid) of a fixed kernel with Dice of axis=None: one loss per batch."""
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1, activation="sigmoid")])
    model.set_weights([np.array([[0.5], [-0.3], [0.8]], np.float32), np.zeros(1, np.float32)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=keras.losses.Dice(reduction=reduction))
    return model


@pytest.mark.parametrize("reduction, weighted, batch_size, expected", [
    ("sum", False, 4, 0.6948572993278503), ("sum", True, 4, 2.5736324787139893),
    ("sum", True, 9, 6.194659233093262), ("sum_over_batch_size", True, 4, 0.7860570549964905),
    ("mean_with_sample_weight", False, 4, 0.6948572993278503),
    ("mean_with_sample_weight", True, 9, 0.6521965265274048)])
def test_a_loss_of_the_whole_batch_is_scaled_by_the_sample_weights(reduction, weighted,
                                                                  batch_size, expected):
    """Keras' Dice of axis=None returns the batch's one loss: each sample's weight scales
    it (a ValueError before, asking for one loss per sample)."""
    x, y, w = _dice_data()
    value = _dice_model(reduction).evaluate(x, y, batch_size=batch_size, verbose=0,
                                            sample_weight=w if weighted else None)
    assert value == pytest.approx(expected, rel=1e-5)


def test_fit_with_a_loss_of_the_whole_batch_and_sample_weights():
    x, y, w = _dice_data()
    model = _dice_model("sum_over_batch_size")
    history = model.fit(x, y, batch_size=4, epochs=2, verbose=0, shuffle=False, sample_weight=w)
    np.testing.assert_allclose(history.history["loss"], [0.785787045955658, 0.7826830744743347],
                               rtol=1e-5)
    np.testing.assert_allclose(model.get_weights()[0].ravel(),
                               [0.46629816, -0.29148826, 0.7861657], rtol=1e-5)


@pytest.mark.parametrize("reduction, expected", [
    ("sum", 1.1111114025115967), ("sum_over_batch_size", 0.27777785062789917),
    ("mean_with_sample_weight", 0.22222228348255157),
    ("none", [0.11111113429069519, 0.44444453716278076, 0.22222226858139038,
              0.33333340287208557])])
def test_a_loss_of_the_whole_batch_called_with_sample_weights(reduction, expected):
    """Dice (axis=None: 2/9 for these) called directly: the weights scale its one value."""
    y = np.array([[1.0], [0.0], [1.0], [1.0]], np.float32)
    p = np.array([[0.8], [0.3], [0.4], [0.9]], np.float32)
    w = np.array([0.5, 2.0, 1.0, 1.5], np.float32)
    value = keras.losses.Dice(reduction=reduction)(y, p, sample_weight=w)
    np.testing.assert_allclose(value.data, expected, rtol=1e-5)
