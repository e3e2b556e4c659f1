"""Keras' GroupQueryAttention: values against NumPy written from Keras' definition (weights
set by set_weights, in Keras' order), masks (explicit, Keras' of the inputs, causal,
attention_mask of each shape Keras takes), dropout only while training, numerical
gradients w.r.t. the inputs and every weight, the config round trip, constraints, a model
that trains, and refusals."""
import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import given

import nn.keras as keras
from autograd import Variable, gradcheck
from autograd.testing import assert_gradients_match
from nn.keras import layers
from nn.keras.layers import GroupQueryAttention

RNG = np.random.default_rng(0)


def _weights(layer, rng, scale=0.8):
    """Random weights of the layer's shapes, set through set_weights (Keras' order)."""
    drawn = [rng.uniform(-scale, scale, np.shape(w)) for w in layer.get_weights()]
    layer.set_weights(drawn)
    return drawn


def _reference(layer, weights, query, value, key, allowed=None, nothing="zero"):
    """Keras' GroupQueryAttention in NumPy: EinsumDense projections ('bqm,muh->bquh' and
    'bkm,mvh->bkvh'), key and value heads repeated (np.repeat on the heads' axis), scaled
    dot-product attention per query head, output 'bquh,uhm->bqm'. allowed: broadcastable
    to (N, Hq, T, S); a query step allowed nothing gets zero weights (nothing='zero', Keras'
    Softmax(mask)) or attends to every key alike (nothing='uniform', its
    dot_product_attention)."""
    if layer.use_bias:
        wq, bq, wk, bk, wv, bv, wo, bo = weights
    else:
        wq, wk, wv, wo = weights
        bq = bk = bv = bo = 0.0
    group = layer.num_query_heads // layer.num_key_value_heads
    q = np.einsum("bqm,muh->bquh", query, wq) + bq
    k = np.repeat(np.einsum("bkm,mvh->bkvh", key, wk) + bk, group, axis=2)
    v = np.repeat(np.einsum("bkm,mvh->bkvh", value, wv) + bv, group, axis=2)
    scores = np.einsum("bquh,bkuh->buqk", q / np.sqrt(layer.head_dim), k)
    if allowed is None:
        allowed = np.ones(scores.shape, bool)
    allowed = np.broadcast_to(allowed, scores.shape)
    scores = np.where(allowed, scores, -np.inf)
    live = allowed.any(-1, keepdims=True)
    e = np.exp(scores - np.where(live, scores, 0).max(-1, keepdims=True))
    e = np.where(live, e, 1.0 if nothing == "uniform" else 0.0)
    probabilities = e / np.maximum(e.sum(-1, keepdims=True), 1e-300)
    out = np.einsum("buqk,bkuh->bquh", probabilities, v)
    return np.einsum("bquh,uhm->bqm", out, wo) + bo, probabilities


def _layer(settings, query, value, key=None, seed=1, dtype=None):
    """A GroupQueryAttention of `settings`, built on the inputs, with random weights."""
    layer = GroupQueryAttention(**settings) if dtype is None else \
        GroupQueryAttention(**settings, dtype=dtype)
    layer(query, value, key)
    return layer, _weights(layer, np.random.default_rng(seed))


SETTINGS = [dict(head_dim=3, num_query_heads=4, num_key_value_heads=2),
            dict(head_dim=2, num_query_heads=3, num_key_value_heads=1, use_bias=False),
            dict(head_dim=2, num_query_heads=2, num_key_value_heads=2),
            dict(head_dim=4, num_query_heads=6, num_key_value_heads=3)]


@pytest.mark.parametrize("settings", SETTINGS)
@pytest.mark.parametrize("separate_key", [False, True])
def test_values_are_keras_definition(settings, separate_key):
    query, value, key = (RNG.standard_normal(s) for s in ((2, 4, 6), (2, 5, 3), (2, 5, 7)))
    key = key if separate_key else None
    layer, weights = _layer(settings, query, value, key)
    out, scores = layer(query, value, key, return_attention_scores=True)
    expected, expected_scores = _reference(layer, weights, query, value,
                                           value if key is None else key)
    np.testing.assert_allclose(out.data, expected, rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(scores.data, expected_scores, rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(layer(query, value, key).data, expected, rtol=2e-5, atol=2e-6)
    assert out.shape == (2, 4, 6) and scores.shape == (2, settings["num_query_heads"], 4, 5)


def test_weights_have_keras_shapes_and_order():
    layer = GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2)
    layer(np.ones((1, 3, 5)), np.ones((1, 4, 6)), np.ones((1, 4, 7)))
    assert [w.shape for w in layer.get_weights()] == [
        (5, 4, 2), (4, 2), (7, 2, 2), (2, 2), (6, 2, 2), (2, 2), (4, 2, 5), (5,)]
    assert layer.compute_output_shape((None, 3, 5), (None, 4, 5)) == (None, 3, 5)


@pytest.mark.parametrize("return_scores", [False, True])
def test_masks_combine_as_keras(return_scores):
    """query_mask, value_mask, key_mask, attention_mask and the causal mask together; a
    query step allowed nothing (the padded one) attends to every key alike on Keras' fused
    path, gets zero weights on its Softmax path (scores returned)."""
    query, value, key = (RNG.standard_normal(s) for s in ((2, 4, 6), (2, 5, 6), (2, 5, 6)))
    layer, weights = _layer(SETTINGS[0], query, value, key)
    query_mask = np.array([[1, 1, 1, 0], [1, 1, 1, 1]], bool)
    value_mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    key_mask = np.array([[1, 0, 1, 1, 1], [1, 1, 1, 1, 0]], bool)
    extra = RNG.uniform(size=(2, 4, 5)) > 0.3
    extra[:, :, 0] = True
    result = layer(query, value, key, query_mask=query_mask, value_mask=value_mask,
                   key_mask=key_mask, attention_mask=extra, use_causal_mask=True,
                   return_attention_scores=return_scores)
    allowed = (query_mask[:, :, None] & value_mask[:, None] & key_mask[:, None] & extra
               & np.tril(np.ones((4, 5), bool)))[:, None]
    expected, expected_scores = _reference(layer, weights, query, value, key, allowed,
                                           "zero" if return_scores else "uniform")
    out = result[0] if return_scores else result
    np.testing.assert_allclose(out.data, expected, rtol=2e-5, atol=2e-6)
    if return_scores:
        np.testing.assert_allclose(result[1].data, expected_scores, rtol=2e-5, atol=2e-6)
        assert np.all(result[1].data[0, :, 3] == 0)


@pytest.mark.parametrize("return_scores", [False, True])
def test_causal_mask_alone(return_scores):
    x = RNG.standard_normal((2, 5, 4))
    layer, weights = _layer(SETTINGS[0], x, x)
    result = layer(x, x, use_causal_mask=True, return_attention_scores=return_scores)
    expected, expected_scores = _reference(layer, weights, x, x, x, np.tril(np.ones((5, 5),
                                                                                    bool)))
    np.testing.assert_allclose((result[0] if return_scores else result).data, expected,
                               rtol=2e-5, atol=2e-6)
    if return_scores:
        np.testing.assert_allclose(result[1].data, expected_scores, rtol=2e-5, atol=2e-6)
        assert np.all(np.triu(result[1].data, 1) == 0)


@pytest.mark.parametrize("shape", [(4, 5), (2, 4, 5), (2, 4, 4, 5), (1, 1, 4, 5)])
def test_attention_mask_takes_keras_shapes(shape):
    """Keras' rule: axes go in before the mask's last two until it has four, per query head
    (here as many heads, 4, as query steps, so that a misread axis shows)."""
    query, value = RNG.standard_normal((2, 4, 6)), RNG.standard_normal((2, 5, 3))
    mask = RNG.uniform(size=shape) > 0.4
    mask[..., 0] = True
    layer, weights = _layer(dict(head_dim=2, num_query_heads=4, num_key_value_heads=2),
                            query, value)
    out, scores = layer(query, value, attention_mask=mask, return_attention_scores=True)
    spread = mask.reshape(shape[:-2] + (1,) * (4 - len(shape)) + shape[-2:])
    expected, expected_scores = _reference(layer, weights, query, value, value, spread)
    np.testing.assert_allclose(scores.data, expected_scores, rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(out.data, expected, rtol=2e-5, atol=2e-6)


def test_keras_masks_of_the_inputs_reach_it_in_a_model():
    """Embedding(mask_zero=True)'s mask masks the padded keys (and queries), as Keras'."""
    tokens = keras.Input((5,), dtype="int32")
    embedded = layers.Embedding(7, 4, mask_zero=True)(tokens)
    attention = GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1)
    model = keras.Model(tokens, attention(embedded, embedded, return_attention_scores=True)[1])
    ids = np.array([[3, 4, 1, 0, 0], [1, 2, 3, 4, 5]])
    scores = model.predict(ids, verbose=0)
    assert np.all(scores[0, :, :3, 3:] == 0) and np.all(scores[0, :, 3:] == 0)
    np.testing.assert_allclose(scores[1].sum(-1), 1.0, rtol=1e-5)


def test_equals_multi_head_attention_when_every_query_head_has_its_own_key():
    """num_key_value_heads == num_query_heads is multi-head attention (Keras' docs):
    MultiHeadAttention with the same weights gives the same output."""
    query, value = RNG.standard_normal((2, 4, 6)), RNG.standard_normal((2, 5, 3))
    grouped, weights = _layer(dict(head_dim=3, num_query_heads=2, num_key_value_heads=2),
                              query, value)
    plain = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    plain(query, value)
    plain.set_weights(weights)
    np.testing.assert_allclose(grouped(query, value).data, plain(query, value).data,
                               rtol=1e-6, atol=1e-7)


@given(head_dim=st.integers(1, 3), shared=st.integers(1, 3), group=st.integers(1, 3),
       steps=st.integers(1, 4), sources=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_any_grouping_is_keras_definition(head_dim, shared, group, steps, sources, seed):
    rng = np.random.default_rng(seed)
    query, value = rng.standard_normal((2, steps, 3)), rng.standard_normal((2, sources, 2))
    settings = dict(head_dim=head_dim, num_query_heads=shared * group,
                    num_key_value_heads=shared)
    layer, weights = _layer(settings, query, value, seed=seed, dtype="float64")
    out, scores = layer(query, value, use_causal_mask=True, return_attention_scores=True)
    allowed = np.tril(np.ones((steps, sources), bool))
    expected, expected_scores = _reference(layer, weights, query, value, value, allowed)
    np.testing.assert_allclose(out.data, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(scores.data, expected_scores, rtol=1e-10, atol=1e-12)


def test_dropout_acts_while_training_only_and_the_scores_are_those_before_it():
    x = RNG.standard_normal((2, 6, 4))
    layer = GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2,
                                dropout=0.5)
    out, inference = layer(x, x, return_attention_scores=True, training=False)
    np.testing.assert_allclose(inference.data.sum(-1), 1.0, rtol=1e-5)
    np.random.seed(0)
    dropped, training = layer(x, x, return_attention_scores=True, training=True)
    np.testing.assert_allclose(training.data, inference.data, rtol=1e-6)
    assert np.abs(dropped.data - out.data).max() > 0.1
    layer.eval()
    np.testing.assert_array_equal(layer(x, x).data, out.data)


def _with_weights(layer, call):
    """f(*inputs, *weights): `call(*inputs)` with the given Variables in place of the
    layer's weights, so that gradcheck differentiates w.r.t. the weights too."""
    names = [name for name, _ in layer.named_parameters()]

    def f(*arrays):
        inputs, values = arrays[:-len(names)], arrays[-len(names):]
        saved = {name: layer.__dict__[name] for name in names}
        try:
            layer.__dict__.update(zip(names, values))
            return call(*inputs)
        finally:
            layer.__dict__.update(saved)
    return f


@pytest.mark.parametrize("case", [
    dict(), dict(use_causal_mask=True),
    dict(return_attention_scores=True, use_causal_mask=True),
    dict(value_mask=np.array([[1, 1, 0], [1, 0, 1]], bool),
         query_mask=np.array([[1, 1, 1, 0], [1, 1, 1, 1]], bool)),
    dict(return_attention_scores=True,
         attention_mask=np.array([[[1, 0, 1], [1, 1, 0], [0, 0, 0], [1, 1, 1]]], bool))])
def test_gradients_match_numerical_differentiation(case):
    """Backprop w.r.t. query, value, key and all eight weights against the gradient kit's
    numerical differentiation, on Keras' fused path and its Softmax path (scores)."""
    rng = np.random.default_rng(3)
    query, value, key = (rng.standard_normal(s) for s in ((2, 4, 3), (2, 3, 2), (2, 3, 4)))
    layer, weights = _layer(dict(head_dim=2, num_query_heads=4, num_key_value_heads=2),
                            query, value, key, dtype="float64")
    probes = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 4, 4, 3))

    def call(q, v, k):  # (the scores weighed: their plain sum is constant)
        result = layer(q, v, k, **case)
        if not case.get("return_attention_scores"):
            return result
        return (result[0] * probes[0]).sum() + (result[1] * probes[1]).sum()

    assert gradcheck(_with_weights(layer, call), query, value, key, *weights)


def test_second_order_gradients_match():
    rng = np.random.default_rng(4)
    query, value = rng.standard_normal((1, 3, 2)), rng.standard_normal((1, 2, 2))
    layer, _ = _layer(dict(head_dim=2, num_query_heads=2, num_key_value_heads=1), query,
                      value, dtype="float64")
    assert_gradients_match(lambda q, v: layer(q, v, use_causal_mask=True), query, value,
                           order=2)


def test_a_query_that_may_attend_to_nothing_sends_no_gradient_through_its_scores():
    x = np.random.default_rng(5).standard_normal((1, 3, 4))
    layer, _ = _layer(dict(head_dim=2, num_query_heads=2, num_key_value_heads=1), x, x,
                      dtype="float64")
    allowed = np.array([[[1, 1, 1], [1, 1, 0], [0, 0, 0]]], bool)
    query = Variable(x.copy())
    layer(query, x, attention_mask=allowed).sum().backward()
    np.testing.assert_array_equal(query.grad.data[0, 2], np.zeros(4))


def test_config_round_trip_rebuilds_the_same_layer():
    layer = GroupQueryAttention(
        head_dim=2, num_query_heads=4, num_key_value_heads=2, dropout=0.1, use_bias=False,
        kernel_initializer="he_normal", kernel_regularizer="l2",
        bias_regularizer=keras.regularizers.L1(0.02), activity_regularizer="l1",
        kernel_constraint="max_norm", bias_constraint="non_neg", seed=7, name="gqa")
    config = layer.get_config()
    assert {key: config[key] for key in ("head_dim", "num_query_heads", "num_key_value_heads",
                                         "dropout", "use_bias", "seed", "name")} == dict(
        head_dim=2, num_query_heads=4, num_key_value_heads=2, dropout=0.1, use_bias=False,
        seed=7, name="gqa")
    again = GroupQueryAttention.from_config(config)
    assert again.get_config() == config
    x = RNG.standard_normal((2, 3, 5))
    layer(x, x)
    again(x, x)
    again.set_weights(layer.get_weights())
    np.testing.assert_array_equal(again(x, x, training=False).data,
                                  layer(x, x, training=False).data)


def test_penalties_and_constraints_reach_all_four_projections():
    """Keras hands the regularizers and constraints to each EinsumDense; activity_regularizer
    also penalizes the layer's outputs, the scores among them when returned (Keras' losses:
    4 projections + 1 or 2)."""
    layer = GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1,
                                kernel_regularizer="l2", activity_regularizer="l2",
                                kernel_constraint=keras.constraints.MaxNorm(0.5),
                                bias_constraint="non_neg")
    x = RNG.standard_normal((2, 3, 4))
    layer(x, x)
    assert len(layer.penalties()) == 4 and len(layer.activity_penalties()) == 5
    layer(x, x, return_attention_scores=True)
    assert len(layer.activity_penalties()) == 6
    for name, weight in layer.named_parameters():
        assert weight.constraint is not None, name


def test_a_small_model_trains_and_keeps_its_constraint():
    """Which of two marker tokens comes first decides the label; attention must find it."""
    rng = np.random.default_rng(0)
    x = rng.integers(3, 10, (128, 6))
    first = rng.integers(0, 2, 128)
    x[:, 0] = np.where(first, 1, 2)
    y = first.astype(np.float32)
    np.random.seed(0)
    tokens = keras.Input((6,), dtype="int32")
    embedded = layers.Embedding(10, 8)(tokens)
    attention = GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2,
                                    kernel_constraint=keras.constraints.MaxNorm(2.0))
    attended = attention(query=embedded, value=embedded)
    outputs = layers.Dense(1, activation="sigmoid")(layers.GlobalAveragePooling1D()(attended))
    model = keras.Model(tokens, outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="binary_crossentropy")
    history = model.fit(x, y, epochs=20, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]
    for name, kernel in attention.named_parameters():  # (MaxNorm's axis 0, Keras')
        if name.endswith("kernel"):
            assert np.sqrt((kernel.data ** 2).sum(axis=0)).max() <= 2.0 + 1e-5, name


@pytest.mark.parametrize("call, error, words", [
    (lambda: GroupQueryAttention(2, 6, 4), ValueError,
     r"num_query_heads \(6\) must be divisible by num_key_value_heads \(4\)"),
    (lambda: GroupQueryAttention(2, 0, 1), ValueError, "num_query_heads"),
    (lambda: GroupQueryAttention(0, 2, 1), ValueError, "head_dim"),
    (lambda: GroupQueryAttention(2, 2, 1, dropout=1.5), ValueError, "dropout"),
    (lambda: GroupQueryAttention(2, 2, 1, dropout=0.1, flash_attention=True), ValueError,
     "not supported with flash_attention=True"),
    (lambda: GroupQueryAttention(2, 2, 1, flash_attention=True)(
        np.ones((1, 2, 3)), np.ones((1, 2, 3)), return_attention_scores=True), ValueError,
     "returning attention scores"),
    (lambda: GroupQueryAttention(2, 2, 1)(np.ones((2, 4)), np.ones((2, 4))), ValueError,
     "batch of sequences"),
    (lambda: GroupQueryAttention(2, 2, 1)(np.ones((2, 4, 3)), np.ones((3, 4, 3))),
     ValueError, "must share the batch"),
    (lambda: GroupQueryAttention(2, 2, 1)(np.ones((2, 4, 3)), np.ones((2, 5, 3)),
                                          np.ones((2, 4, 3))), ValueError,
     "value and key the steps"),
    (lambda: GroupQueryAttention(2, 2, 1)(np.ones((2, 4, 3)), np.ones((2, 5, 3)),
                                          value_mask=np.ones((2, 4), bool)), ValueError,
     r"GroupedQueryAttention: value_mask must be \(N, steps\) = \(2, 5\)"),
    (lambda: GroupQueryAttention(2, 4, 2)(np.ones((2, 4, 3)), np.ones((2, 5, 3)),
                                          attention_mask=np.ones((2, 5, 4), bool)),
     ValueError, r"attention_mask of shape \(2, 5, 4\) does not fit the scores \(N, "
                 r"num_query_heads, T, S\) = \(2, 4, 4, 5\)"),
    (lambda: GroupQueryAttention(2, 2, 1).compute_output_shape((None, 3, 4), (None, 5, 6)),
     ValueError, "last dimension of query_shape and value_shape"),
])
def test_refusals_name_what_was_wrong(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_inputs_of_other_features_than_it_was_built_for_are_refused():
    layer = GroupQueryAttention(2, 2, 1)
    layer(np.ones((1, 3, 4)), np.ones((1, 2, 4)))
    with pytest.raises(ValueError, match=r"features \(query, value, key\) \(4, 5, 5\), the "
                                         r"layer was built for \(4, 4, 4\)"):
        layer(np.ones((1, 3, 4)), np.ones((1, 2, 5)))
