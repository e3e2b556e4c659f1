"""The engine where a review against torch 2.13 found it apart: a leaf's hook under
grad(create_graph=False), detect_anomaly on attention masks, grad's PyTorch keywords,
full backward hooks' counts, a .grad of another shape, inputs that need no gradient,
callbacks that queue callbacks, and backward(inputs=...)."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from autograd import Variable
from nn.keras import layers


def test_a_leafs_hook_records_no_graph_without_create_graph():
    w = Variable(np.array([2.0, 3.0]))
    for run in ("grad", "backward"):
        x = Variable(np.array([1.0, 2.0]))
        modes = []
        x.register_hook(lambda g, modes=modes: (modes.append(ag.is_grad_enabled()), g * w)[1])
        if run == "grad":
            gx, = ag.grad((x * 2).sum(), x)
        else:
            (x * 2).sum().backward(Variable(np.array(1.0)))
            gx = x.grad
        assert modes == [False] and not gx.requires_grad and gx.creator is None
        np.testing.assert_array_equal(gx.data, [4.0, 6.0])
    x = Variable(np.array([1.0, 2.0]))
    x.register_hook(lambda g: g * w)
    gx, = ag.grad((x * 2).sum(), x, create_graph=True)  # the hook's product is recorded
    np.testing.assert_array_equal(ag.grad(gx.sum(), w)[0].data, [2.0, 2.0])


def test_detect_anomaly_lets_attention_masks_pass_and_still_catches_inf():
    q = Variable(np.random.default_rng(0).standard_normal((2, 3, 4)))
    causal = nn.Transformer.generate_square_subsequent_mask(3)
    with ag.detect_anomaly():
        F.scaled_dot_product_attention(q, q, q, is_causal=True).sum().backward()
        attention = nn.MultiheadAttention(4, 2, batch_first=True)
        out, _ = attention(q, q, q, attn_mask=np.triu(np.ones((3, 3), bool), 1),
                           key_padding_mask=np.array([[0, 0, 1], [0, 0, 0]], bool))
        out.sum().backward()
        nn.TransformerEncoderLayer(4, 2, 8, batch_first=True)(q, src_mask=causal).sum()
        layers.MultiHeadAttention(2, 2)(q, q, use_causal_mask=True).sum().backward()
        with pytest.raises(FloatingPointError, match="holds 24 Inf"):
            q + np.inf


def test_grad_takes_pytorchs_keywords():
    x, w = Variable(np.array([1.0, 2.0])), Variable(np.array([3.0, 4.0]))
    y = (x * x).sum()
    gx, gw = ag.grad(y, [x, w], retain_graph=True, only_inputs=True, materialize_grads=True)
    np.testing.assert_array_equal(gx.data, [2.0, 4.0])
    np.testing.assert_array_equal(gw.data, [0.0, 0.0])
    assert not gw.requires_grad
    _, gw = ag.grad(y, [x, w], create_graph=True, materialize_grads=True)
    assert gw.requires_grad  # (part of a graph of gradients, as PyTorch's)
    assert ag.grad(y, [x, w], allow_unused=True)[1] is None
    with pytest.raises(NotImplementedError, match="is_grads_batched"):
        ag.grad(y, x, is_grads_batched=True)
    constant = Variable(np.ones(2), requires_grad=False)  # (the kit's integer inputs: None)
    assert ag.grad((constant * x).sum(), [x, constant], allow_unused=True)[1] is None
    with pytest.raises(RuntimeError, match="input 1 .* does not require grad"):
        ag.grad((constant * x).sum(), [x, constant])


def test_a_full_backward_hook_must_return_one_entry_per_input():
    layer = nn.Linear(2, 2)
    layer.register_full_backward_hook(lambda module, grad_input, grad_output:
                                      (grad_input[0], grad_input[0]))
    with pytest.raises(RuntimeError, match="Linear: a full backward hook returned 2 "
                                           "grad_input entries for 1 inputs"):
        layer(Variable(np.ones((1, 2)))).sum().backward()


def test_a_grad_of_another_shape_is_named_when_gradients_arrive():
    x = Variable(np.ones(1))
    x.grad = Variable(np.zeros(3), requires_grad=False)
    with pytest.raises(RuntimeError, match=r"leaf of shape \(1,\) has shape \(3,\)"):
        (x * 2).sum().backward()


def test_a_grad_that_is_no_array_is_named_when_gradients_arrive():
    # x.grad = 5.0 died on "'float' object has no attribute 'shape'" inside the engine
    x = Variable(np.ones(2))
    x.grad = 5.0
    with pytest.raises(TypeError, match=r"\.grad of a leaf of shape \(2,\) is a float, not an"):
        (x * 2).sum().backward()


def test_a_queued_callback_may_queue_another():
    calls = []

    def outer():
        calls.append("outer")
        ag.queue_callback(lambda: calls.append("nested"))
    x = Variable(np.ones(2))
    x.register_hook(lambda g: (ag.queue_callback(outer), g)[1])
    (x * 2).sum().backward()
    assert calls == ["outer", "nested"]


def test_backward_into_the_inputs_given_only():
    x, w = Variable(np.array([1.0, 2.0])), Variable(np.array([3.0, 4.0]))
    h = x * w
    y = (h * h).sum()
    y.backward(inputs=[w, h])
    assert x.grad is None
    np.testing.assert_array_equal(w.grad.data, [6.0, 32.0])
    np.testing.assert_array_equal(h.grad.data, [6.0, 16.0])
    y.backward(inputs=w)
    np.testing.assert_array_equal(w.grad.data, [12.0, 64.0])


def test_jacobian_names_a_list_of_arrays():
    with pytest.raises(TypeError, match="a list of arrays; give several inputs as a tuple"):
        ag.jacobian(lambda a: a, [np.ones(2), np.ones(3)])
    assert ag.jacobian(lambda a: a * 2, [1.0, 2.0]).shape == (2, 2)


def test_backward_into_an_input_named_twice_adds_its_gradient_once():
    # PyTorch's backward(inputs=[x, x]) accumulates into x.grad once; rungrad added it twice
    x = Variable(np.array([1.0, 2.0]))
    h = x * 3
    (h * h).sum().backward(inputs=[x, h, x, h])
    np.testing.assert_array_equal(x.grad.data, [18.0, 36.0])
    np.testing.assert_array_equal(h.grad.data, [6.0, 12.0])


@pytest.mark.parametrize("target", ["h", "y"])
def test_backward_into_a_variable_retaining_its_gradient_adds_it_once(target):
    # retain_grad() and inputs=[h] both stored h's gradient: h.grad was twice PyTorch's
    x = Variable(np.array([1.0, 2.0]))
    h = x * 2
    y = (h * h).sum()
    chosen = {"h": h, "y": y}[target]
    chosen.retain_grad()
    y.backward(inputs=[chosen])
    expected = {"h": [4.0, 8.0], "y": 1.0}[target]
    np.testing.assert_array_equal(chosen.grad.data, expected)
    y.backward(inputs=[chosen])  # and accumulates once more per call
    np.testing.assert_array_equal(chosen.grad.data, np.multiply(expected, 2))


def test_backward_refuses_retain_grad_with_inputs():
    # retain_grad=True was dropped without a word under inputs=: h.grad stayed None
    x = Variable(np.array([1.0, 2.0]))
    h = x * 2
    with pytest.raises(ValueError, match=r"retain_grad=True cannot be combined with inputs="):
        (h * h).sum().backward(retain_grad=True, inputs=[x])
    assert x.grad is None
