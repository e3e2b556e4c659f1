"""Variable.register_hook: PyTorch's semantics (when it fires, what it sees, replacement)."""
import numpy as np
import pytest

from autograd import Variable, grad, queue_callback


def test_a_non_leaf_hook_sees_the_complete_gradient_once_and_may_replace_it():
    x = Variable(np.array([1.0, 2.0]))
    h = x * 3
    calls = []
    h.register_hook(lambda g: calls.append(g.data.copy()))
    h.register_hook(lambda g: g * 0.5)        # hooks run in registration order
    (h * h + h).sum().backward()              # two contributions reach h: 2h + 1
    assert len(calls) == 1
    np.testing.assert_allclose(calls[0], [7.0, 13.0])
    np.testing.assert_allclose(x.grad.data, [10.5, 19.5])   # 3 * (2h + 1) / 2


def test_a_leaf_hook_runs_before_accumulation_in_each_pass():
    x = Variable(np.array([1.0, 2.0]))
    x.register_hook(lambda g: g * 10)
    (x * 2).sum().backward()
    (x * 2).sum().backward()
    np.testing.assert_allclose(x.grad.data, [40.0, 40.0])


def test_retained_gradient_is_the_one_after_hooks_and_removal_works():
    x = Variable(np.array([1.0, 2.0]))
    h = x * 3
    h.retain_grad()
    handle = h.register_hook(lambda g: g * 2)
    h.sum().backward()
    np.testing.assert_allclose(h.grad.data, [2.0, 2.0])
    handle.remove()
    handle.remove()                            # twice is harmless
    h.sum().backward()
    np.testing.assert_allclose(h.grad.data, [3.0, 3.0])
    np.testing.assert_allclose(x.grad.data, [9.0, 9.0])


def test_hooks_fire_for_grad_and_with_create_graph():
    x = Variable(np.array(2.0))
    y = x ** 3
    y.register_hook(lambda g: g * 2)
    dx, = grad(y, x, create_graph=True)        # 2 * 3x^2
    assert dx.data == 24.0
    d2x, = grad(dx, x)
    assert d2x.data == 24.0                     # 2 * 6x


def test_bad_hooks_and_bad_targets_are_refused_clearly():
    x = Variable(np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match="register_hook: hook must be callable"):
        x.register_hook(3)
    with pytest.raises(RuntimeError, match="register_hook: .*does not require grad"):
        Variable(np.array([1, 2])).register_hook(print)
    h = x * 1
    h.register_hook(lambda g: np.ones(3))
    with pytest.raises(ValueError, match="hook <lambda>: returned a gradient of shape"):
        h.sum().backward()


def test_matches_pytorch_on_a_small_graph_with_hooks():
    torch = pytest.importorskip("torch")
    data = np.array([0.5, -1.5, 2.0])

    def run(tensor):
        x = tensor(data)
        a = x * x
        b = a + x
        a.register_hook(lambda g: g * 3)
        b.register_hook(lambda g: g - 1)
        x.register_hook(lambda g: g * 0.5)
        a.retain_grad()
        (a * b).sum().backward()
        return x.grad, a.grad

    ours = run(lambda d: Variable(d.copy()))
    theirs = run(lambda d: torch.tensor(d, requires_grad=True))
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o.data, t.detach().numpy(), rtol=1e-12)


def test_a_leaf_hook_fires_as_soon_as_its_gradient_is_complete():
    from autograd import Function

    log = []

    class Logged(Function):
        """y = x (logs its backward)"""
        def forward(self, x):
            return x.copy()

        def backward(self, gy):
            log.append("first layer's backward")
            return gy

    x = Variable(np.array([1.0, 2.0]))
    w1, w2 = Variable(np.array([3.0, 4.0])), Variable(np.array([5.0, 6.0]))
    w2.register_hook(lambda g: log.append("w2's hook"))
    w1.register_hook(lambda g: log.append("w1's hook"))
    h = Logged()(x) * w1          # the first layer
    ((h * w2) * w2).sum().backward()   # w2 is used twice, both after the first layer
    assert log == ["w2's hook", "w1's hook", "first layer's backward"]
    np.testing.assert_allclose(w2.grad.data, 2 * h.data * w2.data)


# ----- queue_callback: run once backward is over -----

def test_a_queued_callback_runs_after_every_grad_is_set_in_order():
    x = Variable(np.array([1.0, 2.0]))
    w = Variable(np.array([3.0, 4.0]))
    seen = []

    def hook(g):
        if not seen:  # queue from the first hook only: callbacks run once per pass
            queue_callback(lambda: seen.append(("first", x.grad.data.copy(), w.grad.data.copy())))
            queue_callback(lambda: seen.append(("second",)))
        return None

    x.register_hook(hook)
    (x * w).sum().backward()
    assert [entry[0] for entry in seen] == ["first", "second"]
    np.testing.assert_array_equal(seen[0][1], [3.0, 4.0])  # both leaves' .grad already set
    np.testing.assert_array_equal(seen[0][2], [1.0, 2.0])


def test_queue_callback_works_under_grad_and_refuses_outside_backward():
    x = Variable(np.array(2.0))
    ran = []
    h = x * x
    h.register_hook(lambda g: queue_callback(lambda: ran.append(g.data.item())))
    dx, = grad(h, x)
    assert ran == [1.0] and dx.data == 4.0
    with pytest.raises(RuntimeError, match="queue_callback: no backward pass is running"):
        queue_callback(lambda: None)
    with pytest.raises(TypeError, match="queue_callback: expected a callable, got int"):
        x.register_hook(lambda g: queue_callback(3))
        (x * 1).backward()


def test_a_failed_backward_runs_no_callback_and_leaves_none_queued():
    x = Variable(np.array(2.0))
    ran = []

    def hook(g):
        queue_callback(lambda: ran.append(1))
        raise ValueError("hook failed")

    x.register_hook(hook)
    with pytest.raises(ValueError, match="hook failed"):
        (x * 3).backward()
    assert ran == []
    with pytest.raises(RuntimeError, match="no backward pass is running"):
        queue_callback(lambda: None)


def test_a_hook_may_not_change_the_gradients_dtype():
    x = Variable(np.array([1.0, 2.0]))
    x.register_hook(lambda g: g.data.astype(np.float32))
    with pytest.raises(ValueError, match="dtype float32 for one of shape .* dtype float64"):
        (x * x).sum().backward()


def test_what_a_leaf_hook_kept_does_not_change_with_the_grad():
    seen = []
    x = Variable(np.array([1.0, 2.0]))
    x.register_hook(lambda g: seen.append(g))
    (x * 3).sum().backward()
    assert seen[0] is not x.grad
    x.grad.data[...] = 0  # as zero_grad(set_to_none=False) or an update in place would
    np.testing.assert_array_equal(seen[0].data, [3.0, 3.0])


def test_a_final_hook_runs_after_hooks_registered_later():
    from autograd.hooks import register_final_hook
    x = Variable(np.array([1.0, -2.0]))
    seen = []
    register_final_hook(x, lambda g: seen.append(("final", g.data.copy())))
    x.register_hook(lambda g: g * 10)  # registered after, runs before
    (x * 3).sum().backward()
    assert seen[0][0] == "final" and np.array_equal(seen[0][1], [30.0, 30.0])
    np.testing.assert_array_equal(x.grad.data, [30.0, 30.0])


def test_a_user_hook_withdraws_memory_offered_for_the_gradient():
    from autograd import grad_memory
    x = Variable(np.ones((2, 2)))
    grad_memory.offer_grad_memory(x, np.empty((2, 2)))
    assert grad_memory.any_grad_memory_offered()
    x.register_hook(lambda g: None)  # the hook may keep what it is handed: its own memory
    assert not grad_memory.any_grad_memory_offered()


def test_retain_grad_where_grad_stops_as_torch():
    x = Variable(np.array([1.0, 2.0]))
    h = x * x
    h.retain_grad()
    y = (h * h).sum()
    grad(y, [h])  # h is where the walk stops: its gradient is still retained
    np.testing.assert_array_equal(h.grad.data, [2.0, 8.0])


def test_retain_grad_in_a_branch_grad_pruned_stays_empty_as_torch():
    w, x = Variable(np.array([1.0, 2.0])), Variable(np.array([0.5, 0.5]))
    h = w * 3
    h.retain_grad()
    grad((h * x).sum(), [x])  # h's branch does not lead to x: it never runs
    assert h.grad is None


@pytest.mark.parametrize("create_graph", [False, True])
def test_a_leafs_gradient_replaced_by_a_hook_is_a_copy_of_what_it_returned(create_graph):
    # x.grad was the hook's very Variable (here another leaf, requiring grad): an in-place
    # change of x.grad (an optimizer's, gradient clipping) changed w too; PyTorch copies
    w = Variable(np.array([5.0, 5.0]))
    kept = np.array([7.0, 7.0])
    x, z = Variable(np.array([1.0, 2.0])), Variable(np.array([1.0, 2.0]))
    x.register_hook(lambda g: w)
    z.register_hook(lambda g: kept)
    ((x * x).sum() + (z * z).sum()).backward(create_graph=create_graph)
    assert x.grad is not w and not np.shares_memory(x.grad.data, w.data)
    assert not np.shares_memory(z.grad.data, kept)
    assert x.grad.requires_grad is create_graph
    x.grad.data[...] = 0.0
    z.grad.data[...] = 0.0
    np.testing.assert_array_equal(w.data, [5.0, 5.0])
    np.testing.assert_array_equal(kept, [7.0, 7.0])


def test_a_gradient_replaced_by_a_hook_above_a_leaf_is_not_the_leafs_grad():
    # Add and reshape pass their gradient on unchanged: x.grad was the hook's array
    kept = np.array([7.0, 7.0])
    x, y = Variable(np.ones(2)), Variable(np.ones(2))
    for h in (x + y, x.reshape(2)):
        h.register_hook(lambda g: kept)
        (h * 1.0).sum().backward()
        assert not np.shares_memory(x.grad.data, kept)
        x.grad.data[...] = 0.0
    np.testing.assert_array_equal(kept, [7.0, 7.0])


def test_a_leaf_whose_hooks_were_all_removed_is_no_longer_looked_for():
    from autograd.hooks import GradWatch
    x = Variable(np.ones(3))
    handle = x.register_hook(lambda g: g)
    assert x in GradWatch.hooked_leaves
    handle.remove()
    (x * 2).sum().backward()  # (each backward would walk the graph for it, for nothing)
    assert x not in GradWatch.hooked_leaves


def test_switches_entered_and_never_left_here_cost_nothing_later():
    import threading

    import autograd as ag
    from autograd.config import _open_switches

    def steps():
        with ag.no_grad():
            yield 1
    for _ in range(50):  # generators closed by another thread leave their entry below
        running = steps()
        next(running)
        closer = threading.Thread(target=running.close)
        closer.start()
        closer.join()
    ag.set_grad_enabled(True)
    below = _open_switches.get()
    with ag.no_grad():  # entering and leaving the latest entry: one step, not a copy
        assert _open_switches.get()[2] is below
    assert _open_switches.get() is below and ag.is_grad_enabled()


def test_post_accumulate_grad_hooks_see_the_sum_as_pytorchs():
    torch = pytest.importorskip("torch")
    ours, theirs = Variable(np.array([1.0, 2.0])), torch.tensor([1.0, 2.0], requires_grad=True)
    seen = {"ours": [], "theirs": []}
    handle = ours.register_post_accumulate_grad_hook(
        lambda p: seen["ours"].append(p.grad.data.copy()))
    theirs.register_post_accumulate_grad_hook(
        lambda p: seen["theirs"].append(p.grad.numpy().copy()))
    for w in (ours, theirs):
        (w * w).sum().backward()
        (w * 3).sum().backward()
    np.testing.assert_allclose(seen["ours"], seen["theirs"])  # [2, 4], then [5, 7]
    handle.remove()
    (ours * ours).sum().backward()
    assert len(seen["ours"]) == 2
    with pytest.raises(RuntimeError, match="cannot be registered on non-leaf"):
        (ours * 2).register_post_accumulate_grad_hook(print)
    leaf = Variable(np.ones(2))
    leaf.retain_grad()  # (a leaf keeps its gradient anyway: PyTorch's retains_grad is False)
    assert not leaf.retains_grad


def test_a_post_accumulate_grad_hook_that_returns_a_value_is_refused_as_pytorchs():
    x = Variable(np.array([1.0, 2.0]))
    x.register_post_accumulate_grad_hook(lambda leaf: leaf * 2)
    with pytest.raises(RuntimeError, match="post-accumulate-grad hook returned a value"):
        (x * 2).sum().backward()
