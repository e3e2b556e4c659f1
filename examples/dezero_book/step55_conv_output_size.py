"""Step 55: the output size of a convolution, and the same numbers from F.conv2d."""
import numpy as np

import nn.functional as F


def get_conv_outsize(input_size, kernel_size, stride, pad):
    return (input_size + pad * 2 - kernel_size) // stride + 1


H, W = 4, 4
KH, KW = 3, 3
SH, SW = 1, 1
PH, PW = 1, 1
OH, OW = get_conv_outsize(H, KH, SH, PH), get_conv_outsize(W, KW, SW, PW)
print(OH, OW)
assert (OH, OW) == (4, 4)

y = F.conv2d(np.zeros((1, 1, H, W)), np.zeros((1, 1, KH, KW)), stride=(SH, SW),
             padding=(PH, PW))   # DeZero's pad= is padding= here
assert y.shape[2:] == (OH, OW)
