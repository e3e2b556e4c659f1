"""Step 34: the n-th derivative of sin by repeated backprop on a whole array of points."""
import numpy as np

import autograd as ag
from autograd import Variable

x = Variable(np.linspace(-7, 7, 200))
y = ag.sin(x)
y.backward(create_graph=True)
logs = [y.data]
for _ in range(3):
    logs.append(x.grad.data)
    gx = x.grad
    x.cleargrad()
    gx.backward(create_graph=True)

t = x.data
for got, expected in zip(logs, [np.sin(t), np.cos(t), -np.sin(t), -np.cos(t)]):
    np.testing.assert_allclose(got, expected, atol=1e-12)
print("sin, cos, -sin, -cos: as expected")
