"""nn.utils where a review against torch 2.13 found them apart: a NaN among the gradients
under the inf and negative norms, a right_inverse that changes the stored shape, weight_norm
checkpoints of the old hook API, functional_call given a parametrized name, and
pad_packed_sequence's total_length."""
import math

import numpy as np
import pytest

import autograd as ag
import nn
from nn.utils import parametrize
from nn.utils.parametrizations import weight_norm
from nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
from nn.utils.stateless import functional_call
from optim.clip import clip_grad_norm_


def _with_grads(*grads):
    params = [ag.Parameter(np.zeros(len(g))) for g in grads]
    for p, g in zip(params, grads):
        p.grad = ag.Variable(np.array(g, float), requires_grad=False)
    return params


@pytest.mark.parametrize("norm_type", [math.inf, -math.inf, -1, 2])
@pytest.mark.parametrize("nan_at", [0, 1])
def test_a_nan_gradient_makes_the_total_norm_nan_whatever_its_place(norm_type, nan_at):
    grads = [[1.0, -2.0], [0.0, 0.5], [3.0]]
    grads[nan_at] = [math.nan] + grads[nan_at][1:]
    params = _with_grads(*grads)
    assert math.isnan(nn.utils.get_total_norm([p.grad for p in params], norm_type))
    with pytest.raises(RuntimeError, match="is nan"):
        clip_grad_norm_(params, 1.0, norm_type=norm_type, error_if_nonfinite=True)
    clip_grad_norm_(params, 1.0, norm_type=norm_type)
    assert all(np.isnan(p.grad.data).all() for p in params)  # (PyTorch's: all of them NaN)


class _Flat(nn.Module):
    def forward(self, stored):
        return stored.reshape(3, 4)

    def right_inverse(self, weight):
        return weight.reshape(-1)


def test_a_right_inverse_may_store_another_shape():
    layer = nn.Linear(4, 3)
    weight = layer.weight.data.copy()
    parametrize.register_parametrization(layer, "weight", _Flat())
    assert layer.parametrizations.weight.original.shape == (12,)
    np.testing.assert_array_equal(layer.weight.data, weight)


def test_weight_norm_loads_the_hook_apis_checkpoint():
    old = nn.utils.weight_norm(nn.Linear(3, 2))
    state = old.state_dict()
    assert sorted(state) == ["bias", "weight_g", "weight_v"]
    new = weight_norm(nn.Linear(3, 2))
    new.load_state_dict(state)
    x = np.random.default_rng(0).standard_normal((4, 3))
    np.testing.assert_allclose(new(x).data, old(x).data, rtol=1e-6)


def test_functional_call_given_a_parametrized_name_leaves_its_parametrizations_out():
    layer = weight_norm(nn.Linear(3, 2))
    before = layer(np.ones((1, 3))).data
    w = ag.Variable(np.ones((2, 3), np.float32))
    y = functional_call(layer, {"weight": w}, (np.ones((1, 3), np.float32),))
    np.testing.assert_allclose(y.data[0], layer.bias.data + 3.0, rtol=1e-6)
    y.sum().backward()
    np.testing.assert_array_equal(w.grad.data, np.ones((2, 3)))
    np.testing.assert_array_equal(layer(np.ones((1, 3))).data, before)  # (back afterwards)


def test_total_length_must_be_an_int():
    packed = pack_padded_sequence(ag.Variable(np.ones((4, 2, 1))), [4, 2])
    assert pad_packed_sequence(packed, total_length=np.int64(6))[0].shape == (6, 2, 1)
    for wrong in (6.5, 7.0, True):
        with pytest.raises(TypeError, match="total_length must be an int"):
            pad_packed_sequence(packed, total_length=wrong)
