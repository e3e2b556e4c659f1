"""Step 17: functions hold their outputs by weak reference, so a graph is freed as soon as
the program drops its output (no reference cycles)."""
import gc
import weakref

import numpy as np

from autograd import Variable

gc.disable()  # prove that reference counting alone frees the graph
try:
    x = Variable(np.random.randn(1000))
    y = ((x ** 2) ** 2) ** 2
    creator = weakref.ref(y.creator)
    assert creator() is not None
    del y
    assert creator() is None  # the function went with its output
finally:
    gc.enable()
