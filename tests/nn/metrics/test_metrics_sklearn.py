"""Property tests: every metric agrees with scikit-learn on random inputs."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nn import metrics as m

skm = pytest.importorskip("sklearn.metrics")

# scikit-learn warns about degenerate inputs (e.g. a single label); its numbers are
# still the reference, so the warnings are not errors here.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:sklearn")


@st.composite
def label_pairs(draw, max_classes=4):
    """(y_true, y_pred): equally long int label arrays from up to max_classes classes."""
    k = draw(st.integers(2, max_classes))
    n = draw(st.integers(1, 30))
    labels = arrays(np.int64, n, elements=st.integers(0, k - 1))
    return draw(labels), draw(labels)


@st.composite
def scored_binary(draw):
    """(y_true in {0, 1} with both classes, scores on a coarse grid so ties happen)."""
    n = draw(st.integers(2, 30))
    y = draw(arrays(np.int64, n, elements=st.integers(0, 1)))
    assume(0 < y.sum() < n)
    grid = draw(st.sampled_from([4, 10, 1000]))
    scores = draw(arrays(np.int64, n, elements=st.integers(0, grid))) / grid
    return y, scores


@st.composite
def regression_pairs(draw):
    """(y_true, y_pred) of shape (n,) or (n, outputs), bounded finite floats."""
    n = draw(st.integers(2, 20))
    shape = draw(st.sampled_from([(n,), (n, 1), (n, 3)]))
    values = st.floats(-100, 100, allow_nan=False, allow_infinity=False)
    return draw(arrays(np.float64, shape, elements=values)), \
        draw(arrays(np.float64, shape, elements=values))


@given(label_pairs())
def test_accuracy_and_confusion_matrix(pair):
    y_true, y_pred = pair
    assert m.accuracy(y_true, y_pred) == skm.accuracy_score(y_true, y_pred)
    np.testing.assert_array_equal(m.confusion_matrix(y_true, y_pred),
                                  skm.confusion_matrix(y_true, y_pred))
    for how in ("true", "pred", "all"):
        np.testing.assert_allclose(m.confusion_matrix(y_true, y_pred, normalize=how),
                                   skm.confusion_matrix(y_true, y_pred, normalize=how))


@given(label_pairs(), st.sampled_from(["micro", "macro", "weighted", None]))
def test_precision_recall_f1_averages(pair, average):
    y_true, y_pred = pair
    for ours, theirs in ((m.precision, skm.precision_score), (m.recall, skm.recall_score),
                         (m.f1_score, skm.f1_score)):
        np.testing.assert_allclose(
            ours(y_true, y_pred, average=average),
            theirs(y_true, y_pred, average=average, zero_division=0), rtol=1e-12)


@given(label_pairs(max_classes=2), st.sampled_from([0, 1, np.nan]))
def test_binary_precision_recall_f1(pair, zero_division):
    y_true, y_pred = pair
    for ours, theirs in ((m.precision, skm.precision_score), (m.recall, skm.recall_score),
                         (m.f1_score, skm.f1_score)):
        np.testing.assert_allclose(
            ours(y_true, y_pred, zero_division=zero_division),
            theirs(y_true, y_pred, zero_division=zero_division), rtol=1e-12)


@given(label_pairs(max_classes=5), st.lists(st.integers(0, 5), min_size=1, max_size=4,
                                            unique=True))
def test_explicit_labels(pair, labels):
    y_true, y_pred = pair
    assume(np.isin(y_true, labels).any())
    np.testing.assert_array_equal(m.confusion_matrix(y_true, y_pred, labels=labels),
                                  skm.confusion_matrix(y_true, y_pred, labels=labels))
    np.testing.assert_allclose(
        m.f1_score(y_true, y_pred, average="macro", labels=labels),
        skm.f1_score(y_true, y_pred, average="macro", labels=labels, zero_division=0))


@given(scored_binary())
def test_roc_auc_and_curves(case):
    y, scores = case
    assert m.roc_auc_score(y, scores) == pytest.approx(skm.roc_auc_score(y, scores),
                                                       rel=1e-12)
    for drop in (True, False):
        for ours, theirs in zip(m.roc_curve(y, scores, drop_intermediate=drop),
                                skm.roc_curve(y, scores, drop_intermediate=drop)):
            np.testing.assert_allclose(ours, theirs, rtol=1e-12)
        for ours, theirs in zip(
                m.precision_recall_curve(y, scores, drop_intermediate=drop),
                skm.precision_recall_curve(y, scores, drop_intermediate=drop)):
            np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@st.composite
def scored_multiclass(draw):
    """(y_true holding all k classes, row-normalised scores (n, k) with ties)."""
    k = draw(st.integers(3, 4))
    n = draw(st.integers(k, 30))
    y = draw(arrays(np.int64, n, elements=st.integers(0, k - 1)))
    assume(len(np.unique(y)) == k)
    raw = draw(arrays(np.int64, (n, k), elements=st.integers(1, 5))).astype(float)
    return y, raw / raw.sum(axis=1, keepdims=True)


@given(scored_multiclass(), st.sampled_from(["macro", "weighted", "micro", None]))
def test_multiclass_roc_auc(case, average):
    y, scores = case
    np.testing.assert_allclose(
        m.roc_auc_score(y, scores, average=average),
        skm.roc_auc_score(y, scores, multi_class="ovr", average=average), rtol=1e-12)


@given(regression_pairs(), st.sampled_from(["uniform_average", "raw_values"]))
def test_regression(pair, multioutput):
    y_true, y_pred = pair
    for ours, theirs in ((m.mean_squared_error, skm.mean_squared_error),
                         (m.mean_absolute_error, skm.mean_absolute_error),
                         (m.r2_score, skm.r2_score)):
        np.testing.assert_allclose(ours(y_true, y_pred, multioutput=multioutput),
                                   theirs(y_true, y_pred, multioutput=multioutput),
                                   rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(
        m.r2_score(y_true, y_pred, multioutput="variance_weighted"),
        skm.r2_score(y_true, y_pred, multioutput="variance_weighted"),
        rtol=1e-9, atol=1e-12)


@st.composite
def multilabel_pairs(draw):
    """(Y_true, Y_pred): (n, k) 0/1 matrices, at least one row not one-hot (multi-label)."""
    n, k = draw(st.integers(1, 12)), draw(st.integers(2, 5))
    matrix = arrays(np.int64, (n, k), elements=st.integers(0, 1))
    y_true, y_pred = draw(matrix), draw(matrix)
    assume(not ((y_true.sum(axis=1) == 1).all() and (y_pred.sum(axis=1) == 1).all()))
    return y_true, y_pred


@given(multilabel_pairs(), st.sampled_from(["micro", "macro", "weighted", "samples", None]),
       st.sampled_from([0, 1, np.nan]), st.booleans())
def test_multilabel_scores_label_by_label(pair, average, zero_division, some_columns):
    y_true, y_pred = pair
    labels = [0, y_true.shape[1] - 1] if some_columns else None
    options = {"average": average, "zero_division": zero_division, "labels": labels}
    for ours, theirs in ((m.precision, skm.precision_score), (m.recall, skm.recall_score),
                         (m.f1_score, skm.f1_score)):
        np.testing.assert_allclose(ours(y_true, y_pred, **options),
                                   theirs(y_true, y_pred, **options), rtol=1e-12)
    assert m.accuracy(y_true, y_pred) == skm.accuracy_score(y_true, y_pred)


@given(multilabel_pairs(), st.sampled_from(["micro", "macro", "weighted", None]))
def test_multilabel_auc_ranks_each_column(pair, average):
    y_true, _ = pair
    scores = np.random.default_rng(y_true.size).integers(0, 5, y_true.shape) / 4
    assume(all(0 < c < len(y_true) for c in y_true.sum(axis=0)))  # sklearn refuses less
    np.testing.assert_allclose(m.roc_auc_score(y_true, scores, average=average),
                               skm.roc_auc_score(y_true, scores, average=average), rtol=1e-12)


def test_multilabel_data_is_never_argmaxed_silently():
    y_true = np.array([[1, 0, 1], [0, 1, 1], [0, 0, 0], [1, 1, 0]])
    probabilities = np.array([[.9, .2, .4], [.1, .7, .8], [.6, .1, .3], [.7, .9, .6]])
    assert m.accuracy(y_true, probabilities) == 0.25  # thresholded at 0.5, rows compared
    with pytest.raises(ValueError, match="no single confusion matrix"):
        m.confusion_matrix(y_true, probabilities > 0.5)
    with pytest.raises(ValueError, match="average must be 'micro'.*got 'binary'"):
        m.f1_score(y_true, probabilities > 0.5)
    with pytest.raises(ValueError, match="same shape"):
        m.precision(y_true, np.array([0, 1, 2, 0]), average="macro")
    with pytest.raises(ValueError, match="'samples' applies to multi-label data only"):
        m.recall([0, 1, 1], [0, 1, 0], average="samples")


def test_weighted_auc_gives_an_absent_class_weight_zero():
    y = np.array([0, 1, 0, 1])
    p = np.array([[.8, .1, .1], [.1, .8, .1], [.7, .2, .1], [.2, .7, .1]])
    assert m.roc_auc_score(y, p, labels=[0, 1, 2], average="weighted") == skm.roc_auc_score(
        y, p, labels=[0, 1, 2], average="weighted", multi_class="ovr") == 1.0


def test_bad_label_inputs_are_refused_as_sklearn_refuses_them():
    with pytest.raises(ValueError, match="mix of label types"):
        m.confusion_matrix(np.array(["0", "1", "1"]), [0, 1, 0])
    with pytest.raises(ValueError, match=r"labels \[2\] that are not in labels \[0, 1, 5\]"):
        m.roc_auc_score([0, 1, 2], np.eye(3), labels=[0, 1, 5])
    with pytest.raises(ValueError, match="must be probabilities.*softmax"):
        m.roc_auc_score([0, 1, 2, 1], np.array([[3., 1, 0], [0, 2, 1], [1, 0, 4], [0, 5, 1]]))
    for metric in (m.mean_squared_error, m.mean_absolute_error, m.r2_score, m.f1_score,
                   m.confusion_matrix):
        with pytest.raises(ValueError, match="no samples"):
            metric([], [])


@given(label_pairs(), st.sampled_from(["macro", "micro", "weighted", None]))
def test_one_hot_rows_score_every_column_as_sklearn(pair, average):
    """One-hot y_true (n, k) is scored over all k classes, as scikit-learn scores an
    indicator matrix: a class in neither array counts (macro read too high without it)."""
    y_true, y_pred = pair
    k = int(max(y_true.max(), y_pred.max())) + 2  # (a last class nobody holds)
    t, p = np.eye(k, dtype=np.int64)[y_true], np.eye(k, dtype=np.int64)[y_pred]
    for ours, theirs in ((m.precision, skm.precision_score), (m.recall, skm.recall_score),
                         (m.f1_score, skm.f1_score)):
        np.testing.assert_allclose(ours(t, p, average=average),
                                   theirs(t, p, average=average, zero_division=0))
    assert m.confusion_matrix(t, p).shape == (k, k)
    with pytest.raises(ValueError, match="one-hot y_true of 3 classes is multi-class"):
        m.precision(np.eye(3)[[0, 1, 0]], np.eye(3)[[0, 1, 1]])


def test_no_samples_are_refused_by_name_for_the_ranking_metrics():
    with pytest.raises(ValueError, match="roc_auc_score: no samples"):
        m.roc_auc_score([], [])
    with pytest.raises(ValueError, match="no samples"):
        m.roc_curve([], [])


@pytest.mark.parametrize("name", ["precision", "recall", "f1_score"])
def test_samples_average_scores_one_hot_rows_as_sklearns_indicator_matrix(name):
    # every row one-hot: multi-class for the other averages, but 'samples' scores each
    # row's labels, as scikit-learn reads any 0/1 matrix
    truth = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]])
    guess = np.array([[1, 0, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0]])
    theirs = {"precision": skm.precision_score, "recall": skm.recall_score,
              "f1_score": skm.f1_score}[name]
    for average in ("samples", "micro", "macro", "weighted"):
        assert getattr(m, name)(truth, guess, average=average) == pytest.approx(
            theirs(truth, guess, average=average, zero_division=0))
