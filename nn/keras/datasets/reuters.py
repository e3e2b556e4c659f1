"""keras.datasets.reuters: 11,228 Reuters newswires labelled over 46 topics, as word-index
sequences, exactly as Keras' load_data() gives them (same file, shuffle, split, indices).

The file is Keras' own (reuters.npz from Keras' origin, checked by its sha256, cached in
$KERAS_HOME/datasets: a Keras cache is reused); its pickled sequences are read by
nn.datasets.pickle_reader, never unpickled."""
import numpy as np

from ..get_file import get_file
from . import word_sequences as seqs
from .imdb import read_word_index
from .npz_members import load_npz
from .origins import TF_KERAS_DATASETS

FILE_HASH = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_HASH = "4d44cc38712099c9e383dc6e5f11a921"
LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply",
    "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas",
    "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin",
    "strategic-metal", "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs",
    "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead")


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2,
              seed=113, start_char=1, oov_char=2, index_from=3):
    """((x_train, y_train), (x_test, y_test)): x object arrays of lists of word indices
    (index i of get_word_index() is i + index_from, start_char first), y topic labels 0..45
    (get_label_names()). Shuffled by np.random.RandomState(seed); only sequences shorter
    than maxlen kept; indices outside [skip_top, num_words) become oov_char (dropped where
    None); the first int(n * (1 - test_split)) are the training set."""
    seqs.check_arguments("reuters.load_data", num_words=num_words, skip_top=skip_top,
                         maxlen=maxlen, start_char=start_char, oov_char=oov_char,
                         index_from=index_from)
    if not 0 <= test_split <= 1:  # (Keras takes any number, and slices nonsense from it)
        raise ValueError(f"reuters.load_data: test_split must be between 0 and 1, got "
                         f"{test_split}")
    arrays = load_npz(get_file(fname=path, origin=f"{TF_KERAS_DATASETS}reuters.npz",
                               file_hash=FILE_HASH))
    xs, labels = seqs.shuffled(np.random.RandomState(seed), arrays["x"], arrays["y"])
    xs, labels = seqs.drop_long(maxlen, seqs.shifted(xs, start_char, index_from), labels)
    xs = seqs.cut_vocabulary("reuters.load_data", xs, num_words, skip_top, oov_char)
    n = int(len(xs) * (1 - test_split))
    return ((seqs.as_objects(xs[:n]), np.array(labels[:n])),
            (seqs.as_objects(xs[n:]), np.array(labels[n:])))


def get_word_index(path="reuters_word_index.json"):
    """{word: index} of the Reuters vocabulary, 1 the most frequent word (load_data's
    sequences hold index + index_from). `path`: the cache file's name in
    $KERAS_HOME/datasets."""
    return read_word_index(get_file(path, origin=f"{TF_KERAS_DATASETS}reuters_word_index.json",
                                    file_hash=WORD_INDEX_HASH))


def get_label_names():
    """The 46 topic names, label i being LABEL_NAMES[i] (Keras' tuple)."""
    return LABEL_NAMES
