"""keras.utils.FeatureSpace (nn.keras.feature_space): encoded arrays identical to real Keras
3.15.1's (torch backend, TensorFlow 2.21 for its tf.data; outputs below as literals) on a
40-row table in both output modes, one sample, the output_mode='int' features, the
functional API end to end, adapt on batches, config and saving, training, and errors that
name the feature."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn.keras as keras
from nn.data import DataLoader

FeatureSpace = keras.utils.FeatureSpace

# the table (40 rows), as Keras read it: x, y float32, n int32, city and tag strings
X = [3.0, 3.6, 2.45, 1.22, 2.09, 1.02, 3.12, 5.68, 2.02, 1.76, 3.98, 3.71, 3.21, 1.14, 2.94,
    4.39, 0.31, 2.08, -0.8, 0.42, -0.68, 2.53, 0.47, 3.54, 3.31, 2.63, -2.03, 1.92, 2.9, 3.23,
    -0.06, 2.04, 1.04, 1.38, 5.12, 1.38, 2.93, 4.77, 1.83, 2.78]
N = [4, 4, 0, 2, 4, 4, 3, 3, 0, 3, 2, 0, 1, 2, 3, 2, 3, 4, 3, 1, 3, 2, 0, 0, 3, 1, 2, 1, 1, 0,
    1, 4, 2, 1, 2, 4, 1, 2, 2, 3]
CITY = ['rome', 'lima', 'lima', 'lima', 'kyiv', 'oslo', 'lima', 'rome', 'rome', 'oslo', 'oslo',
    'rome', 'kyiv', 'oslo', 'rome', 'kyiv', 'kyiv', 'oslo', 'oslo', 'lima', 'oslo', 'rome',
    'rome', 'kyiv', 'oslo', 'lima', 'lima', 'oslo', 'kyiv', 'kyiv', 'rome', 'kyiv', 'lima',
    'kyiv', 'kyiv', 'lima', 'rome', 'oslo', 'lima', 'oslo']
TAG = ['e', 'ff', 'bb', 'dddd', 'a', 'bb', 'ccc', 'ff', 'ff', 'dddd', 'dddd', 'dddd', 'a',
    'ccc', 'ff', 'ccc', 'bb', 'bb', 'e', 'a', 'ff', 'ff', 'dddd', 'ccc', 'e', 'dddd', 'ccc',
    'bb', 'ccc', 'e', 'a', 'a', 'e', 'ccc', 'e', 'a', 'ff', 'a', 'ccc', 'ff']
Y = [6.6, 4.3, 5.2, 8.7, 3.4, 5.9, 6.8, 3.6, 5.2, 7.7, 9.1, 1.5, 9.3, 0.1, 7.5, 8.1, 1.4, 4.2,
    8.2, 0.1, 6.3, 7.9, 5.1, 7.3, 2.3, 2.0, 3.6, 1.8, 3.5, 9.5, 5.7, 3.4, 2.7, 9.5, 4.4, 9.8,
    5.2, 5.2, 9.0, 7.4]
# where each row of Keras' concat output is 1 (city 0-4, n 5-10, tag 11-18, y 20-23, city_X_n
# 24-39; column 19 is x normalized: X_NORMALIZED)
HOT = [[4, 9, 16, 22, 32], [2, 9, 13, 21, 35], [2, 10, 13, 22, 38], [2, 6, 12, 23, 28], [3, 9,
    14, 21, 26], [1, 9, 13, 22, 29], [2, 7, 16, 22, 35], [4, 7, 13, 21, 30], [4, 10, 13, 22,
    28], [1, 7, 12, 23, 37], [1, 6, 12, 23, 33], [4, 10, 12, 20, 28], [3, 8, 14, 23, 25], [1, 6,
    16, 20, 33], [4, 7, 13, 22, 30], [3, 6, 16, 23, 28], [3, 7, 13, 20, 27], [1, 9, 13, 21, 29],
    [1, 7, 16, 23, 37], [2, 8, 14, 20, 32], [1, 7, 13, 22, 37], [4, 6, 13, 23, 36], [4, 10, 12,
    21, 28], [3, 10, 16, 22, 28], [1, 7, 16, 20, 37], [2, 8, 12, 20, 32], [2, 6, 16, 21, 28],
    [1, 8, 13, 20, 27], [3, 8, 16, 21, 25], [3, 10, 16, 23, 28], [4, 8, 14, 22, 26], [3, 9, 14,
    21, 26], [2, 6, 16, 20, 28], [3, 8, 16, 23, 25], [3, 6, 16, 21, 28], [2, 9, 14, 23, 35], [4,
    8, 13, 22, 26], [1, 6, 14, 22, 33], [2, 6, 16, 23, 28], [1, 7, 13, 22, 37]]
X_NORMALIZED = [0.488086, 0.858432, 0.148601, -0.610608, -0.073606, -0.734057, 0.562155,
    2.142299, -0.116813, -0.277297, 1.092984, 0.926329, 0.617707, -0.659988, 0.451051, 1.346054,
    -1.1723, -0.079779, -1.857441, -1.104403, -1.783372, 0.197981, -1.073541, 0.821397,
    0.679431, 0.259705, -2.616651, -0.178538, 0.426361, 0.630052, -1.40068, -0.104469,
    -0.721712, -0.511849, 1.796642, -0.511849, 0.444878, 1.580607, -0.23409, 0.352292]
# output_mode='int' features of the second space (dict mode): Keras' indices and bins
CITY_INDEX = [4, 2, 2, 2, 3, 1, 2, 4, 4, 1, 1, 4, 3, 1, 4, 3, 3, 1, 1, 2, 1, 4, 4, 3, 1, 2, 2,
    1, 3, 3, 4, 3, 2, 3, 3, 2, 4, 1, 2, 1]
TAG_BIN = [5, 2, 2, 1, 3, 2, 5, 2, 2, 1, 1, 1, 3, 5, 2, 5, 2, 2, 5, 3, 2, 2, 1, 5, 5, 1, 5, 2,
    5, 5, 3, 3, 5, 5, 5, 3, 2, 3, 5, 2]
CITY_X_TAG_BIN = [4, 11, 11, 4, 1, 13, 14, 6, 6, 9, 9, 12, 1, 13, 6, 4, 3, 13, 13, 8, 13, 6, 12,
    4, 13, 4, 14, 13, 4, 4, 2, 1, 14, 4, 4, 8, 6, 3, 14, 13]
N_HASHED_BIN = [7, 7, 7, 7, 7, 7, 1, 1, 7, 1, 7, 7, 1, 7, 1, 7, 1, 7, 1, 1, 1, 7, 7, 7, 1, 1, 7,
    1, 1, 7, 1, 7, 7, 1, 7, 7, 1, 7, 7, 1]


def _table():
    return {"x": np.array(X, np.float32), "n": np.array(N, np.int32), "city": np.array(CITY),
            "tag": np.array(TAG), "y": np.array(Y, np.float32)}


def _space(output_mode):
    """The space Keras encoded: every kind of one-hot feature, a normalized float and a
    cross of two preprocessed features."""
    return FeatureSpace(
        features={"x": "float_normalized", "n": "integer_categorical",
                  "city": "string_categorical", "tag": FeatureSpace.string_hashed(num_bins=8),
                  "y": FeatureSpace.float_discretized(num_bins=4)},
        crosses=[FeatureSpace.cross(("city", "n"), crossing_dim=16)], output_mode=output_mode)


def _keras_concat():
    expected = np.zeros((40, 40), np.float32)
    for row, hot in enumerate(HOT):
        expected[row, hot] = 1.0
    expected[:, 19] = X_NORMALIZED
    return expected


def _assert_as_keras(actual, expected):
    """One-hot parts identical; the normalized x column to float32's rounding (Keras' are
    the literals' 6 decimals)."""
    actual = np.asarray(actual)
    assert actual.dtype == np.float32 and actual.shape == expected.shape
    x = np.arange(expected.shape[-1]) == 19
    np.testing.assert_array_equal(actual[..., ~x], expected[..., ~x])
    np.testing.assert_allclose(actual[..., x], expected[..., x], atol=2e-6)


def test_concat_output_is_keras():
    space = _space("concat")
    space.adapt(_table())
    _assert_as_keras(space(_table()).data, _keras_concat())
    assert space.preprocessors["city"].get_vocabulary() == ["[UNK]", "oslo", "lima", "kyiv",
                                                            "rome"]
    assert space.preprocessors["n"].get_vocabulary() == [-1, 2, 3, 1, 4, 0]
    np.testing.assert_allclose(space.preprocessors["y"].bin_boundaries, [3.4, 5.2, 7.7],
                               rtol=1e-6)


def test_dict_output_is_keras_by_sorted_name():
    space = _space("dict")
    space.adapt(_table())
    result = space(_table())
    assert list(result) == ["city", "n", "tag", "x", "y", "city_X_n"]  # (Keras' order)
    widths = [5, 6, 8, 1, 4, 16]
    _assert_as_keras(np.concatenate([result[k].data for k in result], axis=1), _keras_concat())
    assert [result[k].shape[1] for k in result] == widths


def test_one_sample_of_scalars_gives_one_vector():
    space = _space("concat")
    space.adapt(_table())
    sample = {name: column[3] for name, column in _table().items()}
    _assert_as_keras(space(sample).data, _keras_concat()[3])


def test_int_features_and_plain_floats_are_keras():
    space = FeatureSpace(
        features={"x": "float", "y": FeatureSpace.float_rescaled(scale=0.5, offset=1.0),
                  "n": "integer_hashed",
                  "city": FeatureSpace.string_categorical(output_mode="int"),
                  "tag": FeatureSpace.string_hashed(num_bins=8, output_mode="int")},
        crosses=[FeatureSpace.cross(("city", "tag"), crossing_dim=16, output_mode="int")],
        output_mode="dict", hashing_dim=8)
    space.adapt(_table())
    result = {name: value.data for name, value in space(_table()).items()}
    for name, keras_values in (("city", CITY_INDEX), ("tag", TAG_BIN),
                               ("city_X_tag", CITY_X_TAG_BIN)):
        np.testing.assert_array_equal(result[name], np.array(keras_values)[:, None])
        assert result[name].dtype == np.int64
    np.testing.assert_array_equal(result["n"], np.eye(8, dtype=np.float32)[N_HASHED_BIN])
    np.testing.assert_array_equal(result["x"], np.array(X, np.float32)[:, None])
    np.testing.assert_allclose(result["y"], np.array(Y, np.float32)[:, None] * 0.5 + 1.0)
    one = space({name: column[5] for name, column in _table().items()})
    assert one["city"].data.tolist() == [1] and one["city_X_tag"].data.tolist() == [13]


def test_functional_model_on_raw_columns_encodes_as_the_call():
    space = _space("concat")
    space.adapt(_table())
    inputs = space.get_inputs()
    assert sorted(inputs) == ["city", "n", "tag", "x", "y"]
    encoded = space.get_encoded_features()
    assert tuple(encoded.shape) == (None, 40)
    model = keras.Model(inputs, encoded)
    columns = {name: column[:, None] for name, column in _table().items()}
    _assert_as_keras(model(columns).data, _keras_concat())


@settings(max_examples=5, deadline=None)
@given(st.integers(1, 40))
def test_adapt_on_batches_learns_what_the_whole_table_teaches(batch_size):
    table = _table()
    rows = [{name: column[i] for name, column in table.items()} for i in range(40)]
    batched = _space("concat")
    batched.adapt(DataLoader(rows, batch_size=batch_size))
    _assert_as_keras(batched(table).data, _keras_concat())
    pairs = _space("concat")  # ((x, y) batches: the features are x)
    pairs.adapt([({k: v[:batch_size] for k, v in table.items()}, None),
                 ({k: v[batch_size:] for k, v in table.items()}, None)])
    _assert_as_keras(pairs(table).data, _keras_concat())


def test_config_rebuilds_the_space_with_its_vocabularies():
    space = FeatureSpace({"city": "string_categorical", "n": "integer_categorical",
                          "y": FeatureSpace.float_discretized(num_bins=4)},
                         crosses=[("city", "n")], crossing_dim=16)
    space.adapt(_table())
    config = space.get_config()
    assert sorted(config) == ["crosses", "crossing_dim", "features", "hashing_dim",
                              "num_discretization_bins", "output_mode"]  # (Keras')
    again = FeatureSpace.from_config(config)
    np.testing.assert_array_equal(again(_table()).data, space(_table()).data)


def test_saved_space_loads_with_its_learned_statistics(tmp_path):
    space = _space("concat")
    space.adapt(_table())
    path = str(tmp_path / "space.keras")
    space.save(path)
    loaded = keras.models.load_model(path)  # (found by its name: keras.utils holds it)
    assert isinstance(loaded, FeatureSpace)
    _assert_as_keras(loaded(_table()).data, _keras_concat())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_dense_model_on_the_encoding_learns_a_rule(seed):
    """label = city is 'red' or x > 0.5: linear in the one-hot city and the normalized x."""
    rng = np.random.default_rng(seed)
    city, x = rng.choice(["red", "green", "blue"], 400), rng.normal(0, 1, 400)
    data = {"city": city, "x": x.astype(np.float32), "k": rng.integers(0, 4, 400)}
    label = ((city == "red") | (x > 0.5)).astype(np.float32)
    space = FeatureSpace({"city": "string_categorical", "x": "float_normalized",
                          "k": "integer_categorical"})
    space.adapt(data)
    keras.utils.set_random_seed(seed)
    model = keras.Model(space.get_inputs(),
                        keras.layers.Dense(1, activation="sigmoid")(space.get_encoded_features()))
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy",
                  metrics=["accuracy"])
    columns = {name: column.reshape(-1, 1) for name, column in data.items()}
    model.fit(columns, label, epochs=30, batch_size=32, verbose=0)
    assert model.evaluate(columns, label, verbose=0)[1] > 0.95


def test_an_unknown_feature_type_is_named():
    with pytest.raises(ValueError, match=r"feature 'age' has an invalid feature type 'floaty'"):
        FeatureSpace({"age": "floaty"})
    with pytest.raises(ValueError, match=r"feature names must be .* without '\.', got 'a\.b'"):
        FeatureSpace({"a.b": "float"})


def test_calling_before_adapt_names_the_features_that_learn():
    space = _space("concat")
    with pytest.raises(ValueError, match=r"call \.adapt\(dataset\).*\['x', 'n', 'city', 'y'\]"):
        space(_table())
    with pytest.raises(ValueError, match=r"call \.adapt"):
        space.get_encoded_features()


def test_a_missing_column_is_named():
    space = _space("concat")
    table = _table()
    del table["city"]
    with pytest.raises(ValueError, match=r"lacks the feature\(s\) \['city'\]"):
        space.adapt(table)
    space.adapt(_table())
    with pytest.raises(ValueError, match=r"lacks the feature\(s\) \['city'\]"):
        space(table)


def test_a_cross_of_unknown_features_is_named():
    with pytest.raises(ValueError, match=r"cross 'city_X_zone' names unknown feature\(s\) "
                                         r"\['zone'\]"):
        FeatureSpace({"city": "string_categorical"}, crosses=[("city", "zone")])


def test_values_of_the_wrong_kind_and_unencoded_concat_are_named():
    space = FeatureSpace({"city": "string_categorical",
                          "n": FeatureSpace.integer_categorical(output_mode="int")},
                         output_mode="dict")
    space.adapt(_table())
    with pytest.raises(TypeError, match=r"feature 'city' takes strings"):
        space({"city": [1, 2], "n": [1, 2]})
    with pytest.raises(TypeError, match=r"feature 'n' takes int32 values"):
        space({"city": ["a", "b"], "n": [0.5, 2.0]})
    concat = FeatureSpace({"n": FeatureSpace.integer_categorical(output_mode="int"),
                           "x": "float"})
    concat.adapt(_table())
    with pytest.raises(ValueError, match=r"feature 'n' has not been encoded"):
        concat(_table())
    with pytest.raises(ValueError, match=r"output_mode must be 'concat' or 'dict'"):
        FeatureSpace({"x": "float"}, output_mode="stack")


@pytest.mark.parametrize("name", ["space.h5", "space.npz", "space"])
def test_a_space_is_saved_to_keras_files_only(tmp_path, name):
    space = _space("concat")
    space.adapt(_table())
    with pytest.raises(ValueError, match=r"FeatureSpace.save: invalid `filepath` argument: "
                                         r"expected a `\.keras` extension"):
        space.save(tmp_path / name)
    assert not (tmp_path / name).exists()
