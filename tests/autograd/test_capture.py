"""autograd.capture: a replayed step does exactly what the eager step does, or is refused."""
import sys
import types

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
import optim
from autograd import CaptureError, Variable, capture
from autograd.config import PythonState

capture_module = sys.modules["autograd.capture"]  # (autograd.capture is the function)


def _mlp(seed=0, sizes=(3, 8, 2), activation=F.sigmoid):
    np.random.seed(seed)
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b), nn.Lambda(activation)]
    return nn.Sequential(*layers[:-1])


def _train_step(model, optimizer, loss_fn, scheduler=None):
    def step(x, t):
        optimizer.zero_grad()
        loss = loss_fn(model(x), t)
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        return loss
    return step


def _batches(n, shape, seed=1, classes=None):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        x = rng.standard_normal(shape).astype(np.float32)
        t = (rng.integers(0, classes, shape[0]) if classes
             else rng.standard_normal((shape[0], 2)).astype(np.float32))
        yield x, t


def _assert_same_parameters(a, b, rtol=1e-6):
    # Not bit for bit: BLAS may round differently with the operands at other addresses
    # (measured: 1 ulp in a conv's weight gradient, between the engine and a replay on the
    # same graph and arrays), and a replay's arrays are not where the eager step's are.
    for (name, p), q in zip(a.named_parameters(), b.parameters()):
        np.testing.assert_allclose(q.data, p.data, rtol=rtol, atol=1e-7, err_msg=name)


@pytest.mark.parametrize("make_optimizer", [
    lambda ps: optim.SGD(ps, lr=0.1),
    lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
    lambda ps: optim.Adam(ps, lr=1e-2),
])
def test_a_replay_does_what_the_eager_step_does(make_optimizer):
    eager_model, captured_model = _mlp(), _mlp()
    eager_opt = make_optimizer(eager_model.parameters())
    captured_opt = make_optimizer(captured_model.parameters())
    eager = _train_step(eager_model, eager_opt, F.mse_loss,
                        optim.lr_scheduler.StepLR(eager_opt, step_size=3, gamma=0.5))
    captured = capture(_train_step(captured_model, captured_opt, F.mse_loss,
                                   optim.lr_scheduler.StepLR(captured_opt, step_size=3,
                                                             gamma=0.5)))
    losses = []
    for x, t in _batches(12, (5, 3)):
        expected, got = eager(x, t), captured(x, t)
        np.testing.assert_allclose(got.data, expected.data, rtol=1e-6)
        losses.append(got)
    assert captured.captured == 1  # the third call on replayed
    _assert_same_parameters(eager_model, captured_model)
    assert captured_opt.param_groups[0]["lr"] == eager_opt.param_groups[0]["lr"] < 0.05
    # each call returned its own loss: a replay does not rewrite earlier results
    assert len({float(loss.data) for loss in losses}) == len(losses)
    assert not losses[-1].requires_grad


def test_dropout_and_batch_norm_replay_their_randomness_and_running_statistics():
    def model():
        np.random.seed(3)
        return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4, momentum=0.2),
                             nn.ReLU(), nn.Dropout(0.3), nn.Flatten(), nn.Linear(4 * 36, 3))
    eager_model, captured_model = model(), model()
    # SGD, not Adam: Adam's step is about lr whatever the gradient's size, so a gradient at
    # rounding level (BLAS' last bit, see _assert_same_parameters) would move a weight by lr
    def sgd(model):
        return optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    eager = _train_step(eager_model, sgd(eager_model), F.cross_entropy)
    captured = capture(_train_step(captured_model, sgd(captured_model), F.cross_entropy))
    for i, (x, t) in enumerate(_batches(8, (6, 1, 6, 6), classes=3)):
        np.random.seed(100 + i)  # the same masks for both, drawn in the same order
        expected = eager(x, t)
        np.random.seed(100 + i)
        np.testing.assert_allclose(captured(x, t).data, expected.data, rtol=1e-5)
    assert captured.captured == 1
    _assert_same_parameters(eager_model, captured_model, rtol=1e-5)
    for name in ("running_mean", "running_var"):
        np.testing.assert_allclose(getattr(captured_model[1], name),
                                   getattr(eager_model[1], name), rtol=1e-5, atol=1e-7)
    assert int(captured_model[1].num_batches_tracked) == 8


def test_gradients_accumulate_across_replays_as_they_do_eagerly():
    eager_model, captured_model = _mlp(), _mlp()

    def accumulate(model):
        def step(x, t):
            loss = F.mse_loss(model(x), t)
            loss.backward()
            return loss
        return step
    eager, captured = accumulate(eager_model), capture(accumulate(captured_model))
    for x, t in _batches(5, (4, 3)):
        eager(x, t)
        captured(x, t)
    for p, q in zip(eager_model.parameters(), captured_model.parameters()):
        np.testing.assert_allclose(q.grad.data, p.grad.data, rtol=1e-6, atol=1e-8)


def test_replayed_leaf_gradients_are_their_own_memory():
    """One gradient array reaching two leaves (an addition's), a read-only broadcast view (a
    sum's) and the caller's seed: each .grad a replay stores is its own writable array, as
    the engine stores it (first gradient set, or added to one left from before)."""
    a, b = Variable(np.ones(3), requires_grad=True), Variable(np.ones(3), requires_grad=True)
    c = Variable(np.ones(()), requires_grad=True)

    @capture
    def step(seed):
        y = (a + b) * 2.0 + c
        y.backward(seed)

    for call in range(5):
        seed = np.arange(3.0)
        if call != 3:  # (the fourth call, a replay, adds to the gradients left from the third)
            a.grad = b.grad = c.grad = None
        step(seed)
        grads = [a.grad.data, b.grad.data, c.grad.data]
        for i, g in enumerate(grads):
            assert g.flags.writeable and not np.shares_memory(g, seed)
            assert not any(np.shares_memory(g, h) for h in grads[i + 1:])
        times = 2 if call == 3 else 1
        np.testing.assert_array_equal(a.grad.data, times * 2 * seed)
        np.testing.assert_array_equal(b.grad.data, times * 2 * seed)
        np.testing.assert_array_equal(c.grad.data, times * seed.sum())
    assert step.replays == 3


def test_a_new_shape_records_again_and_new_parameter_arrays_are_read():
    eager_model, captured_model = _mlp(), _mlp()
    eager = _train_step(eager_model, optim.SGD(eager_model.parameters(), lr=0.1), F.mse_loss)
    captured = capture(_train_step(captured_model, optim.SGD(captured_model.parameters(),
                                                             lr=0.1), F.mse_loss))
    for i, (x, t) in enumerate(_batches(12, (5, 3))):
        if i % 4 == 3:  # a short last batch, as a DataLoader gives
            x, t = x[:2], t[:2]
        if i == 7:  # new weights, as load_state_dict or an assignment gives
            for model in (eager_model, captured_model):
                model[0].weight.data = np.full((8, 3), 0.1, np.float32)
        np.testing.assert_allclose(captured(x, t).data, eager(x, t).data, rtol=1e-6)
    assert captured.captured == 2
    _assert_same_parameters(eager_model, captured_model)
    captured.reset()
    assert captured.captured == 0


def test_keyword_arguments_and_several_results():
    model = _mlp()

    @capture
    def evaluate(x, *, target):
        y = model(x)
        return {"loss": F.mse_loss(y, target), "outputs": (y, y * 2)}
    for x, t in _batches(4, (3, 3)):
        out = evaluate(x, target=t)
        np.testing.assert_allclose(out["outputs"][1].data, 2 * model(x).data)
        np.testing.assert_allclose(out["loss"].data, F.mse_loss(model(x), t).data)


def test_keyword_arguments_given_in_another_order_are_not_refused():
    """The signature sorted keyword arguments, the step saw them in the order given: a
    step looping over **kwargs, recorded as step(b=y, a=x), was replayed for
    step(a=x, b=y) with b's factor on a (14.0 where eager gives 22.0), and a step naming
    them was refused as one that differs between its records. Each order is now a
    signature of its own, replayed as given."""
    weight = Variable(np.array([2.0]))

    def step(**named):
        return sum(autograd.sum(v * weight) * (i + 1) for i, v in enumerate(named.values()))
    captured = capture(step)
    x, y = np.array([1.0]), np.array([5.0])
    for _ in range(3):
        for kwargs in ({"a": x, "b": y}, {"b": y, "a": x}):
            assert float(captured(**kwargs).data) == float(step(**kwargs).data)
    assert captured.captured == 2


def _capture_twice(step, *args):
    captured = capture(step)
    captured(*args)
    captured(*args)  # the second record is compared with the first
    return captured


def _data():
    return next(_batches(1, (4, 3)))


def test_a_branch_on_a_value_is_refused():
    model = _mlp()
    calls = []

    def step(x, t):
        calls.append(1)
        y = model(x)
        if len(calls) == 2:
            y = y * 2
        return F.mse_loss(y, t)
    with pytest.raises(CaptureError, match="differs between the two recorded calls"):
        _capture_twice(step, *_data())


def test_random_numbers_drawn_outside_the_ops_keep_the_step_eager():
    """An array or a branch drawn from NumPy's global generator (or Python's random) in the
    step: a replay would keep the recorded draws, and if both recording calls drew alike
    (a coin flip, half the time) nothing told them apart; the calls run eagerly, with one
    warning, and draw as an eager run does."""
    import random
    model = _mlp()

    def noisy(x, t):
        noise = np.random.standard_normal((4, 2)).astype(np.float32)
        return F.mse_loss(model(x) + noise, t)

    def flipped(x, t):
        return F.mse_loss(model(x * (-1.0 if np.random.rand() < 0.5 else 1.0)), t)

    def scaled(x, t):
        return F.mse_loss(model(x * random.choice([0.5, 1.0])), t)
    x, t = _data()
    for step in (noisy, flipped, scaled):
        captured = capture(step)
        with pytest.warns(autograd.RandomDrawWarning, match="drew random numbers from"):
            captured(x, t)
        for seed in range(4):
            np.random.seed(seed)
            random.seed(seed)
            got = captured(x, t).data
            np.random.seed(seed)
            random.seed(seed)
            np.testing.assert_array_equal(got, step(x, t).data)
        assert captured.captured == 0


def test_dropout_and_fractional_pooling_draws_are_the_steps_own():
    """Random ops draw again at each replay: their draws are no reason to stay eager."""
    conv = nn.Conv2d(1, 2, 3, padding=1)

    def step(x):
        y = F.fractional_max_pool2d(conv(x), 2, output_size=(3, 3))
        return F.dropout(y, 0.5).sum()
    x = np.random.default_rng(0).standard_normal((2, 1, 6, 6)).astype(np.float32)
    captured = _capture_twice(step, x)
    np.random.seed(3)
    got = captured(x).data
    np.random.seed(3)
    np.testing.assert_allclose(got, step(x).data, rtol=1e-6)
    assert captured.captured == 1


def test_a_constant_array_is_kept():
    model = _mlp()
    scale = np.full((1, 2), 3.0, np.float32)

    def step(x, t):
        return F.mse_loss(model(x) * Variable(scale.copy()), t)
    captured = _capture_twice(step, *_data())
    x, t = next(_batches(1, (4, 3), seed=9))
    np.testing.assert_allclose(captured(x, t).data, step(x, t).data, rtol=1e-6)


def test_an_arguments_array_outside_its_variable_is_refused():
    model = _mlp()

    def step(x, t):
        return F.mse_loss(model(x), Variable(t.data))
    with pytest.raises(CaptureError, match="an argument's array outside its Variable"):
        _capture_twice(step, *_data())


@pytest.mark.parametrize("body, message", [
    (lambda loss, model: loss.backward(create_graph=True), "create_graph"),
    (lambda loss, model: autograd.grad(loss, model[0].weight), "autograd.grad"),
    (lambda loss, model: (model[0].weight.register_hook(lambda g: g), loss.backward()),
     "hook"),
])
def test_what_cannot_be_replayed_is_refused(body, message):
    model = _mlp()

    def step(x, t):
        loss = F.mse_loss(model(x), t)
        body(loss, model)
        return loss
    with pytest.raises(CaptureError, match=message):
        _capture_twice(step, *_data())


def test_a_change_in_place_outside_the_optimizer_is_refused():
    model = _mlp()

    def step(x, t):
        loss = F.mse_loss(model(x), t)
        loss.backward()
        model[0].weight.data = model[0].weight.data - 0.1 * model[0].weight.grad.data
        return loss
    with pytest.raises(CaptureError, match="changed in place"):
        _capture_twice(step, *_data())


def test_returning_a_number_is_refused():
    model = _mlp()
    with pytest.raises(CaptureError, match="returned a float"):
        _capture_twice(lambda x, t: float(F.mse_loss(model(x), t).data), *_data())


def test_cumulative_batch_norm_is_refused():
    layer = nn.BatchNorm1d(3, momentum=None)
    with pytest.raises(CaptureError, match="momentum=None"):
        capture(lambda x: layer(x).sum())(np.ones((4, 3), np.float32))


def test_under_anomaly_detection_a_captured_step_runs_eagerly_and_checked():
    weight = Variable(np.ones(2))
    step = capture(lambda x: autograd.log(x * weight).sum())
    for _ in range(3):
        step(np.ones(2))  # replays from the third call
    with autograd.detect_anomaly():
        with pytest.raises(FloatingPointError, match="log"):
            step(-np.ones(2))  # checked op by op, as eagerly
        assert autograd.Config.detect_anomaly is True
    assert autograd.Config.detect_anomaly is False


def test_detect_anomaly_inside_a_captured_step_is_refused_by_name():
    weight = Variable(np.ones(2))

    def step(x):
        with autograd.detect_anomaly():
            return autograd.log(x * weight).sum()
    with pytest.raises(CaptureError, match=r"detect_anomaly\(\) cannot be replayed"):
        capture(step)(np.ones(2))
    assert autograd.Config.detect_anomaly is False


def test_backward_with_inputs_inside_a_captured_step_is_refused_by_its_own_name():
    weight = Variable(np.ones(2))
    step = capture(lambda x: (x * weight).sum().backward(inputs=[weight]))
    with pytest.raises(CaptureError, match=r"backward\(inputs=...\) cannot be replayed"):
        step(np.ones(2))


def test_a_mask_argument_and_pytorchs_sort_replay_as_the_eager_step():
    def train(captured):
        weight = Variable(np.linspace(-1, 1, 12).reshape(4, 3))
        optimizer = optim.SGD([weight], lr=0.1)

        def step(x, mask):
            optimizer.zero_grad()
            values, indices = (x * weight).sort(dim=1, descending=True)
            loss = values.masked_fill(mask, 0.0)[:, 0].sum() + autograd.masked_fill(
                x, mask, 1.0).sum()
            loss.backward()
            optimizer.step()
            return loss
        step = capture(step) if captured else step
        rng = np.random.default_rng(0)
        losses = [step(rng.standard_normal((4, 3)), rng.random((4, 3)) > 0.5).item()
                  for _ in range(5)]
        return losses, weight.data, step
    (losses, weight, step), (eager_losses, eager_weight, _) = train(True), train(False)
    assert step.replays == 3
    np.testing.assert_allclose(losses, eager_losses, rtol=1e-12)
    np.testing.assert_allclose(weight, eager_weight, rtol=1e-12)


TEMPERATURE = 1.0  # read by _Scaled.forward, a model of the user's


class _ScaleSetting:
    scale = 1.0


class _Scaled(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc, self.settings = nn.Linear(3, 3), _ScaleSetting()

    def forward(self, x):
        return self.fc(x) / TEMPERATURE * self.settings.scale


def _agrees_after_a_change(make_model, change):
    """Six steps of `make_model()`'s model, eager and captured, `change(model)` before the
    fourth: the same losses, the change recording the step again (replays at calls 2, 5)."""
    global TEMPERATURE

    def run(captured):
        global TEMPERATURE
        TEMPERATURE = 1.0
        np.random.seed(0)
        model = make_model()
        step = _train_step(model, optim.SGD(model.parameters(), lr=0.1), F.mse_loss)
        step = capture(step) if captured else step
        losses = []
        for k in range(6):
            if k == 3:
                change(model)
            losses.append(step(np.ones((2, 3), np.float32), np.zeros((2, 3), np.float32)))
        return [loss.item() for loss in losses], step
    try:
        (captured, step), (eager, _) = run(True), run(False)
    finally:
        TEMPERATURE = 1.0
    np.testing.assert_allclose(captured, eager, rtol=1e-6)
    assert step.replays == 2


def _set_temperature(_):
    global TEMPERATURE
    TEMPERATURE = 4.0


@pytest.mark.parametrize("make_model, change", [
    (_Scaled, _set_temperature),
    (_Scaled, lambda model: setattr(model.settings, "scale", 4.0)),
    (lambda: nn.Sequential(_Scaled(), _Scaled()),
     lambda model: setattr(model[1].settings, "scale", 4.0))])
def test_what_a_users_model_reads_in_its_forward_is_checked_at_every_call(make_model, change):
    """A global its forward reads, a plain object's setting it holds, also in blocks of
    rungrad's Sequential: changed between calls, the step records again (a replay kept the
    old value)."""
    _agrees_after_a_change(make_model, change)


class _Configured(nn.Module):
    """Reads its settings in ways a capture must follow: a store the forward makes only on
    some calls (never here), an alias of a settings object it stores at every call, a
    global read by a helper method it calls."""

    def __init__(self):
        super().__init__()
        self.fc, self.resetting = nn.Linear(3, 3), False
        self.base, self.settings = _ScaleSetting(), _ScaleSetting()

    def helper(self, y):
        return y / TEMPERATURE

    def forward(self, x):
        if self.resetting:
            self.settings.scale = 1.0  # (not run: the read below is a setting's)
        self.chosen = self.base
        return self.helper(self.fc(x)) * self.settings.scale * self.chosen.scale


@pytest.mark.parametrize("change", [
    lambda model: setattr(model.settings, "scale", 3.0),  # (past a store in a branch)
    lambda model: setattr(model.base, "scale", 3.0),  # (an alias stored at every call)
    _set_temperature])  # (a global read by a helper method)
def test_settings_read_past_a_store_or_in_a_helper_are_checked_at_every_call(change):
    _agrees_after_a_change(_Configured, change)


class _Keeping(nn.Module):
    """Keeps its hidden activation (stored, then read: replayable) and counts its calls (read,
    then stored: a counter, which makes every call run)."""

    def __init__(self, counting):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(3, 4), nn.Linear(4, 2)
        self.counting, self.calls = counting, 0

    def forward(self, x):
        if self.counting:
            self.calls += 1
        self.hidden = F.relu(self.fc1(x))
        return self.fc2(self.hidden)


@pytest.mark.parametrize("counting", [False, True])
def test_what_a_forward_stores_and_reads_back_replays_a_counter_it_increments_runs(counting):
    def run(captured):
        np.random.seed(0)
        model = _Keeping(counting)
        step = _train_step(model, optim.SGD(model.parameters(), lr=0.1), F.mse_loss)
        step = capture(step) if captured else step
        losses = [step(np.full((2, 3), k, np.float32), np.zeros((2, 2), np.float32)).item()
                  for k in range(6)]
        return losses, step, model
    (captured, step, model), (eager, _, twin) = run(True), run(False)
    np.testing.assert_allclose(captured, eager, rtol=1e-6)
    np.testing.assert_allclose(model.hidden.data, twin.hidden.data, rtol=1e-6)
    assert model.calls == twin.calls and step.replays == (0 if counting else 4)


class _Stateful(nn.Module):
    """Keeps its RNN state between calls, on itself."""

    def __init__(self, start):
        super().__init__()
        self.cell, self.state = nn.RNNCell(3, 4), start

    def forward(self, x):
        h = self.cell(x, self.state)
        self.state = h.detach()
        return h


@pytest.mark.parametrize("start", [None, "zeros"])
def test_a_state_kept_on_a_model_between_calls_runs_the_step_eagerly(start):
    # its forward reads self.state, bound anew at every call: every call records, eagerly
    def run(captured):
        np.random.seed(0)
        model = _Stateful(None if start is None else Variable(np.zeros((2, 4), np.float32)))
        step = lambda x: model(x).sum()  # noqa: E731
        step = capture(step) if captured else step
        return [step(np.full((2, 3), k, np.float32)).item() for k in range(4)], step
    (captured, step), (eager, _) = run(True), run(False)
    np.testing.assert_allclose(captured, eager, rtol=1e-6)
    assert step.replays == 0


def test_a_state_kept_in_a_dict_between_calls_is_refused_by_what_it_is():
    cell, kept = nn.RNNCell(3, 4), {"h": None}

    def step(x):
        h = cell(x, kept["h"])
        kept["h"] = h.detach()
        return h.sum()
    step = capture(step)
    with pytest.raises(CaptureError, match="a value the previous call computed, kept between "
                       r"calls .*Pass it in and out as an argument"):
        for _ in range(3):
            step(np.ones((2, 3), np.float32))


def test_a_failed_capture_leaves_no_recording_behind():
    model = _mlp()

    def broken(x, t):
        model(x)
        raise ValueError("in the step")
    with pytest.raises(ValueError, match="in the step"):
        capture(broken)(*_data())
    assert autograd.Config.detect_anomaly is False
    y = model(_data()[0])  # ops record normally again
    assert y.creator is not None


def test_an_index_array_taken_from_the_data_is_refused():
    table = nn.Embedding(10, 3)

    def step(x):
        return table.weight[x.data.astype(np.int64) % 10].sum()  # an index made with NumPy
    with pytest.raises(CaptureError, match="'index' .*differed"):
        _capture_twice_with(step, [np.array([1.0, 2.0]), np.array([3.0, 4.0])])


@pytest.mark.parametrize("loss", [
    lambda y, t, w: F.cross_entropy(y, t, weight=w),
    lambda y, t, w: F.nll_loss(F.log_softmax(y, axis=1), t, weight=w),
    lambda y, t, w: F.multi_margin_loss(y, t, weight=w)])
@pytest.mark.parametrize("given", [np.ones, lambda n: [1.0] * n])
def test_class_weights_of_another_dtype_rebalanced_in_place_are_seen(loss, given):
    """float64 weights (or a list) for a float32 model: the op keeps a cast copy, which a
    replay would reuse; a change of the user's array or list records the step again."""
    def train(captured):
        np.random.seed(0)
        model, weight = nn.Linear(5, 3), given(3)
        step = _train_step(model, optim.SGD(model.parameters(), lr=0.1),
                           lambda y, t: loss(y, t, weight))
        step = capture(step) if captured else step
        rng, losses = np.random.default_rng(1), []
        for k in range(6):
            if k == 3:
                weight[:] = [1.0, 5.0, 0.2]
            x = rng.standard_normal((6, 5)).astype(np.float32)
            losses.append(step(x, rng.integers(0, 3, 6)).item())
        return losses, step
    (captured, step), (eager, _) = train(True), train(False)
    np.testing.assert_allclose(captured, eager, rtol=1e-6)
    assert step.replays == 2  # (calls 2 and 5: the change recorded it again)


def test_class_labels_are_an_input_of_the_loss():
    model = _mlp(sizes=(3, 8, 4))
    eager = _train_step(model, optim.SGD(model.parameters(), lr=0.1), F.cross_entropy)
    copy = _mlp(sizes=(3, 8, 4))
    captured = capture(_train_step(copy, optim.SGD(copy.parameters(), lr=0.1),
                                   F.cross_entropy))
    for x, t in _batches(6, (5, 3), classes=4):
        np.testing.assert_allclose(captured(x, t).data, eager(x, t).data, rtol=1e-6)
    _assert_same_parameters(model, copy)


def _capture_twice_with(step, calls):
    captured = capture(step)
    for args in calls:
        captured(args)
    return captured


def test_at_most_max_signatures_captures_are_kept():
    model = _mlp()
    captured = capture(lambda x: model(x).sum())
    for n in range(1, 13):  # twelve batch sizes, each called three times
        for _ in range(3):
            captured(np.ones((n, 3), np.float32))
    assert len(captured._programs) == captured.max_signatures
    assert captured.captured == captured.max_signatures


def test_a_truthy_anomaly_setting_still_means_anomaly_detection():
    with autograd.using_config("detect_anomaly", 1):
        assert autograd.Config.detect_anomaly is True
        x = Variable(np.array([1.0, 2.0]))
        (x * 2).sum().backward()  # checked as anomaly mode checks, not taken for a capture
        step = capture(lambda v: v * 2)
        for _ in range(3):
            step(np.ones(2))
        assert step.captured == 0  # run eagerly, with the checks


def test_unfreezing_a_parameter_records_the_step_again():
    eager_model, captured_model = _mlp(), _mlp()
    eager = _train_step(eager_model, optim.SGD(eager_model.parameters(), lr=0.1), F.mse_loss)
    captured = capture(_train_step(captured_model, optim.SGD(captured_model.parameters(),
                                                             lr=0.1), F.mse_loss))
    for model in (eager_model, captured_model):
        model[0].requires_grad_(False)  # the first layer frozen, as in fine-tuning
    for i, (x, t) in enumerate(_batches(10, (5, 3))):
        if i == 5:
            for model in (eager_model, captured_model):
                model[0].requires_grad_(True)
        np.testing.assert_allclose(captured(x, t).data, eager(x, t).data, rtol=1e-6)
    _assert_same_parameters(eager_model, captured_model)
    assert not np.allclose(captured_model[0].weight.data, _mlp()[0].weight.data)


def test_eval_and_train_record_the_step_again():
    def model():
        np.random.seed(0)
        return nn.Sequential(nn.Linear(3, 8), nn.Dropout(0.5), nn.Linear(8, 2))
    eager_model, captured_model = model(), model()

    def evaluate_with(m):
        return lambda x: m(x)
    eager, captured = evaluate_with(eager_model), capture(evaluate_with(captured_model))
    x = np.ones((4, 3), np.float32)
    for i in range(12):
        if i in (4, 8):  # eval, then train again, between calls
            for m in (eager_model, captured_model):
                m.train(i == 8)
        np.random.seed(i)
        expected = eager(x).data
        np.random.seed(i)
        np.testing.assert_allclose(captured(x).data, expected, rtol=1e-6)
    assert captured.captured == 1


def test_a_step_recorded_once_in_each_mode_is_not_refused():
    model = nn.Sequential(nn.Linear(3, 8), nn.Dropout(0.5), nn.Linear(8, 2))
    step = capture(lambda x: model(x).sum())
    x = np.ones((4, 3), np.float32)
    step(x)
    model.eval()
    step(x)  # the first record was in training mode: not compared with this one
    step(x)
    step(x)
    assert step.captured == 1


@pytest.mark.parametrize("clip", [
    lambda ps: optim.clip_grad_norm_(ps, 0.05),
    lambda ps: optim.clip_grad_value_(ps, 0.01),
])
def test_gradient_clipping_is_replayed(clip):
    eager_model, captured_model = _mlp(), _mlp()

    def clipped(model):
        optimizer = optim.SGD(model.parameters(), lr=0.5)

        def step(x, t):
            optimizer.zero_grad()
            loss = F.mse_loss(model(x), t)
            loss.backward()
            clip(model.parameters())  # a generator: used up at capture, listed for replays
            optimizer.step()
            return loss
        return step
    eager, captured = clipped(eager_model), capture(clipped(captured_model))
    for x, t in _batches(6, (5, 3)):
        np.testing.assert_allclose(captured(x, t).data, eager(x, t).data, rtol=1e-6)
    assert captured.captured == 1
    _assert_same_parameters(eager_model, captured_model)


def test_a_gradient_replaced_by_hand_is_refused():
    model = _mlp()

    def step(x, t):
        loss = F.mse_loss(model(x), t)
        loss.backward()
        weight = model[0].weight
        weight.grad = weight.grad * 0.5
        return loss
    with pytest.raises(CaptureError, match="gradient .* was replaced after the last op"):
        _capture_twice(step, *_data())


# ----- found by an adversarial sweep: each was a silently different replay -----

def _eager_and_captured(make, calls):
    """Results of the same step, eager and captured, over `calls` (argument tuples)."""
    results = []
    for captured in (False, True):
        step = make()
        step = capture(step) if captured else step
        results.append([np.asarray(step(*args).data) for args in calls])
    return results


def test_batch_norm_in_eval_reads_the_running_statistics_at_each_call():
    results = []
    for captured in (False, True):
        np.random.seed(0)
        model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.Linear(8, 2))
        train = _train_step(model, optim.SGD(model.parameters(), lr=0.1), F.cross_entropy)

        def validate(x, model=model):
            with autograd.test_mode(), autograd.no_grad():
                return model(x).sum()
        validate = capture(validate) if captured else validate
        rng = np.random.default_rng(0)
        for _ in range(6):  # training between validations moves the statistics
            train(rng.standard_normal((16, 4)).astype(np.float32) * 3 + 1,
                  rng.integers(0, 2, 16))
            results.append(float(validate(np.ones((5, 4), np.float32)).data))
    np.testing.assert_allclose(results[6:], results[:6], rtol=1e-5)


def test_a_mask_made_by_comparing_values_and_one_given_as_an_argument_replay():
    table = nn.Embedding(10, 3)

    def compared(tokens):  # (a comparison is an op: each call compares its own tokens)
        per_token = table(tokens).sum(axis=-1)
        return autograd.where(tokens != 0, per_token, 0.0).sum()
    calls = [(np.array([1, 2, 3]),)] * 2 + [(np.array([1, 2, 0]),)] * 2
    eager, captured = _eager_and_captured(lambda: compared, calls)
    np.testing.assert_allclose(captured, eager, rtol=1e-6)
    assert eager[2] != eager[0]

    def given(tokens, keep):
        return autograd.where(keep, table(tokens).sum(axis=-1), 0.0).sum()
    calls = [(np.array([1, 2, 3]), np.array([True, True, True]))] * 2 + [
        (np.array([1, 2, 0]), np.array([True, True, False]))] * 2
    eager, captured = _eager_and_captured(lambda: given, calls)
    np.testing.assert_allclose(captured, eager, rtol=1e-6)
    assert eager[2] != eager[0]


def test_attention_rows_with_every_key_masked_replay_as_zeros():
    def make():
        np.random.seed(0)
        layer = nn.Linear(4, 4)
        return lambda q, mask: (F.scaled_dot_product_attention(
            layer(q), layer(q), layer(q), attn_mask=mask) ** 2).sum()
    rng = np.random.default_rng(0)
    calls = []
    for i in range(4):
        mask = np.zeros((2, 3, 3), np.float32)
        if i >= 2:
            mask[:, 2, :] = -np.inf  # a query row that may attend to nothing
        calls.append((rng.standard_normal((2, 3, 4)).astype(np.float32), mask))
    eager, captured = _eager_and_captured(make, calls)
    assert np.isfinite(captured).all()
    np.testing.assert_allclose(captured, eager, rtol=1e-6)


def test_a_plain_variable_switched_to_requires_grad_records_again():
    results = []
    for captured in (False, True):
        log_alpha = Variable(np.zeros((), np.float32), requires_grad=False)
        optimizer = optim.SGD([log_alpha], lr=0.1)

        def step(x, log_alpha=log_alpha, optimizer=optimizer):
            optimizer.zero_grad()
            loss = (autograd.exp(log_alpha) * x).sum()
            if loss.requires_grad:
                loss.backward()
            optimizer.step()
            return loss
        step = capture(step) if captured else step
        for i in range(8):
            if i == 4:  # a temperature made learnable, between steps
                log_alpha.requires_grad_(True)
            results.append(float(step(np.full(3, 2.0, np.float32)).data))
    np.testing.assert_allclose(results[8:], results[:8], rtol=1e-6)
    assert results[7] < results[4]


def test_einsum_and_detach_replay():
    def make():
        np.random.seed(0)
        weight = nn.Linear(3, 2).weight
        target_net = nn.Linear(3, 2)
        optimizer = optim.SGD([weight], lr=0.1)

        def step(x):
            optimizer.zero_grad()
            target = target_net(x).detach()
            loss = ((autograd.einsum("ij,kj->ik", x, weight) - target) ** 2).mean()
            loss.backward()
            optimizer.step()
            return loss
        return step
    rng = np.random.default_rng(0)
    calls = [(rng.standard_normal((4, 3)).astype(np.float32),) for _ in range(6)]
    eager, captured = _eager_and_captured(make, calls)
    np.testing.assert_allclose(captured, eager, rtol=1e-5)


def test_keras_label_checks_run_on_replayed_batches():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 5)).astype(np.float32)
    y = rng.integers(0, 3, 64)
    y[60] = 5  # in the last batch, replayed
    np.random.seed(0)
    model = nn.Sequential([nn.Dense(8, activation="relu", input_shape=(5,)), nn.Dense(3)])
    model.compile(optimizer=optim.SGD(lr=0.1), loss="sparse_categorical_crossentropy",
                  jit_compile=True)
    with pytest.raises(ValueError, match=r"labels must be class indices in \[0, 3\)"):
        model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    assert model._captured_update.captured == 1


# ----- found by an audit of library code reading values outside ops -----

@pytest.mark.parametrize("body", [
    lambda x, w: autograd.norm(x * w, ord=0),
    lambda x, w: autograd.split(x * w, Variable(np.array([1 + int(x.data[0] > 0)])))[0],
])
def test_values_read_by_the_library_outside_ops_are_refused(body):
    w = Variable(np.ones(4, np.float32))
    step = capture(lambda x: autograd.sum(body(x, w) * 1.0) if True else None)
    with pytest.raises(CaptureError, match="computed outside rungrad's ops|differ|read in Python"):
        for x in ([1.0, 2.0, 3.0, 4.0], [4.0, -3.0, 2.0, 1.0], [2.0, 1.0, 4.0, 3.0]):
            step(np.array(x, np.float32))


@pytest.mark.parametrize("pool", [
    lambda v: F.adaptive_max_pool2d(v, 1, return_indices=True),
    lambda v: F.max_pool2d(v, 2, return_indices=True),
    lambda v: F.max_pool1d(v.reshape(1, 1, 4), 2, return_indices=True),
    lambda v: F.max_pool3d(v.reshape(1, 1, 1, 2, 2), (1, 2, 2), return_indices=True),
])
def test_max_pool_indices_are_ops_a_replay_recomputes(pool):
    """A max pool's return_indices is an op's output (WinnerIndices): each replay reads its
    batch's winners (they were values read outside the ops, and refused)."""
    w = Variable(np.ones(4, np.float32))
    eager = lambda x: autograd.sum(pool((x * w).reshape(1, 1, 2, 2))[1] * 1.0)  # noqa: E731
    step = capture(eager)
    for x in ([1.0, 2.0, 3.0, 4.0], [4.0, -3.0, 2.0, 1.0], [2.0, 1.0, 4.0, 3.0],
              [1.0, 5.0, 2.0, 0.0], [0.0, 1.0, 9.0, 2.0]):
        x = np.array(x, np.float32)
        assert float(step(x).data) == float(eager(x).data)
    assert step.captured == 1


def test_a_per_batch_loss_weight_given_as_an_argument_is_refused():
    model = _mlp(sizes=(3, 4))
    step = capture(lambda x, t, weight: F.cross_entropy(model(x), t, weight=weight))
    x, t = np.ones((5, 3), np.float32), np.arange(5) % 4
    with pytest.raises(CaptureError, match="computed outside rungrad's ops|argument's array"):
        for _ in range(3):
            step(x, t, np.ones(4))  # float64 weights: cast into a setting of the op


def test_accuracy_and_one_hot_are_ops_a_replay_recomputes():
    model = _mlp(sizes=(3, 4))

    def scores(x, t):
        y = model(x)
        return F.accuracy(y, t), F.mse_loss(F.softmax(y), F.one_hot(t, 4, dtype=np.float32))
    calls = [(np.random.default_rng(i).standard_normal((6, 3)).astype(np.float32),
              np.random.default_rng(i).integers(0, 4, 6)) for i in range(5)]
    captured = capture(scores)
    for x, t in calls:
        got, want = captured(x, t), scores(x, t)
        for g, w in zip(got, want):
            np.testing.assert_allclose(g.data, w.data, rtol=1e-6)
    assert captured.captured == 1
    with pytest.raises(CaptureError, match="num_classes=-1"):
        capture(lambda t: F.one_hot(t) * 1)(np.array([0, 1]))


def test_module_hooks_are_refused():
    model = _mlp()
    handle = model[0].register_forward_hook(lambda module, args, output: output * 2)
    with pytest.raises(CaptureError, match="module hooks"):
        capture(lambda x: model(x).sum())(np.ones((2, 3), np.float32))
    handle.remove()
    assert capture(lambda x: model(x).sum())(np.ones((2, 3), np.float32)) is not None


# ----- a second adversarial round -----

def test_a_buffer_rewritten_with_numpy_inside_the_step_is_refused():
    model = _mlp()
    noise = np.zeros((4, 3), np.float32)

    def step(x, t):
        noise[...] += 0.1  # a drift written into a reused buffer
        return F.mse_loss(model(x + noise), t)
    with pytest.raises(CaptureError, match="changed after the last op, outside the ops"):
        _capture_twice(step, *_data())


def test_a_replaced_buffer_or_parameter_records_again():
    results = []
    for captured in (False, True):
        np.random.seed(0)
        model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4, momentum=0.5))
        step = _train_step(model, optim.SGD(model.parameters(), lr=0.1), F.mse_loss)
        step = capture(step) if captured else step
        for i, (x, t) in enumerate(_batches(7, (6, 3))):
            if i == 4:
                model[1].running_mean = np.zeros(4, np.float32)  # a new array object
            results.append(float(step(x, t[:, :1].repeat(4, axis=1)).data))
        results.append(model[1].running_mean.copy())
    np.testing.assert_allclose(results[8:15], results[:7], rtol=1e-6)
    np.testing.assert_allclose(results[15], results[7], rtol=1e-6)


def test_another_threads_training_does_not_disturb_a_recording():
    import threading

    from autograd.variable import mark_modified, mutations_in_this_thread
    before = mutations_in_this_thread()
    other = threading.Thread(target=lambda: mark_modified(Variable(np.ones(2))))
    other.start()
    other.join()
    assert mutations_in_this_thread() == before


def test_a_hook_on_an_unrelated_leaf_does_not_block_capture():
    elsewhere = nn.Linear(2, 2)
    handle = elsewhere.weight.register_hook(lambda g: g)
    model = _mlp()
    step = capture(_train_step(model, optim.SGD(model.parameters(), lr=0.1), F.mse_loss))
    for x, t in _batches(4, (5, 3)):
        step(x, t)
    assert step.captured == 1
    handle.remove()


def test_a_captured_method_is_bound_to_its_instance():
    class Trainer:
        def __init__(self, seed):
            np.random.seed(seed)
            self.model = _mlp(seed)
            self.optimizer = optim.SGD(self.model.parameters(), lr=0.1)

        @capture
        def train_step(self, x, t):
            self.optimizer.zero_grad()
            loss = F.mse_loss(self.model(x), t)
            loss.backward()
            self.optimizer.step()
            return loss
    first, second = Trainer(0), Trainer(1)
    for x, t in _batches(5, (5, 3)):
        a, b = first.train_step(x, t), second.train_step(x, t)
    assert float(a.data) != float(b.data)
    eager = _mlp(0)
    eager_step = _train_step(eager, optim.SGD(eager.parameters(), lr=0.1), F.mse_loss)
    for x, t in _batches(5, (5, 3)):
        eager_step(x, t)
    _assert_same_parameters(eager, first.model)


# ----- a third adversarial round -----

def test_a_replaying_step_called_while_another_records_is_refused():
    model = _mlp()
    inner = capture(lambda x: model(x).sum())
    x = np.ones((2, 3), np.float32)
    for _ in range(3):
        inner(x)  # replays from here on
    with pytest.raises(CaptureError, match="called another one while it recorded"):
        capture(lambda x: inner(x) * 2)(x)



def test_a_replaying_step_runs_eagerly_inside_record_backward():
    """record_backward sees each backward step of the ops: a replay has none to show."""
    model = _mlp()
    step = capture(lambda x: model(x).sum().backward())
    x = np.ones((2, 3), np.float32)
    for _ in range(3):
        step(x)  # replays from here on
    with autograd.record_backward() as trace:
        step(x)
    assert trace.passes == 1 and "linear" in {s.function.name for s in trace}

class _Probe(autograd.Function):
    """y = 2x, whose backward notes the grad mode and edits its gradient in place."""

    modes = []

    def forward(self, x):
        return x * 2

    def backward(self, gy):
        _Probe.modes.append(autograd.is_grad_enabled())
        g = gy * 2.0
        g.data[...] = g.data  # an in-place edit inside backward, as PyTorch tutorials do
        return g


class _TwoOutputs(autograd.Function):
    """(2x, x + b), its backward told None for an output no gradient reached: then b gets
    no gradient (None), rather than zeros."""

    takes_missing_grads = True

    def forward(self, x, b):
        return x * 2.0, x + b

    def backward(self, g1, g2):
        gx = (0 if g1 is None else g1 * 2.0) + (0 if g2 is None else g2)
        return gx, None if g2 is None else g2.sum(axis=0)


def _trained_through_two_outputs(captured):
    np.random.seed(0)
    model = nn.Linear(3, 2)
    b = nn.Parameter(np.ones(2, np.float32))
    optimizer = optim.SGD([*model.parameters(), b], lr=0.1, weight_decay=0.5)

    def step(x, t):
        optimizer.zero_grad()
        used, _ = _TwoOutputs()(model(x), b)
        F.mse_loss(used, t).backward()
        optimizer.step()
    step = capture(step) if captured else step
    for x, t in _batches(4, (4, 3)):
        step(x, t)
    return b.grad, b.data.copy()


def test_a_replayed_backward_gives_none_for_missing_gradients_as_the_engine():
    """`takes_missing_grads`: the engine passes None for an output the loss did not use; a
    replay passed zeros, so b got a zero gradient and weight decay moved it."""
    eager_grad, eager_b = _trained_through_two_outputs(captured=False)
    replayed_grad, replayed_b = _trained_through_two_outputs(captured=True)
    assert eager_grad is None and replayed_grad is None
    np.testing.assert_array_equal(replayed_b, eager_b)


def test_a_replayed_backward_runs_as_the_engine_runs_it():
    weight = Variable(np.ones(3, np.float32))
    optimizer = optim.SGD([weight], lr=0.1)

    def step(x):
        optimizer.zero_grad()
        loss = (_Probe()(weight * x)).sum()
        loss.backward()
        optimizer.step()
        return loss
    captured, _Probe.modes[:] = capture(step), []
    for _ in range(5):
        captured(np.ones(3, np.float32))
    assert _Probe.modes == [False] * 5


class _Split(autograd.Function):
    """(x[x > 0], x[x <= 0]): outputs whose sizes follow the values."""

    def forward(self, x):
        return x[x > 0], x[x <= 0]

    def backward(self, g_positive, g_rest):
        x = self.inputs[0].data
        gx = np.zeros_like(x)
        gx[x > 0], gx[x <= 0] = g_positive.data, g_rest.data
        return Variable(gx)


class _Doubler(autograd.Function):
    """y = 2x, written into a buffer the instance keeps (reused by a replay)."""

    def forward(self, x):
        if not hasattr(self, "buffer"):
            self.buffer = np.empty_like(x)
        return np.multiply(x, 2, out=self.buffer)

    def backward(self, gy):
        return gy * 2


def test_value_shaped_outputs_and_returned_buffers_replay_as_eager():
    def make():
        weight = Variable(np.ones(3, np.float32))
        optimizer = optim.SGD([weight], lr=0.0)

        def step(x):
            optimizer.zero_grad()
            positive, _ = _Split()(x * weight)  # the second output unused: zeros of its shape
            loss = positive.sum()
            loss.backward()
            return loss, _Doubler()(x)
        return step, weight
    (eager, eager_weight), (captured, captured_weight) = make(), make()
    captured = capture(captured)
    kept = []
    for values in ([1.0, -2.0, 3.0], [1.0, 2.0, -3.0], [-1.0, -2.0, 3.0], [1.0, 2.0, 3.0]):
        x = np.array(values, np.float32)
        got, want = captured(x), eager(Variable(x, requires_grad=False))
        np.testing.assert_allclose(got[0].data, want[0].data)
        np.testing.assert_allclose(captured_weight.grad.data, eager_weight.grad.data)
        kept.append(got[1])
    np.testing.assert_allclose([k.data[0] for k in kept], [2, 2, -2, 2])


def test_keras_fit_with_another_optimizer_records_again():
    x = np.random.default_rng(0).standard_normal((32, 5)).astype(np.float32)
    y = np.random.default_rng(1).standard_normal(32).astype(np.float32)
    histories = []
    for jit_compile in (False, True):
        np.random.seed(0)
        model = nn.Sequential([nn.Dense(4, input_shape=(5,)), nn.Dense(1)])
        model.compile(optimizer=optim.Adam(lr=0.01), loss="mse", jit_compile=jit_compile)
        model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
        model.optimizer = optim.SGD(lr=0.1)
        histories.append(model.fit(x, y, epochs=2, batch_size=8, shuffle=False,
                                   verbose=0).history["loss"])
    np.testing.assert_allclose(histories[1], histories[0], rtol=1e-5)


def test_a_gradient_cleared_by_hand_before_backward_is_refused():
    weight = Variable(np.ones(3, np.float32))

    def step(x):
        weight.grad = None  # not replayed: use an optimizer's or the model's zero_grad
        loss = (weight * x).sum()
        loss.backward()
        return loss
    with pytest.raises(CaptureError, match="gradient .* was replaced before mul"):
        _capture_twice_with(step, [np.ones(3, np.float32)] * 2)


# ----- a fourth round: a review of the capture code -----

@pytest.mark.parametrize("change", [
    lambda model: model[0].weight.data.__isub__(0.01),             # NumPy on a weight
    lambda model: setattr(model[0].weight.grad, "data", model[0].weight.grad.data * 0.5),
    lambda model: (model[0].requires_grad_(False),                  # GAN-style, in the step
                   model(np.ones((1, 3), np.float32)).sum().backward(),
                   model[0].requires_grad_(True)),
])
def test_state_changed_by_python_inside_the_step_is_refused(change):
    model = _mlp()
    optimizer = optim.SGD(model.parameters(), lr=0.1)

    def step(x, t):
        optimizer.zero_grad()
        loss = F.mse_loss(model(x), t)
        loss.backward()
        change(model)
        optimizer.step()
        return loss
    with pytest.raises(CaptureError, match="outside the ops, backward and the replayable"):
        _capture_twice(step, *_data())


def test_weight_norm_and_spectral_norm_hooks_run_in_a_capture_and_other_hooks_are_refused():
    """weight_norm's pre-hook computes the weight by ops (replayed); spectral_norm's also runs
    its power iteration, a replayable call: a replay repeats it (the buffers move as eagerly).
    A user's pre-hook is Python a replay would skip."""
    from nn.utils import spectral_norm, weight_norm
    for make in (weight_norm, spectral_norm):
        model = make(nn.Linear(3, 2))
        step = capture(lambda x, model=model: model(x).sum())
        for _ in range(3):
            step(np.ones((2, 3), np.float32))
        assert step.captured == 1
    np.random.seed(0)
    twins = [spectral_norm(nn.Linear(3, 2)) for _ in range(2)]
    twins[1].load_state_dict(twins[0].state_dict())
    steps = [lambda x: twins[0](x).sum(), capture(lambda x: twins[1](x).sum())]
    for _ in range(4):
        for step in steps:
            step(np.ones((2, 3), np.float32))
    np.testing.assert_array_equal(twins[1].weight_u, twins[0].weight_u)
    np.testing.assert_array_equal(twins[1].weight.data, twins[0].weight.data)
    hooked = nn.Linear(3, 2)
    hooked.register_forward_pre_hook(lambda module, args: None)
    with pytest.raises(CaptureError, match="module hooks"):
        capture(lambda x: hooked(x).sum())(np.ones((2, 3), np.float32))


def test_a_hook_registered_after_capture_records_again_and_is_refused():
    model = _mlp()
    step = capture(lambda x: model(x).sum())
    for _ in range(3):
        step(np.ones((2, 3), np.float32))
    handle = model[0].register_forward_hook(lambda module, args, output: output * 0)
    with pytest.raises(CaptureError, match="module hooks"):
        step(np.ones((2, 3), np.float32))
    handle.remove()


def test_results_keep_their_container_types():
    import collections
    Out = collections.namedtuple("Out", "loss extra")
    model = _mlp()
    step = capture(lambda x: {0: Out(model(x).sum(), model(x)),
                              "ordered": collections.OrderedDict(a=model(x).mean())})
    for _ in range(3):
        result = step(np.ones((2, 3), np.float32))
    assert isinstance(result[0], Out) and isinstance(result["ordered"], collections.OrderedDict)


def test_signatures_tell_apart_keywords_tuples_and_leaf_shapes():
    calls = []

    def step(*args, **kwargs):
        calls.append(1)
        value = args[0][0] if args else kwargs["tuple"]
        return autograd.sum(value * (2.0 if args else 3.0))
    captured = capture(step)
    x = np.ones(3, np.float32)
    for _ in range(3):
        assert float(captured((x,)).data) == 6.0
    assert float(captured(tuple=x).data) == 9.0
    leaf = Variable(np.ones((4, 3), np.float32))
    reshaped = capture(lambda v: autograd.reshape(v, (v.shape[0], -1)).sum(axis=1))
    for _ in range(3):
        reshaped(leaf)
    leaf.data = np.ones((2, 6), np.float32)
    assert reshaped(leaf).shape == (2,)


def test_a_method_of_an_unhashable_object_is_captured():
    import dataclasses

    @dataclasses.dataclass
    class Trainer:
        scale: float

        @capture
        def step(self, x):
            return autograd.sum(x * self.scale)
    trainer = Trainer(2.0)
    for _ in range(3):
        assert float(trainer.step(np.ones(3)).data) == 6.0


def test_a_batch_given_as_a_namedtuple_stands_in_and_replays():
    # A namedtuple takes its items as separate arguments: rebuilding it from one iterable
    # failed with a TypeError at the first call
    import collections
    Batch = collections.namedtuple("Batch", "x t")
    models = _mlp(), _mlp()
    optimizers = [optim.SGD(m.parameters(), lr=0.1) for m in models]
    eager = _train_step(models[0], optimizers[0], F.mse_loss)
    step = _train_step(models[1], optimizers[1], F.mse_loss)
    captured = capture(lambda batch: step(batch.x, batch.t))
    for x, t in _batches(5, (4, 3)):
        np.testing.assert_allclose(captured(Batch(x, t)).data, eager(x, t).data, rtol=1e-6)
    assert captured.captured == 1
    _assert_same_parameters(models[0], models[1])


def test_a_batch_given_as_a_dict_stands_in_even_when_the_dict_is_reused():
    # A dict was keyed by its identity and its arrays taken as constants of the step: a dict
    # refilled for each batch whose first two batches were equal replayed the first forever
    models = _mlp(), _mlp()
    optimizers = [optim.SGD(m.parameters(), lr=0.1) for m in models]
    eager = _train_step(models[0], optimizers[0], F.mse_loss)
    step = _train_step(models[1], optimizers[1], F.mse_loss)
    captured = capture(lambda batch: step(batch["x"], batch["t"]))
    batches = list(_batches(5, (4, 3)))
    batches[1] = batches[0]
    batch = {}
    for x, t in batches:
        batch["x"], batch["t"] = x, t
        np.testing.assert_allclose(captured(batch).data, eager(x, t).data, rtol=1e-6)
    assert captured.captured == 1
    _assert_same_parameters(models[0], models[1])
    assert batch["x"] is x  # the caller's dict is not changed


def test_a_step_may_return_and_take_a_dict_of_another_type():
    """A defaultdict (or OrderedDict) comes back as one, replayed as recorded."""
    import collections
    w = Variable(np.ones(3))

    @capture
    def step(batch):
        loss = (w * batch["x"]).sum()
        loss.backward()
        logs = collections.defaultdict(list)
        logs["loss"] = loss
        return logs

    for i in range(4):
        w.grad = None
        logs = step(collections.OrderedDict(x=np.full(3, float(i))))
        assert type(logs) is collections.defaultdict and float(logs["loss"].data) == 3 * i
    assert step.captured == 1


def test_a_gradient_read_inside_the_step_is_refused_with_advice():
    model = nn.Linear(3, 1)
    opt = optim.SGD(model.parameters(), lr=0.1)

    @autograd.capture
    def step(x):
        opt.zero_grad()
        (model(x) ** 2).sum().backward()
        norm = (model.weight.grad ** 2).sum()  # .grad is no op's result inside the step
        opt.step()
        return norm
    rng = np.random.default_rng(0)
    step(rng.normal(size=(4, 3)))
    with pytest.raises(autograd.CaptureError, match=r"a \.grad read inside the step.*read "
                                                    r"gradients after the step returns"):
        step(rng.normal(size=(4, 3)))


def test_a_number_changing_from_zero_to_minus_zero_is_a_new_call():
    """0.0 == -0.0 as Python compares them; a replay kept the recorded +0.0 (x / -0.0 gave
    +inf where eager gave -inf)."""
    w = autograd.Parameter(np.array([1.0, -2.0]))
    step = capture(lambda x, s: (w * x) / s)
    x = np.ones(2)
    with np.errstate(divide="ignore"):
        for _ in range(3):
            step(x, 0.0)
        np.testing.assert_array_equal(step(x, -0.0).data, [-np.inf, np.inf])


def _captured_regression_step(before):
    """A captured SGD step of Linear(3, 1) on mean squared error that first runs
    `before(optimizer, x, *extra)` as plain Python; with a batch (x, t)."""
    np.random.seed(0)
    model = nn.Linear(3, 1)
    optimizer = optim.SGD(model.parameters(), lr=0.1)

    @capture
    def step(x, t, *extra):
        before(optimizer, x, *extra)
        optimizer.zero_grad()
        F.mse_loss(model(x), t).backward()
        optimizer.step()
    return step, optimizer, (np.random.randn(8, 3), np.random.randn(8, 1))


def test_a_write_into_an_argument_outside_ops_is_refused():
    """PyTorch's x.data.clamp_() written with NumPy: a replay would skip it, silently."""
    step, _, (x, t) = _captured_regression_step(
        lambda optimizer, x: np.clip(x.data, -0.5, 0.5, out=x.data))
    with pytest.raises(CaptureError, match=r"wrote into the array of its argument args\[0\] "
                                           r"outside ops"):
        for _ in range(3):
            step(Variable(x.copy(), requires_grad=False), t)


def test_an_optimizer_setting_changed_by_the_step_itself_is_refused():
    """A value seen before would replay its recording without the assignment (lr 0.01 kept
    where 0.1 was asked for): refused; a scheduler inside the step is replayed."""
    def set_lr(optimizer, x, lr):
        optimizer.param_groups[0]["lr"] = lr
    step, optimizer, (x, t) = _captured_regression_step(set_lr)
    with pytest.raises(CaptureError, match=r"changed an optimizer's param group\['lr'\] "
                                           r"itself"):
        step(x, t, 0.1)
    optimizer.param_groups[0]["lr"] = 0.1  # (outside a captured step: as ever)
    assert optimizer.param_groups[0]["lr"] == 0.1


def test_packed_sequences_are_refused_even_when_both_recorded_batches_share_lengths():
    """Packing gathers by indices computed from the lengths' values: recorded with the same
    lengths twice, a replay would pack later batches as the first (a silently wrong
    result), so every path through packed sequences is refused; pad_sequence (lengths from
    the shapes, part of the signature) is not."""
    from nn.utils.rnn import (
        pack_padded_sequence,
        pack_sequence,
        pad_packed_sequence,
        pad_sequence,
        unpad_sequence,
    )
    rnn = nn.GRU(3, 4, batch_first=True)
    x, lengths = np.ones((2, 5, 3), np.float32), np.array([5, 3])
    packed = pack_padded_sequence(x, lengths, batch_first=True)
    bodies = {
        "pack_padded_sequence": lambda x, n: rnn(pack_padded_sequence(
            x, n, batch_first=True, enforce_sorted=False))[0].data.sum(),
        "pack_sequence": lambda x, n: pack_sequence([x[0], x[1, :3]]).data.sum(),
        "unpad_sequence": lambda x, n: unpad_sequence(x, n, batch_first=True)[1].sum(),
        "a PackedSequence": lambda x, n: pad_packed_sequence(packed)[0].sum() + x.sum(),
    }
    for who, body in bodies.items():
        with pytest.raises(CaptureError, match=f"{who}: packed sequences take their indices "
                                               f"from the lengths' values"):
            _capture_twice(body, x, lengths)
    step = capture(lambda x: pad_sequence([x[0], x[1, :3]]).sum())
    for _ in range(3):
        step(x)
    assert step.captured == 1


def _replayed_on_other_values(body, first, other, *rest):
    """body's result in a captured step recorded twice on `first` and replayed on `other`
    (values only: the same shapes), and eagerly on `other`."""
    step = capture(body)
    step(first, *rest)
    step(first, *rest)
    replayed = step(other, *rest)
    assert step.captured == 1
    return np.asarray(replayed.data), np.asarray(body(other, *rest).data)


_SIGNAL = (np.array([[[0.0, 0.0, 0.9, 0.6, 0.0, 0.0]]]),
           np.array([[[0.1, 0.2, 0.3, 0.95, 0.7, 0.2]]]))
_IMAGE = np.random.default_rng(3).permutation(49).astype(float).reshape(1, 1, 7, 7)


@pytest.mark.parametrize("body, first, other", [
    (lambda x: F.lp_pool1d(x, 2, 2), *_SIGNAL),  # the zeros of the windows' sums: by an op
    (lambda x: nn.keras.layers.ReLU(threshold=0.5, negative_slope=0.1)(x), *_SIGNAL),
    (lambda x: F.fractional_max_pool2d(_IMAGE, 2, output_size=3, _random_samples=x),
     np.zeros((1, 1, 2)), np.full((1, 1, 2), 0.3)),  # the samples: an input of the pool
], ids=["lp_pool's zeros", "Keras ReLU's threshold", "fractional pool's given samples"])
def test_masks_and_samples_taken_from_the_values_are_each_call_s(body, first, other):
    """Found by adversarial testing: each read the recorded call's values in a replay."""
    replayed, eager = _replayed_on_other_values(body, first, other)
    np.testing.assert_array_equal(replayed, eager)
    assert not np.array_equal(eager, np.asarray(body(first).data))  # (the case tells them apart)


@pytest.mark.parametrize("body, message", [
    (lambda x, s: F.scaled_dot_product_attention(x, x, x, scale=s), r"is read in Python "
                                                                     r"\(float\(\)\)"),
    (lambda x, s: F.dropout(x, 0.5, training=s), r"is read in Python \(bool\(\)\)"),
    (lambda x, s: autograd.pad(x, s), r"is read in Python \(np.asarray\(\)\)"),
    (lambda x, s: x * s.item(), r"is read in Python \(item\(\)\)"),
])
def test_an_argument_s_values_read_in_python_are_refused(body, message):
    x = np.ones((3, 4))
    setting = np.array([[1, 0], [0, 1]]) if "pad" in message else np.array(0.5)
    with pytest.raises(CaptureError, match=message):
        _capture_twice(body, x, setting)


def test_adaptive_log_softmax_with_targets_is_refused_and_its_log_prob_replays():
    head = nn.AdaptiveLogSoftmaxWithLoss(16, 10, [4, 7])
    x = np.random.default_rng(0).standard_normal((3, 16)).astype(np.float32)
    with pytest.raises(CaptureError, match="AdaptiveLogSoftmaxWithLoss: the rows each "
                                           "cluster scores are picked by the targets' values"):
        _capture_twice(lambda x, t: head(x, t).loss, x, np.array([0, 5, 8]))
    replayed, eager = _replayed_on_other_values(lambda x: head.log_prob(x), x, x[::-1].copy())
    np.testing.assert_array_equal(replayed, eager)


def test_a_keras_metric_updated_in_a_captured_step_counts_every_replay():
    metric = nn.keras.metrics.SparseCategoricalAccuracy()
    logits = np.array([[3.0, 0, 0], [0, 3.0, 0]])
    step = capture(lambda y, t: (metric.update_state(t, y), F.cross_entropy(y, t))[1])
    for labels in ([0, 1], [0, 1], [2, 2], [2, 2]):
        step(logits, np.array(labels))
    assert step.captured == 1 and float(metric.result()) == 0.5  # 4 of 8 (1.0 without replays)


def _twin_runs(make_step, batches):
    """Parameters of a small model trained by make_step(model, optimizer) eagerly and
    captured over `batches` (each an (x, t) pair)."""
    weights = []
    for captured in (False, True):
        np.random.seed(0)
        model = nn.Linear(3, 1, dtype=np.float64)
        step = make_step(model, optim.SGD(model.parameters(), lr=0.1))
        step = capture(step) if captured else step
        for x, t in batches:
            step(x, t)
        weights.append(model.weight.data.copy())
    return weights


def _growing_batches():
    rng = np.random.default_rng(0)
    return [(rng.standard_normal((4, 3)) * scale, rng.standard_normal((4, 1)))
            for scale in (0.01, 0.01, 100.0, 100.0)]  # (clipping starts at the replays)


def test_an_optimizer_s_own_step_around_super_step_is_replayed_whole():
    """Lookahead-style: a subclass's step (its Python too) is a replayable call."""
    class Counting(optim.SGD):
        def step(self, closure=None):
            self.count = getattr(self, "count", 0) + 1
            super().step()
            if self.count % 2 == 0:  # every other step, pull the weights toward zero
                with autograd.no_grad():
                    for p in self.param_groups[0]["params"]:
                        p *= 0.5

    def make_step(model, optimizer):
        optimizer = Counting(model.parameters(), lr=0.1)

        def step(x, t):
            optimizer.zero_grad()
            F.mse_loss(model(x), t).backward()
            optimizer.step()
        return step
    eager, captured = _twin_runs(make_step, _growing_batches()[:2] * 3)
    np.testing.assert_allclose(captured, eager, rtol=1e-12)


def test_clip_grad_norm_s_norm_cannot_steer_a_captured_step():
    """`if norm < limit: step()` kept the recording calls' branch in every replay (an
    exploding batch was stepped anyway); the norm refuses to be read while recording, and
    a step that ignores it replays as before."""
    def skipping(model, optimizer):
        def step(x, t):
            optimizer.zero_grad()
            F.mse_loss(model(x), t).backward()
            norm = optim.clip_grad_norm_(model.parameters(), 1e9)
            if norm < 100.0:
                optimizer.step()
        return step
    with pytest.raises(CaptureError, match="bool\\(\\) of clip_grad_norm_'s result inside "
                                           "the step"):
        _twin_runs(skipping, _growing_batches())

    def clipping(model, optimizer):
        def step(x, t):
            optimizer.zero_grad()
            F.mse_loss(model(x), t).backward()
            optim.clip_grad_norm_(model.parameters(), 0.05)
            optimizer.step()
        return step
    eager, captured = _twin_runs(clipping, _growing_batches())
    np.testing.assert_allclose(captured, eager, rtol=1e-12)
    assert isinstance(optim.clip_grad_norm_(nn.Linear(2, 1).parameters(), 1.0), float)


def test_a_step_returning_clip_grad_norm_s_norm_returns_each_replay_s_own():
    """`return loss, norm` (a PyTorch habit: logging the norm) raised "returned a NumPy
    array"; each call now returns its own norm, a float as eagerly, equal to the eager
    run's; a number made of the norm would keep the recording's value, and is refused."""
    def logging(model, optimizer):
        def step(x, t):
            optimizer.zero_grad()
            F.mse_loss(model(x), t).backward()
            norm = optim.clip_grad_norm_(model.parameters(), 0.05)
            optimizer.step()
            return norm
        return step
    norms = {}
    for captured in (False, True):
        np.random.seed(0)
        model = nn.Linear(3, 1, dtype=np.float64)
        step = logging(model, optim.SGD(model.parameters(), lr=0.1))
        step = capture(step) if captured else step
        norms[captured] = [step(x, t) for x, t in _growing_batches()]
        assert all(type(n) is float for n in norms[captured])
        if captured:
            assert step.replays == len(norms[True]) - 2
    assert len(set(norms[True])) == len(norms[True])  # (one per batch, not the recording's)
    np.testing.assert_allclose(norms[True], norms[False], rtol=1e-12)

    def doubling(model, optimizer):
        def step(x, t):
            optimizer.zero_grad()
            F.mse_loss(model(x), t).backward()
            return optim.clip_grad_norm_(model.parameters(), 0.05) * 2
        return step
    with pytest.raises(CaptureError, match="number computed from clip_grad_norm_'s result"):
        _twin_runs(doubling, _growing_batches())


def test_get_total_norm_is_refused_and_clip_grads_with_norm_replays():
    from nn.utils import clip_grads_with_norm_, get_total_norm

    def split_clip(model, optimizer):
        def step(x, t):
            optimizer.zero_grad()
            F.mse_loss(model(x), t).backward()
            clip_grads_with_norm_(model.parameters(), 1.0,
                                  get_total_norm([p.grad for p in model.parameters()]))
            optimizer.step()
        return step
    with pytest.raises(CaptureError, match="get_total_norm: the norm is a number of this "
                                           "call's gradients"):
        _twin_runs(split_clip, _growing_batches())

    def given_norm(model, optimizer):  # a total norm computed by ops is read at each replay
        def step(x, t):
            optimizer.zero_grad()
            loss = F.mse_loss(model(x), t)
            loss.backward()
            clip_grads_with_norm_(model.parameters(), 1.0, loss * 10.0)
            optimizer.step()
        return step
    eager, captured = _twin_runs(given_norm, _growing_batches())
    np.testing.assert_allclose(captured, eager, rtol=1e-12)


def test_a_plain_tensor_attribute_replaced_between_calls_records_again():
    class Scaled(nn.Module):
        def __init__(self):
            super().__init__()
            self.layer, self.scale = nn.Linear(3, 1, dtype=np.float64), Variable(np.array(1.0))

        def forward(self, x):
            return self.layer(x) * self.scale
    model = Scaled()
    step = capture(lambda x: model(x).sum())
    x = np.ones((2, 3))
    for _ in range(3):
        step(x)
    model.scale = Variable(np.array(3.0))
    np.testing.assert_allclose(step(x).data, model(x).sum().data)


def test_a_layer_setting_changed_between_calls_records_again():
    # Dropout's p and BatchNorm's momentum are read in Python at the forward: a replay
    # would keep the recorded ones (running means 0.19 against 0.56 before this was seen)
    def trained(captured, change):
        np.random.seed(0)
        model = nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4), nn.Dropout(0.5))
        step = lambda x: model(x).sum()  # noqa: E731
        step = capture(step) if captured else step
        x = np.random.default_rng(1).standard_normal((8, 4)).astype(np.float32)
        for i in range(5):
            if i == 3:
                change(model)
            np.random.seed(i)  # the same dropout masks eagerly and replayed
            step(x)
        return model[1].running_mean.copy(), step
    for change in (lambda m: setattr(m[1], "momentum", 0.9),
                   lambda m: setattr(m[2], "p", 0.0)):
        (eager, _), (replayed, step) = trained(False, change), trained(True, change)
        np.testing.assert_allclose(replayed, eager, rtol=1e-6)
        assert step.captured == 1


def test_an_unchanged_setting_or_a_layer_s_own_bookkeeping_keeps_the_capture():
    model = nn.Sequential(nn.Linear(3, 1), nn.Dropout(0.5))
    step = capture(lambda x: model(x).sum())
    x = np.ones((2, 3), np.float32)
    for _ in range(3):
        step(x)
    state = PythonState.changes
    model[1].p = 0.5  # the same value
    model[1]._seen = (2, 3)  # a private name: the layer's own bookkeeping
    model.training = True  # a property: its setter decides (no change here)
    step(x)
    assert PythonState.changes == state and step.captured == 1


class _Settings:
    def __init__(self, factor):
        self.factor = factor


class _ScaleBy(autograd.Function):
    """y = x factor, the factor held by a settings object"""

    def __init__(self, settings):
        self.settings = settings

    def forward(self, x):
        return x * self.settings.factor

    def backward(self, gy):
        return gy * self.settings.factor


@pytest.mark.parametrize("held", [lambda h: h.data.copy(), lambda h: h.data])
def test_an_array_from_the_data_inside_a_settings_object_is_refused(held):
    # compared by its type alone, the object's array was the second recording's in every
    # replay: 38 against 50 eagerly at the third call
    w = Variable(np.ones(3))

    def step(x):
        h = w * x
        return _ScaleBy(_Settings(held(h)))(h).sum()
    captured = capture(step)
    captured(np.arange(3.0))
    with pytest.raises(CaptureError, match="_scaleby's 'settings'"):
        captured(np.arange(3.0) + 1)


def test_a_settings_object_holding_the_same_values_keeps_the_capture():
    w = Variable(np.ones(3))
    step = capture(lambda x: _ScaleBy(_Settings(np.full(3, 2.0)))(w * x).sum())
    for k in range(4):
        assert step(np.arange(3.0) + k).data == 2 * (3 + 3 * k)
    assert step.captured == 1


def test_lbfgs_and_a_closure_are_refused_with_a_capture_error():
    model = nn.Linear(3, 1)
    for optimizer in (optim.LBFGS(model.parameters()), optim.SGD(model.parameters(), lr=0.1)):
        def closure(optimizer=optimizer):
            optimizer.zero_grad()
            loss = model(np.ones((2, 3), np.float32)).sum()
            loss.backward()
            return loss
        with pytest.raises(CaptureError, match="closure"):
            capture(lambda optimizer=optimizer, closure=closure: optimizer.step(closure))()


def test_keras_normalization_reads_its_statistics_again_after_adapt():
    norm = nn.keras.layers.Normalization()
    rng = np.random.default_rng(0)
    norm.adapt(rng.standard_normal((50, 3)).astype(np.float32))
    x = rng.standard_normal((4, 3)).astype(np.float32)
    step = capture(lambda x: norm(x))
    for _ in range(2):
        step(x)
    norm.adapt((5 + 10 * rng.standard_normal((50, 3))).astype(np.float32))
    replayed = step(x)
    assert step.captured == 1
    np.testing.assert_allclose(replayed.data, norm(x).data, rtol=1e-6)


@pytest.mark.parametrize("body, message", [
    (lambda model, x: _halved(model(x)), "changed the array of an op's result"),
    (lambda model, x: _backpropagated(model(x.requires_grad_()).sum()),
     "made its argument args\\[0\\] require grad"),
    (lambda model, x: (model.zero_grad(), model(x).sum().backward(), model.bias.grad)[2],
     "returned a .grad"),
], ids=["NumPy into an op's result", "requires_grad_ on an argument", "a returned .grad"])
def test_what_a_replay_would_lose_even_when_both_records_agree_is_refused(body, message):
    """Found by adversarial testing: each recorded the same twice, then replayed stale."""
    model = nn.Linear(3, 2, dtype=np.float64)
    step = capture(lambda x: body(model, x))
    with pytest.raises(CaptureError, match=message):
        for _ in range(3):  # (a new Variable not requiring grad each call, as a batch)
            step(Variable(np.ones((4, 3)), requires_grad=False))


def _halved(h):
    h.data *= 0.5
    return (h * h).sum()


def _backpropagated(loss):
    loss.backward()
    return loss


def test_a_final_gradient_hook_is_refused_unless_it_is_replayable():
    from autograd.hooks import register_final_hook
    model = nn.Linear(3, 1)
    handle = register_final_hook(model.weight, lambda g: None)
    step = capture(lambda x: _backpropagated(model(x).sum()))
    with pytest.raises(CaptureError, match="has a gradient hook"):
        for _ in range(2):
            step(np.ones((2, 3), np.float32))
    handle.remove()


def test_a_replayable_final_hook_runs_at_every_replay_as_the_engine_runs_it():
    """DistributedDataParallel's averaging is such a hook (checked under mpiexec:
    tests/nn/distributed); one process stands in with a hook that scales and counts."""
    from autograd.hooks import register_final_hook
    calls = []

    def scaled(g):
        calls.append(g.shape)
        return g * 0.5
    scaled.replayable = True
    models = [nn.Linear(3, 1, dtype=np.float64) for _ in range(2)]
    models[1].load_state_dict(models[0].state_dict())
    for model in models:
        register_final_hook(model.weight, scaled)
    eager = lambda x: _backpropagated(models[0](x).sum())  # noqa: E731
    step = capture(lambda x: _backpropagated(models[1](x).sum()))
    for k in range(4):
        x = np.arange(6.0).reshape(2, 3) + k
        for model in models:
            model.zero_grad()
        eager(x), step(x)
        np.testing.assert_array_equal(models[1].weight.grad.data, models[0].weight.grad.data)
    assert step.captured == 1 and len(calls) == 8  # once a step each, replays included


class _Blocks(nn.Module):
    """Layers held in each kind of container, a bias-free head and a buffer."""

    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([nn.Linear(4, 4)])
        self.scales = nn.ParameterList([nn.Parameter(np.ones(4))])
        self.acts = nn.ModuleDict({"a": nn.Tanh()})
        self.head = nn.Linear(4, 4, bias=False)
        self.register_buffer("shift", np.zeros(4))

    def forward(self, x):
        for block in self.blocks:
            x = block(x)
        for scale in self.scales:
            x = x * scale
        for act in self.acts.values():
            x = act(x)
        return self.head(x) + getattr(self, "shift", 0.0)  # (shift may be deleted)


@pytest.mark.parametrize("change", [
    lambda m: m.blocks.append(nn.Linear(4, 4)),
    lambda m: m.blocks.__delitem__(0),
    lambda m: m.scales.append(nn.Parameter(np.full(4, 3.0))),
    lambda m: m.acts.__setitem__("b", nn.ReLU()),
    lambda m: setattr(m.head, "bias", nn.Parameter(np.full(4, 5.0))),  # None before
    lambda m: m.register_buffer("shift", np.full(4, 7.0)),
    lambda m: m.add_module("head", nn.Linear(4, 4)),
    lambda m: delattr(m, "shift")], ids=["append", "del", "parameter list", "module dict",
                                        "bias added", "register_buffer", "add_module",
                                        "delattr"])
def test_a_structure_changed_between_calls_is_recorded_again(change):
    """Every way to add, replace or remove a parameter, buffer or submodule makes captured
    steps record again (the replay kept running the old structure, silently)."""
    losses = []
    for captured in (False, True):
        np.random.seed(0)
        model = _Blocks()
        step = _train_step(model, optim.SGD(model.parameters(), lr=0.1), F.mse_loss)
        run = capture(step) if captured else step
        rng = np.random.default_rng(1)
        for i in range(5):
            if i == 3:
                np.random.seed(5)
                change(model)
            loss = float(run(rng.standard_normal((3, 4)), rng.standard_normal((3, 4))).data)
        losses.append(loss)
    assert losses[0] == losses[1]


def _branching_step(model, optimizer, read):
    """A training step that scales its output down when `read(y)` (Python on a value)."""
    def step(x, t):
        optimizer.zero_grad()
        y = model(x)
        if read(y):
            y = y / 100
        loss = F.mse_loss(y, t)
        loss.backward()
        optimizer.step()
        return loss
    return step


@pytest.mark.parametrize("read, how", [
    (lambda y: abs(y).max() > 10, r"a value the step computed, of shape \(\), is read in "
                                  r"Python \(bool\(\)\) inside the step"),
    (lambda y: abs(y).max().item() > 10, r"a value the step computed, of shape \(\), is read "
                                         r"in Python \(item\(\)\) inside the step: a replay"),
    (lambda y: bool(abs(y).max() * 0), r"computed, of shape \(\), is read in Python \(bool"),
    (lambda y: float(y.sum()) > 10, r"computed, of shape \(\), is read in Python \(float"),
    (lambda y: abs(y).max().numpy() > 10, r"computed, of shape \(\), is read in Python \(numpy"),
])
def test_python_reading_a_value_the_step_computed_is_refused(read, how):
    """An `if` on a computed value would keep the capture's branch in every replay (the
    first two calls may agree, a later batch not): refused where Python reads it."""
    model = _mlp()
    step = capture(_branching_step(model, optim.SGD(model.parameters(), lr=0.1), read))
    x, t = next(_batches(1, (4, 3)))
    with pytest.raises(CaptureError, match=how):
        step(x, t)


def test_python_reading_a_parameter_is_refused_and_a_constant_reads_freely():
    model = _mlp()
    weight = model[0].weight
    with pytest.raises(CaptureError, match=r"a value the step computed, of shape \(\), is read "
                                           r"in Python \(bool\(\)\)"):
        capture(lambda x: (model(x).sum() if (weight < 5).all() else None))(np.ones((2, 3)))
    scale = Variable(np.array(2.0), requires_grad=False)  # (a constant: the same each call)

    def scaled(x):
        with autograd.no_grad():
            return model(x).sum() * (3.0 if scale.item() > 1 else 1.0)
    step = capture(scaled)
    x = np.ones((2, 3), np.float32)
    assert [float(step(x).data) for _ in range(3)] == [float(scaled(x).data)] * 3


def test_a_forward_captured_alone_warns_that_its_result_is_detached():
    """Its calls return the result without a graph: a loss built on it outside the step
    would train nothing before it, silently, so the capture says so (once, when made)."""
    model = _mlp()
    encode = capture(lambda x: model(x))
    x = np.ones((2, 3), np.float32)
    encode(x)
    with pytest.warns(autograd.DetachedResultWarning, match="runs no backward"):
        encode(x)
    assert not encode(x).requires_grad
    with pytest.raises(RuntimeError, match="a captured step's result"):
        encode(x).sum().backward()
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a whole step, or values under no_grad: no warning
        whole = capture(_train_step(model, optim.SGD(model.parameters(), lr=0.1), F.mse_loss))
        values = capture(lambda x: autograd.no_grad()(model)(x))
        for _ in range(3):
            whole(x, np.zeros((2, 2), np.float32))
            values(x)


def _keeping_step(keep):
    """A training step that keeps its loss (in a dict, an attribute or a list), and a
    function reading the kept loss's value."""
    model = _mlp()
    optimizer = optim.SGD(model.parameters(), lr=0.5)
    box, holder, kept, cell = {}, types.SimpleNamespace(), [], np.empty(1, object)

    def step(x, t):
        optimizer.zero_grad()
        loss = F.mse_loss(model(x), t)
        loss.sum().backward()
        optimizer.step()
        if keep == "dict":
            box["loss"] = loss
        elif keep == "attribute":
            holder.loss = loss
        elif keep == "list":
            kept[:] = [loss]
        else:  # (a holder that the garbage collector does not see)
            cell[0] = loss
    read = {"dict": lambda: box["loss"], "attribute": lambda: holder.loss,
            "list": lambda: kept[0], "object array": lambda: cell[0]}[keep]
    return step, lambda: float(read().data)


@pytest.mark.parametrize("keep", ["dict", "attribute", "list", "object array"])
def test_a_result_the_step_keeps_is_computed_at_every_replay(keep):
    """A replay skips the forward of a result nothing reads (a loss only backpropagated),
    unless the step keeps it to read later: there it holds each call's value, as eagerly."""
    losses = []
    for captured in (False, True):
        step, read = _keeping_step(keep)
        step = capture(step) if captured else step
        seen = []
        for x, t in _batches(6, (4, 3)):
            step(x, t)
            seen.append(read())
        losses.append(seen)
        if captured:
            assert step.code.count("its result is never read") == 1  # the sum's alone
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-6)
    assert len(set(losses[0])) == 6


def test_a_loss_nothing_keeps_is_still_skipped_in_a_replay():
    model = _mlp()
    optimizer = optim.SGD(model.parameters(), lr=0.5)

    def step(x, t):
        optimizer.zero_grad()
        F.mse_loss(model(x), t).sum().backward()
        optimizer.step()
    step = capture(step)
    for x, t in _batches(3, (4, 3)):
        step(x, t)
    assert step.code.count("its result is never read") == 2  # mse_loss and its sum


def _trained_with_gumbel_noise_in_the_loss(captured):
    from nn.functional.gumbel_softmax import GumbelNoise
    np.random.seed(0)
    model = nn.Sequential(nn.Linear(3, 8), nn.Dropout(0.5), nn.Linear(8, 2))
    optimizer = optim.SGD(model.parameters(), lr=0.1)

    def step(x, t):
        optimizer.zero_grad()
        (GumbelNoise()(model(x)) * 0.5).sum().backward()
        optimizer.step()
    step = capture(step) if captured else step
    np.random.seed(1)
    for x, t in _batches(5, (4, 3)):
        step(x, t)
    return [p.data.copy() for p in model.parameters()]


def test_a_random_op_nothing_reads_still_draws_in_a_replay():
    """Gumbel noise summed into the loss is an op whose result nothing reads and whose
    backward needs no forward: skipping it left NumPy's generator behind the eager step's,
    so every later dropout mask differed from the eager step's."""
    eager = _trained_with_gumbel_noise_in_the_loss(captured=False)
    for e, r in zip(eager, _trained_with_gumbel_noise_in_the_loss(captured=True)):
        np.testing.assert_array_equal(r, e)


def test_a_parameter_given_another_dtype_or_shape_records_the_step_again():
    """`.data =` with a float64 array makes the eager step cast (another graph): the
    capture records afresh rather than replaying the float32 one."""
    results = []
    for captured in (False, True):
        np.random.seed(0)
        model = nn.Sequential(nn.Linear(4, 4), nn.Tanh(), nn.Linear(4, 4))
        step = _train_step(model, optim.SGD(model.parameters(), lr=0.01), F.mse_loss)
        step = capture(step) if captured else step
        seen = []
        for i, (x, t) in enumerate(_batches(6, (8, 4))):
            t = np.resize(t, (8, 4)).astype(np.float32)
            if i == 4:
                model[0].weight.data = np.full((4, 4), 0.1)  # float64 now
            loss = step(x, t)
            seen.append((loss.data.dtype, float(loss.data)))
        results.append(seen)
    assert results[1] == results[0]
    assert results[0][4][0] == np.float32 and results[0][3][0] == np.float32


def test_a_step_changing_what_replays_depend_on_is_refused_by_name():
    """A hook registered, a mode switched or a parameter's data assigned inside the step:
    refused, naming what the step did."""
    model = _mlp()
    x = np.ones((2, 3), np.float32)

    def hooked(x):
        y = model(x)
        y.register_hook(lambda g: g)
        return (y ** 2).sum()

    def switched(x):
        model.eval()
        return model(x).sum()

    def assigned(x):
        loss = model(x).sum()
        model[0].weight.data = model[0].weight.data * 0.5  # (a Polyak update belongs outside)
        return loss
    for step, message in [(hooked, r"the step itself registered a hook \(register_hook\)"),
                          (switched, r"the step itself switched Sequential to eval\(\)"),
                          (assigned, r"a Variable's data was assigned \(.data =\)")]:
        with pytest.raises(CaptureError, match=message):
            capture(step)(x)
        model.train()


def test_a_leaf_python_reads_records_again_when_its_values_change():
    """A factor set between calls and read with .item() in the step (a warm-up weight):
    the replay holds while its value does, then the step records again."""
    losses = []
    for captured in (False, True):
        model = _mlp()
        optimizer = optim.SGD(model.parameters(), lr=0.1)
        beta = Variable(np.array(0.0, np.float32), requires_grad=False)

        def step(x, t, model=model, optimizer=optimizer, beta=beta):
            optimizer.zero_grad()
            y = model(x)
            loss = F.mse_loss(y, t) + beta.item() * (y ** 2).mean()
            loss.backward()
            optimizer.step()
            return loss
        step = capture(step) if captured else step
        seen = []
        for i, (x, t) in enumerate(_batches(6, (4, 3))):
            beta.data = np.array(0.0 if i < 3 else 0.5, np.float32)
            seen.append(float(step(x, t).data))
        losses.append(seen)
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-6)


def test_a_parameter_changed_between_the_two_recording_calls_records_afresh():
    model = nn.Sequential(nn.Linear(4, 4), nn.Tanh(), nn.Linear(4, 4))
    step = capture(_train_step(model, optim.SGD(model.parameters(), lr=0.01), F.mse_loss))
    x, t = np.ones((8, 4), np.float32), np.zeros((8, 4), np.float32)
    step(x, t)
    model[0].weight.data = model[0].weight.data.astype(np.float64)  # (eager: a cast more)
    for _ in range(3):
        step(x, t)
    assert step.captured == 1


def test_another_threads_module_change_makes_a_recording_record_again_not_fail():
    """A module built or switched in another thread while this one records is not the
    step's doing: the call runs, and the next records afresh."""
    import threading
    model = _mlp()
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    started, finished = threading.Event(), threading.Event()

    def step(x, t):
        optimizer.zero_grad()
        loss = F.mse_loss(model(x), t)
        started.set()
        finished.wait(10)
        loss.backward()
        optimizer.step()
        return loss

    def other():
        started.wait(10)
        nn.Sequential(nn.Linear(2, 2)).eval()
        finished.set()
    thread = threading.Thread(target=other)
    thread.start()
    captured = capture(step)
    x, t = next(_batches(1, (4, 3)))
    with pytest.warns(autograd.RandomDrawWarning):  # (the other thread's initial weights)
        captured(x, t)
    thread.join()
    started.set()
    finished.set()
    for _ in range(3):
        captured(x, t)
    assert captured.captured == 1


class _Batch:
    """A batch as users pass one: an object holding its arrays in attributes."""

    def __init__(self, x):
        self.x = x


@pytest.mark.parametrize("make", [_Batch, lambda x: types.SimpleNamespace(x=x),
                                  lambda x: types.SimpleNamespace(parts=[x])])
def test_an_object_given_again_with_an_array_rebound_records_afresh(make):
    # the object's array was a constant of the capture: the replays kept the first call's
    # loss (3.0 for 11.0), even for an array of another shape
    w = autograd.Parameter(np.array([1.0, 2.0]))
    optimizer = optim.SGD([w], lr=0.0)
    batch = make(None)

    def x_of(b):
        return b.parts[0] if hasattr(b, "parts") else b.x

    def step(b):
        optimizer.zero_grad()
        loss = (x_of(b) * w).sum()
        loss.backward()
        return loss
    captured = capture(step)
    for x in [np.ones(2), np.ones(2), np.array([3.0, 4.0]), np.ones((3, 2)), np.ones(2)]:
        if hasattr(batch, "parts"):
            batch.parts[0] = x
        else:
            batch.x = x
        assert captured(batch).data == (x * w.data).sum()
        np.testing.assert_array_equal(w.grad.data, x.sum(axis=0) if x.ndim == 2 else x)
    x_of(batch)[:] = 5.0  # written in place: the replay reads the array itself
    assert captured(batch).data == captured(batch).data == 15.0


@pytest.mark.parametrize("read", [
    lambda x: int(autograd.argmax(x)),
    lambda x: autograd.argmin(x).item(),
    lambda x: int(autograd.argsort(x)[-1]),
    lambda x: autograd.topk(x, 1)[1].tolist()[0],
    lambda x: [0, 1, 2][autograd.argmax(x)],  # (an index: __index__)
    lambda x: int(autograd.argmax(x) + 0),    # (what NumPy makes of it is guarded too)
])
def test_a_number_read_from_argmax_of_values_that_change_is_refused(read):
    # w[int(argmax(x))] replayed the recorded index: 2.0 where eagerly 6.0
    w = autograd.Parameter(np.array([1.0, 2.0, 3.0]))
    optimizer = optim.SGD([w], lr=0.0)

    def step(x):
        optimizer.zero_grad()
        y = w[read(x * w)] * 2
        y.backward()
        return y
    with pytest.raises(CaptureError, match=r"read in Python \((int\(\)|item\(\)|tolist"
                                           r"\(\)|an index)\)"):
        capture(step)(np.array([1.0, -1.0, 0.0]))


def test_argmax_of_a_constant_and_argmax_returned_after_the_step_read_freely():
    w = autograd.Parameter(np.array([1.0, 2.0, 3.0]))
    const = Variable(np.array([0.0, 5.0, 1.0]), requires_grad=False)
    optimizer = optim.SGD([w], lr=0.0)

    @capture
    def step(x):
        optimizer.zero_grad()
        y = (w[int(autograd.argmax(const))] * x).sum()
        y.backward()
        return y
    assert [float(step(np.full(2, k)).data) for k in range(4)] == [0.0, 4.0, 8.0, 12.0]
    assert step.captured == 1
    assert int(autograd.argmax(Variable(np.array([1.0, 3.0])))) == 1  # (outside a capture)


@pytest.mark.parametrize("body", [
    lambda x, w: autograd.sort(x * w) * np.arange(4.0),
    lambda x, w: autograd.sort(x * w, descending=True)[:2],
    lambda x, w: autograd.topk(x * w, 2)[0] * np.array([1.0, 10.0]),
    lambda x, w: autograd.topk(x * w, 3, largest=False)[0],
])
def test_sort_and_topk_replay_each_calls_order(body):
    # (they gathered with argsort's indices, which a replay would keep: refused before)
    w = autograd.Parameter(np.array([1.0, 2.0, 3.0, 4.0]))
    optimizer = optim.SGD([w], lr=0.0)

    @capture
    def step(x):
        optimizer.zero_grad()
        loss = autograd.sum(body(x, w))
        loss.backward()
        return loss
    for x in ([1.0, -2.0, 3.0, 0.5], [4.0, -3.0, 2.0, 1.0], [-2.0, 1.0, 4.0, 3.0],
              [0.5, 3.0, -1.0, 2.0]):
        x = np.array(x)
        loss = step(x)
        got = w.grad.data.copy()
        eager_w = autograd.Parameter(w.data.copy())
        eager = autograd.sum(body(x, eager_w))
        eager.backward()
        assert float(loss.data) == float(eager.data)
        np.testing.assert_array_equal(got, eager_w.grad.data)
    assert step.captured == 1


def test_a_step_that_never_replays_says_so():
    """A captured method whose object the step gives a new Variable each call
    (self.last_loss = loss) records under a new signature every time: correct, but never
    replayed, which the user believed it was."""
    class Trainer:
        def __init__(self):
            self.model = nn.Linear(3, 1)
            self.optimizer = optim.SGD(self.model.parameters(), lr=0.1)

        @capture
        def step(self, x, t):
            self.optimizer.zero_grad()
            loss = F.mse_loss(self.model(x), t)
            loss.backward()
            self.optimizer.step()
            self.last_loss = loss
            return loss
    trainer = Trainer()
    x, t = np.ones((4, 3), np.float32), np.ones((4, 1), np.float32)
    with pytest.warns(UserWarning, match="replayed none: something it is given changes"):
        for _ in range(3 * Trainer.step.max_signatures):
            trainer.step(x, t)
    assert Trainer.step.captured == 0


def test_shapes_taking_turns_past_max_signatures_run_eagerly_after_the_warning(monkeypatch):
    """Nine batch sizes in turn: each recording was evicted before its replay, and the step
    went on recording (12x an eager step's time) where the warning said it ran eagerly."""
    np.random.seed(0)
    model = nn.Linear(3, 1)
    opt = optim.SGD(model.parameters(), lr=0.001)

    @capture
    def step(x):
        opt.zero_grad()
        loss = (model(x) ** 2).mean()
        loss.backward()
        opt.step()
        return loss

    sizes = range(1, step.max_signatures + 2)
    batch = np.random.default_rng(0).normal(size=(10, 3)).astype(np.float32) + 5
    with pytest.warns(UserWarning, match="more than 8 signatures take turns; it runs eagerly"):
        for _ in range(3):
            for n in sizes:
                step(batch[:n])
    records, record = [], capture_module._record
    monkeypatch.setattr(capture_module, "_record",
                        lambda *args: records.append(1) or record(*args))
    before = model.weight.data.copy()
    loss = step(batch[:2])
    monkeypatch.undo()
    assert records == [] and not np.array_equal(model.weight.data, before)
    assert 0 < float(loss) < 1e3 and np.isfinite(model.weight.data).all()
    step.reset()
    for _ in range(3):
        step(batch[:2])
    assert step.captured == 1


def test_a_step_that_looks_up_a_new_optimizer_steps_it():
    """An optimizer made after the capture, found by the step in a dict: the replay kept
    stepping the one it was recorded with (the weights went 0.03 off the eager run's)."""
    import optim

    def trained(captured):
        np.random.seed(0)
        model = nn.Linear(3, 1)
        holder = {"opt": optim.SGD(model.parameters(), lr=0.1)}
        x, y = np.ones((4, 3)), np.zeros((4, 1))

        def step(x, y):
            holder["opt"].zero_grad()
            ((model(x) - y) ** 2).mean().backward()
            holder["opt"].step()
        step = capture(step) if captured else step
        for i in range(6):
            if i == 3:
                holder["opt"] = optim.SGD(model.parameters(), lr=0.5)
            step(x, y)
        return model.weight.data
    np.testing.assert_array_equal(trained(True), trained(False))


def test_a_refusal_at_the_second_recording_says_that_call_has_run():
    """The two recordings differ (a branch on a value): the refusing call ran the step, so a
    user falling back to an eager call for that batch must not run it again."""
    model = nn.Linear(2, 1)
    opt = optim.SGD(model.parameters(), lr=0.1)
    calls = []

    @capture
    def step(x):
        opt.zero_grad()
        loss = model(x).sum() * (2.0 if len(calls) else 1.0)
        calls.append(1)
        loss.backward()
        opt.step()
    step(np.ones((1, 2)))
    before = model.weight.data.copy()
    with pytest.raises(CaptureError, match=r"this call ran the step as written: its update is "
                                           r"applied"):
        step(np.ones((1, 2)))
    assert not np.array_equal(model.weight.data, before)


# ----- indices an op computed, used as an index -----

def _picked(kind, y):
    """y's entries picked by indices an op computed from y (each call's own)."""
    from nn.keras import ops
    if kind == "max_dim_gather":
        return y.gather(1, autograd.expand_dims(y.max(dim=1).indices, 1))
    if kind == "min_dim_get_item":
        return autograd.get_item(y, (np.arange(y.shape[0]), y.min(dim=1).indices))
    if kind == "keras_argmax_take_along_axis":
        return autograd.take_along_axis(y, ops.expand_dims(ops.argmax(y, axis=-1), -1), 1)
    if kind == "keras_argmax_take":
        return autograd.take(y, ops.argmax(y))
    return ops.take(y, ops.argsort(y, axis=None)[:3])  # keras_argsort_take


@pytest.mark.parametrize("kind", ["max_dim_gather", "min_dim_get_item",
                                  "keras_argmax_take_along_axis", "keras_argmax_take",
                                  "keras_argsort_take"])
def test_indices_an_op_computed_are_read_afresh_at_each_replay(kind):
    """(They were refused as values computed outside the ops: a replay would have kept the
    first call's positions.) The loss is only backpropagated, so a replay may skip the
    gather's forward: its backward still reads this call's index."""
    models = [_mlp(sizes=(4, 3)), _mlp(sizes=(4, 3))]

    def step_of(model):
        optimizer = optim.SGD(model.parameters(), lr=0.1)

        def step(x):
            optimizer.zero_grad()
            loss = autograd.sum(_picked(kind, model(x)) ** 2)
            loss.backward()
            optimizer.step()
        return step
    eager, captured = step_of(models[0]), capture(step_of(models[1]))
    rng = np.random.default_rng(3)
    for _ in range(6):
        x = rng.normal(size=(5, 4)).astype(np.float32)
        eager(x)
        captured(x)
    assert captured.captured == 1 and "'s index" in captured.code
    for ours, theirs in zip(models[1].parameters(), models[0].parameters()):
        np.testing.assert_allclose(ours.data, theirs.data, rtol=1e-5, atol=1e-6)


def test_a_mask_a_replay_cannot_follow_is_still_refused_and_argmax_s_indices_replay():
    w = Variable(np.ones(4, np.float32), requires_grad=True)
    calls = [np.array(x, np.float32) for x in
             ([1.0, 2.0, 3.0, 4.0], [4.0, -3.0, 2.0, 1.0], [2.0, 1.0, 4.0, 3.0])]
    masked = capture(lambda x: autograd.sum(autograd.get_item(x * w, (x * w) > 0) * 1.0))
    with pytest.raises(CaptureError, match="computed outside rungrad's ops|differ"):
        for x in calls:  # (the selection's shape follows the mask's values)
            masked(x)

    def picked(x):  # (argmax's indices are an op's: each call picks its own)
        with autograd.no_grad():
            v = x * w
            return autograd.sum(autograd.get_item(v, autograd.argmax(v.reshape(2, 2), axis=1)))
    least = lambda x: autograd.take(x * w, autograd.argmin(x * w, dim=0)).detach()  # noqa: E731
    for body, expected in ((picked, [4, 8, 4]), (least, [1, -3, 1])):
        step = capture(body)
        assert [float(step(x).data) for x in calls + calls] == expected * 2
        assert step.captured == 1


def test_indices_whose_number_follows_the_values_are_refused_and_their_sizes_guarded():
    """(A second review: unique's indices, and keras.ops.nonzero's and unique's
    return_index, computed in NumPy, were accepted as an op's indices, and a replay kept the
    recorded shapes: parameters drifted from the eager twin's.)"""
    from nn.keras import ops
    model = _mlp(sizes=(4, 6))
    one_row = np.zeros((5, 4), np.float32)
    one_row[2] = 1.0
    for rows in (lambda x: autograd.unique(autograd.as_variable(x).max(dim=0).indices),
                 lambda x: ops.nonzero(ops.greater(x[:, 0], 0.5))[0] + 0,
                 lambda x: ops.unique(ops.argmax(x, axis=1), return_index=True, size=2)[1]):
        step = capture(lambda x, rows=rows: autograd.mean(model(x)[rows(x)] ** 2))
        with pytest.raises(CaptureError, match="computed outside rungrad's ops"):
            for _ in range(3):
                step(one_row)
    w = Variable(np.ones(4), requires_grad=True)
    step = capture(lambda x: autograd.sum(autograd.unique(x * w)))
    for values in ([1.0, 2, 3, 4], [1.0, 2, 3, 4], [5.0, 6, 7, 8]):
        assert float(step(np.array(values)).data) == sum(values)
    with pytest.raises(CaptureError, match=r"unique gave a result of shape \(2,\) in this "
                                           r"replay where the recorded calls gave \(4,\)"):
        step(np.array([1.0, 1, 2, 2]))


def test_a_replay_checks_the_range_gather_allows():
    """(A gather index given as the step's argument was checked only while recording: a
    replay took -1, which the eager gather refuses.)"""
    model = _mlp(sizes=(4, 6))
    step = capture(lambda x, index: autograd.sum(model(x).gather(1, index)))
    x = np.ones((5, 4), np.float32)
    for _ in range(3):
        step(x, np.zeros((5, 1), np.int64))
    with pytest.raises(IndexError, match="gather: index -1 is out of bounds for dim 1 of size 6"):
        step(x, np.full((5, 1), -1, np.int64))


@pytest.mark.parametrize("picked", [
    lambda v: autograd.repeat_interleave(v, autograd.remainder(v.max(dim=0).indices, 2) + 1),
    lambda v: autograd.index_fill(autograd.reshape(v, (2, 3)), 1,
                                  autograd.reshape(v, (2, 3)).max(dim=1).indices, 0.0),
    lambda v: autograd.scatter(autograd.reshape(v, (2, 3)), 1, autograd.expand_dims(
        autograd.reshape(v, (2, 3)).max(dim=1).indices, 1), 0.0),
    lambda v: autograd.index_fill(v, 0, autograd.argmax(v), 0.0),
    lambda v: autograd.repeat_interleave(v, autograd.argsort(v) % 2 + 1),
    lambda v: autograd.index_put(v, (v.max(dim=0).indices[None],), autograd.sum(v)[None],
                                 accumulate=True),
    lambda v: _keras_ops().slice(v, _keras_ops().expand_dims(
        _keras_ops().minimum(_keras_ops().argmax(v), 3), 0), (3,)),
])
def test_ops_that_read_an_ops_indices_in_numpy_are_refused(picked):
    """(A third review: these replayed the recorded positions silently, from the third call
    on: their indices' values are read in NumPy, where no replay repeats them.)"""
    w = Variable(np.ones(6, np.float32), requires_grad=True)
    step = capture(lambda x: autograd.sum(picked(x * w)))
    base = np.array([3.0, 1.0, 2.0, 0.5, -1.5, 0.2], np.float32)
    with pytest.raises(CaptureError, match="read in Python|computed outside rungrad's ops"):
        for x in (base, base + 0.01, np.roll(base, 2), -base):
            step(x)


def _keras_ops():
    from nn.keras import ops
    return ops


def test_indices_ops_make_of_constants_alone_replay_while_the_constants_hold():
    """(A fourth review: refusing an op's result read in NumPy refused constant indices
    built with ops inside the step, which replayed rightly before.) A replay holds while
    the constants it read hold: a leaf changed between calls records again."""
    from nn.keras import ops
    w = Variable(np.ones((4, 6), np.float32), requires_grad=True)
    ids = Variable(np.array([0, 0, 1, 1]))

    def step(x):
        summed = ops.segment_sum(x * w, ops.add(ids, 0), num_segments=2)
        return autograd.sum(ops.slice(summed, ops.convert_to_tensor([1, 1]), (1, 2)))
    captured = capture(step)
    for i in range(4):
        x = np.full((4, 6), i, np.float32)
        assert float(captured(x).data) == float(step(x).data) == 4.0 * i
    assert captured.captured == 1
    ids.data = np.array([1, 1, 1, 0])  # (a constant changed between calls)
    x = np.ones((4, 6), np.float32)
    assert float(captured(x).data) == float(step(x).data) == 6.0
