"""Keras 3's signatures of model.save(filepath, overwrite=True, zipped=None, **kwargs) and
save_weights(filepath, overwrite=True, max_shard_size=None)."""
import numpy as np
import pytest

import nn


def _model():
    model = nn.Sequential([nn.Dense(2, input_shape=(3,))])
    model.compile(optimizer="adam", loss="mse")
    return model


def test_save_takes_keras_keywords(tmp_path):
    model, path = _model(), tmp_path / "m.keras"
    model.save(filepath=path, overwrite=True, zipped=True, include_optimizer=True)
    nn.keras.saving.save_model(model, path, overwrite=True)
    x = np.ones((1, 3), np.float32)
    np.testing.assert_array_equal(nn.load_model(path).predict(x), model.predict(x))


def test_overwrite_false_refuses_an_existing_file(tmp_path):
    model, path = _model(), tmp_path / "m.keras"
    model.save(path, overwrite=False)  # nothing there yet
    before = path.read_bytes()
    with pytest.raises(FileExistsError, match="m.keras already exists and overwrite=False"):
        _model().save(path, overwrite=False)
    assert path.read_bytes() == before
    weights = tmp_path / "m.weights.h5"
    model.save_weights(filepath=weights, overwrite=False)
    with pytest.raises(FileExistsError, match="save_weights: .* already exists"):
        model.save_weights(weights, overwrite=False)
    model.save_weights(weights, overwrite=True)


@pytest.mark.parametrize("options, match", [
    ({"zipped": False}, "zipped=False"),
    ({"save_traces": True}, r"not supported: \['save_traces'\]")])
def test_save_options_that_would_change_the_file_are_refused(tmp_path, options, match):
    with pytest.raises(ValueError, match=match):
        _model().save(tmp_path / "m.keras", **options)
    assert not (tmp_path / "m.keras").exists()


def test_include_optimizer_false_leaves_the_optimizer_state_out(tmp_path):
    """Keras': the optimizer's settings are kept, its state is not; the loaded model trains
    on from a fresh optimizer, as a copy of the weights with a new Adam would."""
    x, y = np.ones((4, 3), np.float32), np.zeros((4, 2), np.float32)
    model = _model()
    model.fit(x, y, epochs=3, verbose=0)
    model.save(tmp_path / "m.keras", include_optimizer=False)
    model.save(tmp_path / "with.keras")
    loaded, kept = nn.load_model(tmp_path / "m.keras"), nn.load_model(tmp_path / "with.keras")
    assert not loaded.optimizer.state and kept.optimizer.state
    assert type(loaded.optimizer) is type(model.optimizer)
    assert loaded.optimizer.param_groups[0]["lr"] == model.optimizer.param_groups[0]["lr"]
    fresh = _model()
    fresh.set_weights(model.get_weights())
    for m in (loaded, fresh):
        m.fit(x, y, epochs=1, verbose=0, shuffle=False)
    np.testing.assert_array_equal(loaded.predict(x), fresh.predict(x))


def test_save_weights_refuses_shards(tmp_path):
    with pytest.raises(ValueError, match="max_shard_size=2: sharded"):
        _model().save_weights(tmp_path / "m.weights.json", max_shard_size=2)
