"""Step 28: gradient descent on the Rosenbrock function, from (0, 2).

`x0.grad` is a Variable in rungrad (so it can be differentiated again): the update uses
`x0.grad.data`, the array, as the book does from step 42 on.
"""
import numpy as np

from autograd import Variable


def rosenbrock(x0, x1):
    return 100 * (x1 - x0 ** 2) ** 2 + (x0 - 1) ** 2


x0, x1 = Variable(np.array(0.0)), Variable(np.array(2.0))
lr = 0.001
for i in range(1000):
    seen = (float(x0.data), float(x1.data))   # what the book prints, before each update
    y = rosenbrock(x0, x1)
    x0.cleargrad()
    x1.cleargrad()
    y.backward()
    if i == 0:
        assert (x0.grad.data, x1.grad.data) == (-2.0, 400.0)
    x0.data -= lr * x0.grad.data
    x1.data -= lr * x1.grad.data

print(seen)
# The book's last printed line: variable(0.6834917840420289) variable(0.46565059996514135)
assert abs(seen[0] - 0.6834917840420289) < 1e-12 and abs(seen[1] - 0.46565059996514135) < 1e-12
