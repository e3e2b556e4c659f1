"""Step 1: a Variable is a box around a NumPy array."""
import numpy as np

from autograd import Variable

x = Variable(np.array(1.0))
print(x.data)
x.data = np.array(2.0)
print(x.data)
assert x.data == 2.0

# rungrad also takes plain numbers and lists (the book's Variable accepts arrays only).
assert Variable(3.0).data.shape == () and Variable([1, 2]).shape == (2,)
