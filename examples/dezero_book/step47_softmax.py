"""Step 47: softmax and cross-entropy for classification; indexing with get_item.

rungrad's F.cross_entropy is DeZero's softmax_cross_entropy: logits and integer labels in,
the mean loss out.
"""
import numpy as np

import autograd as ag
import nn
import nn.functional as F
from autograd import Variable

np.random.seed(0)
model = nn.Sequential(nn.Linear(10), nn.Sigmoid(), nn.Linear(3))

x = Variable(np.array([[0.2, -0.4]]))
y = model(x)
p = ag.exp(y) / ag.sum(ag.exp(y))    # softmax by hand, for one sample
np.testing.assert_allclose(p.data, F.softmax(y).data, rtol=1e-6)
assert abs(float(p.data.sum()) - 1) < 1e-6

x = np.array([[0.2, -0.4], [0.3, 0.5], [1.3, -3.2], [2.1, 0.3]])
t = np.array([2, 0, 1, 0])
y = model(x)
p = F.softmax(y)                     # over the last axis
loss = F.cross_entropy(y, t)
loss.backward()
by_hand = -np.mean(np.log(p.data[np.arange(4), t]))
print(p, loss)
assert abs(float(loss.data) - by_hand) < 1e-6
assert y[1].shape == (3,) and ag.get_item(y, (slice(None), 2)).shape == (4,)   # step 47's slices
assert model[0].weight.grad is not None
