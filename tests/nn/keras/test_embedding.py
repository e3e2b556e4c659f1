"""nn.keras' Embedding: Keras' table and initialiser, lookups (float indices cast as Keras
casts them) against Keras 3 itself (data/recurrent_embedding.npz), gradients, saving,
summary, and a text-like classifier Embedding -> GRU -> Dense."""
import os

import numpy as np
import pytest

import nn
import nn.keras as keras
import optim
from autograd import Variable, gradcheck
from nn.keras import layers

DATA = os.path.join(os.path.dirname(__file__), "data")


def test_lookup_agrees_with_keras():
    data = np.load(os.path.join(DATA, "recurrent_embedding.npz"))
    layer = layers.Embedding(10, 4)
    layer.set_weights([data["w0"]])
    assert [k for k in layer.state_dict()] == ["embeddings"]
    np.testing.assert_array_equal(layer(data["x"]).data, data["y0"])
    np.testing.assert_array_equal(layer(data["x_float"]).data, data["y_float"])  # cast
    assert layer(data["x"]).dtype == np.float32


def test_keras_uniform_initialiser_and_weights_argument():
    np.random.seed(0)
    table = layers.Embedding(200, 8).embeddings.data
    assert table.shape == (200, 8) and np.abs(table).max() <= 0.05
    assert np.abs(table).max() > 0.049 and abs(table.mean()) < 0.005  # U(-0.05, 0.05)
    given = np.arange(6, dtype=np.float32).reshape(3, 2)
    np.testing.assert_array_equal(layers.Embedding(3, 2, weights=[given]).get_weights()[0],
                                  given)
    assert np.all(layers.Embedding(3, 2, embeddings_initializer="ones").embeddings.data == 1)


def test_gradient_matches_numerical():
    rng = np.random.default_rng(0)
    layer = layers.Embedding(5, 3, dtype="float64")
    index = np.array([[0, 4, 4], [1, 0, 2]])

    def f(table):
        saved = layer.embeddings
        object.__setattr__(layer, "embeddings", table)
        try:
            return layer(index)
        finally:
            object.__setattr__(layer, "embeddings", saved)

    gradcheck(f, rng.standard_normal((5, 3)), mode="full")
    y = layer(Variable(index.astype(np.float64)))  # float indices: no gradient to them
    (y * y).sum().backward()
    assert layer.embeddings.grad is not None


def test_out_of_range_index_is_named():
    with pytest.raises(IndexError, match="index 10 is out of range for 10"):
        layers.Embedding(10, 2)(np.array([[1, 10]]))


def test_input_length_sizes_the_model_and_summary(capsys):
    model = keras.Sequential([layers.Embedding(50, 6, input_length=9, name="words"),
                              layers.LSTM(5), layers.Dense(1)])
    assert model.layers[1].built  # sized by a trial call, as Keras' input_length did
    model.summary()
    out = capsys.readouterr().out
    assert "words (Embedding)" in out and "(None, 9, 6)" in out and "300" in out
    assert "(None, 5)" in out


def test_save_load_and_config(tmp_path):
    np.random.seed(0)
    model = keras.Sequential([keras.Input((4,), dtype="int64"),
                              layers.Embedding(7, 3, embeddings_regularizer="l2"),
                              layers.SimpleRNN(2), layers.Dense(1)])
    assert len(model.losses) == 1
    model.compile(optimizer="adam", loss="mse")
    x = np.array([[1, 2, 3, 0], [6, 5, 4, 4]])
    model.fit(x, np.zeros((2, 1)), epochs=1, verbose=0)
    model.save(tmp_path / "m.rungrad")
    loaded = nn.load_model(tmp_path / "m.rungrad")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.layers[1].get_config() == model.layers[1].get_config()
    assert len(loaded.losses) == 1


def tokens(n, seed, steps=12, vocab=20):
    """Token sequences labelled 1 when 'good' tokens (1-3) outnumber 'bad' ones (4-6); ties
    left out."""
    rng = np.random.default_rng(seed)
    x = rng.integers(1, vocab, (n, steps))
    good, bad = np.isin(x, (1, 2, 3)).sum(1), np.isin(x, (4, 5, 6)).sum(1)
    keep = good != bad
    return x[keep], (good > bad)[keep].astype(np.float32)


@pytest.mark.parametrize("seed", range(15))
def test_an_embedding_gru_classifier_learns_a_token_rule(seed):
    np.random.seed(seed)
    x, y = tokens(800, seed)
    x_test, y_test = tokens(400, 1000 + seed)
    model = keras.Sequential([keras.Input((12,), dtype="int64"), layers.Embedding(20, 8),
                              layers.GRU(16), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=optim.Adam(learning_rate=0.01), loss="binary_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=5, batch_size=32, verbose=0)
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    # seeds 0-19 reach 0.981-1.0 on unseen sequences (chance: about 0.5); over 195 other
    # draws of data and weights the least was 0.930
    assert accuracy >= 0.9
