"""nn.datasets.pickle_reader: what pickle.dump (protocols 2 to 5) and np.savez write reads
back equal, as data; a pickle asking for anything else (os.system through GLOBAL / REDUCE,
instances) is refused before anything runs."""
import io
import os
import pickle  # (writing pickles only: the reader under test never unpickles)
import re
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
    swapped = np.arange(3, dtype=">i4")
    np.testing.assert_array_equal(read_pickle(pickle.dumps(swapped, 2), "x"), swapped)
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


def _object_array_pickle(claimed, items=b"K\x01a"):
    """_reconstruct(ndarray, (0,), b'b'), then BUILD of shape (claimed,), dtype O8 and the
    list `items` builds (one 1 by default): as an object array's pickle, but hand-made."""
    return (b"\x80\x02cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85C\x01b"
            b"\x87R(K\x01J" + claimed.to_bytes(4, "little") + b"\x85cnumpy\ndtype\nX\x02\x00"
            b"\x00\x00O8K\x00K\x01\x87R(K\x03X\x01\x00\x00\x00|NNNJ\xff\xff\xff\xffJ\xff\xff"
            b"\xff\xffK?tb\x89]" + items + b"tb.")


def test_an_object_array_of_more_items_than_its_list_is_refused():
    """NumPy would read the missing items past the list (a crash, or pointers an attacker
    chose) and would allocate the claimed size first: the counts must agree."""
    assert read_pickle(_object_array_pickle(1), "o.pkl").tolist() == [1]
    for claimed in (2, 100_000, 400_000_000):
        with pytest.raises(RefusedPickle, match=rf"o.pkl: refused to read an object array of "
                                                rf"shape \({claimed},\) given 1 items"):
            read_pickle(_object_array_pickle(claimed), "o.pkl")


@pytest.mark.parametrize("data, what", [
    (b"\x80\x02]cnumpy\ndtype\na.", "a value holding a _Global"),  # (a global never called)
    (_object_array_pickle(1, b"cnumpy\nndarray\na"), "a value holding a _Global"),
    (b"\x80\x02cnumpy\ndtype\nX\x02\x00\x00\x00i8K\x00K\x01\x87R.", "a value holding a"),
    (b"\x80\x02}cnumpy\ndtype\nK\x01s.", "dict items"),  # (a key that is not data)
    (b"\x80\x02}" + b")" + b"\x85" * 200_000 + b"K\x01s.", "dict items"),  # (hashing it crashes)
    (b"\x80\x02)" + b"\x85" * 200_000 + b".", "data nested deeper than 100 levels"),
    (b"(K\x01K\x02K\x03d.", "dict items"),  # (an odd count)
    (b"\x80\x02\x85.", "a tuple of 1 items from a stack of 0"),
    (b"I010\n.", "INT b'010'"),  # (pickle.load reads 8: int() would read 10)
    (b"F1_0\n.", "FLOAT b'1_0'"),
    (b"\x80\x02cnumpy\ndtype\nX\x01\x00\x00\x00TK\x00K\x01\x87R.", "a dtype 'T'"),
])
def test_values_that_are_not_plain_data_are_refused(data, what):
    with pytest.raises(RefusedPickle, match=re.escape(f"h.pkl: refused to read {what}")
                       if "INT" not in what and "FLOAT" not in what else re.escape(what)):
        read_pickle(data, "h.pkl")


def test_a_deep_dtype_state_is_named_briefly_not_by_its_repr():
    state = b"]" * 100_000 + b"a" * 99_999 + b"X\x01\x00\x00\x00<\x86"
    data = b"\x80\x02cnumpy\ndtype\nX\x02\x00\x00\x00i8K\x00K\x01\x87R" + state + b"b."
    with pytest.raises(RefusedPickle, match="a dtype state a tuple of length 2 at byte"):
        read_pickle(data, "h.pkl")


def test_nesting_reached_through_shared_containers_counts_in_full():
    """A chain of memoized tuples T_k = (T_k-1,), the top list holding shortcuts into it:
    each container's real height counts, not the shallowest path to it."""
    data = bytearray(b"\x80\x04K\x00\x85r" + (0).to_bytes(4, "little"))
    for k in range(1, 1001):
        data += b"\x85r" + k.to_bytes(4, "little")  # (TUPLE1, LONG_BINPUT k)
    data += b"0]("  # (POP, EMPTY_LIST, MARK)
    for k in range(1000, -1, -90):
        data += b"j" + k.to_bytes(4, "little")  # (LONG_BINGET)
    with pytest.raises(RefusedPickle, match="data nested deeper than 100 levels"):
        read_pickle(bytes(data + b"e."), "h.pkl")


def test_a_container_inside_itself_reads_as_pickle_loads_reads_it():
    looped = []
    looped.append(looped)
    back = read_pickle(pickle.dumps([looped, {"a": looped}], 4), "l.pkl")
    assert back[0][0] is back[0] and back[1]["a"] is back[0]


def test_arrays_from_one_protocol_5_buffer_are_views_of_it_not_copies():
    """pickle.loads gives read-only views: a copy per array would let a small file that
    names its buffer many times ask for many times its size."""
    buffer = b"\x80\x05]q\x00(C\x04\x01\x02\x03\x04q\x010"
    dtype = (b"cnumpy\ndtype\nX\x02\x00\x00\x00u1\x89\x88\x87R(K\x03X\x01\x00\x00\x00|NNNJ"
             b"\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tbq\x020cnumpy._core.numeric\n"
             b"_frombuffer\nq\x030")
    call = b"h\x03(h\x01h\x02K\x04\x85X\x01\x00\x00\x00CtR"
    arrays = read_pickle(buffer + dtype + call * 3 + b"e.", "v.pkl")
    assert [a.tolist() for a in arrays] == [[1, 2, 3, 4]] * 3
    assert all(not a.flags.writeable and np.shares_memory(a, arrays[0]) for a in arrays)


class _ArrayState:
    """An array pickled as NumPy pickles one, its state (shape, dtype, data) chosen freely."""

    def __init__(self, shape, dtype, data):
        self.state = (1, shape, np.dtype(dtype), False, data)


class _StatePickler(pickle.Pickler):
    def reducer_override(self, obj):
        if isinstance(obj, _ArrayState):
            return (np.ndarray.__reduce__(np.empty(0, np.int8))[0], (np.ndarray, (0,), b"b"),
                    obj.state)
        return NotImplemented


@pytest.mark.parametrize("shape, dtype, what", [
    ((10**18,), "S0", "an array of 1000000000000000000 items of no size"),
    ((2**32, 2**32), "u1", "a malformed pickle (MemoryError"),
    ((1,) * 33, "O", "a malformed pickle (RuntimeError"),
])
def test_arrays_claiming_impossible_sizes_are_refused(shape, dtype, what):
    out = io.BytesIO()
    _StatePickler(out, protocol=2).dump(_ArrayState(shape, dtype, [1] if dtype == "O" else b""))
    with pytest.raises(RefusedPickle, match=re.escape(what)):
        read_pickle(out.getvalue(), "s.pkl")
