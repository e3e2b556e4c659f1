"""Keras' Normalization: adapt learns each feature's mean and variance (arrays or batches),
the layer standardizes (or, inverted, restores) them, and is saved with what it learned.
(Checked once against Keras 3.15 on this data: equal to 5e-7.)"""
import numpy as np
import pytest

import nn
import nn.keras as keras
from nn.keras import layers


def data():
    rng = np.random.default_rng(0)
    scales = np.array([1, 10, 0.1, 5])
    return (rng.normal(3, 2, size=(100, 4)) * scales).astype(np.float32)


def test_adapt_then_standardize_each_feature():
    x = data()
    norm = layers.Normalization()
    norm.adapt(x)
    np.testing.assert_allclose(norm(x).data, (x - x.mean(axis=0)) / x.std(axis=0), atol=2e-5)
    batched = layers.Normalization()
    batched.adapt(iter([x[:30], x[30:]]))  # a dataset of batches, as Keras takes one
    np.testing.assert_allclose(batched.variance, norm.variance, rtol=1e-5)


def test_axis_none_and_invert():
    x = data()
    whole = layers.Normalization(axis=None)
    whole.adapt(x)
    assert whole.mean.shape == () and float(whole(x).data.std()) == pytest.approx(1, rel=1e-5)
    forward = layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 9.0])
    back = layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 9.0], invert=True)
    y = np.array([[3.0, 8.0]], np.float32)
    np.testing.assert_allclose(forward(y).data, [[1.0, 2.0]])
    np.testing.assert_allclose(back(forward(y)).data, y)


def test_a_model_with_it_trains_and_is_saved_with_the_statistics(tmp_path):
    x = data()
    y = x @ np.array([[1.0], [0.1], [10.0], [0.2]], np.float32)
    norm = layers.Normalization()
    norm.adapt(x)
    np.random.seed(0)
    model = keras.Sequential([keras.Input(shape=(4,)), norm, layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1), loss="mse")
    losses = model.fit(x, y, batch_size=20, epochs=60, verbose=0).history["loss"]
    assert losses[-1] < 1e-3 * losses[0]
    model.save(tmp_path / "m.keras")
    np.testing.assert_allclose(nn.load_model(tmp_path / "m.keras").predict(x),
                               model.predict(x), rtol=1e-6)


def test_half_given_statistics_are_refused_and_before_adapt_it_is_keras_identity():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(layers.Normalization()(x).data, x)  # mean 0, variance 1
    with pytest.raises(ValueError, match="given to the constructor"):
        layers.Normalization(mean=[0.0], variance=[1.0]).adapt(x)
    with pytest.raises(ValueError, match="give both mean and variance"):
        layers.Normalization(mean=[0.0])
    with pytest.raises(ValueError, match="the data holds no samples"):
        layers.Normalization().adapt(iter([]))


def _adapted_model(data):
    norm = layers.Normalization()
    norm.adapt(data)
    return keras.Sequential([keras.Input((4,)), norm,
                             layers.Dense(1, kernel_initializer="ones")])


def test_the_learned_statistics_are_keras_weights(tmp_path):
    """Keras' non-trainable weights mean, variance and count (an int, which Keras 3 keeps 0):
    get_weights / set_weights / save_weights carry them (they were left out, so a copy kept
    its own statistics: a silent difference found against Keras 3.15.1), summary counts
    them (4 + 4 + 1), a clone is unadapted as Keras', given statistics are no weights."""
    x = np.random.RandomState(0).uniform(-1, 3, (20, 4)).astype(np.float32)
    source, target = _adapted_model(x), _adapted_model(x * 3 + 1)
    weights = source.get_weights()
    assert [w.shape for w in weights] == [(4,), (4,), (), (4, 1), (1,)]
    assert weights[2].dtype == np.int32 and weights[2] == 0
    np.testing.assert_allclose(weights[0], x.mean(axis=0), rtol=1e-5)
    target.set_weights(weights)
    expected = source.predict(x[:3])
    np.testing.assert_allclose(target.predict(x[:3]), expected, rtol=1e-6)
    source.save_weights(tmp_path / "a.weights.h5")
    other = _adapted_model(x * 5)
    other.load_weights(tmp_path / "a.weights.h5")
    np.testing.assert_allclose(other.predict(x[:3]), expected, rtol=1e-6)
    lines = []
    source.summary(print_fn=lines.append)
    assert any("normalization (Normalization)" in line and line.rstrip().endswith(" 9")
               for line in lines)
    clone = keras.models.clone_model(source)
    np.testing.assert_array_equal(clone.layers[0].mean, np.zeros(4, np.float32))
    assert layers.Normalization(mean=[1.0], variance=[4.0]).get_weights() == []


def test_a_layer_built_before_adapt_takes_the_statistics_later():
    """Keras builds it at mean 0 and variance 1; adapt then sets them (Keras 3.15.1's
    outputs: [-1.2247, 0, 1.2247])."""
    norm = layers.Normalization()
    model = keras.Sequential([keras.Input((1,)), norm,
                              layers.Dense(1, kernel_initializer="ones")])
    data = np.array([[0.0], [2.0], [4.0]], np.float32)
    np.testing.assert_allclose(model.predict(data).ravel(), [0, 2, 4])
    norm.adapt(data)
    np.testing.assert_allclose(model.predict(data).ravel(), [-1.2247448, 0, 1.2247448],
                               rtol=1e-6)


def test_adapt_keeps_a_small_spread_around_a_large_mean():
    """Sums of x^2 less (sum x)^2 / n gave timestamps' variance as 512 for 104 (1.7e9 +- 10),
    and outputs of spread 0.45 where Keras' give 1."""
    from nn.keras.layers import Normalization
    rng = np.random.default_rng(0)
    x = 1.7e9 + rng.normal(0, 10, size=(1000, 2))
    layer = Normalization()
    layer.adapt([x[:300], x[300:]])
    np.testing.assert_allclose(layer.mean, x.mean(0), rtol=1e-7)  # (kept in float32)
    np.testing.assert_allclose(layer.variance, x.var(0), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(layer(x).data).std(0), 1.0, rtol=1e-5)


def test_adapt_takes_a_list_of_batches_and_refuses_an_axis_beyond_the_input():
    from nn.keras.layers import Normalization
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(5, 3)), rng.normal(size=(4, 3)) + 10
    layer = Normalization()
    layer.adapt([a, b])  # (a list is batches, as Keras reads it: not one ragged array)
    np.testing.assert_allclose(layer.mean, np.vstack([a, b]).mean(0))
    assert Normalization(axis=1).adapt([a]).mean.shape == (3,)
    assert Normalization(axis=0).adapt([a, a]).mean.shape == (5,)
    np.testing.assert_allclose(Normalization().adapt([[1.0, 2.0], [3.0, 4.0]]).mean, [2, 3])
    with pytest.raises(ValueError, match=r"axis \(2,\) is outside the 2 axes"):
        Normalization(axis=2).adapt(np.zeros((6, 3)))
    with pytest.raises(ValueError, match="batches differ on the kept axes"):
        Normalization().adapt([a, rng.normal(size=(2, 4))])


def test_given_statistics_broadcast_over_the_kept_axes_and_a_wrong_input_is_named():
    from nn.keras.layers import Normalization
    layer = Normalization(axis=(1, 2), mean=[1.0, 2.0, 3.0], variance=[1.0, 1.0, 4.0])
    out = np.asarray(layer(np.zeros((2, 4, 3), np.float32)).data)
    np.testing.assert_allclose(out[0, 0], [-1.0, -2.0, -1.5])
    learned = Normalization().adapt(np.random.default_rng(0).random((5, 3)))
    with pytest.raises(ValueError, match=r"has \(4,\) on the kept axes .* learned for \(3,\)"):
        learned(np.zeros((2, 4)))


def test_axes_given_out_of_order_keep_keras_order():
    """axis=(-1, -2): adapt learned (3, 4) statistics and the call refused them; given ones
    were scrambled across the two axes."""
    x = np.random.default_rng(0).standard_normal((5, 3, 4))
    layer = layers.Normalization(axis=(-1, -2))
    layer.adapt(x)
    assert layer.mean.shape == (3, 4)
    np.testing.assert_allclose(layer(x).data.mean(axis=0), 0, atol=1e-6)
    given = layers.Normalization(axis=(-1, -2), mean=np.arange(12.0).reshape(3, 4),
                                 variance=np.ones((3, 4)))
    np.testing.assert_allclose(given(np.zeros((2, 3, 4))).data[0],
                               -np.arange(12.0).reshape(3, 4))


def test_given_statistics_that_do_not_fit_are_named():
    with pytest.raises(ValueError, match="mean and variance must have the same shape, got "
                                         r"\(3,\) and \(4,\)"):
        layers.Normalization(mean=[1.0, 2, 3], variance=[1.0, 1, 1, 1])
    with pytest.raises(ValueError, match=r"Normalization: the given mean and variance of "
                                         r"shape \(3,\) do not fit the kept axes \(2,\)"):
        layers.Normalization(mean=[1.0, 2, 3], variance=[1.0, 1, 1])(np.zeros((2, 3, 4)))


def test_adapt_takes_a_list_of_x_y_batches():
    x = np.random.default_rng(1).standard_normal((6, 4))
    layer = layers.Normalization()
    layer.adapt([(x[:2], 0), (x[2:], 1)])
    np.testing.assert_allclose(layer.mean, x.mean(axis=0), rtol=1e-6)
