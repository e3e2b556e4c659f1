"""Step 38: reshape and transpose, as functions and as methods; their gradients take the
input's shape back."""
import numpy as np

import autograd as ag
from autograd import Variable

x = Variable(np.array([[0, 1, 2], [3, 4, 5]], dtype=float))
y = ag.reshape(x, (6,))          # or x.reshape(6)
y.backward(retain_grad=True)
assert x.grad.shape == (2, 3)
np.testing.assert_array_equal(x.grad.data, np.ones((2, 3)))

x = Variable(np.array([[1, 2, 3], [4, 5, 6]], dtype=float))
y = ag.transpose(x)              # or x.T
y.backward()
print(x.grad)
assert y.shape == (3, 2) and x.grad.shape == (2, 3)
assert x.reshape(3, 2).shape == x.reshape((3, 2)).shape == (3, 2)
assert x.transpose(1, 0).shape == x.T.shape == (3, 2)
