"""The backward variants: each runs a program in one framework and reports what it saw.

A variant returns an ordered dict of observations (values, requires_grad flags, gradients,
which calls raised); the test compares rungrad's with the reference's key by key. The
random choices (roots, upstream gradients, inputs of grad) come from one `plan`, shared by
both frameworks. Each docstring says, in rungrad, what the variant does after the program.
"""
import numpy as np
from hypothesis import strategies as st

SEED_KINDS = ("array", "variable", "list", "float")


def plans():
    """The choices a variant makes, drawn once per program (indices wrap around)."""
    small = st.integers(0, 7)
    return st.fixed_dictionaries({
        "seed": st.integers(0, 2 ** 16), "seed_kind": st.sampled_from(SEED_KINDS),
        "root": small, "inputs": st.lists(small, min_size=1, max_size=4),
        "outputs": st.lists(small, min_size=1, max_size=3), "retain": st.lists(small, max_size=3),
        "leaf": small})


def upstream(plan, shape, salt):
    """A fixed pseudo-random upstream gradient (or weight) of `shape`."""
    return np.random.default_rng([plan["seed"], salt]).standard_normal(shape)


def scalar_root(fw, prog, plan):
    """loss = sum_k ag.sum(out_k * w_k) over the outputs that require grad; loss.backward();
    then every leaf's .grad."""
    env, report = _forward(fw, prog)
    loss = loss_of(fw, prog, env, plan)
    report["loss"] = fw.array(loss)
    report["backward"] = _backward(fw, loss)
    return _leaf_grads(fw, prog, env, report)


def nonscalar_root(fw, prog, plan):
    """root = one output; root.backward(seed), the seed an array, Variable, list or (0-d
    root) Python float."""
    env, report = _forward(fw, prog)
    root = _pick(_grad_outputs(prog) or prog.outputs, plan["root"])
    kind = plan["seed_kind"]
    if kind == "float" and prog.shapes[root] or kind == "list" and 0 in prog.shapes[root]:
        kind = "array"  # a float seeds a 0-d root only; a list loses a zero-size shape
    seed = fw.seed(upstream(plan, prog.shapes[root], 1).astype(prog.dtype), kind)
    report["backward"] = _backward(fw, env[root], seed)
    return _leaf_grads(fw, prog, env, report)


def retain_grad(fw, prog, plan, calls=1):
    """h.retain_grad() on some intermediates; loss.backward() (and, with calls=2, a second
    backward from another root: gradients accumulate); then .grad of leaves and of h."""
    env, report = _forward(fw, prog)
    kept = list(dict.fromkeys(_pick(prog.intermediates(), i) for i in plan["retain"]
                              if prog.intermediates()))
    for h in kept:
        fw.retain_grad(env[h])
    report["backward 1"] = _backward(fw, loss_of(fw, prog, env, plan))
    if calls == 2:
        root = _pick(_grad_outputs(prog) or prog.outputs, plan["root"])
        seed = fw.seed(upstream(plan, prog.shapes[root], 2).astype(prog.dtype), "array")
        report["backward 2"] = _backward(fw, env[root], seed)
    for h in kept:
        report[f"{h}.grad"] = fw.grad_attr(env[h])
    return _leaf_grads(fw, prog, env, report)


def accumulate(fw, prog, plan):
    return retain_grad(fw, prog, plan, calls=2)


accumulate.__doc__ = retain_grad.__doc__ + " (calls=2)"


HOOK_SCALES = (2.0, None, -0.5)  # what hook j multiplies its gradient by (None: it only looks)


def hooks(fw, prog, plan):
    """h.register_hook(hook_j) on leaves and intermediates that require grad (one value may get
    several, which chain), hook_j recording the gradient it is handed and returning it times
    HOOK_SCALES[j % 3]; the first hook removed again (handle.remove()) for an odd
    plan["leaf"]; h.retain_grad() on some intermediates; loss.backward(), twice for a
    "list" seed_kind (hooks run again, gradients accumulate); then what each hook saw, the
    retained .grad and every leaf's .grad."""
    env, report = _forward(fw, prog)
    names = prog.grad_leaves() + prog.intermediates()
    hooked = [_pick(names, i) for i in plan["retain"]] if names else []
    handles = [fw.register_hook(env[h], _hook(fw, report, f"hook {j} on {h}", j))
               for j, h in enumerate(hooked)]
    if handles and plan["leaf"] % 2:
        handles[0].remove()
    kept = list(dict.fromkeys(_pick(prog.intermediates(), i) for i in plan["outputs"]
                              if prog.intermediates()))
    for h in kept:
        fw.retain_grad(env[h])
    loss = loss_of(fw, prog, env, plan)
    for call in range(2 if plan["seed_kind"] == "list" else 1):
        report[f"backward {call}"] = _backward(fw, loss)
    for h in kept:
        report[f"{h}.grad"] = fw.grad_attr(env[h])
    return _leaf_grads(fw, prog, env, report)


def _hook(fw, report, key, j):
    calls = []

    def hook(g):
        calls.append(fw.array(g))
        report[f"{key} call {len(calls)}"] = calls[-1]
        scale = HOOK_SCALES[j % len(HOOK_SCALES)]
        return None if scale is None else g * scale
    return hook


def grad_subsets(fw, prog, plan):
    """ag.grad(some outputs, inputs, grad_outputs=seeds, allow_unused=True), inputs drawn
    from the leaves and intermediates that require grad, duplicates included; where one is
    unused, allow_unused=False must raise; leaves' .grad stay None."""
    env, report = _forward(fw, prog)
    candidates = prog.grad_leaves() + prog.intermediates()
    outs = list(dict.fromkeys(_pick(_grad_outputs(prog), i) for i in plan["outputs"]
                              if _grad_outputs(prog)))
    if not candidates or not outs:
        return report
    inputs = [_pick(candidates, i) for i in plan["inputs"]]
    kinds = ["array", "variable"]
    seeds = [fw.seed(upstream(plan, prog.shapes[o], 3 + k).astype(prog.dtype), kinds[k % 2])
             for k, o in enumerate(outs)]
    args = [env[o] for o in outs], [env[i] for i in inputs], seeds
    grads = fw.grad(*args, allow_unused=True)
    for name, g in zip(inputs, grads):
        report[f"grad wrt {name}"] = fw.array(g)
    if any(g is None for g in grads):
        report["allow_unused=False"] = _raises(lambda: fw.grad(*args))
    return _leaf_grads(fw, prog, env, report)


def higher_order(fw, prog, plan):
    """g1 = ag.grad(loss, leaves, create_graph=True, allow_unused=True); loss2 =
    sum(ag.sum(g1_i * u_i)); g2 likewise; g3 = ag.grad(loss3, leaves, allow_unused=True).
    Beyond first order only values count (None as zeros): whether a gradient of a
    piecewise-linear op requires grad differs by design (rungrad links it to its inputs)."""
    env, report = _forward(fw, prog)
    leaves = prog.grad_leaves()
    loss = loss_of(fw, prog, env, plan)
    for order in (1, 2, 3):
        grads = [None] * len(leaves)
        if loss is not None and fw.requires_grad(loss):
            grads = fw.grad([loss], [env[x] for x in leaves], create_graph=order < 3,
                            allow_unused=True)
        terms = []
        for x, g in zip(leaves, grads):
            value = fw.array(g)
            if order > 1 and value is None:
                value = np.zeros(prog.shapes[x], prog.dtype)
            report[f"order {order} wrt {x}"] = value
            if g is not None and fw.requires_grad(g):
                u = fw.constant(upstream(plan, prog.shapes[x], 10 + order), prog.dtype)
                terms.append(fw.ns.sum(g * u))
        loss = _total(terms) if terms else None
    return report


def functional(fw, prog, plan):
    """For one leaf x (the others fixed): ag.jacobian(first output as a function of x),
    ag.hessian(loss as a function of x), ag.vjp(first output, x, v)."""
    _, report = _forward(fw, prog)
    if not prog.grad_leaves():
        return report
    x = _pick(prog.grad_leaves(), plan["leaf"])
    at = next(leaf.array for leaf in prog.leaves if leaf.name == x).astype(prog.dtype)

    def output(value):
        return prog.run(fw, replace={x: value})[prog.outputs[0]]

    def loss(value):
        return loss_of(fw, prog, prog.run(fw, replace={x: value}), plan)

    report["jacobian"] = np.asarray(fw.jacobian(output, at))
    report["hessian"] = np.asarray(fw.hessian(loss, at))
    v = upstream(plan, prog.shapes[prog.outputs[0]], 20).astype(prog.dtype)
    value, vjp = fw.vjp(output, at, v)
    report["vjp value"], report["vjp"] = np.asarray(value), np.asarray(vjp)
    return report


# ----- shared pieces -----

def _forward(fw, prog):
    env = prog.run(fw)
    report = {}
    for name in prog.names():
        report[f"value {name}"] = fw.array(env[name])
        report[f"requires_grad {name}"] = fw.requires_grad(env[name])
    return env, report


def _grad_outputs(prog):
    return [o for o in prog.outputs if prog.needs_grad[o]]


def _pick(items, i):
    return items[i % len(items)]


def loss_of(fw, prog, env, plan):
    """sum_k ag.sum(out_k * w_k) over the outputs that require grad (all, if none does)."""
    outs = _grad_outputs(prog) or prog.outputs
    return _total([fw.ns.sum(env[o] * fw.constant(upstream(plan, prog.shapes[o], 100 + k),
                                                   prog.dtype))
                   for k, o in enumerate(outs)])




def _total(terms):
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total


def _backward(fw, root, seed=None):
    """Run backward; a root that does not require grad must raise RuntimeError."""
    if fw.requires_grad(root):
        fw.backward(root, seed)
        return "ran"
    return _raises(lambda: fw.backward(root, seed))


def _raises(call):
    try:
        call()
    except RuntimeError:
        return "raised RuntimeError"
    return "did not raise"


def _leaf_grads(fw, prog, env, report):
    for leaf in prog.leaves:
        report[f"{leaf.name}.grad"] = fw.grad_attr(env[leaf.name])
        report[f"{leaf.name}.grad writable"] = fw.writable(env[leaf.name])
    return report


VARIANTS = {f.__name__: f for f in (scalar_root, nonscalar_root, retain_grad, accumulate, hooks,
                                    grad_subsets, higher_order, functional)}
