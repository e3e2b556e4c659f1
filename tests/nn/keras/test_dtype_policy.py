"""Keras' `dtype=` on every layer (nn.layers.dtype_policy): a dtype or a policy name, kept
(dtype, compute_dtype, variable_dtype, dtype_policy), saved in the config, and honoured as
Keras 3.15 does: floating inputs cast to the compute dtype, integer and boolean ones left
alone, weights in the variable dtype; under "mixed_float16" the computation in float16 with
float32 weights (the normalizations in float32); Keras' global policy; mixed precision
training with loss scaling. The expected dtypes and values were read off Keras 3.15.1."""
import threading

import numpy as np
import pytest

import nn
import nn.functional as F
import nn.keras as keras
from autograd import Variable
from autograd.ops import astype
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
    "MultiHeadAttention": lambda: (2, 2), "GroupQueryAttention": lambda: (2, 2, 1),
    "Permute": lambda: ((2, 1),),
    "Reshape": lambda: ((-1,),), "RepeatVector": lambda: (2,), "Rescaling": lambda: (0.5,),
    "EinsumDense": lambda: ("ab,bc->ac", 4), "Dense": lambda: (2,), "Embedding": lambda: (5, 3),
    "Conv1D": lambda: (2, 3), "Conv2D": lambda: (2, 3), "Conv3D": lambda: (2, 3),
    "Conv1DTranspose": lambda: (2, 3), "Conv2DTranspose": lambda: (2, 3),
    "Conv3DTranspose": lambda: (2, 3), "DepthwiseConv1D": lambda: (3,),
    "DepthwiseConv2D": lambda: (3,), "SeparableConv1D": lambda: (2, 3),
    "SeparableConv2D": lambda: (2, 3), "SimpleRNN": lambda: (2,), "LSTM": lambda: (2,),
    "ConvLSTM1D": lambda: (2, 3), "ConvLSTM2D": lambda: (2, 3), "ConvLSTM3D": lambda: (2, 3),
    "GRU": lambda: (2,), "SimpleRNNCell": lambda: (2,), "LSTMCell": lambda: (2,),
    "GRUCell": lambda: (2,), "RNN": lambda: (layers.LSTMCell(2),),
    "Pipeline": lambda: ([layers.RandomFlip()],), "RandomColorDegeneration": lambda: (0.5,),
    "RandomHue": lambda: (0.5,), "RandomPosterization": lambda: (4,),
    "RandomSaturation": lambda: (0.5,), "RandomSharpness": lambda: (0.5,),
    "AdaptiveAveragePooling1D": lambda: (2,), "AdaptiveAveragePooling2D": lambda: (2,),
    "AdaptiveAveragePooling3D": lambda: (2,), "AdaptiveMaxPooling1D": lambda: (2,),
    "AdaptiveMaxPooling2D": lambda: (2,), "AdaptiveMaxPooling3D": lambda: (2,),
    "Wrapper": lambda: (layers.Dense(2),),
    "SpectralNormalization": lambda: (layers.Dense(2),),
    "ReversibleEmbedding": lambda: (5, 3), "HashedCrossing": lambda: (4,),
    "MaxNumBoundingBoxes": lambda: (2,),
}

# every Keras layer whose dtype= is a policy (all but the text and lookup layers, and
# InputLayer, which read it their own way): a new one is tested by itself
POLICY_LAYERS = sorted(
    name for name in layers.__all__
    if isinstance(getattr(layers, name), type) and issubclass(getattr(layers, name), KerasNamed)
    and getattr(layers, name).dtype_policies)


def _made(name, dtype):
    return getattr(layers, name)(*_REQUIRED.get(name, tuple)(), dtype=dtype)


@pytest.fixture(autouse=True)
def _default_global_policy():
    """Each test starts and ends with Keras' default global policy (this thread's)."""
    keras.config.set_dtype_policy("float32")
    yield
    keras.config.set_dtype_policy("float32")


def test_every_keras_layer_but_the_text_ones_takes_policies():
    assert {"Flatten", "Dropout", "MaxPooling2D", "GlobalAveragePooling1D", "Add",
            "Concatenate", "Masking", "LayerNormalization", "BatchNormalization",
            "ZeroPadding2D", "UpSampling2D", "RepeatVector", "Cropping1D", "Dense", "Conv2D",
            "Conv1DTranspose", "SeparableConv2D", "DepthwiseConv1D", "Embedding", "LSTM",
            "GRUCell", "RNN", "Bidirectional", "EinsumDense", "Layer"} <= set(POLICY_LAYERS)
    assert not {"InputLayer", "StringLookup", "IntegerLookup", "TextVectorization",
                "CategoryEncoding", "Hashing", "Discretization"} & set(POLICY_LAYERS)


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
    assert Linear().get_config()["dtype"] is None  # (none given: loaded, it casts nothing)


def test_a_layer_given_no_dtype_casts_nothing():
    """rungrad's choice where Keras casts to its float32 default: a model keeps the dtype
    of its data (fit's to choose)."""
    layer = layers.Flatten()
    assert layer(np.ones((2, 3), np.float64)).dtype == np.float64
    assert layer.dtype_policy == keras.DTypePolicy("float32")
    assert layer.compute_dtype == layer.variable_dtype == "float32"


def test_layers_taking_dtype_themselves_follow_the_policy():
    dense = layers.Dense(2, dtype="float64")
    assert dense.dtype == "float64" and dense.dtype_policy.name == "float64"
    assert dense.get_config()["dtype"] == "float64"
    assert dense(np.ones((1, 3), np.float32)).dtype == np.float64
    assert dense.weight.dtype == dense.bias.dtype == np.float64
    assert layers.Dense(2, dtype="float32")(np.ones((1, 3))).dtype == np.float32  # (cast)


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


# ----- the layers with weights of their own -----
IMAGES, VOLUMES = (2, 5, 5, 3), (1, 4, 4, 4, 2)
_WEIGHTED = {  # (layer, input shape or integer input); their weights follow the policy
    "Dense": (lambda dtype: layers.Dense(3, activation="tanh", dtype=dtype), V),
    "EinsumDense": (lambda dtype: layers.EinsumDense("ab,bc->ac", 4, dtype=dtype), V),
    "Conv1D": (lambda dtype: layers.Conv1D(2, 3, padding="same", dtype=dtype), SEQ),
    "Conv2D": (lambda dtype: layers.Conv2D(2, 3, dtype=dtype), IMAGES),
    "Conv3D": (lambda dtype: layers.Conv3D(2, 2, dtype=dtype), VOLUMES),
    "Conv2DTranspose": (lambda dtype: layers.Conv2DTranspose(2, 3, dtype=dtype), IMAGES),
    "DepthwiseConv2D": (lambda dtype: layers.DepthwiseConv2D(3, dtype=dtype), IMAGES),
    "SeparableConv1D": (lambda dtype: layers.SeparableConv1D(2, 2, dtype=dtype), SEQ),
    "Embedding": (lambda dtype: layers.Embedding(5, 3, dtype=dtype), np.array([[1, 2], [3, 4]])),
    "SimpleRNN": (lambda dtype: layers.SimpleRNN(3, dtype=dtype), SEQ),
    "LSTM": (lambda dtype: layers.LSTM(3, return_sequences=True, dtype=dtype), SEQ),
    "GRU": (lambda dtype: layers.GRU(3, dtype=dtype), SEQ),
    "PReLU": (lambda dtype: layers.PReLU(dtype=dtype), V),
    "BatchNormalization": (lambda dtype: layers.BatchNormalization(dtype=dtype), IMAGES),
    "LayerNormalization": (lambda dtype: layers.LayerNormalization(dtype=dtype), SEQ),
    "GroupNormalization": (lambda dtype: layers.GroupNormalization(3, dtype=dtype), IMAGES),
}


def _run(layer, given, **kwargs):
    """(output, input Variable or None) of layer on `given` (a shape: standard normal
    float32 values), with backward from the output's float32 sum run."""
    x = Variable(_RNG.standard_normal(given).astype(np.float32)) if isinstance(given, tuple) \
        else given
    out = layer(x, **kwargs)
    astype(out, np.float32).sum().backward()
    return out, x if isinstance(x, Variable) else None


@pytest.mark.parametrize("name", sorted(_WEIGHTED))
@pytest.mark.parametrize("dtype, compute, variable", [
    ("mixed_float16", "float16", "float32"), ("float64", "float64", "float64"),
    (keras.DTypePolicy("mixed_float16"), "float16", "float32"),
    ({"class_name": "DTypePolicy", "config": {"name": "float16"}}, "float16", "float16")])
def test_weights_outputs_and_gradients_follow_the_policy(name, dtype, compute, variable):
    """Keras 3.15: the weights in the variable dtype and their gradients too, the output in
    the compute dtype, the input's gradient in the input's dtype (float32)."""
    make, given = _WEIGHTED[name]
    layer = make(dtype)
    out, x = _run(layer, given, **({"training": True} if name == "BatchNormalization" else {}))
    assert out.dtype == compute
    params = [p for p in layer.parameters() if p.requires_grad]
    assert params and {p.dtype.name for p in params} == {variable}
    assert {p.grad.dtype.name for p in params} == {variable}
    assert x is None or x.grad.dtype == np.float32


def _same_weights(layer, like):
    layer.set_weights([w.astype(layer.variable_dtype) for w in like.get_weights()])
    return layer


@pytest.mark.parametrize("name", ["Dense", "EinsumDense", "Conv1D", "Conv2D", "Conv3D",
                                  "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv1D",
                                  "Embedding", "SimpleRNN", "LSTM", "GRU", "PReLU"])
def test_mixed_float16_computes_in_float16_with_float32_weights(name):
    """Keras reads the float32 weights as float16 in the call: the output is a float16
    layer's with the weights rounded to float16, exactly; the float32 weights' gradients are
    that layer's (float16) in float32."""
    make, given = _WEIGHTED[name]
    x = given if not isinstance(given, tuple) else _RNG.standard_normal(given).astype(
        np.float32)
    mixed, half = make("mixed_float16"), make("float16")
    mixed(x)
    half(x)
    _same_weights(half, mixed)
    for layer in (mixed, half):
        layer.zero_grad()
        _run(layer, x)
    np.testing.assert_array_equal(mixed(x).data, half(x).data)
    for m, h in zip(mixed.parameters(), half.parameters()):
        assert m.dtype == np.float32 and m.grad.dtype == np.float32
        np.testing.assert_array_equal(m.grad.data, h.grad.data.astype(np.float32))


def test_a_mixed_dense_gives_keras_float16_product():
    """Keras 3.15.1: 0.14 * 0.11 under mixed_float16 is 0.0153961181640625 (float16's
    product of the float16 values); a float32 product rounded to float16 is 0.01540375."""
    dense = layers.Dense(1, use_bias=False, dtype="mixed_float16", input_shape=(1,))
    dense.set_weights([np.array([[0.11]], np.float32)])
    x = Variable(np.array([[0.14]], np.float32))
    out = dense(x)
    assert out.dtype == np.float16 and float(out.data[0, 0]) == 0.0153961181640625
    out.sum().backward()
    # Keras' gradients: float32, of the float16 values (0.14 and 0.11 as float16)
    assert dense.weight.grad.dtype == np.float32
    assert float(dense.weight.grad.data[0, 0]) == 0.1400146484375
    assert x.grad.dtype == np.float32 and float(x.grad.data[0, 0]) == 0.1099853515625


def test_normalizations_compute_in_float32_under_mixed_float16():
    """Keras 3.15.1 keeps their computation in float32 and their weights as they are:
    LayerNormalization and GroupNormalization from the float32 input itself (Keras' layer
    autocast=False), BatchNormalization from the input cast to float16 (its weights
    autocast=False): for values float16 cannot tell apart, LayerNormalization still sees
    them and BatchNormalization gives zeros (Keras' own outputs)."""
    x = np.array([[1.0001, 1.0002, 1.0004]], np.float32)
    out = layers.LayerNormalization(dtype="mixed_float16")(x)
    assert out.dtype == np.float16
    np.testing.assert_allclose(out.data, [[-0.004215240478515625, -0.0010519027709960938,
                                           0.00527191162109375]], rtol=2e-3)
    batch = layers.BatchNormalization(dtype="mixed_float16")(x.T, training=True)
    assert batch.dtype == np.float16
    np.testing.assert_array_equal(batch.data, np.zeros((3, 1)))
    images = _RNG.standard_normal(IMAGES).astype(np.float32) * 100
    for name in ("LayerNormalization", "GroupNormalization", "BatchNormalization"):
        make, _ = _WEIGHTED[name]
        mixed, single = make("mixed_float16"), make("float32")
        given = images if name != "BatchNormalization" else images.astype(np.float16)
        mixed(images)
        single(given)
        _same_weights(mixed, single)
        expected = single(given.astype(np.float32), training=True).data.astype(np.float16)
        np.testing.assert_array_equal(mixed(images, training=True).data, expected)


@pytest.mark.parametrize("make", [
    lambda: layers.Conv2DTranspose(2, 3, dtype="mixed_float16"),  # (bases' constructors:
    lambda: layers.SeparableConv2D(2, 3, dtype="mixed_float16"),  # the policy passes
    lambda: layers.LSTMCell(2, dtype="mixed_float16"),  # through them, not float32)
    lambda: layers.GRUCell(2, dtype={"class_name": "DTypePolicy",
                                     "config": {"name": "mixed_float16"}})])
def test_a_policy_passes_through_the_base_constructors(make):
    assert make().dtype_policy.name == "mixed_float16"


def test_a_dtype_a_subclass_gives_its_base_wins():
    class Wide(layers.Dense):
        def __init__(self, units):
            super().__init__(units, dtype="float64")

    class Passing(layers.Dense):
        def __init__(self, units, **kwargs):
            super().__init__(units, **kwargs)

    assert Wide(2).dtype_policy.name == "float64"
    assert Passing(2, dtype="mixed_float16").dtype_policy.name == "mixed_float16"
    assert Passing(2)._dtype_policy is None and layers.Conv2DTranspose(2, 3)._dtype_policy is None


def test_a_layer_given_no_dtype_saves_none_and_loads_without_a_policy(tmp_path):
    """(A config saying "float32" would load as Keras' float32 policy, which casts.)"""
    model = keras.Sequential([keras.Input(shape=(4, 3)), layers.Conv1D(2, 2),
                              layers.LSTM(2), layers.Dense(1)])
    assert [layer.get_config()["dtype"] for layer in model.layers] == [None] * 3
    model.save(tmp_path / "m.keras")
    loaded = nn.load_model(tmp_path / "m.keras")
    assert [layer._dtype_policy for layer in loaded.layers] == [None] * 3
    x = np.ones((1, 4, 3), np.float32)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


# ----- Keras' global policy -----
def test_the_global_policy_has_keras_names():
    assert keras.config.dtype_policy() == keras.DTypePolicy("float32")
    assert keras.mixed_precision.global_policy().name == "float32"
    keras.mixed_precision.set_global_policy("mixed_float16")
    policy = keras.config.dtype_policy()
    assert policy.name == "mixed_float16" and keras.mixed_precision.dtype_policy() is policy
    keras.config.set_dtype_policy(keras.mixed_precision.Policy("float64"))
    assert keras.mixed_precision.global_policy().name == "float64"
    keras.mixed_precision.set_dtype_policy("float32")
    assert keras.config.dtype_policy().name == "float32"


@pytest.mark.parametrize("policy, message", [
    (None, "invalid `policy` argument"), (3, "invalid `policy` argument"),
    ("foo", "cannot convert 'foo' to a dtype policy")])
def test_a_bad_global_policy_is_refused(policy, message):
    with pytest.raises(ValueError, match=message):
        keras.config.set_dtype_policy(policy)
    assert keras.config.dtype_policy().name == "float32"


def test_layers_made_under_the_global_policy_take_it():
    keras.config.set_dtype_policy("mixed_float16")
    dense, flatten, wide = layers.Dense(2), layers.Flatten(), layers.Dense(2, dtype="float64")
    cell, custom = layers.LSTMCell(2), layers.Layer()
    assert keras.DTypePolicy().name == "mixed_float16"  # (Keras': the global one's name)
    keras.config.set_dtype_policy("float32")
    assert [layer.dtype_policy.name for layer in (dense, flatten, wide, cell, custom)] == [
        "mixed_float16", "mixed_float16", "float64", "mixed_float16", "mixed_float16"]
    assert dense(np.ones((1, 3), np.float32)).dtype == np.float16
    assert dense.get_config()["dtype"] == "mixed_float16"
    assert layers.Dense(2)._dtype_policy is None  # (made after: the default again)


def test_input_and_the_text_layers_keep_their_dtypes_under_the_global_policy():
    """Keras 3.15.1 under mixed_float16: Input's dtype float32, StringLookup's int64
    output (the text layers follow their own rules here whatever the policy)."""
    keras.config.set_dtype_policy("mixed_float16")
    assert keras.Input(shape=(3,)).dtype == np.float32
    assert layers.InputLayer(shape=(3,)).dtype == np.float32
    lookup = layers.StringLookup(vocabulary=["a", "b"])
    assert lookup(np.array([["a", "b"]])).dtype == np.int64


def test_the_default_global_policy_casts_nothing():
    """A user who never sets a policy sees no casting; nor does one who sets Keras' default
    float32 back: the layers hold no policy, and their call reads none."""
    made = [layers.Dense(2), layers.Flatten()]
    keras.config.set_dtype_policy("float32")
    made += [layers.Dense(2), layers.Flatten()]
    assert [layer._dtype_policy for layer in made] == [None] * 4
    for flatten in made[1::2]:
        assert flatten(np.ones((1, 3))).dtype == np.float64


def test_the_global_policy_is_per_thread():
    """As Keras' (its global state is a threading.local): a thread that sets one changes
    the layers it makes, not another thread's."""
    seen = {}

    def other_thread():
        seen["before"] = keras.config.dtype_policy().name
        keras.config.set_dtype_policy("float64")
        seen["made"] = layers.Dense(2).dtype_policy.name

    keras.config.set_dtype_policy("mixed_float16")
    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert seen == {"before": "float32", "made": "float64"}
    assert keras.config.dtype_policy().name == "mixed_float16"
    assert layers.Dense(2).dtype_policy.name == "mixed_float16"


# ----- training under mixed_float16 -----
def _model(tail, inputs=(8,), policy="mixed_float16"):
    """A Sequential of the layers `tail` makes (a function: they must be made under the
    policy), made under the global `policy`."""
    keras.config.set_dtype_policy(policy)
    try:
        return keras.Sequential([keras.Input(shape=inputs), *tail()])
    finally:
        keras.config.set_dtype_policy("float32")


def test_compile_wraps_a_mixed_float16_model_s_optimizer_in_a_loss_scale_optimizer():
    """Keras 3.15.1: a model made under the global mixed_float16 policy compiles with a
    LossScaleOptimizer (name 'loss_scale_optimizer') around its optimizer, unless
    auto_scale_loss=False; a model made under float32 does not, whatever its layers."""
    model = _model(lambda: [layers.Dense(1)])
    assert model.dtype_policy.name == "mixed_float16"
    model.compile("adam", "mse")
    opt = model.optimizer
    assert isinstance(opt, keras.mixed_precision.LossScaleOptimizer)
    assert opt.name == "loss_scale_optimizer" and float(opt.dynamic_scale) == 2.0 ** 15
    assert isinstance(opt.inner_optimizer, keras.optimizers.Adam)
    model.compile("adam", "mse", auto_scale_loss=False)
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    plain = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1, dtype="mixed_float16")])
    plain.compile("adam", "mse")
    assert isinstance(plain.optimizer, keras.optimizers.Adam)


def test_the_loss_scale_optimizer_updates_as_keras():
    """Keras 3.15.1's LossScaleOptimizer(SGD(1.0), initial_scale=4, dynamic_growth_steps=2)
    applying the gradients 8, inf, 2, 2, 2 to w = 1: w -1, -1, -2, -3, -3.5; the scale 4,
    2, 2, 4, 4; iterations 1, 1, 2, 3, 4 (a non-finite gradient halves the scale and skips
    the update; two finite updates in a row double it)."""
    w = nn.Parameter(np.array([1.0], np.float32))
    opt = keras.mixed_precision.LossScaleOptimizer(keras.optimizers.SGD(1.0), initial_scale=4.0,
                                                   dynamic_growth_steps=2)
    seen = []
    for g in (8.0, np.inf, 2.0, 2.0, 2.0):
        opt.apply([np.array([g], np.float32)], [w])
        seen.append((float(w.data[0]), float(opt.dynamic_scale), opt.iterations))
    assert seen == [(-1.0, 4.0, 1), (-1.0, 2.0, 1), (-2.0, 2.0, 2), (-3.0, 4.0, 3),
                    (-3.5, 4.0, 4)]
    assert float(opt.scale_loss(Variable(np.float32(2.0))).data) == 8.0
    assert opt.get_config() == {"name": "loss_scale_optimizer", "initial_scale": 4.0,
                                "dynamic_growth_steps": 2}
    opt.learning_rate = 0.5
    assert opt.inner_optimizer.learning_rate == 0.5


def test_the_loss_scale_stops_growing_before_it_would_be_infinite():
    """Doubled past float32's largest number, the scale was inf, every gradient divided by
    it 0: training froze without a word (PyTorch's GradScaler grows only to a finite one)."""
    w = nn.Parameter(np.array([1.0], np.float32))
    opt = keras.mixed_precision.LossScaleOptimizer(keras.optimizers.SGD(1.0),
                                                   initial_scale=2.0 ** 126,
                                                   dynamic_growth_steps=1)
    for _ in range(4):
        opt.apply([np.array([2.0 ** 126], np.float32)], [w])
    assert float(opt.dynamic_scale) == 2.0 ** 127 and w.data[0] == 1 - 1 - 3 * 0.5
    opt.apply([np.array([2.0 ** 127], np.float32)], [w])
    assert float(opt.dynamic_scale) == 2.0 ** 127 and w.data[0] == -2.5


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fit_under_mixed_float16_learns_a_small_task(seed):
    """Two blobs, one per class: float16 activations, float32 weights and the loss scale
    reach 95 % accuracy and a loss under 0.1 in 10 epochs (each of the seeds 0-9 reaches
    100 % and a loss of at most 0.01, as float32 does)."""
    np.random.seed(seed)
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 256)
    x = (rng.standard_normal((256, 8)) + 1.5 * (2 * y[:, None] - 1)).astype(np.float32)
    model = _model(lambda: [layers.Dense(16, activation="relu"), layers.BatchNormalization(),
                            layers.Dense(2, activation="softmax")])
    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=10, batch_size=32, verbose=0)
    assert history.history["accuracy"][-1] >= 0.95 and history.history["loss"][-1] < 0.1
    assert model.evaluate(x, y, verbose=0)[1] >= 0.95
    assert model.predict(x[:4], verbose=0).dtype == np.float16
    assert {p.dtype for p in model.parameters()} == {np.dtype(np.float32)}


@pytest.mark.parametrize("seed", [0, 1])
def test_the_loss_scale_keeps_gradients_float16_would_flush_to_zero(seed):
    """A loss weighted by 1e-8 (and SGD's rate by 1e8: the same steps in float32): its
    gradients, about 1e-9 in the float16 part of the graph, are 0 there unscaled, and the
    model does not move; scaled by 2 ** 15 they survive, and training follows float32's."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((128, 8)).astype(np.float32)
    y = np.tanh(x @ rng.standard_normal((8, 1))).astype(np.float32)
    errors = {}
    for policy, scaled in (("float32", True), ("mixed_float16", True), ("mixed_float16", False)):
        np.random.seed(seed)
        model = _model(lambda: [layers.Dense(16, activation="tanh"), layers.Dense(1)],
                       policy=policy)
        model.compile(keras.optimizers.SGD(0.1 / 1e-8), "mse", loss_weights=1e-8,
                      auto_scale_loss=scaled)
        before = model.predict(x, verbose=0).astype(np.float32)
        model.fit(x, y, epochs=10, batch_size=32, verbose=0)
        after = model.predict(x, verbose=0).astype(np.float32)
        errors[policy, scaled] = float(np.mean((after - y) ** 2))
        if not scaled:
            np.testing.assert_array_equal(after, before)
    assert errors["mixed_float16", True] < 0.5 * errors["mixed_float16", False]
    assert errors["mixed_float16", True] == pytest.approx(errors["float32", True], rel=0.05)


def test_a_captured_step_follows_the_loss_scale_as_it_changes():
    """jit_compile replays the update with the scale of each step: a scale too large for
    float16 halves step after step, and the replayed training equals the eager one."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 6)).astype(np.float32)
    y = (x[:, :1] > 0).astype(np.float32)
    results = []
    for jit in (False, True):
        np.random.seed(0)
        model = _model(lambda: [layers.Dense(8, activation="relu"),
                                layers.Dense(1, activation="sigmoid")], inputs=(6,))
        opt = keras.mixed_precision.LossScaleOptimizer(
            keras.optimizers.Adam(0.01), initial_scale=2.0 ** 40, dynamic_growth_steps=3)
        model.compile(opt, "binary_crossentropy", jit_compile=jit)
        model.fit(x, y, epochs=5, batch_size=16, verbose=0)
        results.append(([p.data.copy() for p in model.parameters()],
                        float(opt.dynamic_scale), opt.iterations))
    (eager, eager_scale, eager_steps), (replayed, scale, steps) = results
    assert eager_scale < 2.0 ** 40 and eager_steps < 20  # (steps were skipped)
    assert (scale, steps) == (eager_scale, eager_steps)
    for a, b in zip(eager, replayed):
        np.testing.assert_array_equal(a, b)


def test_the_loss_of_float16_outputs_is_computed_in_float32():
    """Keras 3.15.1: evaluate of a mixed_float16 model whose output is 300 against 0 gives
    the mse 90000.0, beyond float16's largest value (65504)."""
    model = keras.Sequential([keras.Input(shape=(1,)), layers.Dense(
        1, use_bias=False, kernel_initializer="ones", dtype="mixed_float16")])
    model.compile("sgd", "mse")
    assert model.evaluate(np.array([[300.0]], np.float32), np.zeros((1, 1), np.float32)) == \
        90000.0


def test_a_mixed_float16_model_saves_loads_and_summarises(tmp_path, capsys):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 6, 3)).astype(np.float32)
    y = rng.integers(0, 2, 64)
    model = _model(lambda: [
        layers.Conv1D(4, 3, padding="same"), layers.BatchNormalization(),
        layers.LSTM(4, return_sequences=True), layers.LayerNormalization(),
        layers.GlobalAveragePooling1D(), layers.Dense(2, activation="softmax", dtype="float32")],
        inputs=(6, 3))
    opt = keras.mixed_precision.LossScaleOptimizer(keras.optimizers.Adam(), initial_scale=512.0)
    model.compile(opt, "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    model.summary()
    assert "Total params" in capsys.readouterr().out
    model.save(tmp_path / "mixed.keras")
    loaded = nn.load_model(tmp_path / "mixed.keras")
    assert [layer.dtype_policy.name for layer in loaded.layers] == [
        "mixed_float16"] * 5 + ["float32"]
    assert {p.dtype for p in loaded.parameters()} == {np.dtype(np.float32)}
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    restored = loaded.optimizer
    assert isinstance(restored, keras.mixed_precision.LossScaleOptimizer)
    assert (float(restored.dynamic_scale), restored.step_counter, restored.initial_scale) == (
        float(opt.dynamic_scale), opt.step_counter, 512.0)
    assert restored.iterations == opt.iterations == 8
    loaded.fit(x, y, epochs=1, batch_size=16, verbose=0)
