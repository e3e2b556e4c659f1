"""Optimizer base class: parameter groups, per-parameter state, state_dict.

Concrete optimizers implement two hooks, `_init_state(xp, w, group)` and
`_update(xp, w, g, state, h)`, that work on raw arrays; the base class finds the
gradients, applies weight decay, converts hyperparameters and keeps the state.
"""
import copy
import functools
import inspect
from numbers import Real

import numpy as np

from autograd import Variable
from autograd.backend import get_array_module, to_cpu
from autograd.capture import CaptureError, capturing, replayed
from autograd.config import enable_grad, python_state_changed
from autograd.lazy import DeZeroName
from autograd.variable import clear_grad, is_uninitialized, mark_all_modified, own_name, wrap

from .foreach import foreach_step, is_array
from .hooks import OptimizerHooks, hooked_step
from .hooks import register_optimizer_step_post_hook as register_optimizer_step_post_hook
from .hooks import register_optimizer_step_pre_hook as register_optimizer_step_pre_hook
from .learning_rate import LearningRate
from .param_group import ParamGroup, plain


class ParamState:
    """Per-parameter state, keyed by the parameter's identity (never by `==`)."""

    def __init__(self):
        self._entries = {}  # id(p) -> (p, state); holding p keeps the id unique

    def __getitem__(self, p):
        """p's state; an empty dict (kept) before its first step, as PyTorch's defaultdict."""
        entry = self._entries.get(id(p))
        if entry is None:
            self[p] = state = {}
            return state
        return entry[1]

    def __delitem__(self, p):
        """Forget p's state: its next step starts afresh (PyTorch's `del opt.state[p]`)."""
        del self._entries[id(p)]

    def __setitem__(self, p, state):
        self._entries[id(p)] = (p, state)

    def __contains__(self, p):
        return id(p) in self._entries

    def __len__(self):
        return len(self._entries)

    def __iter__(self):
        return (p for p, _ in self._entries.values())

    def get(self, p, default=None):
        entry = self._entries.get(id(p))
        return default if entry is None else entry[1]

    def items(self):
        return list(self._entries.values())

    def keys(self):
        return list(self)

    def values(self):
        """The states (PyTorch's `for s in opt.state.values()`)."""
        return [state for _, state in self._entries.values()]

    def clear(self):
        self._entries.clear()

    # Copies and pickles: keyed by id, the table must be built again for the copied
    # parameters (their ids are new), as PyTorch's optimizer keeps its state through both.
    def __deepcopy__(self, memo):
        copied = ParamState()
        for p, state in self._entries.values():
            copied[copy.deepcopy(p, memo)] = copy.deepcopy(state, memo)
        return copied

    def __getstate__(self):
        return {"entries": list(self._entries.values())}

    def __setstate__(self, saved):
        self._entries = {}
        for p, state in saved["entries"]:
            self[p] = state


def as_number(value):
    """A saved scalar (a 0-d array or tensor, a NumPy or Python number) as a Python number:
    a PyTorch state dict's 0-d tensors, loaded beside a 0-d parameter, arrive as arrays."""
    return value.item() if hasattr(value, "item") else value


def from_torch(value):
    """A PyTorch tensor (a state dict loaded unconverted) as a NumPy array; else `value`."""
    if type(value).__module__.split(".")[0] == "torch":
        return np.asarray(value.detach().cpu())
    return value


def check_nonnegative(value, name, who):
    """Raise a ValueError naming `who` and `name` unless `value` is a number >= 0 (a 0-d
    array or tensor too, as PyTorch takes a tensor lr)."""
    number = plain(value)
    if not isinstance(number, Real) or not number >= 0:
        raise ValueError(f"{who}: {name} must be a number >= 0, got {value!r}")


def check_unit_interval(value, name, who, closed=False):
    """Raise a ValueError naming `who` and `name` unless 0 <= value < 1 (<= 1 when
    `closed`)."""
    ok = isinstance(value, Real) and (0 <= value <= 1 if closed else 0 <= value < 1)
    if not ok:
        bound = "]" if closed else ")"
        raise ValueError(f"{who}: {name} must be a number in [0, 1{bound}, got {value!r}")


def _marking_stepped(step):
    """A subclass's own step() (or a mixin's) that marks `stepped` whether or not it calls
    Optimizer.step (a scheduler stepped before any update warns, as PyTorch's, which wraps
    every step)."""
    @functools.wraps(step)
    def marked(self, *args, **kwargs):
        self.stepped = True
        return step(self, *args, **kwargs)
    return marked


def _taking_learning_rate(init):
    """An optimizer's __init__ that also takes Keras' `learning_rate=` for its `lr`, so that
    `optim.Adam(learning_rate=1e-3)` written from Keras works (made by __init_subclass__ for
    every optimizer whose __init__ has an `lr`)."""
    names = list(inspect.signature(init).parameters)
    if "lr" not in names:
        return init
    position = names.index("lr") - 1  # (self is not in args)

    @functools.wraps(init)
    def __init__(self, *args, learning_rate=_UNSET, **kwargs):
        _refuse_dezero_arguments(type(self).__name__, args, kwargs, names)
        if learning_rate is not _UNSET:
            if "lr" in kwargs or len(args) > position:
                raise TypeError(f"{type(self).__name__}: give lr or learning_rate (Keras' "
                                "name for it), not both")
            kwargs["lr"] = learning_rate
        init(self, *args, **kwargs)
    return __init__


_UNSET = object()


def _refuse_dezero_arguments(who, args, kwargs, names):
    """DeZero's optimizers.SGD(lr) and Adam(alpha=...), refused with what to write here."""
    if args and isinstance(args[0], Real) and not isinstance(args[0], bool):
        raise TypeError(f"{who}({args[0]!r}): the first argument is the parameters, the "
                        f"learning rate goes by name: {who}(model.parameters(), lr={args[0]!r}),"
                        f" or {who}(lr={args[0]!r}) then opt.bind(model.parameters()) (DeZero's "
                        f"optimizers.{who}({args[0]!r}).setup(model))")
    if "alpha" in kwargs and "alpha" not in names:
        raise TypeError(f"{who}: DeZero's alpha is the learning rate here: "
                        f"{who}(model.parameters(), lr={kwargs['alpha']!r})")
    book_betas = [name for name in ("beta1", "beta2") if name in kwargs and name not in names]
    if book_betas and "betas" in names:  # (DeZero's Adam(alpha, beta1, beta2))
        betas = (kwargs.get("beta1", 0.9), kwargs.get("beta2", 0.999))  # (DeZero's defaults)
        raise TypeError(f"{who}() got an unexpected keyword argument {book_betas[0]!r}: "
                        f"DeZero's beta1= and beta2= are betas=(beta1, beta2) here: "
                        f"{who}(model.parameters(), betas={betas!r})")


def pytorch_flags(who, differentiable=False, **flags):
    """PyTorch's differentiable and, where the optimizer takes them, capturable and fused,
    kept as group settings (PyTorch's state_dict has them). The update is the same whatever
    they say: NumPy has no fused kernels (a small group already runs as one flat update,
    optim/foreach.py), and autograd.capture replays any step; differentiable=True, backprop
    through the update itself, is refused, as the update runs on arrays."""
    if differentiable:
        raise ValueError(f"{who}: differentiable=True (backpropagating through the update) "
                         "is not supported: the update runs on arrays")
    for name, value in flags.items():
        if value not in (None, True, False):
            raise ValueError(f"{who}: {name} must be True, False or None, got {value!r}")
    return {"differentiable": False, **flags}


def apply_constraint(p):
    """Project `p` in place by its `constraint` (Keras' Variable.constraint: array -> array of
    the same shape, which nn's layers set from their `*_constraint=`), if it has one."""
    constraint = getattr(p, "constraint", None)
    if constraint is None or not p.requires_grad or is_uninitialized(p):
        return
    projected = constraint(p.data)
    if getattr(projected, "shape", None) != p.data.shape:
        raise ValueError(f"the constraint {constraint!r} returned "
                         f"{getattr(projected, 'shape', type(projected).__name__)}, expected "
                         f"an array of the weight's shape {p.data.shape}")
    p.data[...] = projected  # (in place: the optimizer's state and flat views keep the array)
    p.bump_version()


def grad_array(p):
    """The gradient of `p` as an array, or None (a Variable's grad is a Variable)."""
    g = p.grad
    if g is None:
        return None
    g = g.data if isinstance(g, Variable) else g
    if g.__class__ is not np.ndarray and not (hasattr(g, "shape") and hasattr(g, "dtype")):
        # (a list set by hand; an array, the common case, costs one identity test)
        name = f"{own_name(p)!r} " if own_name(p) else ""
        raise TypeError(f"the gradient of parameter {name}of shape {tuple(p.shape)} is a "
                        f"{type(g).__name__}; a gradient is an array (or a Variable) of the "
                        f"parameter's shape")
    return g


def _used_up(params):
    """Whether `params` is a generator already run to its end (model.parameters() read by
    list() or by another optimizer first): it gives nothing more."""
    return inspect.isgenerator(params) and \
        inspect.getgeneratorstate(params) == inspect.GEN_CLOSED


def _empty_params_message(who, used_up):
    """Why an optimizer got no parameters, for the usual causes."""
    if used_up:
        return (f"{who}: got an empty parameter list: the generator given was already used "
                "up (model.parameters() can be read once; call it again for each optimizer, "
                "or keep list(model.parameters()))")
    return (f"{who}: got an empty parameter list; layers kept in a plain Python list or dict "
            "are not registered (use nn.ModuleList or nn.ModuleDict), and a lazy model has "
            "none before its first call (make the optimizer without params and call "
            "bind(params) then)")


class Optimizer(OptimizerHooks):
    """Base class of all optimizers (PyTorch's `torch.optim.Optimizer` API).

    `params` is an iterable (a list, or a generator such as `model.parameters()`)
    of Parameters, or of dicts that define parameter groups: `{"params": [...],
    "lr": ...}`; keys a group leaves out take their value from `defaults`.

    An optimizer may be made without parameters (`optim.Adam(lr=0.01)`, Keras'
    habit): it then holds one empty group with the defaults, so schedulers and
    hyperparameter edits work already, and `bind(params)` fills it in later.
    `Model.compile` calls `bind`.

    `foreach` (PyTorch's argument, taken by every built-in optimizer): None, the default,
    updates a group of small parameters as one flat array where that is faster
    (optim/foreach.py; the results are the same bit for bit), True wherever it can, False
    never.

    PyTorch's hooks: `register_step_pre_hook` / `register_step_post_hook` around each step
    (a subclass's own step too), the global `register_optimizer_step_pre_hook` /
    `_post_hook` of this module, and the state-dict ones (optim/hooks.py).
    """

    #: AdamW sets this: decay `p` directly instead of adding `wd * p` to the gradient.
    decoupled_weight_decay = False

    #: Every entry a parameter's state may hold (None: not checked). A loaded state with an
    #: entry that another optimizer of this package keeps and this one never does was saved
    #: by that other optimizer, and is refused (see _check_saved_keys).
    state_keys = None

    #: Whether `_update` is elementwise (each element's new value from that element's
    #: weight, gradient and state alone): then a group of small parameters may be updated
    #: as one flat array (optim/foreach.py). A rule with norms over a parameter is not.
    elementwise_update = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__:
            cls.__init__ = _taking_learning_rate(cls.__init__)
        if not getattr(cls.step, "hooked", False):  # its own step, or a mixin's (Keras')
            cls.step = hooked_step(_marking_stepped(cls.step))  # (replayed by a capture,
            # a Lookahead's step around super().step() whole)

    @property
    def learning_rate(self):
        """Keras' name for the learning rate: the first group's lr (a number taking Keras'
        `.assign(1e-4)` too); setting it sets every group's
        (`model.optimizer.learning_rate = 1e-4`)."""
        return LearningRate(self.param_groups[0]["lr"], self)

    @learning_rate.setter
    def learning_rate(self, value):
        check_nonnegative(value, "learning_rate", self._who)
        for group in self.param_groups:
            group["lr"] = value

    @property
    def _who(self):
        """The name errors lead with: the optimizer's class name."""
        return type(self).__name__

    stepped = False  # whether step() has run (an instance attribute once it has)

    def __init__(self, params=None, defaults=None):
        self.defaults = dict(defaults or {})
        self._validate(self.defaults)
        self.state = ParamState()
        self._foreach_layouts = {}  # id(group) -> its flat layout (optim/foreach.py)
        self.param_groups = []
        # a captured step that looks its optimizer up (a dict, an attribute) records again:
        # its replay would step the optimizer it was recorded with, never this one
        python_state_changed("made an optimizer")
        if params is None:
            self.add_param_group({"params": []})
            return
        who = self._who
        if isinstance(params, (Variable, dict)):
            what = "a dict" if isinstance(params, dict) else "a single Parameter"
            raise TypeError(f"{who}: params must be an iterable of Parameters or of dicts, "
                            f"got {what}; wrap it in a list")
        used_up = _used_up(params)
        groups = list(params)
        if not groups:
            raise ValueError(_empty_params_message(who, used_up))
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __getstate__(self):
        # copies and pickles leave the flat layouts behind (optim/foreach.py): they are a
        # cache keyed by the groups' ids, and the copy's state is gathered again
        saved = self._without_hooks(dict(self.__dict__))  # (PyTorch's copies have none)
        saved["_foreach_layouts"] = {}
        return saved

    # ----- parameter groups -----
    def add_param_group(self, param_group):
        """Add a group `{"params": [...], <hyperparameter>: value, ...}`: a copy of it (a
        ParamGroup), to edit through `param_groups` (PyTorch keeps the dict given).

        Missing hyperparameters come from `defaults`; a parameter may belong to
        one group only.
        """
        who = self._who
        if not isinstance(param_group, dict):
            raise TypeError(f"{who}: a param group must be a dict, got "
                            f"{type(param_group).__name__}")
        if "params" not in param_group:  # (it would be an empty group, stepping nothing)
            raise ValueError(f"{who}: a param group needs a 'params' entry, its parameters; "
                             f"got the keys {sorted(map(str, param_group))}")
        group = ParamGroup(param_group)
        group["params"] = _param_list(group["params"], who)
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        self._validate(group)
        held = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in held for p in group["params"]):
            raise ValueError(f"{who}: some parameters appear in more than one parameter group")
        if len({id(p) for p in group["params"]}) != len(group["params"]):
            # it would be stepped twice per step (PyTorch warns that this will be an error)
            raise ValueError(f"{who}: a parameter group lists the same parameter twice")
        self.param_groups.append(group)

    def bind(self, params):
        """Attach `params` (any iterable of Parameters) and return self.

        Parameters the optimizer already holds are ignored, so binding the same
        model twice, or again after lazily sized layers made new parameters, is
        safe. New parameters join the first group (the one made from the
        constructor's defaults).
        """
        held = {id(p) for g in self.param_groups for p in g["params"]}
        new = []
        for p in _param_list(params, self._who):
            if id(p) not in held:  # (a parameter listed twice joins once)
                held.add(id(p))
                new.append(p)
        if not self.param_groups:
            self.add_param_group({"params": new})
        else:
            self.param_groups[0]["params"].extend(new)
        return self

    def _validate(self, hyper):
        """Raise ValueError on an invalid hyperparameter (subclasses extend)."""
        for name in ("lr", "weight_decay"):
            if name in hyper:
                check_nonnegative(hyper[name], name, self._who)
        if hyper.get("foreach") not in (None, True, False):
            raise ValueError(f"{self._who}: foreach must be None (small groups), True or "
                             f"False, got {hyper['foreach']!r}")

    # DeZero's optimizer methods, named as PyTorch's here (docs/coming_from_dezero.md)
    setup = DeZeroName("opt.bind(model.parameters()), or optim.SGD(model.parameters(), "
                       "lr=...)")
    update = DeZeroName("opt.step()")
    add_hook = DeZeroName("weight_decay= or clip_grad_norm_")

    # ----- the update -----
    @replayed  # a captured step repeats it (autograd.capture)
    def zero_grad(self, set_to_none=True):
        """Forget every parameter's gradient: `.grad` becomes None, or with
        set_to_none=False zeros in the same memory (PyTorch's `zero_grad`)."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:  # the common case, without a call per parameter
                    p.grad = None
                else:
                    clear_grad(p, False)

    @hooked_step  # its hooks run around it, and a captured step repeats both
    def step(self, closure=None):
        """Update every parameter that has a gradient; return `closure()` if given.

        Parameters with `requires_grad=False` or no gradient are skipped.
        """
        if closure is not None and capturing():
            raise CaptureError(f"{self._who}: a closure cannot be replayed by autograd.capture; "
                               "call step() without one inside a captured step")
        groups = self.param_groups
        if len(groups) == 1 and not groups[0]["params"]:  # unbound: nothing would change
            raise RuntimeError(f"{self._who}: step() with no parameters: make it with "
                               "model.parameters(), or bind them first with "
                               "opt.bind(model.parameters()) (DeZero's setup(model))")
        self.stepped = True  # (a scheduler stepped before any of this warns, as PyTorch's)
        loss = None
        if closure is not None:  # it runs backward: gradients on, even under no_grad
            with enable_grad():
                loss = closure()
        updated = []  # stamped at the end, all at once (also when an update raises)
        try:
            for group in self.param_groups:
                self._step_group(group, updated)
        finally:
            mark_all_modified(updated)  # graphs that saved the old weights refuse backward
        return loss

    # Keras' update calls, for a train_step written as Keras' guides write it
    def apply(self, grads, trainable_variables=None):
        """Keras' apply: one update of `trainable_variables` (default: every parameter held,
        in the groups' order) by `grads`, one each (Variables or arrays; None leaves that
        variable as it is). Variables not held yet join the first group (Keras builds their
        state at their first update). Only these are updated, whatever gradients other
        parameters hold, and every `.grad` is as it was afterwards. Then each updated
        variable's `constraint` (see apply_constraint) projects it, as Keras' apply does;
        step(), PyTorch's, leaves that to the caller (model.apply_constraints())."""
        if capturing():
            raise CaptureError(f"{self._who}: apply() is not replayed by autograd.capture; "
                               "set the gradients and call step() inside a captured step")
        held = [p for group in self.param_groups for p in group["params"]]
        params = held if trainable_variables is None else list(trainable_variables)
        grads = list(grads)
        if len(grads) != len(params):
            raise ValueError(f"{self._who}.apply: {len(grads)} gradients for {len(params)} "
                             "variables; give one gradient (or None) per variable")
        if params and all(g is None for g in grads):  # (Keras refuses it too: a cut graph)
            raise ValueError(f"{self._who}.apply: no gradients provided for any variable "
                             "(every gradient is None: the loss does not depend on them)")
        self.bind(params)
        kept = [(p, p.grad) for group in self.param_groups for p in group["params"]]
        try:
            for p, _ in kept:
                p.grad = None
            for p, g in zip(params, grads):
                p.grad = None if g is None else g if isinstance(g, Variable) else wrap(g, False)
            self.step()
        finally:
            for p, grad in kept:
                p.grad = grad
        for p in {id(p): p for p, g in zip(params, grads) if g is not None}.values():
            apply_constraint(p)

    def build(self, var_list):
        """Keras' build: hold `var_list` (bind's work), so that apply(grads) may name them
        no more."""
        self.bind(var_list)

    def apply_gradients(self, grads_and_vars):
        """Keras' apply_gradients: apply() to (gradient, variable) pairs."""
        pairs = list(grads_and_vars)
        return self.apply([g for g, _ in pairs], [v for _, v in pairs])

    def _step_group(self, group, updated, params=None):
        """Update `group`'s parameters that have a gradient (or those of them in `params`, a
        subclass's fast loop handing over the rest), appending each to `updated`. The
        per-parameter loop is the hot path of a small model's step: read inline."""
        h = None
        if self.elementwise_update and params is None:
            h = _hyper(group)
            if h.foreach is not False and foreach_step(self, group, h, updated):
                return
        states = self.state._entries  # (ParamState's dict, read inline)
        update = self._update
        for p in group["params"] if params is None else params:
            g = p.grad
            if g is None or not p.requires_grad:
                continue
            g = g.data if g.__class__ is Variable else grad_array(p)
            if h is None:
                h = _hyper(group)
            w = p.data
            if g.shape != w.shape:
                raise grad_shape_error(self._who, p, g)
            xp = np if type(w) is np.ndarray else get_array_module(w)
            entry = states.get(id(p))
            state = entry[1] if entry is not None and not (
                entry[1] and _moved(entry[1], w)) else self._state_for(p, group, xp)
            if not h.bare or g.dtype is not w.dtype:  # (else there is nothing to prepare)
                g = self._prepare_grad(w, g, h)
            if w.ndim == 0:  # a scalar Parameter (e.g. a learnable temperature)
                w, g, state = w.reshape(1), g.reshape(1), _FlatState(state)
            try:  # (_run_update, inlined)
                update(xp, w, g, state, h)
            except KeyError as missing:
                self._update_afresh(missing, xp, w, g, state, h, group)
            updated.append(p)

    def _run_update(self, xp, w, g, state, h, group=None):
        """`_update`, with a state entry it lacks explained (the flat update of
        optim/foreach.py; the per-parameter loop runs the same inline)."""
        try:
            self._update(xp, w, g, state, h)
        except KeyError as missing:
            self._update_afresh(missing, xp, w, g, state, h, group)

    def _update_afresh(self, missing, xp, w, g, state, h, group):
        """After `_update` found the state entry `missing` absent: a state emptied by hand
        (`.clear()`, `= {}`) starts afresh, as in PyTorch; anything else is explained."""
        held = state._state if type(state) is _FlatState else state  # (a 0-d parameter's)
        if group is None or held or type(held) is not dict:
            raise _state_error(self._who, missing) from None
        for key, value in self._init_state(xp, w, group).items():
            state[key] = value  # (through a 0-d parameter's view: stored 0-d)
        self._update(xp, w, g, state, h)

    def _foreach_pays(self, h):
        """Whether updating a small group as one flat array saves time with these
        hyperparameters (SGD without momentum: two calls a parameter, as many as the
        gathering costs)."""
        return True

    def _prepare_grad(self, w, g, h):
        """Sign, dtype and weight decay: the part every update rule shares.

        L2 decay (`g + wd * w`) makes a new array: the gradient may be shared
        with other parameters or with the user, so it is never written to.
        """
        if g.dtype != w.dtype:
            g = g.astype(w.dtype)
        takes = self.defaults  # a group's key the optimizer has no option for is ignored,
        if h.get("maximize") and "maximize" in takes:  # as PyTorch's (Rprop: weight_decay)
            g = -g
        wd = h.get("weight_decay", 0.0) if "weight_decay" in takes else 0.0
        if wd:
            if self.decoupled_weight_decay:
                w *= 1.0 - h.lr * wd
            else:
                g = g + wd * w
        return g

    def _state_for(self, p, group, xp):
        entry = self.state._entries.get(id(p))  # ParamState.get, inlined: hot path
        if entry is None:
            state = self._init_state(xp, p.data, group)
            self.state[p] = state
            return state
        state = entry[1]
        if _moved(state, p.data):  # e.g. model.to_gpu() after some steps
            _convert_state(state, p.data, self._who)
        return state

    def _init_state(self, xp, w, group):
        """The fresh state (a dict) of a parameter whose data is `w`; `xp` is its array module.

        The only place state entries are made: `_update` changes their values. As in
        PyTorch, the entries follow the group's settings at the parameter's first step.
        """
        return {}

    def _update(self, xp, w, g, state, h):
        """Update the array `w` in place from the gradient `g` (`h`: hyperparameters)."""
        raise NotImplementedError

    # ----- saving and resuming -----
    def state_dict(self):
        """A snapshot: `{"state": {index: {...}}, "param_groups": [...]}`.

        Parameters are numbered by their position across the groups (PyTorch's
        layout); the state holds copies of the arrays and plain numbers only. The
        state-dict hooks run around it (register_state_dict_pre_hook, _post_hook).
        """
        return self._saved_with_hooks(self._snapshot)

    def _snapshot(self):
        """state_dict() without its hooks (a subclass adds its own entries here)."""
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)]: {k: _copy_value(v) for k, v in s.items()}
                 for p, s in self.state.items() if s and id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Resume from `state_dict()`; the groups must have the same sizes. The load hooks
        run around it (register_load_state_dict_pre_hook, _post_hook)."""
        self._loaded_with_hooks(state_dict, self._resume)

    def _resume(self, state_dict):
        """load_state_dict() without its hooks (a subclass reads its own entries here)."""
        who = self._who
        _check_state_dict(state_dict, who)
        saved = state_dict["param_groups"]
        if len(saved) != len(self.param_groups):
            raise ValueError(f"{who}: the loaded state dict has {len(saved)} parameter groups, "
                             f"the optimizer has {len(self.param_groups)}")
        params = []
        for i, (mine, theirs) in enumerate(zip(self.param_groups, saved)):
            if len(mine["params"]) != len(theirs["params"]):
                raise ValueError(f"{who}: parameter group {i} has {len(mine['params'])} "
                                 f"parameters, the loaded one {len(theirs['params'])}")
            params.extend(zip(theirs["params"], mine["params"]))
        by_index = {int(k): p for k, p in params}
        new_groups = []
        for i, (mine, theirs) in enumerate(zip(self.param_groups, saved)):
            self._check_saved_settings(i, theirs, mine)
            group = ParamGroup((k, copy.deepcopy(v)) for k, v in theirs.items() if k != "params")
            for key, value in self.defaults.items():  # keys newer than the saved dict
                group.setdefault(key, value)
            self._validate(_as_checked(group))
            group["params"] = mine["params"]
            new_groups.append(group)
        new_state = ParamState()
        for key, s in state_dict["state"].items():
            p = by_index.get(int(key))
            if p is None:
                raise ValueError(f"{who}: the loaded state dict has state for parameter {key}, "
                                 "which no group holds")
            _check_saved_keys(type(self), key, s)
            new_state[p] = self._state_from_saved(p, s)
        self.param_groups = new_groups
        self.state = new_state

    def _check_saved_settings(self, index, saved, mine):
        """A ValueError where loaded group `index` holds settings that another optimizer of
        this package takes and this one does not: SGD loading the groups of an Adam saved
        before its first step (no state to tell) would train at Adam's lr, its betas
        ignored. Settings no optimizer here takes (a scheduler's initial_lr) pass, and so do
        those this optimizer's own group `mine` holds (add_param_group keeps any, PyTorch's
        rule: a "weight_decay" given to Rprop comes back with its own state dict)."""
        _refuse_foreign(type(self), saved, {**self.defaults, **mine}, _builtin_settings,
                        f"the loaded parameter group {index} holds the settings", "does not take")

    def _state_from_saved(self, p, saved):
        """p's state from a loaded state dict's entry: private arrays on p's backend, in its
        dtype and shape (LBFGS keeps flat vectors of all the parameters instead)."""
        return {k: _to_like(v, p.data, k, self._who) for k, v in saved.items()}

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines + [")"])


def _as_checked(group):
    """A loaded group as _validate should see it: its lr is a scheduler's to set, and their
    arithmetic may leave it a rounding below 0 (LinearLR to end_factor=0 gives -8.9e-20),
    which step() takes and PyTorch saves and loads; its type is still checked."""
    lr = group.get("lr")
    if isinstance(lr, Real) and lr < 0:
        return {**group, "lr": 0.0}
    return group


def _check_state_dict(state_dict, who):
    """A ValueError unless `state_dict` has an optimizer's two entries: a model's or a
    scheduler's state dict given by mistake would fail deep inside as a bare KeyError."""
    keys = state_dict.keys() if isinstance(state_dict, dict) else ()
    if "state" not in keys or "param_groups" not in keys:
        raise ValueError(f"{who}: load_state_dict expects an optimizer's state_dict() (a dict "
                         f"with 'state' and 'param_groups'), got {described(state_dict)}")


def described(state_dict):
    """What was given in place of a state dict, for an error: a dict's first keys, or the
    type of anything else."""
    if isinstance(state_dict, dict):
        return f"a dict with keys {sorted(map(str, state_dict))[:6]}"
    return type(state_dict).__name__


def _check_saved_keys(cls, index, saved):
    """A ValueError where the loaded state of parameter `index` holds entries that another
    optimizer of this package keeps and `cls` never does: a state dict saved by another
    optimizer (SGD loading Adam's would train on silently, at Adam's lr, with its moments
    ignored; PyTorch fails at the next step). Entries no optimizer here keeps (a subclass's
    own) pass."""
    _refuse_foreign(cls, saved, cls.state_keys, _builtin_state_keys,
                    f"the loaded state of parameter {index} holds", "never keeps")


def _refuse_foreign(cls, saved, own, builtin, where, verb):
    """A ValueError naming the keys of `saved` (a loaded dict) that are not `own` but among
    `builtin()`'s, those of the optimizers of this package; none for an optimizer that does
    not name its state entries, or for what is no dict (refused after)."""
    if cls.state_keys is None or not isinstance(saved, dict):
        return
    foreign = sorted(k for k in saved if k not in own and k in builtin())
    if foreign:
        raise ValueError(f"{cls.__name__}: {where} {foreign}, which {cls.__name__} {verb}: the "
                         f"state dict was saved by another optimizer (load it into that "
                         f"optimizer, or start {cls.__name__} afresh)")


def _builtin_state_keys():
    """The state entries the optimizers of this package keep."""
    return set().union(*(cls.state_keys for cls in _builtin_optimizers()))


def _builtin_settings():
    """The settings (group keys) the optimizers of this package take: their constructors'
    arguments."""
    return {name for cls in _builtin_optimizers()
            for name, arg in inspect.signature(cls.__init__).parameters.items()
            if name not in ("self", "params") and arg.kind not in (arg.VAR_POSITIONAL,
                                                                   arg.VAR_KEYWORD)}


def _builtin_optimizers():
    """The optimizer classes of this package that name their state entries."""
    found, classes = [], [Optimizer]
    while classes:
        cls = classes.pop()
        classes += cls.__subclasses__()
        if cls.__module__.split(".")[0] == "optim" and cls.state_keys:
            found.append(cls)
    return found


def _state_error(who, missing):
    """The error for a state entry `_update` needs but `_init_state` did not make."""
    return KeyError(f"{who}: the update needs {missing.args[0]!r}, which the parameter's "
                    "state lacks: either a loaded state_dict did not hold it (saved by another "
                    "optimizer or edited), or a setting that needs more state (amsgrad, "
                    "momentum, centered) was switched on after the parameter's first step; "
                    "make a new optimizer (or load a state_dict saved with these settings)")


class _FlatState:
    """A 0-d parameter's state seen through shape-(1,) views, as its `w` and `g` are.

    NumPy returns a scalar, not an array, from a ufunc on 0-d arrays, and a scalar cannot
    be an `out=` buffer; the update rules reuse scratch arrays through `out=`, so a scalar
    parameter is updated as a 1-element view of itself. Writes go through the views; new
    entries are stored with the parameter's 0-d shape, so `state_dict` keeps PyTorch's.
    """

    def __init__(self, state):
        self._state = state

    def __getitem__(self, key):
        return _flat(self._state[key])

    def get(self, key, default=None):
        value = self._state.get(key)
        return default if value is None else _flat(value)

    def __setitem__(self, key, value):
        self._state[key] = value.reshape(()) if is_array(value) else value


def _flat(value):
    return value.reshape(1) if is_array(value) else value


def _param_list(params, who):
    """Parameters as a list (order matters; sets are refused)."""
    if isinstance(params, Variable):
        return [params]
    if isinstance(params, (set, frozenset)):
        raise TypeError(f"{who}: parameters must be an ordered iterable; a set has no "
                        "deterministic order")
    params = list(params)
    for p in params:
        if not isinstance(p, Variable):
            raise TypeError(f"{who}: can only optimize Parameters, got {type(p).__name__}")
        if p.creator is not None:
            raise ValueError(f"{who}: can't optimize a non-leaf Variable (it was computed by "
                             "an op)")
    return params


def _hyper(group):
    return group.hyper() if group.__class__ is ParamGroup else ParamGroup(group).hyper()


def _copy_value(v):
    return v.copy() if is_array(v) else copy.deepcopy(v)


def grad_shape_error(who, p, g):
    name = f"{own_name(p)!r} " if own_name(p) else ""
    return ValueError(f"{who}: the gradient of parameter {name}of shape {tuple(p.shape)} has "
                      f"shape {tuple(g.shape)}: a gradient set by hand must match its "
                      "parameter's shape (PyTorch refuses it too)")


def _moved(state, w):
    kind = type(w)
    for v in state.values():
        if type(v) is not kind and (is_array(v) or isinstance(v, np.generic)):
            return True
    return False


def _convert_state(state, w, who):
    for k, v in state.items():
        state[k] = _to_like(v, w, k, who)


def _check_state_value(value, key, who):
    """A ValueError naming `key` for a state value no update reads: text, a container, an
    array of no numbers, a negative step count (it failed at the next step(), deep inside)."""
    kind = getattr(getattr(value, "dtype", None), "kind", None)
    if isinstance(value, (str, bytes, dict, list, tuple)) or (kind is not None
                                                              and kind not in "biuf"):
        raise ValueError(f"{who}: state {key!r} holds {type(value).__name__} "
                         f"{str(value)[:40]!r}, not a number or an array of numbers")
    if key == "step" and not is_array(value) and value is not None and value < 0:
        raise ValueError(f"{who}: state 'step' is {value}, a count of steps (>= 0)")


def _to_like(value, w, key, who):
    """`value` as a private array on `w`'s backend with `w`'s dtype and shape; a NumPy
    scalar, or a 0-d array beside a parameter that is not one (PyTorch's `step` tensor),
    as a Python number."""
    value = from_torch(value)
    _check_state_value(value, key, who)
    if isinstance(value, np.generic) or (is_array(value) and value.ndim == 0 and (
            w.ndim != 0 or key == "step" or value.dtype.kind in "iub")):  # (a count)
        return to_cpu(value).item()
    if not is_array(value):
        return copy.deepcopy(value)
    xp = get_array_module(w)
    if xp is np:
        value = to_cpu(value)
    if tuple(value.shape) != tuple(w.shape):
        raise ValueError(f"{who}: state {key!r} has shape {tuple(value.shape)}, "
                         f"its parameter {tuple(w.shape)}")
    dtype = w.dtype if value.dtype.kind == "f" else value.dtype
    return xp.array(value, dtype=dtype, copy=True)
