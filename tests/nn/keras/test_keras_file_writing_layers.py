"""More of nn.keras' layers written in Keras 3's own files (nn.keras.keras_file_writing): the
augmentation layers, SeparableConv1D, DepthwiseConv1D, RMSNormalization, EinsumDense,
GroupQueryAttention, Discretization, Normalization (given or adapted), SpectralNormalization
(around Dense, Conv2D): each layer entry's config keys and the layer's HDF5 groups are those
real Keras 3.15.1 wrote for the same model (literals below, from Keras' own files), no
fallback warning, and rungrad reads the files back as they were; a layer Keras' format is not
written for here still falls back with a warning."""
import io
import json
import warnings
import zipfile

import numpy as np
import pytest

import nn
import nn.keras as keras
from nn.keras.keras_files import layer_keys

h5py = pytest.importorskip("h5py")
L = keras.layers
GQA_KEY = "grouped_query_attention"


def _adapted():
    """A Normalization adapted to data (its mean, variance and count variables)."""
    layer = L.Normalization()
    layer.adapt(np.random.default_rng(5).standard_normal((20, 3)).astype("float32") * 2 + 1)
    return layer


# (input shape, the layer, whether Dense layers are put around it)
MAKERS = {
    'RandomFlip': ((6, 6, 3), lambda: L.RandomFlip('horizontal', seed=1), True),
    'RandomRotation': ((6, 6, 3), lambda: L.RandomRotation(0.2, seed=1), True),
    'RandomZoom': ((6, 6, 3), lambda: L.RandomZoom(0.2, seed=1), True),
    'RandomTranslation': ((6, 6, 3), lambda: L.RandomTranslation(0.1, 0.2, seed=1), True),
    'RandomContrast': ((6, 6, 3), lambda: L.RandomContrast(0.3, seed=1), True),
    'RandomBrightness': ((6, 6, 3), lambda: L.RandomBrightness(0.3, seed=1), True),
    'RandomCrop': ((6, 6, 3), lambda: L.RandomCrop(4, 4, seed=1), True),
    'Rescaling': ((6, 6, 3), lambda: L.Rescaling(0.5, 0.1), True),
    'Resizing': ((6, 6, 3), lambda: L.Resizing(4, 3), True),
    'CenterCrop': ((6, 6, 3), lambda: L.CenterCrop(4, 3), True),
    'AugMix': ((6, 6, 3), lambda: L.AugMix(seed=1), True),
    'AutoContrast': ((6, 6, 3), lambda: L.AutoContrast(), True),
    'CutMix': ((6, 6, 3), lambda: L.CutMix(seed=1), True),
    'MixUp': ((6, 6, 3), lambda: L.MixUp(seed=1), True),
    'RandAugment': ((6, 6, 3), lambda: L.RandAugment(seed=1), True),
    'RandomColorDegeneration': ((6, 6, 3), lambda: L.RandomColorDegeneration(0.3, seed=1), True),
    'RandomColorJitter': ((6, 6, 3), lambda: L.RandomColorJitter(brightness_factor=0.2,
                                                                  seed=1), True),
    'RandomElasticTransform': ((6, 6, 3), lambda: L.RandomElasticTransform(seed=1), True),
    'RandomErasing': ((6, 6, 3), lambda: L.RandomErasing(seed=1), True),
    'RandomGaussianBlur': ((6, 6, 3), lambda: L.RandomGaussianBlur(seed=1), True),
    'RandomGrayscale': ((6, 6, 3), lambda: L.RandomGrayscale(), True),
    'RandomHue': ((6, 6, 3), lambda: L.RandomHue(0.2, seed=1), True),
    'RandomInvert': ((6, 6, 3), lambda: L.RandomInvert(seed=1), True),
    'RandomPerspective': ((6, 6, 3), lambda: L.RandomPerspective(seed=1), True),
    'RandomPosterization': ((6, 6, 3), lambda: L.RandomPosterization(4, seed=1), True),
    'RandomSaturation': ((6, 6, 3), lambda: L.RandomSaturation(0.3, seed=1), True),
    'RandomSharpness': ((6, 6, 3), lambda: L.RandomSharpness(0.3, seed=1), True),
    'RandomShear': ((6, 6, 3), lambda: L.RandomShear(0.2, 0.1, seed=1), True),
    'Solarization': ((6, 6, 3), lambda: L.Solarization(0.5, seed=1), True),
    'SeparableConv1D': ((5, 3), lambda: L.SeparableConv1D(
        4, 3, depth_multiplier=2, padding='same', activation='relu'), True),
    'DepthwiseConv1D': ((5, 3), lambda: L.DepthwiseConv1D(3, depth_multiplier=2, strides=2), True),
    'RMSNormalization': ((5, 3), lambda: L.RMSNormalization(epsilon=1e-3), True),
    'EinsumDense': ((5, 3), lambda: L.EinsumDense(
        'abc,cd->abd', output_shape=(None, 4), bias_axes='d', activation='tanh'), True),
    'EinsumDense_nobias': ((5, 3), lambda: L.EinsumDense('abc,cde->abde',
                                                         output_shape=(None, 2, 4)), True),
    'Discretization': ((3,), lambda: L.Discretization(bin_boundaries=[-0.5, 0.0, 0.5]), False),
    'CategoryEncoding': ((3,), lambda: L.CategoryEncoding(6, output_mode='count'), False),
    'Normalization': ((3,), lambda: L.Normalization(mean=[1., 2., 3.],
                                                   variance=[1., 4., 9.]), True),
    'Normalization_adapted': ((3,), lambda: _adapted(), True),
    'SpectralNormalization': ((4,), lambda: L.SpectralNormalization(L.Dense(3),
                                                                    power_iterations=2), True),
    'SpectralNormalization_conv': ((6, 6, 3), lambda: L.SpectralNormalization(L.Conv2D(2, 3)),
                                   True),
}
# the layer entry's config keys (besides name, trainable, dtype) of the file Keras 3.15.1
# wrote for the same Sequential model
KERAS_CONFIG_KEYS = {
    'RandomFlip': 'data_format mode seed',
    'RandomRotation': 'data_format factor fill_mode fill_value interpolation seed',
    'RandomZoom': ('data_format fill_mode fill_value height_factor interpolation seed '
                   'width_factor'),
    'RandomTranslation': ('data_format fill_mode fill_value height_factor interpolation seed '
                          'width_factor'),
    'RandomContrast': 'data_format factor seed value_range',
    'RandomBrightness': 'data_format factor seed value_range',
    'RandomCrop': 'data_format height seed width',
    'Rescaling': 'offset scale',
    'Resizing': ('antialias crop_to_aspect_ratio data_format fill_mode fill_value height '
                 'interpolation pad_to_aspect_ratio width'),
    'CenterCrop': 'data_format height width',
    'AugMix': ('all_ops alpha chain_depth data_format factor interpolation num_chains '
               'seed value_range'),
    'AutoContrast': 'data_format value_range',
    'CutMix': 'data_format factor seed',
    'MixUp': 'alpha data_format seed',
    'RandAugment': 'data_format factor interpolation num_ops seed value_range',
    'RandomColorDegeneration': 'data_format factor seed value_range',
    'RandomColorJitter': ('brightness_factor contrast_factor data_format hue_factor '
                          'saturation_factor seed value_range'),
    'RandomElasticTransform': ('data_format factor fill_mode fill_value interpolation scale seed '
                               'value_range'),
    'RandomErasing': 'data_format factor fill_value scale seed value_range',
    'RandomGaussianBlur': 'data_format factor kernel_size seed sigma value_range',
    'RandomGrayscale': 'data_format factor',
    'RandomHue': 'data_format factor seed value_range',
    'RandomInvert': 'data_format factor seed value_range',
    'RandomPerspective': 'data_format factor fill_value interpolation scale seed',
    'RandomPosterization': 'data_format factor seed value_range',
    'RandomSaturation': 'data_format factor seed value_range',
    'RandomSharpness': 'data_format factor seed value_range',
    'RandomShear': 'data_format fill_mode fill_value interpolation seed x_factor y_factor',
    'Solarization': 'addition_factor data_format seed threshold_factor value_range',
    'SeparableConv1D': ('activation activity_regularizer bias_constraint bias_initializer '
                        'bias_regularizer data_format depth_multiplier depthwise_constraint '
                        'depthwise_initializer depthwise_regularizer dilation_rate filters '
                        'kernel_size padding pointwise_constraint pointwise_initializer '
                        'pointwise_regularizer strides use_bias'),
    'DepthwiseConv1D': ('activation activity_regularizer bias_constraint bias_initializer '
                        'bias_regularizer data_format depth_multiplier depthwise_constraint '
                        'depthwise_initializer depthwise_regularizer dilation_rate kernel_size '
                        'padding strides use_bias'),
    'RMSNormalization': 'axis epsilon',
    'EinsumDense': ('activation activity_regularizer bias_axes bias_constraint '
                    'bias_initializer bias_regularizer equation kernel_constraint '
                    'kernel_initializer kernel_regularizer output_shape quantization_config'),
    'EinsumDense_nobias': ('activation activity_regularizer bias_axes bias_constraint '
                           'bias_initializer bias_regularizer equation kernel_constraint '
                           'kernel_initializer kernel_regularizer output_shape '
                           'quantization_config'),
    'Discretization': 'bin_boundaries epsilon num_bins output_mode sparse',
    'CategoryEncoding': 'num_tokens output_mode',
    'Normalization': 'axis invert mean variance',
    'Normalization_adapted': 'axis invert mean variance',
    'SpectralNormalization': 'layer power_iterations',
    'SpectralNormalization_conv': 'layer power_iterations',
    'GQA': ('activity_regularizer bias_constraint bias_initializer bias_regularizer '
            'dropout head_dim kernel_constraint kernel_initializer '
            'kernel_regularizer num_key_value_heads num_query_heads seed '
            'sliding_window use_bias use_gate'),
}
# the layer's HDF5 datasets (shapes) and empty `vars` groups (None) in that file (a layer
# not listed: its empty `vars` group alone)
KERAS_WEIGHTS = {
    'AugMix': [
        ('layers/aug_mix/auto_contrast/vars', None),
        ('layers/aug_mix/equalization/vars', None),
        ('layers/aug_mix/random_brightness/vars', None),
        ('layers/aug_mix/random_color_degeneration/vars', None),
        ('layers/aug_mix/random_contrast/vars', None),
        ('layers/aug_mix/random_posterization/vars', None),
        ('layers/aug_mix/random_rotation/vars', None),
        ('layers/aug_mix/random_sharpness/vars', None),
        ('layers/aug_mix/random_shear/vars', None),
        ('layers/aug_mix/random_translation/vars', None),
        ('layers/aug_mix/solarization/vars', None), ('layers/aug_mix/vars', None)],
    'RandAugment': [
        ('layers/rand_augment/auto_contrast/vars', None),
        ('layers/rand_augment/equalization/vars', None),
        ('layers/rand_augment/random_brightness/vars', None),
        ('layers/rand_augment/random_color_degeneration/vars', None),
        ('layers/rand_augment/random_contrast/vars', None),
        ('layers/rand_augment/random_posterization/vars', None),
        ('layers/rand_augment/random_rotation/vars', None),
        ('layers/rand_augment/random_sharpness/vars', None),
        ('layers/rand_augment/random_shear/vars', None),
        ('layers/rand_augment/random_translation/vars', None),
        ('layers/rand_augment/solarization/vars', None), ('layers/rand_augment/vars', None)],
    'RandomColorJitter': [
        ('layers/random_color_jitter/random_brightness/vars', None),
        ('layers/random_color_jitter/vars', None)],
    'SeparableConv1D': [
        ('layers/separable_conv1d/vars/0', (3, 3, 2)),
        ('layers/separable_conv1d/vars/1', (1, 6, 4)),
        ('layers/separable_conv1d/vars/2', (4,))],
    'DepthwiseConv1D': [
        ('layers/depthwise_conv1d/vars/0', (3, 3, 2)),
        ('layers/depthwise_conv1d/vars/1', (6,))],
    'RMSNormalization': [
        ('layers/rms_normalization/vars/0', (3,))],
    'EinsumDense': [
        ('layers/einsum_dense/vars/0', (3, 4)), ('layers/einsum_dense/vars/1', (4,))],
    'EinsumDense_nobias': [
        ('layers/einsum_dense/vars/0', (3, 2, 4))],
    'Normalization_adapted': [
        ('layers/normalization/vars/0', (3,)), ('layers/normalization/vars/1', (3,)),
        ('layers/normalization/vars/2', ())],
    # (its own vars: the wrapped layer's kernel, stored again, and vector_u)
    'SpectralNormalization': [
        ('layers/spectral_normalization/layer/vars/0', (4, 3)),
        ('layers/spectral_normalization/layer/vars/1', (3,)),
        ('layers/spectral_normalization/vars/0', (4, 3)),
        ('layers/spectral_normalization/vars/1', (1, 3))],
    'SpectralNormalization_conv': [
        ('layers/spectral_normalization/layer/vars/0', (3, 3, 3, 2)),
        ('layers/spectral_normalization/layer/vars/1', (2,)),
        ('layers/spectral_normalization/vars/0', (3, 3, 3, 2)),
        ('layers/spectral_normalization/vars/1', (1, 2))],
    'GQA': [
        ('layers/grouped_query_attention/_dropout_layer/vars', None),
        ('layers/grouped_query_attention/_key_dense/vars/0', (8, 2, 4)),
        ('layers/grouped_query_attention/_key_dense/vars/1', (2, 4)),
        ('layers/grouped_query_attention/_output_dense/vars/0', (4, 4, 8)),
        ('layers/grouped_query_attention/_output_dense/vars/1', (8,)),
        ('layers/grouped_query_attention/_query_dense/vars/0', (8, 4, 4)),
        ('layers/grouped_query_attention/_query_dense/vars/1', (4, 4)),
        ('layers/grouped_query_attention/_softmax/vars', None),
        ('layers/grouped_query_attention/_value_dense/vars/0', (8, 2, 4)),
        ('layers/grouped_query_attention/_value_dense/vars/1', (2, 4)),
        ('layers/grouped_query_attention/vars', None)],
}


def _gqa():
    """Dense -> GroupQueryAttention (4 query heads, 2 key/value heads) -> Dense."""
    a, b = keras.Input((3, 8)), keras.Input((5, 8))
    return keras.Model([a, b], L.Dense(2)(L.GroupQueryAttention(4, 4, 2)(L.Dense(8)(a), b)))


def _sequential(name):
    if name == "GQA":
        return _gqa()
    shape, make, around = MAKERS[name]
    dense = [L.Dense(shape[-1])] if around else []
    return keras.Sequential([keras.Input(shape), *dense, make(),
                             *([L.Dense(2)] if around else [])])


def _functional(name):
    """The layer between two Dense layers, its output a second output of the model."""
    if name == "GQA":
        a, b = keras.Input((3, 8)), keras.Input((5, 8))
        return keras.Model([a, b], L.GroupQueryAttention(2, 4, 1, use_bias=False)(a, b, b))
    shape, make, around = MAKERS[name]
    x = keras.Input(shape)
    y = make()(L.Dense(shape[-1], activation="relu")(x) if around else x)
    return keras.Model(x, [L.Dense(2)(y), y] if around else y)


def _scrambled(model, seed=3):
    """`model` with its float weights drawn anew (positive: a variance among them)."""
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(0.1, 0.6, np.shape(w)).astype(w.dtype)
                       if w.dtype.kind == "f" else w for w in map(np.asarray,
                                                                  model.get_weights())])
    return model


def _inputs(model, name, seed=0):
    rng = np.random.default_rng(seed)
    xs = [rng.integers(0, 6, (4,) + tuple(t.shape[1:])).astype("float32")
          if name == "CategoryEncoding" else
          rng.uniform(-1, 1, (4,) + tuple(t.shape[1:])).astype("float32")
          for t in model.inputs]
    return xs if len(xs) > 1 else xs[0]


def _predictions(model, x):
    out = model.predict(x, verbose=0)
    return out if isinstance(out, list) else [out]


def _saved_without_fallback(model, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (no fallback to rungrad's format)
        model.save(tmp_path / "m.keras")
        model.save_weights(tmp_path / "m.weights.h5")
    return tmp_path / "m.keras"


def _layer_contents(store, key):
    """The datasets (shapes) and empty `vars` groups (None) under layers/<key>."""
    found = []
    store[f"layers/{key}"].visititems(
        lambda name, item: found.append((f"layers/{key}/{name}", item.shape))
        if isinstance(item, h5py.Dataset) else
        found.append((f"layers/{key}/{name}", None)) if name.endswith("vars") and not len(item)
        else None)
    return sorted(found, key=str)


@pytest.mark.parametrize("name", sorted(KERAS_CONFIG_KEYS))
def test_the_layer_is_written_as_keras_writes_it(name, tmp_path):
    model = _scrambled(_sequential(name))
    path = _saved_without_fallback(model, tmp_path)
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
        weights = archive.read("model.weights.h5")
    key, layer = next((key, layer) for key, layer in layer_keys(model.layers)
                      if type(layer).__name__ not in ("Dense", "InputLayer"))
    class_name = "GroupQueryAttention" if name == "GQA" else name.split("_")[0]
    entry = next(e for e in config["config"]["layers"] if e["class_name"] == class_name)
    assert sorted(set(entry["config"]) - {"name", "trainable", "dtype"}) == \
        KERAS_CONFIG_KEYS[name].split()
    assert ("trainable" in entry["config"]) == (name != "Discretization")
    expected = KERAS_WEIGHTS.get(name, [(f"layers/{key}/vars", None)])
    for blob in (weights, (tmp_path / "m.weights.h5").read_bytes()):
        with h5py.File(io.BytesIO(blob), "r") as store:
            assert _layer_contents(store, key) == expected


@pytest.mark.parametrize("name", sorted(KERAS_CONFIG_KEYS))
@pytest.mark.parametrize("make", [_sequential, _functional], ids=["sequential", "functional"])
def test_the_files_read_back_as_they_were(name, make, tmp_path):
    model = _scrambled(make(name))
    x = _inputs(model, name)
    path = _saved_without_fallback(model, tmp_path)
    back = nn.load_model(path)
    for a, b in zip(_predictions(model, x), _predictions(back, x), strict=True):
        np.testing.assert_array_equal(a, b)
    other = make(name)
    other.load_weights(tmp_path / "m.weights.h5")
    for a, b in zip(model.get_weights(), other.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_keras_values_are_written_as_keras_writes_them(tmp_path):
    """data_format resolved, GroupQueryAttention by Keras' exported name and built from its
    inputs' shapes by name, an augmentation layer's call with its training=True default,
    Discretization's dtype a name."""
    _saved_without_fallback(_functional("RandomFlip"), tmp_path)
    entries = {e["class_name"]: e for e in json.loads(zipfile.ZipFile(
        tmp_path / "m.keras").read("config.json"))["config"]["layers"]}
    assert entries["RandomFlip"]["config"]["data_format"] == "channels_last"
    assert entries["RandomFlip"]["inbound_nodes"][0]["kwargs"] == {"training": True}
    assert entries["Dense"]["inbound_nodes"][0]["kwargs"] == {}
    _saved_without_fallback(_gqa(), tmp_path)
    gqa = next(e for e in json.loads(zipfile.ZipFile(tmp_path / "m.keras").read(
        "config.json"))["config"]["layers"] if e["class_name"] == "GroupQueryAttention")
    assert gqa["build_config"] == {"shapes_dict": {"query_shape": [None, 3, 8],
                                                   "value_shape": [None, 5, 8]}}
    with h5py.File(tmp_path / "m.weights.h5", "r") as store:
        assert [store[f"layers/{GQA_KEY}/_{k}_dense/vars"].attrs["name"]
                for k in ("query", "key", "value", "output")] == \
            ["query", "key", "value", "attention_output"]
    _saved_without_fallback(_sequential("Discretization"), tmp_path)
    entry = json.loads(zipfile.ZipFile(tmp_path / "m.keras").read(
        "config.json"))["config"]["layers"][1]
    assert entry["config"]["dtype"] == "float32"


class _Own(L.Dense):
    """A layer of the user's own, which Keras lacks."""


@pytest.mark.parametrize("make, named", [
    (lambda: L.Equalization(), "Equalization"),
    (lambda: _Own(2), "_Own")])
def test_layers_not_written_here_keep_rungrads_format_with_a_warning(make, named, tmp_path):
    shape = (6, 6, 3) if named == "Equalization" else (4,)
    model = keras.Sequential([keras.Input(shape), L.Dense(shape[-1]), make()])
    with pytest.warns(UserWarning, match=rf"rungrad's own format.*is a {named}, which has "
                                         "no Keras 3 counterpart written here"):
        model.save(tmp_path / "m.keras")
    assert "model.json" in zipfile.ZipFile(tmp_path / "m.keras").namelist()
    x = np.random.default_rng(0).uniform(0, 1, (2,) + shape).astype("float32")
    back = nn.load_model(tmp_path / "m.keras", custom_objects={"_Own": _Own})
    np.testing.assert_array_equal(back.predict(x, verbose=0), model.predict(x, verbose=0))
