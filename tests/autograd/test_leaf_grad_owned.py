"""A leaf's .grad is a writable array it owns (issue 17, item 5), whatever op sent it: a sum's
gradient is a broadcast view (one memory cell for every element, read-only) and a reshape's a
view of its upstream gradient, perhaps the caller's seed. The engine's _owned copies those."""
import numpy as np

import autograd as ag
from autograd import Variable


def test_the_gradient_of_a_sum_can_be_edited_in_place():
    x = Variable(np.ones(3))
    ag.sum(x).backward()
    x.grad.data *= 0.5
    np.testing.assert_array_equal(x.grad.data, [0.5, 0.5, 0.5])


def test_a_leaf_gradient_is_not_a_view_of_the_callers_seed():
    x = Variable(np.ones((2, 3)))
    seed = np.ones(6)
    ag.reshape(x, (6,)).backward(seed)
    assert not np.shares_memory(x.grad.data, seed)
