"""Keras' text and lookup layers in a model moved to the GPU: strings stay on the host
through TextVectorization and StringLookup, whose integer outputs move to the model's
device; CategoryEncoding, IntegerLookup, Hashing and Discretization read GPU inputs on the
host and give their outputs back to the GPU; fit and predict run. (CuPy has no string
arrays.)"""
import numpy as np
import pytest

import nn.keras as keras
from autograd import cuda
from autograd.backend import is_gpu_array
from nn.keras import layers

pytestmark = pytest.mark.skipif(not cuda.is_available(), reason="needs CuPy and a GPU")

TEXTS = np.array(["good movie", "bad film", "great good", "awful bad"])


@pytest.mark.parametrize("make", [
    lambda: layers.TextVectorization(output_mode="count"),
    lambda: layers.TextVectorization(output_sequence_length=3),
    lambda: layers.StringLookup()])
def test_a_text_model_on_the_gpu_fits_and_predicts(make):
    text = make()
    text.adapt(TEXTS if isinstance(text, layers.TextVectorization) else TEXTS.reshape(-1, 1))
    inputs = keras.Input(shape=() if isinstance(text, layers.TextVectorization) else (1,),
                         dtype="string")
    x = text(inputs)
    if text.output_mode == "int":
        x = layers.Flatten()(layers.Embedding(text.vocabulary_size(), 2)(x))
    model = keras.Model(inputs, layers.Dense(1)(x))
    model.compile(optimizer="sgd", loss="mse")
    texts = TEXTS if isinstance(text, layers.TextVectorization) else TEXTS.reshape(-1, 1)
    expected = model.predict(texts, verbose=0)
    model.to("cuda")
    assert is_gpu_array(model(texts).data)
    np.testing.assert_allclose(model.predict(texts, verbose=0), expected, rtol=1e-5)
    history = model.fit(texts, np.ones(4), epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


@pytest.mark.parametrize("make", [
    lambda: layers.CategoryEncoding(3, "count"),
    lambda: layers.IntegerLookup(vocabulary=[0, 1, 2], output_mode="multi_hot"),
    lambda: layers.Hashing(4, output_mode="multi_hot"),
    lambda: layers.Discretization([0.5, 1.5], output_mode="count")])
def test_integer_preprocessing_takes_gpu_inputs(make):
    x = np.array([[0, 1], [2, 2], [1, 0]])
    layer = make()
    on_host = layer(x).data
    out = layer(cuda.to_gpu(x))
    assert is_gpu_array(out.data) and out.dtype == on_host.dtype  # (int64 for the lookup)
    np.testing.assert_array_equal(out.data.get(), on_host)
    inputs = keras.Input(shape=(2,), dtype="int64")
    model = keras.Model(inputs, layers.Dense(1)(make()(inputs)))
    model.compile(optimizer="sgd", loss="mse")
    model.to("cuda")
    model.fit(x, np.ones(3), verbose=0)
    assert model.predict(x, verbose=0).shape == (3, 1)
