"""Small stand-ins for Keras' dataset files, in their exact formats: imdb.npz as old NumPy
wrote it (object arrays pickled with protocol 2, numpy.core's names), reuters.npz as
np.savez writes it today, word-index JSON, the housing .npz files, and
cifar-100-python.tar.gz whose batches are pickled as Python 2's cPickle wrote them (str as
BINSTRING). Deterministic: the reference values in the tests were computed by Keras 3.15.1
on these very files."""
import hashlib
import io
import json
import pickle  # (writing fixtures only)
import re
import struct
import tarfile
import zipfile

import numpy as np

IMDB_WORDS = {"the": 1, "and": 2, "a": 3, "of": 4, "film": 5}


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def md5(data):
    return hashlib.md5(data).hexdigest()


def sequences(rng, count, vocabulary, longest):
    """`count` lists of Python ints in 1..vocabulary, 1 to `longest` long."""
    return [[int(w) for w in rng.randint(1, vocabulary + 1, rng.randint(1, longest + 1))]
            for _ in range(count)]


def objects(lists):
    """A 1-D object array of the lists (never 2-D, whatever their lengths)."""
    array = np.empty(len(lists), dtype=object)
    array[:] = lists
    return array


def old_numpy_npy(array):
    """An object array's .npy file as NumPy 1 under Python 2 wrote it: protocol 2, the
    numpy.core module names."""
    out = io.BytesIO()
    np.lib.format.write_array_header_1_0(out, np.lib.format.header_data_from_array_1_0(array))
    stream = pickle.dumps(array, protocol=2).replace(b"numpy._core.", b"numpy.core.")
    for py3, py2 in _PY2_STRINGS:  # (Python 2 wrote these str as SHORT_BINSTRING)
        stream = re.sub(py3, py2, stream)
    out.write(stream)
    return out.getvalue()


# Python 3's protocol 2 writes the typecode b'b' as _codecs.encode('b', 'latin1') and str as
# unicode; Python 2 wrote both as its str.
_PY2_STRINGS = ((rb"c_codecs\nencode\nq.X\x01\x00\x00\x00bq.X\x06\x00\x00\x00latin1q.\x86q.R",
                 b"U\x01b"),
                (rb"X\x02\x00\x00\x00O8", b"U\x02O8"), (rb"X\x01\x00\x00\x00\|", b"U\x01|"))


def imdb_npz():
    """imdb.npz: x_train / x_test object arrays (12 and 9 reviews), int64 labels."""
    rng = np.random.RandomState(7)
    members = {}
    for part, count in (("train", 12), ("test", 9)):
        members[f"x_{part}.npy"] = old_numpy_npy(objects(sequences(rng, count, 30, 14)))
        members[f"y_{part}.npy"] = _npy(rng.randint(0, 2, count).astype(np.int64))
    return _zip(members)


def reuters_npz():
    """reuters.npz as np.savez writes it now: x an object array of 25 sequences, y labels
    0..45."""
    rng = np.random.RandomState(11)
    out = io.BytesIO()
    np.savez(out, x=objects(sequences(rng, 25, 40, 12)), y=rng.randint(0, 46, 25))
    return out.getvalue()


def word_index_json():
    return json.dumps(IMDB_WORDS).encode()


def boston_npz():
    """506 rows in Keras' file: here 20, row i's first feature i (to read the shuffle)."""
    x = np.random.RandomState(3).rand(20, 13)
    x[:, 0] = np.arange(20)
    return _savez(x=x, y=np.arange(20) * 1.5 + 10)


def california_npz():
    """650 rows (over the 600 of version='small'), row i's first feature i."""
    x = np.random.RandomState(5).rand(650, 8).astype(np.float32)
    x[:, 0] = np.arange(650)
    return _savez(x=x, y=np.arange(650, dtype=np.float32) * 100)


def _savez(**arrays):
    out = io.BytesIO()
    np.savez(out, **arrays)
    return out.getvalue()


def _npy(array):
    out = io.BytesIO()
    np.lib.format.write_array(out, array, allow_pickle=False)
    return out.getvalue()


def _zip(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


# ----- CIFAR-100's Python 2 pickles -----
def cifar100_batch(rng, count):
    """A batch dict as CIFAR-100's: 'data' uint8 (count, 3072), fine and coarse labels."""
    return {b"filenames": [b"img_%d.png" % i for i in range(count)],
            b"batch_label": b"training batch 1 of 1",
            b"fine_labels": [int(v) for v in rng.randint(0, 100, count)],
            b"coarse_labels": [int(v) for v in rng.randint(0, 20, count)],
            b"data": rng.randint(0, 256, (count, 3072)).astype(np.uint8)}


def cifar100_tar_gz():
    """cifar-100-python.tar.gz: cifar-100-python/{train,test,meta}, 5 and 3 images."""
    rng = np.random.RandomState(2)
    batches = {"train": cifar100_batch(rng, 5), "test": cifar100_batch(rng, 3),
               "meta": {b"fine_label_names": [b"apple", b"bee"],
                        b"coarse_label_names": [b"fruit", b"insects"]}}
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for name, batch in batches.items():
            data = py2_pickle(batch)
            info = tarfile.TarInfo(f"cifar-100-python/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


def py2_pickle(value):
    """`value` as Python 2's cPickle.dump(value, f, 2) writes it, bytes standing for
    Python 2's str (BINSTRING): dicts, lists, ints, bytes and uint8 arrays."""
    return b"\x80\x02" + _py2(value) + b"."


def _py2(value):
    if isinstance(value, dict):
        return b"}(" + b"".join(_py2(k) + _py2(v) for k, v in value.items()) + b"u"
    if isinstance(value, list):
        return b"](" + b"".join(_py2(v) for v in value) + b"e"
    if isinstance(value, int):
        return b"J" + struct.pack("<i", value)
    if isinstance(value, bytes):
        return b"T" + struct.pack("<I", len(value)) + value
    assert isinstance(value, np.ndarray) and value.dtype == np.uint8
    shape = b"(" + b"".join(_py2(n) for n in value.shape) + b"t"
    dtype = (b"cnumpy\ndtype\n" + _py2(b"u1") + b"K\x00K\x01\x87R(K\x03" + _py2(b"|")
             + b"NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb")
    return (b"cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85"
            + _py2(b"b") + b"\x87R(K\x01" + shape + dtype + b"\x89"
            + _py2(value.tobytes()) + b"tb")


# ----- what a load_data() returned, in short (for reference values) -----
def sequences_digest(result):
    """sha256 of ((x_train, y_train), (x_test, y_test)) of word sequences: their dtypes,
    shapes and values (as JSON)."""
    parts = [[x.dtype.str, list(x.shape), x.tolist(), y.dtype.str, list(y.shape), y.tolist()]
             for x, y in result]
    return sha256(json.dumps(parts).encode())


def array_digest(array):
    """sha256 of an array's dtype, shape and bytes (C order)."""
    header = f"{array.dtype.str}{array.shape}".encode()
    return sha256(header + np.ascontiguousarray(array).tobytes())


# ----- a Keras cache holding them, offline -----
def keras_cache(monkeypatch, tmp_path, files):
    """$KERAS_HOME (monkeypatched) in tmp_path, its datasets/ holding `files` ({cache name:
    bytes}), and get_file's network refused; returns datasets/."""
    from nn.keras import get_file as get_file_module

    def refuse(url):
        raise AssertionError(f"no download expected in this test (asked for {url})")

    monkeypatch.setattr(get_file_module, "_open_url", refuse)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    folder = tmp_path / "keras_home" / "datasets"
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def serve(monkeypatch, blobs):
    """get_file's downloads answered from `blobs` ({URL: bytes}); returns the URLs asked."""
    from nn.keras import get_file as get_file_module
    asked = []

    class Response(io.BytesIO):
        headers = {}

    def fake_open(url):
        asked.append(url)
        return Response(blobs[url])

    monkeypatch.setattr(get_file_module, "_open_url", fake_open)
    return asked
