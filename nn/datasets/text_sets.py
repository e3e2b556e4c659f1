"""Tiny Shakespeare: the character-level corpus of Karpathy's char-rnn (the one DeZero's
datasets.Shakespear reads), downloaded once, checksummed, then read from the cache."""
from ._split import check_test_size
from .download import Published, fetch_files
from .vocabulary import Vocabulary

_FILE = "input.txt"
_FILES = {_FILE: Published("86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
                            1_115_394)}  # bytes: the corpus is ASCII, one byte a character
_MIRRORS = ("https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/",)


def shakespeare(test_size=0.1):
    """((train_ids, test_ids), vocabulary) of the 1,115,394-character corpus.

    The ids are int64 arrays: the text's first (1 - test_size) part and its last test_size
    part, in order (a language model learns what comes next: the text is never shuffled),
    ready for nn.data.SequenceLoader. The vocabulary (65 characters, numbered in order of
    first appearance, as DeZero does) decodes ids back to text. The first call downloads
    1.1 MB into data_home()/shakespeare.
    """
    check_test_size(test_size, "shakespeare: ")
    path = fetch_files("shakespeare", _FILES, _MIRRORS)[_FILE]
    text = path.read_text(encoding="utf-8")
    vocabulary = Vocabulary.of(text)
    ids = vocabulary.encode(text)
    cut = len(ids) - round(test_size * len(ids))
    return (ids[:cut], ids[cut:]), vocabulary


__all__ = ["shakespeare"]
