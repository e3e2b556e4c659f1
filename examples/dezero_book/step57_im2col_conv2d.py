"""Step 57: im2col, and convolution as one matrix product on its columns.

F.im2col(x, kernel_size, stride=1, padding=0, to_matrix=True) is DeZero's (its pad= is
padding= here); F.conv2d(x, W, b=None, stride, padding) computes the same convolution.
"""
import numpy as np

import nn
import nn.functional as F
from autograd import Variable

x1 = np.random.rand(1, 3, 7, 7)
col1 = F.im2col(x1, kernel_size=5, stride=1, padding=0, to_matrix=True)
print(col1.shape)
assert col1.shape == (9, 75)

x2 = np.random.rand(10, 3, 7, 7)
col2 = F.im2col(x2, (5, 5), (1, 1), (0, 0), to_matrix=True)
print(col2.shape)
assert col2.shape == (90, 75)

N, C, H, W = 1, 5, 15, 15
OC, (KH, KW) = 8, (3, 3)
x = Variable(np.random.randn(N, C, H, W))
weight = np.random.randn(OC, C, KH, KW)
y = F.conv2d(x, weight, None, stride=1, padding=1)
y.backward()
print(y.shape, x.grad.shape)
assert y.shape == (1, 8, 15, 15) and x.grad.shape == (1, 5, 15, 15)

# The book's conv2d_simple: im2col, one matrix product, reshape back.
col = F.im2col(x, (KH, KW), 1, 1)                         # (N*OH*OW, C*KH*KW)
by_hand = (col @ weight.reshape(OC, -1).T).reshape(N, H, W, OC).transpose(0, 3, 1, 2)
np.testing.assert_allclose(by_hand.data, y.data, rtol=1e-10, atol=1e-10)

# A layer: rungrad's Conv2d takes the input channels first (DeZero's L.Conv2d infers them).
conv = nn.Conv2d(C, OC, kernel_size=3, padding=1)
assert conv(x.data.astype(np.float32)).shape == (1, 8, 15, 15)
pooled = F.max_pool2d(y, kernel_size=2)                   # DeZero's F.pooling
assert pooled.shape == (1, 8, 7, 7)
