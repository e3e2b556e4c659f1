"""Step 9: Python functions around the Function classes, and backward's seed of ones.
rungrad's ops are such functions already (autograd.square does not exist: write x ** 2)."""
import numpy as np

import autograd as ag
from autograd import Variable

x = Variable(np.array(0.5))
y = ag.exp(x ** 2) ** 2
y.backward()               # the seed dy/dy = 1 is made for you
print(x.grad)
assert abs(x.grad.data - 3.297442541400256) < 1e-15

# The book's Variable refuses a float (step 9); rungrad's takes numbers and lists too.
assert Variable(1.0).data.dtype == np.float64
