"""AdaptiveLogSoftmaxWithLoss against its PyTorch twin: output, loss, log_prob, predict and
every gradient over several cutoffs and dtypes; the unbatched form; second order; errors."""
import numpy as np
import pytest

import nn
from autograd import Variable
from autograd.testing import assert_gradients_match

from ._helpers import assert_close, assert_parameter_grads_match, copy_weights

torch = pytest.importorskip("torch")

CASES = [  # (in_features, n_classes, cutoffs, div_value, head_bias)
    (16, 10, [3], 4.0, False),
    (16, 12, [2, 5, 9], 2.0, True),
    (32, 20, [4, 10], 4.0, False),
    (8, 6, [1, 5], 1.0, True),
]


def twins(case, dtype, seed=0):
    in_features, n_classes, cutoffs, div_value, head_bias = case
    ours = nn.AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs, div_value=div_value,
                                         head_bias=head_bias, dtype=dtype)
    rng = np.random.default_rng(seed)
    for param in ours.parameters():  # larger than the default init, so classes differ
        param.data[...] = rng.standard_normal(param.shape).astype(dtype)
    theirs = torch.nn.AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs,
                                                 div_value=div_value, head_bias=head_bias,
                                                 dtype=getattr(torch, np.dtype(dtype).name))
    copy_weights(ours, theirs)
    return ours, theirs


def data(case, dtype, n=9, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, case[0])).astype(dtype)
    target = rng.integers(0, case[1], n)
    target[: len(case[2]) + 1] = [0, *case[2]]  # every cluster's first class is there
    return x, target


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forward_and_gradients_match_torch(case, dtype):
    tol = 1e-4 if dtype == np.float32 else 1e-10
    ours, theirs = twins(case, dtype)
    x, target = data(case, dtype)
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    out, want = ours(xv, target), theirs(xt, torch.tensor(target))
    assert out._fields == ("output", "loss")
    assert_close(out.output, want.output, tol)
    assert_close(out.loss, want.loss, tol)
    assert out.output.dtype == dtype and out.loss.dtype == dtype
    (out.loss * 3.0 + (out.output * np.arange(len(x))).sum()).backward()
    (want.loss * 3.0 + (want.output * torch.arange(len(x))).sum()).backward()
    assert_close(xv.grad, xt.grad, tol)
    assert_parameter_grads_match(ours, theirs, tol)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_prob_and_predict_match_torch(case, dtype):
    tol = 1e-4 if dtype == np.float32 else 1e-10
    ours, theirs = twins(case, dtype, seed=2)
    x, _ = data(case, dtype, n=40)
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    log_prob, want = ours.log_prob(xv), theirs.log_prob(xt)
    assert_close(log_prob, want, tol)
    assert log_prob.dtype == dtype
    gy = np.random.default_rng(3).standard_normal(log_prob.shape).astype(dtype)
    log_prob.backward(gy)
    want.backward(torch.tensor(gy))
    assert_close(xv.grad, xt.grad, tol)
    assert_parameter_grads_match(ours, theirs, tol)
    predicted = ours.predict(x)
    assert predicted.dtype == np.int64
    np.testing.assert_array_equal(predicted, theirs.predict(torch.tensor(x)).numpy())
    np.testing.assert_array_equal(predicted, log_prob.data.argmax(axis=1))


def test_predict_all_in_shortlist_and_all_in_tail():
    ours, theirs = twins(CASES[1], np.float64)
    x, _ = data(CASES[1], np.float64, n=30)
    head_all = ours.head.weight.data.copy()
    for cluster_wins in (False, True):  # a huge head bias decides the head's argmax
        ours.head.bias.data[...] = 0.0
        ours.head.bias.data[-1 if cluster_wins else 0] = 1e3
        ours.head.weight.data[...] = head_all
        copy_weights(ours, theirs)
        np.testing.assert_array_equal(ours.predict(x), theirs.predict(torch.tensor(x)).numpy())


def test_unbatched_input_and_target():
    ours, theirs = twins(CASES[2], np.float64)
    x, target = data(CASES[2], np.float64)
    for row in (0, 2):
        out = ours(x[row], np.int64(target[row]))
        want = theirs(torch.tensor(x[row]), torch.tensor(target[row]))
        assert out.output.shape == () and out.loss.shape == ()
        assert_close(out.output, want.output, 1e-10)
        assert_close(out.loss, want.loss, 1e-10)


def test_second_order_gradients():
    ours, _ = twins(CASES[1], np.float64)
    x, target = data(CASES[1], np.float64, n=6)
    assert_gradients_match(lambda v: ours(v, target).loss, x, order=2)
    assert_gradients_match(lambda v: ours.log_prob(v), x[:3], order=2)


def test_structure_names_and_defaults():
    ours = nn.AdaptiveLogSoftmaxWithLoss(16, 12, (2, 5, 9), div_value=2.0)
    theirs = torch.nn.AdaptiveLogSoftmaxWithLoss(16, 12, (2, 5, 9), div_value=2.0)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for name, value in theirs.state_dict().items():
        assert ours.state_dict()[name].shape == tuple(value.shape)
        assert ours.state_dict()[name].dtype == np.float32
    assert ours.cutoffs == theirs.cutoffs == [2, 5, 9, 12]
    assert (ours.shortlist_size, ours.n_clusters, ours.head_size) == (2, 3, 5)
    assert ours.head.bias is None
    assert "Sequential" in repr(ours) and "(tail): ModuleList" in repr(ours)
    ours.reset_parameters()


@pytest.mark.parametrize("cutoffs", [[], [5, 3], [0, 4], [4, 10], [3, 3], [2.5]])
def test_bad_cutoffs_are_refused_as_torch(cutoffs):
    with pytest.raises(ValueError) as theirs:
        torch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs)
    with pytest.raises(ValueError, match="cutoffs should be a sequence") as ours:
        nn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs)
    assert str(ours.value).startswith(str(theirs.value))


def test_empty_projection_is_refused():
    with pytest.raises(ValueError, match="cluster 1's projection"):
        nn.AdaptiveLogSoftmaxWithLoss(8, 10, [2, 5], div_value=4.0)


@pytest.mark.parametrize("bad", [-1, 10, 11])
def test_targets_out_of_range_are_refused(bad):
    ours, theirs = twins(CASES[0], np.float32)
    x, target = data(CASES[0], np.float32, n=4)
    target[1] = bad
    with pytest.raises(RuntimeError, match=r"Target values should be in \[0, 9\]") as raised:
        ours(x, target)
    assert f"[{min(bad, 0)}, {max(bad, target.max())}]" in str(raised.value)
    with pytest.raises(RuntimeError, match=r"Target values should be in \[0, 9\]"):
        theirs(torch.tensor(x), torch.tensor(target))


@pytest.mark.parametrize("x_shape, t_shape, message", [
    ((4, 16), (3,), "same size in the batch dimension"),
    ((4, 16, 1), (4,), "1D target tensor expects 2D input"),
    ((2, 16), (), "0D target tensor expects 1D input"),
    ((4, 16), (4, 1), "0D or 1D target tensor expected"),
])
def test_shape_errors_as_torch(x_shape, t_shape, message):
    ours, theirs = twins(CASES[0], np.float32)
    x, target = np.zeros(x_shape, np.float32), np.zeros(t_shape, np.int64)
    with pytest.raises(RuntimeError, match=message):
        ours(x, target)
    with pytest.raises(RuntimeError, match=message):
        theirs(torch.tensor(x), torch.tensor(target))


def test_float_target_and_bad_log_prob_input_are_refused():
    ours = nn.AdaptiveLogSoftmaxWithLoss(16, 10, [3])
    with pytest.raises(TypeError, match="target must hold integer class indices"):
        ours(np.zeros((2, 16), np.float32), np.zeros(2))
    for method in (ours.log_prob, ours.predict):
        with pytest.raises(ValueError, match=r"expected input of shape \(N, 16\), got \(2, 5\)"):
            method(np.zeros((2, 5), np.float32))
