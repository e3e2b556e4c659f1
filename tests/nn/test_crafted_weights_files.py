"""Crafted weights, model and checkpoint files (nn.npy_archive, nn.stored_array): a load
reads an array's data only once its .npy header fits the parameter it goes to, or fits the
file's budget where nothing in the model vouches for its size; a zip that declares what it
does not hold is refused before anything is read. Each file is built in the test, small on
disk; `bytes_read` counts what zipfile hands out, so a refusal is seen not to have read
(inflated) the data it refuses."""
import json
import math
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import nn
import nn.stored_array
from nn.module import StateDictKeyError
from nn.utils.parametrizations import weight_norm

from ._crafted_zip import (
    Member,
    deflated,
    npy_bytes,
    npy_header,
    stored,
    zero_bomb,
    zip_bytes,
)
from ._helpers import assert_same_state, snapshot

MB = 1 << 20
HUGE = (10**6, 10**6)  # float32: 4 TB


@pytest.fixture
def bytes_read(monkeypatch):
    """{'n': bytes zipfile has given out of members so far}."""
    count = {"n": 0}
    read = zipfile.ZipExtFile.read

    def counted(self, n=-1):
        data = read(self, n)
        count["n"] += len(data)
        return data
    monkeypatch.setattr(zipfile.ZipExtFile, "read", counted)
    return count


def _file(tmp_path, name, members):
    path = tmp_path / name
    path.write_bytes(zip_bytes(members))
    return path


def _bias(n=3):
    return stored("bias.npy", npy_bytes(np.zeros(n, np.float32)))


def _claim(name, shape):
    """A deflated member whose header and zip entry both claim `shape` of float32, holding
    nothing of it (a few hundred bytes)."""
    header = npy_header(shape)
    return Member(name, deflated(name, header).payload, 8, content=header,
                  file_size=len(header) + 4 * math.prod(shape))


def _bomb(name, shape):
    """A deflated member of `shape` float32 zeros, about 1000 times smaller than that."""
    return zero_bomb(name, npy_header(shape), 4 * math.prod(shape))


@pytest.mark.parametrize("member", [_claim("weight.npy", HUGE), _bomb("weight.npy", (MB,))],
                         ids=["4 TB claimed", "4 MB of zeros"])
def test_an_array_of_another_shape_than_its_parameter_is_refused_unread(tmp_path, bytes_read,
                                                                         member):
    path = _file(tmp_path, "crafted.npz", [member, _bias()])
    model = nn.Linear(2, 3)
    before = snapshot(model)
    with pytest.raises(ValueError, match=r"crafted\.npz: load_state_dict: shape mismatch for "
                                         r"'weight': the model has \(3, 2\), the state_dict \("):
        model.load_weights(path)
    assert bytes_read["n"] < 4096  # its header, not its data
    assert_same_state(model, before)


def test_skipped_and_unexpected_arrays_are_never_read(tmp_path, bytes_read):
    weight = stored("weight.npy", npy_bytes(np.ones((3, 2), np.float32)))
    path = _file(tmp_path, "extra.npz", [weight, _bias(), _bomb("extra.npy", (MB,))])
    model = nn.Linear(2, 3)
    model.load_weights(path, strict=False)
    np.testing.assert_array_equal(model.weight.data, np.ones((3, 2)))
    with pytest.raises(StateDictKeyError, match="unexpected key.*'extra'"):
        model.load_weights(path)
    path = _file(tmp_path, "mismatch.npz", [_bomb("weight.npy", (MB,)), _bias()])
    with pytest.warns(UserWarning, match=r"skipped \(skip_mismatch=True\) 1 of another shape "
                                         r"than the model's: \['weight'\]"):
        nn.Linear(2, 3).load_weights(path, skip_mismatch=True)
    assert bytes_read["n"] < 4096


def test_a_lazy_layer_takes_a_huge_claimed_shape_from_no_file(tmp_path, bytes_read):
    path = _file(tmp_path, "claim.npz", [_claim("weight.npy", (3, 10**12)), _bias()])
    model = nn.Linear(3)  # (its input size is inferred: the file would give it)
    with pytest.raises(ValueError, match=r"claim\.npz: member 'weight\.npy' would inflate to "
                                         r"12000000000000 bytes.*16 times the file's"):
        model.load_weights(path)
    assert bytes_read["n"] < 4096
    assert not model.built


def test_a_lazy_layer_loads_compressed_arrays_within_the_budget_only(tmp_path, bytes_read,
                                                                    monkeypatch):
    """No parameter vouches for a lazy layer's size: its arrays may inflate to 16 times the
    file, or the floor (made 1 MiB here, so that the files stay small)."""
    monkeypatch.setattr(nn.stored_array, "UNVOUCHED_FLOOR", MB)
    weight = np.zeros((3, 2 * MB // 3), np.float32)  # 8 MB of zeros
    bomb = _file(tmp_path, "zeros.npz", [deflated("weight.npy", npy_bytes(weight)), _bias()])
    model = nn.Linear(3)
    with pytest.raises(ValueError, match=r"zeros\.npz: member 'weight\.npy' would inflate to "
                                         r"\d+ bytes: .*more than the 1048576 bytes allowed"):
        model.load_weights(bomb)
    assert bytes_read["n"] < 4096 and not model.built
    plain = _file(tmp_path, "plain.npz", [stored("weight.npy", npy_bytes(weight)), _bias()])
    model.load_weights(plain)  # (uncompressed: within 16 times its size)
    assert model.weight.shape == weight.shape
    nn.Linear(*weight.shape[::-1]).load_weights(bomb)  # a built layer vouches for it


def test_an_array_a_load_hook_renames_is_read_within_the_budget(tmp_path, bytes_read,
                                                                 monkeypatch):
    """weight_norm's load pre-hook takes the old names weight_g / weight_v: they are read
    before it runs, and no parameter of those names vouches for their size."""
    monkeypatch.setattr(nn.stored_array, "UNVOUCHED_FLOOR", MB)
    members = [_bomb("weight_v.npy", (3, MB)), _bias(),
               stored("weight_g.npy", npy_bytes(np.ones((3, 1), np.float32)))]
    model = weight_norm(nn.Linear(2, 3))
    with pytest.raises(ValueError, match=r"hook\.npz: member 'weight_v\.npy' would inflate"):
        model.load_weights(_file(tmp_path, "hook.npz", members))
    assert bytes_read["n"] < 4096
    members[0] = stored("weight_v.npy", npy_bytes(np.full((3, 2), 2, np.float32)))
    model.load_weights(_file(tmp_path, "old_names.npz", members))
    np.testing.assert_array_equal(model.parametrizations.weight.original1.data,
                                  np.full((3, 2), 2))


@pytest.mark.parametrize("members, words", [
    ([stored("weight.npy", npy_bytes(np.zeros((3, 2), np.float32)), file_size=999), _bias()],
     "member 'weight.npy' is stored uncompressed but declares 999 bytes and holds 152"),
    ([deflated("weight.npy", npy_bytes(np.zeros((3, 2), np.float32)), file_size=176), _bias()],
     r"member 'weight.npy': its .npy header declares shape \(3, 2\) of float32 \(24 bytes "
     r"after a 128-byte header\) but its zip entry declares 176 bytes"),
    ([stored("bias.npy", npy_bytes(np.zeros(3, np.float32))), _bias()],
     "member 'bias.npy' appears 2 times"),
    ([stored("weight.npy", b"\x93NUMPY\x09\x00" + bytes(200))],
     r"member 'weight.npy' is an .npy file of format version 9.0"),
    ([stored("weight.npy", b"weights, honestly")], "member 'weight.npy' is not an .npy array"),
    ([stored("weight.npy", npy_header((3, 2), "|O") + bytes(48))],
     r"member 'weight.npy' holds Python objects \(dtype object\), which are never unpickled"),
], ids=["stored sizes differ", "header vs entry", "duplicate", "npy version", "not npy",
        "object"])
def test_a_member_declaring_what_it_does_not_hold_is_refused_unread(tmp_path, bytes_read,
                                                                     members, words):
    model = nn.Linear(2, 3)
    before = snapshot(model)
    with pytest.raises(ValueError, match=r"crafted\.npz is not a readable \.npz weights file "
                                         rf"\({words}"):
        model.load_weights(_file(tmp_path, "crafted.npz", members))
    assert bytes_read["n"] < 4096
    assert_same_state(model, before)


def test_compressed_sizes_beyond_the_file_or_overlapping_are_refused(tmp_path):
    weight = deflated("weight.npy", npy_bytes(np.zeros((3, 2), np.float32)))
    data = bytearray(zip_bytes([weight, _bias()]))
    at = data.index(b"weight.npy", data.index(b"PK\x01\x02")) + len("weight.npy") + 12
    data[at:at + 8] = (10**9).to_bytes(8, "little")  # its zip64 compressed size
    (tmp_path / "beyond.npz").write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"beyond\.npz .*member 'weight\.npy' declares "
                                         r"1000000000 compressed bytes at offset 0, beyond"):
        nn.Linear(2, 3).load_weights(tmp_path / "beyond.npz")
    twice = zip_bytes([weight, _bias()])  # a second directory entry for the same data
    directory = twice.index(b"PK\x01\x02")
    entry = twice[directory:twice.index(b"PK\x01\x02", directory + 1)]
    end = twice[twice.index(b"PK\x05\x06"):]
    body = twice[:twice.index(b"PK\x05\x06")] + entry.replace(b"weight.npy", b"second.npy")
    end = end[:8] + (3).to_bytes(2, "little") * 2 + \
        (len(body) - directory).to_bytes(4, "little") + end[16:]
    (tmp_path / "overlap.npz").write_bytes(body + end)
    with pytest.raises(ValueError, match=r"overlap\.npz .*member '(weight|second)\.npy' "
                                         r"starts at offset 0, inside.*members overlap"):
        nn.Linear(2, 3).load_weights(tmp_path / "overlap.npz", strict=False)


def test_a_stream_shorter_than_declared_is_corrupt_not_loaded(tmp_path):
    weight = npy_bytes(np.ones((300, 200), np.float32))
    short = Member("weight.npy", deflated("weight.npy", weight[:-4000]).payload, 8,
                   content=weight)
    model = nn.Linear(200, 300)
    before = snapshot(model)
    with pytest.raises(ValueError, match=r"short\.npz (is corrupt|is not a readable).*member "
                                         r"'weight\.npy' cannot be read"):
        model.load_weights(_file(tmp_path, "short.npz", [short, _bias(300)]))
    assert_same_state(model, before)


def test_other_members_are_keys_read_only_if_loaded(tmp_path, bytes_read):
    """numpy.load gives a member not named *.npy as its bytes: such a key is unexpected
    (strict=False: ignored, unread) or, named like a parameter, of no number dtype."""
    weight = stored("weight.npy", npy_bytes(np.ones((3, 2), np.float32)))
    path = _file(tmp_path, "notes.npz", [weight, _bias(), zero_bomb("notes.txt", b"", 4 * MB)])
    nn.Linear(2, 3).load_weights(path, strict=False)
    with pytest.raises(StateDictKeyError, match="unexpected key.*'notes.txt'"):
        nn.Linear(2, 3).load_weights(path)
    path = _file(tmp_path, "bytes.npz", [zero_bomb("weight", b"", 4 * MB), _bias()])
    with pytest.raises(ValueError, match=r"bytes\.npz: load_state_dict: 'weight' holds dtype "
                                         r"\|S1, not real numbers"):
        nn.Linear(2, 3).load_weights(path, strict=False)
    assert bytes_read["n"] < 4096


def test_no_loader_unpickles_an_object_array(tmp_path, monkeypatch):
    """An object member holding a real pickle, of the size its header declares."""
    payload = pickle.dumps([None] * 6, protocol=4)
    payload += bytes(-len(payload) % 8)  # (pickle stops reading at its end)
    evil = npy_header((len(payload) // 8,), "|O") + payload

    def refuse(*args, **kwargs):
        raise AssertionError("unpickled")
    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "loads", refuse)
    tree = {"format": "rungrad checkpoint", "version": 1,
            "tree": {"array": 0, "scalar": False}}
    files = {
        "w.npz": ([stored("weight.npy", evil), _bias()], nn.Linear(2, 3).load_weights),
        "c.ckpt": ([stored("tree.json", json.dumps(tree).encode()),
                    stored("arrays/0.npy", evil)], nn.load),
    }
    model = nn.Sequential(nn.Linear(2, 3))
    model.save(tmp_path / "m.rungrad")
    with zipfile.ZipFile(tmp_path / "m.rungrad") as archive:
        members = OrderedDict((n, archive.read(n)) for n in archive.namelist())
    members["arrays/0.npy"] = evil
    files["m.rungrad"] = ([stored(n, d) for n, d in members.items()], nn.load_model)
    for name, (crafted, load) in files.items():
        with pytest.raises(ValueError, match=rf"{name}.*holds Python objects"):
            load(_file(tmp_path, name, crafted))


def test_checkpoints_and_model_files_bound_what_they_read(tmp_path, bytes_read, monkeypatch):
    """nn.load has no model to vouch for its arrays: the budget bounds them; load_model
    checks its weights against the model the file describes, and its optimizer's state by
    the budget."""
    monkeypatch.setattr(nn.stored_array, "UNVOUCHED_FLOOR", MB)
    tree = {"format": "rungrad checkpoint", "version": 1,
            "tree": {"dict": [["w", {"array": 0, "scalar": False}]]}}
    path = _file(tmp_path, "c.ckpt", [stored("tree.json", json.dumps(tree).encode()),
                                      _bomb("arrays/0.npy", (2 * MB,))])
    with pytest.raises(ValueError, match=r"nn\.load: .*c\.ckpt: member 'arrays/0\.npy' would "
                                         "inflate to 8388608 bytes"):
        nn.load(path)
    model = nn.Sequential(nn.Linear(2, 3))
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((4, 2), np.float32), np.ones((4, 3), np.float32), verbose=0)
    model.save(tmp_path / "m.rungrad")
    with zipfile.ZipFile(tmp_path / "m.rungrad") as archive:
        members = OrderedDict((n, archive.read(n)) for n in archive.namelist())
    weights = dict(json.loads(members["model.json"])["weights"])
    state = next(f"arrays/{i}.npy" for i in range(len(members) - 1)
                 if i not in weights.values())
    for member, words in ((f"arrays/{weights['0.weight']}.npy",
                           r"shape mismatch for '0\.weight': the model has \(3, 2\)"),
                          (state, rf"member '{state}' would inflate to 8388608 bytes")):
        crafted = [_bomb(n, (2 * MB,)) if n == member else stored(n, d)
                   for n, d in members.items()]
        bytes_read["n"] = 0
        with pytest.raises(ValueError, match=rf"load_model: .*m2\.rungrad: .*{words}"):
            nn.load_model(_file(tmp_path, "m2.rungrad", crafted))
        assert bytes_read["n"] < len(members["model.json"]) + 4096
