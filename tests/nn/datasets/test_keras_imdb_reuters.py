"""keras.datasets.imdb and .reuters as Keras 3.15.1's: the same cache files, shuffle, index
shifting, maxlen filter, vocabulary cut and split. The digests are Keras' own results on the
stand-in files of _keras_dataset_files (computed with Keras, argument by argument)."""
import io
import os
import pickle  # (writing a hostile file only)

import numpy as np
import pytest

from nn.datasets.pickle_reader import RefusedPickle
from nn.keras.datasets import imdb, reuters

from . import _keras_dataset_files as files

IMDB_NPZ, REUTERS_NPZ = files.imdb_npz(), files.reuters_npz()
IMDB_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz"


@pytest.fixture
def cache(monkeypatch, tmp_path):
    """A Keras cache holding the stand-ins, the modules' hashes theirs."""
    monkeypatch.setattr(imdb, "FILE_HASH", files.sha256(IMDB_NPZ))
    monkeypatch.setattr(reuters, "FILE_HASH", files.sha256(REUTERS_NPZ))
    monkeypatch.setattr(imdb, "WORD_INDEX_HASH", files.md5(files.word_index_json()))
    return files.keras_cache(monkeypatch, tmp_path, {
        "imdb.npz": IMDB_NPZ, "reuters.npz": REUTERS_NPZ,
        "imdb_word_index.json": files.word_index_json()})


IMDB_KERAS = [  # (load_data's arguments, the digest of what Keras 3.15.1 returned)
    ({}, "ce2029026c0f588810b1e41d7fda0f6ab95a76dfb4ce412bfc466b4f8a532a91"),
    ({"num_words": 20}, "5032db3439dfa8446c76628616d16ecc56139e64930e5c0d920f4f782f43f7c1"),
    ({"num_words": 25, "skip_top": 5},
     "82c34a4099b654e32d7a528f6a5f3ecbbf59044c7fa311e7946c932d859cb2a3"),
    ({"maxlen": 8}, "b8a81c7ac7d732260b81172a533247322a50da530889971fc41da4fce4f2f4d5"),
    ({"seed": 1}, "a455351780f291f6e6a7db0801df8ba189c4e48f41fc1c3d24db4fa679b53efb"),
    ({"start_char": None}, "cf33155548267f5943b930446d3af90a9a08cea6e4aa23893e66757a71645793"),
    ({"oov_char": None, "num_words": 15},
     "2b2fc709f0b461d128d65fa9263bc35ed31efa39740eaa0ab5d52c653625841a"),
    ({"start_char": None, "index_from": 0},
     "4ddaa4e95f54eb7586b3e8d472f181372069500f5cc05d4f632ea5a746d73f29"),
    ({"start_char": 5, "oov_char": 7, "index_from": 10, "num_words": 30},
     "796942308884b580067fc22efab5c25410f3f45140b02d8d1b874418a46278fd"),
    ({"maxlen": 6, "num_words": 40, "seed": 0},
     "085a086cf9c68f00e48d83cb0b0d5579459380abfead234e18af5dce50e5c70a"),
]
REUTERS_KERAS = [
    ({}, "be03453f6525ad27b2b9e590e42e0317d2e3c95be29ae48e0ac7f3be6dc3fb68"),
    ({"num_words": 20, "skip_top": 2},
     "11cfa865bbb3f01315b6ae987f6bfb12e6edc73f5ff37acf77e4525851b8e634"),
    ({"maxlen": 6}, "d2400d914e9feec546a59397e8351879ef005d72ad6085174664050333e2166c"),
    ({"test_split": 0.5}, "aed35f9fccd155cccd6dfc69848efcd5405ef6ed3032962344114638429e23b4"),
    ({"test_split": 0.0}, "a2afd67e5ede5348795ae5df0e79d88104b1ebd6892fb07966b8674cff951fec"),
    ({"seed": 0}, "4dcd4a55f681a1f0babff0f9e0a28db610c8986fd13e473e5ed5f5bf83895114"),
    ({"start_char": None, "oov_char": None, "index_from": 0, "num_words": 30},
     "79f6b36b5b906ac337c83d006176903b952f08ac3e714d7c15f02f7924bb3b7f"),
    ({"maxlen": 3, "num_words": 50},
     "db01435ce5034a495b1d39de7060f521fd9393629b92bd33ffa4edbfdae3458a"),
    ({"test_split": 1.0, "seed": 5},
     "90697c413524eef439e28b91df67260ff6d33417915ae97b556d98b5aac6ed13"),
    ({"maxlen": 1, "num_words": 10},  # (nothing kept: Keras' empty arrays, float labels)
     "459c5426a26fc39a4cedc6d066c406f235629d690899caa8c4a7dd95d6c6025c"),
]


@pytest.mark.parametrize("kwargs, digest", IMDB_KERAS)
def test_imdb_load_data_returns_what_keras_returns(cache, kwargs, digest):
    assert files.sequences_digest(imdb.load_data(**kwargs)) == digest


@pytest.mark.parametrize("kwargs, digest", REUTERS_KERAS)
def test_reuters_load_data_returns_what_keras_returns(cache, kwargs, digest):
    assert files.sequences_digest(reuters.load_data(**kwargs)) == digest


def test_imdb_default_arrays_as_keras_gives_them(cache):
    (x, y), (xt, yt) = imdb.load_data()
    assert x.dtype == object and x.shape == (12,) and isinstance(x[0], list)
    assert x.tolist()[:2] == [[1, 20, 31, 2, 4, 6, 28], [1, 23, 32, 16, 9, 28, 28, 27]]
    assert y.dtype == np.int64 and y.tolist() == [0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]
    assert xt.shape == (9,) and yt.tolist() == [1, 1, 1, 0, 1, 0, 1, 0, 1]


def test_reuters_vocabulary_cut_as_keras_gives_it(cache):
    (x, y), (xt, yt) = reuters.load_data(num_words=20, skip_top=2)
    assert x.shape == (20,) and xt.shape == (5,)
    assert x.tolist()[:2] == [[2, 2], [2, 2, 16, 8, 2, 8, 2]]
    assert y.tolist() == [34, 0, 9, 20, 1, 42, 38, 29, 27, 2, 26, 25, 5, 35, 16, 1, 7, 44, 30,
                          21]
    assert yt.tolist() == [14, 19, 4, 30, 25]


def test_word_indices_and_label_names(cache):
    assert imdb.get_word_index() == files.IMDB_WORDS
    names = reuters.get_label_names()
    assert len(names) == 46 and names[:3] == ("cocoa", "grain", "veg-oil")
    assert names[-1] == "lead"


# ----- errors -----
def test_imdb_keeping_no_sequence_is_keras_error(cache):
    with pytest.raises(ValueError, match="After filtering for sequences shorter than "
                                         "maxlen=2, no sequence was kept. Increase maxlen."):
        imdb.load_data(maxlen=2)


def test_reuters_taking_the_largest_index_of_nothing_says_why(cache):
    with pytest.raises(ValueError, match=r"reuters.load_data: num_words=None .* none is left"):
        reuters.load_data(maxlen=1)


@pytest.mark.parametrize("module", [imdb, reuters])
@pytest.mark.parametrize("kwargs, named", [({"num_words": "10"}, "num_words"),
                                           ({"skip_top": None}, "skip_top"),
                                           ({"maxlen": 2.5}, "maxlen"),
                                           ({"index_from": None}, "index_from")])
def test_arguments_not_integers_are_named(cache, module, kwargs, named):
    with pytest.raises(TypeError, match=f"load_data: {named} must be an integer"):
        module.load_data(**kwargs)


@pytest.mark.parametrize("test_split", [-0.1, 1.5])
def test_reuters_test_split_outside_0_1_is_refused(cache, test_split):
    with pytest.raises(ValueError, match="reuters.load_data: test_split must be between 0 and"):
        reuters.load_data(test_split=test_split)


def test_imdb_unknown_keywords_are_ignored_as_keras_but_said(cache):
    with pytest.warns(UserWarning, match=r"ignored the unknown argument\(s\) \['nb_words'\]"):
        result = imdb.load_data(nb_words=5)
    assert files.sequences_digest(result) == IMDB_KERAS[0][1]


def test_a_hostile_npz_is_refused_without_running(monkeypatch, tmp_path):
    marker = tmp_path / "ran"

    class Hostile:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    header = np.lib.format.header_data_from_array_1_0(np.empty(1, dtype=object))
    npy = io.BytesIO()
    np.lib.format.write_array_header_1_0(npy, header)
    npy.write(pickle.dumps(Hostile(), protocol=2))
    blob = files._zip({"x.npy": npy.getvalue(), "y.npy": files._npy(np.zeros(1, int))})
    monkeypatch.setattr(reuters, "FILE_HASH", files.sha256(blob))
    files.keras_cache(monkeypatch, tmp_path, {"reuters.npz": blob})
    with pytest.raises(RefusedPickle, match=r"reuters.npz \(member 'x.npy'\): refused to read "
                                            r"the global posix.system"):
        reuters.load_data()
    assert not marker.exists()


# ----- the cache: Keras' file names, hashes and origins -----
def test_a_missing_file_is_downloaded_from_keras_origin_under_keras_name(cache, monkeypatch):
    (cache / "imdb.npz").unlink()
    asked = files.serve(monkeypatch, {IMDB_URL: IMDB_NPZ})
    assert files.sequences_digest(imdb.load_data()) == IMDB_KERAS[0][1]
    assert asked == [IMDB_URL] and (cache / "imdb.npz").read_bytes() == IMDB_NPZ
    files.serve(monkeypatch, {})  # (cached now: no second download)
    assert files.sequences_digest(imdb.load_data()) == IMDB_KERAS[0][1]


def test_a_cached_file_failing_keras_hash_is_fetched_again_and_checked(cache, monkeypatch):
    monkeypatch.undo()  # (Keras' real hash, which the stand-in fails)
    files.keras_cache(monkeypatch, cache.parent.parent / "again", {"imdb.npz": IMDB_NPZ})
    asked = files.serve(monkeypatch, {IMDB_URL: IMDB_NPZ})
    with pytest.raises(ValueError, match="Incomplete or corrupted file detected"):
        imdb.load_data()
    assert asked == [IMDB_URL]


def test_the_path_argument_names_the_cache_file(cache):
    (cache / "imdb.npz").rename(cache / "my_imdb.npz")
    assert files.sequences_digest(imdb.load_data(path="my_imdb.npz")) == IMDB_KERAS[0][1]
