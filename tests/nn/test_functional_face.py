"""What nn.functional shows: callable im2col/col2im (DeZero's layouts), F.accuracy, dropout's
training=None, no submodule that reads like a function, hints for DeZero's names."""
import pathlib

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from autograd import Variable, gradcheck


def naive_windows(x, k, s, p):
    """(N, OH, OW, C, KH, KW) windows by loops: the reference layout."""
    x = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    n, c, h, w = x.shape
    oh, ow = (h - k) // s + 1, (w - k) // s + 1
    out = np.empty((n, oh, ow, c, k, k))
    for a in range(oh):
        for b in range(ow):
            out[:, a, b] = x[:, :, a * s:a * s + k, b * s:b * s + k]
    return out


@pytest.mark.parametrize("k, s, p", [(5, 1, 0), (3, 2, 1), (2, 2, 0)])
def test_im2col_matches_loops_in_both_layouts(k, s, p):
    x = np.random.default_rng(0).normal(size=(2, 3, 7, 7))
    windows = naive_windows(x, k, s, p)
    n, oh, ow = windows.shape[:3]
    matrix = F.im2col(x, kernel_size=k, stride=s, padding=p)
    np.testing.assert_array_equal(matrix.data, windows.reshape(n * oh * ow, -1))
    blocks = F.im2col(x, k, s, p, to_matrix=False)
    np.testing.assert_array_equal(blocks.data, windows.transpose(0, 3, 4, 5, 1, 2))


def test_the_book_s_shapes():
    assert F.im2col(np.random.rand(1, 3, 7, 7), kernel_size=5).shape == (9, 75)
    assert F.im2col(np.random.rand(10, 3, 7, 7), (5, 5), (1, 1), (0, 0)).shape == (90, 75)


@pytest.mark.parametrize("to_matrix", [True, False])
def test_col2im_is_the_adjoint_and_both_are_differentiable(to_matrix):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 2, 5, 5))
    col = F.im2col(x, 3, 2, 1, to_matrix=to_matrix).data
    c = rng.normal(size=col.shape)
    back = F.col2im(c, x.shape, 3, 2, 1, to_matrix=to_matrix).data
    assert back.shape == x.shape
    assert np.sum(col * c) == pytest.approx(np.sum(x * back))
    gradcheck(lambda v: F.im2col(v, 3, 2, 1, to_matrix=to_matrix), Variable(x))
    gradcheck(lambda v: F.col2im(v, x.shape, 3, 2, 1, to_matrix=to_matrix), Variable(c))


def test_a_convolution_is_one_matrix_product_on_im2col():
    rng = np.random.default_rng(2)
    x, w = rng.normal(size=(2, 3, 6, 6)), rng.normal(size=(4, 3, 3, 3))
    col = F.im2col(x, 3, padding=1)
    y = (col @ w.reshape(4, -1).T).reshape(2, 6, 6, 4).transpose(0, 3, 1, 2)
    np.testing.assert_allclose(y.data, F.conv2d(x, w, padding=1).data, rtol=1e-12)


def test_col2im_names_shapes_that_do_not_fit():
    with pytest.raises(ValueError, match=r"col2im: columns of shape \(8, 75\)"):
        F.col2im(np.zeros((8, 75)), (1, 3, 7, 7), 5)
    with pytest.raises(ValueError, match="im2col: expected an"):
        F.im2col(np.zeros((3, 7, 7)), 3)


def test_no_name_on_nn_functional_is_a_module():
    nn.LSTM(2, 3)  # loads the recurrent files too
    files = pathlib.Path(F.__file__).parent.glob("*.py")
    for stem in (f.stem for f in files if f.stem != "__init__"):
        value = getattr(F, stem, None)
        assert value is None or callable(value) and not isinstance(value, type(F)), stem
    assert callable(F.im2col) and callable(F.col2im)
    from nn.functional.pooling import MaxPool2d  # the files stay importable by full name
    assert MaxPool2d.__module__ == "nn.functional.pooling"


@pytest.mark.parametrize("name, hint", [("pooling", "F.max_pool2d"),
                                        ("softmax_cross_entropy", "F.cross_entropy"),
                                        ("sum", "ag.sum"), ("average", "ag.mean"),
                                        # (DeZero's keeps the batch axis: ag.flatten(x) not)
                                        ("flatten", r"ag.flatten\(x, 1\)"),
                                        ("get_conv_outsize", r"// stride \+ 1")])
def test_dezero_names_get_a_hint(name, hint):
    with pytest.raises(AttributeError, match=hint):
        getattr(F, name)


# ----- F.dropout and the mode -----

def test_dropout_default_follows_test_mode_and_explicit_values_win():
    x = Variable(np.ones((40, 40)))
    np.random.seed(0)
    assert np.any(F.dropout(x).data == 0)
    with ag.test_mode():
        assert F.dropout(x) is x and F.dropout(x, training=None) is x
        assert np.any(F.dropout(x, training=True).data == 0)
    assert F.dropout(x, training=False) is x


# ----- F.accuracy -----

def test_accuracy_is_a_variable_without_gradient():
    y = Variable(np.array([[0.1, 0.9, 0.0], [0.8, 0.1, 0.1], [0.2, 0.3, 0.5],
                           [0.3, 0.6, 0.1]], np.float32))
    acc = F.accuracy(y, np.array([1, 0, 0, 1]))
    assert isinstance(acc, Variable) and acc.shape == () and float(acc.data) == 0.75
    assert not acc.requires_grad and acc.creator is None and acc.dtype == np.float64
    assert float(F.accuracy(np.eye(3), np.array([0, 1, 2])).data) == 1.0
    n = 3001  # float64, whatever the scores' dtype: acc * N counts the right answers exactly
    scores = np.zeros((n, 2), np.float16)
    scores[:1001, 1] = 1
    assert float(F.accuracy(scores, np.ones(n, np.int64)).data) * n == 1001


def test_accuracy_of_nan_scores_is_nan():
    """argmax reads NaN as a class (the first NaN's): a diverged model would score 1/2 here."""
    scores = np.array([[np.nan, np.nan], [np.nan, np.nan]])
    assert np.isnan(float(F.accuracy(scores, np.array([0, 1])).data))
    assert np.isnan(float(F.accuracy(np.array([[0.2, 0.8], [np.nan, 1.0]]),
                                     np.array([1, 0])).data))


def test_accuracy_reads_classes_on_axis_1():
    scores = np.zeros((2, 3, 4))
    scores[:, 2] = 1
    assert float(F.accuracy(scores, np.full((2, 4), 2)).data) == 1.0


@pytest.mark.parametrize("y, t, error", [
    (np.zeros((4, 3)), np.zeros(5, int), ValueError),
    (np.zeros(4), np.zeros(4, int), ValueError),
    (np.zeros((4, 3)), np.zeros(4), TypeError),
])
def test_accuracy_names_bad_input(y, t, error):
    with pytest.raises(error, match="accuracy"):
        F.accuracy(y, t)
