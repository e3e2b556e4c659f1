"""Step 35: higher derivatives of tanh: the gradient of a gradient is a graph of ordinary
ops, and it grows with each order (draw one with plot_graph, as the book does)."""
import numpy as np

import autograd as ag
from autograd import Variable

x = Variable(np.array(1.0), name="x")
y = ag.tanh(x)
y.backward(create_graph=True)
edges = []
for order in range(2, 5):
    gx = x.grad
    x.cleargrad()
    gx.backward(create_graph=True)
    if order == 2:
        t = np.tanh(1.0)
        assert abs(x.grad.data - (-2 * t * (1 - t ** 2))) < 1e-12   # tanh'' = -2 tanh sech^2
    edges.append(ag.get_dot_graph(x.grad, verbose=False).count("->"))

print(edges)
assert edges[0] < edges[1] < edges[2]
