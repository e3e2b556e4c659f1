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


def test_two_leaves_handed_one_array_get_their_own():
    x, y = Variable(np.ones(3)), Variable(np.ones(3))
    (x + y).backward(np.ones(3))  # Add's backward hands one array to both inputs
    assert not np.shares_memory(x.grad.data, y.grad.data)
    x.grad.data[0] = 5.0
    assert y.grad.data[0] == 1.0


def _hooked_leaves(views):
    """Leaves whose hooks replace their gradients by `views`, one each."""
    leaves = [Variable(np.zeros(view.shape)) for view in views]
    for leaf, view in zip(leaves, views):
        leaf.register_hook(lambda grad, view=view: Variable(view))
    return leaves


def test_views_of_one_buffer_are_copied():
    buffer = np.arange(6.0)
    a, b = _hooked_leaves([buffer[:4], buffer[2:]])
    ag.sum(a * 1.0 + b * 1.0).backward()
    # (neither keeps the hook's memory: a leaf's replaced gradient is copied, as PyTorch's)
    assert not np.shares_memory(a.grad.data, buffer)
    assert not np.shares_memory(b.grad.data, buffer)
    b.grad.data[...] = -1.0
    a.grad.data[...] = -2.0
    np.testing.assert_array_equal(b.grad.data, [-1.0] * 4)
