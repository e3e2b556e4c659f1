"""Keras' `dtype=` on every layer (nn.layers.dtype_policy): a dtype or a policy name, kept
(dtype, compute_dtype, variable_dtype, dtype_policy), saved in the config, and honoured as
Keras 3.15 does: floating inputs cast to the compute dtype, integer and boolean ones left
alone, weights in the variable dtype. The expected dtypes were read off Keras 3.15.1."""
import inspect

import numpy as np
import pytest

import nn
import nn.functional as F
import nn.keras as keras
from autograd import Variable
from nn.keras import layers
from nn.layers.keras_name import KerasNamed
from nn.training import masking

# the arguments a layer cannot be made without (the others keep their defaults)
_REQUIRED = {
    "Activation": lambda: ("relu",), "Dropout": lambda: (0.5,), "AlphaDropout": lambda: (0.1,),
    "GaussianNoise": lambda: (0.1,), "GaussianDropout": lambda: (0.1,),
    "SpatialDropout1D": lambda: (0.5,), "SpatialDropout2D": lambda: (0.5,),
    "SpatialDropout3D": lambda: (0.5,), "RandomRotation": lambda: (0.1,),
    "RandomTranslation": lambda: (0.1, 0.1), "RandomZoom": lambda: (0.1,),
    "RandomContrast": lambda: (0.1,), "RandomBrightness": lambda: (0.1,),
    "RandomCrop": lambda: (2, 2), "Resizing": lambda: (2, 2), "CenterCrop": lambda: (2, 2),
    "Lambda": lambda: (F.relu,), "TimeDistributed": lambda: (layers.Dense(2),),
    "Bidirectional": lambda: (layers.LSTM(2),),
    "StackedRNNCells": lambda: ([layers.LSTMCell(2)],), "Dot": lambda: (1,),
    "MultiHeadAttention": lambda: (2, 2), "Permute": lambda: ((2, 1),),
    "Reshape": lambda: ((-1,),), "RepeatVector": lambda: (2,), "Rescaling": lambda: (0.5,),
    "EinsumDense": lambda: ("ab,bc->ac", 4),
}


def _takes_dtype_itself(cls):
    """Whether the layer's own constructor takes dtype (Dense) or passes it on (**kwargs)."""
    return any(p.name == "dtype" or p.kind is p.VAR_KEYWORD  # (the signature followed to
               for p in inspect.signature(cls.__init__).parameters.values())  # the wrapped)


# every Keras layer whose dtype= comes from the Keras base: a new one is tested by itself
POLICY_LAYERS = sorted(
    name for name in layers.__all__
    if isinstance(getattr(layers, name), type) and issubclass(getattr(layers, name), KerasNamed)
    and not _takes_dtype_itself(getattr(layers, name)))


def _made(name, dtype):
    return getattr(layers, name)(*_REQUIRED.get(name, tuple)(), dtype=dtype)


def test_the_layers_without_a_dtype_of_their_own_are_found():
    assert {"Flatten", "Dropout", "MaxPooling2D", "GlobalAveragePooling1D", "Add",
            "Concatenate", "Masking", "LayerNormalization", "BatchNormalization",
            "ZeroPadding2D", "UpSampling2D", "RepeatVector", "Cropping1D"} <= set(POLICY_LAYERS)
    assert "Dense" not in POLICY_LAYERS and "Conv2D" not in POLICY_LAYERS


@pytest.mark.parametrize("name", POLICY_LAYERS)
@pytest.mark.parametrize("dtype, compute, variable", [
    ("float64", "float64", "float64"), (np.float16, "float16", "float16"),
    ("mixed_float16", "float16", "float32")])
def test_every_layer_takes_keeps_and_saves_a_dtype(name, dtype, compute, variable):
    layer = _made(name, dtype)
    policy = np.dtype(dtype).name if dtype is np.float16 else dtype
    assert (layer.dtype, layer.variable_dtype, layer.compute_dtype) == (variable, variable,
                                                                        compute)
    assert layer.dtype_policy == keras.DTypePolicy(policy)
    config = layer.get_config()
    assert config["dtype"] == policy
    assert type(layer).from_config(config).dtype_policy.name == policy
    assert layers.deserialize(layers.serialize(layer)).dtype_policy.name == policy


_RNG = np.random.default_rng(0)
V, SEQ, IMG = (2, 3), (2, 4, 3), (2, 4, 4, 3)


@pytest.mark.parametrize("make, shapes, expected", [
    (lambda: layers.Flatten(dtype="float64"), [IMG], "float64"),
    (lambda: layers.Flatten(dtype="float16"), [IMG], "float16"),
    (lambda: layers.Flatten(dtype="mixed_float16"), [IMG], "float16"),
    (lambda: layers.Reshape((-1,), dtype="float64"), [SEQ], "float64"),
    (lambda: layers.Dropout(0.5, dtype="float64"), [V], "float64"),
    (lambda: layers.MaxPooling2D(dtype="float16"), [IMG], "float16"),
    (lambda: layers.GlobalAveragePooling1D(dtype="float64"), [SEQ], "float64"),
    (lambda: layers.Activation("relu", dtype="mixed_float16"), [V], "float16"),
    (lambda: layers.Add(dtype="float64"), [V, V], "float64"),
    (lambda: layers.Concatenate(dtype="float16"), [V, V], "float16"),
    (lambda: layers.Dot(1, dtype="float16"), [V, V], "float16"),
    (lambda: layers.ZeroPadding2D(dtype="float64"), [IMG], "float64"),
    (lambda: layers.UpSampling2D(dtype="float16"), [IMG], "float16"),
    (lambda: layers.Masking(dtype="float64"), [SEQ], "float64"),
    (lambda: layers.Permute((2, 1), dtype="float64"), [SEQ], "float64"),
    (lambda: layers.RepeatVector(2, dtype="float16"), [V], "float16"),
    (lambda: layers.Cropping1D(dtype="float64"), [SEQ], "float64"),
    (lambda: layers.Normalization(mean=0.5, variance=4.0, dtype="float16"), [V], "float16"),
])
def test_floating_inputs_are_cast_to_the_compute_dtype(make, shapes, expected):
    inputs = [_RNG.standard_normal(shape).astype(np.float32) for shape in shapes]
    out = make()(inputs if len(inputs) > 1 else inputs[0])
    assert out.dtype == expected


@pytest.mark.parametrize("make, expected_out, expected_weights", [
    (lambda: layers.LayerNormalization(dtype="float64"), "float64", "float64"),
    (lambda: layers.BatchNormalization(dtype="mixed_float16"), "float16", "float32"),
    (lambda: layers.GroupNormalization(groups=3, dtype="float16"), "float16", "float16"),
    (lambda: layers.PReLU(dtype="float64"), "float64", "float64"),
    (lambda: layers.EinsumDense("ab,bc->ac", 4, dtype="mixed_float16"), "float16", "float32"),
])
def test_weights_are_made_in_the_variable_dtype(make, expected_out, expected_weights):
    layer = make()
    out = layer(_RNG.standard_normal(V).astype(np.float32))
    assert out.dtype == expected_out
    arrays = [w.data for w in layer.weights]
    assert arrays and {a.dtype.name for a in arrays} == {expected_weights}


def test_attention_weights_and_output_follow_the_policy():
    mha = layers.MultiHeadAttention(2, 2, dtype="float64")
    x = _RNG.standard_normal(SEQ).astype(np.float32)
    assert mha(x, x).dtype == np.float64
    assert {w.dtype for w in mha.weights} == {np.dtype(np.float64)}


def test_the_cast_keeps_the_values_and_the_gradient_goes_back_in_the_input_dtype():
    x = _RNG.standard_normal(IMG).astype(np.float32)
    np.testing.assert_array_equal(layers.Flatten(dtype="float64")(x).data,
                                  x.reshape(2, -1).astype(np.float64))
    pooled = layers.MaxPooling2D(dtype="float16")(x).data
    np.testing.assert_array_equal(pooled, x.astype(np.float16).reshape(2, 2, 2, 2, 2, 3)
                                  .max(axis=(2, 4)))
    v = Variable(x)
    layers.Flatten(dtype="float64")(v).sum().backward()
    assert v.grad.dtype == np.float32
    np.testing.assert_array_equal(v.grad.data, np.ones_like(x))


def test_dropout_casts_in_training_and_inference():
    layer = layers.Dropout(0.5, dtype="float64", seed=1)
    ones = np.ones((4, 8), np.float32)
    trained = layer(ones, training=True)
    assert trained.dtype == np.float64 and set(np.unique(trained.data)) <= {0.0, 2.0}
    inferred = layer(ones, training=False)
    assert inferred.dtype == np.float64
    np.testing.assert_array_equal(inferred.data, ones)


@pytest.mark.parametrize("make", [
    lambda: layers.Flatten(dtype="float64"), lambda: layers.Reshape((3, 1), dtype="float64"),
    lambda: layers.RepeatVector(2, dtype="float16"),
    lambda: layers.Activation("linear", dtype="float64")])
@pytest.mark.parametrize("x", [np.array([[True, False, True]]), np.array([[1, 2, 3]])])
def test_integer_and_boolean_inputs_are_not_cast(make, x):
    assert make()(x).dtype == x.dtype


def test_merges_cast_their_floating_inputs_only():
    ints, floats = np.array([[1, 2, 3]]), np.ones((1, 3))
    assert layers.Add(dtype="float64")([ints, ints]).dtype == ints.dtype
    assert layers.Concatenate(dtype="float16")([ints, floats]).dtype == np.float16


def test_a_layer_of_ones_own_casts_and_makes_its_weights_in_its_dtype():
    class Linear(layers.Layer):
        def build(self, shape):
            self.w = self.add_weight(shape=(shape[-1], 2))

        def call(self, x):
            return x @ self.w

    x = np.ones((1, 3), np.float32)
    wide, mixed = Linear(dtype="float64"), Linear(dtype="mixed_float16")
    assert wide(x).dtype == np.float64 and wide.w.dtype == np.float64
    assert mixed(x).dtype == np.float16 and mixed.w.dtype == np.float32
    assert mixed.get_config()["dtype"] == "mixed_float16"
    assert Linear().get_config()["dtype"] == "float32"


def test_a_layer_given_no_dtype_casts_nothing():
    """rungrad's choice where Keras casts to its float32 default: a model keeps the dtype
    of its data (fit's to choose)."""
    layer = layers.Flatten()
    assert layer(np.ones((2, 3), np.float64)).dtype == np.float64
    assert layer.dtype_policy == keras.DTypePolicy("float32")
    assert layer.compute_dtype == layer.variable_dtype == "float32"


def test_layers_taking_dtype_themselves_keep_it():
    dense = layers.Dense(2, dtype="float64")
    assert dense.dtype == "float64" and dense.dtype_policy.name == "float64"
    assert dense.get_config()["dtype"] == "float64"
    assert dense(np.ones((1, 3), np.float32)).dtype == np.float64


def test_keras_saved_policy_dicts_are_taken():
    saved = {"module": "keras", "class_name": "DTypePolicy",
             "config": {"name": "mixed_float16"}, "registered_name": None}
    layer = layers.Flatten.from_config({"name": "f", "dtype": saved})
    assert layer.dtype_policy.name == "mixed_float16"
    assert layers.Flatten(dtype=keras.DTypePolicy("float64")).compute_dtype == "float64"


@pytest.mark.parametrize("dtype, message", [
    ("foo", "Flatten: cannot convert 'foo' to a dtype policy"),
    ("double", "Flatten: cannot convert 'double'"),
    (3, "Flatten: cannot interpret the dtype argument"),
    ("bfloat16", "NumPy has no bfloat16"), ("mixed_bfloat16", "NumPy has no bfloat16"),
    ("int8", "quantized policies"), ({"config": {}}, "a saved DTypePolicy")])
def test_a_bad_dtype_is_refused_naming_the_layer(dtype, message):
    with pytest.raises(ValueError, match=message):
        layers.Flatten(dtype=dtype)


def test_masks_pass_through_the_cast():
    tokens = np.array([[3, 1, 0, 0], [2, 0, 0, 0]])
    out = layers.Dropout(0.1, dtype="float64")(layers.Embedding(5, 3, mask_zero=True)(tokens))
    assert out.dtype == np.float64
    np.testing.assert_array_equal(masking.carried_mask(out).data, tokens != 0)


def test_a_functional_model_records_the_compute_dtype():
    inputs = keras.Input(shape=(4, 3))
    hidden = layers.Flatten(dtype="float64")(inputs)
    assert hidden.dtype == np.float64
    model = keras.Model(inputs, layers.Dense(2)(hidden))
    assert model.predict(np.ones((2, 4, 3), np.float32), verbose=0).shape == (2, 2)


def test_a_saved_model_keeps_its_layers_dtypes(tmp_path):
    model = keras.Sequential([
        keras.Input(shape=(4, 4, 3)), layers.Conv2D(2, 3),
        layers.MaxPooling2D(dtype="float64"), layers.Flatten(dtype="float64"),
        layers.Dropout(0.5, dtype="mixed_float16"), layers.LayerNormalization(dtype="float64"),
        layers.Dense(3)])
    x = _RNG.standard_normal((2, 4, 4, 3)).astype(np.float32)
    expected = model.predict(x, verbose=0)
    model.save(tmp_path / "model.rungrad")
    loaded = nn.load_model(tmp_path / "model.rungrad")
    assert [layer.dtype_policy.name for layer in loaded.layers] == [
        "float32", "float64", "float64", "mixed_float16", "float64", "float32"]
    assert {w.dtype for w in loaded.layers[4].weights} == {np.dtype(np.float64)}
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), expected)
