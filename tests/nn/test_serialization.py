"""nn.serialization: weights files (.npz) written atomically and read without pickles;
errors name the file and leave the model unchanged."""
import zipfile

import numpy as np
import pytest

import nn

from ._helpers import Block, assert_same_state, snapshot


def test_save_and_load_weights_round_trip(tmp_path):
    np.random.seed(1)
    source, target = Block(), Block()
    path = tmp_path / "w.npz"
    source.save_weights(path)
    target.load_weights(path)
    assert_same_state(target, source.state_dict())
    assert [p.name for p in tmp_path.iterdir()] == ["w.npz"]  # no temp file left behind


def test_saved_file_is_a_plain_npz_without_pickles(tmp_path):
    path = tmp_path / "w.npz"
    nn.Linear(2, 3).save_weights(path)
    with np.load(path, allow_pickle=False) as archive:
        assert archive.files == ["weight", "bias"]
        assert archive["weight"].dtype == np.float32


def test_save_weights_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    path = tmp_path / "w.npz"
    nn.Linear(2, 3).save_weights(path)
    original = path.read_bytes()

    def broken_write(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np.lib.format, "write_array", broken_write)
    with pytest.raises(OSError, match="disk full"):
        nn.Linear(2, 3).save_weights(path)
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["w.npz"]


def test_missing_file_names_the_file(tmp_path):
    model = nn.Linear(2, 3)
    with pytest.raises(FileNotFoundError, match="nothing.npz"):
        model.load_weights(tmp_path / "nothing.npz")


@pytest.mark.parametrize("content", [b"", b"not a zip file at all", b"PK\x03\x04broken"])
def test_corrupt_file_names_the_file_and_changes_nothing(tmp_path, content):
    model = Block()
    before = snapshot(model)
    path = tmp_path / "bad.npz"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="bad.npz"):
        model.load_weights(path)
    assert_same_state(model, before)


def test_truncated_archive_names_the_file_and_changes_nothing(tmp_path):
    model = Block()
    before = snapshot(model)
    path = tmp_path / "cut.npz"
    Block().save_weights(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="cut.npz"):
        model.load_weights(path)
    assert_same_state(model, before)


def test_pickled_member_is_refused(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, weight=np.array([{"a": 1}], dtype=object), bias=np.zeros(3))
    with pytest.raises(ValueError, match="evil.npz"):
        nn.Linear(2, 3).load_weights(path)


def test_weights_with_wrong_keys_or_shapes_name_file_and_key(tmp_path):
    model = nn.Linear(2, 3)
    before = snapshot(model)
    wrong_keys, wrong_shape = tmp_path / "keys.npz", tmp_path / "shape.npz"
    np.savez(wrong_keys, weight=np.zeros((3, 2)), b=np.zeros(3))
    np.savez(wrong_shape, weight=np.zeros((3, 4)), bias=np.zeros(3))
    with pytest.raises(KeyError, match=r"keys.npz.*missing key\(s\): 'bias'"):
        model.load_weights(wrong_keys)
    with pytest.raises(ValueError, match=r"shape.npz.*'weight'"):
        model.load_weights(wrong_shape)
    assert_same_state(model, before)


def test_a_zip_that_is_not_an_npz_is_refused(tmp_path):
    path = tmp_path / "other.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(KeyError, match="other.npz"):
        nn.Linear(2, 3).load_weights(path)


def test_keys_named_like_numpy_arguments_are_saved_too(tmp_path):
    class Odd(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("allow_pickle", np.arange(3.0))
            self.register_buffer("file", np.ones(2))
    Odd().save_weights(tmp_path / "odd.npz")
    assert sorted(np.load(tmp_path / "odd.npz").files) == ["allow_pickle", "file"]
    Odd().load_weights(tmp_path / "odd.npz")


def _damaged_copies(path, tmp_path):
    """Copies of the zip archive at `path` with its central directory's signature broken,
    and with a member naming an unknown compression method."""
    data = bytearray(open(path, "rb").read())
    directory = data.find(b"PK\x01\x02")
    copies = []
    for n, (offset, value) in enumerate([(directory, data[directory] ^ 0xFF),
                                         (directory + 10, 99)]):
        damaged = bytearray(data)
        damaged[offset] = value
        copy = tmp_path / f"damaged{n}{path.suffix}"
        copy.write_bytes(bytes(damaged))
        copies.append(copy)
    return copies


def test_a_damaged_archive_is_called_corrupt_by_every_loader(tmp_path):
    """A bad central directory or an unknown compression method: each loader's ValueError
    naming the file, not zipfile's own error."""
    import nn.keras as keras
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    model.save(tmp_path / "model.keras")
    model.save_weights(tmp_path / "weights.npz")
    nn.save({"w": np.ones(3)}, tmp_path / "checkpoint.ckpt")
    loaders = {"model.keras": keras.models.load_model, "weights.npz": model.load_weights,
               "checkpoint.ckpt": nn.load}
    for name, load in loaders.items():
        for copy in _damaged_copies(tmp_path / name, tmp_path):
            with pytest.raises(ValueError, match=f"{copy.name} is (corrupt|not a readable)"):
                load(copy)


def test_weights_load_by_layer_order_across_keras_input_and_input_shape(tmp_path):
    # the same model to Keras: its InputLayer numbered the keras.Input one's layers one later
    from nn import keras
    from nn.keras import layers
    given_shape = keras.Sequential([layers.Dense(8, input_shape=(4,)), layers.Dense(2)])
    with_input = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8), layers.Dense(2)])
    x = np.ones((3, 4), np.float32)
    for source, target in ((given_shape, with_input), (with_input, given_shape)):
        source.save_weights(tmp_path / "w.weights.h5")
        target.load_weights(tmp_path / "w.weights.h5")
        np.testing.assert_array_equal(target(x).data, source(x).data)
    given_shape.save_weights(tmp_path / "g.weights.h5")  # (names '0.weight', ...)
    other = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8), layers.Dense(3)])
    before = [p.data.copy() for p in other.parameters()]
    with pytest.raises(KeyError, match=r"g.weights.h5: .*missing key\(s\): '2.weight'"):
        other.load_weights(tmp_path / "g.weights.h5")  # (a layer's shape differs)
    assert all((p.data == b).all() for p, b in zip(other.parameters(), before))
