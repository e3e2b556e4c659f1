"""Cases where a differential fuzz of nn.metrics against scikit-learn 1.9 found a difference;
the expected values are scikit-learn's, written out."""

import numpy as np
import pytest

from nn import metrics as m

# Three classes, ties within rows and across samples; each row sums to 1.
_Y = np.array([0, 2, 1, 1, 0, 1, 2, 2, 0, 1])
_P = np.array([[.6, .2, .2], [.2, .2, .6], [.5, .5, 0], [.1, .5, .4], [.4, .4, .2],
               [.3, .3, .4], [.2, .5, .3], [0, 0, 1], [.5, .25, .25], [.2, .6, .2]])
# sklearn.metrics.roc_auc_score(_Y, _P, multi_class="ovo", average=...)
_OVO = {"macro": 0.9097222222222223, "weighted": 0.9052083333333334}


@pytest.mark.parametrize("average", ["macro", "weighted"])
def test_one_vs_one_auc_is_hand_and_tills(average):
    assert m.roc_auc_score(_Y, _P, multi_class="ovo", average=average) == pytest.approx(
        _OVO[average], rel=1e-12)


@pytest.mark.parametrize("average", ["macro", "weighted"])
def test_one_vs_one_auc_of_string_labels_ranks_the_sorted_classes_columns(average):
    names = np.array(["ant", "bee", "cat"])[_Y]
    assert m.roc_auc_score(names, _P, multi_class="ovo", average=average) == pytest.approx(
        _OVO[average], rel=1e-12)


@pytest.mark.parametrize("average", ["macro", "weighted"])
def test_one_vs_one_auc_skips_a_labelled_class_no_sample_has(average):
    # class 0 is named by labels but absent: only pairs of classes 1, 2, 3 are ranked
    scores = np.c_[_P[:, :1] / 2, _P[:, 1:], _P[:, :1] / 2]
    y = np.where(_Y == 0, 3, _Y)
    got = m.roc_auc_score(y, scores, multi_class="ovo", average=average, labels=[0, 1, 2, 3])
    assert got == pytest.approx({"macro": 0.9097222222222222,
                                 "weighted": 0.9052083333333334}[average], rel=1e-12)


@pytest.mark.parametrize("average", ["micro", None])
def test_one_vs_one_auc_refuses_averages_it_has_not(average):
    with pytest.raises(ValueError, match="roc_auc_score: multi_class='ovo'.*average"):
        m.roc_auc_score(_Y, _P, multi_class="ovo", average=average)


def test_an_unknown_multi_class_is_refused_by_name():
    with pytest.raises(ValueError, match="roc_auc_score: multi_class must be"):
        m.roc_auc_score(_Y, _P, multi_class="raise")


def test_binary_auc_takes_string_labels():
    y = np.array(["x", "y", "y", "x"])
    scores = np.array([.1, .2, .3, .25])
    # sklearn.metrics.roc_auc_score(y, scores, labels=["x", "y"]) == 0.75
    assert m.roc_auc_score(y, scores, labels=["x", "y"]) == 0.75
    assert m.roc_auc_score(y, np.c_[1 - scores, scores], labels=["x", "y"]) == 0.75


@pytest.mark.parametrize("y", [np.array(["a", "b", "a"]), np.array(["a", "b", "a"], dtype=object)])
@pytest.mark.parametrize("name", ["precision", "recall", "f1_score"])
def test_labels_of_another_kind_than_y_true_are_refused_by_name(y, name):
    # scikit-learn scores these labels 0 (no sample can match); object arrays crashed here
    with pytest.raises(ValueError, match=r"precision/recall/f1_score: labels \[1, 0\] are "
                                         r"numbers but y_true holds strings"):
        getattr(m, name)(y, y[::-1], labels=[1, 0], average="macro")


def test_confusion_matrix_refuses_labels_of_another_kind_by_name():
    with pytest.raises(ValueError, match=r"confusion_matrix: labels \['b'\] are strings"):
        m.confusion_matrix([0, 1, 1], [1, 1, 0], labels=["b"])
