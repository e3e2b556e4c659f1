"""The output dtypes of Keras' StringLookup, IntegerLookup, TextVectorization,
CategoryEncoding and Hashing: per output_mode and dtype=, whatever form the input takes;
what layer.dtype and get_config say; the dtypes refused; and a lookup's integer output
training the Dense after it. (Every expectation here is what Keras 3.15.1 gives on the
torch backend, written down.)"""
import numpy as np
import pytest

import nn.keras as keras
from nn.keras import layers

from ..._helpers import saved_and_loaded

IDF = [0.5, 0.25, 0.125]


def string_lookup(mode, **kwargs):
    return layers.StringLookup(vocabulary=["a", "b", "c"], output_mode=mode,
                               idf_weights=IDF if mode == "tf_idf" else None, **kwargs)


def integer_lookup(mode, **kwargs):
    return layers.IntegerLookup(vocabulary=[1, 2, 3], output_mode=mode,
                                idf_weights=IDF if mode == "tf_idf" else None, **kwargs)


def text_vectorization(mode, **kwargs):
    return layers.TextVectorization(vocabulary=["a", "b", "c"], output_mode=mode,
                                    idf_weights=IDF if mode == "tf_idf" else None, **kwargs)


def category_encoding(mode, **kwargs):
    return layers.CategoryEncoding(4, output_mode=mode, **kwargs)


def hashing(mode, **kwargs):
    return layers.Hashing(4, output_mode=mode, **kwargs)


TEXT = [np.array(["a", "b", "z"]), ["a", "b", "z"], np.array([["a", "b"], ["c", "c"]]),
        [["a", "b"], ["c", "c"]], np.array([["a"], ["c"]]), np.array([[b"a", b"q"]])]
INTEGERS = [np.array([1, 2, 3]), [1, 2, 3], np.array([[1, 2], [3, 3]]), [[1, 2], [3, 3]],
            np.array([[1], [3]]), np.array(2), np.array([[0, 3]], np.int32)]
SENTENCES = [np.array(["a b", "c z"]), ["a b", "c z"], np.array([["a b"], ["c"]]),
             np.array("a b")]

# (layer, output_mode, dtype=, the outputs' dtype): the lookups and TextVectorization
# ignore dtype= (int64, tf_idf float32); CategoryEncoding and Hashing give the dtype asked
# for, float32 by default for an encoding, int64 for Hashing's bins; Keras counts in
# bool, uint8 or int16 as int32
CASES = [
    (string_lookup, "int", None, "int64"), (string_lookup, "int", "float32", "int64"),
    (string_lookup, "one_hot", None, "int64"), (string_lookup, "one_hot", "float64", "int64"),
    (string_lookup, "multi_hot", None, "int64"), (string_lookup, "multi_hot", "float32", "int64"),
    (string_lookup, "count", None, "int64"), (string_lookup, "count", "int32", "int64"),
    (string_lookup, "tf_idf", None, "float32"), (string_lookup, "tf_idf", "float64", "float32"),
    (string_lookup, "tf_idf", "int32", "float32"),
    (integer_lookup, "int", None, "int64"), (integer_lookup, "int", "int32", "int64"),
    (integer_lookup, "one_hot", None, "int64"), (integer_lookup, "one_hot", "float32", "int64"),
    (integer_lookup, "multi_hot", None, "int64"),
    (integer_lookup, "multi_hot", "float64", "int64"),
    (integer_lookup, "count", None, "int64"), (integer_lookup, "count", "float32", "int64"),
    (integer_lookup, "tf_idf", None, "float32"), (integer_lookup, "tf_idf", "int64", "float32"),
    (text_vectorization, "int", None, "int64"), (text_vectorization, "int", "float32", "int64"),
    (text_vectorization, "multi_hot", None, "int64"),
    (text_vectorization, "multi_hot", "float32", "int64"),
    (text_vectorization, "count", None, "int64"),
    (text_vectorization, "count", "float64", "int64"),
    (text_vectorization, "tf_idf", None, "float32"),
    (text_vectorization, "tf_idf", "float64", "float32"),
    (category_encoding, "one_hot", None, "float32"),
    (category_encoding, "one_hot", "int32", "int32"),
    (category_encoding, "one_hot", "float64", "float64"),
    (category_encoding, "one_hot", "bool", "bool"),
    (category_encoding, "one_hot", "uint8", "uint8"),
    (category_encoding, "multi_hot", None, "float32"),
    (category_encoding, "multi_hot", "int64", "int64"),
    (category_encoding, "multi_hot", "float16", "float16"),
    (category_encoding, "multi_hot", "bool", "bool"),
    (category_encoding, "multi_hot", "int16", "int16"),
    (category_encoding, "count", None, "float32"),
    (category_encoding, "count", "float32", "float32"),
    (category_encoding, "count", "int32", "int32"),
    (category_encoding, "count", "float64", "float64"),
    (category_encoding, "count", "float16", "float16"),
    (category_encoding, "count", "bool", "int32"),
    (category_encoding, "count", "uint8", "int32"),
    (category_encoding, "count", "int16", "int32"),
    (hashing, "int", None, "int64"), (hashing, "int", "int32", "int32"),
    (hashing, "int", "int64", "int64"),
    (hashing, "one_hot", None, "float32"), (hashing, "one_hot", "float64", "float64"),
    (hashing, "one_hot", "int32", "int32"), (hashing, "one_hot", "float16", "float16"),
    (hashing, "one_hot", "bool", "bool"),
    (hashing, "multi_hot", None, "float32"), (hashing, "multi_hot", "int32", "int32"),
    (hashing, "multi_hot", "float64", "float64"),
    (hashing, "count", None, "float32"), (hashing, "count", "int64", "int64"),
    (hashing, "count", "float64", "float64"),
]


def inputs_of(make):
    if make is text_vectorization:
        return SENTENCES
    return INTEGERS if make in (integer_lookup, category_encoding) else TEXT


@pytest.mark.parametrize("make, mode, dtype, expected", CASES,
                         ids=[f"{m.__name__}-{mode}-{d}" for m, mode, d, _ in CASES])
def test_the_outputs_dtype_and_values(make, mode, dtype, expected):
    layer = make(mode) if dtype is None else make(mode, dtype=dtype)
    default = make(mode)
    for x in inputs_of(make):
        out = layer(x).data
        assert out.dtype == expected, (x, out.dtype)
        np.testing.assert_array_equal(out.astype(np.float64),
                                      default(x).data.astype(np.float64))


def test_padded_to_max_tokens_and_masked_encodings_are_int64_as_keras():
    padded = layers.StringLookup(vocabulary=["a", "b"], output_mode="multi_hot", max_tokens=6,
                                 pad_to_max_tokens=True)(np.array([["a", "b"], ["z", "a"]]))
    assert padded.dtype == np.int64
    assert padded.data.tolist() == [[0, 1, 1, 0, 0, 0], [1, 1, 0, 0, 0, 0]]
    counts = layers.IntegerLookup(vocabulary=[7, 8], output_mode="count", max_tokens=6,
                                  pad_to_max_tokens=True)(np.array([[7, 7], [9, 8]]))
    assert counts.dtype == np.int64 and counts.data.tolist() == [[0, 2, 0, 0, 0, 0],
                                                                 [1, 0, 1, 0, 0, 0]]
    text = layers.TextVectorization(vocabulary=["a", "b"], output_mode="count", max_tokens=6,
                                    pad_to_max_tokens=True)(["a a b", "z"])
    assert text.dtype == np.int64 and text.data.tolist() == [[0, 2, 1, 0, 0, 0],
                                                             [1, 0, 0, 0, 0, 0]]
    tf_idf = layers.StringLookup(vocabulary=["a", "b"], idf_weights=[0.5, 0.25],
                                 output_mode="tf_idf", max_tokens=6, pad_to_max_tokens=True)(
        np.array([["a", "b"], ["z", "a"]]))
    assert tf_idf.dtype == np.float32
    np.testing.assert_array_equal(tf_idf.data, [[0, 0.5, 0.25, 0, 0, 0],
                                                [0.375, 0.5, 0, 0, 0, 0]])
    masked = layers.StringLookup(vocabulary=["a", "b"], mask_token="",
                                 output_mode="multi_hot")(np.array([["a", ""]]))
    assert masked.dtype == np.int64 and masked.data.tolist() == [[0, 1, 0]]


def test_count_weights_are_cast_to_the_dtype_before_they_are_summed():
    categories = np.array([[1, 2], [3, 3]])
    as_int32 = layers.CategoryEncoding(4, "count", dtype="int32")(
        categories, count_weights=np.array([[1.5, 1.0], [0.5, 0.5]]))
    assert as_int32.dtype == np.int32 and as_int32.data.tolist() == [[0, 1, 1, 0], [0, 0, 0, 0]]
    as_bool = layers.CategoryEncoding(4, "count", dtype="bool")(
        categories, count_weights=np.array([[1, 0], [2, 2]]))
    assert as_bool.dtype == np.int32 and as_bool.data.tolist() == [[0, 1, 0, 0], [0, 0, 0, 2]]
    in_half = layers.CategoryEncoding(4, "count", dtype="float16")(
        categories, count_weights=np.array([[0.1, 1.0], [0.2, 0.7]]))
    assert in_half.dtype == np.float16  # (0.2 + 0.7 summed in float16, as Keras sums it)
    assert in_half.data[1, 3] == np.float16(0.900390625)
    by_default = layers.CategoryEncoding(4, "count")(
        categories, count_weights=np.array([[1, 1], [2, 2]], np.float16))
    assert by_default.dtype == np.float32 and by_default.data.tolist() == [[0, 1, 1, 0],
                                                                           [0, 0, 0, 4]]


# (layer, output_mode, dtype=, its layer.dtype, get_config's "dtype"): the lookups' dtype
# is their tokens', their config's float32 whatever was given (Keras drops the argument);
# TextVectorization's config keeps what was given
ATTRIBUTES = [
    (string_lookup, "int", None, "string", "float32"),
    (string_lookup, "count", "int32", "string", "float32"),
    (integer_lookup, "int", None, "int64", "float32"),
    (integer_lookup, "multi_hot", "float64", "int64", "float32"),
    (text_vectorization, "int", None, "string", "float32"),
    (text_vectorization, "count", "int32", "string", "int32"),
    (text_vectorization, "int", "string", "string", "string"),
    (category_encoding, "multi_hot", None, "float32", "float32"),
    (category_encoding, "count", "int32", "int32", "int32"),
    (hashing, "int", None, "int64", "int64"),
    (hashing, "int", "int32", "int32", "int32"),
    (hashing, "one_hot", None, "float32", "float32"),
    (hashing, "count", "float64", "float64", "float64"),
]


@pytest.mark.parametrize("make, mode, given, dtype, config_dtype", ATTRIBUTES,
                         ids=[f"{m.__name__}-{mode}-{g}" for m, mode, g, *_ in ATTRIBUTES])
def test_layer_dtype_and_the_config_as_keras_reports_them(make, mode, given, dtype,
                                                          config_dtype):
    layer = make(mode) if given is None else make(mode, dtype=given)
    assert layer.dtype == dtype
    config = layer.get_config()
    assert config["dtype"] == config_dtype
    rebuilt = type(layer)(**config)
    assert rebuilt.get_config() == config and rebuilt.dtype == dtype


@pytest.mark.parametrize("make, error, match", [
    (lambda: hashing("int", dtype="float32"), ValueError,
     r"Hashing: with output_mode='int', dtype must be one of 'int32', 'int64', got 'float32'"),
    (lambda: hashing("multi_hot", dtype="float16"), ValueError,
     r"Hashing: with output_mode='multi_hot', dtype must be one of 'int32', 'int64', "
     r"'float32', 'float64', got 'float16'"),
    (lambda: hashing("count", dtype="bool"), ValueError, r"output_mode='count'.*got 'bool'"),
    (lambda: hashing("one_hot", dtype="string"), TypeError, r"Hashing: dtype must be one of"),
    (lambda: category_encoding("count", dtype="int8"), TypeError,
     r"CategoryEncoding: dtype must be one of 'bool', .*'float64', got 'int8'"),
    (lambda: category_encoding("count", dtype="uint64"), TypeError, r"got 'uint64'"),
    (lambda: category_encoding("count", dtype=5), TypeError, r"got 5"),
    (lambda: text_vectorization("int", dtype="foo"), TypeError,
     r"TextVectorization: dtype must be one of .*'string', got 'foo'"),
    (lambda: string_lookup("int", dtype="foo"), TypeError, r"StringLookup: dtype must be"),
])
def test_a_dtype_keras_refuses_is_refused_by_name(make, error, match):
    with pytest.raises(error, match=match):
        make()


WORDS = np.array([["what", "a", "great"], ["i", "love", "this"], ["great", "acting", "and"],
                  ["a", "good", "and"], ["i", "really", "love"], ["good", "fun", "all"],
                  ["what", "an", "awful"], ["i", "hate", "this"], ["awful", "acting", "and"],
                  ["a", "bad", "and"], ["i", "really", "hate"], ["boring", "and", "bad"]])
LABELS = np.array([1] * 6 + [0] * 6, np.float32)


def test_a_multi_hot_lookup_feeds_a_dense_layer_that_learns(tmp_path):
    lookup = layers.StringLookup(output_mode="multi_hot")
    lookup.adapt(WORDS)
    assert lookup(WORDS).dtype == np.int64  # (Dense casts it to its float32, as Keras')
    model = keras.Sequential([keras.Input(shape=(3,), dtype="string"), lookup,
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1),
                  loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(WORDS, LABELS, batch_size=4, epochs=30, verbose=0)
    assert history.history["loss"][-1] < 0.2
    assert model.evaluate(WORDS, LABELS, verbose=0)[1] == 1.0
    unseen = np.array([["a", "good", "film"], ["an", "awful", "film"]])
    predicted = model.predict(unseen, verbose=0)
    assert predicted.dtype == np.float32 and predicted[0, 0] > 0.5 > predicted[1, 0]
    lines = []
    model.summary(print_fn=lines.append)
    assert any("(StringLookup)" in line and "(None, 18)" in line for line in lines), lines
    loaded = saved_and_loaded(model, unseen, tmp_path / "bag_of_words.keras")
    assert loaded.layers[0].get_config()["dtype"] == "float32"


def test_a_model_ending_in_a_lookup_predicts_its_int64_output():
    model = keras.Sequential([keras.Input(shape=(2,), dtype="int64"),
                              layers.IntegerLookup(vocabulary=[1, 2, 3],
                                                   output_mode="multi_hot")])
    predicted = model.predict(np.array([[1, 2], [3, 9]]), verbose=0)
    assert predicted.dtype == np.int64 and predicted.tolist() == [[0, 1, 1, 0], [1, 0, 0, 1]]


def test_dense_takes_integer_inputs_as_float32():
    dense = layers.Dense(2)
    ints = dense(np.array([[1, 0, 1]], np.int64))
    assert ints.dtype == np.float32
    np.testing.assert_array_equal(ints.data, dense(np.array([[1.0, 0.0, 1.0]])).data)
