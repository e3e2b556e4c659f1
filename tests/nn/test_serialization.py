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
    given_shape.save_weights(tmp_path / "g.npz")  # (names '0.weight', ...)
    other = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8), layers.Dense(3)])
    before = [p.data.copy() for p in other.parameters()]
    with pytest.raises(KeyError, match=r"g.npz: .*missing key\(s\): '2.weight'"):
        other.load_weights(tmp_path / "g.npz")  # (a layer's shape differs)
    assert all((p.data == b).all() for p, b in zip(other.parameters(), before))


class _StoredTimesEight(nn.Module):
    """Holds 8x its weight; its checkpoints hold the weight itself (PyTorch's hook pair:
    a state_dict post-hook divides, a load pre-hook multiplies; by a power of two, so that
    the round trip is exact whatever the weights drawn)."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(2, 2)
        self.register_state_dict_post_hook(self._to_file)
        self.register_load_state_dict_pre_hook(self._from_file)

    @staticmethod
    def _to_file(module, state, prefix, meta):
        state[prefix + "lin.weight"] = state[prefix + "lin.weight"] / 8

    @staticmethod
    def _from_file(module, state, prefix, meta, strict, missing, unexpected, errors):
        state[prefix + "lin.weight"] = state[prefix + "lin.weight"] * 8


class _HalfState(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(2, 2)

    def state_dict(self):
        state = super().state_dict()
        state["lin.weight"] = state["lin.weight"].astype(np.float16)
        return state


def test_files_hold_what_state_dict_gives_hooks_and_overrides_included(tmp_path):
    """save_weights and model.save wrote the raw arrays while loading ran the load hooks:
    the weight came back 8x; an override's float16 was written as float32."""
    nn.register(_StoredTimesEight)
    model = _StoredTimesEight()
    for path in (tmp_path / "w.npz", tmp_path / "w.safetensors"):
        model.save_weights(path)
        back = _StoredTimesEight()
        back.load_weights(path)
        np.testing.assert_array_equal(back.lin.weight.data, model.lin.weight.data)
    model.save(tmp_path / "m.rungrad")
    np.testing.assert_array_equal(nn.load_model(tmp_path / "m.rungrad").lin.weight.data,
                                  model.lin.weight.data)
    _HalfState().save_weights(tmp_path / "h.npz")
    assert np.load(tmp_path / "h.npz")["lin.weight"].dtype == np.float16


def test_load_weights_by_order_keeps_named_layers_on_their_namesakes(tmp_path):
    """Named layers load from their namesakes whatever their order; only the layers one
    side names load in order (it renamed every layer by position: encoder took decoder's)."""
    def model(order):
        m = nn.Module()
        for name in order:
            setattr(m, name, nn.Linear(3, 3))
        return m
    saved = model(["decoder", "encoder", "out"])
    saved.save_weights(tmp_path / "w.npz")
    target = model(["encoder", "decoder", "head"])
    target.load_weights(tmp_path / "w.npz")
    for mine, theirs in (("encoder", "encoder"), ("decoder", "decoder"), ("head", "out")):
        np.testing.assert_array_equal(getattr(target, mine).weight.data,
                                      getattr(saved, theirs).weight.data)


def test_model_save_keeps_tied_parameters_tied(tmp_path):
    """A weight tied after construction came back as two parameters, the optimizer
    training one of them: resumed training drifted from uninterrupted training."""
    np.random.seed(0)
    x = np.random.standard_normal((8, 4)).astype(np.float32)
    y = np.random.standard_normal((8, 4)).astype(np.float32)

    def tied_model():
        m = nn.Sequential(nn.Linear(4, 4, bias=False), nn.Tanh(), nn.Linear(4, 4, bias=False))
        m[2].weight = m[0].weight
        m.compile(optimizer="adam", loss="mse")
        return m
    np.random.seed(1)
    whole, split = tied_model(), tied_model()
    split.load_state_dict(whole.state_dict())
    whole.fit(x, y, epochs=4, batch_size=4, shuffle=False, verbose=0)
    split.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    split.save(tmp_path / "m.rungrad")
    resumed = nn.load_model(tmp_path / "m.rungrad")
    assert resumed[2].weight is resumed[0].weight and len(list(resumed.parameters())) == 1
    from nn.keras.models import clone_model
    clone = clone_model(split)
    assert clone[2].weight is clone[0].weight
    resumed.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    np.testing.assert_array_equal(resumed[0].weight.data, whole[0].weight.data)


@pytest.mark.parametrize("save", [lambda m, p: m.save_weights(p), lambda m, p: m.save(p),
                                  lambda m, p: nn.save(m.state_dict(), p)])
def test_a_path_ending_in_a_separator_is_refused(tmp_path, save):
    """'ckpts/' was written as a file named ckpts ('notes.txt/' replaced notes.txt)."""
    precious = tmp_path / "notes.txt"
    precious.write_text("keep me")
    for path in (f"{tmp_path}/ckpts/", f"{precious}/"):
        with pytest.raises(IsADirectoryError, match="ends in a path separator"):
            save(nn.Linear(2, 2), path)
    assert precious.read_text() == "keep me" and not (tmp_path / "ckpts").exists()


def test_keras_skip_mismatch_and_safe_mode(tmp_path):
    """load_weights(skip_mismatch=True) loads what fits and warns of the rest (Keras');
    load_model takes Keras' safe_mode (nothing a file holds runs here either way)."""
    saved = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    saved.save_weights(tmp_path / "w.npz")
    target = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 5))
    with pytest.warns(UserWarning, match=r"2 of another shape than the model's: "
                                         r"\['1.weight', '1.bias'\]"):
        target.load_weights(tmp_path / "w.npz", skip_mismatch=True)
    # a layer the model does not have is said so, not called a shape mismatch
    with pytest.warns(UserWarning, match=r"skipped \(skip_mismatch=True\) 2 under names the "
                                         r"model does not hold: \['1.weight', '1.bias'\]$"):
        nn.Sequential(nn.Linear(3, 4)).load_weights(tmp_path / "w.npz", skip_mismatch=True)
    np.testing.assert_array_equal(target[0].weight.data, saved[0].weight.data)
    with pytest.raises(ValueError, match="shape"):
        target.load_weights(tmp_path / "w.npz")
    saved.save(tmp_path / "m.rungrad")
    for safe_mode in (True, False):
        loaded = nn.load_model(tmp_path / "m.rungrad", safe_mode=safe_mode)
        np.testing.assert_array_equal(loaded[1].bias.data, saved[1].bias.data)


def test_skip_mismatch_skips_a_layer_whole(tmp_path):
    """Linear(4, 2) saved, Linear(5, 2) loading: the weight was skipped and the bias (the
    same shape) loaded, half of another layer."""
    saved = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    saved.save_weights(tmp_path / "w.npz")
    target = nn.Sequential(nn.Linear(3, 5), nn.Linear(5, 2))
    bias = target[1].bias.data.copy()
    with pytest.warns(UserWarning, match=r"3 of another shape than the model's: \['0.weight', "
                                         r"'0.bias', '1.weight'\]; 1 of the same layers \(a "
                                         r"layer loads whole or not at all\): \['1.bias'\]$"
                      ) as caught:
        target.load_weights(tmp_path / "w.npz", skip_mismatch=True)
    assert len(caught) == 1
    np.testing.assert_array_equal(target[1].bias.data, bias)


def test_what_cannot_be_loaded_back_is_not_saved(tmp_path):
    """A complex parameter was saved, then refused by every load; an object array got
    NumPy's message naming no key."""
    model = nn.Sequential(nn.Linear(2, 2))
    model[0].weight.data = model[0].weight.data.astype(np.complex64)
    for save in (model.save_weights, model.save):
        with pytest.raises(TypeError, match="'0.weight' holds dtype complex64: a weights file "
                                            "holds real numbers"):
            save(tmp_path / "w.npz")
    assert not list(tmp_path.iterdir())


def test_a_member_declaring_more_than_it_holds_is_corrupt_not_allocated(tmp_path):
    """A damaged or crafted header (shape (1e13,)) made NumPy allocate 73 TiB: a
    MemoryError naming no file."""
    nn.Linear(2, 2).save_weights(tmp_path / "w.npz")
    nn.save({"w": np.zeros(8)}, tmp_path / "c.ckpt")
    for path, load in ((tmp_path / "w.npz", nn.Linear(2, 2).load_weights),
                       (tmp_path / "c.ckpt", nn.load)):
        with zipfile.ZipFile(path) as archive:
            members = {name: archive.read(name) for name in archive.namelist()}
        name = next(n for n in members if n.endswith(".npy"))
        members[name] = members[name].replace(b"(2, 2)", b"(10000000000000,)") \
            .replace(b"(8,)", b"(10000000000000,)")
        with zipfile.ZipFile(path, "w") as archive:
            for member, data in members.items():
                archive.writestr(member, data)
        with pytest.raises(ValueError, match=r"declares shape \(10000000000000,\)"):
            load(path)


def test_a_zip_named_safetensors_says_what_it_is(tmp_path):
    nn.Linear(2, 2).save_weights(tmp_path / "w.npz")
    (tmp_path / "w.npz").rename(tmp_path / "w.safetensors")
    with pytest.raises(ValueError, match=r"it is a zip archive, as an .npz weights file"):
        nn.Linear(2, 2).load_weights(tmp_path / "w.safetensors")


def test_skip_mismatch_pairs_layers_as_a_plain_load_does(tmp_path):
    """Across a keras.Input's numbering shift most names still meet: skip_mismatch loaded
    each layer from the one before it, by name, where a plain load pairs them by order."""
    from nn import keras
    from nn.keras import layers
    np.random.seed(0)
    source = keras.Sequential([layers.Dense(4) for _ in range(3)])
    source.build((None, 4))
    source.save_weights(tmp_path / "w.npz")
    x = np.random.default_rng(0).normal(size=(2, 4)).astype(np.float32)
    for skip in (False, True):
        target = keras.Sequential([keras.Input((4,))] + [layers.Dense(4) for _ in range(3)])
        target.load_weights(tmp_path / "w.npz", skip_mismatch=skip)
        np.testing.assert_array_equal(target(x).data, source(x).data)
