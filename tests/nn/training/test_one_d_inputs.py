"""1-D x in fit, evaluate and predict: N samples of one value each, whatever the batch size
(Keras adjusts an input's rank so); Keras 2's Dense(input_dim=n)."""
import numpy as np
import pytest

import nn
import optim


def _line(n=12):
    x = np.linspace(-1, 1, n, dtype=np.float32)
    return x, 3 * x - 1


def _regression(**dense):
    model = nn.Sequential([nn.Dense(1, **dense)])
    model.compile(optimizer=optim.SGD(lr=0.1), loss="mse")
    return model


@pytest.mark.parametrize("dense", [{"input_dim": 1}, {"input_shape": (1,)}, {}])
@pytest.mark.parametrize("batch_size", [1, 5, 32])
def test_one_d_x_trains_as_the_column_it_means(dense, batch_size):
    x, y = _line()
    runs = []
    for x_given, y_given in ((x, y), (x[:, None], y[:, None])):
        np.random.seed(0)  # (a lazy Dense draws its weights in fit)
        model = _regression(**dense)
        runs.append((model, model.fit(x_given, y_given, epochs=3, batch_size=batch_size,
                                      shuffle=False, verbose=0)))
    (flat, lost), (column, kept) = runs
    np.testing.assert_allclose(lost.history["loss"], kept.history["loss"], rtol=1e-6)
    assert flat.evaluate(x, y, batch_size=batch_size) == pytest.approx(
        column.evaluate(x[:, None], y[:, None], batch_size=batch_size), rel=1e-6)
    predicted = flat.predict(x, batch_size=batch_size)
    assert predicted.shape == (len(x), 1)
    np.testing.assert_allclose(predicted, column.predict(x[:, None]), rtol=1e-6)


def test_a_fitted_line_is_found_from_one_d_data():
    x, y = _line(64)
    np.random.seed(0)
    model = _regression(input_dim=1)
    model.fit(x, y, epochs=200, batch_size=16, verbose=0)
    np.testing.assert_allclose(model.predict(np.array([0.0, 1.0])).ravel(), [-1, 2], atol=1e-3)


@pytest.mark.parametrize("batch_size", [1, 2, 32])
def test_one_d_x_for_a_layer_of_several_features_is_refused_at_every_batch_size(batch_size):
    model = nn.Sequential([nn.Dense(2, input_shape=(3,))])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"predict: x has shape \(3,\), 3 samples of one "
                                         r"value each.*takes 3 features.*reshape\(1, -1\)"):
        model.predict(np.arange(3.0), batch_size=batch_size)
    with pytest.raises(ValueError, match="fit: x has shape"):
        model.fit(np.arange(3.0), np.zeros((3, 2)), batch_size=batch_size, verbose=0)


def test_one_d_indices_into_an_embedding_stay_one_d():
    model = nn.Sequential([nn.Embedding(5, 2), nn.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    assert model.predict(np.array([0, 3, 4])).shape == (3, 1)


def test_input_dim_is_keras_2s_input_shape():
    layer = nn.Dense(4, input_dim=3)
    assert layer.in_features == 3 and layer.declared_input_shape == (3,)
    assert nn.Dense(4, input_dim=3, input_shape=(3,)).in_features == 3
    with pytest.raises(ValueError, match="input_dim=3 disagrees with input_shape=\\(2,\\)"):
        nn.Dense(4, input_dim=3, input_shape=(2,))
    for bad in (0, 2.5, True, "3"):
        with pytest.raises(ValueError, match="input_dim must be a positive int"):
            nn.Dense(4, input_dim=bad)


def test_a_model_made_with_input_dim_saves_and_loads(tmp_path):
    model = _regression(input_dim=1)
    model.save(tmp_path / "line.npz")
    loaded = nn.load_model(tmp_path / "line.npz")
    np.testing.assert_array_equal(loaded.predict(np.arange(3.0)), model.predict(np.arange(3.0)))
