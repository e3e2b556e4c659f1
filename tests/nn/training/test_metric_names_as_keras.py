"""compile(metrics=[...]) by Keras' names ('precision', 'recall', 'AUC', 'f1_score') gives
Keras' numbers: its objects' defaults (Precision / Recall pooled over every output at 0.5,
AUC of 200 thresholds, F1Score one score per class), unweighted, over the whole epoch
however the batches split it. The literals are Keras 3.15.1's (torch backend) for the same
outputs: a model whose outputs are the fixed probabilities below."""
import numpy as np
import pytest

import nn.keras as keras
from nn.keras import layers

N = 23  # batches of 10, 10 and 3
NAMES = ["precision", "recall", "AUC", "f1_score"]


def _data():
    rng = np.random.default_rng(0)
    binary = rng.integers(0, 2, (N, 1)).astype("float32"), rng.random((N, 1)).astype("float32")
    multilabel = rng.integers(0, 2, (N, 4)).astype("float32"), rng.random((N, 4)).astype("float32")
    labels = rng.integers(0, 3, N)
    labels[:3] = [0, 1, 2]
    logits = rng.normal(size=(N, 3)) * 2
    probabilities = (np.exp(logits) / np.exp(logits).sum(1, keepdims=True)).astype("float32")
    weights = rng.random(N).astype("float32")
    return {"binary": binary, "multilabel": multilabel,
            "multiclass": (np.eye(3, dtype="float32")[labels], probabilities),
            "labels": labels}, weights


DATA, WEIGHTS = _data()
KERAS = {
    "binary": {"precision": 0.8571428656578064, "recall": 0.75, "AUC": 0.7410714030265808,
               "f1_score": [0.8205127716064453]},
    "multilabel": {"precision": 0.4901960790157318, "recall": 0.5319148898124695,
                   "AUC": 0.4657210111618042,
                   "f1_score": [0.16666662693023682, 0.3999999463558197, 0.333333283662796,
                                0.3999999761581421]},
    "multiclass": {"precision": 0.30434781312942505, "recall": 0.30434781312942505,
                   "AUC": 0.4565217196941376,
                   "f1_score": [0.14285710453987122, 0.4615384042263031, 0.31578946113586426]},
}


def _fixed(probabilities, metrics=NAMES):
    """A model whose outputs are `probabilities` for the inputs _inputs(probabilities) (an
    identity Dense, not trained at lr 0, then the sigmoid or softmax), compiled."""
    classes = probabilities.shape[1]
    softmax = classes == 3
    model = keras.Sequential([keras.Input(shape=(classes,)),
                              layers.Dense(classes, kernel_initializer="identity"),
                              layers.Activation("softmax" if softmax else "sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(0.0), metrics=metrics,
                  loss="categorical_crossentropy" if softmax else "binary_crossentropy")
    return model


def _inputs(probabilities):
    if probabilities.shape[1] == 3:
        return np.log(probabilities)
    return np.log(probabilities / (1 - probabilities))


def _assert_keras(logs, case):
    for name, expected in KERAS[case].items():
        np.testing.assert_allclose(logs[name], expected, rtol=1e-5, err_msg=name)


@pytest.mark.parametrize("case", list(KERAS))
def test_evaluate_gives_keras_numbers_weighted_or_not(case):
    targets, probabilities = DATA[case]
    model = _fixed(probabilities)
    for weights in (None, WEIGHTS):  # (compile's metrics are unweighted, as Keras')
        logs = model.evaluate(_inputs(probabilities), targets, batch_size=10, verbose=0,
                              sample_weight=weights, return_dict=True)
        _assert_keras(logs, case)


@pytest.mark.parametrize("case", list(KERAS))
def test_fit_history_gives_keras_numbers(case):
    targets, probabilities = DATA[case]
    model = _fixed(probabilities)
    history = model.fit(_inputs(probabilities), targets, batch_size=10, epochs=1,
                        shuffle=False, verbose=0, sample_weight=WEIGHTS).history
    _assert_keras({name: history[name][0] for name in NAMES}, case)


def test_class_labels_score_as_their_one_hot_rows():
    # (Keras' objects refuse labels of a multi-class output; rungrad reads them as one-hot)
    _, probabilities = DATA["multiclass"]
    model = _fixed(probabilities)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=NAMES)
    logs = model.evaluate(_inputs(probabilities), DATA["labels"], batch_size=10, verbose=0,
                          return_dict=True)
    _assert_keras(logs, "multiclass")


def test_auc_has_keras_200_thresholds_not_the_exact_area():
    targets = np.array([[1], [0], [1], [0], [1], [0], [0], [1]], "float32")
    probabilities = np.array([[.501], [.502], [.503], [.5031], [.504], [.5041], [.3], [.9]],
                             "float32")
    model = _fixed(probabilities, ["auc", "exact_auc"])
    logs = model.evaluate(_inputs(probabilities), targets, verbose=0, return_dict=True)
    assert logs["auc"] == pytest.approx(0.71875, rel=1e-6)  # Keras'
    assert logs["exact_auc"] == pytest.approx(0.625)  # rungrad's exact area, asked by name


def test_rungrad_names_keep_the_macro_averages():
    targets, probabilities = DATA["multiclass"]
    model = _fixed(probabilities, ["macro_precision", "macro_recall", "f1", "roc_auc"])
    logs = model.evaluate(_inputs(probabilities), targets, verbose=0, return_dict=True)
    assert logs["macro_precision"] == pytest.approx(0.297619, abs=1e-6)
    assert logs["macro_recall"] == pytest.approx(0.338528, abs=1e-6)
    assert logs["f1"] == pytest.approx(0.306728, abs=1e-6)
    assert logs["roc_auc"] == pytest.approx(0.467082, abs=1e-6)


def test_a_model_ending_in_logits_is_scored_on_its_probabilities():
    # rungrad's one deliberate difference (see nn.training.metrics): a logit above 0 is class 1
    targets, probabilities = DATA["multilabel"]
    model = keras.Sequential([keras.Input(shape=(4,)),
                              layers.Dense(4, kernel_initializer="identity")])
    model.compile(optimizer="sgd", metrics=NAMES,
                  loss=keras.losses.BinaryCrossentropy(from_logits=True))
    logs = model.evaluate(_inputs(probabilities), targets, batch_size=10, verbose=0,
                          return_dict=True)
    _assert_keras(logs, "multilabel")


def test_nan_outputs_give_nan():
    targets, probabilities = DATA["multiclass"]
    inputs = _inputs(probabilities)
    inputs[4, 1] = np.nan
    logs = _fixed(probabilities).evaluate(inputs, targets, batch_size=10, verbose=0,
                                          return_dict=True)
    for name in NAMES:
        assert np.all(np.isnan(logs[name])), name
    assert np.shape(logs["f1_score"]) == (3,)
