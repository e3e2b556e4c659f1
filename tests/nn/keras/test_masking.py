"""Keras' masking (nn.training.masking): Embedding(mask_zero=True) and Masking make a mask,
the recurrent layers skip the padding as Keras does, models carry the mask to the loss and
the metrics."""
import warnings

import numpy as np
import pytest

import nn.functional as F
import nn.keras as keras
from autograd import Variable, gradcheck
from nn.functional.stepwise_recurrence import stepwise_recurrence
from nn.keras import layers
from nn.training import masking

RECURRENT = [layers.SimpleRNN, layers.LSTM, layers.GRU]


def _padded(rng, lengths, steps, vocabulary=9):
    """A batch of token sequences padded with 0 at the end, and the unpadded ones."""
    x = np.zeros((len(lengths), steps), np.int64)
    for i, n in enumerate(lengths):
        x[i, :n] = rng.integers(1, vocabulary, n)
    return x, [x[i:i + 1, :n] for i, n in enumerate(lengths)]


@pytest.mark.parametrize("kind", RECURRENT)
@pytest.mark.parametrize("go_backwards", [False, True])
def test_padding_changes_nothing_for_the_real_steps(kind, go_backwards):
    """Each padded sequence gives what it gives alone: the last output is the last real
    step's, the final states too, and with return_sequences the real steps' outputs
    equal and a masked step repeats the output before it (the initial state's at first)."""
    rng = np.random.default_rng(0)
    x, alone = _padded(rng, [2, 5, 1, 4], 5)
    embed = layers.Embedding(9, 3, mask_zero=True)
    layer = kind(4, return_sequences=True, return_state=True, go_backwards=go_backwards)
    mask = embed.compute_mask(x)
    outputs, *states = layer(embed(x), mask=mask)
    for i, single in enumerate(alone):
        n = single.shape[1]
        want, *want_states = layer(embed(single))
        for got, expected in zip(states, want_states):
            np.testing.assert_allclose(got.data[i], expected.data[0], rtol=1e-5, atol=1e-6)
        seq = outputs.data[i]
        if go_backwards:  # processing order: the padding first, then the real steps reversed
            np.testing.assert_array_equal(seq[:5 - n], 0)
            np.testing.assert_allclose(seq[5 - n:], want.data[0], rtol=1e-5, atol=1e-6)
        else:
            np.testing.assert_allclose(seq[:n], want.data[0], rtol=1e-5, atol=1e-6)
            np.testing.assert_array_equal(seq[n:], np.broadcast_to(seq[n - 1], seq[n:].shape))
    last = kind(4, go_backwards=go_backwards)
    np.testing.assert_allclose(last(embed(x), mask=mask).data,
                               np.concatenate([last(embed(s)).data for s in alone]),
                               rtol=1e-5, atol=1e-6)


def test_holes_in_the_mask_carry_the_state_across():
    """A masked step in the middle is skipped: the state passes it unchanged."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 4, 3))
    mask = np.array([[True, False, True, True], [True, True, True, True]])
    layer = layers.LSTM(5)
    got = layer(x, mask=mask).data
    np.testing.assert_allclose(got[0], layer(x[:1, [0, 2, 3]]).data[0], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(got[1], layer(x[1:]).data[0], rtol=1e-5, atol=1e-7)


def test_gradients_through_masked_steps_match_numerical_ones_and_skip_the_padding():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 2, 2))
    w_ih, w_hh = rng.uniform(-0.7, 0.7, (8, 2)), rng.uniform(-0.7, 0.7, (8, 2))
    state = (rng.standard_normal((2, 2)), rng.standard_normal((2, 2)))
    steps_mask = np.array([[True, True], [False, True], [True, False]])

    def run(x, w_ih, w_hh, h, c):
        outputs, (h_n, c_n) = stepwise_recurrence("LSTM", x, w_ih, w_hh, None, None, (h, c),
                                                  steps_mask=steps_mask)
        return outputs.sum() + (h_n * c_n).sum()
    gradcheck(run, x, w_ih, w_hh, *state, mode="full")
    xv = Variable(x, requires_grad=True)
    run(xv, Variable(w_ih), Variable(w_hh), *map(Variable, state)).backward()
    np.testing.assert_array_equal(xv.grad.data[~steps_mask], 0)  # the padding's inputs


def test_bidirectional_and_pooling_in_a_functional_model():
    """Embedding(mask_zero) -> Bidirectional(return_sequences) -> GlobalAveragePooling1D
    -> Dense: each padded sequence scores as it does alone; with return_sequences both
    directions are 0 at the padding (Keras forces zero_output_for_mask there)."""
    rng = np.random.default_rng(3)
    x, alone = _padded(rng, [3, 1, 4], 4)
    tokens = keras.Input((None,), dtype="int64")
    embedded = layers.Embedding(9, 3, mask_zero=True)(tokens)
    both = layers.Bidirectional(layers.GRU(4, return_sequences=True))
    model = keras.Model(tokens, layers.Dense(2)(layers.GlobalAveragePooling1D()(both(embedded))))
    np.testing.assert_allclose(model(x).data, np.concatenate([model(s).data for s in alone]),
                               rtol=1e-5, atol=1e-6)
    sequences = keras.Model(tokens, both(embedded))(x).data
    np.testing.assert_array_equal(sequences[1, 1:], 0)
    assert (sequences[0, :3] != 0).all()


def test_masking_layer_zeroes_and_masks_the_padding_steps():
    x = np.array([[[1.0, 2.0], [0.0, 0.0], [3.0, 0.0], [np.nan, 0.0]]])
    masking = layers.Masking(mask_value=0.0)
    np.testing.assert_array_equal(masking.compute_mask(x).data, [[True, False, True, True]])
    np.testing.assert_array_equal(masking(x).data[0, 1], 0)
    model = keras.Sequential([layers.Masking(), layers.SimpleRNN(3)])
    padded = np.concatenate([np.ones((1, 2, 2)), np.zeros((1, 3, 2))], axis=1)
    np.testing.assert_allclose(model(padded).data, model(np.ones((1, 2, 2))).data, rtol=1e-12)


def _tagged_tokens():
    """48 padded token sequences of 6 steps, each token tagged with its value mod 3."""
    rng = np.random.default_rng(4)
    x, _ = _padded(rng, rng.integers(2, 7, 48), 6, vocabulary=12)
    return x, x % 3


def _sequential_tagger():
    return keras.Sequential([layers.Embedding(12, 8, mask_zero=True),
                             layers.LSTM(16, return_sequences=True),
                             layers.Dense(3, activation="softmax")])


def test_fit_takes_the_mean_over_the_real_steps_only():
    """A tagger (return_sequences to the output): fit's and evaluate's loss and accuracy
    are Keras' masked means, eager and captured alike, and the padding tokens never get
    a gradient (their embedding row stays as drawn)."""
    x, y = _tagged_tokens()
    histories = []
    for jit in (False, True):
        np.random.seed(0)
        model = _sequential_tagger()
        model.compile(optimizer=keras.optimizers.Adam(0.02),
                      loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"], jit_compile=jit)
        model.build((None, 6))
        padding_row = model.layers[0].embeddings.data[0].copy()
        histories.append(model.fit(x, y, epochs=30, batch_size=16, verbose=0).history)
        np.testing.assert_array_equal(model.layers[0].embeddings.data[0], padding_row)
        p = model.predict(x)
        real = x != 0
        picked = p[np.arange(len(x))[:, None], np.arange(6)[None], y]
        loss, accuracy = model.evaluate(x, y, batch_size=len(x), verbose=0)
        # the loss is tiny (about 3e-4): each float32 -log(p) near p = 1 is exact only to p's
        # spacing there, 6e-8, so a relative 1e-5 alone failed 2 of 13 seeds (1.9e-5)
        np.testing.assert_allclose(loss, -np.log(picked[real]).mean(), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(accuracy, (p.argmax(-1) == y)[real].mean(), rtol=1e-6)
        assert accuracy > 0.9  # (y is the token mod 3: learnable exactly)
    np.testing.assert_allclose(histories[0]["loss"], histories[1]["loss"], rtol=1e-5)


def test_layers_that_cannot_use_a_mask_drop_it_with_keras_warning():
    model = keras.Sequential([layers.Embedding(9, 3, mask_zero=True), layers.Flatten(),
                              layers.Dense(2)])
    with pytest.warns(UserWarning, match="does not support masking"):
        model(np.array([[1, 2, 0]]))
    assert model._output_mask is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        keras.Sequential([layers.Embedding(9, 3, mask_zero=True), layers.Dropout(0.1),
                          layers.Dense(2), layers.LSTM(2)])(np.array([[1, 2, 0]]))


def test_merges_join_masks():
    a, b = (Variable(np.ones((2, 3, 4))) for _ in range(2))
    m1 = Variable(np.array([[True, False, False], [True, True, False]]))
    m2 = Variable(np.array([[False, False, True], [True, False, False]]))
    np.testing.assert_array_equal(layers.Add().compute_mask([a, b], [m1, m2]).data,
                                  m1.data | m2.data)
    assert layers.Add().compute_mask([a, b], [m1, None]) is None
    np.testing.assert_array_equal(layers.Concatenate(axis=1).compute_mask([a, b], [m1, m2]).data,
                                  np.concatenate([m1.data, m2.data], axis=1))
    np.testing.assert_array_equal(layers.Maximum().compute_mask([a, b], [m1, m2]).data,
                                  m1.data | m2.data)


def test_multiply_with_an_input_without_a_mask_zeroes_no_step():
    """An input without a mask is real everywhere: a step masked in the others keeps its
    value (the masked entries count as 1), none is zeroed."""
    rng = np.random.default_rng(1)
    x1, x2, x3 = (rng.normal(size=(2, 3, 4)) for _ in range(3))
    m1 = np.array([[True, False, False], [False, True, False]])
    m3 = np.array([[False, False, True], [False, True, False]])
    y = layers.Multiply()([Variable(x) for x in (x1, x2, x3)],
                          mask=[Variable(m1), None, Variable(m3)])
    expected = np.where(m1[..., None], x1, 1) * x2 * np.where(m3[..., None], x3, 1)
    np.testing.assert_allclose(y.data, expected)
    both = layers.Multiply()([Variable(x1), Variable(x3)], mask=[Variable(m1), Variable(m3)])
    np.testing.assert_allclose(both.data, np.where((m1 | m3)[..., None], np.where(
        m1[..., None], x1, 1) * np.where(m3[..., None], x3, 1), 0))


@pytest.mark.parametrize("kind,pick", [(layers.Maximum, np.maximum),
                                       (layers.Minimum, np.minimum)])
def test_maximum_and_minimum_never_pick_a_masked_entry(kind, pick):
    """Keras' rule: a masked entry takes the value merged so far, and the value so far
    takes the input's where nothing real was merged yet."""
    rng = np.random.default_rng(0)
    x1, x2, x3 = (rng.normal(size=(2, 4, 3)) for _ in range(3))
    m1 = np.array([[1, 1, 0, 0], [0, 1, 1, 0]], bool)
    m2 = np.array([[1, 0, 1, 0], [1, 1, 0, 0]], bool)
    xs = [Variable(x) for x in (x1, x2, x3)]
    y = kind()(xs, mask=[Variable(m1), Variable(m2), None])
    expected = np.empty_like(x1)
    for n in range(2):
        for t in range(4):
            real = [x[n, t] for x, m in ((x1, m1), (x2, m2)) if m[n, t]]
            # (the last input has no mask: it counts everywhere, alone where nothing is real)
            expected[n, t] = pick(pick.reduce(real), x3[n, t]) if real else x3[n, t]
    np.testing.assert_allclose(y.data, expected)
    y.sum().backward()
    np.testing.assert_array_equal(xs[0].grad.data[~m1 & m2], 0)  # masked, beside a real one
    with pytest.raises(ValueError, match=f"{kind.__name__}: a mask of shape \\(2, 5\\)"):
        kind()(xs, mask=[np.ones((2, 5), bool), None, None])
    with pytest.raises(ValueError, match=f"{kind.__name__}: mask must be a list"):
        kind()(xs, mask=Variable(m1))


def test_a_maximum_of_masked_branches_passes_the_union_on():
    inputs = keras.Input((4,), dtype="int64")
    branches = [layers.Embedding(9, 3, mask_zero=True)(inputs) for _ in range(2)]
    model = keras.Model(inputs, layers.Maximum()(branches))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model(np.array([[1, 2, 0, 0]]))
    np.testing.assert_array_equal(model._output_mask.data, [[True, True, False, False]])


def test_mask_shape_errors_name_the_layer_and_shapes():
    with pytest.raises(ValueError, match=r"LSTM: the mask has shape \(2, 3\), expected"):
        layers.LSTM(2)(np.ones((2, 4, 3)), mask=np.ones((2, 3), bool))
    with pytest.raises(ValueError, match="GlobalAveragePooling1D.*mask has shape"):
        layers.GlobalAveragePooling1D()(np.ones((2, 4, 3)), mask=np.ones((2, 3), bool))


def test_a_saved_model_keeps_mask_zero(tmp_path):
    model = keras.Sequential([layers.Embedding(9, 3, mask_zero=True), layers.GRU(2)])
    x = np.array([[1, 2, 0, 0], [3, 0, 0, 0]])
    before = model(x).data
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded.layers[0].mask_zero
    np.testing.assert_allclose(loaded(x).data, before, rtol=1e-6)


class _SubclassedTagger(keras.Model):
    """_sequential_tagger, subclassed."""

    def __init__(self):
        super().__init__()
        self.embed = layers.Embedding(12, 8, mask_zero=True)
        self.lstm = layers.LSTM(16, return_sequences=True)
        self.classify = layers.Dense(3, activation="softmax")

    def forward(self, tokens):
        return self.classify(self.lstm(self.embed(tokens)))


def test_masks_pass_through_a_subclassed_models_forward():
    """Keras 3's masks on tensors: in a subclassed model's forward each layer gets the mask
    its input carries, and fit takes the loss over the real steps, as the Sequential twin
    with the same weights does (eager and captured)."""
    x, y = _tagged_tokens()
    losses = []
    for jit in (False, True):
        np.random.seed(0)
        model = _SubclassedTagger()
        np.random.seed(0)
        twin = _sequential_tagger()
        twin.build((None, 6))
        model(x[:1])
        for mine, theirs in zip(model.parameters(), twin.parameters()):
            mine.data[...] = theirs.data
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            np.testing.assert_allclose(model(x).data, twin(x).data, rtol=1e-6)
        for m in (model, twin):
            m.compile(optimizer=keras.optimizers.Adam(0.02),
                      loss="sparse_categorical_crossentropy", jit_compile=jit)
        history = model.fit(x, y, epochs=4, batch_size=16, shuffle=False, verbose=0).history
        expected = twin.fit(x, y, epochs=4, batch_size=16, shuffle=False, verbose=0).history
        np.testing.assert_allclose(history["loss"], expected["loss"], rtol=1e-5)
        losses.append(history["loss"])
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-5)


def test_a_carried_mask_is_given_unless_one_is_passed_and_dies_with_its_tensor():
    embed, lstm = layers.Embedding(9, 3, mask_zero=True), layers.LSTM(2)
    tokens = np.array([[1, 2, 0, 0]])
    x = embed(tokens)
    np.testing.assert_allclose(lstm(x).data, lstm(embed(tokens[:, :2])).data, rtol=1e-6)
    everything = Variable(np.ones((1, 4), bool))
    np.testing.assert_allclose(lstm(x, mask=everything).data, lstm(x.detach()).data)
    assert masking.carried_mask(x * 1.0) is None  # plain ops drop it, as Keras'
    inner = keras.Sequential([layers.LSTM(2, return_sequences=True)])  # a Sequential too
    np.testing.assert_allclose(inner(x).data[:, :2], inner(embed(tokens[:, :2])).data,
                               rtol=1e-6)
    np.testing.assert_array_equal(masking.carried_mask(inner(x)).data, tokens != 0)
    count = len(masking._CARRIED)
    del x
    assert len(masking._CARRIED) == count - 1


def test_a_sequential_inside_a_model_passes_masks_through():
    """A Sequential as a layer takes the mask given to it and gives its outputs' own."""
    inner = keras.Sequential([layers.LSTM(4, return_sequences=True), layers.Dense(3)])
    outer = keras.Sequential([layers.Embedding(9, 3, mask_zero=True), inner,
                              layers.GlobalAveragePooling1D()])
    rng = np.random.default_rng(5)
    x, alone = _padded(rng, [2, 3, 4], 4)
    padded = outer(x).data
    np.testing.assert_array_equal(inner._output_mask.data, x != 0)
    np.testing.assert_allclose(padded, np.concatenate([outer(s).data for s in alone]),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("axis,shape", [(-1, (3, 5, 4)), (1, (3, 4, 5)), (2, (2, 3, 4, 5))])
def test_batch_normalization_takes_keras_masked_moments_in_training(axis, shape):
    """Training: the mean and biased variance of the positions the mask marks (the mask of
    x's leading axes, broadcast over its last, whatever `axis` is: Keras' _moments), each
    divided by their count + 1e-7, normalize every position and move the moving
    statistics; inference ignores the mask."""
    rng = np.random.default_rng(1)
    x = rng.normal(2.0, 3.0, size=shape)
    mask = rng.random(shape[:-1]) < 0.6
    mask.flat[0] = True
    layer = layers.BatchNormalization(axis=axis, momentum=0.75)
    y = layer(Variable(x.astype(np.float32)), training=True, mask=Variable(mask))
    weights = np.moveaxis(np.broadcast_to(mask[..., None], shape), axis, -1).reshape(
        -1, shape[axis])
    features = np.moveaxis(x, axis, -1).reshape(-1, shape[axis])
    count = weights.sum(0) + 1e-7
    mean = (features * weights).sum(0) / count
    var = ((features - mean) ** 2 * weights).sum(0) / count
    expected = (np.moveaxis(x, axis, -1) - mean) / np.sqrt(var + 1e-3)
    np.testing.assert_allclose(y.data, np.moveaxis(expected, -1, axis), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(layer.moving_mean, 0.25 * mean, rtol=1e-5)
    np.testing.assert_allclose(layer.moving_variance, 0.75 + 0.25 * var, rtol=1e-5)
    inference = layer(Variable(x.astype(np.float32)), training=False, mask=Variable(mask))
    np.testing.assert_allclose(inference.data, layer(x.astype(np.float32), training=False).data)


def test_masked_batch_normalization_gradients_match_numerical_ones():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(3, 4, 2))
    mask = np.array([[1, 1, 0, 0], [1, 0, 1, 1], [0, 0, 0, 0]], bool)
    gamma, beta = rng.normal(size=2), rng.normal(size=2)
    run = lambda x, g, b: F.batch_norm(  # noqa: E731 (channels on axis 1, as batch_norm's)
        x.transpose(0, 2, 1), None, None, g, b, training=True, unbiased=False,
        mask=Variable(mask))
    assert gradcheck(run, x, gamma, beta)
    with pytest.raises(ValueError, match="give unbiased=False"):
        F.batch_norm(Variable(x), None, None, training=True, mask=np.ones((3, 2), bool))
    with pytest.raises(ValueError, match="BatchNormalization: the mask must have one axis "):
        layers.BatchNormalization()(x, training=False, mask=np.ones(3, bool))
    with pytest.raises(ValueError, match=r"BatchNormalization: a mask of shape \(3, 2\) does "):
        layers.BatchNormalization()(x, training=True, mask=np.ones((3, 2), bool))


def test_a_masked_batch_normalization_trains_alike_eager_and_captured():
    """In a model the mask reaches BatchNormalization (no warning), passes on to the LSTM,
    and a captured step (jit_compile) moves the moving statistics as the eager one does;
    both equal the statistics of the real steps (the embedding frozen, so they are known)."""
    rng = np.random.default_rng(5)
    x, _ = _padded(rng, rng.integers(2, 7, 32), 6, vocabulary=12)
    y = (x[:, 0] % 2).astype(np.float32)
    runs = []
    for jit in (False, True):
        np.random.seed(0)
        model = keras.Sequential([layers.Embedding(12, 4, mask_zero=True),
                                  layers.BatchNormalization(momentum=0.0), layers.LSTM(3),
                                  layers.Dense(1, activation="sigmoid")])
        model.layers[0].trainable = False
        model.compile(optimizer="adam", loss="binary_crossentropy", jit_compile=jit)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            history = model.fit(x, y, epochs=3, batch_size=32, verbose=0).history
        embedded = model.layers[0](x).data[x != 0]  # (one batch an epoch: all of x)
        np.testing.assert_allclose(model.layers[1].moving_mean, embedded.mean(0), rtol=1e-5,
                                   atol=1e-6)
        runs.append((history["loss"], model.layers[1].moving_variance.copy()))
    np.testing.assert_allclose(runs[0][0], runs[1][0], rtol=1e-5)
    np.testing.assert_allclose(runs[0][1], runs[1][1], rtol=1e-5)


class _MaskedMean(keras.layers.Layer):
    """A user's layer taking Keras' mask in its call."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return keras.ops.mean(inputs, axis=1)
        weights = keras.ops.expand_dims(keras.ops.cast(mask, inputs.dtype), -1)
        return keras.ops.sum(inputs * weights, 1) / keras.ops.sum(weights, 1)

    def compute_mask(self, inputs, mask=None):
        return None


class _MakesMask(keras.layers.Layer):
    """A user's layer making a mask of its own."""

    def call(self, inputs):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return keras.ops.any(keras.ops.not_equal(inputs, 0), axis=-1)


def test_a_users_layer_gets_the_mask_in_its_call_and_may_make_one_as_in_keras():
    """(Its call never received the mask: the mean ran over the padding; a compute_mask of
    its own made no mask unless an Embedding or Masking layer was in the model.)"""
    model = keras.Sequential([keras.Input((4,)), layers.Embedding(10, 3, mask_zero=True),
                              _MaskedMean()])
    tokens = np.array([[3, 5, 0, 0]])
    vectors = model.layers[0](tokens).data
    np.testing.assert_allclose(model.predict(tokens, verbose=0), vectors[:, :2].mean(1),
                               rtol=1e-6)
    inputs = keras.Input((4, 3))
    tagger = keras.Model(inputs, layers.LSTM(2, return_sequences=True)(_MakesMask()(inputs)))
    x = np.random.default_rng(0).normal(size=(1, 4, 3)).astype(np.float32)
    x[0, 2:] = 0
    states = tagger.predict(x, verbose=0)[0]
    np.testing.assert_array_equal(states[2], states[1])
    np.testing.assert_array_equal(states[3], states[1])


@pytest.mark.parametrize("between", [layers.Identity, lambda: layers.Rescaling(1.0)])
def test_identity_and_rescaling_pass_the_mask_on_as_in_keras(between):
    keras.utils.set_random_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (no "does not support masking")
        model = keras.Sequential([layers.Embedding(20, 4, mask_zero=True), between(),
                                  layers.LSTM(3)])
        np.testing.assert_allclose(model.predict(np.array([[9, 3, 0, 0]]), verbose=0),
                                   model.predict(np.array([[9, 3]]), verbose=0), rtol=1e-5)


def test_metrics_read_the_mask_in_custom_steps_and_direct_calls_as_keras():
    """(A custom test_step's compute_metrics, and a metric's update_state on outputs carrying
    a mask, scored the padding steps too.)"""
    rng = np.random.default_rng(0)
    tokens = rng.integers(1, 9, size=(8, 5))
    tokens[:, 3:] = 0
    targets = rng.normal(size=(8, 5, 1)).astype(np.float32)

    class Custom(keras.Model):
        def test_step(self, data):
            return super().test_step(data)

    results = []
    for kind in (keras.Model, Custom):
        keras.utils.set_random_seed(0)
        inputs = keras.Input((5,))
        hidden = layers.LSTM(4, return_sequences=True)(layers.Embedding(10, 3,
                                                                        mask_zero=True)(inputs))
        model = kind(inputs, layers.Dense(1)(hidden))
        model.compile("sgd", "mse", metrics=["mae"])
        results.append(model.evaluate(tokens, targets, verbose=0))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-6)

    class Tagger(keras.Model):
        def __init__(self):
            super().__init__()
            self.embed = layers.Embedding(10, 3, mask_zero=True)
            self.lstm = layers.LSTM(4, return_sequences=True)
            self.out = layers.Dense(1)

        def call(self, x):
            return self.out(self.lstm(self.embed(x)))
    outputs = Tagger()(tokens)
    real = tokens != 0
    errors = ((targets - outputs.data) ** 2)[..., 0]
    metric = keras.metrics.MeanSquaredError()
    metric.update_state(targets, outputs)
    assert float(metric.result()) == pytest.approx(errors[real].mean(), rel=1e-5)
    weights = np.arange(1.0, 9.0)
    metric = keras.metrics.MeanSquaredError()
    metric.update_state(targets, outputs, sample_weight=weights)
    weighted = weights[:, None] * real
    assert float(metric.result()) == pytest.approx((errors * weighted).sum() / weighted.sum(),
                                                   rel=1e-5)
