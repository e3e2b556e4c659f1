"""Step 29: Newton's method on f(x) = x^4 - 2x^2 with the second derivative written by hand:
2.0 -> 1.4545... -> ... -> 1.0 in 7 steps (gradient descent needs hundreds)."""
import numpy as np

from autograd import Variable


def f(x):
    return x ** 4 - 2 * x ** 2


def second_derivative(x):
    return 12 * x ** 2 - 4


x = Variable(np.array(2.0))
path = []
for _ in range(10):
    path.append(float(x.data))
    y = f(x)
    x.cleargrad()
    y.backward()
    x.data -= x.grad.data / second_derivative(x.data)

print(path)
book = [2.0, 1.4545454545454546, 1.1510467893775467, 1.0253259289766978, 1.0009084519430513,
        1.0000012353089454, 1.000000000002289, 1.0, 1.0, 1.0]
assert np.allclose(path, book, rtol=1e-14, atol=0)
