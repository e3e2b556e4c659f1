"""Keras' TextVectorization: sentences -> token indices (or multi-hot, count, TF-IDF vectors)
in four steps, Keras' own: standardize each string, split it into tokens, join n-grams,
and look the tokens up in a vocabulary (a StringLookup whose mask token is "", index 0,
the padding; "[UNK]" index 1). Not differentiable: text in, integers or constants out."""
import math
import re
import string

import numpy as np

from autograd.arguments import positive_int

from ...layers.config import init_config
from ...module import Module
from ._base import KerasLayer
from .category_encoding import TEXT_DTYPES, dtype_argument, output_mode_name
from .host_computed import HostComputed
from .lookup import StringLookup, adapt_batches, as_strings, text_array

STANDARDIZERS = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
SPLITS = ("whitespace", "character")
# Keras lowers ASCII letters only, strips ASCII punctuation, splits at ASCII whitespace
_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_NO_PUNCTUATION = str.maketrans("", "", string.punctuation)
_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")


class TextVectorization(HostComputed, Module, KerasLayer):
    """Strings (N,) or (N, 1) -> for output_mode="int", token indices (N, T) int64, padded
    with 0 after the tokens (T = output_sequence_length, longer texts cut to their first T
    tokens; else the batch's longest); for "multi_hot" and "count", int64 vectors
    (N, vocabulary_size) (max_tokens with pad_to_max_tokens), float32 ones for "tf_idf".
    `dtype` (one of TEXT_DTYPES) is kept in the config and changes no output (Keras').

    standardize: "lower_and_strip_punctuation", "lower", "strip_punctuation", None, or a
    callable taking and returning a NumPy array of str. split: "whitespace", "character",
    None (each string is a token: the last axis holds a sample's tokens, so (N, k) is N
    samples and a 1-D (k,) one, as Keras reads them), or a callable taking one string and
    returning its tokens.
    ngrams: n (the 1- to n-grams) or a tuple of widths, tokens joined by a space. The
    vocabulary is given (vocabulary=, set_vocabulary) or learned by adapt(), ordered as
    StringLookup orders it; it is saved in the layer's config.
    """

    text_input = True
    dtype = "string"  # (Keras' layer.dtype: its inputs')

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation",
                 split="whitespace", ngrams=None, output_mode="int",
                 output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", *, name=None,
                 input_shape=None, dtype=None):
        super().__init__()
        who = "TextVectorization"
        self._given_dtype = dtype_argument(dtype, who, allowed=TEXT_DTYPES)  # (its config's)
        self.standardize = _choice(standardize, STANDARDIZERS, "standardize", who)
        self.split = _choice(split, SPLITS, "split", who)
        self.ngrams = _widths(ngrams, who)
        self._ngrams_given = list(ngrams) if isinstance(ngrams, (tuple, list)) else ngrams
        self.output_mode = output_mode_name(output_mode, ("int", "multi_hot", "count",
                                                          "tf_idf"), who)
        if output_sequence_length is not None:
            if self.output_mode != "int":
                raise ValueError(f"{who}: output_sequence_length is for output_mode='int', "
                                 f"got output_mode={self.output_mode!r}")
            output_sequence_length = positive_int(output_sequence_length,
                                                  "output_sequence_length", who)
        self.output_sequence_length = output_sequence_length
        if ragged:
            raise NotImplementedError(f"{who}: ragged=True (ragged tensors) is not supported; "
                                      "set output_sequence_length or let batches pad")
        self.ragged, self.encoding = False, encoding
        self._keras_arguments(name, input_shape)
        self.lookup = StringLookup(max_tokens, mask_token="", vocabulary=vocabulary,
                                   idf_weights=idf_weights, output_mode=self.output_mode,
                                   pad_to_max_tokens=pad_to_max_tokens, sparse=sparse,
                                   encoding=encoding)

    # ----- the vocabulary (the lookup's) -----
    def get_vocabulary(self, include_special_tokens=True):
        return self.lookup.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        return self.lookup.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        self.lookup.set_vocabulary(vocabulary, idf_weights)

    def adapt(self, data, batch_size=None, steps=None):
        """Learn the vocabulary from `data`: a list or array of strings, or an iterable of
        batches of them (at most `steps`); each string is a document for tf_idf."""
        self.lookup.refuse_adapt()
        self.lookup.learn_from(row for batch, whole in adapt_batches(data, steps)
                               for row in self.token_rows(_column(batch) if whole else batch))
        return self

    # ----- the call -----
    def token_rows(self, inputs):
        """The tokens (and n-grams) of each sample (see _samples): a list of lists."""
        texts = self._standardized(as_strings(inputs, self.who))
        if self.split is None:  # the tokens are given, along the last axis (Keras')
            rows = texts.reshape(math.prod(texts.shape[:-1]), texts.shape[-1]).tolist() \
                if texts.ndim else [[texts.item()]]
        else:
            rows = [self._split(text) for text in self._one_text_each(texts).tolist()]
        return [self._with_ngrams(row) for row in rows] if self.ngrams else rows

    def forward(self, inputs):
        rows = self.token_rows(inputs)
        lengths = [len(row) for row in rows]
        flat = text_array([token for row in rows for token in row])
        indices = self.lookup.indices(flat)
        samples = self._samples(np.shape(inputs))
        if self.output_mode != "int":
            padded = _padded(indices, lengths, max(lengths, default=0), -1)
            out = self.lookup.encoded(padded.reshape(samples + padded.shape[-1:]))
            return self._placed(out, inputs)
        if self.split is None and self.output_sequence_length is None and \
                np.ndim(inputs) == 0:
            return self._placed(indices.reshape(()), inputs)  # (one text, one token: Keras')
        width = self.output_sequence_length or max(lengths, default=0)
        out = _padded(indices, lengths, width, 0)
        return self._placed(out.reshape(samples + (width,)), inputs)

    def _samples(self, shape):
        """The shape of the samples that an input of `shape` holds, each one row of tokens:
        with split, each text ((N,) or (N, 1) -> (N,)); without, each row of the last axis,
        which holds the tokens (Keras': (N, k) -> (N,), and (k,) -> (), one sequence); a
        single text is one sample, ()."""
        if not shape:
            return ()
        return tuple(shape[:1]) if self.split is not None else tuple(shape[:-1])

    def _standardized(self, texts):
        if callable(self.standardize):
            return as_strings(self.standardize(texts), f"{self.who} (standardize)")
        if self.standardize is None:
            return texts
        flat = texts.ravel().tolist()
        if self.standardize != "strip_punctuation":
            flat = [text.translate(_LOWER) for text in flat]
        if self.standardize != "lower":
            flat = [text.translate(_NO_PUNCTUATION) for text in flat]
        return text_array(flat).reshape(texts.shape)

    def _one_text_each(self, texts):
        """Strings (N,) or (N, 1) (a single string too) as (N,): splitting needs one text per
        sample."""
        if texts.ndim > 1 and texts.shape[-1] != 1 or texts.ndim > 2:
            raise ValueError(f"{self.who}: to split strings into tokens it takes a batch of "
                             f"shape (N,) or (N, 1), one text per sample; got shape "
                             f"{texts.shape}")
        return texts.reshape(-1)

    def _split(self, text):
        if self.split == "whitespace":
            return [token for token in _WHITESPACE.split(text) if token]
        if self.split == "character":
            return list(text)
        return [str(token) for token in self.split(text)]

    def _with_ngrams(self, tokens):
        """The n-grams of each width in turn (Keras' order): all 1-grams, then 2-grams..."""
        return [" ".join(tokens[i:i + n]) for n in self.ngrams
                for i in range(len(tokens) - n + 1)]

    def get_config(self):
        """The constructor's arguments; the vocabulary (and IDF weights) the lookup's
        current ones, so that a learned vocabulary is saved with the model."""
        lookup = self.lookup.get_config()
        return init_config(self, ngrams=self._ngrams_given, dtype=self._given_dtype, **{
            key: lookup[key] for key in ("max_tokens", "pad_to_max_tokens", "vocabulary",
                                         "idf_weights", "sparse")})

    def extra_repr(self):
        return f"vocabulary_size={self.vocabulary_size()}, output_mode={self.output_mode!r}"


def _column(batch):
    """A whole 1-D array of texts as a column, one text a sample (Keras' adapt)."""
    texts = np.asarray(batch, dtype=object if isinstance(batch, (list, tuple)) else None)
    return texts.reshape(-1, 1) if texts.ndim == 1 else batch


def _padded(values, lengths, width, fill):
    """values (the rows' items one after another) in rows of `width`: each row's first
    `width` items, then `fill` (int64 (len(lengths), width))."""
    out = np.full((len(lengths), width), fill, np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    for row, (start, length) in enumerate(zip(starts, lengths)):
        kept = min(length, width)
        out[row, :kept] = values[start:start + kept]
    return out


def _choice(value, names, argument, who):
    """One of `names`, None or a callable (Keras' standardize and split)."""
    if value is None or callable(value) or value in names:
        return value
    raise ValueError(f"{who}: {argument} must be one of {', '.join(map(repr, names))}, None or "
                     f"a callable, got {value!r}")


def _widths(ngrams, who):
    """Keras' ngrams as a tuple of widths: n -> (1, ..., n); a tuple of widths as it is."""
    if ngrams is None:
        return None
    if isinstance(ngrams, (int, np.integer)) and not isinstance(ngrams, bool):
        return tuple(range(1, positive_int(ngrams, "ngrams", who) + 1))
    if isinstance(ngrams, (tuple, list)) and ngrams:
        return tuple(positive_int(n, "ngrams", who) for n in ngrams)
    raise ValueError(f"{who}: ngrams must be None, an integer or a tuple of integers, got "
                     f"{ngrams!r}")


__all__ = ["TextVectorization"]
