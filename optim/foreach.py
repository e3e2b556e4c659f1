"""The update of a group of small parameters as one: PyTorch's `foreach` implementation, on
NumPy.

An update rule is a few ufunc calls per parameter, and a NumPy call costs about a
microsecond whatever its size: a model of small parameters (a 1-10-1 MLP has four) pays for
the calls, not for the arithmetic. Here the group's weights and gradients are gathered into
one flat array each, the optimizer's own elementwise rule (`_update`) runs once over them,
and the weights are written back. The rule's state lives in flat arrays too, and each
parameter's state entries are views of them: `optimizer.state[p]` reads and writes what the
update uses, and `state_dict()` is what the per-parameter loop would give. An array put
into a parameter's state by hand is copied into the flat array (the entry is its view again).

A group is updated this way when, at this step:
- the optimizer's rule is elementwise (`Optimizer.elementwise_update`);
- every parameter has a gradient and requires one, all are writeable NumPy arrays of one
  dtype, and no two share memory (tied weights);
- their scalar state agrees (Adam's step count: a parameter skipped at an earlier step
  counts its own);
- `foreach` is True, or None (the default) and the group is small: at least two parameters,
  at most SMALL elements in all, and a rule that gains from it (`_foreach_pays`: SGD
  gains only with Nesterov momentum or momentum and weight decay; the others always).
Otherwise the per-parameter loop runs. Either way each element sees the same arithmetic, so
the results are the same, bit for bit.
"""
import numpy as np

from autograd.variable import Variable

SMALL = 1 << 16  # elements in a group; above it the calls are a small part of an update


def is_array(value):
    """Whether a state entry is an array (NumPy's or CuPy's), not a number or None."""
    return hasattr(value, "shape") and hasattr(value, "dtype") and not isinstance(
        value, np.generic)


def foreach_step(optimizer, group, h, updated):
    """Update `group` as one, appending its parameters to `updated` (the caller stamps them
    modified); False (nothing done) where it does not qualify (see the module doc). `h`: the
    group's hyperparameters."""
    params = group["params"]
    auto = h.foreach is None
    if auto and (len(params) < 2 or not optimizer._foreach_pays(h)):
        return False
    grads = _grads_if_uniform(params)
    if grads is None:
        return False
    layout = optimizer._foreach_layouts.get(id(group))
    fits = layout is not None and layout.fits(group, params)
    if auto and (layout.size if fits else sum(g.size for g in grads)) > SMALL:
        return False  # (before a layout is made: it holds a buffer of the group's size)
    if not fits:
        layout = _new_layout(optimizer, group, params)
    if not layout.disjoint(params):
        return False  # tied weights: the loop updates the memory once per parameter
    state = layout.flat_state(params, optimizer, group)
    if state is None:
        return False
    w = np.concatenate([p.data.reshape(-1) for p in params], out=layout.weights)
    g = np.concatenate([g.reshape(-1) for g in grads])
    if not h.bare or g.dtype is not w.dtype:
        g = optimizer._prepare_grad(w, g, h)
    try:
        optimizer._run_update(np, w, g, state, h, group)
    except BaseException:
        layout.state = None  # half updated: gathered again from the parameters' states
        raise
    layout.share()
    for p, weights in zip(params, layout.weight_views):
        np.copyto(p.data, weights)
    updated += params
    return True


def _grads_if_uniform(params):
    """The gradients' arrays when every parameter has one and all are NumPy arrays of one
    dtype; else None."""
    if not params:
        return None
    dtype, grads = params[0].data.dtype, []
    for p in params:
        g, w = p.grad, p.data
        if (g is None or not p.requires_grad or type(w) is not np.ndarray or w.dtype != dtype
                or not w.flags.writeable):
            return None
        g = g.data if g.__class__ is Variable else g
        if type(g) is not np.ndarray or g.shape != w.shape:
            return None
        grads.append(g)
    return grads


def _new_layout(optimizer, group, params):
    layouts = optimizer._foreach_layouts
    for key in [k for k, old in layouts.items()  # groups replaced since (load_state_dict)
                if not any(old.group is g for g in optimizer.param_groups)]:
        del layouts[key]
    layout = layouts[id(group)] = _Layout(group, params)
    return layout


class _Layout:
    """Where each parameter of a group lies in the flat arrays, and the flat state whose
    views the parameters' state entries are."""

    def __init__(self, group, params):
        self.group, self.params = group, list(params)  # held: ids stay unique
        self.shapes = [p.data.shape for p in params]
        bounds = np.cumsum([0] + [p.data.size for p in params]).tolist()
        self.parts = [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]
        self.size = bounds[-1]
        # the gathered weights' buffer, and each parameter's view of it (shaped as it)
        self.weights = np.empty(self.size, params[0].data.dtype)
        self.weight_views = [self.weights[part].reshape(shape)
                             for part, shape in zip(self.parts, self.shapes)]
        self.state = None  # the flat state: arrays over the whole group, numbers
        self.known = {}    # each entry of `state` as the parameters' states last saw it
        self.per_param = []  # the parameters' state dicts
        self.views = [{} for _ in self.params]  # per parameter: {key: its view of `state`'s}
        self.datas, self.apart = [None] * len(self.params), False  # see disjoint

    def fits(self, group, params):
        if group is not self.group or len(params) != len(self.params):
            return False
        for p, q, shape in zip(params, self.params, self.shapes):
            if p is not q or p.data.shape != shape or p.data.dtype != self.weights.dtype:
                return False
        return True

    def disjoint(self, params):
        """Whether no two parameters share memory (checked again when an array changes)."""
        datas = [p.data for p in params]
        if any(a is not b for a, b in zip(datas, self.datas)):
            self.datas = datas
            self.apart = not any(np.may_share_memory(a, b)
                                 for i, a in enumerate(datas) for b in datas[i + 1:])
        return self.apart

    def flat_state(self, params, optimizer, group):
        """The flat state, kept while every parameter's state entries are the views of it,
        else gathered again (see _gathered); None where the parameters' states differ in
        their keys or numbers (step counts): then each parameter is updated on its own."""
        entries = optimizer.state._entries
        found = [entries.get(id(p)) for p in params]
        if self.state is not None and None not in found and self._current(
                [entry[1] for entry in found]):
            return self.state
        # made where new, converted where moved (to another array module)
        self.per_param = [optimizer._state_for(p, group, np) for p in params]
        self.state = self._gathered(self.per_param)
        if self.state is not None:
            self.share()
        return self.state

    def share(self):
        """Give the parameters' states what the flat state changed: views of arrays made
        anew (at the first gathering; SGD's first momentum buffer), numbers (a step count)."""
        for key, value in self.state.items():
            if value is self.known.get(key, self):
                continue
            if is_array(value):
                for state, views, part, shape in zip(self.per_param, self.views, self.parts,
                                                     self.shapes):
                    views[key] = state[key] = value[part].reshape(shape)
            else:
                for state in self.per_param:
                    state[key] = value
            self.known[key] = value

    def _current(self, per_param):
        if len(per_param) != len(self.per_param) or any(
                a is not b for a, b in zip(per_param, self.per_param)):
            return False
        count = len(self.known)
        for state, views in zip(per_param, self.views):
            if len(state) != count:
                return False
            for key, value in self.known.items():
                mine = state.get(key, self)
                if (mine is not views[key]) if key in views else not _same(mine, value):
                    return False
        return True

    def _gathered(self, per_param):
        """The flat state of these states (None where they disagree). A flat array whose
        views the entries were is kept: an array of the same kind put into a state since
        (by hand, by load_state_dict) is copied into it and the entry is the view again, so
        the other parameters' arrays stay theirs. Other arrays are gathered afresh."""
        first = per_param[0]
        if any(state.keys() != first.keys() for state in per_param):
            return None
        flat = {}
        for key, value in first.items():
            values = [state[key] for state in per_param]
            if not is_array(value):
                if not all(_same(v, value) for v in values):
                    return None  # e.g. step counts that differ: each parameter its own update
                flat[key] = value
            elif not all(self._fits(v, i) for i, v in enumerate(values)):
                return None
            elif key in self.views[0]:
                for state, views, v in zip(per_param, self.views, values):
                    if v is not views[key]:
                        views[key][...] = v
                        state[key] = views[key]
                flat[key] = self.known[key]  # (the array the views are of)
            else:
                flat[key] = np.concatenate([v.reshape(-1) for v in values])
        for key in [k for k in self.known if k not in flat]:  # entries the states dropped
            del self.known[key]
            for views in self.views:
                views.pop(key, None)
        return flat

    def _fits(self, array, i):
        return (type(array) is np.ndarray and array.shape == self.shapes[i]
                and array.dtype == self.weights.dtype)


def _same(a, b):
    """Equal state entries that are not arrays (numbers, None, tuples of numbers)."""
    if a is b:
        return True
    return not is_array(a) and not is_array(b) and a == b
