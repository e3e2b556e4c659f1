"""Steps 15-16: a graph with branches; backward visits each function once, in order of
generation: y = (x^2)^2 + (x^2)^2 at x = 2."""
import numpy as np

from autograd import Variable

x = Variable(np.array(2.0))
a = x ** 2
y = a ** 2 + a ** 2
y.backward()
print(y.data, x.grad)
assert y.data == 32.0 and x.grad.data == 64.0
assert x.generation == 0 and a.generation == 1 and y.generation == 3
