"""Step 40: broadcasting; the gradient of the broadcast operand is summed back to its shape
(sum_to)."""
import numpy as np

import autograd as ag
from autograd import Variable

x0 = Variable(np.array([1.0, 2.0, 3.0]))
x1 = Variable(np.array([10.0]))
y = x0 + x1
y.backward()
print(y, x1.grad)
np.testing.assert_array_equal(y.data, [11, 12, 13])
np.testing.assert_array_equal(x1.grad.data, [3])

x = Variable(np.ones((2, 3)))
assert ag.sum_to(x, (1, 3)).shape == (1, 3) and ag.broadcast_to(x1, (2, 3)).shape == (2, 3)
