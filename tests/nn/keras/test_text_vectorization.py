"""Keras' TextVectorization: standardize, split, n-grams, the vocabulary, padding and
truncation, every output mode, adapt from batches; as the first layer of Sequential and
functional models in fit / predict, saved and loaded with its vocabulary; and a small text
classifier that learns. (Checked against Keras 3.15.1 with TensorFlow's string ops on these
texts and more: equal vocabularies and outputs.)"""
import string

import numpy as np
import pytest

import nn.keras as keras
from nn.keras import layers
from nn.layers.input_layer import is_text_dtype

from ..._helpers import saved_and_loaded

TEXTS = ["The cat sat on the MAT!", "A dog, a cat; and   a bird.", "it's e-mail time", "",
         "the the the cat"]


def adapted(data=TEXTS, **kwargs):
    layer = layers.TextVectorization(**kwargs)
    layer.adapt(data)
    return layer


def test_vocabulary_and_int_output_padded_after_the_tokens():
    vectorize = adapted()
    # the 5 times, cat and a 3 (cat first), then once each from high to low; "" pads (0),
    # "[UNK]" 1
    assert vectorize.get_vocabulary() == ["", "[UNK]", "the", "cat", "a", "time", "sat", "on",
                                          "mat", "its", "email", "dog", "bird", "and"]
    out = vectorize(["the cat and a zebra", "cat"])
    np.testing.assert_array_equal(out.data, [[2, 3, 13, 4, 1], [3, 0, 0, 0, 0]])
    assert out.dtype == np.int64


def test_output_sequence_length_pads_and_truncates():
    vectorize = adapted(output_sequence_length=3)
    np.testing.assert_array_equal(vectorize(["the cat and a zebra", "cat", ""]).data,
                                  [[2, 3, 13], [3, 0, 0], [0, 0, 0]])
    column = vectorize(np.array([["the cat"], ["a"]]))  # (N, 1) as (N,)
    np.testing.assert_array_equal(column.data, [[2, 3, 0], [4, 0, 0]])


def test_standardize_and_split_options():
    def tokens(**kwargs):
        return adapted(["Hi, THERE  you!"], **kwargs).get_vocabulary(include_special_tokens=False)

    assert tokens() == ["you", "there", "hi"]
    assert tokens(standardize="lower") == ["you!", "there", "hi,"]
    assert tokens(standardize="strip_punctuation") == ["you", "THERE", "Hi"]
    assert tokens(standardize=None) == ["you!", "THERE", "Hi,"]
    assert tokens(standardize=lambda texts: np.char.upper(texts)) == ["YOU!", "THERE", "HI,"]
    assert tokens(split="character") == [" ", "h", "e", "y", "u", "t", "r", "o", "i"]
    assert tokens(standardize=None, split=lambda text: text.split(",")) == \
        ["Hi", " THERE  you!"]
    assert adapted(["ÀB c"]).get_vocabulary(False) == ["Àb", "c"]  # (ASCII letters lowered)
    assert all(c not in "".join(adapted([string.punctuation + " x"]).get_vocabulary())
               for c in string.punctuation.replace("[", "").replace("]", ""))


def test_ngrams_in_keras_order():
    vectorize = layers.TextVectorization(ngrams=2, standardize=None)
    vectorize.adapt(["a b c"])
    # all 1-grams, then all 2-grams, each counted once: from high to low
    assert vectorize.get_vocabulary(False) == ["c", "b c", "b", "a b", "a"]
    widths = layers.TextVectorization(ngrams=(1, 3), standardize=None, vocabulary=["a b c"])
    np.testing.assert_array_equal(widths(["a b c", "a b"]).data, [[1, 1, 1, 2], [1, 1, 0, 0]])


def test_multi_hot_count_and_tf_idf():
    multi = adapted(output_mode="multi_hot")
    out = multi(["the cat the zebra", ""])
    expected = np.zeros((2, multi.vocabulary_size()), np.float32)
    expected[0, [0, 1, 2]] = 1  # [UNK], the, cat (the mask "" has no index here)
    np.testing.assert_array_equal(out.data, expected)
    count = adapted(output_mode="count", max_tokens=10, pad_to_max_tokens=True)
    assert count(["the the zebra"]).data.tolist() == [[1, 2] + [0] * 8]
    tf_idf = adapted(output_mode="tf_idf")
    # idf = log(1 + documents / (1 + documents holding the token)); 5 documents
    the = np.log1p(5 / (1 + 2))
    assert tf_idf(["the the"]).data[0, 1] == pytest.approx(2 * the, rel=1e-6)
    with pytest.raises(ValueError, match="output_sequence_length is for output_mode='int'"):
        layers.TextVectorization(output_mode="count", output_sequence_length=3)


def test_adapt_from_an_iterable_of_batches():
    batches = iter([np.array(TEXTS[:2]), np.array(TEXTS[2:])])
    assert adapted(batches).get_vocabulary() == adapted().get_vocabulary()
    limited = adapted(max_tokens=4)
    assert limited.get_vocabulary() == ["", "[UNK]", "the", "cat"]


def test_bad_input_names_the_layer():
    vectorize = adapted()
    with pytest.raises(ValueError, match=r"TextVectorization: .*\(N,\) or \(N, 1\).*\(2, 2\)"):
        vectorize(np.array([["a", "b"], ["c", "d"]]))
    with pytest.raises(TypeError, match="TextVectorization: expected strings"):
        vectorize(np.ones((2, 3)))
    with pytest.raises(ValueError, match="standardize must be one of"):
        layers.TextVectorization(standardize="upper")


SENTENCES = ["what a great movie", "i love this film", "great acting and a great story",
             "a good and fun film", "i really love it", "good fun all along",
             "what an awful movie", "i hate this film", "awful acting and a bad story",
             "a bad and boring film", "i really hate it", "boring and bad all along"]
LABELS = np.array([1] * 6 + [0] * 6, np.float32)


def test_a_text_classifier_learns_and_is_saved_with_its_vocabulary(tmp_path):
    vectorize = layers.TextVectorization(max_tokens=40, output_sequence_length=8)
    vectorize.adapt(SENTENCES)
    model = keras.Sequential([keras.Input(shape=(), dtype="string"), vectorize,
                              layers.Embedding(40, 8), layers.GlobalAveragePooling1D(),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05),
                  loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(np.array(SENTENCES), LABELS, batch_size=4, epochs=40, verbose=0)
    assert model.evaluate(SENTENCES, LABELS, verbose=0)[1] == 1.0
    unseen = ["a great film", "an awful film", "i love the story", "boring and bad"]
    predicted = model.predict(unseen, verbose=0).ravel()
    assert (predicted[[0, 2]] > 0.5).all() and (predicted[[1, 3]] < 0.5).all()
    loaded = saved_and_loaded(model, np.array(unseen), tmp_path / "text.keras")
    assert loaded.layers[0].get_vocabulary() == vectorize.get_vocabulary()


def test_functional_model_with_string_lookup_and_lstm(tmp_path):
    words = np.array([s.split()[:3] for s in SENTENCES])
    lookup = layers.StringLookup()
    lookup.adapt(words)
    inputs = keras.Input(shape=(3,), dtype="string")
    x = layers.LSTM(4)(layers.Embedding(lookup.vocabulary_size(), 4)(lookup(inputs)))
    model = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(x))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(words, LABELS, epochs=1, verbose=0)
    loaded = saved_and_loaded(model, words, tmp_path / "lookup.keras")
    assert [layer for layer in loaded.layers if isinstance(layer, layers.StringLookup)][
        0].get_vocabulary() == lookup.get_vocabulary()
    assert layers.InputLayer(shape=(), dtype="string").get_config()["dtype"] == "string"


def test_text_in_a_captured_step_is_refused_by_name():
    vectorize = layers.TextVectorization(vocabulary=["good", "bad"], output_sequence_length=2)
    model = keras.Sequential([vectorize, layers.Embedding(4, 2), layers.Flatten(),
                              layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", jit_compile=True)
    with pytest.raises(NotImplementedError, match="takes text.*jit_compile=False"):
        model.fit(np.array(["good", "bad", "good"]), np.ones(3), epochs=2, verbose=0)


def _numeric_models():
    def functional():
        inputs = keras.Input(shape=(3,))
        return keras.Model(inputs, layers.Dense(1)(inputs))

    class Subclassed(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(1)

        def call(self, x):
            return self.dense(x)

    yield keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1)])
    yield keras.Sequential([keras.Input(shape=(3,)), layers.BatchNormalization(),
                            layers.Dense(1)])
    yield functional()
    yield Subclassed()


@pytest.mark.parametrize("x", [np.array([["1.5", "2", "3"]] * 4),
                               np.array([[1.0, None, 2.0]] * 4, dtype=object),
                               np.ones((4, 3)).astype(object)])
@pytest.mark.parametrize("jit", [False, True])
def test_a_numeric_model_refuses_strings_and_objects(x, jit):
    for model in _numeric_models():
        model.compile(optimizer="sgd", loss="mse", jit_compile=jit)
        with pytest.raises(TypeError, match=f"fit: x must hold numbers, got dtype {x.dtype}"):
            model.fit(x, np.ones((4, 1)), verbose=0)
        with pytest.raises(TypeError, match="predict: x must hold numbers"):
            model.predict(x, verbose=0)


def test_text_dtypes_are_str_bytes_and_object():
    assert all(is_text_dtype(d) for d in (np.str_, np.bytes_, object, "U3", "S2"))
    assert not any(is_text_dtype(d) for d in (np.float32, np.int64, bool, np.uint8))


@pytest.mark.parametrize("dtype", ["string", object, "object", "bytes"])
def test_a_text_input_of_any_string_dtype(dtype):
    vectorize = layers.TextVectorization(vocabulary=["good", "bad"], output_sequence_length=2)
    inputs = keras.Input(shape=(1,), dtype=dtype)
    model = keras.Model(inputs, vectorize(inputs))
    np.testing.assert_array_equal(model([["good bad"], ["bad"]]).data, [[2, 3], [3, 0]])
    assert model.predict(np.array([["bad good"]], dtype=object), verbose=0).tolist() == [[3, 2]]
    assert layers.InputLayer(shape=(1,), dtype=dtype).get_config()["dtype"] == "string"


def test_unpadded_indices_have_an_unknown_length_as_keras():
    vectorize = adapted(["a", "a b c d", "b", "c"])
    inputs = keras.Input(shape=(), dtype="string")
    indices = vectorize(inputs)
    assert indices.shape == (None, None)
    assert layers.Embedding(10, 2)(indices).shape == (None, None, 2)
    with pytest.raises(ValueError, match="Dense.*unknown until it is called.*"
                                         "output_sequence_length"):
        layers.Dense(1)(layers.Flatten()(layers.Embedding(10, 2)(indices)))
    with pytest.raises(ValueError, match="Sequential:.*number of tokens.*output_sequence_length"):
        keras.Sequential([keras.Input(shape=(), dtype="string"), adapted(),
                          layers.Embedding(40, 2), layers.Flatten(), layers.Dense(1)])
    pooled = keras.Sequential([keras.Input(shape=(), dtype="string"), adapted(),
                               layers.Embedding(40, 2), layers.GlobalAveragePooling1D(),
                               layers.Dense(1)])
    assert list(pooled.layer_output_shapes().values())[1:4] == [(None, None),
                                                                (None, None, 2), (None, 2)]


def test_predict_refuses_batches_of_different_lengths():
    # padding the shorter batches cannot give one batch's values: Dense(Embedding(0)) is
    # not 0 at a padded step, and a string output has no padding value at all
    vectorize = adapted(["a", "a b c d", "b", "c"])
    inputs = keras.Input(shape=(), dtype="string")
    indices = vectorize(inputs)
    dense = layers.Dense(2, bias_initializer="ones")(layers.Embedding(10, 3)(indices))
    words = layers.StringLookup(vocabulary=vectorize.get_vocabulary()[2:], invert=True)(indices)
    texts = np.array(["a", "a b c d", "b", "c"])
    for outputs in (indices, dense, [indices, words]):
        model = keras.Model(inputs, outputs)
        with pytest.raises(ValueError, match=r"axis 1 has a size that varies.*\(1, 4:.*"
                                             r"output_sequence_length.*batch_size >= the number"):
            model.predict(texts, batch_size=2, verbose=0)
    whole = keras.Model(inputs, dense).predict(texts, batch_size=4, verbose=0)
    assert whole.shape == (4, 4, 2) and np.abs(whole[0, 1:]).min() > 0  # Dense at padded steps


def test_shapes_of_split_none_and_scalars_as_keras():
    whole = layers.TextVectorization(vocabulary=["a b", "c"], split=None,
                                     standardize=None)
    np.testing.assert_array_equal(whole(np.array(["a b", "c", "d"])).data, [2, 3, 1])
    np.testing.assert_array_equal(whole(np.array([["c"], ["a b"]])).data, [[3], [2]])
    assert whole(np.array("c")).data.shape == ()
    multi = layers.TextVectorization(vocabulary=["a", "b"], output_mode="multi_hot")
    np.testing.assert_array_equal(multi(np.array("a b")).data, [0, 1, 1])


def _given_tokens(**kwargs):
    return layers.TextVectorization(vocabulary=["a", "b", "c", "a b", "b c"], split=None,
                                    standardize=None, **kwargs)


@pytest.mark.parametrize("kwargs, texts, expected", [
    # without split the last axis holds the tokens, so a 1-D batch is one sequence (Keras
    # 3.15.1's outputs); these gave one row per text, or raised a reshape error
    ({"output_sequence_length": 2}, ["a", "b", "c", "z"], [2, 3]),
    ({"output_sequence_length": 5}, ["a", "z"], [2, 1, 0, 0, 0]),
    ({"ngrams": 2}, ["a", "b", "c"], [2, 3, 4, 5, 6]),
    ({"ngrams": 2}, [["a", "b", "c"], ["c", "z", "a"]], [[2, 3, 4, 5, 6], [4, 1, 2, 1, 1]]),
    ({"output_mode": "multi_hot"}, ["a", "b", "z"], [1, 1, 1, 0, 0, 0]),
    ({"output_mode": "count", "ngrams": 2}, ["b", "c", "c"], [1, 0, 1, 2, 0, 1]),
    ({"output_sequence_length": 1}, [[["a", "b"], ["c", "a"]]], [[[2], [4]]]),
    ({"output_mode": "multi_hot"}, [[["a", "b"], ["c", "a"]]], [[[0, 1, 0, 1, 0, 0],
                                                               [0, 1, 1, 0, 0, 0]]]),
])
def test_split_none_reads_the_last_axis_as_the_tokens_as_keras(kwargs, texts, expected):
    out = _given_tokens(**kwargs)(np.array(texts, dtype=object))
    np.testing.assert_array_equal(out.data, expected)


def test_split_none_adapts_a_whole_1d_array_one_token_a_sample():
    # (Keras' adapt makes a whole 1-D array a column; tf_idf counts each text a document)
    layer = layers.TextVectorization(split=None, standardize=None, output_mode="tf_idf")
    layer.adapt(np.array(["a", "b", "a", "c"]))
    assert layer.get_vocabulary() == ["[UNK]", "a", "c", "b"]
    idf = np.log1p(4 / (1 + np.array([2, 1, 1])))
    np.testing.assert_allclose(layer(np.array([["a", "c", "c"]])).data,
                               [[0, idf[0], 2 * idf[1], 0]], rtol=1e-6)


def test_characters_and_tokens_ending_in_nul_are_kept():
    # (Keras 3.15.1 counts "\x00" as a character of its own and "end\x00" as a token)
    texts = np.array(["a\x00b", "end\x00", "a b"], dtype=object)
    chars = adapted(texts, standardize=None, split="character")
    assert chars.get_vocabulary() == ["", "[UNK]", "b", "a", "\x00", "n", "e", "d", " "]
    np.testing.assert_array_equal(chars(np.array(["\x00a"], dtype=object)).data, [[4, 3]])
    words = adapted(texts, standardize=None)
    assert "end\x00" in words.get_vocabulary() and "end" not in words.get_vocabulary()


def test_text_vectorization_given_input_shape_first_in_a_sequential():
    model = keras.Sequential([
        layers.TextVectorization(vocabulary=["good", "bad"], output_sequence_length=2,
                                 input_shape=()),
        layers.Embedding(5, 2), layers.Flatten(), layers.Dense(1)])
    assert list(model.layer_output_shapes().values())[0] == (None, 2)
    assert model.predict(np.array(["good movie", "bad film"]), verbose=0).shape == (2, 1)
