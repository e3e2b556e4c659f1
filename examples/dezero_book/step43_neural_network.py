"""Step 43: a two-layer network by hand on the noisy sine data (np.random.seed(0)).

rungrad's F.linear(x, W, b) is PyTorch's: x W^T + b with W of shape (out, in). The book's
is x W with W (in, out). Here the weights are drawn as the book draws them, (in, out), and
stored transposed, so the numbers match the book's.
"""
import numpy as np

import nn.functional as F
from autograd import Variable

np.random.seed(0)
x = np.random.rand(100, 1)
y = np.sin(2 * np.pi * x) + np.random.rand(100, 1)

n_in, hidden, n_out = 1, 10, 1
W1 = Variable(0.01 * np.random.randn(n_in, hidden).T)   # (out, in)
b1 = Variable(np.zeros(hidden))
W2 = Variable(0.01 * np.random.randn(hidden, n_out).T)
b2 = Variable(np.zeros(n_out))
params = [W1, b1, W2, b2]


def predict(x):
    return F.linear(F.sigmoid(F.linear(x, W1, b1)), W2, b2)


lr = 0.2
losses = {}
for i in range(1001):                 # the book runs 10,000 iterations; 1,000 show the start
    loss = F.mse_loss(predict(x), y)  # DeZero's F.mean_squared_error
    for p in params:
        p.cleargrad()
    loss.backward()
    for p in params:
        p.data -= lr * p.grad.data
    if i % 1000 == 0:
        losses[i] = float(loss.data)

print(losses)
# The book prints variable(0.8473695850105871) at i = 0 and variable(0.2514286285183607) at 1000.
assert abs(losses[0] - 0.8473695850105871) < 1e-12
assert abs(losses[1000] - 0.2514286285183607) < 1e-9
