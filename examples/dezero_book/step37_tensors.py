"""Step 37: ops on whole arrays; the gradient has the shape of its variable.

Integer arrays get no gradient in rungrad (the book's step 37 uses integers and gets
integer gradients): write floats, e.g. np.array(..., dtype=float).
"""
import numpy as np

import autograd as ag
from autograd import Variable

x = Variable(np.array([[1, 2, 3], [4, 5, 6]], dtype=float))
c = Variable(np.array([[10, 20, 30], [40, 50, 60]], dtype=float))
t = x + c
y = ag.sum(t)
y.backward(retain_grad=True)
print(y.grad, t.grad, x.grad, c.grad, sep="\n")
assert y.grad.data == 1
for g in (t.grad, x.grad, c.grad):
    np.testing.assert_array_equal(g.data, np.ones((2, 3)))

assert not Variable(np.array([1, 2, 3])).requires_grad  # integers: no gradient at all
