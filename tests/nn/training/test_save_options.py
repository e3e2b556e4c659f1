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
    ({"zipped": False}, "zipped=False"), ({"include_optimizer": False}, "include_optimizer"),
    ({"save_traces": True}, r"not supported: \['save_traces'\]")])
def test_save_options_that_would_change_the_file_are_refused(tmp_path, options, match):
    with pytest.raises(ValueError, match=match):
        _model().save(tmp_path / "m.keras", **options)
    assert not (tmp_path / "m.keras").exists()


def test_save_weights_refuses_shards(tmp_path):
    with pytest.raises(ValueError, match="max_shard_size=2: sharded"):
        _model().save_weights(tmp_path / "m.weights.json", max_shard_size=2)
