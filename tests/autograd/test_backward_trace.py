"""record_backward: one step per Function, in the engine's order, adding up to the .grads."""
import numpy as np

import autograd as ag
from autograd import Variable, record_backward
from autograd.walk import functions_behind


def _mlp_loss(seed=0):
    rng = np.random.default_rng(seed)
    x = Variable(rng.normal(size=(4, 3)), requires_grad=False)
    w1, b1 = Variable(rng.normal(size=(3, 5))), Variable(np.zeros(5))
    w2 = Variable(rng.normal(size=(5, 2)))
    h = ag.tanh(ag.matmul(x, w1) + b1)        # b1 is broadcast: its gradient is summed
    y = ag.matmul(h, w2)
    loss = ag.mean((y - 1.0) ** 2) + ag.sum(h * h) * 0.01   # h is used twice
    return loss, (w1, b1, w2)


def test_one_step_per_function_latest_generation_first():
    loss, _ = _mlp_loss()
    with record_backward() as trace:
        loss.backward()
    assert len(trace) == len(list(functions_behind([loss])))
    generations = [step.function.generation for step in trace]
    assert generations == sorted(generations, reverse=True)
    assert [step.index for step in trace] == list(range(len(trace)))


def test_replaying_the_recorded_contributions_gives_every_leafs_grad():
    loss, leaves = _mlp_loss(seed=3)
    with record_backward() as trace:
        loss.backward()
    totals = {}
    for step in trace:
        for x, g in zip(step.function.inputs, step.grad_inputs):
            if g is not None and x.creator is None:
                assert g.shape == x.shape           # broadcasting already undone
                totals[id(x)] = totals.get(id(x), 0) + g
    for leaf in leaves:
        np.testing.assert_allclose(totals[id(leaf)], leaf.grad.data, rtol=1e-12)


def test_each_step_receives_what_its_outputs_were_sent():
    x = Variable(np.array([1.0, 2.0]))
    y = ag.sin(x) * np.array(2.0)  # (an array: a constant input; a number is the op's own)
    with record_backward() as trace:
        y.backward(np.array([1.0, 3.0]))
    mul, sin = trace
    np.testing.assert_array_equal(mul.grad_outputs[0], [1.0, 3.0])
    np.testing.assert_array_equal(sin.grad_outputs[0], mul.grad_inputs[0])
    assert mul.grad_inputs[1] is None                  # the constant 2 needs no gradient
    np.testing.assert_allclose(sin.grad_inputs[0], 2 * np.cos([1.0, 2.0]) * [1.0, 3.0])


def test_nothing_is_recorded_outside_the_block_or_by_grad_mode():
    x = Variable(np.array(2.0))
    with record_backward() as trace:
        pass
    (x * x).backward()
    assert len(trace) == 0
    with record_backward() as trace:
        dx, = ag.grad(x ** 3, x, create_graph=True)
        ag.grad(dx, x)                  # a second pass over the graph of the gradient
    assert [s.function.name for s in trace][:1] == ["powscalar"]
    assert len(trace) > 1


def test_an_outer_record_sees_the_passes_of_an_inner_one():
    import numpy as np

    import autograd as ag
    x = ag.Variable(np.array([1.0, 2.0]))
    with ag.record_backward() as outer:
        (x * x).sum().backward()
        with ag.record_backward() as inner:
            (x * 3).sum().backward()
    assert len(inner) == 2 and len(outer) == 4
    assert [s.function.name for s in outer][2:] == [s.function.name for s in inner]


def test_a_pass_run_inside_a_step_is_numbered_apart_and_comes_before_that_step():
    """A checkpointed block's backward computes the block again and differentiates it with
    grad: that pass's steps were recorded among the outer pass's with nothing to tell them
    apart."""
    import numpy as np

    import autograd as ag
    x, w = ag.Variable(np.array([0.5, 1.0])), ag.Variable(np.array([2.0, -1.0]))
    y = ag.sum(ag.checkpoint(lambda a: ag.tanh(a * w), x))
    with ag.record_backward() as outer:
        with ag.record_backward() as inner:
            y.backward()
    for trace in (outer, inner):
        assert [(s.function.name, s.pass_index) for s in trace] == [
            ("sum", 0), ("tanh", 1), ("mul", 1), ("_checkpointed", 0)]
