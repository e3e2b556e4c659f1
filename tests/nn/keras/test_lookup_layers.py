"""Keras' StringLookup, IntegerLookup and CategoryEncoding: the vocabulary's order (count,
then the token from high to low), the mask and OOV indices, every output mode, adapt from
batches, and the config that saves a learned vocabulary. (Checked against Keras 3.15.1 with
TensorFlow's lookups on these and more cases: equal vocabularies and outputs.)"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn.keras as keras
from nn.keras import layers
from nn.keras.layers.category_encoding import encode_categories
from nn.keras.layers.farmhash import fingerprint64
from nn.keras.layers.siphash import siphash24

DATA = np.array([["a", "b", "b", "c"], ["d", "d", "e", "a"], ["zz", "b", "", "q"]])


def adapted(cls=layers.StringLookup, data=DATA, **kwargs):
    layer = cls(**kwargs)
    layer.adapt(data)
    return layer


def test_vocabulary_by_count_then_token_from_high_to_low():
    # b 3 times; a and d twice (d first); the rest once, from high to low
    assert adapted().get_vocabulary() == ["[UNK]", "b", "d", "a", "zz", "q", "e", "c", ""]
    assert adapted(max_tokens=4).get_vocabulary() == ["[UNK]", "b", "d", "a"]
    ints = adapted(layers.IntegerLookup, np.array([[7, 7, 3], [12, 3, 3], [-1, 5, 5]]))
    assert ints.get_vocabulary() == [-1, 3, 7, 5, 12]  # (the OOV token -1 is not learned)
    assert ints.vocabulary_size() == 5


def test_mask_and_oov_indices():
    lookup = adapted(mask_token="")
    assert lookup.get_vocabulary()[:3] == ["", "[UNK]", "b"]
    out = lookup(np.array([["b", "", "nope"]]))
    np.testing.assert_array_equal(out.data, [[2, 0, 1]])
    assert out.dtype == np.int64
    with pytest.raises(ValueError, match="num_oov_indices=0.*nope"):
        adapted(num_oov_indices=0)(["b", "nope"])
    # several OOV indices: a string's by its FarmHash fingerprint, an integer's modulo
    many = adapted(num_oov_indices=3)
    np.testing.assert_array_equal(many(["hello", "abc", "b"]).data,
                                  [fingerprint64(b"hello") % 3, fingerprint64(b"abc") % 3, 3])
    ints = layers.IntegerLookup(num_oov_indices=4, vocabulary=[10, 20])
    np.testing.assert_array_equal(ints(np.array([10, 7, -3, 20])).data, [4, 3, 1, 5])


@pytest.mark.parametrize("kwargs, token, expected", [
    ({"mask_token": ""}, "b", 3), ({"mask_token": ""}, "", 0), ({"mask_token": ""}, "zz", 1),
    ({}, "zz", 0), ({"num_oov_indices": 2}, "", 1), ({"num_oov_indices": 2}, "zz", 0)])
def test_a_single_token_that_is_masked_or_unknown_as_keras(kwargs, token, expected):
    # (Keras 3.15.1's indices; a scalar mask or OOV token raised "'numpy.int64' object does
    # not support item assignment")
    out = layers.StringLookup(vocabulary=["a", "b"], **kwargs)(token)
    assert out.shape == () and out.dtype == np.int64 and out.item() == expected
    ints = layers.IntegerLookup(vocabulary=[3, 4], mask_token=0)
    assert (ints(0).item(), ints(7).item(), ints(np.int64(4)).item()) == (0, 1, 3)


@pytest.mark.parametrize("make, distinct", [
    (lambda: layers.StringLookup(vocabulary=["a"], num_oov_indices=3), [b"x", b"y", b"z"]),
    (lambda: layers.Hashing(5), [b"a", b"x", b"y", b"z"])])
def test_a_batch_of_repeated_strings_hashes_each_distinct_one_once(make, distinct,
                                                                    monkeypatch):
    from nn.keras.layers import farmhash
    hashed = []
    monkeypatch.setattr(farmhash, "fingerprint64", lambda data: hashed.append(data) or
                        fingerprint64(data))
    tokens = np.array([["x", "y", "x", "a"], ["y", "x", "x", "z"]])
    out = make()(tokens).data
    assert sorted(hashed) == distinct  # (StringLookup: its out-of-vocabulary ones)
    assert out[0, 0] == out[0, 2] == out[1, 1] and out[0, 1] == out[1, 0]


@pytest.mark.parametrize("texts", [["a\x00", "b", "\x00"], [b"a\x00", b"b", b"\x00"],
                                   np.array(["a\x00", "b", "\x00"], dtype=object)])
def test_strings_ending_in_nul_are_hashed_and_looked_up_as_given(texts):
    # (NumPy's str dtype drops trailing NULs: "a\x00" hashed as "a", "\x00" as the empty
    # string; Keras 3.15.1 keeps them: bins 180, 822, 796 of 1000)
    np.testing.assert_array_equal(layers.Hashing(1000)(texts).data, [180, 822, 796])
    masked = layers.Hashing(1000, mask_value="a\x00")(texts).data
    assert masked[0] == 0 and masked[1] != 0
    lookup = layers.StringLookup()
    lookup.adapt(np.array(["a", "a", "a\x00", "\x00", "\x00", "\x00"], dtype=object))
    assert lookup.get_vocabulary() == ["[UNK]", "\x00", "a", "a\x00"]
    np.testing.assert_array_equal(lookup(texts).data, [3, 0, 1])


def test_farmhash_fingerprints_of_every_length_class():
    # (TensorFlow's to_hash_bucket_fast(s, 1000) gives the same buckets)
    texts = ["", "a", "abc", "hello", "farmhash!", "x" * 20, "y" * 40,
             "the quick brown fox jumps over the lazy dog, then again and again" + "!" * 30]
    assert fingerprint64(b"") == 0x9AE16A3B2F90404F  # FarmHash's k2, its empty string's
    assert [fingerprint64(t.encode()) % 1000 for t in texts] == \
        [263, 939, 385, 296, 288, 348, 6, 372]


def test_encoded_output_modes():
    lookup_args = dict(vocabulary=["a", "b", "c"], mask_token="")
    rows = np.array([["a", "b", "b", "zz"], ["", "c", "", "c"]])
    # (the mask has no index outside "int": [UNK] 0, a 1, b 2, c 3; masked tokens dropped)
    multi = layers.StringLookup(output_mode="multi_hot", **lookup_args)(rows).data
    np.testing.assert_array_equal(multi, [[1, 1, 1, 0], [0, 0, 0, 1]])
    count = layers.StringLookup(output_mode="count", **lookup_args)(rows).data
    np.testing.assert_array_equal(count, [[1, 1, 2, 0], [0, 0, 0, 2]])
    assert count.dtype == np.int64  # (Keras 3.15: counts of a lookup are int64)
    one_hot = layers.StringLookup(output_mode="one_hot", **lookup_args)(np.array([["c"], ["q"]]))
    np.testing.assert_array_equal(one_hot.data, [[0, 0, 0, 1], [1, 0, 0, 0]])
    ints = layers.IntegerLookup(output_mode="count", vocabulary=[7, 9], mask_token=0)
    np.testing.assert_array_equal(ints(np.array([[9, 0, 9, 5]])).data, [[1, 0, 2]])  # [OOV] 7 9
    padded = layers.StringLookup(output_mode="multi_hot", max_tokens=6, pad_to_max_tokens=True,
                                 vocabulary=["a"])(["a"])
    np.testing.assert_array_equal(padded.data, [0, 1, 0, 0, 0, 0])  # (1-D: one sample)


def test_tf_idf_learned_and_given():
    lookup = adapted(output_mode="tf_idf", data=iter([np.array([["a", "b"], ["b", "b"]]),
                                                      np.array([["c", "b"]])]))
    assert lookup.get_vocabulary() == ["[UNK]", "b", "c", "a"]
    # idf = log(1 + documents / (1 + documents with the token)); [UNK] their mean
    idf = np.log1p(3 / (1 + np.array([3, 1, 1])))
    expected = np.array([[0, 2 * idf[0], 0, idf[2]]])
    expected[0, 0] = idf.mean()  # the unknown "q"
    np.testing.assert_allclose(lookup(np.array([["b", "a", "b", "q"]])).data, expected,
                               rtol=1e-6)
    given = layers.StringLookup(output_mode="tf_idf", vocabulary=["x", "y"],
                                idf_weights=[1.0, 3.0])
    np.testing.assert_allclose(given(np.array([["y", "y", "z"]])).data, [[2.0, 0.0, 6.0]])
    with pytest.raises(ValueError, match="idf_weights"):
        layers.StringLookup(output_mode="tf_idf", vocabulary=["x"])


def test_adapt_from_batches_counts_each_1d_batch_as_one_sample():
    whole = adapted(data=["x", "y", "y"])
    batched = adapted(data=iter([np.array(["x", "y"]), np.array([["y"]])]))
    assert whole.get_vocabulary() == batched.get_vocabulary() == ["[UNK]", "y", "x"]


def test_invert_and_set_vocabulary():
    forward = layers.StringLookup(vocabulary=["a", "b", "c"], mask_token="M")
    back = layers.StringLookup(vocabulary=["a", "b", "c"], mask_token="M", invert=True)
    tokens = np.array([["M", "a", "q", "c"]])
    np.testing.assert_array_equal(back(forward(tokens)), [["M", "a", "[UNK]", "c"]])
    np.testing.assert_array_equal(layers.IntegerLookup(vocabulary=[5, 6], invert=True)(
        np.array([1, 2, 0, 9])), [5, 6, -1, -1])
    forward.set_vocabulary(["M", "[UNK]", "z"])  # the special tokens first: read as such
    assert forward.get_vocabulary() == ["M", "[UNK]", "z"]
    with pytest.raises(ValueError, match="repeats"):
        forward.set_vocabulary(["z", "z"])
    with pytest.raises(ValueError, match="max_tokens=3"):
        layers.StringLookup(max_tokens=3, vocabulary=["a", "b", "c"])
    with pytest.raises(ValueError, match="given"):
        forward.adapt(["a"])


def test_bad_inputs_name_the_layer():
    with pytest.raises(TypeError, match="StringLookup: expected strings.*float64"):
        layers.StringLookup(vocabulary=["a"])(np.zeros(3))
    with pytest.raises(TypeError, match="IntegerLookup: expected integer tokens"):
        layers.IntegerLookup(vocabulary=[1])(["a"])
    with pytest.raises(TypeError, match="CategoryEncoding: expected integer categories, got "
                                        "dtype float64"):
        layers.CategoryEncoding(4)(np.array([[1.5]]))
    # whole floats are integers to both
    np.testing.assert_array_equal(layers.IntegerLookup(vocabulary=[7])(np.array([7.0, 2.0])),
                                  [1, 0])
    np.testing.assert_array_equal(layers.CategoryEncoding(3)(np.array([[2.0, 0.0]])).data,
                                  [[1, 0, 1]])
    with pytest.raises(ValueError, match="output_mode must be one of"):
        layers.StringLookup(output_mode="bag")
    with pytest.raises(RuntimeError, match="adapt"):
        layers.StringLookup(output_mode="count")(["a"])
    # rank 3: counted over axis 1, as Keras (not refused)
    np.testing.assert_array_equal(layers.StringLookup(output_mode="count", vocabulary=["a"])(
        np.full((2, 3, 2), "a")).data, np.tile([0, 3], (2, 2, 1)))


def test_config_rebuilds_a_learned_vocabulary():
    for kwargs in (dict(mask_token="", num_oov_indices=2),
                   dict(output_mode="tf_idf", max_tokens=8, pad_to_max_tokens=True)):
        lookup = adapted(**kwargs)
        copy = layers.StringLookup(**lookup.get_config())
        assert copy.get_vocabulary() == lookup.get_vocabulary()
        rows = np.array([["b", "a", "nope", "b"]])
        np.testing.assert_array_equal(copy(rows).data, lookup(rows).data)


def test_category_encoding_modes_and_errors():
    x = np.array([[0, 1, 1], [3, 3, 2]])
    np.testing.assert_array_equal(layers.CategoryEncoding(4)(x).data,
                                  [[1, 1, 0, 0], [0, 0, 1, 1]])
    np.testing.assert_array_equal(
        layers.CategoryEncoding(4, "count")(x, count_weights=[[1, 2, 3], [1, 1, 5]]).data,
        [[1, 5, 0, 0], [0, 0, 5, 2]])
    np.testing.assert_array_equal(layers.CategoryEncoding(3, "one_hot")(np.array([[2], [0]])).data,
                                  [[0, 0, 1], [1, 0, 0]])
    with pytest.raises(ValueError, match=r"CategoryEncoding: categories must be in \[0, 4\)"):
        layers.CategoryEncoding(4)(np.array([[4]]))
    with pytest.raises(ValueError, match="num_tokens must be set"):
        layers.CategoryEncoding()


@settings(deadline=None, max_examples=30)
@given(st.lists(st.lists(st.integers(-1, 5), min_size=3, max_size=3), min_size=1, max_size=4),
       st.sampled_from(["multi_hot", "count"]))
def test_encoding_against_loops(rows, mode):
    indices = np.array(rows)
    expected = np.zeros((len(rows), 6))
    for n, row in enumerate(rows):
        for i in row:
            if i >= 0:  # (negative: masked, counted nowhere)
                expected[n, i] = 1 if mode == "multi_hot" else expected[n, i] + 1
    np.testing.assert_array_equal(encode_categories(indices, mode, 6), expected)


def bin_of(text, bins):
    return fingerprint64(text.encode()) % bins


def test_hashing_bins_by_fingerprint_with_a_mask_and_encodings():
    words = np.array([["cat", "dog", "", "cat"]])
    np.testing.assert_array_equal(layers.Hashing(7)(words).data,
                                  [[bin_of(w, 7) for w in words[0]]])
    np.testing.assert_array_equal(layers.Hashing(7)(np.array([12, -3])).data,
                                  [bin_of("12", 7), bin_of("-3", 7)])  # (as decimal text)
    masked = layers.Hashing(5, mask_value="")(words).data
    np.testing.assert_array_equal(masked, [[1 + bin_of("cat", 4), 1 + bin_of("dog", 4), 0,
                                            1 + bin_of("cat", 4)]])
    counts = layers.Hashing(5, mask_value="", output_mode="count")(words).data
    np.testing.assert_array_equal(counts, encode_categories(masked, "count", 5))
    assert layers.Hashing(**layers.Hashing(3, output_mode="one_hot").get_config()).num_bins == 3


@pytest.mark.parametrize("salt, kept, bins", [
    # (Keras 3.15.1's bins of A to E; [133, 137] its docstring's example)
    ([133, 137], [133, 137], [1, 2, 1, 0, 2]), (133, [133, 133], [0, 0, 2, 1, 0]),
    ((1, 2), [1, 2], [1, 0, 1, 2, 0])])
def test_hashing_with_a_salt_is_keras_siphash(salt, kept, bins):
    layer = layers.Hashing(3, salt=salt)
    np.testing.assert_array_equal(layer(np.array([["A"], ["B"], ["C"], ["D"], ["E"]])).data,
                                  np.array(bins)[:, None])
    assert layer.get_config()["salt"] == kept
    assert layers.Hashing(**layer.get_config()).salt == kept
    masked = layers.Hashing(5, salt=7, mask_value="A")(np.array(["A", "B", "C"]))
    np.testing.assert_array_equal(masked.data, [0, 3, 3])
    np.testing.assert_array_equal(layers.Hashing(5, salt=7)(np.array([1, 2, 3])).data,
                                  [4, 0, 0])


def test_siphash_of_every_tail_length_and_negative_keys():
    # (TensorFlow's to_hash_bucket_strong(s, 2**62, key) % 1000 gives the same)
    texts = ["", "a", "abcdefg", "abcdefgh", "abcdefghi", "한국어 café", "x" * 100]
    for key, expected in (([133, 137], [996, 450, 407, 732, 333, 641, 784]),
                          ([-1, 2 ** 63 - 1], [409, 706, 562, 368, 492, 203, 970])):
        assert [siphash24(key, t.encode()) % 2 ** 62 % 1000 for t in texts] == expected
    assert siphash24([0x0706050403020100, 0x0F0E0D0C0B0A0908], bytes(range(15))) == \
        0xA129CA6149BE45E5  # (the SipHash paper's test vector)


def test_oov_indices_by_salted_siphash_and_integer_farmhash_as_keras():
    # (Keras 3.15.1's indices; salt and oov_method="farmhash" were refused before)
    words = np.array(["x", "y", "hello", "a", "zz", "q"])
    salted = layers.StringLookup(vocabulary=["a"], num_oov_indices=3, salt=[133, 137])
    np.testing.assert_array_equal(salted(words).data, [1, 2, 0, 3, 0, 1])
    masked = layers.StringLookup(vocabulary=["a"], num_oov_indices=3, salt=5, mask_token="")
    np.testing.assert_array_equal(masked(words).data, [3, 3, 2, 4, 1, 2])
    assert masked.get_config()["salt"] == [5, 5]
    ids = np.array([10, 7, -3, 20, 123456, 5])
    for salt, expected in ((None, [4, 0, 3, 5, 2, 3]), ([1, 2], [4, 0, 1, 5, 2, 1])):
        farm = layers.IntegerLookup(vocabulary=[10, 20], num_oov_indices=4,
                                    oov_method="farmhash", salt=salt)
        np.testing.assert_array_equal(farm(ids).data, expected)
        np.testing.assert_array_equal(layers.IntegerLookup.from_config(farm.get_config())(
            ids).data, expected)
    with pytest.raises(ValueError, match="salt keys the hash of oov_method='farmhash'"):
        layers.IntegerLookup(vocabulary=[10], num_oov_indices=4, salt=3)
    with pytest.raises(ValueError, match="oov_method must be 'floormod' or 'farmhash'"):
        layers.IntegerLookup(oov_method="siphash")


@pytest.mark.parametrize("salt", [1.5, [1], "x", True, 2 ** 64])
def test_a_salt_that_is_no_64_bit_key_is_refused_by_name(salt):
    with pytest.raises(ValueError, match="Hashing: salt must be an integer or a pair"):
        layers.Hashing(3, salt=salt)


def test_vocabulary_from_a_file_one_token_a_line(tmp_path):
    words, ids = tmp_path / "words.txt", tmp_path / "ids.txt"
    words.write_text("b\na\nc\n", encoding="utf-8")
    ids.write_text("7\n3\n", encoding="utf-8")
    strings = layers.StringLookup(vocabulary=str(words))
    assert strings.get_vocabulary() == ["[UNK]", "b", "a", "c"]
    np.testing.assert_array_equal(strings(np.array(["a", "b", "c", "z"])).data, [2, 1, 3, 0])
    np.testing.assert_array_equal(layers.IntegerLookup(vocabulary=ids)([3, 7, 5]).data,
                                  [2, 1, 0])
    vectorize = layers.TextVectorization(vocabulary=str(words))
    np.testing.assert_array_equal(vectorize(np.array(["a b c z"])).data, [[3, 2, 4, 1]])
    assert vectorize.get_config()["vocabulary"] == ["", "[UNK]", "b", "a", "c"]
    with pytest.raises(ValueError, match="IntegerLookup.*not int64 tokens"):
        layers.IntegerLookup(vocabulary=str(words))
    with pytest.raises(ValueError, match="StringLookup.*does not exist"):
        layers.StringLookup(vocabulary=str(tmp_path / "missing.txt"))


def test_hashing_masks_bytes_and_str_alike_and_reads_values_as_as_string_writes_them():
    for mask, words in (("", [b"", b"a"]), (b"", ["", "a"])):
        np.testing.assert_array_equal(layers.Hashing(5, mask_value=mask)(np.array(words)).data,
                                      [0, 1 + bin_of("a", 4)])
    np.testing.assert_array_equal(layers.Hashing(5, mask_value=7)(np.array([7, 1])).data,
                                  [0, 1 + bin_of("1", 4)])
    with pytest.raises(TypeError, match="Hashing: mask_value='0'.*int64"):
        layers.Hashing(5, mask_value="0")(np.array([0, 1]))
    with pytest.raises(TypeError, match="Hashing: mask_value=0.*<U1"):
        layers.Hashing(5, mask_value=0)(np.array(["0", "a"]))
    big = np.array([2 ** 63 + 5, 2 ** 64 - 1], np.uint64)  # (unsigned decimal, not wrapped)
    np.testing.assert_array_equal(layers.Hashing(1000)(big).data,
                                  [bin_of("9223372036854775813", 1000),
                                   bin_of("18446744073709551615", 1000)])
    np.testing.assert_array_equal(layers.Hashing(97)([[1, 2], [3, 4]]).data,
                                  [[bin_of("1", 97), bin_of("2", 97)],
                                   [bin_of("3", 97), bin_of("4", 97)]])
    for booleans in (np.array([True, False]), [True, False]):
        np.testing.assert_array_equal(layers.Hashing(97)(booleans).data,
                                      [bin_of("true", 97), bin_of("false", 97)])


@settings(deadline=None, max_examples=30)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3),
       st.sampled_from(["multi_hot", "count"]), st.randoms(use_true_random=False))
def test_rank_3_encodings_reduce_axis_1_as_keras(n, k, m, mode, random):
    indices = np.array([random.randrange(-1, 5) for _ in range(n * k * m)]).reshape(n, k, m)
    weights = np.array([random.randrange(1, 9) / 4 for _ in range(n * k * m)]).reshape(n, k, m)
    expected = np.zeros((n, m, 5))
    for a, b, c in np.ndindex(n, k, m):
        if indices[a, b, c] >= 0:
            expected[a, c, indices[a, b, c]] += 1 if mode == "multi_hot" else weights[a, b, c]
    if mode == "multi_hot":
        expected = np.minimum(expected, 1)
    np.testing.assert_allclose(encode_categories(indices, mode, 5, weights), expected,
                               rtol=1e-6)


def test_category_encoding_scalars_and_weights_outside_count():
    np.testing.assert_array_equal(layers.CategoryEncoding(3, "one_hot")(np.array(2)).data,
                                  [[0, 0, 1]])
    np.testing.assert_array_equal(layers.CategoryEncoding(3)(np.array(2)).data, [0, 0, 1])
    np.testing.assert_array_equal(layers.CategoryEncoding(4)(np.array([[[0, 1]], [[2, 2]]])).data,
                                  [[[1, 0, 0, 0], [0, 1, 0, 0]], [[0, 0, 1, 0], [0, 0, 1, 0]]])
    np.testing.assert_array_equal(layers.CategoryEncoding(3, "count")(
        np.zeros((2, 0), np.int64)).data, np.zeros((2, 3)))  # (samples of no category)
    for mode in ("one_hot", "multi_hot"):
        with pytest.raises(ValueError, match=f"CategoryEncoding: count_weights.*'{mode}'"):
            layers.CategoryEncoding(3, mode)(np.array([1, 2]), count_weights=[0.5, 2.0])


@pytest.mark.parametrize("make", [
    lambda: (keras.Input(shape=(1,), dtype="string"),
             layers.StringLookup(vocabulary=["a", "b"], num_oov_indices=0), [["b"], ["a"]]),
    lambda: (keras.Input(shape=(1,), dtype="int64"),
             layers.IntegerLookup(vocabulary=[5, 6], num_oov_indices=0), [[6], [5]])])
def test_lookups_without_oov_indices_build_in_models(make):
    inputs, lookup, x = make()
    functional = keras.Model(inputs, layers.Embedding(2, 3)(lookup(inputs)))
    assert functional.predict(np.array(x), verbose=0).shape == (2, 1, 3)
    inputs, lookup, x = make()
    sequential = keras.Sequential([inputs, lookup, layers.Embedding(2, 3), layers.Flatten(),
                                   layers.Dense(2)])
    assert sequential.predict(np.array(x), verbose=0).shape == (2, 2)
    with pytest.raises(ValueError, match="num_oov_indices=0"):  # (outside a trial, refused)
        lookup(np.array([[7]]) if isinstance(lookup, layers.IntegerLookup) else [["z"]])


def test_a_text_layer_given_input_shape_first_in_a_sequential():
    model = keras.Sequential([layers.StringLookup(vocabulary=["good", "bad"], input_shape=(2,)),
                              layers.Embedding(3, 2), layers.Flatten(), layers.Dense(1)])
    assert list(model.layer_output_shapes().values())[0] == (None, 2)
    assert model.predict(np.array([["good", "bad"]]), verbose=0).shape == (1, 1)


@pytest.mark.parametrize("make", [lambda: layers.CategoryEncoding(5, "count"),
                                  lambda: layers.IntegerLookup(vocabulary=[0, 1, 2, 3, 4]),
                                  lambda: layers.Hashing(5, output_mode="count")])
def test_a_captured_step_through_a_preprocessing_layer_is_refused_by_name(make):
    layer = make()
    inputs = keras.Input(shape=(3,), dtype="int64")
    model = keras.Model(inputs, layers.Dense(1)(layers.Flatten()(
        layers.Embedding(6, 1)(layer(inputs)) if layer.output_mode == "int" else layer(inputs))))
    model.compile(optimizer="sgd", loss="mse", jit_compile=True)
    with pytest.raises(NotImplementedError,
                       match=f"{type(layer).__name__} layer computes.*jit_compile=False"):
        model.fit(np.arange(12).reshape(4, 3) % 5, np.ones((4, 1)), verbose=0)


def test_a_saved_model_naming_a_vocabulary_file_is_refused_at_load(tmp_path):
    """A crafted model file whose StringLookup names a vocabulary *file* made load_model
    read that file (any file: /etc/passwd's lines became tokens, quoted in errors); a
    model's file holds its vocabulary itself, so loading one reads no other file."""
    import json
    import zipfile

    from nn import keras
    secret = tmp_path / "secret.txt"
    secret.write_text("alpha\nbeta\n")
    model = keras.Sequential([keras.Input(shape=(1,), dtype="string"),
                              keras.layers.StringLookup(vocabulary=["a", "b"])])
    path = tmp_path / "model.keras"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    document = json.loads(members["model.json"])
    document["architecture"]["layers"][1]["config"]["vocabulary"] = str(secret)
    members["model.json"] = json.dumps(document).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ValueError, match="names a vocabulary file"):
        keras.models.load_model(path)
    layer = keras.layers.StringLookup(vocabulary=str(secret))  # (given by the user: read)
    assert layer.get_vocabulary() == ["[UNK]", "alpha", "beta"]


def test_an_inverted_integer_lookup_gives_a_variable_and_strings_stay_arrays():
    from autograd import Variable
    inverted = layers.IntegerLookup(vocabulary=[12, 36, 1138, 42], invert=True)
    tokens = inverted(np.array([[1, 3, 4], [4, 0, 2]]))
    assert isinstance(tokens, Variable)
    assert tokens.data.tolist() == [[12, 1138, 42], [42, -1, 36]]
    words = layers.StringLookup(vocabulary=["a", "b"], invert=True)(np.array([1, 2, 0]))
    assert isinstance(words, np.ndarray) and words.tolist() == ["a", "b", "[UNK]"]
