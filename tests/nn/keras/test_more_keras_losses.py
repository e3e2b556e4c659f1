"""Keras 3.15's CTC, Circle and CategoricalGeneralizedCrossEntropy (nn.keras.losses): Keras'
own values (computed by Keras 3.15 on the torch backend, written here as literals), their
reductions, names, configs, compile, and gradients against numerical differentiation."""
import numpy as np
import pytest

import nn.keras as keras
from autograd import Variable, gradcheck

losses = keras.losses


def ctc_case():
    rng = np.random.default_rng(0)
    return np.array([[1, 2, 2, 0], [3, 1, 0, 0]]), rng.normal(size=(2, 6, 4)).astype(np.float32)


def circle_case():
    rng = np.random.default_rng(0)
    rng.normal(size=(2, 6, 4))  # (the draws of ctc_case come first, as Keras' run had them)
    embeddings = rng.normal(size=(6, 3)).astype(np.float32)
    embeddings /= np.linalg.norm(embeddings, axis=1, keepdims=True)
    return np.array([0, 1, 0, 2, 1, 0]), embeddings


GCE_LABELS = np.array([0, 1, 2, 1])
GCE_PROBABILITIES = np.array([[.7, .2, .1], [.2, .5, .3], [.1, .1, .8], [.3, .3, .4]],
                             np.float32)


def test_ctc_gives_keras_values():
    labels, logits = ctc_case()
    np.testing.assert_allclose(losses.ctc(labels, logits).data, [7.6563115, 5.1387844],
                               rtol=1e-6)
    np.testing.assert_allclose(losses.ctc(labels.astype(np.float32), logits).data,
                               [7.6563115, 5.1387844], rtol=1e-6)  # (float labels, as Keras')
    assert float(losses.CTC()(labels, logits).data) == pytest.approx(6.397547721862793,
                                                                    rel=1e-6)
    weighted = losses.CTC(reduction="sum")(labels, logits, sample_weight=np.float32([0.5, 2]))
    assert float(weighted.data) == pytest.approx(14.105724334716797, rel=1e-6)


def test_circle_gives_keras_values_its_mean_over_the_samples_above_zero():
    labels, embeddings = circle_case()
    np.testing.assert_allclose(losses.circle(labels, embeddings).data,
                               [171.04755, 60.64982, 229.56082, 0.0, 2.2493684, 144.60156],
                               rtol=1e-6)
    kept_self = losses.circle(labels, embeddings, remove_diagonal=False).data
    assert kept_self[3] == pytest.approx(8.2823408e-06, rel=1e-4)  # (its pair with itself)
    # (the sample of label 2 has no positive pair: loss 0, left out of the mean)
    assert float(losses.Circle()(labels, embeddings).data) == pytest.approx(121.621826171875,
                                                                            rel=1e-6)
    assert float(losses.Circle(gamma=2.0, margin=0.25)(labels, embeddings).data) == \
        pytest.approx(4.319676399230957, rel=1e-6)
    weighted = losses.Circle(gamma=2.0)(labels, embeddings,
                                        sample_weight=np.float32([1, 2, 0, 1, .5, 1]))
    assert float(weighted.data) == pytest.approx(3.0874717235565186, rel=1e-6)


def test_generalized_cross_entropy_gives_keras_values():
    np.testing.assert_allclose(losses.categorical_generalized_cross_entropy(
        GCE_LABELS, GCE_PROBABILITIES, q=0.5).data,
        [0.32667994, 0.58578646, 0.21114564, 0.90455484], rtol=1e-6)
    loss = losses.CategoricalGeneralizedCrossEntropy()
    assert float(loss(GCE_LABELS, GCE_PROBABILITIES).data) == pytest.approx(
        0.5070416927337646, rel=1e-6)
    weighted = losses.CategoricalGeneralizedCrossEntropy(q=0.3)(
        GCE_LABELS, GCE_PROBABILITIES, sample_weight=np.float32([1, 0, 2, .5]))
    assert float(weighted.data) == pytest.approx(0.3187975287437439, rel=1e-6)


def test_generalized_cross_entropy_reads_labels_of_shape_n_1_as_n():
    """Keras' docs take (N, 1) labels; Keras itself broadcasts them against every row
    (0.9281 here), which no reading of the formula gives."""
    loss = losses.CategoricalGeneralizedCrossEntropy()
    assert float(loss(GCE_LABELS[:, None], GCE_PROBABILITIES).data) == pytest.approx(
        0.5070416927337646, rel=1e-6)


def test_circle_against_reference_embeddings_of_its_own():
    labels, embeddings = circle_case()
    # the references being the batch itself gives the batch's own loss
    np.testing.assert_allclose(
        losses.circle(labels, embeddings, ref_labels=labels, ref_embeddings=embeddings).data,
        losses.circle(labels, embeddings).data)
    refs = losses.circle(labels[:2], embeddings[:2], ref_labels=labels,
                         ref_embeddings=embeddings, remove_diagonal=False)
    assert refs.shape == (2,)
    with pytest.raises(ValueError, match="ref_labels must be integer labels of shape"):
        losses.circle(labels, embeddings, ref_labels=labels[:3], ref_embeddings=embeddings)


def test_configs_names_and_serialization_are_keras():
    assert losses.CTC().get_config() == {"name": "ctc", "reduction": "sum_over_batch_size"}
    assert losses.Circle().get_config() == {
        "name": "circle", "reduction": "sum_over_batch_size", "gamma": 80.0, "margin": 0.4,
        "remove_diagonal": True}
    assert losses.CategoricalGeneralizedCrossEntropy().get_config() == {
        "name": "categorical_generalized_cross_entropy", "reduction": "sum_over_batch_size",
        "q": 0.5}
    circle = losses.deserialize(losses.serialize(losses.Circle(3.0, 0.2, False, "sum")))
    assert (circle.gamma, circle.margin, circle.remove_diagonal, circle.reduction) == (
        3.0, 0.2, False, "sum")
    for name in ("ctc", "circle", "categorical_generalized_cross_entropy"):
        assert losses.get(name) is getattr(losses, name)
    assert isinstance(losses.get("CTC"), losses.CTC)


@pytest.mark.parametrize("jit", [False, True])
def test_compile_by_name_gives_the_loss_objects_value_and_trains(jit):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype(np.float32)
    labels = (x[:, 0] > 0).astype(np.int64) + (x[:, 1] > 0)
    embed = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3),
                              keras.layers.UnitNormalization()])
    classify = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    frames = rng.normal(size=(16, 6, 4)).astype(np.float32)
    padded = np.array([[1, 2, 0], [3, 0, 0]] * 8)
    tag = keras.Sequential([keras.Input((6, 4)), keras.layers.Dense(5)])
    for model, name, cls, x_, y in (
            (embed, "circle", losses.Circle, x, labels),
            (classify, "categorical_generalized_cross_entropy",
             losses.CategoricalGeneralizedCrossEntropy, x, labels),
            (tag, "ctc", losses.CTC, frames, padded)):
        model.compile("adam", name, jit_compile=jit)
        direct = float(cls()(y, model.predict(x_, verbose=0)).data)
        assert model.evaluate(x_, y, batch_size=len(x_), verbose=0) == pytest.approx(direct,
                                                                                     rel=1e-5)
        history = model.fit(x_, y, batch_size=len(x_), epochs=4, verbose=0).history["loss"]
        assert history[-1] < history[0], name


def test_a_model_compiled_with_circle_is_saved_with_its_options(tmp_path):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3),
                              keras.layers.UnitNormalization()])
    model.compile("adam", losses.Circle(gamma=4.0, margin=0.3))
    x = np.random.default_rng(1).normal(size=(12, 4)).astype(np.float32)
    labels = np.arange(12) % 3
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert loaded.evaluate(x, labels, verbose=0) == pytest.approx(
        model.evaluate(x, labels, verbose=0), rel=1e-6)


def test_circle_has_the_numerical_gradient_for_embeddings_and_references():
    rng = np.random.default_rng(2)
    labels, ref_labels = np.array([0, 1, 0, 2, 1]), np.array([1, 0, 2, 2])
    # (inside the region where no clip of the distances or of the weights is at its kink)
    embeddings = Variable(0.5 * rng.normal(size=(5, 3)))
    refs = Variable(0.5 * rng.normal(size=(4, 3)))
    assert gradcheck(lambda e: losses.circle(labels, e, gamma=2.0, margin=0.25), embeddings)
    assert gradcheck(lambda e, r: losses.circle(labels, e, ref_labels=ref_labels,
                                                ref_embeddings=r, gamma=3.0), embeddings, refs)


def test_circle_without_any_pair_to_score_is_zero_with_a_zero_gradient():
    embeddings = Variable(np.float32([[1, 0], [0, 1], [0.6, 0.8]]))
    loss = losses.Circle()(np.array([1, 1, 1]), embeddings)  # (no negative pair at all)
    loss.backward()
    assert float(loss.data) == 0.0
    np.testing.assert_array_equal(embeddings.grad.data, 0.0)
    embeddings.cleargrad()
    losses.Circle()(np.array([0, 1, 0]), embeddings).backward()  # (label 1: no positive)
    assert np.isfinite(embeddings.grad.data).all()


def test_generalized_cross_entropy_and_ctc_have_the_numerical_gradient():
    rng = np.random.default_rng(3)
    probabilities = Variable(rng.uniform(0.1, 0.9, (4, 3)))
    assert gradcheck(lambda p: losses.categorical_generalized_cross_entropy(
        GCE_LABELS[:, None], p, q=0.7), probabilities)
    labels, _ = ctc_case()
    logits = Variable(rng.normal(size=(2, 6, 4)))
    assert gradcheck(lambda z: losses.ctc(labels, z), logits)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=r"q must be a number in the interval \(0, 1\)"):
        losses.CategoricalGeneralizedCrossEntropy(q=1.0)
    with pytest.raises(ValueError, match=r"q must be .* \(0, inf\), got -0.5"):
        losses.categorical_generalized_cross_entropy(GCE_LABELS, GCE_PROBABILITIES, -0.5)
    with pytest.raises(ValueError, match=r"labels must be class indices in \[0, 3\)"):
        losses.categorical_generalized_cross_entropy([0, 1, 3, 1], GCE_PROBABILITIES, 0.5)
    with pytest.raises(ValueError, match=r"y_true must be integer class labels of shape \(4,\)"):
        losses.categorical_generalized_cross_entropy([0, 1], GCE_PROBABILITIES, 0.5)
    labels, logits = ctc_case()
    with pytest.raises(ValueError, match=r"ctc: y_true must be .* got shape \(2, 4, 1\)"):
        losses.ctc(labels[..., None], logits)
    with pytest.raises(ValueError, match=r"ctc: y_pred must be logits .* got shape \(2, 6\)"):
        losses.ctc(labels, logits[..., 0])
    labels, embeddings = circle_case()
    with pytest.raises(ValueError, match=r"circle: y_pred must be embeddings"):
        losses.circle(labels, embeddings[..., None])
    with pytest.raises(ValueError, match=r"circle: y_true must be integer labels of shape"):
        losses.circle(labels[:4], embeddings)
    with pytest.raises(TypeError, match="Circle: unexpected or repeated arguments"):
        losses.Circle(scale=2.0)


def test_compiled_circle_also_averages_over_the_samples_above_zero_only():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3),
                              keras.layers.UnitNormalization()])
    model.compile("adam", "circle")
    x = np.random.default_rng(4).normal(size=(6, 4)).astype(np.float32)
    labels = np.array([0, 1, 0, 2, 1, 0])  # (label 2 alone: no positive pair, loss 0)
    each = losses.circle(labels, model.predict(x, verbose=0)).data
    assert each[3] == 0.0
    assert model.evaluate(x, labels, batch_size=6, verbose=0) == pytest.approx(
        each.sum() / 5, rel=1e-5)
