"""The engine never returns a silently wrong gradient: changed inputs, reused Function
instances, shared gradient arrays, the sign of zero, truthiness and array conversion."""
import numpy as np
import pytest

import autograd as ag
import nn
import optim
from autograd import Function, Variable


# ----- arrays changed between forward and backward -----
def test_an_input_changed_in_place_after_forward_makes_backward_refuse():
    x = Variable(np.ones(2), name="x")
    y = (x * x).sum()
    with ag.no_grad():
        x[...] = 10
    with pytest.raises(RuntimeError, match=r"'x' of mul was modified in place"):
        y.backward()


def test_an_output_changed_in_place_makes_backward_refuse():
    x = Variable(np.ones(2))
    y = ag.exp(x)
    with ag.no_grad():
        y[...] = 0
    with pytest.raises(RuntimeError, match="output of shape \\(2,\\) of exp was modified"):
        y.sum().backward()


def test_a_new_data_array_for_a_parameter_after_forward_makes_backward_refuse():
    x = ag.Parameter(np.ones(2))
    y = (x * x).sum()
    x.data = x.data * 10  # DeZero's manual update, done too early
    with pytest.raises(RuntimeError, match="mul was modified in place"):
        y.backward()


def test_a_hand_made_change_is_caught_after_bump_version():
    x = Variable(np.ones(2))
    y = (x * x).sum()
    x.data[...] = 10
    x.bump_version()
    with pytest.raises(RuntimeError, match="bump_version"):
        y.backward()


def test_backward_on_a_graph_made_before_an_optimizer_step_refuses():
    np.random.seed(0)
    layer = nn.Linear(3, 2)
    opt = optim.SGD(layer.parameters(), lr=0.1)
    old_loss = layer(np.ones((4, 3))).sum()
    new_loss = layer(np.ones((4, 3))).sum()
    new_loss.backward()
    opt.step()
    with pytest.raises(RuntimeError, match="modified in place"):
        old_loss.backward()


def test_changes_after_backward_are_fine():
    x = Variable(np.ones(2))
    (x * x).sum().backward()
    with ag.no_grad():
        x[...] = 3
    x.cleargrad()
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [6.0, 6.0])


def test_in_place_assignment_to_a_variable_that_needs_grad_is_refused_while_recording():
    x = Variable(np.ones(3))
    with pytest.raises(RuntimeError, match="not recorded for backward"):
        x[0] = 5.0
    with pytest.raises(ValueError, match="cannot assign a value of shape \\(2,\\)"):
        with ag.no_grad():
            x[...] = np.ones(2)


def test_assigning_a_value_that_needs_grad_is_refused_naming_the_value():
    """Only the value requires grad: the message said the Variable did."""
    x = Variable(np.zeros(3), requires_grad=False)
    with pytest.raises(RuntimeError, match="of a Variable by a value that requires grad"):
        x[0] = Variable(np.ones(()))


@pytest.mark.parametrize("write", [
    lambda c: c[1:3].__setitem__(0, 100.0),             # through a slice
    lambda c: c.reshape(2, 2).__setitem__((0, 0), 50.0),  # through a reshape
    lambda c: c.T.__setitem__(0, 9.0),                   # through a transpose
    lambda c: ag.split(c, 2)[1].__setitem__(0, 5.0),     # through a split
])
def test_a_write_through_a_view_of_a_saved_input_makes_backward_refuse(write):
    # views share their base's version (PyTorch's); backward used the new values silently
    c, w = Variable(np.arange(1.0, 5.0), requires_grad=False), Variable(np.ones(4))
    z = (c * w).sum()
    write(c)
    with pytest.raises(RuntimeError, match="modified in place after mul recorded it"):
        z.backward()


def test_a_write_to_the_base_of_a_saved_view_makes_backward_refuse():
    x, w = Variable(np.arange(3.0), requires_grad=False), Variable(np.ones(2))
    z = (x[0:2] * w).sum()
    x[0] = 7.0
    with pytest.raises(RuntimeError, match="modified in place"):
        z.backward()


def test_a_leaf_changed_through_its_view_under_no_grad_makes_backward_refuse():
    x = Variable(np.array([1.0, 2.0, 3.0]))
    z = (x * x).sum()
    view = x[0:2]
    with ag.no_grad():
        view[0] = 10.0
    with pytest.raises(RuntimeError, match="modified in place"):
        z.backward()


def test_views_that_are_not_written_and_copies_that_are_change_nothing():
    x, w = Variable(np.arange(3.0), requires_grad=False), Variable(np.ones(2))
    z = (x[0:2] * w).sum()
    x[0:2]  # a view, never written
    x[[0, 1]].__setitem__(0, 5.0)  # fancy indexing copies: x is untouched
    z.backward()
    np.testing.assert_array_equal(w.grad.data, [0.0, 1.0])


@pytest.mark.parametrize("op", [
    lambda c: ag.sum_to(c, (2, 2)),
    lambda c: ag.einsum("ij->ji", c),
    lambda c: ag.einsum("ij->ij", c),
    lambda c: ag.reshape(ag.einsum("ii->i", c), (1, 2)),
    lambda c: ag.reshape(nn.functional.im2col(ag.reshape(c, (1, 1, 2, 2)), 1), (2, 2)),
], ids=["sum_to its own shape", "einsum permutation", "einsum identity", "einsum diagonal",
        "im2col of a 1x1 kernel"])
def test_ops_whose_numpy_call_may_return_a_view_hand_back_memory_of_their_own(op):
    c = Variable(np.array([[1.0, 2.0], [3.0, 4.0]]), requires_grad=False)
    w = Variable(np.ones((2, 2)))
    loss = ag.sum(w * c)  # saves c for backward
    out = op(c)
    out.data[0, 0] = 100.0  # a write into the output must not reach c
    loss.backward()
    assert c.data[0, 0] == 1.0 and w.grad.data[0, 0] == 1.0


def test_a_parameter_given_a_new_array_leaves_its_old_views_alone():
    p = ag.Parameter(np.arange(3.0))
    with ag.no_grad():
        old_view = p[0:2]
    w = Variable(np.ones(2))
    z = (old_view * w).sum()
    p.data = np.zeros(3)  # the view still holds (and the graph saved) the old array
    z.backward()
    np.testing.assert_array_equal(w.grad.data, [0.0, 1.0])


# ----- one Function instance, one call -----
@pytest.mark.parametrize("chained", [False, True])
def test_a_function_instance_called_twice_makes_backward_refuse(chained):
    exp = ag.ops.elementwise.Exp()
    x = Variable(np.ones(2))
    y = exp(x)
    z = exp(y) if chained else exp(x * 2)
    with pytest.raises(RuntimeError, match="exp Function instance was called more than once"):
        (z.sum() if chained else y.sum()).backward()


def test_a_function_instance_called_twice_without_recording_is_fine():
    exp = ag.ops.elementwise.Exp()
    with ag.no_grad():
        exp(np.ones(2))
        np.testing.assert_allclose(exp(np.zeros(2)).data, 1.0)


# ----- gradients own their arrays -----
def test_leaf_gradients_do_not_share_arrays_with_each_other_or_the_seed():
    a, b = Variable(np.ones(3)), Variable(np.ones(3))
    seed = np.ones(3)
    (a + b).backward(seed)
    assert a.grad.data is not seed and b.grad.data is not seed
    assert not np.shares_memory(a.grad.data, b.grad.data)
    a.grad.data[...] = 7
    np.testing.assert_array_equal(b.grad.data, 1.0)
    np.testing.assert_array_equal(seed, 1.0)


def test_a_retained_gradient_does_not_share_its_array_with_a_leaf():
    a, b = Variable(np.ones(2)), Variable(np.ones(2))
    y = a + b
    y.retain_grad()
    y.backward(np.full(2, 2.0))
    a.grad.data[...] = 0
    np.testing.assert_array_equal(y.grad.data, 2.0)


def test_retained_gradients_of_intermediates_accumulate_as_leaves_do():
    a = Variable(np.array([1.0, 2.0]))
    h = a * 3
    h.retain_grad()
    (h * h).sum().backward()
    (h * 2).sum().backward()
    np.testing.assert_array_equal(h.grad.data, [8.0, 14.0])  # PyTorch: 2h + 2


# ----- scalar constants -----
def test_a_scalar_constant_keeps_the_sign_of_zero():
    x = Variable(np.array([1.0, 2.0]))
    assert np.all(np.signbit((x * -0.0).data))
    assert not np.any(np.signbit((x * 0.0).data))
    assert np.all(np.signbit((x * -0.0).data))


# ----- comparisons -----
def test_equality_is_elementwise_as_every_comparison():
    x = Variable(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(x == 2.0, [False, True, False])
    np.testing.assert_array_equal(x != 2.0, [True, False, True])
    np.testing.assert_array_equal(x[x == 2.0].data, [2.0])
    assert x in [x] and {x: 1}[x] == 1  # identity first: containers still find it


# ----- conversions -----
def test_bool_of_a_multi_element_variable_raises_like_numpy():
    with pytest.raises(ValueError, match="ambiguous"):
        bool(Variable(np.ones(2)))
    assert bool(Variable(np.array([1.0]))) and not bool(Variable(np.array(0.0)))


def test_np_asarray_gives_the_data_or_a_clear_error():
    np.testing.assert_array_equal(np.asarray(Variable(np.ones(2), requires_grad=False)), 1.0)
    assert np.asarray(Variable(np.ones(2), requires_grad=False)).dtype == np.float64
    with pytest.raises(RuntimeError, match="use `v.data`"):
        np.asarray(Variable(np.ones(2)))


def test_backward_with_a_gradient_that_is_not_a_number_names_the_problem():
    y = (Variable(np.ones(2)) * 2).sum()
    with pytest.raises(TypeError, match="backward: the gradient: expected a number, array "
                                        "or Variable, got str"):
        y.backward("abc")


def test_numpy_errors_that_cannot_be_rebuilt_still_name_the_op():
    class ExpInPlace(Function):
        def forward(self, x):
            return np.exp(x, out=x)  # integer x: NumPy's _UFuncOutputCastingError

    with pytest.raises(TypeError, match="expinplace: invalid input \\(\\(3,\\) int64\\)"):
        ExpInPlace()(np.array([1, 2, 3]))
