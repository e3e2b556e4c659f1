"""Metrics on small cases worked out by hand."""

import warnings

import numpy as np
import pytest

from nn import metrics as m

from .._helpers import Boxed

# ------------------------------------------------------------------ accuracy

def test_accuracy_of_labels():
    assert m.accuracy([0, 1, 2, 2], [0, 1, 1, 2]) == 0.75
    assert m.accuracy([0, 1, 2, 2], [0, 1, 1, 2], normalize=False) == 3


def test_accuracy_of_probability_rows_and_logits():
    y = np.array([2, 0, 1])
    probs = np.array([[0.1, 0.2, 0.7], [0.8, 0.1, 0.1], [0.5, 0.3, 0.2]])
    assert m.accuracy(y, probs) == pytest.approx(2 / 3)
    assert m.accuracy(y, np.log(probs) + 5.0) == pytest.approx(2 / 3)  # logits


def test_accuracy_thresholds_1d_probabilities_at_one_half():
    y = np.array([0, 1, 1, 0])
    p = np.array([0.2, 0.7, 0.5, 0.9])  # 0.5 is not above the threshold: predicts 0
    assert m.accuracy(y, p) == 0.5
    assert m.accuracy(y, p.reshape(-1, 1)) == 0.5  # an (n, 1) column is 1-D
    assert m.accuracy(y, p, threshold=0.1) == 0.5


def test_accuracy_takes_one_hot_truth_and_variables():
    one_hot = np.eye(3)[[0, 2, 1]]
    assert m.accuracy(Boxed(one_hot), Boxed(np.array([0, 2, 2]))) == pytest.approx(2 / 3)


def test_accuracy_rejects_unlabelled_floats():
    with pytest.raises(ValueError, match="outside"):
        m.accuracy([0, 1], np.array([-0.3, 1.7]))


def test_mismatched_lengths_name_both_shapes():
    with pytest.raises(ValueError, match=r"\(3,\).*\(4,\)"):
        m.accuracy([0, 1, 1], [0, 1, 1, 0])
    with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)"):
        m.mean_squared_error([1.0, 2.0], [1.0, 2.0, 3.0])


# --------------------------------------------------- precision, recall, F1

def test_binary_precision_recall_f1():
    y_true = [0, 1, 1, 0, 1, 1]
    y_pred = [0, 1, 0, 0, 1, 1]  # tp = 3, fp = 0, fn = 1
    assert m.precision(y_true, y_pred) == 1.0
    assert m.recall(y_true, y_pred) == 0.75
    assert m.f1_score(y_true, y_pred) == pytest.approx(6 / 7)
    assert m.precision(y_true, y_pred, pos_label=0) == pytest.approx(2 / 3)


def test_multiclass_averages():
    y_true = [0, 1, 2, 0, 1, 2]
    y_pred = [0, 2, 1, 0, 0, 1]  # class 0: tp 2, fp 1; classes 1, 2: tp 0
    np.testing.assert_allclose(m.precision(y_true, y_pred, average=None), [2 / 3, 0, 0])
    np.testing.assert_allclose(m.recall(y_true, y_pred, average=None), [1, 0, 0])
    np.testing.assert_allclose(m.f1_score(y_true, y_pred, average=None), [0.8, 0, 0])
    assert m.precision(y_true, y_pred, average="macro") == pytest.approx(2 / 9)
    assert m.precision(y_true, y_pred, average="micro") == pytest.approx(1 / 3)
    assert m.f1_score(y_true, y_pred, average="weighted") == pytest.approx(0.8 / 3)


def test_weighted_average_uses_support():
    y_true = [0, 0, 0, 1]
    y_pred = [0, 0, 1, 1]  # recall: class 0 2/3 (support 3), class 1 1 (support 1)
    assert m.recall(y_true, y_pred, average="weighted") == pytest.approx(0.75)


def test_weighted_average_without_support_falls_back_to_the_mean():
    # label 1 never occurs in y_true: its recall is the zero_division value, weight 0
    assert m.recall([0, 0], [1, 1], labels=[1], average="weighted", zero_division=1) == 1.0


def test_zero_division_gives_zero_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert m.precision([0, 1, 1], [0, 0, 0]) == 0.0
        assert m.f1_score([0, 0], [0, 0]) == 0.0
    assert m.precision([0, 1, 1], [0, 0, 0], zero_division=1) == 1.0


def test_binary_average_errors():
    with pytest.raises(ValueError, match="multi-class"):
        m.precision([0, 1, 2], [0, 1, 2])
    one_hot = np.eye(3)[[0, 1, 1, 0]]  # of 3 classes, two present: labels= does not make it binary
    with pytest.raises(ValueError, match="one-hot y_true of 3 classes is multi-class"):
        m.precision(one_hot, one_hot, labels=[0, 1])
    with pytest.raises(ValueError, match="pos_label=1"):
        m.recall([2, 3], [2, 3])
    with pytest.raises(ValueError, match="average"):
        m.recall([0, 1], [0, 1], average="mean")


@pytest.mark.parametrize("call, message", [
    (lambda: m.f1_score([0, 1], [0, 1], zero_division=5), r"zero_division must be 'warn', 0, 1"),
    (lambda: m.roc_auc_score([0, 1], [0.2, 0.7], average="bogus"),
     r"roc_auc_score: average must be 'macro', 'weighted', 'micro', 'samples' or None, got "
     r"'bogus'"),
    (lambda: m.accuracy(np.array([], int), np.array([], int)), r"accuracy: no samples"),
    (lambda: m.mean_squared_error(np.ones((3, 2)), np.zeros((3, 2)), multioutput=[1.0]),
     r"multioutput: 1 weight\(s\) given for 2 output\(s\)"),
])
def test_bad_arguments_are_refused_as_scikit_learn_does(call, message):
    # each was accepted silently (or failed deep in NumPy)
    with pytest.raises(ValueError, match=message):
        call()


def test_label_metrics_take_probabilities():
    assert m.precision([0, 1, 1], np.array([0.9, 0.8, 0.1])) == 0.5


@pytest.mark.parametrize("metric", [m.accuracy, m.precision, m.recall, m.f1_score,
                                    m.confusion_matrix, m.roc_auc_score])
def test_fractional_truth_is_a_swapped_call_not_thresholded(metric):
    # metric(y_score, y_true) used to threshold the scores as the truth: a plausible number
    y, scores = np.array([0, 1, 1, 0, 1]), np.array([0.1, 0.9, 0.4, 0.3, 0.8])
    with pytest.raises(ValueError, match=r"y_true holds fractional values \(0.1, 0.9, 0.4"):
        metric(scores, y)
    with pytest.raises(ValueError, match="y_true holds fractional"):
        metric(scores.reshape(-1, 1), y)
    metric(y.astype(np.float32), scores)  # whole-number float labels are labels


# ---------------------------------------------------------- confusion matrix

def test_confusion_matrix():
    cm = m.confusion_matrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2])
    np.testing.assert_array_equal(cm, [[2, 0, 0], [0, 0, 1], [1, 0, 2]])
    assert cm.dtype == np.int64


def test_confusion_matrix_labels_and_normalize():
    cm = m.confusion_matrix(["cat", "ant", "cat"], ["ant", "ant", "cat"],
                            labels=["cat", "ant", "bird"])
    np.testing.assert_array_equal(cm, [[1, 1, 0], [0, 1, 0], [0, 0, 0]])
    rows = m.confusion_matrix([0, 0, 1], [0, 1, 1], normalize="true")
    np.testing.assert_allclose(rows, [[0.5, 0.5], [0, 1]])
    with pytest.raises(ValueError, match="normalize"):
        m.confusion_matrix([0], [0], normalize="rows")


# ------------------------------------------------------------ ranking metrics

def test_roc_auc_binary():
    assert m.roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
    # (n, 2) probabilities: column 1 scores the positive class
    two = np.array([[0.9, 0.1], [0.6, 0.4], [0.65, 0.35], [0.2, 0.8]])
    assert m.roc_auc_score([0, 0, 1, 1], two) == 0.75


def test_roc_auc_counts_ties_as_half():
    # negative/positive pairs: (.1,.5) (.1,.9) (.5,.9) won, (.5,.5) tied -> 3.5 / 4
    assert m.roc_auc_score([0, 0, 1, 1], [0.1, 0.5, 0.5, 0.9]) == 0.875
    assert m.roc_auc_score([0, 1, 0, 1], [0.3, 0.3, 0.3, 0.3]) == 0.5


def test_roc_auc_positive_is_the_greater_label():
    assert m.roc_auc_score([3, 3, 7, 7], [0.1, 0.4, 0.35, 0.8]) == 0.75


def test_roc_auc_binary_columns_follow_labels():
    """(n, 2) probabilities with labels: column j is labels[j]'s, as with more classes (the
    positive class stays the greater label); it ranked column 1 whatever labels said."""
    y = [1, 1, 1, 0, 0, 0]
    p = np.array([0.9, 0.8, 0.7, 0.3, 0.2, 0.1])  # P(class 1)
    assert m.roc_auc_score(y, np.stack([p, 1 - p], axis=1), labels=[1, 0]) == 1.0
    assert m.roc_auc_score(y, np.stack([1 - p, p], axis=1), labels=[0, 1]) == 1.0
    assert m.roc_auc_score(y, p, labels=[1, 0]) == 1.0  # 1-D: the greater label's scores
    with pytest.raises(ValueError, match=r"labels \[2, 7\]"):
        m.roc_auc_score(y, p, labels=[2, 7])
    with pytest.raises(ValueError, match="two distinct classes"):
        m.roc_auc_score(y, p, labels=[1, 1])


def test_missing_values_are_named_as_such():
    """NaN in y_true is a missing label (not scores passed first); NaN or infinity in a
    regression metric's input is refused as scikit-learn does, not returned as NaN."""
    for metric in (m.accuracy, m.f1_score, m.confusion_matrix, m.roc_auc_score):
        with pytest.raises(ValueError, match="y_true contains NaN: a missing label"):
            metric(np.array([np.nan, 1, 0, 1]), np.array([0.1, 0.9, 0.2, 0.4]))
    for metric in (m.mean_squared_error, m.mean_absolute_error, m.r2_score):
        with pytest.raises(ValueError, match="y_true contains NaN or infinity"):
            metric([1.0, np.inf, 3.0], [1.0, 2.0, 3.0])
        with pytest.raises(ValueError, match="y_pred contains NaN or infinity"):
            metric([1.0, 2.0, 3.0], [1.0, np.nan, 3.0])
    scores = np.array([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [np.nan, 0.2, 0.7]])
    with pytest.raises(ValueError, match="y_score contains NaN or infinity"):
        m.roc_auc_score([0, 1, 2], scores)


def test_roc_auc_with_one_class_is_nan():
    assert np.isnan(m.roc_auc_score([1, 1, 1], [0.2, 0.5, 0.9]))


def test_roc_auc_of_each_sample_for_multi_label_data():
    y = np.array([[1, 0, 1], [0, 1, 1], [1, 1, 0]])
    scores = np.array([[.9, .2, .4], [.1, .7, .8], [.6, .3, .5]])
    # rows: both positives above the negative (1, 1), one of two pairs ordered (0.5)
    assert m.roc_auc_score(y, scores, average="samples") == pytest.approx(2.5 / 3)
    assert np.isnan(m.roc_auc_score([[1, 1, 1], [0, 1, 1]], scores[:2], average="samples"))
    with pytest.raises(ValueError, match="'samples' applies to multi-label y_true"):
        m.roc_auc_score([0, 1, 2], np.eye(3), average="samples")


def test_roc_auc_multiclass_ovr():
    y = np.array([0, 1, 2, 2])
    scores = np.array([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.2, 0.7], [0.6, 0.1, 0.3]])
    # class 0: 1.0; class 1: 1.0; class 2: scores .7,.3 vs .1,.1 -> 1.0
    assert m.roc_auc_score(y, scores) == 1.0
    scores[3] = [0.05, 0.9, 0.05]
    # class 1: its .7 beats .1 and .2 but not .9 -> 2/3;
    # class 2: .7 beats both negatives (.1, .1), .05 beats neither -> 2/4
    per_class = m.roc_auc_score(y, scores, average=None)
    np.testing.assert_allclose(per_class, [1.0, 2 / 3, 0.5])
    assert m.roc_auc_score(y, scores) == pytest.approx((1 + 2 / 3 + 0.5) / 3)
    assert m.roc_auc_score(y, scores, average="weighted") == pytest.approx(
        (1 + 2 / 3 + 2 * 0.5) / 4)
    with pytest.raises(ValueError, match="one score column per class"):
        m.roc_auc_score(y, scores[:, :2] + 0.0, labels=[0, 1, 2])


def test_roc_curve():
    fpr, tpr, thresholds = m.roc_curve([1, 1, 2, 2], [0.1, 0.4, 0.35, 0.8], pos_label=2)
    np.testing.assert_allclose(fpr, [0, 0, 0.5, 0.5, 1])
    np.testing.assert_allclose(tpr, [0, 0.5, 0.5, 1, 1])
    np.testing.assert_allclose(thresholds, [np.inf, 0.8, 0.4, 0.35, 0.1])


def test_roc_curve_needs_pos_label_for_other_classes():
    with pytest.raises(ValueError, match="pos_label"):
        m.roc_curve([1, 1, 2, 2], [0.1, 0.4, 0.35, 0.8])


def test_precision_recall_curve():
    p, r, t = m.precision_recall_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    np.testing.assert_allclose(p, [0.5, 2 / 3, 0.5, 1, 1])
    np.testing.assert_allclose(r, [1, 1, 0.5, 0.5, 0])
    np.testing.assert_allclose(t, [0.1, 0.35, 0.4, 0.8])


# -------------------------------------------------------- regression metrics

def test_regression_metrics():
    y_true, y_pred = [3, -0.5, 2, 7], [2.5, 0.0, 2, 8]
    assert m.mean_squared_error(y_true, y_pred) == 0.375
    assert m.mean_absolute_error(y_true, y_pred) == 0.5
    assert m.r2_score([1, 2, 3], [1, 2, 4]) == 0.5  # SS_res 1, SS_tot 2


def test_regression_multioutput():
    y_true = np.array([[1.0, 0.0], [3.0, 0.0]])
    y_pred = np.array([[2.0, 0.0], [3.0, 2.0]])
    np.testing.assert_allclose(
        m.mean_squared_error(y_true, y_pred, multioutput="raw_values"), [0.5, 2.0])
    assert m.mean_absolute_error(y_true, y_pred) == 0.75
    assert m.mean_squared_error(y_true, y_pred, multioutput=[3, 1]) == 0.875
    # output 0: 1 - 1/2; output 1 is constant and missed -> 0; variance-weighted: 0.5
    np.testing.assert_allclose(m.r2_score(y_true, y_pred, multioutput="raw_values"),
                               [0.5, 0.0])
    assert m.r2_score(y_true, y_pred, multioutput="variance_weighted") == 0.5


def test_r2_edge_cases():
    assert m.r2_score([2.0, 2.0], [2.0, 2.0]) == 1.0
    assert m.r2_score([2.0, 2.0], [2.0, 3.0]) == 0.0
    assert np.isnan(m.r2_score([1.0], [1.0]))


def test_regression_accepts_columns_and_variables():
    assert m.mean_squared_error(Boxed(np.array([1.0, 2.0])),
                                Boxed(np.array([[1.0], [4.0]]))) == 2.0
    with pytest.raises(ValueError, match="outputs"):
        m.mean_squared_error(np.zeros((2, 2)), np.zeros((2, 3)))


def test_outputs_that_would_give_a_plausible_but_wrong_score_are_refused():
    logits = np.array([[2.0, -1.0], [-0.5, 1.5], [0.3, 0.1]])
    with pytest.raises(ValueError, match=r"y_score of shape \(n, 2\) must hold probabilities"):
        m.roc_auc_score([0, 1, 1], logits)  # column 1 of logits ranks wrongly
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    assert m.roc_auc_score([0, 1, 1], probabilities) == 1.0
    with pytest.raises(ValueError, match=r"probabilities of class 1, read as labels 0 and 1, "
                                         r"but y_true's labels are \[-1, 1\]"):
        m.accuracy([-1, 1, 1, -1], [0.1, 0.9, 0.8, 0.3])
    with pytest.raises(ValueError, match=r"y_true's labels are \[1, 2\]"):
        m.confusion_matrix([1, 2, 2, 1], [0.1, 0.9, 0.8, 0.3])
    assert m.accuracy([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3]) == 1.0
    with pytest.raises(ValueError, match="y_pred contains NaN"):
        m.accuracy([0, 1, 1], np.array([[np.nan, 1.0], [0.0, 1.0], [1.0, 0.0]]))


def test_compiled_label_metrics_of_nan_outputs_are_nan_and_do_not_stop_fit():
    import nn
    x = np.random.default_rng(0).standard_normal((16, 3)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.float32)
    model = nn.Sequential(nn.Linear(3, 1), nn.Sigmoid())
    model.compile(optimizer="sgd", loss="binary_crossentropy",
                  metrics=["accuracy", "auc", "precision", "recall", "f1", "mse", "mae"])
    model[0].weight.data[...] = np.nan  # a diverged model
    scores = model.evaluate(x, y, verbose=0, return_dict=True)
    assert all(np.isnan(value) for value in scores.values()), scores


def test_soft_true_rows_and_repeated_labels_are_refused_as_in_scikit_learn():
    with pytest.raises(ValueError, match=r"y_true of shape \(2, 2\) holds rows that are not "
                                         r"one-hot"):
        m.accuracy([[0.6, 0.4], [0.3, 0.7]], [0, 1])
    assert m.accuracy(np.eye(3), [0, 1, 2]) == 1.0
    for metric in (m.confusion_matrix, m.precision, m.recall, m.f1_score):
        kwargs = {} if metric is m.confusion_matrix else {"average": None}
        with pytest.raises(ValueError, match=r"labels must be distinct, got \[0, 1, 1\]"):
            metric([0, 1, 1], [0, 1, 0], labels=[0, 1, 1], **kwargs)


def test_class_scores_refuse_labels_they_have_no_column_for():
    """(n, k) scores are read as classes 0..k-1 by argmax: labels 1 and 2 against 2 columns
    compared column j with label j (accuracy 0.25, where the question has no answer)."""
    p = np.array([[.1, .9], [.2, .8], [.7, .3], [.6, .4]])
    with pytest.raises(ValueError, match=r"scores 2 classes .* labels outside them: \[2\]"):
        m.accuracy([1, 2, 2, 1], p)
    with pytest.raises(ValueError, match=r"labels outside them: \[3, 4\]"):
        m.precision([0, 4, 3, 1], np.eye(3)[[0, 2, 2, 1]], average="macro")
    with pytest.raises(ValueError, match="one-hot rows are 3 wide but y_pred scores 4"):
        m.accuracy(np.eye(3)[[0, 1, 2]], np.eye(4)[[0, 1, 3]] * .7 + .075)
    assert m.accuracy([1, 1, 1, 1], p) == 0.5
    assert m.accuracy(np.array([1., 1, 1, 1]), p) == 0.5
    assert m.accuracy(np.eye(2)[[1, 1, 1, 1]], p) == 0.5
