"""Step 3: functions chain: y = (exp(x^2))^2 at x = 0.5."""
import numpy as np

from autograd import Function, Variable


class Square(Function):
    def forward(self, x):
        return x ** 2


class Exp(Function):
    def forward(self, x):
        return np.exp(x)


A, B, C = Square(), Exp(), Square()
x = Variable(np.array(0.5))
y = C(B(A(x)))
print(y.data)
assert y.data == np.exp(0.25) ** 2  # 1.648721270700128
