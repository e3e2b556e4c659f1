"""Step 27: sin by its Taylor series, built from + * ** in a Python loop; backprop goes
through the whole loop."""
import math

import numpy as np

import autograd as ag
from autograd import Variable


def my_sin(x, threshold=1e-4):
    y = 0
    for i in range(100000):
        t = (-1) ** i / math.factorial(2 * i + 1) * x ** (2 * i + 1)
        y = y + t
        if abs(t.data) < threshold:
            break
    return y


x = Variable(np.array(np.pi / 4))
y = ag.sin(x)
y.backward()
print(y.data, x.grad)
assert y.data == 0.7071067811865475 and x.grad.data == 0.7071067811865476

x = Variable(np.array(np.pi / 4))
y = my_sin(x)
y.backward()
print(y.data, x.grad)
assert abs(y.data - 0.7071064695751781) < 1e-15     # the book's values
assert abs(x.grad.data - 0.7071032148228457) < 1e-15

x = Variable(np.array(np.pi / 4))
y = my_sin(x, threshold=1e-150)
y.backward()
assert abs(y.data - 0.7071067811865475) < 1e-15 and abs(x.grad.data - 0.7071067811865476) < 1e-15
