"""Step 4: numerical differentiation by the central difference (autograd.numerical_diff)."""
import numpy as np

import autograd as ag
from autograd import Variable


def square(x):
    return x ** 2


def f(x):
    return ag.exp(x ** 2) ** 2


dy = ag.numerical_diff(square, Variable(np.array(2.0)), eps=1e-4)
print(dy)
assert abs(dy - 4.000000000004) < 1e-12          # the book prints 4.000000000004

dy = ag.numerical_diff(f, Variable(np.array(0.5)))  # eps=1e-4 is the default, as the book's
print(dy)
assert abs(dy - 3.2974426293330694) < 1e-12      # the book prints 3.2974426293330694
