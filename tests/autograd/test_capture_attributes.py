"""autograd.capture and the attributes a step's code reads off a name (its self, a global
object, a module, an argument): one changed between calls records afresh, as a rebound
global does (a replay runs no Python and kept the recorded value, silently); iterators and
generators reached so are refused or watched."""
import functools
import types
from contextlib import nullcontext

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
import optim

X = np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3)
T = np.zeros((4, 1), np.float32)

settings = types.SimpleNamespace(beta=1.0)
config = types.ModuleType("config")  # (a settings module: `config.beta = 0.5`)
config.beta = 1.0


def _model():
    np.random.seed(0)
    return nn.Linear(3, 1)


def _losses(step_of, change, calls=5, at=3):
    """The losses of `calls` steps, with `change()` made before call `at`: for the step as
    written and captured, each on a model of its own, from the same start."""
    runs = []
    for captured in (False, True):
        step, restore = step_of()
        step = autograd.capture(step) if captured else step
        losses = []
        for i in range(calls):
            if i == at:
                change()
            losses.append(float(step(X).data))
        restore()
        runs.append(losses)
    return runs


def _trained(loss_of):
    """A step training a model of its own with loss_of(model, x)."""
    model = _model()
    opt = optim.SGD(model.parameters(), lr=0.5)

    def step(x):
        opt.zero_grad()
        loss = loss_of(model, x)
        loss.backward()
        opt.step()
        return loss
    return step


class _Weighted:
    scale = 1.0  # a class attribute: `_Weighted.scale = 0.25` changes every instance's

    def __init__(self):
        self.beta, self._epoch = 1.0, 4

    @property
    def warmup(self):  # computed from private state the step never names
        return min(1.0, self._epoch / 4)

    def loss(self, model, x):
        return F.mse_loss(model(x), T) * self.beta * self.scale * self.warmup


def _set(obj, name, value):
    return lambda: setattr(obj, name, value)


def _as_bound_method(weighted):
    step = _trained(weighted.loss)
    return types.MethodType(lambda self, x: step(x), weighted)


def _as_callable_object(weighted):
    step = _trained(weighted.loss)
    return type("Step", (), {"__call__": lambda self, x: step(x), "w": weighted})()


def _weighted_step(weighted, step, x):
    return step(x) * weighted.beta


@pytest.mark.parametrize("name, value", [("beta", 0.5), ("_epoch", 1)])
@pytest.mark.parametrize("wrap", [
    lambda w: _trained(w.loss),  # a method of another object, held by the step
    lambda w: _trained(lambda model, x: w.loss(model, x)),  # called on a closure variable
    lambda w: functools.partial(_weighted_step, w, _trained(w.loss)),
])
def test_an_attribute_read_through_an_object_is_read_again(wrap, name, value):
    """self.beta changed, a property computed from self._epoch changed."""
    def step_of():
        weighted = _Weighted()
        step_of.weighted = weighted
        return wrap(weighted), lambda: None
    eager, captured = _losses(step_of, lambda: setattr(step_of.weighted, name, value))
    assert captured == pytest.approx(eager)
    assert eager[3] != pytest.approx(eager[2], rel=0.2)  # (the change matters)


class _Trainer:
    def __init__(self):
        self.model, self.beta = _model(), 1.0
        self.opt = optim.SGD(self.model.parameters(), lr=0.5)

    def step(self, x):
        self.opt.zero_grad()
        loss = F.mse_loss(self.model(x), T) * self.beta
        loss.backward()
        self.opt.step()
        return loss

    __call__ = step


@pytest.mark.parametrize("wrap", [lambda trainer: trainer.step, lambda trainer: trainer])
def test_the_steps_own_object_is_read_again(wrap):
    """capture(trainer.step), capture(trainer) (a callable object): self.beta changed."""
    def step_of():
        step_of.trainer = _Trainer()
        return wrap(step_of.trainer), lambda: None
    eager, captured = _losses(step_of, lambda: setattr(step_of.trainer, "beta", 0.5))
    assert captured == pytest.approx(eager)


def test_a_class_attribute_read_through_self_is_read_again():
    def step_of():
        return _trained(_Weighted().loss), _set(_Weighted, "scale", 1.0)
    eager, captured = _losses(step_of, _set(_Weighted, "scale", 0.25))
    assert captured == pytest.approx(eager)


@pytest.mark.parametrize("holder", [settings, config])
def test_an_attribute_of_a_global_object_or_module_is_read_again(holder):
    def step_of():
        return _trained(lambda model, x: F.mse_loss(model(x), T) * settings.beta
                        * config.beta), _set(holder, "beta", 1.0)
    eager, captured = _losses(step_of, _set(holder, "beta", 0.25))
    assert captured == pytest.approx(eager)


def test_an_object_attribute_rebound_is_the_one_trained():
    """trainer.model = other_model between calls: the replay went on with the first."""
    first, second = _model(), _model()
    second.weight.data = second.weight.data + 1
    holder = types.SimpleNamespace(model=first)
    step = autograd.capture(lambda x: F.mse_loss(holder.model(x), T))
    for _ in range(3):
        step(X)
    holder.model = second
    assert float(step(X).data) == pytest.approx(float(F.mse_loss(second(X), T).data))


def test_unchanged_attributes_keep_replaying():
    """Reading attributes, .grad of a parameter among them, records twice and replays."""
    weighted, recordings = _Weighted(), []
    model = _model()
    opt = optim.SGD(model.parameters(), lr=0.1)

    @autograd.capture
    def step(x):
        recordings.append(1)
        opt.zero_grad()
        loss = weighted.loss(model, x) * settings.beta * config.beta
        loss.backward()
        opt.step()
        return loss, model.weight * 1.0
    for _ in range(5):
        step(X)
    assert len(recordings) == 2 and step.captured == 1


def test_a_private_attribute_read_directly_is_not_followed():
    """(the object's own bookkeeping, as for modules: reset() is for that)"""
    weighted, recordings, model = _Weighted(), [], _model()

    @autograd.capture
    def step(x):
        recordings.append(1)
        weighted._epoch += 1
        return F.mse_loss(model(x), T)
    for _ in range(4):
        step(X)
    assert len(recordings) == 2


def test_an_iterator_the_step_reads_is_refused_before_it_runs():
    """`w = next(weights)`: a replay kept the recorded item (silently, as the first two
    agree here) and never advanced the iterator."""
    weights, calls = iter([1.0, 1.0, 0.5, 0.25]), []

    @autograd.capture
    def step(x):
        calls.append(1)
        return F.mse_loss(_model()(x), T) * next(weights)
    with pytest.raises(autograd.CaptureError, match="the iterator 'weights'.*as an argument"):
        step(X)
    assert not calls


class _Augmenter:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def flip(self, x):
        return -x if self.rng.random() < 0.5 else x


augmenter = _Augmenter(1)
helpers = types.ModuleType("helpers")  # another module's function drawing from its global
exec("def flip(x):\n    return -x if RNG.random() < 0.5 else x\n", vars(helpers))


@pytest.mark.parametrize("flip, generator", [
    (lambda x: augmenter.flip(x), lambda: augmenter.rng),
    (lambda x: helpers.flip(x), lambda: helpers.RNG),
])
def test_a_branch_on_a_generator_reached_through_an_object_runs_eagerly(flip, generator):
    """The generator's first two draws take the same branch, the third the other: a replay
    kept the first branch and left the generator where the second call did."""
    runs, states = [], []
    for captured in (False, True):
        augmenter.rng = helpers.RNG = np.random.default_rng(1)
        step = _trained(lambda model, x: F.mse_loss(model(flip(x)), T))
        step = autograd.capture(step) if captured else step
        with pytest.warns(autograd.RandomDrawWarning) if captured else nullcontext():
            runs.append([float(step(X).data) for _ in range(5)])
        states.append(generator().bit_generator.state)
    assert runs[1] == pytest.approx(runs[0])
    assert states[1] == states[0]
