"""save_weights / load_weights with a .safetensors path: the Hugging Face format, keyed by
state-dict names, written atomically, read without code; PyTorch's files load as they are."""
import sys

import numpy as np
import pytest

import nn
from nn.serialization import read_safetensors

from ._helpers import Block, assert_same_state, snapshot

safetensors_numpy = pytest.importorskip("safetensors.numpy")


def test_round_trip_and_the_file_is_plain_safetensors(tmp_path):
    np.random.seed(3)
    source, target = Block(), Block()
    path = tmp_path / "w.safetensors"
    source.save_weights(path)
    target.load_weights(path)
    assert_same_state(target, source.state_dict())
    stored = safetensors_numpy.load_file(str(path))
    assert sorted(stored) == sorted(source.state_dict())
    assert stored["zeta"].dtype == np.float32
    assert [p.name for p in tmp_path.iterdir()] == ["w.safetensors"]  # no temp file left


def test_scalar_buffers_and_strided_arrays_keep_their_shapes(tmp_path):
    source = nn.BatchNorm1d(3)
    source(np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32))
    source.weight.data = np.arange(6, dtype=np.float32)[::2]  # not contiguous
    path = tmp_path / "bn.safetensors"
    source.save_weights(path)
    target = nn.BatchNorm1d(3)
    target.load_weights(path)
    assert_same_state(target, source.state_dict())
    assert target.num_batches_tracked.shape == () and target.num_batches_tracked == 1


def test_suffix_is_case_insensitive_and_npz_stays_npz(tmp_path):
    model = nn.Linear(2, 3)
    model.save_weights(tmp_path / "W.SafeTensors")
    model.save_weights(tmp_path / "w.npz")
    assert set(safetensors_numpy.load_file(str(tmp_path / "W.SafeTensors"))) == {"weight", "bias"}
    with np.load(tmp_path / "w.npz", allow_pickle=False) as archive:
        assert archive.files == ["weight", "bias"]


def test_a_pytorch_state_dict_saved_as_safetensors_loads_without_renaming(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import save_file

    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.BatchNorm1d(5),
                                 torch.nn.ReLU(), torch.nn.Linear(5, 2)).double()
    theirs.train()
    theirs(torch.randn(8, 4, dtype=torch.float64))  # running statistics move off their start
    path = tmp_path / "torch.safetensors"
    save_file(theirs.state_dict(), str(path))
    ours = nn.Sequential(nn.Linear(4, 5), nn.BatchNorm1d(5), nn.ReLU(), nn.Linear(5, 2))
    ours.load_weights(path)
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[key], value.numpy(), rtol=1e-6)
    x = np.random.default_rng(1).normal(size=(3, 4))
    theirs.eval()
    want = theirs(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(ours.eval()(x.astype(np.float32)).data, want, rtol=1e-4,
                               atol=1e-5)


@pytest.mark.parametrize("content", [b"", b"garbage!", b"\x10\x00\x00\x00\x00\x00\x00\x00{bad"])
def test_a_corrupt_file_names_the_file_and_changes_nothing(tmp_path, content):
    model = Block()
    before = snapshot(model)
    path = tmp_path / "bad.safetensors"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="bad.safetensors"):
        model.load_weights(path)
    assert_same_state(model, before)


def test_wrong_keys_name_the_file(tmp_path):
    path = tmp_path / "keys.safetensors"
    safetensors_numpy.save_file({"weight": np.zeros((3, 2), np.float32)}, str(path))
    with pytest.raises(KeyError, match=r"keys.safetensors.*missing key\(s\): 'bias'"):
        nn.Linear(2, 3).load_weights(path)


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    import nn.serialization
    path = tmp_path / "w.safetensors"
    nn.Linear(2, 3).save_weights(path)
    original = path.read_bytes()

    def broken(*args, **kwargs):
        raise ValueError("an unsupported dtype")

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(safetensors_numpy, "save", broken)
    with pytest.raises(ValueError, match="w.safetensors.*unsupported dtype"):
        nn.Linear(2, 3).save_weights(path)
    monkeypatch.undo()
    monkeypatch.setattr(nn.serialization, "open", full, raising=False)
    with pytest.raises(OSError, match="No space left") as error:  # an OSError stays one
        nn.Linear(2, 3).save_weights(path)
    assert error.value.filename == str(path)
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["w.safetensors"]


def _save_repeatedly(path, times):
    model = nn.Linear(300, 300)
    for _ in range(times):
        model.save_weights(path)


def test_two_processes_saving_one_file_both_succeed(tmp_path):
    """(safetensors' save_file replaced the locked temp with a new file: the other writer
    took it for abandoned and deleted it, and one save in five failed.)"""
    import multiprocessing
    path = str(tmp_path / "same.safetensors")
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_save_repeatedly, args=(path, 25)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [worker.exitcode for worker in workers] == [0, 0]
    nn.Linear(300, 300).load_weights(path)
    assert [p.name for p in tmp_path.iterdir()] == ["same.safetensors"]


def test_without_the_package_the_error_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "safetensors", None)
    with pytest.raises(ImportError, match="pip install safetensors"):
        nn.Linear(2, 3).save_weights(tmp_path / "w.safetensors")
    nn.Linear(2, 3).save_weights(tmp_path / "w.npz")  # .npz needs nothing more


def test_safetensors_under_another_suffix_gets_a_hint(tmp_path):
    path = tmp_path / "w.bin"
    safetensors_numpy.save_file({"weight": np.zeros((3, 2), np.float32)}, str(path))
    with pytest.raises(ValueError, match=r"looks like a safetensors file.*\.safetensors"):
        nn.Linear(2, 3).load_weights(path)


def test_a_whole_model_files_weights_load_as_keras_loads_a_keras_files(tmp_path):
    """model.save's file gives load_weights its weights (it was refused: "load it with
    nn.load_model"), paired by name or layer order as a weights file's are."""
    path = tmp_path / "model.keras"
    saved = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    saved.compile("adam", "mse")
    saved.save(path)
    loading = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    loading.load_weights(path)
    for mine, theirs in zip(loading.parameters(), saved.parameters()):
        np.testing.assert_array_equal(mine.data, theirs.data)
    with pytest.raises(ValueError, match="shape mismatch for '1.weight'"):
        nn.Sequential(nn.Linear(2, 3), nn.Linear(4, 1)).load_weights(path)


def test_a_bfloat16_file_is_named_as_such_with_the_way_out(tmp_path):
    torch = pytest.importorskip("torch")
    safetensors_torch = pytest.importorskip("safetensors.torch")
    path = tmp_path / "bf16.safetensors"
    safetensors_torch.save_file({"weight": torch.ones(2, 3, dtype=torch.bfloat16)}, str(path))
    with pytest.raises(ValueError, match=r"holds bfloat16 tensors.*save them as float32 first"):
        nn.Linear(3, 2, bias=False).load_weights(path)


def _twelve_single_weight_layers(first=()):
    """A Sequential of 12 bias-free Dense layers of one shape (nothing but their order tells
    them apart), after the layers `first`."""
    from nn import keras
    return keras.Sequential([*first, *(keras.layers.Dense(4, use_bias=False) for _ in range(12))])


def test_layers_paired_by_order_follow_the_written_order_past_ten(tmp_path):
    """The format's reader gives tensors sorted by name ('10.weight' before '2.weight'):
    loaded across a keras.Input's numbering shift, layer 3 took layer 10's weights."""
    from nn import keras
    np.random.seed(0)
    source = _twelve_single_weight_layers()
    source.build((None, 4))
    path = tmp_path / "w.safetensors"
    source.save_weights(path)
    assert list(read_safetensors(path)) == list(source.state_dict())
    target = _twelve_single_weight_layers([keras.Input((4,))])
    target.load_weights(path)
    for mine, theirs in zip(target.parameters(), source.parameters()):
        np.testing.assert_array_equal(mine.data, theirs.data)


def test_a_file_without_the_written_order_pairs_numbered_layers_by_number(tmp_path):
    """A safetensors file from elsewhere: numbered layers are paired by their numbers; named
    ones, whose order the file does not tell, are not paired at all."""
    from nn import keras
    np.random.seed(0)
    source = _twelve_single_weight_layers()
    source.build((None, 4))
    numbered = tmp_path / "numbered.safetensors"
    safetensors_numpy.save_file({k: np.ascontiguousarray(v) for k, v in
                                 source.state_dict().items()}, str(numbered))
    target = _twelve_single_weight_layers([keras.Input((4,))])
    target.load_weights(numbered)
    for mine, theirs in zip(target.parameters(), source.parameters()):
        np.testing.assert_array_equal(mine.data, theirs.data)
    named = tmp_path / "named.safetensors"
    safetensors_numpy.save_file({"b.weight": np.ones((4, 4), np.float32),
                                 "a.weight": np.zeros((4, 4), np.float32)}, str(named))
    with pytest.raises(KeyError, match="named.safetensors"):
        nn.Sequential(nn.Linear(4, 4, bias=False), nn.Linear(4, 4, bias=False)).load_weights(named)
