"""Step 33: Newton's method with the second derivative from backprop itself:
`backward(create_graph=True)` records the gradient's graph, and that gradient (a Variable)
can be differentiated again."""
import numpy as np

from autograd import Variable


def f(x):
    return x ** 4 - 2 * x ** 2


x = Variable(np.array(2.0))
path = []
for _ in range(10):
    path.append(float(x.data))
    y = f(x)
    x.cleargrad()
    y.backward(create_graph=True)
    gx = x.grad
    x.cleargrad()
    gx.backward()
    gx2 = x.grad
    x.data -= gx.data / gx2.data

print(path)
book = [2.0, 1.4545454545454546, 1.1510467893775467, 1.0253259289766978, 1.0009084519430513,
        1.0000012353089454, 1.000000000002289, 1.0, 1.0, 1.0]
assert np.allclose(path, book, rtol=1e-14, atol=0)
