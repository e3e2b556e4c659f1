"""Step 41: matrix product; the gradients have the shapes of x and W."""
import numpy as np

import autograd as ag
from autograd import Variable

x = Variable(np.random.randn(2, 3))
W = Variable(np.random.randn(3, 4))
y = ag.matmul(x, W)              # or x @ W
y.backward()
print(x.grad.shape, W.grad.shape)
assert x.grad.shape == (2, 3) and W.grad.shape == (3, 4)
np.testing.assert_allclose(x.grad.data, np.ones((2, 4)) @ W.data.T)
