"""nn.save / nn.load: a PyTorch-style loop's checkpoint, resumed exactly, never pickled."""
import json
import zipfile

import numpy as np
import pytest

import autograd as ag
import nn
import optim


def _train(model, optimizer, scheduler, steps, rng):
    for _ in range(steps):
        x = rng.standard_normal((8, 3)).astype(np.float32)
        optimizer.zero_grad()
        ((model(x) - 1) ** 2).mean().backward()
        optimizer.step()
        scheduler.step()


def _setup():
    np.random.seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    optimizer = optim.Adam(model.parameters(), lr=0.05)
    return model, optimizer, optim.lr_scheduler.StepLR(optimizer, 2, gamma=0.5)


def test_a_resumed_loop_matches_the_uninterrupted_one(tmp_path):
    model, optimizer, scheduler = _setup()
    _train(model, optimizer, scheduler, 6, np.random.default_rng(1))
    want = [p.data.copy() for p in model.parameters()]

    model, optimizer, scheduler = _setup()
    rng = np.random.default_rng(1)
    _train(model, optimizer, scheduler, 3, rng)
    nn.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
             "scheduler": scheduler.state_dict(), "epoch": 3}, tmp_path / "run.ckpt")

    model, optimizer, scheduler = _setup()
    checkpoint = nn.load(tmp_path / "run.ckpt")
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    scheduler.load_state_dict(checkpoint["scheduler"])
    assert checkpoint["epoch"] == 3
    _train(model, optimizer, scheduler, 3, rng)
    for have, expected in zip(model.parameters(), want):
        np.testing.assert_array_equal(have.data, expected)


def test_containers_key_types_and_dtypes_come_back_as_saved(tmp_path):
    saved = {"a": [1, 2.5, None, True, "text", (np.float32(0.5), np.int64(7))],
             3: np.arange(6, dtype=np.int16).reshape(2, 3), 1.5: {None: False},
             "v": ag.Variable(np.ones(2, np.float32)), "empty": ({}, [], ())}
    back = nn.load(nn.save(saved, tmp_path / "c.ckpt"))
    assert list(back) == ["a", 3, 1.5, "v", "empty"]
    assert back["a"][:5] == [1, 2.5, None, True, "text"] and isinstance(back["a"][5], tuple)
    assert back["a"][5][0] == np.float32(0.5) and back["a"][5][0].dtype == np.float32
    assert back["a"][5][1].dtype == np.int64
    assert back[3].dtype == np.int16 and back[3].tolist() == [[0, 1, 2], [3, 4, 5]]
    assert back[1.5] == {None: False} and back["empty"] == ({}, [], ())
    assert back["v"].dtype == np.float32 and isinstance(back["v"], np.ndarray)


def test_what_cannot_be_saved_is_named_where_it_is(tmp_path):
    with pytest.raises(TypeError, match=r"obj\['opt'\]\[1\] is of type Adam.*state_dict"):
        nn.save({"opt": [1, optim.Adam([ag.Parameter(np.ones(1))])]}, tmp_path / "c.ckpt")
    with pytest.raises(TypeError, match="a key of type tuple"):
        nn.save({(1, 2): 0}, tmp_path / "c.ckpt")
    assert not (tmp_path / "c.ckpt").exists()


def test_other_files_are_named_and_never_unpickled(tmp_path):
    weights = tmp_path / "w.npz"
    nn.Linear(2, 1).save_weights(weights)
    with pytest.raises(ValueError, match="w.npz is not a checkpoint written by nn.save"):
        nn.load(weights)
    damaged = tmp_path / "d.ckpt"
    nn.save({"x": np.ones(1000)}, damaged)
    damaged.write_bytes(damaged.read_bytes()[:300])
    with pytest.raises(ValueError, match="d.ckpt"):
        nn.load(damaged)
    with pytest.raises(FileNotFoundError, match="nn.load: no such file"):
        nn.load(tmp_path / "missing.ckpt")


def test_ordered_dicts_shared_arrays_and_big_integers_come_back_as_they_were(tmp_path):
    import collections
    shared = np.zeros(3)
    state = nn.Linear(2, 2).state_dict()
    back = nn.load(nn.save({"sd": state, "x": shared, "y": shared, "big": -10**5000,
                            "ints": [2**63, -2**63]}, tmp_path / "c.ckpt"))
    assert type(back["sd"]) is type(state) is collections.OrderedDict
    assert list(back["sd"]) == list(state) and back["x"] is back["y"]
    assert back["big"] == -10**5000 and back["ints"] == [2**63, -2**63]
    point = collections.namedtuple("Point", "a b")
    for lossy in (point(1, 2), collections.defaultdict(list)):
        with pytest.raises(TypeError, match=f"is of type {type(lossy).__name__}"):
            nn.save({"v": lossy}, tmp_path / "c.ckpt")


@pytest.mark.parametrize("tree, members", [
    (b"\xff\xfe\x00", {}),
    (b'{"format": "rungrad checkpoint", "tree": {"array": 0, "scalar": false}}',
     {"arrays/1.npy": b""}),
    (b"[1, 2]", {}),
    (b'{"format": "rungrad checkpoint", "tree": {"unknown": 1}}', {}),
])
def test_a_damaged_checkpoint_is_named_as_such(tmp_path, tree, members):
    import zipfile
    path = tmp_path / "bad.ckpt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("tree.json", tree)
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ValueError, match=r"nn.load: .*bad.ckpt (is corrupt|is not a checkpoint)"):
        nn.load(path)


def test_an_int_subclass_such_as_a_variables_size_is_saved_as_its_int(tmp_path):
    import autograd as ag
    path = tmp_path / "sizes.ckpt"
    nn.save({"n": ag.Variable(np.zeros((2, 3))).size}, path)
    loaded = nn.load(path)
    assert loaded == {"n": 6} and type(loaded["n"]) is int


def test_an_ndarray_subclass_is_refused_by_name_not_saved_without_what_makes_it_one(tmp_path):
    """A masked array came back as a plain array: its masked values as real data."""
    masked = np.ma.masked_array([1.0, 100.0, 3.0], mask=[0, 1, 0])
    with pytest.raises(TypeError, match=r"obj\['ma'\] is a numpy.ma.MaskedArray, an ndarray "
                                        r"subclass"):
        nn.save({"ma": masked}, tmp_path / "c.ckpt")
    assert not (tmp_path / "c.ckpt").exists()


def test_a_multistep_scheduler_is_checkpointed_and_resumes(tmp_path):
    """Its milestones are a Counter, which nn.save refuses: its state dict holds a dict."""
    model = nn.Linear(2, 1)
    opt = optim.SGD(model.parameters(), lr=0.1)
    scheduler = optim.lr_scheduler.MultiStepLR(opt, [2, 4, 4])
    for _ in range(3):
        opt.step()
        scheduler.step()
    nn.save({"optimizer": opt.state_dict(), "scheduler": scheduler.state_dict()},
            tmp_path / "c.ckpt")
    checkpoint = nn.load(tmp_path / "c.ckpt")
    resumed_opt = optim.SGD(model.parameters(), lr=0.1)
    resumed_opt.load_state_dict(checkpoint["optimizer"])
    resumed = optim.lr_scheduler.MultiStepLR(resumed_opt, [9])
    resumed.load_state_dict(checkpoint["scheduler"])
    for _ in range(2):
        scheduler.step()
        resumed.step()
    assert resumed.get_last_lr() == scheduler.get_last_lr() == [pytest.approx(0.1 * 0.1 ** 3)]


def test_a_cut_short_file_is_called_truncated_and_a_version_from_later_named(tmp_path):
    path = tmp_path / "c.ckpt"
    nn.save({"w": np.arange(3.0)}, path)
    data = path.read_bytes()
    (tmp_path / "cut.ckpt").write_bytes(data[:-30])
    with pytest.raises(ValueError, match="cut.ckpt is truncated or corrupt: it starts as a zip"):
        nn.load(tmp_path / "cut.ckpt")
    with zipfile.ZipFile(path) as archive:
        tree = json.loads(archive.read("tree.json"))
        arrays = {name: archive.read(name) for name in archive.namelist() if name != "tree.json"}
    tree["version"] = 2
    with zipfile.ZipFile(tmp_path / "v2.ckpt", "w") as archive:
        archive.writestr("tree.json", json.dumps(tree))
        for name, member in arrays.items():
            archive.writestr(name, member)
    with pytest.raises(ValueError, match="v2.ckpt is a checkpoint of version 2; this rungrad "
                                         "reads version 1"):
        nn.load(tmp_path / "v2.ckpt")


def test_load_weights_of_an_nn_save_file_points_to_nn_load(tmp_path):
    model = nn.Sequential(nn.Linear(2, 1))
    nn.save(model.state_dict(), tmp_path / "w.pt")
    with pytest.raises(ValueError, match="it is a checkpoint written by nn.save: read it with "
                                         "nn.load"):
        model.load_weights(tmp_path / "w.pt")


def test_an_empty_file_a_pickle_and_a_weights_archive_are_named_as_such(tmp_path):
    empty = tmp_path / "e.npz"
    empty.write_bytes(b"")
    model = nn.Sequential(nn.Linear(3, 4))
    for load in (nn.load, model.load_weights, nn.load_model):
        with pytest.raises(ValueError, match=r"e.npz is empty \(0 bytes\)"):
            load(empty)
    pickled = tmp_path / "old.pt"  # (PyTorch's older torch.save format starts so)
    pickled.write_bytes(b"\x80\x02\x8a\nl\xfc\x9cF\xf9 j\xa8P\x19.")
    for load in (nn.load, model.load_weights):
        with pytest.raises(ValueError, match="it is a pickle, .* which rungrad never unpickles"):
            load(pickled)
    model.save_weights(tmp_path / "w.npz")
    with pytest.raises(ValueError, match=r"an .npz archive of arrays, .* model.load_weights"):
        nn.load(tmp_path / "w.npz")
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match=r"a whole model, .* nn.load_model\(path\)"):
        nn.load(tmp_path / "m.keras")


def test_load_takes_pytorchs_keywords_and_never_unpickles(tmp_path):
    nn.save({"w": np.arange(3.0)}, tmp_path / "c.ckpt")
    loaded = nn.load(tmp_path / "c.ckpt", map_location="cpu", weights_only=True)
    np.testing.assert_array_equal(loaded["w"], np.arange(3.0))
    with pytest.raises(ValueError, match="weights_only=False would allow unpickling code"):
        nn.load(tmp_path / "c.ckpt", weights_only=False)
