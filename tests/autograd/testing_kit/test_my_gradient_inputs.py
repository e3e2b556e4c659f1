"""check_my_gradient with integer inputs (class indices) and with a my_grad that gives
nothing to check."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
from autograd.testing import check_my_gradient


def nll(logits, targets):
    """-sum_n log softmax(logits)[n, targets[n]]; targets: integer class indices."""
    log_probs = logits - ag.logsumexp(logits, axis=1, keepdims=True)
    return -ag.sum(ag.take_along_axis(log_probs, ag.expand_dims(targets, 1), axis=1))


def nll_grad(logits, targets):
    """softmax(logits) - onehot(targets); None for the targets."""
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    probs[np.arange(len(targets)), targets] -= 1
    return probs, None


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1), rows=st.integers(1, 5), classes=st.integers(2, 4))
def test_integer_class_indices_reach_f_as_integers(seed, rows, classes):
    rng = np.random.default_rng(seed)
    logits, targets = rng.normal(size=(rows, classes)), rng.integers(0, classes, rows)
    assert check_my_gradient(nll, nll_grad, logits, targets) is True


def test_a_gradient_given_for_an_integer_input_is_named():
    with pytest.raises(ValueError, match="input 0 is int64, which gets no gradient"):
        check_my_gradient(lambda x: ag.sum(x * x), lambda x: 2 * x, np.arange(3))


def test_a_my_grad_that_returns_nothing_fails():
    def forgot_return(x):
        2 * x  # noqa: B018  (the gradient computed and dropped)
    with pytest.raises(ValueError, match="None for every input"):
        check_my_gradient(lambda x: ag.sum(x * x), forgot_return, np.ones(3))
