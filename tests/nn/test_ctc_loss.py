"""F.ctc_loss and nn.CTCLoss: PyTorch's values and log_probs gradients (its convention,
exp(log_probs) - occupancy) in float32 and float64, padded and concatenated targets,
repeated labels, blanks other than 0, target and input lengths of 0, impossible alignments
with and without zero_infinity, every reduction, unbatched input; the logits ->
log_softmax -> ctc_loss chain against torch and numerical differentiation; first order
only; every argument error."""
import importlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
import nn.functional as F
from autograd import Variable
from autograd.numerical import numerical_grad
from autograd.testing import assert_gradients_match

torch = pytest.importorskip("torch")
TF = torch.nn.functional

REDUCTIONS = ["mean", "sum", "none"]
DTYPES = [np.float32, np.float64]

# (T, N, C), targets, input_lengths, target_lengths, blank
CASES = {
    "padded, repeats": ((8, 3, 5), [[1, 1, 2], [3, 4, 4], [2, 3, 1]], [8, 7, 6], [3, 3, 2], 0),
    "concatenated": ((7, 3, 4), [1, 2, 2, 3, 1, 3], [7, 7, 5], [2, 3, 1], 0),
    "blank last": ((6, 2, 4), [[0, 0, 1], [2, 1, 0]], [6, 5], [3, 3], 3),
    "blank inside": ((6, 2, 5), [[0, 4, 4], [1, 3, 0]], [6, 6], [3, 2], 2),
    "empty targets": ((5, 3, 4), [[1, 2], [3, 3], [2, 0]], [5, 3, 4], [0, 2, 1], 0),
    "empty input": ((4, 2, 3), [[1, 2], [2, 0]], [0, 4], [0, 1], 0),
    # [1, 1] needs 3 frames, [2, 2, 1] 4: both impossible; the third is possible
    "impossible": ((6, 3, 4), [[1, 1, 0], [2, 2, 1], [3, 1, 2]], [2, 3, 6], [2, 3, 3], 0),
    "empty input, nonempty target": ((3, 2, 3), [[1], [2]], [0, 3], [1, 1], 0),
}


def torch_ctc(log_probs, targets, input_lengths, target_lengths, **kwargs):
    as_tensor = [torch.tensor(np.asarray(v)) for v in (targets, input_lengths, target_lengths)]
    return TF.ctc_loss(log_probs, *as_tensor, **kwargs)


def log_softmaxed(rng, shape, dtype):
    x = rng.normal(size=shape) * 2
    return (x - np.log(np.exp(x).sum(-1, keepdims=True))).astype(dtype)


def compare(log_probs, targets, input_lengths, target_lengths, dtype, **kwargs):
    """Loss and log_probs gradient (under a random upstream gradient) against torch's."""
    ours_in = Variable(log_probs.copy(), requires_grad=True)
    ours = F.ctc_loss(ours_in, targets, input_lengths, target_lengths, **kwargs)
    theirs_in = torch.tensor(log_probs, requires_grad=True)
    theirs = torch_ctc(theirs_in, targets, input_lengths, target_lengths, **kwargs)
    upstream = np.random.default_rng(3).uniform(0.5, 1.5, size=theirs.shape).astype(dtype)
    (ours * Variable(upstream)).sum().backward()
    (theirs * torch.tensor(upstream)).sum().backward()
    tol = 1e-5 if dtype == np.float32 else 1e-10
    assert ours.dtype == dtype and ours.shape == tuple(theirs.shape)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(ours_in.grad.data, theirs_in.grad.numpy(), rtol=tol, atol=tol)
    assert ours_in.grad.dtype == dtype
    return ours, ours_in.grad.data


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("zero_infinity", [False, True])
@pytest.mark.parametrize("dtype", DTYPES)
def test_values_and_gradients_match_torch(case, reduction, zero_infinity, dtype):
    shape, targets, input_lengths, target_lengths, blank = CASES[case]
    log_probs = log_softmaxed(np.random.default_rng(0), shape, dtype)
    compare(log_probs, targets, input_lengths, target_lengths, dtype, blank=blank,
            reduction=reduction, zero_infinity=zero_infinity)


def test_impossible_alignments_are_inf_with_nan_gradients_or_zero_with_zero_infinity():
    shape, targets, input_lengths, target_lengths, _ = CASES["impossible"]
    log_probs = log_softmaxed(np.random.default_rng(1), shape, np.float64)
    loss, grad = compare(log_probs, targets, input_lengths, target_lengths, np.float64,
                         reduction="none")
    assert np.isinf(loss.data[:2]).all() and np.isfinite(loss.data[2])
    assert np.isnan(grad[:2, 0]).all() and (grad[2:, 0] == 0).all()  # past input length 2
    loss, grad = compare(log_probs, targets, input_lengths, target_lengths, np.float64,
                         reduction="none", zero_infinity=True)
    assert (loss.data[:2] == 0).all() and (grad[:, :2] == 0).all() and grad[:, 2].any()


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lengths", [(6, 3), (np.array(6), np.array(3)), ([6], [3])])
def test_unbatched_matches_torch(reduction, dtype, lengths):
    log_probs = log_softmaxed(np.random.default_rng(2), (6, 5), dtype)
    loss, _ = compare(log_probs, [4, 4, 2], *lengths, dtype, blank=1, reduction=reduction)
    assert loss.shape == ()


@given(seed=st.integers(0, 2**16), frames=st.integers(1, 9), batch=st.integers(1, 4),
       classes=st.integers(2, 6), blank=st.integers(0, 5),
       reduction=st.sampled_from(REDUCTIONS), concatenated=st.booleans())
def test_drawn_cases_match_torch(seed, frames, batch, classes, blank, reduction, concatenated):
    rng = np.random.default_rng(seed)
    blank = blank % classes
    labels = np.delete(np.arange(classes), blank)
    longest = rng.integers(0, 5)
    targets = rng.choice(labels, size=(batch, longest))
    input_lengths = rng.integers(0, frames + 1, size=batch)
    target_lengths = rng.integers(0, longest + 1, size=batch)
    if concatenated:
        targets = np.concatenate([row[:n] for row, n in zip(targets, target_lengths)])
    log_probs = log_softmaxed(rng, (frames, batch, classes), np.float64)
    compare(log_probs, targets, input_lengths, target_lengths, np.float64, blank=blank,
            reduction=reduction, zero_infinity=True)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_logits_through_log_softmax_match_torch_and_numerical_gradients(reduction, dtype):
    shape, targets, input_lengths, target_lengths, blank = CASES["padded, repeats"]
    logits = np.random.default_rng(4).normal(size=shape).astype(dtype)
    ours_in = Variable(logits.copy(), requires_grad=True)
    F.ctc_loss(F.log_softmax(ours_in, -1), targets, input_lengths, target_lengths,
               reduction=reduction).sum().backward()
    theirs_in = torch.tensor(logits, requires_grad=True)
    torch_ctc(theirs_in.log_softmax(-1), targets, input_lengths, target_lengths,
              reduction=reduction).sum().backward()
    tol = 1e-5 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(ours_in.grad.data, theirs_in.grad.numpy(), rtol=tol, atol=tol)
    # the true derivative with respect to the logits (either convention gives it there)
    assert_gradients_match(lambda x: F.ctc_loss(F.log_softmax(x, -1), targets, input_lengths,
                                                target_lengths, reduction=reduction),
                           logits.astype(np.float64))


def test_the_log_probs_gradient_is_torchs_convention_not_the_plain_derivative():
    """exp(log_probs) - occupancy: the plain derivative plus exp(log_probs) at the frames
    each sample uses, as torch's (so unnormalised log_probs give torch's numbers too)."""
    log_probs = np.random.default_rng(5).normal(size=(5, 2, 4))  # not normalised
    args = ([[1, 2], [3, 3]], [5, 4], [2, 2])
    compare(log_probs, *args, np.float64, reduction="sum")
    x = Variable(log_probs.copy(), requires_grad=True)
    F.ctc_loss(x, *args, reduction="sum").backward()
    plain, = numerical_grad(lambda v: F.ctc_loss(v, *args, reduction="sum"), log_probs)
    used = (np.arange(5)[:, None] < np.array(args[1]))[:, :, None]
    np.testing.assert_allclose(x.grad.data, plain + np.exp(log_probs) * used, atol=1e-6)


def test_second_order_is_refused_clearly_and_anomaly_mode_backprops():
    x = Variable(np.random.default_rng(6).normal(size=(5, 2, 4)), requires_grad=True)
    loss = F.ctc_loss(F.log_softmax(x, -1), [[1, 2], [3, 3]], [5, 5], [2, 2])
    with pytest.raises(RuntimeError, match="ctc_loss: second-order gradients are not"):
        autograd.grad(loss, x, create_graph=True)
    with autograd.detect_anomaly():
        loss.backward()
    plain = Variable(x.data.copy(), requires_grad=True)
    F.ctc_loss(F.log_softmax(plain, -1), [[1, 2], [3, 3]], [5, 5], [2, 2]).backward()
    np.testing.assert_allclose(x.grad.data, plain.grad.data)
    op = importlib.import_module("nn.functional.ctc_loss").CTCNegLogLikelihood
    assert op.gradcheck_order == 1


@pytest.mark.parametrize("kwargs", [{}, {"blank": 3, "reduction": "sum"},
                                    {"reduction": "none", "zero_infinity": True}])
def test_module_matches_the_function_and_reprs(kwargs):
    shape, targets, input_lengths, target_lengths = (6, 2, 4), [[1, 1], [2, 1]], [2, 6], [2, 2]
    log_probs = log_softmaxed(np.random.default_rng(7), shape, np.float64)
    module = nn.CTCLoss(**kwargs)
    ours = module(Variable(log_probs), targets, input_lengths, target_lengths)
    theirs = torch.nn.CTCLoss(**kwargs)(torch.tensor(log_probs),
                                        *[torch.tensor(v) for v in (targets, input_lengths,
                                                                    target_lengths)])
    np.testing.assert_allclose(ours.data, theirs.numpy())
    assert (module.blank, module.zero_infinity) == (kwargs.get("blank", 0),
                                                    kwargs.get("zero_infinity", False))
    reduction = kwargs.get("reduction", "mean")
    assert repr(module) == ("CTCLoss()" if reduction == "mean" else
                            f"CTCLoss(reduction={reduction!r})")


def test_faces_export_it():
    assert "ctc_loss" in F.__all__ and "CTCLoss" in nn.__all__
    assert F.ctc_loss.__name__ == "ctc_loss" and nn.CTCLoss.__name__ == "CTCLoss"


LP = np.zeros((5, 2, 4))  # T=5, N=2, C=4
GOOD = ([[1, 2], [3, 3]], [5, 4], [2, 2])
ERRORS = [
    # (log_probs, targets, input_lengths, target_lengths, kwargs), error, message
    ((LP, *GOOD, {"reduction": "avg"}), ValueError, "reduction must be one of"),
    ((LP[0, 0], *GOOD, {}), ValueError, r"log_probs must be \(T, N, C\).*shape \(4,\)"),
    ((LP[None], *GOOD, {}), ValueError, r"shape \(1, 5, 2, 4\)"),
    ((LP.astype(np.int64), *GOOD, {}), TypeError, "floating-point"),
    ((LP, [[[1]]], [5, 4], [1, 1], {}), ValueError, r"padded \(N, S\).*shape \(1, 1, 1\)"),
    ((LP, [[1, 2]], [5, 4], [2, 2], {}), ValueError, r"shape \(1, 2\).*batch of 2"),
    ((LP, [[1.0, 2.0], [3, 3]], [5, 4], [2, 2], {}), TypeError, "targets must hold integers"),
    ((LP, GOOD[0], [5.0, 4.0], [2, 2], {}), TypeError, "input_lengths must hold integers"),
    ((LP, GOOD[0], [5, 4], [2.0, 2.5], {}), TypeError, "target_lengths must hold integers"),
    ((LP, GOOD[0], [5, 4, 3], [2, 2], {}), ValueError, r"input_lengths must be 1-D.*\(3,\)"),
    ((LP, GOOD[0], [5, 4], [[2, 2]], {}), ValueError, r"target_lengths must be 1-D.*\(1, 2\)"),
    ((LP, GOOD[0], 5, [2, 2], {}), ValueError, r"input_lengths must be 1-D.*shape \(\)"),
    ((LP, GOOD[0], [6, 4], [2, 2], {}), ValueError, r"input_lengths must be in \[0, 5\].*6"),
    ((LP, GOOD[0], [-1, 4], [2, 2], {}), ValueError, r"input_lengths must be in \[0, 5\]"),
    ((LP, GOOD[0], [5, 4], [3, 2], {}), ValueError,
     r"target_lengths must be in \[0, 2\].*shape \(2, 2\)"),
    ((LP, GOOD[0], [5, 4], [-1, 2], {}), ValueError, r"target_lengths must be in \[0, 2\]"),
    ((LP, [1, 2, 3], [5, 4], [2, 2], {}), ValueError, r"sum\(target_lengths\) = 4"),
    ((LP, [1, 2, 3, 3, 1], [5, 4], [2, 2], {}), ValueError, r"shape \(5,\).*= 4"),
    ((LP, [[1, 0], [3, 3]], [5, 4], [2, 2], {}), ValueError, "contain the blank index 0"),
    ((LP, [[1, 2], [3, 3]], [5, 4], [2, 2], {"blank": 3}), ValueError,
     "contain the blank index 3"),
    ((LP, [[1, 4], [3, 3]], [5, 4], [2, 2], {}), ValueError, r"in \[0, 4\), got 4"),
    ((LP, [1, -1, 3, 3], [5, 4], [2, 2], {}), ValueError, r"in \[0, 4\), got -1"),
    ((LP, *GOOD, {"blank": 4}), ValueError, r"blank must be a class index in \[0, 4\).*4"),
    ((LP, *GOOD, {"blank": -1}), ValueError, "blank must be a class index"),
    ((LP, *GOOD, {"blank": 1.0}), ValueError, "blank must be a class index"),
    ((LP[:, 0], [[1, 2]], 5, 2, {}), ValueError, r"unbatched.*1-D targets.*\(1, 2\)"),
    ((LP[:, 0], [1, 2], [5, 5], 2, {}), ValueError, r"input_lengths must be 1-D.*\(1\)"),
]


@pytest.mark.parametrize(("args", "error", "message"), ERRORS)
def test_errors_name_what_is_wrong(args, error, message):
    *positional, kwargs = args
    with pytest.raises(error, match=message):
        F.ctc_loss(*positional, **kwargs)
    if "reduction" in kwargs:
        with pytest.raises(error, match=message):
            nn.CTCLoss(**kwargs)


def test_a_padding_past_each_target_length_is_not_read():
    """Padded entries past target_lengths may be anything (the blank, out of range)."""
    log_probs = log_softmaxed(np.random.default_rng(8), (5, 2, 4), np.float64)
    compare(log_probs, [[1, 0, 9], [2, 3, -5]], [5, 5], [1, 2], np.float64)


def test_a_captured_step_reads_each_calls_targets_and_lengths():
    # (int64 targets and lengths were wrapped anew around the argument's array, which
    # capture refuses: a replay would have kept the first call's)
    import optim
    rng = np.random.default_rng(4)
    start = rng.standard_normal((3, 4))
    weights = [autograd.Parameter(start.copy()) for _ in range(2)]
    optimizers = [optim.SGD([w], lr=0.1) for w in weights]

    def step(which, x, targets, input_lengths, target_lengths):
        optimizers[which].zero_grad()
        loss = F.ctc_loss(F.log_softmax(x @ weights[which], axis=-1), targets, input_lengths,
                          target_lengths)
        loss.backward()
        optimizers[which].step()
        return loss

    captured = autograd.capture(lambda *args: step(0, *args))
    for _ in range(4):
        args = (rng.standard_normal((8, 2, 3)), rng.integers(1, 4, (2, 3)),
                rng.integers(7, 9, 2), rng.integers(1, 4, 2))  # (every target aligns)
        loss, eager = captured(*args), step(1, *args)
        assert np.isfinite(eager.data)
        np.testing.assert_allclose(loss.data, eager.data, rtol=1e-12)
        np.testing.assert_allclose(weights[0].data, weights[1].data, rtol=1e-12)
