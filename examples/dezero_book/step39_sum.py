"""Step 39: sum, with axis and keepdims; the gradient broadcasts back."""
import numpy as np

import autograd as ag
from autograd import Variable

x = Variable(np.array([1, 2, 3, 4, 5, 6], dtype=float))
y = ag.sum(x)
y.backward()
assert y.data == 21 and np.all(x.grad.data == 1)

x = Variable(np.array([[1, 2, 3], [4, 5, 6]], dtype=float))
y = ag.sum(x, axis=0)
y.backward()
print(y, x.grad)
np.testing.assert_array_equal(y.data, [5, 7, 9])
np.testing.assert_array_equal(x.grad.data, np.ones((2, 3)))

x = Variable(np.random.randn(2, 3, 4, 5))
assert x.sum(keepdims=True).shape == (1, 1, 1, 1)
