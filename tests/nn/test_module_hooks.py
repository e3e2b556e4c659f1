"""Module hooks: forward pre/post and full backward hooks, as PyTorch calls them."""
import numpy as np
import pytest

import autograd as ag
import nn


def _net():
    rng = np.random.default_rng(0)
    net = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    for p in net.parameters():
        p.data = rng.normal(size=p.shape)
    return net


def test_forward_hooks_see_and_may_replace_args_and_output():
    net = _net()
    seen = []
    pre = net[0].register_forward_pre_hook(lambda m, args: (args[0] * 2,))
    post = net[0].register_forward_hook(lambda m, args, out: seen.append(args[0].data) or out * 0)
    x = ag.Variable(np.ones((5, 3)))
    out = net[0](x)
    np.testing.assert_array_equal(seen[0], np.full((5, 3), 2.0))
    np.testing.assert_array_equal(out.data, np.zeros((5, 4)))
    pre.remove()
    post.remove()
    np.testing.assert_allclose(net[0](x).data, ag.matmul(x, net[0].weight.T).data
                               + net[0].bias.data)


def test_backward_hook_gets_the_gradients_crossing_the_call_and_may_replace_grad_input():
    net = _net()
    calls = []

    def hook(module, grad_input, grad_output):
        calls.append((grad_input, grad_output))
        return (grad_input[0] * 0,)

    handle = net[1].register_full_backward_hook(hook)
    x = ag.Variable(np.random.default_rng(1).normal(size=(5, 3)))
    h = net[0](x)
    h.retain_grad()
    net[2](net[1](h)).sum().backward()
    (grad_input,), (grad_output,) = calls[0]
    np.testing.assert_allclose(grad_input.data,
                               grad_output.data * (1 - np.tanh(h.data) ** 2), rtol=1e-12)
    np.testing.assert_array_equal(x.grad.data, np.zeros((5, 3)))   # the replacement flowed on
    handle.remove()
    x.cleargrad()
    net(x).sum().backward()
    assert len(calls) == 1 and np.abs(x.grad.data).sum() > 0


def test_backward_hook_gets_none_for_inputs_without_gradient():
    net = _net()
    calls = []
    net[0].register_full_backward_hook(lambda m, gi, go: calls.append((gi, go)))
    net(ag.Variable(np.ones((2, 3)), requires_grad=False)).sum().backward()
    (grad_input, grad_output), = calls
    assert grad_input == (None,) and grad_output[0].shape == (2, 4)


def test_hooks_match_pytorch():
    torch = pytest.importorskip("torch")
    ours, theirs = _net(), torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(),
                                               torch.nn.Linear(4, 2)).double()
    with torch.no_grad():
        for p, q in zip(ours.parameters(), theirs.parameters()):
            q.copy_(torch.from_numpy(p.data))
    x = np.random.default_rng(2).normal(size=(6, 3))
    got = []

    def record(module, grad_input, grad_output):
        got.append([np.asarray(getattr(g, "data", g)) if not hasattr(g, "detach")
                    else g.detach().numpy() for g in grad_input + grad_output])

    ours[2].register_full_backward_hook(record)
    theirs[2].register_full_backward_hook(record)
    ours(ag.Variable(x)).sum().backward()
    theirs(torch.tensor(x, requires_grad=True)).sum().backward()
    for a, b in zip(*got):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_a_hook_must_be_callable():
    with pytest.raises(TypeError, match="register_forward_hook: hook must be callable"):
        nn.Linear(2, 2).register_forward_hook("print")


def _twice_through_hooks(lib, torch):
    """(what the hooks saw, x's gradient, the bias' gradient) of a Linear layer of `lib` with
    a backward pre-hook tripling grad_output (and one removed after the first backward)."""
    weight, bias = np.arange(6.0).reshape(2, 3) / 5, np.array([0.5, -1.0])
    layer, seen = lib.Linear(3, 2).double(), []
    if lib is nn:
        layer.load_state_dict({"weight": weight, "bias": bias})
        x = ag.Variable(np.linspace(-1, 1, 12).reshape(4, 3), requires_grad=True)
    else:
        layer.load_state_dict({"weight": torch.tensor(weight), "bias": torch.tensor(bias)})
        x = torch.tensor(np.linspace(-1, 1, 12).reshape(4, 3), requires_grad=True)
    layer.register_full_backward_pre_hook(
        lambda module, grad_output: (seen.append("pre"), (grad_output[0] * 3,))[1])
    handle = layer.register_full_backward_pre_hook(lambda module, g: seen.append("second"))
    layer.register_full_backward_hook(
        lambda module, grad_input, grad_output: seen.append(float(grad_output[0].sum())))
    (layer(x) ** 2).sum().backward()
    handle.remove()
    (layer(x) ** 2).sum().backward()
    grads = (x.grad.data, layer.bias.grad.data) if lib is nn else (x.grad.numpy(),
                                                                     layer.bias.grad.numpy())
    return seen, *grads


def test_full_backward_pre_hook_changes_the_gradient_as_torchs():
    torch = pytest.importorskip("torch")
    (ours_seen, *ours), (theirs_seen, *theirs) = (_twice_through_hooks(lib, torch)
                                                  for lib in (nn, torch.nn))
    assert [s for s in ours_seen if isinstance(s, str)] == ["pre", "second", "pre"]
    assert [s for s in theirs_seen if isinstance(s, str)] == ["pre", "second", "pre"]
    np.testing.assert_allclose([s for s in ours_seen if not isinstance(s, str)],
                               [s for s in theirs_seen if not isinstance(s, str)], rtol=1e-12)
    for mine, other in zip(ours, theirs):
        np.testing.assert_allclose(mine, other, rtol=1e-12)


class _TwoOutputs(nn.Module):
    def forward(self, x):
        return ag.Variable(x.data * 1.0, requires_grad=False), x * 2  # (no gradient: first)


def _pre_hooks_seen(module, x):
    """What two backward pre-hooks saw (the second registered with prepend=True, tenfolding
    the second output's gradient), then x's gradient summed."""
    seen = []
    module.register_full_backward_pre_hook(
        lambda m, g: seen.append([None if a is None else tuple(a.shape) for a in g]))
    module.register_full_backward_pre_hook(
        lambda m, g: (seen.append("first"), (g[0], g[1] * 10))[1], prepend=True)
    _, b = module(x)
    b.sum().backward()
    return seen + [float(x.grad.sum())]


def test_backward_pre_hook_sees_one_entry_per_output_and_prepends_as_torchs():
    torch = pytest.importorskip("torch")

    class Twin(torch.nn.Module):
        def forward(self, x):
            return x.detach() * 1.0, x * 2

    ours = _pre_hooks_seen(_TwoOutputs(), ag.Variable(np.ones(2), requires_grad=True))
    theirs = _pre_hooks_seen(Twin(), torch.ones(2, dtype=torch.float64, requires_grad=True))
    assert ours == theirs == ["first", [None, (2,)], 40.0]


def test_backward_pre_hook_returning_the_wrong_count_is_named():
    module = _TwoOutputs()
    module.register_full_backward_pre_hook(lambda m, g: (g[1],))
    _, b = module(ag.Variable(np.ones(2), requires_grad=True))
    with pytest.raises(RuntimeError, match="returned 1 grad_output entries for 2 outputs"):
        b.sum().backward()


class _Doubled(nn.Module):
    def forward(self, x):
        return x * 2, x * 3


def test_an_output_the_loss_did_not_use_reaches_the_hooks_as_none_as_torchs():
    torch = pytest.importorskip("torch")

    class Twin(torch.nn.Module):
        def forward(self, x):
            return x * 2, x * 3

    results = []
    for module, x in ((_Doubled(), ag.Variable(np.ones(2), requires_grad=True)),
                      (Twin(), torch.ones(2, requires_grad=True))):
        seen = []
        module.register_full_backward_pre_hook(
            lambda m, g, seen=seen: seen.append([a is None for a in g]))
        module.register_full_backward_hook(
            lambda m, gi, go, seen=seen: seen.append([a is None for a in go]))
        used, _ = module(x)
        used.sum().backward()
        results.append((seen, np.asarray(x.grad.data if isinstance(x, ag.Variable)
                                         else x.grad.numpy())))
    assert results[0][0] == results[1][0] == [[False, True], [False, True]]
    np.testing.assert_array_equal(results[0][1], results[1][1])


class _Cube(nn.Module):
    def forward(self, x):
        return x ** 3


def _second_derivative_through_a_hook(module, x, grad):
    """(dy/dx, d(sum dy/dx)/dx, the grad_input entries the tenfolding full backward hook saw)
    for y = module(x).sum(), the first derivative taken with create_graph."""
    seen = []

    def tenfold(m, grad_input, grad_output):
        seen.append(grad_input[0])
        return tuple(g * 10 for g in grad_input)
    module.register_full_backward_hook(tenfold)
    (first,) = grad(module(x).sum(), x, create_graph=True)
    (second,) = grad(first.sum(), x)
    return first, second, seen


def test_a_full_backward_hook_runs_once_in_a_double_backward_as_torchs():
    """Differentiating the first gradient went back through the call's input boundary and
    ran the hook again (the second derivative tenfolded twice, 600x for PyTorch's 60x): the
    hook is for gradients that crossed the call's outputs, as PyTorch's skips the others."""
    x = ag.Variable(np.array([1.0, 2.0, 3.0]))
    first, second, seen = _second_derivative_through_a_hook(
        _Cube(), x, lambda y, v, **kw: ag.grad([y], [v], **kw))
    np.testing.assert_allclose(first.data, [30.0, 120.0, 270.0])
    np.testing.assert_allclose(second.data, [60.0, 120.0, 180.0])
    assert len(seen) == 1
    torch = pytest.importorskip("torch")

    class Cube(torch.nn.Module):
        def forward(self, x):
            return x ** 3
    t = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
    _, theirs, seen = _second_derivative_through_a_hook(Cube(), t, torch.autograd.grad)
    np.testing.assert_allclose(second.data, theirs.numpy())
    assert len(seen) == 1


def _always_call_runs(lib, failing):
    """What ran when `failing` ('pre-hook', 'forward' or 'hook') raised in a call of a module
    with always_call forward hooks before and after an ordinary one."""
    ran = []

    class Layer(lib.Module):
        def forward(self, x):
            if failing == "forward":
                raise ValueError(failing)
            return x

    def hook(name, raises=False):
        def run(module, args, output):
            ran.append((name, output is None))
            if raises:
                raise ValueError(failing)
        return run

    def pre(module, args):
        if failing == "pre-hook":
            raise ValueError(failing)
    layer = Layer()
    layer.register_forward_pre_hook(pre)
    layer.register_forward_hook(hook("first"), always_call=True)
    layer.register_forward_hook(hook("plain", raises=failing == "hook"))
    layer.register_forward_hook(hook("last"), always_call=True)
    with pytest.raises(ValueError, match=failing):
        layer(_array_in(lib, [1.0]))
    return ran


def _array_in(lib, values):
    if lib is nn:
        return ag.Variable(np.array(values))
    import torch
    return torch.tensor(values)


@pytest.mark.parametrize("failing", ["pre-hook", "forward", "hook"])
def test_always_call_forward_hooks_run_whatever_raised_as_torchs(failing):
    """Only a raising forward ran them: a pre-hook's error skipped them (a hook that undoes
    what a pre-hook began never ran), and so did a forward hook's, where PyTorch runs the
    always_call hooks not yet run, given the output forward returned."""
    torch = pytest.importorskip("torch")
    expected = {"pre-hook": [("first", True), ("last", True)],
                "forward": [("first", True), ("last", True)],
                "hook": [("first", False), ("plain", False), ("last", False)]}[failing]
    assert _always_call_runs(torch.nn, failing) == expected
    assert _always_call_runs(nn, failing) == expected


def test_removed_hooks_leave_nothing_behind():
    layer = nn.Linear(2, 2)
    for _ in range(20):
        layer.register_forward_hook(lambda m, a, k, o: None, with_kwargs=True,
                                    always_call=True).remove()
        layer.register_forward_pre_hook(lambda m, a, k: None, with_kwargs=True).remove()
    assert not layer._call_hooks.with_kwargs and not layer._call_hooks.always_call


def test_a_backward_hook_returning_another_shape_is_named():
    layer = nn.Linear(3, 2)
    layer.register_full_backward_hook(lambda m, gi, go: (ag.Variable(np.ones(5)),))
    with pytest.raises(RuntimeError, match=r"Linear: a full backward hook returned "
                       r"grad_input\[0\] of shape \(5,\) for one of shape \(1, 3\)"):
        layer(ag.Variable(np.ones((1, 3), np.float32))).sum().backward()


def test_a_namedtuple_output_stays_one_under_backward_hooks_as_pytorchs():
    """(A full backward hook, or a global backward pre-hook, turned Output(logits, aux) into
    a plain tuple: .logits raised AttributeError.)"""
    import collections
    output = collections.namedtuple("Output", "logits aux")

    class Net(nn.Module):
        def forward(self, x):
            return output(x * 2, x * 3)
    net = Net()
    net.register_full_backward_hook(lambda *args: None)
    y = net(ag.Variable(np.ones(2)))
    assert type(y) is output and y.logits.data.tolist() == [2.0, 2.0]
    handle = nn.register_module_full_backward_pre_hook(lambda module, grad_output: None)
    try:
        assert type(Net()(ag.Variable(np.ones(2)))) is output
    finally:
        handle.remove()


def test_copies_of_a_model_leave_its_gradient_hooks_behind_as_pytorchs():
    """(A deepcopy kept the original's tensor hooks, which no handle could remove from the
    copy: a target network's gradients were zeroed by its original's hook.)"""
    import copy
    import pickle
    layer = nn.Linear(3, 2, dtype=np.float64)
    handle = layer.weight.register_hook(lambda g: g * 0)
    for twin in (copy.deepcopy(layer), pickle.loads(pickle.dumps(layer))):
        twin(ag.Variable(np.ones((1, 3)))).sum().backward()
        assert twin.weight.grad.data.tolist() == [[1.0] * 3] * 2
    handle.remove()
