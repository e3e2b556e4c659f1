"""Keras' AdditiveAttention (Bahdanau): NumPy references of the scores, weights and outputs
with and without the learned scale, masks (query, value, causal), dropout while training
only, gradients, refusals, and a model that learns, saved and loaded."""
import numpy as np
import pytest

import nn.keras as keras
from autograd.testing import assert_gradients_match
from nn.keras import layers
from tests._helpers import saved_and_loaded

RNG = np.random.default_rng(0)


def _softmax(s):
    e = np.exp(s - s.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _reference(query, value, key, scale):
    scores = (np.tanh(query[:, :, None] + key[:, None]) * scale).sum(-1)  # (N, T, S)
    weights = _softmax(scores)
    return weights @ value, weights


@pytest.mark.parametrize("use_scale", [True, False])
def test_scores_are_the_scaled_sum_of_tanh_of_query_plus_key(use_scale):
    query, value, key = (RNG.standard_normal(s) for s in ((2, 3, 4), (2, 5, 6), (2, 5, 4)))
    layer = layers.AdditiveAttention(use_scale=use_scale)
    out, weights = layer([query, value, key], return_attention_scores=True)
    scale = layer.get_weights()[0] if use_scale else 1.0
    assert [w.shape for w in layer.get_weights()] == ([(4,)] if use_scale else [])
    expected_out, expected_weights = _reference(query, value, key, scale)
    np.testing.assert_allclose(weights.data, expected_weights, rtol=1e-10)
    np.testing.assert_allclose(out.data, expected_out, rtol=1e-10)
    alone = layer([query, key])  # (key defaults to value)
    np.testing.assert_allclose(alone.data, _reference(query, key, key, scale)[0], rtol=1e-10)


def test_scale_is_drawn_glorot_uniform_and_set_weights_takes_keras_values():
    np.random.seed(1)
    layer = layers.AdditiveAttention()
    x = np.zeros((1, 2, 400), np.float32)
    layer([x, x])
    limit = np.sqrt(3 / 400)  # glorot of a (400,) weight: fans 400 and 400
    assert 0.95 * limit < np.abs(layer.get_weights()[0]).max() <= limit
    layer.set_weights([np.full(400, 0.5, np.float32)])
    assert np.all(layer.scale.data == 0.5)


def test_masks_and_the_causal_mask_as_keras():
    query, value = RNG.standard_normal((2, 3, 4)), RNG.standard_normal((2, 3, 4))
    masks = [np.array([[1, 1, 0], [1, 1, 1]], bool), np.array([[1, 0, 1], [1, 1, 1]], bool)]
    layer = layers.AdditiveAttention()
    out, weights = layer([query, value], mask=masks, use_causal_mask=True,
                         return_attention_scores=True)
    allowed = masks[1][:, None, :] & np.tril(np.ones((3, 3), bool))
    scores = (np.tanh(query[:, :, None] + value[:, None]) * layer.scale.data).sum(-1)
    expected = _softmax(np.where(allowed, scores, scores - 1e9))
    np.testing.assert_allclose(weights.data, expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(out.data, np.where(masks[0][..., None], expected @ value, 0),
                               rtol=1e-9, atol=1e-12)


def test_dropout_acts_on_the_weights_while_training_only():
    query, value = RNG.standard_normal((4, 6, 3)), RNG.standard_normal((4, 8, 3))
    layer = layers.AdditiveAttention(dropout=0.5).eval()
    _, inference = layer([query, value], return_attention_scores=True)
    np.testing.assert_allclose(inference.data.sum(-1), 1.0)
    layer.train()
    _, dropped = layer([query, value], return_attention_scores=True)
    zeros = dropped.data == 0
    assert 0.3 < zeros.mean() < 0.7
    np.testing.assert_allclose(dropped.data[~zeros], 2 * inference.data[~zeros])


def test_gradients_match_numerical_differentiation():
    query, value = RNG.standard_normal((1, 3, 2)), RNG.standard_normal((1, 2, 2))
    layer = layers.AdditiveAttention()
    layer([query, value])
    layer.double()
    assert_gradients_match(lambda q, v, s: _with_scale(layer, s, [q, v]), query, value,
                           layer.scale.data.copy(), order=2)


def _with_scale(layer, scale, inputs):
    held = layer.__dict__["scale"]
    layer.__dict__["scale"] = scale
    try:
        return layer(inputs, use_causal_mask=True)
    finally:
        layer.__dict__["scale"] = held


@pytest.mark.parametrize("dtype, computed", [(np.int64, np.float32), (np.bool_, np.float32),
                                              (np.float32, np.float32),
                                              (np.float64, np.float64)])
def test_integer_inputs_are_computed_in_float32_floats_as_given(dtype, computed):
    query, value = RNG.integers(0, 2, (2, 3, 4)), RNG.integers(0, 2, (2, 5, 4))
    for layer in (layers.AdditiveAttention(use_scale=False), layers.Attention()):
        out = layer([query.astype(dtype), value.astype(dtype)])
        assert out.dtype == computed
        reference = _reference if isinstance(layer, layers.AdditiveAttention) else \
            lambda q, v, k, s: (_softmax(q @ k.transpose(0, 2, 1)) @ v,)
        np.testing.assert_allclose(out.data, reference(query, value, value, 1.0)[0],
                                   rtol=1e-5)


def test_refusals_name_the_layer():
    with pytest.raises(ValueError, match="AdditiveAttention: query and key must have the same"):
        layers.AdditiveAttention()([np.ones((1, 2, 3)), np.ones((1, 2, 4))])
    with pytest.raises(ValueError, match=r"AdditiveAttention: takes \[query, value\]"):
        layers.AdditiveAttention()(np.ones((1, 2, 3)))
    query, value = np.ones((2, 3, 4), np.float32), np.ones((2, 5, 4), np.float32)
    with pytest.raises(ValueError, match=r"AdditiveAttention: query \(2, 3, 4\), value "
                                         r"\(3, 5, 4\) .* must share the batch size"):
        layers.AdditiveAttention()([query, np.ones((3, 5, 4), np.float32)])
    with pytest.raises(ValueError, match=r"AdditiveAttention: mask\[0\] must be \(N, steps\) "
                                         r"= \(2, 3\).* got shape \(2, 2\)"):
        layers.AdditiveAttention()([query, value], mask=[np.ones((2, 2), bool), None])
    with pytest.raises(ValueError, match=r"mask\[1\] must be \(N, steps\) = \(2, 5\)"):
        layers.AdditiveAttention()([query, value], mask=[None, np.ones((2, 4), bool)])
    assert layers.AdditiveAttention(use_scale=False).get_config() == {
        "use_scale": False, "dropout": 0.0, "seed": None, "name": "additive_attention",
        "input_shape": None}


def test_a_model_with_additive_attention_learns_saves_and_loads(tmp_path):
    """Which of two marked steps holds the larger value: attention to the marked steps."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((256, 6, 3)).astype(np.float32)
    x[..., 1] = 0.0
    for row in x:
        row[rng.choice(6, 2, replace=False), 1] = 1.0
    y = np.array([float(r[r[:, 1] == 1, 0].max() > 0.5) for r in x], np.float32)[:, None]
    np.random.seed(3)
    inputs = keras.Input(shape=(6, 3))
    tokens = layers.Dense(8, activation="tanh")(inputs)
    attended = layers.AdditiveAttention()([tokens, tokens])
    pooled = layers.GlobalAveragePooling1D()(attended)
    model = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(pooled))
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=40, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.6 * history.history["loss"][0]
    assert model.evaluate(x, y, verbose=0)[1] > 0.85
    saved_and_loaded(model, x, tmp_path / "a.keras")
