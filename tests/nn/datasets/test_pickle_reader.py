"""nn.datasets.pickle_reader: what pickle.dump (protocols 2 to 5) and np.savez write reads
back equal, as data; a pickle asking for anything else (os.system through GLOBAL / REDUCE,
instances) is refused before anything runs."""
import io
import os
import pickle  # (writing pickles only: the reader under test never unpickles)
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn.datasets.pickle_reader import RefusedPickle, read_pickle
from nn.keras.datasets.npz_members import load_npz

from ._keras_dataset_files import objects, py2_pickle

PROTOCOLS = [2, 3, 4, 5]

scalars = (st.none() | st.booleans() | st.integers() | st.integers(-2**70, 2**70)
           | st.floats(allow_nan=False) | st.text(max_size=8) | st.binary(max_size=8))
data = st.recursive(scalars, lambda inner: (
    st.lists(inner, max_size=4) | st.lists(inner, max_size=3).map(tuple)
    | st.dictionaries(st.text(max_size=4) | st.integers(), inner, max_size=3)), max_leaves=12)


@settings(max_examples=60, deadline=None)
@given(value=data, protocol=st.sampled_from(PROTOCOLS))
def test_data_pickled_reads_back_equal(value, protocol):
    back = read_pickle(pickle.dumps(value, protocol), "fixture.pkl")
    assert back == value and repr(back) == repr(value)  # (types too: 1 vs True vs 1.0)


ARRAYS = [np.arange(6, dtype=">i2").reshape(2, 3), np.asfortranarray(np.ones((2, 3))),
          np.array(["ab", "c"]), np.array([b"x", b"yz"]), np.zeros((0, 3), np.float32),
          np.array(3.5), np.arange(12, dtype=np.uint8).reshape(2, 2, 3)[:, ::-1],
          objects([[1, 2], [3], []]), np.array([[1, "a"], [None, 2.5]], dtype=object)]


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("array", ARRAYS, ids=lambda a: f"{a.dtype}{a.shape}")
def test_arrays_pickled_read_back_equal(array, protocol):
    stream = pickle.dumps({"a": array, "again": [array]}, protocol)
    back = read_pickle(stream, "fixture.pkl")
    expected = pickle.loads(stream)  # (NumPy stores its arrays in native byte order)
    assert back["a"].dtype == expected["a"].dtype and back["a"].shape == array.shape
    assert back["a"].tolist() == array.tolist()
    assert back["again"][0] is back["a"]  # (the memo: one array, twice)
    assert back["a"].flags.writeable


def test_shared_lists_stay_shared():
    inner = [1]
    back = read_pickle(pickle.dumps([inner, inner, {"k": inner}], 2), "x")
    assert back[0] is back[1] is back[2]["k"]


def test_reading_a_byte_swapped_dtype_leaves_numpy_dtypes_alone():
    read_pickle(pickle.dumps(np.dtype(">i4"), 2), "x")
    assert np.dtype("i4").byteorder == "=" and np.dtype("i4").isnative


def test_an_npz_of_object_arrays_reads_back(tmp_path):
    path = tmp_path / "a.npz"
    np.savez(path, x=objects([[1, 2], [3]]), y=np.arange(2))
    arrays = load_npz(path)
    assert arrays["x"].tolist() == [[1, 2], [3]] and arrays["y"].tolist() == [0, 1]


# ----- Python 2's str -----
def test_python2_str_decodes_as_pickle_load_encoding_says():
    stream = py2_pickle({b"key": [b"caf\xe9", 7]})
    assert read_pickle(stream, "x", encoding="bytes") == {b"key": [b"caf\xe9", 7]}
    assert read_pickle(stream, "x", encoding="latin1") == {"key": ["caf\xe9", 7]}
    with pytest.raises(RefusedPickle, match="x: refused to read a malformed pickle "
                                            r"\(UnicodeDecodeError"):
        read_pickle(stream, "x")  # (ASCII, pickle's default)
    with pytest.raises(ValueError, match="encoding must be one of"):
        read_pickle(stream, "x", encoding="utf8")


# ----- what is refused -----
class _System:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


class _Plain:
    pass


@pytest.mark.parametrize("protocol", [0, 1, *PROTOCOLS])
def test_os_system_is_refused_without_running(tmp_path, protocol):
    marker = tmp_path / "ran"
    stream = pickle.dumps([1, {"x": _System(marker)}], protocol)
    with pytest.raises(RefusedPickle, match=r"evil.pkl: refused to read the global "
                                            r"posix.system at byte \d+ .* nothing in it was run"):
        read_pickle(stream, "evil.pkl")
    assert not marker.exists()
    assert pickle.loads(stream) == [1, {"x": 0}] and marker.exists()  # (the stream did work)


@pytest.mark.parametrize("protocol", [0, 2, 4])
def test_instances_and_other_globals_are_refused(protocol):
    with pytest.raises(RefusedPickle, match="refused to read the global (__main__|tests|copy_reg)"):
        read_pickle(pickle.dumps(_Plain(), protocol), "f")
    with pytest.raises(RefusedPickle, match="refused to read (the global (__builtin__|"
                                            "builtins).set|opcode EMPTY_SET)"):
        read_pickle(pickle.dumps({1}, protocol), "f")
    with pytest.raises(RefusedPickle, match="refused to read the global "
                                            "numpy.*multiarray.scalar"):
        read_pickle(pickle.dumps(np.float64(1.5), protocol), "f")


def test_an_accepted_global_called_with_others_arguments_is_refused():
    # numpy.dtype called on a structured type's string; _reconstruct of another class
    stream = pickle.dumps(np.zeros(2, dtype=[("a", "i4")]), 2)
    with pytest.raises(RefusedPickle, match="only simple dtypes are read"):
        read_pickle(stream, "f")
    forged = pickle.dumps(np.zeros(2), 2).replace(b"cnumpy\nndarray", b"cnumpy\ndtype\n"[:-1])
    with pytest.raises(RefusedPickle, match="f: refused to read"):
        read_pickle(forged, "f")


@pytest.mark.parametrize("stream", [b"", b"\x80\x02K\x01", b"\x80\x02]q\x00(K\x01.",
                                    b"\x80\x02K\x01K\x02."])
def test_malformed_pickles_are_refused(stream):
    with pytest.raises(RefusedPickle, match="f: refused to read"):
        read_pickle(stream, "f")


def test_raw_bytes_are_never_taken_for_object_pointers():
    # An object dtype whose state clears its object flag would let NumPy take the bytes for
    # pointers: the state must be NumPy's own; an honest object dtype takes a list only.
    stream = pickle.dumps(np.zeros(1, np.int64), 2)
    with pytest.raises(RefusedPickle, match=r"a dtype state .*not NumPy's own for \|O"):
        read_pickle(stream.replace(b"i8", b"O8"), "f")
    forged = stream.replace(b"i8", b"O8").replace(b"K\x00tq", b"K?tq").replace(b"\x00<q",
                                                                               b"\x00|q")
    with pytest.raises(RefusedPickle, match="array data of type bytes for dtype object"):
        read_pickle(forged, "f")
    endian = stream.replace(b"\x00<q", b"\x00|q")  # ('|' for an 8-byte integer)
    with pytest.raises(RefusedPickle, match="a dtype state"):
        read_pickle(endian, "f")


def test_an_npz_holding_a_hostile_pickle_names_file_and_member(tmp_path):
    member = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        member, np.lib.format.header_data_from_array_1_0(np.empty(1, dtype=object)))
    member.write(pickle.dumps(_System(tmp_path / "ran"), 2))
    path = tmp_path / "evil.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("x.npy", member.getvalue())
    with pytest.raises(RefusedPickle, match=r"evil.npz \(member 'x.npy'\): refused to read "
                                            r"the global posix.system"):
        load_npz(path)
    assert not (tmp_path / "ran").exists()


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_ints_at_each_opcode_width_read_back_equal(protocol):
    """BININT1, BININT2 and BININT (read inline, in runs) at their bounds, and LONG beyond."""
    bounds = [0, 1, 255, 256, 65535, 65536, -1, -2**31, 2**31 - 1, 2**31, -2**31 - 1, 2**64]
    for value in (bounds, [bounds, bounds[::-1]], bounds[-1:], 7):
        assert read_pickle(pickle.dumps(value, protocol), "ints.pkl") == value


@pytest.mark.parametrize("cut", [1, 2, 3, 4])
def test_a_pickle_cut_inside_an_int_is_refused(cut):
    data = pickle.dumps([70000, 70000], 2)  # (BININT: four bytes of argument each)
    end = data.index(b"e")  # (the APPENDS after the two ints)
    with pytest.raises(RefusedPickle, match="ints.pkl: refused to read a malformed pickle"):
        read_pickle(data[:end - cut], "ints.pkl")
