"""Step 23: the framework as a package: `import autograd` (rungrad's name for dezero)."""
import numpy as np

from autograd import Variable

x = Variable(np.array(1.0))
y = (x + 3) ** 2
y.backward()
print(y, x.grad)
assert y.data == 16.0 and x.grad.data == 8.0
