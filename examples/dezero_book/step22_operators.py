"""Steps 20-22: operators: + - * / ** and unary -, with arrays and Python numbers on either
side."""
import numpy as np

from autograd import Variable

a, b, c = Variable(np.array(3.0)), Variable(np.array(2.0)), Variable(np.array(1.0))
y = a * b + c
y.backward()
print(y, a.grad, b.grad)
assert y.data == 7.0 and a.grad.data == 2.0 and b.grad.data == 3.0

x = Variable(np.array(2.0))
assert (x + np.array(3.0)).data == 5.0 and (3.0 * x + 1.0).data == 7.0   # step 21
assert (-x).data == -2.0 and (2.0 - x).data == 0.0 and (x - 1.0).data == 1.0
assert (3.0 / x).data == 1.5
y = x ** 3
y.backward()
print(y, x.grad)
assert y.data == 8.0 and x.grad.data == 12.0
