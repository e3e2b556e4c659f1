"""Step 24: optimisation test functions written as ordinary Python (benchmark_functions.py):
sphere, matyas and Goldstein-Price, differentiated at (1, 1)."""
import numpy as np
from benchmark_functions import goldstein, matyas, sphere  # written as ordinary Python

from autograd import Variable


def gradient(f):
    x, y = Variable(np.array(1.0)), Variable(np.array(1.0))
    f(x, y).backward()
    return float(x.grad.data), float(y.grad.data)


print(gradient(sphere), gradient(matyas), gradient(goldstein))
assert gradient(sphere) == (2.0, 2.0)
assert np.allclose(gradient(matyas), (0.040000000000000036, 0.040000000000000036))
assert gradient(goldstein) == (-5376.0, 8064.0)   # the book prints -5376.0 8064.0
