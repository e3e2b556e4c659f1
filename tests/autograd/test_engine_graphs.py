"""The engine on random graph shapes: whatever order the ops were recorded in, and however
branches rejoin, backprop must equal numerical differentiation."""
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from autograd import Variable
from autograd.engine_reference import reference_grad

UNARY = [ag.sin, ag.tanh, lambda v: v * 0.7, lambda v: v + 0.3, ag.exp]
BINARY = [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b]


@st.composite
def random_programs(draw):
    """A list of steps; step k reads any earlier values (0 is the input), so the graph gets
    branches of different depths that rejoin."""
    steps = []
    for k in range(draw(st.integers(2, 12))):
        if draw(st.booleans()):
            steps.append(("u", draw(st.integers(0, len(UNARY) - 1)), draw(st.integers(0, k))))
        else:
            steps.append(("b", draw(st.integers(0, len(BINARY) - 1)),
                          draw(st.integers(0, k)), draw(st.integers(0, k))))
    return steps


def run(program, x):
    values = [x]
    for step in program:
        if step[0] == "u":
            values.append(UNARY[step[1]](values[step[2]]))
        else:
            values.append(BINARY[step[1]](values[step[2]], values[step[3]]))
    total = values[-1]
    for v in values[1:-1:3]:  # some intermediate values also feed the output directly
        total = total + v
    return ag.sum(ag.tanh(total))


@given(random_programs(), st.floats(-1, 1))
def test_random_graphs_match_numerical_gradient(program, start):
    x = Variable(np.array([start, start / 2]))
    run(program, x).backward()
    numeric = ag.numerical_grad(lambda v: run(program, v), Variable(x.data.copy()))[0]
    np.testing.assert_allclose(x.grad.data, numeric, rtol=1e-5, atol=1e-7)


@given(random_programs(), st.floats(-1, 1))
def test_grad_and_backward_agree_at_second_order(program, start):
    x = Variable(np.array([start, -start]))
    (g,) = ag.grad(run(program, x), x, create_graph=True)
    (gg_direct,) = ag.grad(ag.sum(g), x)
    x2 = Variable(x.data.copy())
    run(program, x2).backward(create_graph=True)
    g2 = x2.grad
    x2.cleargrad()
    ag.sum(g2).backward()
    np.testing.assert_allclose(gg_direct.data, x2.grad.data, rtol=1e-10, atol=1e-12)


def test_seed_gradient_of_a_scalar_is_writable():
    x = Variable(np.array(3.0))
    x.backward()
    x.grad.data += 1  # a fresh array, not a shared constant
    assert x.grad.data == 2.0


# ----- the fast engine against the plain algorithm (autograd/engine_reference.py) -----
@given(random_programs(), st.integers(0, 2**31 - 1))
def test_backward_matches_the_reference_algorithm(program, seed):
    x = Variable(np.random.default_rng(seed).uniform(-1, 1, (2, 3)))
    y = run(program, x)
    (fast,) = ag.grad(y, [x])
    (plain,) = reference_grad(y, [x])
    np.testing.assert_allclose(fast.data, plain.data, rtol=1e-12, atol=1e-15)


@given(random_programs(), st.integers(0, 2**31 - 1))
def test_second_order_matches_the_reference_algorithm(program, seed):
    x = Variable(np.random.default_rng(seed).uniform(-1, 1, (3,)))
    y = run(program, x)
    (fast_g,) = ag.grad(y, [x], create_graph=True)
    (plain_g,) = reference_grad(y, [x], create_graph=True)
    (fast,) = ag.grad(fast_g.sum(), [x], allow_unused=True)
    (plain,) = reference_grad(plain_g.sum(), [x])
    if plain is None:
        assert fast is None or not np.any(fast.data)
    else:
        np.testing.assert_allclose(fast.data, plain.data, rtol=1e-10, atol=1e-12)


def test_multi_output_functions_and_shared_inputs_match_the_reference():
    x = Variable(np.linspace(-1, 1, 12).reshape(3, 4))
    a, b, c = ag.split(x * 2, 3, axis=0)
    y = (a * b + ag.exp(a) + x.sum(axis=0, keepdims=True)).sum()  # c gets no gradient
    np.testing.assert_allclose(ag.grad(y, [x])[0].data, reference_grad(y, [x])[0].data)
