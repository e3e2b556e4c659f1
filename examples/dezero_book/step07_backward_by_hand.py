"""Steps 6-8: backpropagation. Each Function writes `backward`; the output remembers its
creator, the creator its inputs, so the chain can be walked back by hand (step 7) or by
`y.backward()` (step 8). rungrad's backward gets and returns Variables (DeZero's first
steps use arrays), so backward written with ops can itself be differentiated (step 33)."""
import numpy as np

from autograd import Function, Variable


class Square(Function):
    """y = x^2"""

    def forward(self, x):
        return x ** 2

    def backward(self, gy):
        x, = self.inputs
        return 2 * x * gy


class Exp(Function):
    """y = exp(x)"""

    def forward(self, x):
        return np.exp(x)

    def backward(self, gy):
        y = self.outputs[0]()  # outputs are weak references (step 17)
        return y * gy


A, B, C = Square(), Exp(), Square()
x = Variable(np.array(0.5))
a = A(x)
b = B(a)
y = C(b)

# step 7: the links the graph is made of
assert y.creator is C and C.inputs[0] is b and b.creator is B and a.creator is A

# step 6: backward by hand, from the output back to x
gy = Variable(np.array(1.0))
gb = C.backward(gy)
ga = B.backward(gb)
gx = A.backward(ga)
print(gx)

# step 8: the same, automatically
y.backward()
print(x.grad)
assert x.grad.data == gx.data
assert abs(x.grad.data - 3.297442541400256) < 1e-15   # the book prints 3.297442541400256
