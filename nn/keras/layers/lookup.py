"""Keras' StringLookup and IntegerLookup: tokens (strings, or arbitrary integers) -> indices
into a vocabulary, given or learned by `adapt`, with Keras' index layout and order.

Indices, for output_mode="int": the mask token (when there is one) 0, then num_oov_indices
out-of-vocabulary indices, then the vocabulary's tokens. The other output modes encode the
indices (nn.keras.layers.category_encoding) and leave the mask token out: no index of its
own, masked tokens counted nowhere. `adapt` orders the tokens by count, most frequent
first, ties by the token itself from high to low (Keras'), and keeps the first max_tokens
minus the special indices. The vocabulary is saved in the layer's JSON config.

Outputs are int64 ("int", "one_hot", "multi_hot", "count") or float32 ("tf_idf"),
whatever `dtype=` says: Keras ignores it in these layers.

Not differentiable: these layers map tokens to integers (or counts); no gradient flows into
their inputs."""
import os
from collections import Counter

import numpy as np

from autograd.arguments import nonnegative_int
from autograd.variable import Variable

from ...layers.config import init_config, reading_a_saved_file
from ...layers.lazy_build import in_shape_trial
from ...module import Module
from ._base import KerasLayer
from .category_encoding import TEXT_DTYPES, dtype_argument, encode_categories, output_mode_name
from .farmhash import fingerprint_buckets
from .host_computed import HostComputed, host_integers, host_values
from .siphash import salt_key

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
IGNORED_DTYPE = "float32"  # (the dtype Keras' config reports for a dtype= it ignores)


class IndexLookup(HostComputed, Module, KerasLayer):
    """What StringLookup and IntegerLookup share; a subclass says how its tokens are read
    (`_tokens_of`) and how out-of-vocabulary tokens spread over several OOV indices
    (`_oov_buckets`)."""

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary,
                 idf_weights, invert, output_mode, pad_to_max_tokens, sparse, name,
                 input_shape, dtype):
        super().__init__()
        who = type(self).__name__
        dtype_argument(dtype, who, allowed=TEXT_DTYPES)  # (checked only: Keras ignores it)
        if max_tokens is not None and (isinstance(max_tokens, bool) or not isinstance(
                max_tokens, (int, np.integer)) or max_tokens <= 1):
            raise ValueError(f"{who}: max_tokens must be None or an integer greater than 1, "
                             f"got {max_tokens!r}")
        self.max_tokens = None if max_tokens is None else int(max_tokens)
        self.num_oov_indices = nonnegative_int(num_oov_indices, "num_oov_indices", who)
        self.mask_token, self.oov_token = mask_token, oov_token
        self.output_mode = output_mode_name(output_mode, OUTPUT_MODES, who)
        self.invert = bool(invert)
        if self.invert and self.output_mode != "int":
            raise ValueError(f"{who}: invert=True maps indices back to tokens, which takes "
                             f"output_mode='int', got {self.output_mode!r}")
        if pad_to_max_tokens and self.max_tokens is None:
            raise ValueError(f"{who}: pad_to_max_tokens=True pads the encoding to max_tokens, "
                             "which must then be set")
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        if self.pad_to_max_tokens and self.output_mode != "int" and \
                self.num_oov_indices > self.max_tokens:  # (an OOV index past the vector)
            raise ValueError(f"{who}: pad_to_max_tokens=True makes vectors of max_tokens="
                             f"{self.max_tokens}, too short for num_oov_indices="
                             f"{self.num_oov_indices} OOV indices; raise max_tokens")
        if sparse:
            raise NotImplementedError(f"{who}: sparse=True (sparse tensors) is not supported")
        self.sparse = False
        self._keras_arguments(name, input_shape)
        self._vocabulary, self._index, self._idf = [], {}, None
        self._has_input_vocabulary = vocabulary is not None
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        elif idf_weights is not None:
            raise ValueError(f"{who}: idf_weights are given with a vocabulary (one weight per "
                             "token); pass vocabulary= too")

    # ----- the index layout -----
    def _oov_start(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start(self):
        return self._oov_start() + self.num_oov_indices

    def vocabulary_size(self):
        """The number of indices: the vocabulary's tokens and the special ones (mask, OOV)."""
        return self._token_start() + len(self._vocabulary)

    def get_vocabulary(self, include_special_tokens=True):
        """The tokens in index order (a token's position is its index), with the mask and
        OOV tokens first unless include_special_tokens=False."""
        special = [self.mask_token] * self._oov_start() + [self.oov_token] * \
            self.num_oov_indices
        return (special if include_special_tokens else []) + list(self._vocabulary)

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Replace the vocabulary (a list or 1-D array of distinct tokens, optionally starting
        with the special tokens in get_vocabulary's order, or the path of a text file of
        them, one a line, as Keras reads one), and for output_mode="tf_idf" the tokens' IDF
        weights (the special indices get their mean unless given)."""
        who = f"{self.who}.set_vocabulary"
        if isinstance(vocabulary, (str, os.PathLike)):
            vocabulary = self._vocabulary_file(vocabulary, who)
        if (self.output_mode == "tf_idf") != (idf_weights is not None):
            raise ValueError(f"{who}: idf_weights are needed with output_mode='tf_idf' and "
                             f"only then (output_mode={self.output_mode!r})")
        tokens = [self._token(t, who) for t in np.asarray(vocabulary, dtype=object).ravel()]
        if not tokens:
            raise ValueError(f"{who}: the vocabulary is empty")
        special = self.get_vocabulary()[:self._token_start()]
        with_special = tokens[:len(special)] == special
        if with_special:
            tokens = tokens[len(special):]
        self._check_tokens(tokens, who)
        self._set_tokens(tokens)
        if idf_weights is not None:
            self._idf = self._padded_idf(np.asarray(idf_weights, np.float64), with_special,
                                         len(special) + len(tokens), who)

    def _vocabulary_file(self, path, who):
        """The tokens of a vocabulary file: its lines, without their line ends."""
        if self.output_mode == "tf_idf":
            raise ValueError(f"{who}: output_mode='tf_idf' takes the vocabulary as a list with "
                             "idf_weights, not from a file (Keras' rule)")
        if reading_a_saved_file():  # (model.save writes the tokens themselves)
            raise ValueError(f"{who}: the saved file names a vocabulary file, "
                             f"{os.fspath(path)!r}; a model's file holds its vocabulary "
                             "itself, and loading one reads no other file")
        if not os.path.isfile(path):
            raise ValueError(f"{who}: the vocabulary file {os.fspath(path)!r} does not exist "
                             "(a str vocabulary is a file's path; give a list of tokens)")
        with open(path, encoding="utf-8") as file:
            lines = [line.rstrip("\r\n") for line in file]
        try:
            return [self._line_token(line) for line in lines]
        except ValueError:
            raise ValueError(f"{who}: the vocabulary file {os.fspath(path)!r} holds lines that "
                             f"are not {self._token_dtype.__name__} tokens: {lines[:5]}") from None

    def _check_tokens(self, tokens, who):
        repeated = [t for t, n in Counter(tokens).items() if n > 1]
        if repeated:
            raise ValueError(f"{who}: the vocabulary repeats {repeated[:5]}; give each token "
                             "once")
        reserved = [t for t in (self.mask_token, self.oov_token if self.invert else None)
                    if t is not None and t in tokens]
        if reserved:
            raise ValueError(f"{who}: {reserved[0]!r} (a mask or OOV token) is among the "
                             "vocabulary's tokens; leave the special tokens out, or put them "
                             f"first, in this order: {self.get_vocabulary()[:self._token_start()]}")
        size = self._token_start() + len(tokens)
        if self.max_tokens is not None and size > self.max_tokens:
            raise ValueError(f"{who}: a vocabulary of {size} indices (with the special ones) "
                             f"exceeds max_tokens={self.max_tokens}")

    def _set_tokens(self, tokens):
        self._vocabulary = list(tokens)
        start = self._token_start()
        self._index = {token: start + i for i, token in enumerate(self._vocabulary)}

    def _padded_idf(self, weights, with_special, size, who):
        """The IDF weight of every index: the special ones' the tokens' mean (Keras'), zeros
        beyond the vocabulary up to max_tokens with pad_to_max_tokens."""
        expected = size if with_special else size - self._token_start()
        if weights.ndim != 1 or len(weights) != expected:
            raise ValueError(f"{who}: idf_weights of shape {weights.shape} do not fit a "
                             f"vocabulary of {expected} tokens (one weight each)")
        if not with_special:
            weights = np.concatenate([np.full(self._token_start(), weights.mean()), weights])
        return np.pad(weights, (0, self._depth() - size)).astype(np.float32)

    # ----- adapt -----
    def adapt(self, data, steps=None):
        """Learn the vocabulary from `data`: an array or list of samples (each sample a row of
        tokens; a 1-D one, a column of single tokens), or an iterable of such batches (at most
        `steps` of them; a 1-D batch is one sample, as Keras counts documents)."""
        self.refuse_adapt()
        self.learn_from(row for batch, whole in adapt_batches(data, steps)
                        for row in _rows(self._tokens_of(batch, self.who), whole))
        return self

    def refuse_adapt(self):
        if self._has_input_vocabulary:
            raise ValueError(f"{self.who}: adapt() learns the vocabulary, which was given "
                             "(vocabulary=); make the layer without one")

    def learn_from(self, rows):
        """The vocabulary of `rows` (sequences of tokens, the samples: tf_idf's documents)."""
        counts, documents, n = Counter(), Counter(), 0
        for row in rows:
            counts.update(row)
            documents.update(set(row))
            n += 1
        self._learn(counts, documents, n)

    def _learn(self, counts, documents, n):
        """The vocabulary from token counts (and for tf_idf each token's document count out
        of n documents: idf = log(1 + n / (1 + documents)))."""
        for special in (self.mask_token, self.oov_token):
            counts.pop(special, None)
        tokens = sorted(counts, key=lambda t: (counts[t], t), reverse=True)
        if self.max_tokens is not None:
            tokens = tokens[:max(self.max_tokens - self._token_start(), 0)]
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf" and tokens:
            idf = np.log1p(n / (1.0 + np.array([documents[t] for t in tokens], np.float64)))
            self._idf = self._padded_idf(idf, False, self.vocabulary_size(), self.who)

    # ----- the call -----
    def forward(self, inputs):
        """Tokens (any shape) -> indices of the same shape (int64; "int"), or their encoding
        (int64; float32 for "tf_idf"); with invert=True, indices -> tokens."""
        if self.invert:
            return self._tokens_at(inputs)
        tokens = self._tokens_of(self._on_host(inputs), self.who)
        return self._placed(self.encoded(self.indices(tokens)), inputs)

    def indices(self, tokens):
        """Each token's index (an int64 array of tokens' shape); mask tokens 0 for "int" and
        -1 (counted nowhere) otherwise."""
        unique, inverse = np.unique(tokens, return_inverse=True)
        found = np.array([self._index.get(t, -2) for t in unique.tolist()], np.int64)
        found = found[inverse.ravel()].reshape(tokens.shape)  # (an array, a scalar too)
        missing = found == -2
        if self.mask_token is not None:
            masked = tokens == self.mask_token
            found[masked] = 0 if self.output_mode == "int" else -1
            missing &= ~masked
        if missing.any():
            found[missing] = self._oov_indices(tokens[missing])
        return found

    def _oov_indices(self, tokens):
        if self.num_oov_indices == 0 and in_shape_trial():
            return self._token_start()  # (a model tried on a placeholder to find its shapes)
        if self.num_oov_indices == 0:
            raise ValueError(f"{self.who}: with num_oov_indices=0 every input must be in the "
                             f"vocabulary; found {np.unique(tokens)[:5].tolist()} (set "
                             "num_oov_indices=1)")
        if self.num_oov_indices == 1:
            return self._oov_start()
        return self._oov_start() + self._oov_buckets(tokens)

    def encoded(self, indices):
        """indices as output_mode has them: int64, or int64 vectors of the vocabulary's size
        (max_tokens with pad_to_max_tokens; float32 for tf_idf: counts times IDF), Keras'."""
        if self.output_mode == "int":
            return indices
        if not self._vocabulary and not self.pad_to_max_tokens:
            raise RuntimeError(f"{self.who}: output_mode={self.output_mode!r} needs the "
                               "vocabulary's size: pass vocabulary= or call adapt() first")
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        out = encode_categories(indices, mode, self._depth(), dtype=np.int64)
        return out.astype(np.float32) * self._idf if self.output_mode == "tf_idf" else out

    def _depth(self):
        return self.max_tokens if self.pad_to_max_tokens else self.vocabulary_size()

    def _tokens_at(self, inputs):
        """invert=True: indices -> tokens (the OOV token for indices outside the vocabulary,
        the mask token for 0 when there is one)."""
        indices = host_values(inputs)
        if indices.dtype.kind not in "iu":
            raise TypeError(f"{self.who}: invert=True takes integer indices, got dtype "
                            f"{indices.dtype}")
        vocabulary = np.array(self.get_vocabulary() + [self.oov_token], dtype=self._token_dtype)
        outside = (indices < 0) | (indices >= self.vocabulary_size())
        tokens = vocabulary[np.where(outside, len(vocabulary) - 1, indices)]
        # integer tokens are a Variable as any output (on the GPU where the input was); text
        # stays a NumPy array of strings, which no Variable holds
        return tokens if tokens.dtype.kind in "USO" else self._placed(tokens, inputs)

    # ----- the config -----
    def get_config(self):
        """The constructor's arguments, the vocabulary (and IDF weights) being the layer's
        current ones, so that a learned vocabulary is saved with the model."""
        idf = None if self._idf is None else \
            self._idf[:self.vocabulary_size()].tolist()  # (special indices first, no padding)
        vocabulary = self.get_vocabulary() if self._vocabulary else None
        return init_config(self, vocabulary=vocabulary, idf_weights=idf,
                           dtype=IGNORED_DTYPE)

    def extra_repr(self):
        return f"vocabulary_size={self.vocabulary_size()}, output_mode={self.output_mode!r}"


def adapt_batches(data, steps):
    """(batch, whole) for adapt's data: a list or array is one whole batch; anything else
    iterable yields batches (the x of (x, y) pairs), at most `steps` of them."""
    if isinstance(data, (list, tuple, np.ndarray, Variable, str)):
        yield data, True
        return
    for i, batch in enumerate(data):
        if steps is not None and i >= steps:
            break
        yield (batch[0] if isinstance(batch, tuple) else batch), False


def _rows(tokens, whole):
    """A batch's samples as rows of tokens: a whole 1-D array is a column of single tokens, a
    1-D batch one sample (Keras')."""
    if tokens.ndim >= 2:
        return tokens.reshape(len(tokens), -1).tolist()
    return tokens.reshape(-1, 1).tolist() if whole else [tokens.ravel().tolist()]


class StringLookup(IndexLookup):
    """Strings -> indices into a vocabulary of strings (see the module's docstring). Takes
    str, lists and NumPy arrays of str (or bytes, UTF-8), any shape; with more than one OOV
    index, an unknown token goes to the one its FarmHash fingerprint picks (Keras')."""

    _token_dtype = np.str_
    _line_token = str  # (a vocabulary file's line)
    dtype = "string"  # (Keras' layer.dtype: its tokens')

    @property
    def text_input(self):  # (inverted, it reads indices)
        return not self.invert

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]",
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 pad_to_max_tokens=False, sparse=False, encoding="utf-8", *, name=None,
                 salt=None, input_shape=None, dtype=None):
        if encoding != "utf-8":
            raise NotImplementedError(f"StringLookup: encoding={encoding!r}: only 'utf-8'")
        self.encoding, self.salt = encoding, salt_key(salt, "StringLookup")
        super().__init__(max_tokens, num_oov_indices, mask_token, oov_token, vocabulary,
                         idf_weights, invert, output_mode, pad_to_max_tokens, sparse, name,
                         input_shape, dtype)

    @staticmethod
    def _tokens_of(inputs, who):
        return as_strings(inputs, who)

    def _token(self, token, who):
        return as_strings(token, who).item()

    def _oov_buckets(self, tokens):
        return fingerprint_buckets(tokens, self.num_oov_indices, self.salt)


class IntegerLookup(IndexLookup):
    """Integers (ids, codes) -> indices into a vocabulary of integers (see the module's
    docstring). With more than one OOV index, an unknown value v goes to OOV index
    v mod num_oov_indices (Keras' oov_method="floormod"), or with oov_method="farmhash" to
    the one the FarmHash fingerprint of its decimal text picks (SipHash keyed by `salt`
    when given), as Keras."""

    _token_dtype = np.int64
    _line_token = int
    dtype = "int64"  # (Keras' layer.dtype: its tokens', vocabulary_dtype)

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1,
                 vocabulary=None, vocabulary_dtype="int64", idf_weights=None, invert=False,
                 output_mode="int", sparse=False, pad_to_max_tokens=False,
                 oov_method="floormod", *, name=None, salt=None, input_shape=None,
                 dtype=None):
        if vocabulary_dtype != "int64":
            raise ValueError(f"IntegerLookup: vocabulary_dtype must be 'int64', got "
                             f"{vocabulary_dtype!r}")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(f"IntegerLookup: oov_method must be 'floormod' or 'farmhash', "
                             f"got {oov_method!r}")
        if salt is not None and oov_method != "farmhash":
            raise ValueError("IntegerLookup: salt keys the hash of oov_method='farmhash'; got "
                             f"oov_method={oov_method!r}")
        self.vocabulary_dtype, self.oov_method = vocabulary_dtype, oov_method
        self.salt = salt_key(salt, "IntegerLookup")
        super().__init__(max_tokens, num_oov_indices, mask_token, oov_token, vocabulary,
                         idf_weights, invert, output_mode, pad_to_max_tokens, sparse, name,
                         input_shape, dtype)

    @staticmethod
    def _tokens_of(inputs, who):
        return host_integers(inputs, who, "tokens")

    def _token(self, token, who):
        return int(self._tokens_of(token, who))

    def _oov_buckets(self, tokens):
        if self.oov_method == "floormod":
            return np.mod(tokens, self.num_oov_indices)
        return fingerprint_buckets(np.char.mod("%d", tokens), self.num_oov_indices, self.salt)


def as_strings(inputs, who):
    """Text as a NumPy array of str (see text_array): a str, a list (nested) or array of
    str, or of UTF-8 bytes; a TypeError naming `who` and the dtype for anything else."""
    kept = isinstance(inputs, (list, tuple, str, bytes))  # (as given: NULs and all)
    array = np.asarray(inputs, dtype=object if kept else None)
    if array.dtype.kind == "U":
        return array
    if array.dtype.kind == "S" or array.dtype.kind == "O" and all(
            isinstance(t, (str, bytes)) for t in array.ravel().tolist()):
        decoded = [t.decode("utf-8") if isinstance(t, bytes) else t for t in array.ravel()]
        return text_array(decoded).reshape(array.shape)
    kinds = sorted({type(t).__name__ for t in array.ravel().tolist()}) \
        if array.dtype.kind == "O" else [str(array.dtype)]
    raise TypeError(f"{who}: expected strings (str, a list or an array of str), got "
                    f"{'/'.join(kinds)} of shape {array.shape}")


def text_array(texts):
    """A list of str as a 1-D NumPy array of str; of objects where a string ends in NUL
    characters, which NumPy's str dtype drops ('a\\x00' would be 'a', another token and
    another hash, where Keras keeps the string as it is)."""
    if any(text.endswith("\x00") for text in texts):
        array = np.empty(len(texts), dtype=object)
        array[:] = texts
        return array
    return np.array(texts, dtype=np.str_)


__all__ = ["StringLookup", "IntegerLookup", "IndexLookup", "as_strings", "text_array",
           "adapt_batches"]
