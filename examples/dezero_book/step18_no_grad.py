"""Step 18: intermediate gradients are dropped unless asked for, and no_grad() records no
graph (for inference)."""
import numpy as np

from autograd import Variable, no_grad, using_config

x0 = Variable(np.array(1.0))
x1 = Variable(np.array(1.0))
t = x0 + x1
y = x0 + t
y.backward()
print(y.grad, t.grad, x0.grad, x1.grad)
assert y.grad is None and t.grad is None           # the book prints None None
assert x0.grad.data == 2.0 and x1.grad.data == 1.0

t = x0 + x1
y = x0 + t
y.backward(retain_grad=True)                       # keep every gradient
assert t.grad.data == 1.0

with using_config("enable_backprop", False):       # the book's switch, same name
    y = Variable(np.array(2.0)) ** 2
assert y.creator is None
with no_grad():
    y = Variable(np.array(2.0)) ** 2
assert y.creator is None
