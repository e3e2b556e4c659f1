"""keras.datasets.imdb: 50,000 IMDB movie reviews labelled by sentiment, as word-index
sequences, exactly as Keras' load_data() gives them (same file, shuffle and indices).

The file is Keras' own (imdb.npz from Keras' origin, checked by its sha256, cached in
$KERAS_HOME/datasets: a Keras cache is reused); its pickled sequences are read by
nn.datasets.pickle_reader, never unpickled."""
import json

import numpy as np

from ..get_file import get_file
from . import word_sequences as seqs
from .npz_members import load_npz
from .origins import TF_KERAS_DATASETS

FILE_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113,
              start_char=1, oov_char=2, index_from=3, **kwargs):
    """((x_train, y_train), (x_test, y_test)): 25,000 reviews each; x object arrays of
    lists of word indices (index i of get_word_index() is i + index_from, start_char first),
    y int labels 0 / 1. Shuffled by np.random.RandomState(seed) (train, then test); only
    sequences shorter than maxlen kept; indices outside [skip_top, num_words) become
    oov_char (dropped where None). `path`: the cache file's name in $KERAS_HOME/datasets."""
    seqs.warn_unused("imdb.load_data", kwargs)
    seqs.check_arguments("imdb.load_data", num_words=num_words, skip_top=skip_top,
                         maxlen=maxlen, start_char=start_char, oov_char=oov_char,
                         index_from=index_from)
    arrays = load_npz(get_file(fname=path, origin=f"{TF_KERAS_DATASETS}imdb.npz",
                               file_hash=FILE_HASH))
    rng = np.random.RandomState(seed)
    splits = [seqs.shuffled(rng, arrays[f"x_{part}"], arrays[f"y_{part}"])
              for part in ("train", "test")]
    splits = [seqs.drop_long(maxlen, seqs.shifted(x, start_char, index_from), y)
              for x, y in splits]
    (x_train, y_train), (x_test, y_test) = splits
    if maxlen and not (x_train and x_test):
        raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no "
                         "sequence was kept. Increase maxlen.")
    xs = seqs.cut_vocabulary("imdb.load_data", x_train + x_test, num_words, skip_top,
                             oov_char)
    labels = np.concatenate([y_train, y_test])
    n = len(x_train)
    return ((seqs.as_objects(xs[:n]), labels[:n]), (seqs.as_objects(xs[n:]), labels[n:]))


def get_word_index(path="imdb_word_index.json"):
    """{word: index} of IMDB's vocabulary, 1 the most frequent word (load_data's sequences
    hold index + index_from). `path`: the cache file's name in $KERAS_HOME/datasets."""
    return read_word_index(get_file(fname=path, origin=f"{TF_KERAS_DATASETS}imdb_word_index.json",
                                    file_hash=WORD_INDEX_HASH))


def read_word_index(path):
    """The {word: index} JSON object at `path`."""
    with open(path) as f:
        return json.load(f)
