"""nn.utils.functional_call / nn.utils.stateless.functional_call against
torch.func.functional_call: values, gradients to the substitutes, a second-order MAML step
against torch.autograd.grad, buffers, tied weights, restoration (also after an exception),
strict mode and every error."""
import numpy as np
import pytest

import nn
import nn.functional as F
from autograd import Parameter, Variable, grad
from nn.utils import functional_call, stateless

from ._helpers import assert_close, copy_weights

torch = pytest.importorskip("torch")


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden, self.out = nn.Linear(3, 5), nn.Linear(5, 2)

    def forward(self, x, scale=1.0):
        return self.out(F.tanh(self.hidden(x))) * scale


class TorchNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden, self.out = torch.nn.Linear(3, 5), torch.nn.Linear(5, 2)

    def forward(self, x, scale=1.0):
        return self.out(torch.tanh(self.hidden(x))) * scale


def _twins():
    np.random.seed(0)
    ours, theirs = Net().double(), TorchNet().double()
    copy_weights(ours, theirs)
    return ours, theirs


def _substitutes(ours, seed=1):
    rng = np.random.default_rng(seed)
    return {k: rng.standard_normal(v.shape) for k, v in ours.state_dict().items()}


def test_values_and_gradients_to_the_substitutes_match_torch_and_the_module_is_restored():
    ours, theirs = _twins()
    before = {k: v.copy() for k, v in ours.state_dict().items()}
    arrays = _substitutes(ours)
    x = np.random.default_rng(2).standard_normal((4, 3))
    mine = {k: Variable(v) for k, v in arrays.items()}
    tensors = {k: torch.tensor(v, requires_grad=True) for k, v in arrays.items()}
    y = functional_call(ours, mine, (Variable(x),), {"scale": 2.0})
    ty = torch.func.functional_call(theirs, tensors, (torch.from_numpy(x),), {"scale": 2.0})
    assert_close(y, ty, 1e-12)
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    for k in arrays:
        assert_close(mine[k].grad, tensors[k].grad, 1e-12)
    for k, v in ours.state_dict().items():
        np.testing.assert_array_equal(v, before[k])
    assert all(p.grad is None for p in ours.parameters())
    assert stateless.functional_call is functional_call


def test_a_second_order_maml_step_matches_torch():
    ours, theirs = _twins()
    rng = np.random.default_rng(3)
    xs, ys, xq, yq = (rng.standard_normal(s) for s in [(6, 3), (6, 2), (5, 3), (5, 2)])
    lr = 0.4

    params = dict(ours.named_parameters())
    inner = F.mse_loss(functional_call(ours, params, Variable(xs)), Variable(ys))
    grads = grad(inner, list(params.values()), create_graph=True)
    fast = {k: p - lr * g for (k, p), g in zip(params.items(), grads)}
    outer = F.mse_loss(functional_call(ours, fast, Variable(xq)), Variable(yq))
    meta = grad(outer, list(params.values()))

    tparams = dict(theirs.named_parameters())
    tinner = torch.nn.functional.mse_loss(
        torch.func.functional_call(theirs, tparams, torch.from_numpy(xs)), torch.from_numpy(ys))
    tgrads = torch.autograd.grad(tinner, list(tparams.values()), create_graph=True)
    tfast = {k: p - lr * g for (k, p), g in zip(tparams.items(), tgrads)}
    touter = torch.nn.functional.mse_loss(
        torch.func.functional_call(theirs, tfast, torch.from_numpy(xq)), torch.from_numpy(yq))
    tmeta = torch.autograd.grad(touter, list(tparams.values()))
    assert_close(outer, touter, 1e-12)
    for g, tg in zip(meta, tmeta, strict=True):
        assert_close(g, tg, 1e-10)


def test_buffers_are_substituted_and_a_partial_dict_keeps_the_rest():
    np.random.seed(0)
    bn, tbn = nn.BatchNorm1d(3).double().eval(), torch.nn.BatchNorm1d(3).double().eval()
    copy_weights(bn, tbn)
    mean = np.array([0.5, -1.0, 2.0])
    x = np.random.default_rng(4).standard_normal((4, 3))
    y = functional_call(bn, {"running_mean": mean}, Variable(x))
    ty = torch.func.functional_call(tbn, {"running_mean": torch.from_numpy(mean)},
                                    torch.from_numpy(x))
    assert_close(y, ty, 1e-12)
    np.testing.assert_array_equal(bn.running_mean, np.zeros(3))


def test_the_module_is_restored_after_an_exception():
    ours, _ = _twins()
    weight = ours.hidden.weight
    with pytest.raises(ValueError, match="does not match weight of shape"):
        functional_call(ours, {"hidden.weight": np.zeros((5, 3))}, Variable(np.ones((2, 4))))
    assert ours.hidden.weight is weight and ours.hidden._parameters["weight"] is weight


class Tied(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = nn.Linear(2, 2, bias=False)
        self.second = nn.Linear(2, 2, bias=False)
        self.second.weight = self.first.weight

    def forward(self, x):
        return self.second(self.first(x))


def test_tied_weights_follow_one_value_unless_untied():
    model = Tied().double()
    x = Variable(np.array([[1.0, 2.0]]))
    zero = {"first.weight": np.zeros((2, 2))}
    np.testing.assert_array_equal(functional_call(model, zero, x).data, [[0.0, 0.0]])
    eye = {"first.weight": np.eye(2) * 2}
    untied = functional_call(model, eye, x, tie_weights=False).data
    np.testing.assert_allclose(untied, (x.data * 2) @ model.first.weight.data.T)
    same = np.eye(2)
    np.testing.assert_array_equal(functional_call(
        model, {"first.weight": same, "second.weight": same}, x).data, x.data)
    with pytest.raises(ValueError, match=r"multiple values for keys \['first.weight', "
                                         r"'second.weight'\], which are tied"):
        functional_call(model, {"first.weight": np.eye(2), "second.weight": np.eye(2)}, x)


def test_a_sequence_of_dicts_and_strict_mode():
    ours, theirs = _twins()
    arrays = _substitutes(ours)
    keys = list(arrays)
    x = np.ones((1, 3))
    y = functional_call(ours, ({k: arrays[k] for k in keys[:2]}, {k: arrays[k] for k in keys[2:]}),
                        Variable(x), strict=True)
    ty = torch.func.functional_call(
        theirs, ({k: torch.from_numpy(arrays[k]) for k in keys[:2]},
                 {k: torch.from_numpy(arrays[k]) for k in keys[2:]}), torch.from_numpy(x),
        strict=True)
    assert_close(y, ty, 1e-12)
    with pytest.raises(RuntimeError, match=r"Error\(s\) in reparametrizing for Net:\n\t"
                                           r"Unexpected key\(s\): 'extra'.\n\tMissing key\(s\): "
                                           r"'out.bias'."):
        functional_call(ours, {**{k: arrays[k] for k in keys[:3]}, "extra": np.ones(1)},
                        Variable(x), strict=True)


def test_errors():
    ours, _ = _twins()
    x = Variable(np.ones((1, 3)))
    with pytest.raises(ValueError, match="hidden.bias appeared in multiple dictionaries"):
        functional_call(ours, ({"hidden.bias": np.ones(5)}, {"hidden.bias": np.ones(5)}), x)
    with pytest.raises(TypeError, match="a dict, or a list/tuple of dicts, but got str"):
        functional_call(ours, "weights", x)
    with pytest.raises(TypeError, match="the value for 'hidden.bias' must be a Variable or an "
                                        "array, got list"):
        functional_call(ours, {"hidden.bias": [1.0] * 5}, x)
    with pytest.raises(KeyError, match="'missing' .* is not a submodule of Net"):
        functional_call(ours, {"missing.weight": np.ones(1)}, x)
    with pytest.raises(TypeError, match="expected an nn.Module, got function"):
        functional_call(lambda v: v, {}, x)
    from nn.utils.parametrizations import weight_norm
    layer = weight_norm(nn.Linear(3, 2))
    with pytest.raises(KeyError, match="'training' is a property of ParametrizedLinear, not a"):
        functional_call(layer, {"training": np.ones((2, 3), np.float32)}, x)
    assert isinstance(layer.parametrizations.weight.original0, Parameter)
