"""autograd.capture and the names a step's code reads: rebinding a global or a closure
variable between calls records afresh (a replay runs no Python and would keep the old
value); what is not rebound keeps replaying."""
import sys
import types

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
import optim

X = np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3)
T = np.zeros((4, 1), np.float32)

beta = 1.0
weights = (1.0, 2.0)
offset = np.float32(0.0)
target = T
hparams = {"beta": 1.0}


class _Recordings:
    """Counts the calls that ran the step's Python: a replay runs none. (In a private
    attribute, the object's own bookkeeping: a public counter the step increments would
    make every call a recording.)"""

    def __init__(self):
        self._count = 0

    def append(self, _):
        self._count += 1

    def __len__(self):
        return self._count

    def clear(self):
        self._count = 0


recordings = _Recordings()


def _model():
    np.random.seed(0)
    return nn.Linear(3, 1)


def _eager_loss(model, scale=1.0, shift=0.0, t=T):
    return float(F.mse_loss(model(X) + shift, t).data) * scale


def _rebind(name, value):
    globals()[name] = value


@pytest.fixture(autouse=True)
def _globals_as_defined():
    yield
    _rebind("beta", 1.0), _rebind("weights", (1.0, 2.0)), _rebind("offset", np.float32(0.0))
    _rebind("target", T)
    hparams["beta"] = 1.0
    _rebind("rng", np.random.default_rng(0))
    recordings.clear()


@pytest.mark.parametrize("name, new, scale, shift, t", [
    ("beta", 0.25, 0.25, 0.0, T),
    ("weights", (3.0, 2.0), 3.0, 0.0, T),
    ("offset", np.float32(0.5), 1.0, 0.5, T),
    ("target", T + 1, 1.0, 0.0, T + 1),
])
def test_a_global_rebound_between_calls_is_read_again(name, new, scale, shift, t):
    model = _model()

    @autograd.capture
    def loss_of(x):
        recordings.append(1)
        return F.mse_loss(model(x) + offset, target) * beta * weights[0]

    for _ in range(4):
        assert float(loss_of(X).data) == pytest.approx(_eager_loss(model))
    assert len(recordings) == 2 and loss_of.captured == 1  # recorded twice, then replayed
    _rebind(name, new)
    for _ in range(3):
        assert float(loss_of(X).data) == pytest.approx(_eager_loss(model, scale, shift, t))
    assert len(recordings) == 4 and loss_of.captured == 1


def test_a_closure_variable_rebound_between_calls_is_read_again():
    model, scale = _model(), 1.0

    @autograd.capture
    def loss_of(x):
        return F.mse_loss(model(x), T) * scale

    for _ in range(3):
        loss_of(X)
    scale = 0.5
    assert float(loss_of(X).data) == pytest.approx(_eager_loss(model, 0.5))
    scale = 0.0  # (the last value: no closure warning on an unused assignment)
    assert float(loss_of(X).data) == 0.0


def test_a_lambda_inside_the_step_is_followed_too():
    model = _model()

    @autograd.capture
    def loss_of(x):
        weigh = lambda loss: loss * beta  # noqa: E731
        return weigh(F.mse_loss(model(x), T))

    for _ in range(3):
        loss_of(X)
    _rebind("beta", 2.0)
    assert float(loss_of(X).data) == pytest.approx(_eager_loss(model, 2.0))


def test_a_captured_method_follows_its_module_globals():
    class Trainer:
        def __init__(self):
            self.model = _model()

        @autograd.capture
        def loss_of(self, x):
            return F.mse_loss(self.model(x), T) * beta

    trainer = Trainer()
    for _ in range(3):
        trainer.loss_of(X)
    _rebind("beta", 3.0)
    assert float(trainer.loss_of(X).data) == pytest.approx(_eager_loss(trainer.model, 3.0))


def test_an_array_written_in_place_needs_no_new_recording():
    model, shifted = _model(), T.copy()

    @autograd.capture
    def loss_of(x):
        recordings.append(1)
        return F.mse_loss(model(x), shifted)

    for _ in range(3):
        loss_of(X)
    shifted += 1  # the same array: a replay reads it as it is now
    assert float(loss_of(X).data) == pytest.approx(_eager_loss(model, t=T + 1))
    assert len(recordings) == 2


def test_an_equal_value_bound_again_keeps_replaying():
    model = _model()

    @autograd.capture
    def loss_of(x):
        recordings.append(1)
        return F.mse_loss(model(x), T) * beta

    for _ in range(3):
        loss_of(X)
    _rebind("beta", float("1.0"))  # another float object, the same value
    loss_of(X)
    assert len(recordings) == 2
    _rebind("beta", 1)  # an int: another value to Python code (1 / beta, type checks)
    loss_of(X)
    assert len(recordings) == 3


counter = 0


def test_a_step_rebinding_what_it_reads_runs_its_python_at_every_call():
    model = _model()

    @autograd.capture
    def loss_of(x):
        global counter
        counter += 1  # a replay would skip this: every call is recorded instead
        return F.mse_loss(model(x), T) * counter

    for n in range(1, 6):
        assert float(loss_of(X).data) == pytest.approx(_eager_loss(model, n))
    assert counter == 5 and loss_of.captured == 0


model_in_use = None


def test_a_model_bound_again_is_the_one_trained():
    """`model = other_model` between calls (a notebook cell run again, picking another of the
    models made before): the replay must not go on with the first one."""
    first = _model()
    np.random.seed(5)
    second = nn.Linear(3, 1)  # (made before the capture: making a module records afresh)
    _rebind("model_in_use", first)

    @autograd.capture
    def loss_of(x):
        return F.mse_loss(model_in_use(x), T)

    for _ in range(3):
        loss_of(X)
    _rebind("model_in_use", second)
    assert float(loss_of(X).data) == pytest.approx(_eager_loss(second))


loss = None  # a script's loop variable, rebound by every call below


def test_an_attribute_named_as_a_global_is_no_read_of_it():
    model = _model()

    @autograd.capture
    def loss_of(x):
        recordings.append(1)
        out = types.SimpleNamespace(loss=F.mse_loss(model(x), T))
        return out.loss

    global loss
    for _ in range(5):
        loss = loss_of(X)
    assert len(recordings) == 2 and loss_of.captured == 1


class _Trainer:
    def __init__(self):
        self.model, self.beta, self._recordings, self.calls = _model(), 1.0, 0, 0

    @autograd.capture
    def loss_of(self, x):
        self._recordings += 1  # private: the object's own bookkeeping, not followed
        return F.mse_loss(self.model(x), T) * self.beta

    @autograd.capture
    def counted_loss_of(self, x):
        self.calls += 1  # public: a replay would skip it, so every call is recorded
        return F.mse_loss(self.model(x), T)


def test_a_public_number_of_the_captured_methods_object_is_read_again():
    trainer = _Trainer()
    for _ in range(3):
        trainer.loss_of(X)
    trainer.beta = 0.5
    assert float(trainer.loss_of(X).data) == pytest.approx(_eager_loss(trainer.model, 0.5))
    trainer.loss_of(X)
    assert trainer._recordings == 4  # recorded twice for each value, replayed after


def test_a_counter_the_step_keeps_counts_every_call():
    trainer = _Trainer()
    for _ in range(5):
        trainer.counted_loss_of(X)
    assert trainer.calls == 5


def test_a_public_number_of_an_argument_is_part_of_the_signature():
    model, settings = _model(), types.SimpleNamespace(scale=1.0)

    @autograd.capture
    def loss_of(x, settings):
        return F.mse_loss(model(x), T) * settings.scale

    for _ in range(3):
        loss_of(X, settings)
    settings.scale = float("nan")
    assert np.isnan(float(loss_of(X, settings).data))
    settings.scale = 2.0
    assert float(loss_of(X, settings).data) == pytest.approx(_eager_loss(model, 2.0))


def _weighted(loss):
    return loss * beta


def test_a_helper_of_the_same_module_is_followed():
    model = _model()

    def scaled(loss):  # a closure variable that is a function of this module
        return _weighted(loss) * weights[1]

    @autograd.capture
    def loss_of(x):
        return scaled(F.mse_loss(model(x), T))

    for _ in range(3):
        loss_of(X)
    _rebind("beta", 0.5)
    assert float(loss_of(X).data) == pytest.approx(_eager_loss(model, 0.5 * 2.0))
    _rebind("weights", (1.0, 4.0))
    assert float(loss_of(X).data) == pytest.approx(_eager_loss(model, 0.5 * 4.0))


def test_a_small_dict_of_numbers_is_compared_by_its_contents():
    model = _model()

    @autograd.capture
    def loss_of(x):
        return F.mse_loss(model(x), T) * hparams["beta"]

    for _ in range(3):
        loss_of(X)
    hparams["beta"] = 0.5  # the same dict, another value in it
    assert float(loss_of(X).data) == pytest.approx(_eager_loss(model, 0.5))



rng = np.random.default_rng(0)
legacy = np.random.RandomState(0)


@pytest.mark.parametrize("draw", [lambda: rng.normal(size=(4, 1)),
                                  lambda: legacy.normal(size=(4, 1))])
def test_noise_drawn_from_a_named_generator_runs_eagerly(draw):
    """A replay would add the recording's noise at every call."""
    model = _model()

    @autograd.capture
    def loss_of(x):
        return F.mse_loss(model(x), T + draw().astype(np.float32))

    with pytest.warns(autograd.RandomDrawWarning, match="NumPy generator 'rng'|'legacy'"):
        losses = {float(loss_of(X).data) for _ in range(4)}
    assert len(losses) == 4 and loss_of.captured == 0


def test_an_op_drawing_from_a_named_generator_replays_with_new_draws():
    model = _model()

    @autograd.capture
    def loss_of(x):
        noisy = F.gaussian_noise(model(x), 0.1, training=True, generator=rng)
        return F.mse_loss(noisy, T)

    losses = {float(loss_of(X).data) for _ in range(5)}
    assert len(losses) == 5 and loss_of.captured == 1


def test_replays_draw_from_a_named_generator_as_an_eager_run_does():
    """The generator ends where an eager run leaves it (later draws from it, a shuffle,
    are the same)."""
    model, eager_rng = _model(), np.random.default_rng(7)
    _rebind("rng", np.random.default_rng(7))

    @autograd.capture
    def step(x):
        F.gaussian_noise(model(x), 0.1, training=True, generator=rng).sum().backward()

    for _ in range(4):
        step(X)
        eager_rng.standard_normal((4, 1))
    assert step.captured == 1
    assert rng.bit_generator.state == eager_rng.bit_generator.state


def test_noise_drawn_from_the_generator_of_a_captured_methods_object_runs_eagerly():
    class Noisy:
        def __init__(self):
            self.model, self.rng = _model(), np.random.default_rng(0)

        @autograd.capture
        def loss_of(self, x):
            noise = self.rng.normal(size=(4, 1)).astype(np.float32)
            return F.mse_loss(self.model(x), T + noise)

    noisy = Noisy()
    with pytest.warns(autograd.RandomDrawWarning, match="'Noisy.rng'"):
        losses = {float(noisy.loss_of(X).data) for _ in range(4)}
    assert len(losses) == 4 and Noisy.loss_of.captured == 0


def test_a_branch_on_a_named_generators_draw_is_taken_anew_at_every_call():
    """The first two draws of this generator take the same branch, the third the other: a
    replay of the two records would keep the first branch."""
    model = _model()
    _rebind("rng", np.random.default_rng(2))

    @autograd.capture
    def loss_of(x):
        scale = 2.0 if rng.random() < 0.5 else 1.0
        return F.mse_loss(model(x), T) * scale

    with pytest.warns(autograd.RandomDrawWarning):
        losses = [float(loss_of(X).data) for _ in range(5)]
    draws = np.random.default_rng(2).random(5)
    assert losses == pytest.approx([_eager_loss(model, 2.0 if d < 0.5 else 1.0) for d in draws])


def _refilled_buffer_run(use):
    """(largest parameter difference between an eager and a captured run) of a step reading
    float64 and integer buffers by name, refilled in place after five calls."""
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (32, 4))  # float64, NumPy's default, for a float32 model
    buffers = {"x": x, "target": np.sin(3 * x[:, :1]), "labels": (x[:, :1] > 0).astype(np.int64),
               "mask": (x[:, :1] > 0).astype(np.float64), "attend": np.ones((32, 32), bool)}

    def make():
        np.random.seed(0)
        model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
        optimizer = optim.Adam(model.parameters(), lr=1e-2)

        def step():
            optimizer.zero_grad()
            loss = use(model(buffers["x"]), buffers)
            loss.backward()
            optimizer.step()
            return loss
        return model, step
    (eager_model, eager), (captured_model, captured) = make(), make()
    captured = autograd.capture(captured)
    worst = 0.0
    for i in range(10):
        if i == 5:
            fresh = rng.uniform(-1, 1, (32, 4))
            buffers["x"][...] = fresh
            buffers["target"][...] = np.sin(3 * fresh[:, :1])
            buffers["labels"][...] = fresh[:, :1] > 0
            buffers["mask"][...] = fresh[:, :1] > 0
            buffers["attend"][...] = np.tril(np.ones((32, 32), bool))
        eager(), captured()
        worst = max(worst, max(float(np.abs(p.data - q.data).max()) for p, q in
                               zip(eager_model.parameters(), captured_model.parameters())))
    return worst


@pytest.mark.parametrize("use", [
    lambda y, b: F.mse_loss(y, b["target"]),
    lambda y, b: F.l1_loss(y, b["target"]),
    lambda y, b: F.binary_cross_entropy_with_logits(y, b["labels"]),
    lambda y, b: (autograd.where(b["mask"], y, -y) ** 2).mean(),
    lambda y, b: F.scaled_dot_product_attention(
        y[None, :, :], y[None, :, :], y[None, :, :], attn_mask=b["attend"]).sum()],
    ids=["mse", "l1", "bce-int-labels", "where-float-mask", "attention-bool-mask"])
def test_buffers_of_another_dtype_refilled_in_place_are_read_afresh(use):
    """Cast or turned into a mask with NumPy outside the ops, a float64 batch, float64
    targets, integer labels or a raw mask was kept as the first calls' copy: the replay
    trained on the old data once the buffer was refilled."""
    assert _refilled_buffer_run(use) == 0.0


class _Weighted:
    """A plain callable object (no module) whose __call__ reads its own attribute."""

    def __init__(self, weight):
        self.weight = weight

    def __call__(self, y, t):
        return F.mse_loss(y, t) * self.weight


SLOPE = 1.0


def _sloped(h):
    return h * SLOPE


class _WithActivation(nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.b, self.act = nn.Linear(3, 4), nn.Linear(4, 2), _sloped

    def forward(self, x):
        return self.b(self.act(self.a(x)))


@pytest.mark.parametrize("kind", ["callable object", "Lambda", "function argument",
                                  "function attribute"])
def test_values_read_by_functions_the_step_reaches_are_watched(kind):
    """A callable object's attribute, a global that nn.Lambda's function, a function
    passed as an argument, or a function held by a module reads: changed after five
    calls, the replays kept the old value."""
    global SLOPE
    SLOPE = 1.0

    def make():
        np.random.seed(0)
        model = {"Lambda": lambda: nn.Sequential(nn.Linear(3, 4), nn.Lambda(lambda h: h * SLOPE),
                                                 nn.Linear(4, 2)),
                 "function attribute": _WithActivation}.get(kind, lambda: nn.Linear(3, 2))()
        optimizer, criterion = optim.SGD(model.parameters(), lr=0.1), _Weighted(1.0)

        def step(x, t, fn=None):
            optimizer.zero_grad()
            y = model(x)
            loss = criterion(y, t) if kind == "callable object" else (
                fn(y, t) if fn is not None else F.mse_loss(y, t))
            loss.backward()
            optimizer.step()
            return loss
        return step, criterion

    def loss_fn(y, t):
        return F.mse_loss(y, t) * SLOPE
    (eager, eager_criterion), (captured, captured_criterion) = make(), make()
    captured = autograd.capture(captured)
    rng = np.random.default_rng(1)
    extra = (loss_fn,) if kind == "function argument" else ()
    for i in range(10):
        x, t = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
        if i == 5:
            eager_criterion.weight = captured_criterion.weight = 10.0
            SLOPE = 3.0
        assert float(captured(x, t, *extra).data) == float(eager(x, t, *extra).data)
    assert captured.replays > 0
    SLOPE = 1.0


def test_an_error_raised_in_a_replay_says_the_step_s_python_did_not_run():
    """A try/except around an op in the step does not run in a replay: the error reached
    the caller through the replay's code without a word of capture."""
    np.random.seed(0)
    model = nn.Linear(3, 3)
    optimizer = optim.SGD(model.parameters(), lr=0.1)

    @autograd.capture
    def step(x, t):
        optimizer.zero_grad()
        try:
            loss = F.cross_entropy(model(x), t)
        except IndexError:
            loss = (model(x) ** 2).mean()
        loss.backward()
        optimizer.step()
        return loss
    rng = np.random.default_rng(1)
    for _ in range(3):
        step(rng.standard_normal((5, 3)), rng.integers(0, 3, 5))
    with pytest.raises(IndexError) as raised:
        step(rng.standard_normal((5, 3)), np.array([0, 1, 7, 0, 1]))
    if sys.version_info >= (3, 11):
        assert "raised while replaying the captured step 'step'" in raised.value.__notes__[0]
