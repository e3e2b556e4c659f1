"""Steps 11-13: functions with several inputs: z = x^2 + y^2."""
import numpy as np

from autograd import Variable

x = Variable(np.array(2.0))
y = Variable(np.array(3.0))
z = x ** 2 + y ** 2
z.backward()
print(z.data, x.grad, y.grad)
assert z.data == 13.0 and x.grad.data == 4.0 and y.grad.data == 6.0
