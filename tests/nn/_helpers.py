"""Helpers shared by the nn tests: a small Module with every kind of member, state
snapshots, comparisons with a layer's PyTorch twin, and a stand-in for a Variable."""
import numpy as np

import nn
import nn.functional as F
from autograd import Parameter, Variable


# ----- a model with parameters, a buffer and children, and its state -----
class Block(nn.Module):
    """Parameters, a buffer and children, registered in a deliberately unsorted order."""

    def __init__(self):
        super().__init__()
        self.zeta = Parameter(np.ones((2, 3), np.float32))
        self.alpha = nn.Linear(3, 4)
        self.register_buffer("running", np.zeros(4, np.float32))
        self.mid = Parameter(np.full(4, 2.0, np.float32))
        self.layers = nn.ModuleList([nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 1)])

    def forward(self, x):
        h = self.alpha(F.linear(x, self.zeta.T)) + self.mid
        for layer in self.layers:
            h = layer(h)
        return h


def snapshot(model):
    return {k: v.copy() for k, v in model.state_dict().items()}


def assert_same_state(model, expected):
    state = model.state_dict()
    assert list(state) == list(expected)
    for key, value in expected.items():
        np.testing.assert_array_equal(state[key], value)
        assert state[key].dtype == value.dtype


# ----- comparisons with PyTorch -----


def copy_weights(ours, theirs):
    """Load our state_dict into the torch module; the key lists must be identical."""
    import torch
    state = ours.state_dict()
    assert list(state) == list(theirs.state_dict()), (list(state), list(theirs.state_dict()))
    theirs.load_state_dict({name: torch.from_numpy(np.array(value)) for name, value in
                            state.items()})


def assert_close(ours, theirs, tol=1e-5):
    """A rungrad Variable (or array) against a torch tensor (or array)."""
    have = ours.data if hasattr(ours, "creator") else np.asarray(ours)
    want = theirs.detach().numpy() if hasattr(theirs, "detach") else np.asarray(theirs)
    assert have.shape == want.shape, (have.shape, want.shape)
    np.testing.assert_allclose(have, want, rtol=tol, atol=tol)


def assert_matches_torch(ours, theirs, inputs, tol, differentiated=None, grad_tol=None):
    """ours(*Variables) against theirs(*tensors) made from the arrays `inputs`: the values,
    and for a random upstream gradient the gradients of the inputs at `differentiated` (every
    one by default; grad_tol, tol by default), every dtype kept. Returns the Variables and
    the tensors, their gradients set."""
    import torch
    variables = [Variable(x) for x in inputs]
    tensors = [torch.tensor(x, requires_grad=True) for x in inputs]
    y, yt = ours(*variables), theirs(*tensors)
    assert_close(y, yt, tol=tol)
    assert y.dtype == inputs[0].dtype
    gy = np.random.default_rng(1).standard_normal(y.shape).astype(y.dtype)
    y.backward(gy)
    yt.backward(torch.tensor(gy))
    for i in range(len(inputs)) if differentiated is None else differentiated:
        assert_close(variables[i].grad, tensors[i].grad, tol=grad_tol or tol)
        assert variables[i].grad.dtype == inputs[i].dtype
    return variables, tensors


def assert_parameter_grads_match(ours, theirs, tol=1e-5):
    """Every parameter's gradient, matched by name."""
    torch_params = dict(theirs.named_parameters())
    for name, param in ours.named_parameters():
        assert param.grad is not None, f"{name} got no gradient"
        assert_close(param.grad, torch_params[name].grad, tol)


# ----- duck-typed inputs -----
class Boxed:
    """A stand-in for autograd.Variable: an object holding its array in `.data`."""

    def __init__(self, data):
        self.data = data
