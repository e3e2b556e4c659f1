"""Keras 3's Variable methods on Parameter: assign, assign_add, assign_sub, trainable,
value (autograd/keras_variable.py)."""
import re

import numpy as np
import pytest

import autograd as ag
import nn
import nn.keras as keras
import optim
from autograd import Parameter, Variable


def test_assign_writes_into_the_same_array_cast_to_its_dtype():
    p = Parameter(np.zeros((2, 3), np.float32))
    array = p.data
    assert p.assign([[1, 2, 3], [4, 5, 6]]) is p
    assert p.data is array and p.dtype == np.float32
    np.testing.assert_array_equal(p.data, [[1, 2, 3], [4, 5, 6]])
    p.assign(Variable(np.full((2, 3), 0.5)))
    np.testing.assert_array_equal(p.data, np.full((2, 3), 0.5, np.float32))


def test_assign_add_and_sub_take_what_broadcasts_to_the_variable():
    p = Parameter(np.ones((2, 3)))
    p.assign_add(2.0)
    p.assign_sub(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(p.data, [[2, 1, 0], [2, 1, 0]])


@pytest.mark.parametrize("method, value, shape", [
    ("assign", np.ones(3), (3,)), ("assign", 1.0, ()), ("assign_add", np.ones((4, 2, 3)),
                                                        (4, 2, 3))])
def test_another_shape_is_refused_and_named(method, value, shape):
    p = Parameter(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=re.escape(f"{method}: a value of shape {shape} for a "
                                                   "variable of shape (2, 3)")):
        getattr(p, method)(value)
    assert not p.data.any()


@pytest.mark.parametrize("value", ["text", np.ones((2, 3)) * 1j, [[object()] * 3] * 2])
def test_what_is_no_real_number_is_refused(value):
    p = Parameter(np.zeros((2, 3), np.float32))
    with pytest.raises(TypeError, match="assign: a value of dtype .* for a variable of dtype "
                                        r"float32 \(real numbers only\)"):
        p.assign(value)


def test_a_graph_that_used_the_old_values_refuses_backward():
    p = Parameter(np.ones(3))
    loss = (p * Variable(np.arange(3.0))).sum()
    p.assign_add(1.0)
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()
    loss = (p * Variable(np.arange(3.0))).sum()  # (recorded after: fine)
    loss.backward()
    np.testing.assert_array_equal(p.grad.data, [0, 1, 2])


def test_assign_inside_a_graph_recording_is_allowed_and_not_recorded():
    """Keras' assignments are outside the tape: under grad mode too, nothing records them."""
    p = Parameter(np.ones(2))
    p.assign(np.array([3.0, 4.0]))
    assert p.creator is None and p.requires_grad


def test_trainable_is_requires_grad_and_an_optimizer_skips_a_frozen_one():
    p, q = Parameter(np.ones(2)), Parameter(np.ones(2))
    q.trainable = False
    assert p.trainable and not q.trainable and not q.requires_grad
    opt = optim.SGD([p, q], lr=1.0)
    (p * 2 + q).sum().backward()
    opt.step()
    np.testing.assert_array_equal(p.data, [-1, -1])
    np.testing.assert_array_equal(q.data, [1, 1])


def test_a_keras_layers_weights_are_set_with_assign():
    layer = keras.layers.Conv1D(2, 1)
    layer(np.ones((1, 4, 3), np.float32))
    layer.kernel.assign(np.eye(3, 2)[None])  # (Keras' layout (width, in, out), held so)
    layer.bias.assign_add(np.array([1.0, -1.0]))
    out = layer(np.array([[[1.0, 2.0, 3.0]]], np.float32))
    np.testing.assert_allclose(out.data, [[[2.0, 1.0]]])
    assert layer.kernel.value is layer.kernel


@pytest.mark.parametrize("grad_mode", [True, False])
def test_a_computed_variable_refuses_assign_saying_where_to_assign(grad_mode):
    """Dense's kernel is its weight transposed (an op): no storage of its own."""
    layer = keras.layers.Dense(2)
    layer(np.ones((1, 3), np.float32))
    with ag.set_grad_enabled(grad_mode):
        kernel = layer.kernel
    with pytest.raises(TypeError, match=r"assign_add: this Variable \(shape \(3, 2\)\) is .*"
                                        r"layer.weight.assign\(values.T\)"):
        kernel.assign_add(1.0)
    layer.weight.assign(np.full((2, 3), 2.0))
    np.testing.assert_array_equal(layer.kernel.data, np.full((3, 2), 2.0))


def test_a_captured_step_refuses_an_assign_it_could_not_repeat():
    p = Parameter(np.zeros(2))

    @ag.capture
    def step(x):
        with ag.no_grad():
            p.assign_add(x.data)
        return (p * 2).sum()

    with pytest.raises(ag.CaptureError, match="changed in place"):
        for _ in range(3):
            step(Variable(np.ones(2)))


def test_assign_reaches_an_nn_module_parameter_everywhere_it_is_held():
    model = nn.Linear(2, 1)
    opt = optim.SGD(model.parameters(), lr=0.1)
    model.weight.assign(np.array([[1.0, 2.0]]))
    assert opt.param_groups[0]["params"][0] is model.weight
    np.testing.assert_array_equal(model(np.array([[1.0, 1.0]], np.float32)).data - model.bias.data,
                                  [[3.0]])
