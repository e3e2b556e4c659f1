"""Step 54: dropout, and test mode.

F.dropout(x) follows the mode, as DeZero's: it drops in training and returns x itself
inside autograd.test_mode(). An explicit training=True or False overrides the mode (PyTorch's
F.dropout defaults to True; in a Module, pass training=self.training, which is False after
.eval() and inside test_mode()). The nn.Dropout layer follows both .eval() and test_mode().
"""
import numpy as np

import autograd as ag
import nn
import nn.functional as F

np.random.seed(0)
x = np.ones(5)
y = F.dropout(x)                    # training: each element dropped with p=0.5, rest * 2
print(y)
assert set(np.unique(y.data)) <= {0.0, 2.0}

with ag.test_mode():
    y = F.dropout(x)
    print(y)
    np.testing.assert_array_equal(y.data, x)
    assert np.any(F.dropout(np.ones(100), training=True).data == 0)   # explicit wins

layer = nn.Dropout(0.5)
with ag.test_mode():
    np.testing.assert_array_equal(layer(x).data, x)
layer.eval()
np.testing.assert_array_equal(layer(x).data, x)
