"""The one walk over a graph's Functions (drawing and unchain_backward use it)."""
import numpy as np

from autograd import Variable
from autograd.walk import functions_behind


def test_each_function_is_visited_once_even_when_shared():
    x = Variable(np.ones(3))
    a = x * 2
    b = a + a  # a's creator is reachable twice
    c = (b * a).sum()
    names = [type(f).__name__ for f in functions_behind([c])]
    assert sorted(names) == ["Add", "Mul", "MulScalar", "Sum"]


def test_inputs_may_be_unchained_while_walking():
    x = Variable(np.ones(3))
    ys = [x]
    for _ in range(5):
        ys.append(ys[-1] * 2)
    visited = 0
    for func in functions_behind([ys[-1]]):
        visited += 1
        for v in func.inputs:
            v.unchain()  # the walk already read them
    assert visited == 5


def test_a_deep_chain_does_not_recurse():
    y = Variable(np.ones(1))
    for _ in range(5000):
        y = y + 1
    assert sum(1 for _ in functions_behind([y])) == 5000
