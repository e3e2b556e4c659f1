"""Step 36: double backprop: z = (dy/dx)^3 + y with y = x^2, differentiated w.r.t. x."""
import numpy as np

from autograd import Variable

x = Variable(np.array(2.0))
y = x ** 2
y.backward(create_graph=True)
gx = x.grad
x.cleargrad()
z = gx ** 3 + y
z.backward()
print(x.grad)
assert x.grad.data == 100.0   # 24 x^2 + 2x at x = 2
