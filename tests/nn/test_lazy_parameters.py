"""Lazily sized layers hold UninitializedParameters (PyTorch's lazy modules): an optimizer
made before the first call updates the weights made at that call, and loading weights before
the first call sizes the layers from the file."""
import numpy as np
import pytest

import nn
import optim
from autograd import Parameter
from autograd.variable import UninitializedParameter


def lazy_mlp():
    return nn.Sequential(nn.Linear(6), nn.ReLU(), nn.Linear(2))


def batch(seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(5, 3)).astype(np.float32), rng.integers(0, 2, size=5)


@pytest.mark.parametrize("make", [lambda ps: optim.SGD(ps, lr=0.5, momentum=0.9),
                                  lambda ps: optim.Adam(ps, lr=0.1)])
def test_an_optimizer_made_before_the_first_call_updates_the_new_weights(make):
    np.random.seed(0)
    model = lazy_mlp()
    opt = make(model.parameters())
    assert all(isinstance(p, UninitializedParameter) for p in opt.param_groups[0]["params"])
    x, t = batch()
    for _ in range(2):  # the second step uses the state the first one made
        before = [p.data.copy() if type(p) is Parameter else None for p in model.parameters()]
        loss = nn.functional.cross_entropy(model(x), t)
        opt.zero_grad()
        loss.backward()
        opt.step()
        for b, p in zip(before, model.parameters()):
            assert type(p) is Parameter and p.shape != (0,)
            assert b is None or not np.array_equal(b, p.data)
    held = opt.param_groups[0]["params"]
    assert [id(p) for p in held] == [id(p) for p in model.parameters()]
    assert len(opt.state) == 4


def test_the_same_training_as_an_optimizer_made_after_the_first_call():
    x, t = batch(1)
    results = []
    for early in (True, False):
        np.random.seed(3)
        model = lazy_mlp()
        opt = optim.Adam(model.parameters(), lr=0.05) if early else None
        for _ in range(3):
            loss = nn.functional.cross_entropy(model(x), t)
            opt = opt or optim.Adam(model.parameters(), lr=0.05)
            opt.zero_grad()
            loss.backward()
            opt.step()
        results.append([p.data.copy() for p in model.parameters()])
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


def test_load_weights_before_the_first_call(tmp_path):
    np.random.seed(1)
    trained = lazy_mlp()
    x, _ = batch()
    expected = trained(x).data
    path = tmp_path / "mlp.npz"
    trained.save_weights(path)
    fresh = lazy_mlp()
    opt = optim.SGD(fresh.parameters(), lr=0.1)
    fresh.load_weights(path)
    assert [p.shape for p in fresh.parameters()] == [(6, 3), (6,), (2, 6), (2,)]
    np.testing.assert_array_equal(fresh(x).data, expected)
    assert opt.param_groups[0]["params"][0] is fresh[0].weight


def test_a_placeholder_is_not_saved_and_says_what_it_is():
    layer = nn.Linear(4)
    assert layer.state_dict() == {}
    assert repr(layer.weight) == "<UninitializedParameter dtype=float32>"
    layer(np.ones((1, 2), np.float32))
    assert list(layer.state_dict()) == ["weight", "bias"]


def test_a_placeholder_given_data_is_a_parameter_that_is_saved(tmp_path):
    """DeZero's step 44 as the Parameter(None) error says to write it: the weight given its
    .data at the first call stayed a placeholder, which state_dict skipped (saved without a
    word: only the bias was written)."""
    with pytest.raises(TypeError, match="isinstance\\(p, nn.UninitializedParameter\\)"):
        Parameter(None)

    class Lazy(nn.Module):
        def __init__(self):
            super().__init__()
            self.W = nn.UninitializedParameter()
            self.b = Parameter(np.zeros(2))

        def forward(self, x):
            if isinstance(self.W, nn.UninitializedParameter):
                self.W.data = np.random.default_rng(0).normal(size=(x.shape[1], 2))
            return x @ self.W + self.b

    layer = Lazy()
    layer(np.ones((3, 4)))
    assert type(layer.W) is Parameter and list(layer.state_dict()) == ["W", "b"]
    first = layer.W.data.copy()
    layer(np.ones((3, 4)))
    np.testing.assert_array_equal(layer.W.data, first)  # (drawn once)
    layer.save_weights(tmp_path / "w.npz")
    assert sorted(np.load(tmp_path / "w.npz").files) == ["W", "b"]
