"""What Keras' imdb and reuters load_data() do to their word-index sequences: shuffle them,
shift the indices (start_char, index_from), drop the long ones (maxlen) and cut the
vocabulary (num_words, skip_top, oov_char), in Keras' order and with its quirks."""
import numbers

import numpy as np

from autograd.user_warnings import user_warning

_NONE_ALLOWED = ("num_words", "maxlen", "start_char", "oov_char")


def check_arguments(function, **arguments):
    """TypeError naming the argument of `function` that is not an integer (or None where
    Keras takes None: index_from only where start_char is None, where it shifts nothing)."""
    for name, value in arguments.items():
        none_ok = name in _NONE_ALLOWED or (name == "index_from"
                                            and arguments.get("start_char") is None)
        if not (isinstance(value, numbers.Integral) or (value is None and none_ok)):
            raise TypeError(f"{function}: {name} must be an integer{' or None' * none_ok}, "
                            f"got {value!r}")


def warn_unused(function, kwargs):
    """Keras 3 takes and ignores any other keyword of imdb.load_data: said, not refused."""
    if kwargs:
        user_warning(f"{function}: ignored the unknown argument(s) {sorted(kwargs)} (as Keras "
                     "ignores them)")


def shuffled(rng, xs, labels):
    """(xs, labels) in the order of one rng.shuffle of their indices."""
    indices = np.arange(len(xs))
    rng.shuffle(indices)
    return xs[indices], labels[indices]


def shifted(xs, start_char, index_from):
    """Each sequence as a list, its indices plus index_from, start_char first where not
    None."""
    head = [] if start_char is None else [start_char]
    step = index_from or 0  # (None adds nothing where start_char is None, as in Keras)
    return [head + [w + step for w in x] for x in xs]


def drop_long(maxlen, xs, labels):
    """(sequences, labels) as lists, keeping only sequences strictly shorter than maxlen
    (Keras' remove_long_seq); both untouched where maxlen is 0 or None."""
    if not maxlen:
        return xs, labels
    kept = [(x, y) for x, y in zip(xs, labels) if len(x) < maxlen]
    return [x for x, _ in kept], [y for _, y in kept]


def cut_vocabulary(function, xs, num_words, skip_top, oov_char):
    """Indices outside [skip_top, num_words) replaced by oov_char, or dropped where it is
    None. num_words None (or 0) is the largest index present, which is thus cut too, as
    Keras does."""
    if not num_words:
        num_words = _largest_index(function, xs)
    if oov_char is None:
        return [[w for w in x if skip_top <= w < num_words] for x in xs]
    return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]


def _largest_index(function, xs):
    if not xs or not all(len(x) for x in xs):
        raise ValueError(f"{function}: num_words=None takes the largest word index of the "
                         f"sequences, but {'one is empty' if xs else 'none is left'} (a "
                         "smaller maxlen keeps none; start_char=None leaves empty reviews "
                         "empty): pass num_words")
    return max(max(x) for x in xs)


def as_objects(sequences):
    """np.array(sequences, dtype=object), as Keras builds it (2-D where all are as long)."""
    return np.array(sequences, dtype="object")
