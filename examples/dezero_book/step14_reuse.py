"""Step 14: a variable used twice gets the sum of both gradients; cleargrad before reuse."""
import numpy as np

from autograd import Variable

x = Variable(np.array(3.0))
y = x + x
y.backward()
print(x.grad)
assert x.grad.data == 2.0

x.cleargrad()              # without it, the next backward would add to 2.0
y = (x + x) + x
y.backward()
print(x.grad)
assert x.grad.data == 3.0
