"""Step 42: linear regression by gradient descent on y = 5 + 2x + noise (the book's data,
np.random.seed(0)). The parameter update uses `.grad.data` (arrays)."""
import numpy as np

import autograd as ag
from autograd import Variable

np.random.seed(0)
x = np.random.rand(100, 1)
y = 5 + 2 * x + np.random.rand(100, 1)
x, y = Variable(x), Variable(y)

W = Variable(np.zeros((1, 1)))
b = Variable(np.zeros(1))


def predict(x):
    return ag.matmul(x, W) + b


def mean_squared_error(x0, x1):
    diff = x0 - x1
    return ag.sum(diff ** 2) / len(diff)


lr = 0.1
for i in range(100):
    loss = mean_squared_error(y, predict(x))
    W.cleargrad()
    b.cleargrad()
    loss.backward()
    W.data -= lr * W.grad.data
    b.data -= lr * b.grad.data
    if i == 0:
        assert abs(loss.data - 42.296340129442335) < 1e-10     # the book's first loss

print(W, b, loss)
# The book's last line: variable([[2.11807369]]) variable([5.46608905]) variable(0.0790860...)
assert abs(W.data[0, 0] - 2.11807369) < 1e-8 and abs(b.data[0] - 5.46608905) < 1e-8
assert abs(loss.data - 0.07908606512411756) < 1e-12
