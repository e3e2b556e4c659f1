"""autograd.capture's generated replay: straight-line code doing what the eager step does,
and skipping only the forward of results nothing reads."""
import numpy as np

import autograd
import nn
import nn.functional as F
import optim
from autograd import Variable, capture
from autograd.capture import run_replayed
from autograd.ops.reduction import Mean, Sum
from nn.functional.cross_entropy import SoftmaxCrossEntropy
from nn.functional.loss import MSELoss


def _model(seed=0):
    np.random.seed(seed)
    return nn.Sequential(nn.Linear(3, 8), nn.Sigmoid(), nn.Linear(8, 2))


def _batches(n, seed=1):
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal((5, 3)).astype(np.float32),
             rng.standard_normal((5, 2)).astype(np.float32)) for _ in range(n)]


def _step(model, optimizer, returns_loss, seen=None):
    def step(x, t):
        optimizer.zero_grad()
        loss = F.mse_loss(model(x), t)
        if seen is not None:  # a replayable call reading the loss's value
            run_replayed(lambda v: seen.append(float(v.data)), loss)
        loss.sum().backward()
        optimizer.step()
        return loss if returns_loss else None
    return step


def _trained(returns_loss, captured, seen=None, steps=8):
    model = _model()
    step = _step(model, optim.SGD(model.parameters(), lr=0.1, momentum=0.9), returns_loss,
                 seen)
    step = capture(step) if captured else step
    results = [step(x, t) for x, t in _batches(steps)]
    return model, step, results


def _same_weights(a, b):
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_allclose(q.data, p.data, rtol=1e-6, atol=1e-7)


def test_the_replay_is_straight_line_code_naming_each_op_and_call():
    _, step, _ = _trained(True, captured=True)
    code = step.code
    assert code.startswith("def replay(")
    for part in ("# linear", "# sigmoid", "# mseloss", "# backward", "Optimizer.zero_grad",
                 "Optimizer.step"):
        assert part in code, part
    assert "for " not in code and "while " not in code  # no loop: one line per event
    assert capture(lambda x: None).code is None


def test_a_loss_only_backpropagated_is_not_computed_and_training_is_unchanged():
    eager, _, _ = _trained(False, captured=False)
    captured, step, results = _trained(False, captured=True)
    assert "# mseloss: its result is never read" in step.code
    assert "# sum: its result is never read" in step.code
    assert results == [None] * 8
    _same_weights(eager, captured)


def test_a_returned_loss_is_computed_at_every_replay():
    eager, _, expected = _trained(True, captured=False)
    captured, step, got = _trained(True, captured=True)
    assert "# mseloss: its result is never read" not in step.code
    np.testing.assert_allclose([float(v.data) for v in got],
                               [float(v.data) for v in expected], rtol=1e-6)
    assert len({float(v.data) for v in got}) == 8  # each batch's own loss
    _same_weights(eager, captured)


def test_a_loss_a_replayable_call_reads_is_computed():
    expected, got = [], []
    _trained(False, captured=False, seen=expected)
    _, step, _ = _trained(False, captured=True, seen=got)
    assert "# mseloss: its result is never read" not in step.code
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_only_ops_whose_backward_reads_nothing_of_forward_may_be_skipped():
    assert not MSELoss.backward_reads_forward
    assert not Sum.backward_reads_forward and not Mean.backward_reads_forward
    assert not Sum.backward_reads_inputs and MSELoss.backward_reads_inputs
    assert SoftmaxCrossEntropy.backward_reads_forward  # (forward keeps the targets)

    class ScaledMSE(MSELoss):  # its own backward: the flag it inherits is not trusted
        def backward(self, gy):
            return super().backward(gy * 2)

    class Quiet(MSELoss):  # the same backward: still skippable
        pass

    assert ScaledMSE.backward_reads_forward and not Quiet.backward_reads_forward


def test_an_op_whose_result_a_skipped_ops_backward_reads_is_computed():
    """MSELoss' backward reads its input's values: the sum making that input must run,
    though the loss itself is skipped."""
    def make():
        w = Variable(np.linspace(0.5, 1.5, 4))
        optimizer = optim.SGD([w], lr=0.01)

        def step(x, t):
            optimizer.zero_grad()
            F.mse_loss(autograd.sum(w * x), t).backward()
            optimizer.step()
        return w, step
    (w_eager, eager), (w_captured, captured) = make(), make()
    captured = capture(captured)
    for i in range(6):
        x, t = np.arange(4.0) + i, np.array(float(i))
        eager(x, t)
        captured(x, t)
    assert "# mseloss: its result is never read" in captured.code
    assert "# sum: its result is never read" not in captured.code
    np.testing.assert_allclose(w_captured.data, w_eager.data, rtol=1e-12)


def test_a_multi_output_op_with_one_output_unused_gets_zeros_for_the_other():
    def make():
        w = Variable(np.linspace(0.5, 1.5, 6).astype(np.float32))
        optimizer = optim.SGD([w], lr=0.1)

        def step(x):
            optimizer.zero_grad()
            first, _ = autograd.split(w * x, 2)
            (first * first).sum().backward()
            optimizer.step()
        return w, step
    (w_eager, eager), (w_captured, captured) = make(), make()
    captured = capture(captured)
    for i in range(6):
        x = np.full(6, 1.0 + 0.1 * i, np.float32)
        eager(x)
        captured(x)
    assert "with_zeros" in captured.code
    np.testing.assert_allclose(w_captured.data, w_eager.data, rtol=1e-6)
    untouched = np.linspace(0.5, 1.5, 6).astype(np.float32)[3:]  # the unused half: zeros
    np.testing.assert_array_equal(w_captured.data[3:], untouched)
