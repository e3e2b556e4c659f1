"""autograd.checkpoint: the same values and gradients as the block run plainly (first and
second order, dropout's masks repeated), less memory held between forward and backward,
and clear refusals where a recomputation could not give the same gradient."""
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
import nn
from autograd import Variable, checkpoint, checkpoint_sequential


def _blocks(widths, dropout=0.0, seed=0):
    np.random.seed(seed)
    return [nn.Sequential(nn.Linear(a, b), nn.Tanh(), nn.Dropout(dropout))
            for a, b in zip(widths[:-1], widths[1:])]


def _trained_once(blocks, x, use_checkpoint, seed=1):
    """(loss, x's gradient, the parameters' gradients, the next draw of NumPy's generator
    after backward) of one pass through `blocks`, each checkpointed or not."""
    for p in [p for b in blocks for p in b.parameters()] + [x]:
        p.grad = None
    np.random.seed(seed)
    h = x
    for block in blocks:
        h = checkpoint(block, h) if use_checkpoint else block(h)
    loss = (h ** 2).sum()
    np.random.seed(seed + 1)
    loss.backward()
    return (loss.data.item(), x.grad.data, [p.grad.data for b in blocks for p in b.parameters()],
            np.random.rand())


@settings(max_examples=20, deadline=None)
@given(widths=st.lists(st.integers(1, 6), min_size=2, max_size=5),
       dropout=st.sampled_from([0.0, 0.5]), seed=st.integers(0, 2**16))
def test_gradients_equal_the_plain_run_bit_for_bit(widths, dropout, seed):
    """The second run repeats the first's dropout masks (NumPy's generator restored), and
    leaves the generator where the program left it."""
    blocks = _blocks(widths, dropout, seed)
    x = Variable(np.random.default_rng(seed).standard_normal((3, widths[0])), requires_grad=True)
    plain, checkpointed = (_trained_once(blocks, x, use, seed) for use in (False, True))
    assert plain[0] == checkpointed[0] and plain[3] == checkpointed[3]
    np.testing.assert_array_equal(plain[1], checkpointed[1])
    for a, b in zip(plain[2], checkpointed[2]):
        np.testing.assert_array_equal(a, b)


def test_second_order_derivatives_pass_through_a_checkpoint():
    rng = np.random.default_rng(3)
    w = Variable(rng.standard_normal(4), requires_grad=True)
    x = Variable(rng.standard_normal(4), requires_grad=True)

    def block(v):
        return ag.sin(v * w) * v
    results = []
    for use in (False, True):
        y = (checkpoint(block, x) if use else block(x)).sum()
        gx, gw = ag.grad(y, [x, w], create_graph=True)
        results.append([g.data for g in (gx, gw) + ag.grad((gx * gw).sum(), [x, w])])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-14, atol=1e-14)


def test_arguments_computed_from_one_another_get_their_gradient_once():
    """h = 2x and x both enter the block: the gradient stops at copies of them inside, and
    h's goes on to x outside, once."""
    x = Variable(np.array([0.5, -1.0, 2.0]), requires_grad=True)
    for use in (False, True):
        x.grad = None
        h = 2 * x
        y = checkpoint(lambda a, b: a * b * b, h, x) if use else h * x * x
        y.sum().backward()
        np.testing.assert_allclose(x.grad.data, 6 * x.data ** 2)


def test_tuple_outputs_keyword_arguments_and_other_items_are_kept():
    x = Variable(np.arange(3.0), requires_grad=True)
    w = Variable(np.ones(3), requires_grad=True)

    def block(a, scale=None):
        return a * scale, "label", a.sum() * 0 + 1, a  # a given back is left as it is
    first, label, constant, same = checkpoint(block, x, scale=w)
    assert label == "label" and same is x
    (first.sum() + constant).backward()
    np.testing.assert_array_equal(x.grad.data, np.ones(3) + 0)
    np.testing.assert_array_equal(w.grad.data, np.arange(3.0))


def test_checkpoint_sequential_gives_the_plain_gradients():
    blocks = _blocks([4, 5, 5, 3, 2])
    model = nn.Sequential(*blocks)
    x = Variable(np.random.default_rng(0).standard_normal((2, 4)), requires_grad=True)
    grads = []
    for segments in (None, 2, 4):
        model.zero_grad()
        x.grad = None
        y = model(x) if segments is None else checkpoint_sequential(model, segments, x)
        (y ** 2).sum().backward()
        grads.append([x.grad.data] + [p.grad.data for p in model.parameters()])
    for other in grads[1:]:
        for a, b in zip(grads[0], other):
            np.testing.assert_allclose(a, b, rtol=1e-14)


def test_it_holds_less_memory_between_forward_and_backward():
    """Eight tanh blocks of (256, 256): plainly each keeps its results for the backward;
    checkpointed, only each block's input is kept (what tracemalloc counts of NumPy's
    arrays still held once the forward is over)."""
    blocks = _blocks([256] * 9)
    x = Variable(np.random.default_rng(0).standard_normal((256, 256)), requires_grad=True)
    held = []
    for use in (False, True):
        tracemalloc.start()
        h = x
        for block in blocks:
            h = checkpoint(block, h) if use else block(h)
        held.append(tracemalloc.get_traced_memory()[0])
        tracemalloc.stop()
        del h
    assert held[1] < 0.6 * held[0], held


def test_without_grad_mode_it_is_the_call_itself():
    x = Variable(np.ones(2), requires_grad=True)
    with ag.no_grad():
        y = checkpoint(lambda v: v * 2, x)
    assert y.creator is None and not y.requires_grad


def test_a_variable_read_from_a_closure_is_refused():
    x = Variable(np.ones(2), requires_grad=True)
    h = x * 3  # computed before the call, read by the block without being passed
    with pytest.raises(ValueError, match=r"checkpoint: the block reads a Variable of shape "
                                         r"\(2,\) made by mulscalar before the call"):
        checkpoint(lambda v: v * h, x)


def test_a_leaf_changed_in_place_before_backward_is_refused():
    block = _blocks([3, 3])[0]
    x = Variable(np.ones((1, 3)), requires_grad=True)
    y = checkpoint(block, x).sum()
    p = next(block.parameters())
    p.data += 1
    ag.variable.mark_modified(p)
    with pytest.raises(RuntimeError, match="modified"):
        y.backward()


def _seeded_model(seed, use_checkpoint):
    """Two blocks, each Linear, Tanh and a Dropout drawing from a generator of its own
    (seed=), the weights from NumPy's global seed: run plainly or one checkpoint a block."""
    np.random.seed(seed)
    blocks = [nn.Sequential(nn.Linear(4, 4), nn.Tanh(), nn.Dropout(0.5, seed=seed + k))
              for k in range(2)]

    def run(x):
        for block in blocks:
            x = checkpoint(block, x) if use_checkpoint else block(x)
        return x
    return blocks, run


@pytest.mark.parametrize("seed", [0, 7])
def test_a_seeded_layer_s_draws_are_repeated(seed):
    """Each checkpointed block's second run restores its Dropout's own generator to where the
    first run began (the same masks: gradients bit for bit the plain run's), then puts it
    back where the program left it, draws made between forward and backward included (the
    next draw is the plain run's next draw)."""
    x = np.random.default_rng(seed).standard_normal((5, 4))
    results = []
    for use in (False, True):
        blocks, run = _seeded_model(seed, use)
        v = Variable(x, requires_grad=True)
        loss = (run(v) ** 2).sum()
        between = [b[2].generator.random() for b in blocks]  # drawn before the backward
        loss.backward()
        params = [p.grad.data for b in blocks for p in b.parameters()]
        after = between + [b[2].generator.random() for b in blocks]
        results.append((loss.data.item(), v.grad.data, params, after))
    (plain, checkpointed) = results
    assert plain[0] == checkpointed[0] and plain[3] == checkpointed[3]
    np.testing.assert_array_equal(plain[1], checkpointed[1])
    for a, b in zip(plain[2], checkpointed[2]):
        np.testing.assert_array_equal(a, b)


def test_checkpoint_sequential_repeats_seeded_layers_draws():
    np.random.seed(3)
    model = nn.Sequential(*[layer for k in range(3) for layer in (
        nn.Linear(4, 4), nn.Tanh(), nn.Dropout(0.3, seed=k))])
    x = Variable(np.random.default_rng(3).standard_normal((6, 4)), requires_grad=True)
    grads = []
    for use in (False, True):
        for layer in model:  # the same draws for both runs
            if isinstance(layer, nn.Dropout):
                layer.generator = np.random.default_rng(layer.seed)
        x.grad = None
        y = checkpoint_sequential(model, 3, x) if use else model(x)
        (y ** 2).sum().backward()
        grads.append(x.grad.data)
    np.testing.assert_array_equal(grads[0], grads[1])


@pytest.mark.parametrize("passed", [False, True])
def test_a_generator_in_the_closure_or_an_argument_is_found(passed):
    from nn.functional.dropout import Dropout
    x = np.ones((3, 4))
    plain = Variable(x, requires_grad=True)
    (Dropout(0.5, np.random.default_rng(1))(plain) * 2).sum().backward()
    generator = np.random.default_rng(1)
    v = Variable(x, requires_grad=True)
    if passed:
        y = checkpoint(lambda h, g: Dropout(0.5, g)(h) * 2, v, generator)
    else:
        y = checkpoint(lambda h: Dropout(0.5, generator)(h) * 2, v)
    y.sum().backward()
    np.testing.assert_array_equal(v.grad.data, plain.grad.data)


def test_a_generator_the_checkpoint_cannot_find_is_refused():
    """Held by something that is neither a module nor a generator (its draws could not be
    repeated), or with preserve_rng_state=False: refused, with what to do."""
    import types

    from nn.functional.dropout import Dropout
    holder = types.SimpleNamespace(rng=np.random.default_rng(0))
    x = Variable(np.ones(4), requires_grad=True)
    with pytest.raises(TypeError, match="draws from a generator of its own that the "
                                        "checkpoint cannot find.*pass it as an argument"):
        checkpoint(lambda v: Dropout(0.5, holder.rng)(v), x)
    with pytest.raises(TypeError, match="cannot find"):
        checkpoint(nn.Dropout(0.5, seed=0), x, preserve_rng_state=False)


def test_the_train_mode_of_the_first_run_is_repeated():
    blocks = _blocks([4, 4], dropout=0.5)
    x = Variable(np.ones((3, 4)), requires_grad=True)
    with ag.test_mode():
        y = checkpoint(blocks[0], x)
    (y ** 2).sum().backward()  # (the second run in train mode would drop, and differ)
    plain = x.grad.data.copy()
    x.grad = None
    for p in blocks[0].parameters():
        p.grad = None
    with ag.test_mode():
        z = blocks[0](x)
    (z ** 2).sum().backward()
    np.testing.assert_array_equal(plain, x.grad.data)


def test_inside_a_captured_step_it_is_refused():
    block = _blocks([2, 2])[0]
    x = np.ones((1, 2))

    @ag.capture
    def step(v):
        checkpoint(block, v).sum().backward()
    with pytest.raises(ag.CaptureError, match="checkpoint"):
        step(x)


def test_an_argument_also_read_another_way_gets_both_gradients_once():
    """A parameter given as an argument and read by the layer; a computed Variable given as
    an argument and read from a closure: every path inside the block counts, once."""
    torch = pytest.importorskip("torch")
    layer = nn.Linear(2, 2, dtype=np.float64)
    x = Variable(np.array([[0.5, -0.2]]))

    def block(a, w):
        return ag.tanh(layer(a)) * (w * w).sum()
    checkpoint(block, x, layer.weight).sum().backward()
    checkpointed = layer.weight.grad.data.copy()
    layer.weight.cleargrad()
    block(x, layer.weight).sum().backward()
    np.testing.assert_allclose(checkpointed, layer.weight.grad.data, rtol=1e-12)

    leaf = Variable(np.array([0.3, 1.2]))
    h = leaf * 2
    checkpoint(lambda a: ag.sin(a) * h, h).sum().backward()
    t = torch.tensor([0.3, 1.2], dtype=torch.float64, requires_grad=True)
    th = t * 2
    from torch.utils.checkpoint import checkpoint as torch_checkpoint
    torch_checkpoint(lambda a: torch.sin(a) * th, th, use_reentrant=False).sum().backward()
    np.testing.assert_allclose(leaf.grad.data, t.grad.numpy(), rtol=1e-12)


def test_hooks_of_the_blocks_inputs_run_once_as_without_the_checkpoint():
    layer = nn.Linear(2, 2, dtype=np.float64)
    x = Variable(np.array([[0.5, -0.2]]))
    calls = []
    layer.weight.register_hook(lambda g: calls.append(1) or g * 2)
    nested = checkpoint(lambda a: checkpoint(lambda b: ag.tanh(layer(b)), a), x)
    (nested ** 2).sum().backward()
    assert len(calls) == 1
    checkpointed = layer.weight.grad.data.copy()
    layer.weight.cleargrad()
    (ag.tanh(layer(x)) ** 2).sum().backward()
    np.testing.assert_allclose(checkpointed, layer.weight.grad.data, rtol=1e-12)
    calls.clear()
    x.cleargrad()
    ag.grad(checkpoint(lambda a: ag.tanh(layer(a)), x).sum(), [x])  # (not the weight's)
    assert calls == []


def test_variables_inside_a_list_argument_are_the_blocks_inputs():
    torch = pytest.importorskip("torch")
    x = Variable(np.array([0.3, 1.2]))
    checkpoint(lambda pair: ag.sin(pair[0] * pair[1]), [x * 2, x * 3]).sum().backward()
    t = torch.tensor([0.3, 1.2], dtype=torch.float64, requires_grad=True)
    torch.sin((t * 2) * (t * 3)).sum().backward()
    np.testing.assert_allclose(x.grad.data, t.grad.numpy(), rtol=1e-12)
    x.cleargrad()  # (however deep: a list in a list, a dict of lists)
    checkpoint(lambda p: ag.sin(p[0][0] * p[1]["b"][0]), [[x * 2], {"b": [x * 3]}]).sum() \
        .backward()
    np.testing.assert_allclose(x.grad.data, t.grad.numpy(), rtol=1e-12)


def test_a_hook_on_a_variable_the_block_made_is_refused_not_silently_skipped():
    x, kept = Variable(np.array([0.3, 1.2])), []

    def block(a):
        kept.append(a * 3)
        return ag.sin(kept[-1])
    y = checkpoint(block, x)
    kept[0].register_hook(lambda g: g * 10)
    with pytest.raises(RuntimeError, match="computed inside the checkpointed block was given "
                       "a hook or retain_grad after the block ran"):
        y.sum().backward()


def test_a_hook_or_retain_grad_the_block_gives_itself_runs_again_with_it():
    torch = pytest.importorskip("torch")
    np.random.seed(0)
    layer = nn.Linear(2, 2, dtype=np.float64)
    weight, bias = layer.weight.data.copy(), layer.bias.data.copy()

    class Watched(nn.Module):  # (Grad-CAM's way: keep the activation, ask for its gradient)
        def __init__(self):
            super().__init__()
            self.layer, self.seen = layer, []

        def forward(self, a):
            self.act = self.layer(a)
            self.act.retain_grad()
            self.act.register_hook(lambda g: self.seen.append(1) or g * 2)
            return ag.tanh(self.act)
    block = Watched()
    x = Variable(np.array([[0.5, -0.2]]))
    checkpoint(block, x).sum().backward()
    t_layer = torch.nn.Linear(2, 2, dtype=torch.float64)
    with torch.no_grad():
        t_layer.weight.copy_(torch.from_numpy(weight))
        t_layer.bias.copy_(torch.from_numpy(bias))
    kept = {}

    def torch_block(a):
        act = t_layer(a)
        kept.setdefault("act", act)  # (the first run's: PyTorch keeps its graph)
        act.retain_grad()
        act.register_hook(lambda g: g * 2)
        return torch.tanh(act)
    from torch.utils.checkpoint import checkpoint as torch_checkpoint
    t = torch.tensor([[0.5, -0.2]], dtype=torch.float64, requires_grad=True)
    torch_checkpoint(torch_block, t, use_reentrant=False).sum().backward()
    assert block.seen == [1]
    np.testing.assert_allclose(x.grad.data, t.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(block.act.grad.data, kept["act"].grad.numpy(), rtol=1e-12)


def test_an_output_the_block_asked_to_retain_its_gradient_keeps_it_as_pytorchs():
    torch = pytest.importorskip("torch")
    from torch.utils.checkpoint import checkpoint as torch_checkpoint
    w = np.array([[0.5, -1.0], [2.0, 0.3]])

    def ours(a):
        h = ag.tanh(a @ Variable(w))
        h.retain_grad()
        return h

    def theirs(a):
        h = torch.tanh(a @ torch.from_numpy(w))
        h.retain_grad()
        return h
    out = checkpoint(ours, Variable(np.array([[1.0, 2.0]])))
    (out * out).sum().backward()
    t_out = torch_checkpoint(theirs, torch.tensor([[1.0, 2.0]], dtype=torch.float64,
                                                  requires_grad=True), use_reentrant=False)
    (t_out * t_out).sum().backward()
    np.testing.assert_allclose(out.grad.data, t_out.grad.numpy(), rtol=1e-12)


def test_an_intermediate_the_block_retains_and_the_user_keeps_gets_its_gradient():
    torch = pytest.importorskip("torch")
    from torch.utils.checkpoint import checkpoint as torch_checkpoint
    w, x = np.array([[0.5, -1.0], [2.0, 0.3]]), np.array([[1.0, 2.0]])
    kept, torch_kept = [], []

    def ours(a):
        h = ag.tanh(a @ Variable(w))
        h.retain_grad()
        kept.append(h)  # (the first run's is kept[0], PyTorch's tk[0])
        return (h * h).sum()

    def theirs(a):
        h = torch.tanh(a @ torch.from_numpy(w))
        h.retain_grad()
        torch_kept.append(h)
        return (h * h).sum()
    checkpoint(ours, Variable(x)).backward()
    torch_checkpoint(theirs, torch.tensor(x, requires_grad=True), use_reentrant=False).backward()
    np.testing.assert_allclose(kept[0].grad.data, torch_kept[0].grad.numpy(), rtol=1e-12)
