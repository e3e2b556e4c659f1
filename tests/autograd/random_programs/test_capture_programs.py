"""autograd.capture on random programs: a replay computes what the eager program computes
(the loss at each call, the gradients accumulated over the calls), or capture refuses the
program with a CaptureError; never a silently different answer.

The program's leaves that require grad are parameters (the same Variables at every call);
the others are the step's arguments, given new values at each call.
RUNGRAD_FUZZ_EXAMPLES=N runs N random programs (see the package docstring).
"""
import numpy as np
import pytest
from hypothesis import given

from autograd import CaptureError, Variable, capture

from .frameworks import RUNGRAD
from .generator import programs
from .test_random_programs import examples
from .variants import loss_of, plans

CALLS = 4  # two recorded, two replayed
# new argument values may leave an op's domain (a NaN, the same in both runs: compared
# equal); NumPy's warning about it says nothing here
pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")


def _step(prog, plan, params, inputs, returns_loss=True):
    """The program's step; without returns_loss the loss is only backpropagated (a replay
    may then skip computing what nothing reads)."""
    def step(*values):
        env = prog.run(RUNGRAD, replace={**params, **dict(zip(inputs, values))})
        loss = loss_of(RUNGRAD, prog, env, plan)
        if loss.requires_grad:
            loss.backward()
        return loss if returns_loss else None
    return step


def _parameters(prog):
    return {leaf.name: RUNGRAD.leaf(leaf.array, True, prog.dtype)
            for leaf in prog.leaves if leaf.requires_grad}


@examples(ci=40)
@given(prog=programs(), plan=plans())
def test_a_replay_computes_what_the_program_computes(prog, plan):
    _check_replay(prog, plan)


@examples(ci=15)
@given(prog=programs(zero_size=True), plan=plans())
def test_zero_size_programs_replay_too(prog, plan):
    _check_replay(prog, plan)


@examples(ci=25)
@given(prog=programs(), plan=plans())
def test_a_replay_returning_nothing_computes_the_same_gradients(prog, plan):
    _check_replay(prog, plan, returns_loss=False)


@examples(ci=25)
@given(prog=programs(), plan=plans())
def test_a_replay_after_two_equal_records_computes_the_program_on_new_values(prog, plan):
    """Both recorded calls on the same values, then new ones: whatever a replay would keep
    from the records (a value read in Python) agrees between them, so only the replays can
    show it."""
    _check_replay(prog, plan, equal_records=True)


def _check_replay(prog, plan, returns_loss=True, equal_records=False):
    inputs = [leaf for leaf in prog.leaves if not leaf.requires_grad]
    rng = np.random.default_rng(plan["seed"])
    offsets = [0, 0, 1, 2] if equal_records else range(CALLS)
    calls = [[Variable(np.asarray(leaf.array + 0.25 * k * rng.standard_normal(leaf.array.shape),
                                  dtype=prog.dtype), requires_grad=False) for leaf in inputs]
             for k in offsets]
    eager_params, captured_params = _parameters(prog), _parameters(prog)
    names = [leaf.name for leaf in inputs]
    eager = _step(prog, plan, eager_params, names)
    captured = capture(_step(prog, plan, captured_params, names, returns_loss))
    for k, values in enumerate(calls):
        expected = eager(*values).data
        try:
            got = captured(*values)
        except CaptureError:
            return  # refused (an op setting taken from the data, ...): allowed, never wrong
        if returns_loss:
            _assert_close(got.data, expected, f"call {k}: the loss", prog)
    assert captured.captured == 1
    for name, p in eager_params.items():
        q = captured_params[name]
        assert (p.grad is None) == (q.grad is None), f"{name}.grad\n{prog.source()}"
        if p.grad is not None:
            _assert_close(q.grad.data, p.grad.data, f"{name}.grad", prog)


def _assert_close(got, want, what, prog):
    scale = float(np.max(np.abs(np.nan_to_num(want)), initial=1.0))
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12 * scale, equal_nan=True,
                               err_msg=f"{what}\n{prog.source()}")
