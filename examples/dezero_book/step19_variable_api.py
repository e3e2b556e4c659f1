"""Step 19: a Variable reads like an array: name, shape, ndim, size, dtype, len, print."""
import numpy as np

from autograd import Variable

x = Variable(np.array([[1, 2, 3], [4, 5, 6]]), name="x")
print(x.name, x.shape, x.ndim, x.size, x.dtype, len(x))
print(x)
assert (x.name, x.shape, x.ndim, x.size, len(x)) == ("x", (2, 3), 2, 6, 2)
assert repr(x) == "Variable([[1 2 3]\n          [4 5 6]], name='x')"
