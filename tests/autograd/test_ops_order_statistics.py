"""median, nanmedian, kthvalue, mode, cummax, cummin, nansum, nanmean and logcumsumexp
against PyTorch: values, indices, gradients and second derivatives in float64, NaN and
ties, float32 kept, bad arguments named."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd as ag
from autograd import Variable

from .._helpers import assert_float32_kept
from ._torch_parity import assert_matches_torch

torch = pytest.importorskip("torch")
nan = np.nan
rng = np.random.default_rng(3)
X = rng.standard_normal((3, 5))
WITH_NAN = np.array([[1.0, nan, 0, nan, 2], [3, 3, 1, 1, 1], [nan, nan, nan, nan, nan]])


def _matches(ours, theirs, x, indices=True, order=2):
    """Values (and gradients to `order`) as PyTorch's; the indices too where asked."""
    assert_matches_torch(ours, theirs, x, order=order)
    if indices:
        np.testing.assert_array_equal(ours(Variable(x))[1].data,
                                      theirs(torch.tensor(x))[1].numpy())


ALONG = {
    "median": (lambda x, d, k: x.median(d, k), lambda t, d, k: t.median(d, k)),
    "nanmedian": (lambda x, d, k: ag.nanmedian(x, d, k), lambda t, d, k: t.nanmedian(d, k)),
    "kthvalue": (lambda x, d, k: x.kthvalue(2, d, k), lambda t, d, k: t.kthvalue(2, d, k)),
    "mode": (lambda x, d, k: x.mode(d, k), lambda t, d, k: t.mode(d, k)),
}


@pytest.mark.parametrize("name", sorted(ALONG))
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("keepdim", [False, True])
def test_along_a_dim_without_ties(name, dim, keepdim):
    ours, theirs = ALONG[name]
    _matches(lambda v: ours(v, dim, keepdim), lambda t: theirs(t, dim, keepdim), X)


@pytest.mark.parametrize("dim", [0, 1])
@pytest.mark.parametrize("keepdim", [False, True])
def test_mode_with_ties_is_the_smallest_at_its_last_occurrence(dim, keepdim):
    x = np.array([[3.0, 1, 3, 1, 2], [5, 5, 4, 4, 0], [2, 2, 2, 1, 1]])
    _matches(lambda v: v.mode(dim, keepdim), lambda t: t.mode(dim, keepdim), x)


@pytest.mark.parametrize("name", ["median", "nanmedian", "kthvalue"])
def test_nan_ranks_above_every_number(name):
    ours, theirs = ALONG[name]
    # (rows without ties: PyTorch documents no tie's index, and the second of NaNs only
    # ties with the others)
    rows = WITH_NAN[[0, 2]] if name != "kthvalue" else WITH_NAN[:1]
    _matches(lambda v: ours(v, 1, False), lambda t: theirs(t, 1, False), rows)


@pytest.mark.parametrize("x", [X, WITH_NAN, WITH_NAN[:1], WITH_NAN[1:2], WITH_NAN[2:],
                               np.array(2.5), np.zeros((0, 3))])
@pytest.mark.parametrize("name", ["median", "nanmedian"])
def test_of_all_elements_shares_the_gradient_among_equal_ones(x, name):
    assert_matches_torch(lambda v: getattr(ag, name)(v), lambda t: getattr(t, name)(), x)


@pytest.mark.parametrize("name", ["median", "nanmedian", "mode"])
def test_integers(name):
    x = np.array([[3, 1, 3, 1, 2], [7, 7, 4, 4, 0]])
    ours, theirs = getattr(ag, name), lambda t, *a: getattr(t, name)(*a)
    assert_matches_torch(ours, theirs, x, order=0)
    _matches(lambda v: ours(v, 1), lambda t: theirs(t, 1), x, order=0)


@pytest.mark.parametrize("name", ["median", "nanmedian", "kthvalue", "mode", "cummax",
                                  "cummin"])
def test_a_0d_input_is_its_own_value_at_index_0(name):
    ours = {"kthvalue": lambda v: v.kthvalue(1, 0)}.get(name, lambda v: getattr(v, name)(0))
    theirs = {"kthvalue": lambda t: t.kthvalue(1, 0)}.get(name, lambda t: getattr(t, name)(0))
    _matches(ours, theirs, np.array(1.5))


@pytest.mark.parametrize("name", ["cummax", "cummin"])
@pytest.mark.parametrize("dim", [0, 1, -1])
@settings(max_examples=20, deadline=None)
@given(x=hnp.arrays(np.float64, (4, 5), elements=st.sampled_from([-1.0, 0.0, 2.0, nan])))
def test_running_extremes_with_ties_and_nan(name, dim, x):
    _matches(lambda v: getattr(v, name)(dim), lambda t: getattr(t, name)(dim), x)


@pytest.mark.parametrize("name", ["cummax", "cummin"])
@pytest.mark.parametrize("shape, dim", [((0,), 0), ((2, 0), 1), ((0, 3), 0), ((0, 3), 1)])
def test_running_extremes_of_an_empty_dim_are_empty(name, shape, dim):
    # (PyTorch's; median, kthvalue and mode refuse one: nothing to pick)
    _matches(lambda v: getattr(v, name)(dim), lambda t: getattr(t, name)(dim),
             np.zeros(shape))


@pytest.mark.parametrize("dim", [None, 0, 1, (0, 1), -1])
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("name", ["nansum", "nanmean"])
def test_nan_reductions(name, dim, keepdim):
    x = WITH_NAN[:2]  # (a slice of NaNs only: see the next test)
    assert_matches_torch(lambda v: getattr(v, name)(dim, keepdim),
                         lambda t: getattr(t, name)(dim=dim, keepdim=keepdim), x)


def test_nanmean_of_nans_only_is_nan_and_sends_them_no_gradient():
    """PyTorch's gradient there is NaN (0 / 0); a NaN element gets 0 here, as in nansum."""
    x = Variable(WITH_NAN)
    y = ag.nanmean(x, 1)
    np.testing.assert_array_equal(y.data, torch.tensor(WITH_NAN).nanmean(1).numpy())
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data[2], np.zeros(5))


@pytest.mark.parametrize("name", ["nansum", "nanmean"])
def test_a_captured_step_finds_the_nan_of_each_call(name):
    # the NaN mask was read from the recorded calls' values outside the ops: a replay whose
    # input had a NaN elsewhere kept it (NaN loss, NaN gradient where eager gives numbers)
    def step(w, x):
        loss = getattr(ag, name)(ag.xlogy(w, x))  # log of a negative x: NaN, left out
        loss.backward()
        return loss
    captured = ag.capture(lambda x: step(w_replayed, x))
    w_replayed, w_eager = (Variable(np.array([1.0, 2.0]), requires_grad=True) for _ in "ab")
    for x in ([1.0, 2.0], [3.0, 4.0], [-1.0, 5.0], [2.0, -3.0]):
        x = Variable(np.array(x), requires_grad=False)
        with np.errstate(invalid="ignore"):
            got, want = captured(x), step(w_eager, x)
        np.testing.assert_allclose(got.data, want.data, rtol=1e-15)
        np.testing.assert_allclose(w_replayed.grad.data, w_eager.grad.data, rtol=1e-15)
    assert captured.captured == 1


def test_a_captured_nanmean_finds_a_row_of_nans_in_each_call():
    # whether a row held no number was read from the recorded calls' values: a replay whose
    # row was all NaN gave 0 where eager gives NaN
    w = Variable(np.array([[1.0, 2.0], [1.0, 1.0]]), requires_grad=True)

    def step(x):
        loss = ag.nanmean(ag.xlogy(w, x), 1)
        loss.sum().backward()
        return loss
    captured = ag.capture(step)
    for x in ([[1.0, 2.0], [2.0, 2.0]], [[3.0, 4.0], [3.0, 3.0]], [[-1.0, -5.0], [2.0, 2.0]]):
        with np.errstate(invalid="ignore"):
            got, want = captured(np.array(x)), step(np.array(x))
        np.testing.assert_array_equal(got.data, want.data)
    assert captured.captured == 1 and np.isnan(got.data[0])


def test_nansum_of_integers_stays_integer():
    y = ag.nansum(np.array([[1, 2], [3, 4]]), 1)
    assert y.dtype == np.int64 and y.data.tolist() == [3, 7]


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("scale", [1.0, 300.0])
def test_logcumsumexp(dim, scale):
    assert_matches_torch(lambda v: v.logcumsumexp(dim), lambda t: t.logcumsumexp(dim),
                         X * scale, rtol=1e-7)


def test_logcumsumexp_far_apart_and_infinite():
    x = np.array([-1000.0, 0, -np.inf, 800, -np.inf])
    assert_matches_torch(lambda v: ag.logcumsumexp(v, 0), lambda t: t.logcumsumexp(0), x,
                         order=1)
    assert_matches_torch(lambda v: ag.logcumsumexp(v, 0), lambda t: t.logcumsumexp(0),
                         np.array(0.5))


def test_logcumsumexp_forward_mode_and_a_zero_upstream_gradient_are_exact():
    # its backward is linear in the upstream gradient: jvp differentiates it at zero, where
    # one split into log|gy| had a derivative of 0 (a Jacobian of zeros)
    torch = pytest.importorskip("torch")
    x = np.array([0.3, 1.0, -0.5, 2.0])
    exact = torch.autograd.functional.jacobian(lambda t: t.logcumsumexp(0),
                                               torch.tensor(x)).numpy()
    np.testing.assert_allclose(ag.jacobian(lambda v: ag.logcumsumexp(v, 0), x,
                                           strategy="forward-mode").data, exact, rtol=1e-12)
    tangent = np.array([1.0, -2.0, 0.5, 1.0])
    np.testing.assert_allclose(ag.jvp(lambda v: ag.logcumsumexp(v, 0), x, tangent)[1].data,
                               exact @ tangent, rtol=1e-12)
    # d/dw of (d/dx sum(w * logcumsumexp(x))) . v, with zeros in w: the Jacobian's transpose
    w = Variable(np.array([1.0, 0.0, 0.0, 2.0]))
    xv = Variable(x)
    gx, = ag.grad((w * ag.logcumsumexp(xv, 0)).sum(), xv, create_graph=True)
    dw, = ag.grad((gx * Variable(tangent)).sum(), w)
    np.testing.assert_allclose(dw.data, exact @ tangent, rtol=1e-12)


CALLS = {
    "median": lambda x: x.median(), "median_dim": lambda x: x.median(1)[0],
    "nanmedian": lambda x: x.nanmedian(), "kthvalue": lambda x: x.kthvalue(1)[0],
    "mode": lambda x: x.mode(0)[0], "cummax": lambda x: x.cummax(1)[0],
    "cummin": lambda x: x.cummin(0)[0], "nansum": lambda x: x.nansum(1),
    "nanmean": lambda x: x.nanmean(), "logcumsumexp": lambda x: x.logcumsumexp(1),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_float32_stays_float32(name):
    assert_float32_kept(CALLS[name])


def test_indices_are_integers_without_gradient():
    values, indices = Variable(X).median(1)
    assert indices.dtype == np.int64 and not indices.requires_grad and values.requires_grad


ERRORS = [
    (lambda: ag.median(X, 2), IndexError, "median: axis 2"),
    (lambda: ag.median(np.zeros((2, 0)), 1), IndexError, "median: dim 1 has size 0"),
    (lambda: ag.kthvalue(X, 6, 1), ValueError, r"kthvalue: k must be in \[1, 5\]"),
    (lambda: ag.kthvalue(X, 0), ValueError, r"kthvalue: k must be in \[1, 5\]"),
    (lambda: ag.kthvalue(X, 1.5), TypeError, "kthvalue: k must be an integer"),
    (lambda: ag.mode(np.array(1.0), 1), IndexError, "mode: axis 1"),
    (lambda: ag.cummax(X, -3), IndexError, "cummax: axis -3"),
    (lambda: ag.nanmean(np.array([1, 2])), TypeError, "nanmean: expected a floating-point"),
    (lambda: ag.nansum(X, (0, 0)), ValueError, "nansum: repeated axis"),
    (lambda: ag.logcumsumexp(np.array([1, 2]), 0), TypeError, "logcumsumexp: expected a"),
    (lambda: ag.logcumsumexp(X, 2), IndexError, "logcumsumexp: axis 2"),
]


@pytest.mark.parametrize("call, error, message", ERRORS)
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()
