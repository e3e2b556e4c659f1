"""Module: the base class of layers and models (parameters, buffers, children, state_dict).

Parameters, buffers and child modules are registered in assignment order (dicts, never
sets), so `parameters()` and `state_dict()` come out in the same order in every run and
their dotted names (`0.weight`, `rnn.weight_ih_l0`) match PyTorch's.
"""
import functools
import inspect
import itertools
import sys
from collections import OrderedDict, namedtuple

import numpy as np

from autograd.arguments import float_dtype
from autograd.backend import get_array_module, host_array, to_cpu, to_gpu
from autograd.capture import capturing, python_state_changed, replayed
from autograd.config import (
    FORCED_TRAIN,
    python_state_changes_here,
    test_mode,
    train_behaviour,
    train_mode,
)
from autograd.hooks import registry_of
from autograd.lazy import DeZeroName
from autograd.variable import (
    Parameter,
    Variable,
    clear_grad,
    is_uninitialized,
    own_name,
    set_own_name,
    wrap,
)

from . import state_dict_hooks
from .buffer import Buffer
from .call_losses import (
    AddsLosses,
    CallLossesInUse,
    counts_as_module_call,
    outside_any_call,
    top_level_call,
)
from .dtype_casts import DtypeCasts
from .keras_weight_names import link_child, link_weight
from .stored_array import read_all_stored, read_stored

IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


# The types of a first argument that may be, or hold, nn.keras' symbolic tensors (Keras'
# functional API): nn.keras.functional adds its KerasTensor when loaded. Any other first
# argument costs Module.__call__ one set lookup.
SYMBOLIC_FIRST = {list, tuple}


def _maybe_symbolic(module, args, kwargs):
    """module(*args) recorded in nn.keras' graph when the arguments are symbolic tensors;
    else the ordinary call (a list or tuple of arrays)."""
    graph = sys.modules.get("nn.keras.functional")
    if graph is not None and graph.is_symbolic(args[0]):
        return graph.call_symbolically(module, args, kwargs)
    if module._keras_layer:
        return _keras_layer_call(module, args, kwargs)
    return _plain_call(module, args, kwargs)


def _keras_layer_call(module, args, kwargs):
    """A Keras layer's call, passing the masks kept on its inputs and keeping its outputs'
    (nn.training.masking: Keras 3's masks on tensors, which reach the layers of a subclassed
    model's forward); the ordinary call until that module is loaded (no masks exist).
    Keras' `training=` call argument, which every layer takes, goes to a forward that takes
    it, and otherwise sets the behaviour of this call (Dropout's, its sublayers')."""
    if not args and any(type(v) in SYMBOLIC_FIRST for v in kwargs.values()):  # (query=x)
        return sys.modules["nn.keras.functional"].call_symbolically(module, args, kwargs)
    if outside_any_call():  # (a layer called on its own: its losses are this call's)
        with top_level_call(args, kwargs, module):
            return _keras_layer_call(module, args, kwargs)
    if (len(args) > 1 or kwargs.get("training")) and _in_shape_trial():  # (a build's trial
        args, kwargs = _inference_arguments(module, args, kwargs)  # call: inference alone)
    if "training" in kwargs and not takes_training(type(module).forward):
        training = kwargs.pop("training")
        if training is not None:
            with train_behaviour() if training else test_mode():
                return _keras_layer_call(module, args, kwargs)
    call = _plain_call if module._dtype_policy is None else _autocast_call
    masking = sys.modules.get("nn.training.masking")
    if masking is None:
        outputs = call(module, args, kwargs)
    else:
        outputs = masking.call_passing_masks(module, args, kwargs, call)
    if module._activity_regularizer is not None:  # (Keras' base layer's call adds it)
        module.add_activity_penalties(outputs)
    return outputs


def _inference_arguments(module, args, kwargs):
    """args and kwargs with a `training=True` given to a forward that takes it (by keyword
    or by position) made False; to one that does not, it turns on train_behaviour(), which
    inference_pinned() holds off."""
    if not takes_training(type(module).forward):
        return args, kwargs
    try:
        bound = inspect.signature(type(module).forward).bind(module, *args, **kwargs)
    except TypeError:
        return args, kwargs  # (the call's own error comes next)
    if not bound.arguments.get("training"):
        return args, kwargs
    bound.arguments["training"] = False
    return bound.args[1:], bound.kwargs


def _in_shape_trial():
    trials = sys.modules.get("nn.layers.lazy_build")  # (loaded before any trial runs)
    return trials is not None and trials.in_shape_trial()


def _autocast_call(module, args, kwargs):
    """The call of a Keras layer given dtype= (or made under a global policy): its floating
    inputs in its compute dtype, as Keras casts them (its policy says how, and under a mixed
    one reads its weights in that dtype: nn.layers.dtype_policy)."""
    return module._dtype_policy.call(module, _plain_call, args, kwargs)


@functools.cache
def takes_training(forward):
    """Whether a class's forward (or call) takes Keras' `training` argument."""
    try:
        return "training" in inspect.signature(forward).parameters
    except (TypeError, ValueError):
        return False


def _plain_call(module, args, kwargs):
    if module._call_hooks is None:
        return module.forward(*args, **kwargs)
    return module._call_hooks.call(module, args, kwargs)


class StateDictKeyError(KeyError, RuntimeError):
    """A state_dict whose keys do not match the model's; the message names the keys. A
    RuntimeError too, as PyTorch raises one (`except RuntimeError` in ported code)."""

    def __str__(self):  # KeyError would print the message in quotes
        return str(self.args[0]) if self.args else ""


_CREATED = itertools.count()  # (Module._creation_rank: the order modules were made in)


class Module(DtypeCasts, AddsLosses):
    """A piece of a model: `__call__` runs `forward`; Parameters and Modules assigned as
    attributes are registered automatically, in assignment order."""

    # DeZero's Layer methods that rungrad names as PyTorch does (docs/coming_from_dezero.md)
    cleargrads = DeZeroName("model.zero_grad()")
    params = DeZeroName("model.parameters()")

    def __setstate__(self, state):
        """An unpickled (or deep-copied) module's attributes; what it holds is linked to it
        again for Keras' weight names (a pickle drops those links: nn/keras_weight_names)."""
        self.__dict__.update(state)
        for registry in (self.__dict__.get("_parameters", {}), self.__dict__.get("_modules", {})):
            for key, value in registry.items():
                if value is not None:
                    _link_held(self, key, value)

    def __init__(self):
        set_attr = object.__setattr__
        set_attr(self, "_parameters", Registry(self))
        set_attr(self, "_buffers", Registry(self))
        set_attr(self, "_non_persistent", {})
        set_attr(self, "_modules", Registry(self))
        set_attr(self, "_training", True)
        # Keras numbers unnamed layers in the order they were made ('dense', 'dense_1', ...:
        # nn.layers.keras_name.layer_names)
        set_attr(self, "_creation_rank", next(_CREATED))

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__}.forward is not implemented")

    _call_hooks = None  # an autograd.call_hooks.CallHooks once a module hook is registered
    _keras_layer = False  # Keras-style layers (nn.layers.keras_name) pass masks on
    _dtype_policy = None  # a Keras layer's dtype= (nn.layers.dtype_policy): casts its inputs
    _activity_regularizer = None  # a Keras layer's (nn.activity_regularizer)

    def __call__(self, *args, **kwargs):
        if args and type(args[0]) in SYMBOLIC_FIRST:  # nn.keras' functional API (one check)
            return _maybe_symbolic(self, args, kwargs)
        if self._keras_layer:
            return _keras_layer_call(self, args, kwargs)
        if CallLossesInUse.any and outside_any_call():  # (the layers' losses: this call's)
            with top_level_call(args, kwargs, self):
                return _plain_call(self, args, kwargs)
        if self._call_hooks is None:
            return self.forward(*args, **kwargs)
        return self._call_hooks.call(self, args, kwargs)

    # ----- hooks (PyTorch's) -----
    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """`hook(module, args)` before each forward; it may return replacement args. As
        PyTorch's: with_kwargs, `hook(module, args, kwargs)` returning None or (args,
        kwargs); prepend, before the hooks registered earlier."""
        return self._hooks().add("pre", hook, "register_forward_pre_hook", prepend, with_kwargs)

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False,
                              always_call=False):
        """`hook(module, args, output)` after each forward; it may return a new output. As
        PyTorch's: with_kwargs, `hook(module, args, kwargs, output)`; prepend, before the
        hooks registered earlier; always_call, run (with output None) also when forward
        raised."""
        return self._hooks().add("forward", hook, "register_forward_hook", prepend,
                                 with_kwargs, always_call)

    def register_full_backward_hook(self, hook, prepend=False):
        """`hook(module, grad_input, grad_output)` once the gradients w.r.t. this call's
        inputs are computed (None for inputs that need none); it may return a new grad_input.
        prepend: run before the hooks registered earlier."""
        return self._hooks().add("backward", hook, "register_full_backward_hook", prepend)

    def register_full_backward_pre_hook(self, hook, prepend=False):
        """`hook(module, grad_output)` before the gradients w.r.t. this call's inputs are
        computed (grad_output: one entry per output, None for one that needs no gradient);
        it may return a new grad_output, which the module's backward then uses (PyTorch's).
        prepend: run before the hooks registered earlier."""
        return self._hooks().add("backward_pre", hook, "register_full_backward_pre_hook",
                                 prepend)

    def _hooks(self):
        """This module's own hook registry (made at its first hook; the class's default is
        None, or the global hooks while some are registered: nn.global_hooks)."""
        own = self.__dict__.get("_call_hooks")
        if own is None:
            from autograd import call_hooks
            if self._call_hooks is not None:  # (the global registry: not this module's own)
                object.__setattr__(self, "_call_hooks", None)
            return registry_of(self, "_call_hooks", call_hooks.CallHooks)
        return own

    # ----- registration -----
    def __setattr__(self, name, value):
        try:
            params, buffers, modules = self._parameters, self._buffers, self._modules
        except AttributeError:
            if not isinstance(value, (Parameter, Module, Buffer)) and not isinstance(
                    getattr(type(self), name, None), property):  # a plain value (PyTorch's
                object.__setattr__(self, name, value)  # rule: `self.size = n` first)
                return
            raise AttributeError(f"{type(self).__name__}: call super().__init__() before "
                                 f"assigning the {type(value).__name__} {name!r}") from None
        note_replaced(name, value, params, buffers, modules)
        if isinstance(value, Parameter):
            _discard(name, buffers, modules)
            params[name] = value
            _constrain(self, name, value)
        elif isinstance(value, Module):
            if params.get(name) is not None:  # (PyTorch's rule: a parameter stays one)
                raise TypeError(f"{type(self).__name__}: cannot assign the module "
                                f"{type(value).__name__} to parameter {name!r} (a Parameter "
                                f"or None is required; del it first to replace it)")
            _discard(name, params, buffers)
            modules[name] = value
        elif name in params:
            if value is not None:
                raise TypeError(f"{type(self).__name__}: cannot assign {type(value).__name__} "
                                f"to parameter {name!r} (a Parameter or None is required)")
            params[name] = None
        elif name in modules:
            if value is not None:
                raise TypeError(f"{type(self).__name__}: cannot assign {type(value).__name__} "
                                f"to submodule {name!r} (a Module or None is required)")
            modules[name] = None
        elif isinstance(value, Buffer):  # (PyTorch 2's: registers, persistent or not)
            self.register_buffer(name, value.data, value.persistent)
            return
        elif name in buffers:
            value = _check_buffer(self, name, value)
            buffers[name] = value
        else:  # a plain attribute: Dropout's `p`, `self.scale = Variable(...)`, which a
            _note_setting_changed(self, name, value)  # captured step may have read
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        note_replaced(name, ABSENT, self._parameters, self._buffers, self._modules)
        registered = any(name in r for r in (self._parameters, self._buffers, self._modules))
        _discard(name, self._parameters, self._buffers, self._modules, self._non_persistent)
        if not registered:  # (a registry's entry takes its attribute with it)
            object.__delattr__(self, name)

    def register_parameter(self, name, param):
        """Register `param` (a Parameter, or None for an absent one such as `bias=False`)."""
        _check_name(self, name, self._parameters)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"{type(self).__name__}.register_parameter: {name!r} must be a "
                            f"Parameter or None, got {type(param).__name__}")
        note_replaced(name, param, self._parameters, self._buffers, self._modules)
        _discard(name, self._buffers, self._modules)
        self._parameters[name] = param
        _constrain(self, name, param)
        object.__setattr__(self, name, param)

    def register_buffer(self, name, array, persistent=True):
        """Register a non-trained array (e.g. BatchNorm's running mean); persistent buffers
        are saved in `state_dict()`."""
        _check_name(self, name, self._buffers)
        array = _check_buffer(self, name, array)
        note_replaced(name, array, self._buffers, self._parameters, self._modules)
        _discard(name, self._parameters, self._modules)
        self._buffers[name] = array
        if persistent:
            self._non_persistent.pop(name, None)
        else:
            self._non_persistent[name] = True
        object.__setattr__(self, name, array)

    def add_module(self, name, module):
        """Register `module` (or None) as a child under `name`."""
        _check_name(self, name, self._modules)
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(self).__name__}.add_module: {name!r} must be a Module or "
                            f"None, got {type(module).__name__}")
        note_replaced(name, module, self._modules, self._parameters, self._buffers)
        _discard(name, self._parameters, self._buffers)
        self._modules[name] = module
        object.__setattr__(self, name, module)

    def register_module(self, name, module):
        """PyTorch's other name for add_module."""
        self.add_module(name, module)

    def set_submodule(self, target, module, strict=False):
        """Put `module` at the dotted path `target` ('encoder.layers.0'), whose parent must
        exist (PyTorch's). The name must be a submodule's or a new one: an attribute of
        another kind (a plain setting, a method such as `forward`) is refused, not replaced
        by the module; strict=True: it must already be a submodule."""
        _check_path(target, "set_submodule")
        if not target:
            raise ValueError("set_submodule: target is empty; name the place of the module")
        parent, _, name = target.rpartition(".")
        owner = self.get_submodule(parent)
        if not isinstance(module, Module):
            raise TypeError(f"set_submodule: {target!r} must be given a Module, got "
                            f"{type(module).__name__}")
        where = f"{type(owner).__name__} at {parent or 'the top'!r}"
        if name not in owner._modules:
            if strict:
                raise AttributeError(f"set_submodule: {where} has no submodule {name!r} "
                                     f"(in {target!r}; strict=True replaces one only)")
            if hasattr(owner, name):
                raise AttributeError(f"set_submodule: {name!r} of {where} is not a "
                                     f"submodule but of type {type(getattr(owner, name)).__name__}"
                                     f" (in {target!r})")
        setattr(owner, name, module)

    # ----- traversal -----
    def named_modules(self, prefix="", remove_duplicate=True):
        """(dotted name, module) for this module and every descendant, pre-order; each once,
        or with remove_duplicate=False a module held at several paths at each of them."""
        seen = set()
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if remove_duplicate and id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [(_join(name, n), m) for n, m in module._held_children()]
            stack.extend(reversed(children))

    def modules(self):
        if _overrides(self, "named_modules"):  # (a subclass's own walk decides)
            for _, module in self.named_modules():
                yield module
            return
        yield from _walk(self)

    def get_submodule(self, target):
        """The module at the dotted path `target` ('' is this one), as PyTorch's."""
        _check_path(target, "get_submodule")
        module, parts = self, target.split(".") if target else []
        for depth, name in enumerate(parts):
            child = module._modules.get(name)
            if child is None:
                where = ".".join(parts[:depth]) or type(self).__name__
                raise AttributeError(f"get_submodule: {where} has no submodule {name!r} "
                                     f"(in {target!r})")
            module = child
        return module

    def get_parameter(self, target):
        """The parameter at the dotted path `target` ('layers.0.weight'), as PyTorch's."""
        return self._get_registered(target, "_parameters", "parameter")

    def get_buffer(self, target):
        """The buffer at the dotted path `target` ('bn.running_mean'), as PyTorch's."""
        return self._get_registered(target, "_buffers", "buffer")

    def _get_registered(self, target, registry, kind):
        _check_path(target, f"get_{kind}")
        path, _, name = target.rpartition(".")
        module = self.get_submodule(path)
        value = getattr(module, registry).get(name)
        if value is None:
            raise AttributeError(f"get_{kind}: {type(module).__name__} at {path or 'the top'!r} "
                                 f"has no {kind} {name!r}")
        return value

    def named_children(self):
        """(name, child) pairs; a child held under two names comes once (PyTorch's: apply
        and children visit a shared layer once)."""
        seen = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def _held_children(self):
        """(name, child) at every name a child is held under: a layer used twice at both
        places (what a saved architecture and a summary list; named_children gives it
        once)."""
        return [(name, m) for name, m in self._modules.items() if m is not None]

    def _keras_children(self):
        """(name, child) in the order Keras lists the layers (get_weights' order): the
        order they are held in (a functional model's is its graph's, nn.keras.functional)."""
        return self._held_children()

    def children(self):
        for _, module in self.named_children():
            yield module

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """(dotted name, Parameter) pairs in registration order; a shared Parameter once, or
        with remove_duplicate=False under each of its names."""
        return _named_members(self, "_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        if _overrides(self, "named_parameters", "named_modules"):  # (its own walk decides)
            for _, param in self.named_parameters(recurse=recurse):
                yield param
            return
        yield from _members(self, "_parameters", recurse)

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        return _named_members(self, "_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        if _overrides(self, "named_buffers", "named_modules"):
            for _, buf in self.named_buffers(recurse=recurse):
                yield buf
            return
        yield from _members(self, "_buffers", recurse)

    def apply(self, fn):
        """Call `fn(module)` on every descendant, then on this module (PyTorch's order)."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # ----- modes and gradients -----
    @property
    def training(self):
        """True in training mode (`train()`), False after `eval()` and, in the calling thread
        only, inside `autograd.test_mode()` (so `predict` in one thread never changes another
        thread's training)."""
        mode = train_mode.get()
        return mode is FORCED_TRAIN or (self._training and mode is True)

    @training.setter
    def training(self, mode):
        mode = bool(mode)
        if mode != self._training:  # captured steps ran this module's other mode's ops
            python_state_changed(f"switched {type(self).__name__} to "
                                 f"{'train()' if mode else 'eval()'}")
        object.__setattr__(self, "_training", mode)

    def train(self, mode=True):
        """Training mode (Dropout drops, BatchNorm uses batch statistics) for every module."""
        if not isinstance(mode, (bool, np.bool_)):  # train("False") would mean True
            raise ValueError(f"{type(self).__name__}.train: mode must be True or False, got "
                             f"{mode!r}")
        mode = bool(mode)
        changes = python_state_changes_here()[0]
        _set_training(self, mode)
        if python_state_changes_here()[0] != changes:  # (named by this module, not a child)
            python_state_changed(f"switched {type(self).__name__} to "
                                 f"{'train()' if mode else 'eval()'}")
        return self

    def eval(self):
        return self.train(False)

    @replayed  # a captured step repeats it (autograd.capture)
    def zero_grad(self, set_to_none=True):
        """Forget every parameter's gradient: `.grad` becomes None, or with
        set_to_none=False zeros in the same memory (PyTorch's `zero_grad`)."""
        for param in self.parameters():
            clear_grad(param, set_to_none)

    def requires_grad_(self, requires_grad=True):
        """Freeze (False) or unfreeze every parameter."""
        for param in self.parameters():
            param.requires_grad = bool(requires_grad)
        return self

    _keras_frozen = False  # set by `trainable = False`: see BatchNorm's forward

    @property
    def trainable(self):
        """Keras' flag. Setting it False freezes every parameter (requires_grad_(False)) and
        marks the layers frozen: `model.layers[0].trainable = False` keeps that layer's
        weights through fit (summary() counts them as non-trainable), and a frozen BatchNorm
        runs as in inference, keeping its statistics, as Keras'. Reads False while the
        layer is marked frozen or any parameter does not require grad, but those Keras never
        trains (`_never_trained`: a weight made with add_weight(trainable=False)), which
        setting it True leaves frozen."""
        never = {id(p) for module in self.modules() for p in module._never_trained()}
        return not self._keras_frozen and all(p.requires_grad for p in self.parameters()
                                              if id(p) not in never)

    @trainable.setter
    def trainable(self, value):
        self.requires_grad_(value)
        for module in self.modules():
            object.__setattr__(module, "_keras_frozen", not value)
            for p in module._never_trained():
                p.requires_grad = False
        python_state_changed(f"set {type(self).__name__}.trainable")  # (the layers' behaviour)

    def _never_trained(self):
        """This module's own parameters Keras never trains, whatever `trainable` says."""
        return ()

    # ----- devices -----
    def to_gpu(self):
        return self._move(to_gpu)

    def to_cpu(self):
        return self._move(to_cpu)

    def cpu(self):
        """PyTorch's name for to_cpu."""
        return self.to_cpu()

    def cuda(self, device=None):
        """PyTorch's name for to_gpu (CuPy's current device; `device` is not chosen here)."""
        return self.to_gpu()

    def to(self, *args, dtype=None, device=None, non_blocking=False):
        """PyTorch's `Module.to`, in place: `to(np.float64)`, `to("float64")`, `to("cuda")`,
        `to("cpu")`, `to(torch.device("cpu"))`, `to(array)` (its dtype), or by keyword
        (`non_blocking` is taken and changes nothing: every copy here completes at once).
        Floating-point parameters (lazy ones' placeholders too), their gradients and floating
        buffers take the dtype; integer buffers (BatchNorm's count) keep theirs. Returns the
        module. Make the optimizer after converting: its state keeps the dtype it was made
        in."""
        for arg in args:
            if hasattr(arg, "dtype") and not isinstance(arg, type):  # an array: its dtype
                dtype = arg.dtype  # (before str(): that would print it, or copy a GPU array)
            elif str(arg).split(":")[0] in _DEVICES:  # (a torch.device prints its name)
                device = str(arg)
            else:
                dtype = arg
        if device is not None:  # ("cuda:0", "cpu:0": one device of each here)
            self._move(to_cpu if str(device).split(":")[0] == "cpu" else to_gpu)
        if dtype is not None:
            try:
                dtype = float_dtype(dtype, f"{type(self).__name__}.to")
            except TypeError as error:
                raise TypeError(f"{error} (or a device: 'cpu', 'cuda')") from None
            self._move(lambda a: a.astype(dtype, copy=False) if a.dtype.kind == "f" else a)
            for module in self.modules():  # a layer's own dtype setting (its config) follows
                if isinstance(vars(module).get("dtype"), np.dtype):
                    module.dtype = dtype
        return self

    def bfloat16(self):
        """PyTorch's bfloat16(), refused by name: NumPy has no bfloat16."""
        raise TypeError(f"{type(self).__name__}.bfloat16(): NumPy has no bfloat16, so rungrad "
                        "computes in float16 (half()), float32 (float()) or float64 (double())")

    def _moved(self, convert):
        """Told by to() that the module's arrays go through `convert` (to_gpu, to_cpu, a
        dtype cast): for state kept outside parameters and buffers (a text layer's output
        device); nothing by default."""

    def _move(self, convert):
        for module in self.modules():
            module._moved(convert)
            for param in module._parameters.values():
                if param is not None:
                    param.data = convert(param.data)
                    if param.grad is not None:
                        param.grad = wrap(convert(param.grad.data), False)
            for name, buf in list(module._buffers.items()):
                if buf is not None:
                    setattr(module, name, convert(buf))
        return self

    # ----- state -----
    def state_dict(self, *, destination=None, prefix="", keep_vars=False):
        """OrderedDict dotted name -> copy of the array, parameters and persistent buffers.
        Copies, unlike PyTorch's tensors sharing the parameters' memory: a snapshot kept as
        the best weights stays so while training goes on (load_state_dict writes back).
        State-dict hooks (register_state_dict_pre_hook / _post_hook) run around it.
        PyTorch's keywords: `destination`, a dict the entries are added to (and returned);
        `prefix`, put before every name; keep_vars=True, the Parameters themselves (no
        copies) where it has them."""
        _refuse_torch_state_method(self, "state_dict", "_save_to_state_dict")
        parameters = dict(self.named_parameters(remove_duplicate=False)) if keep_vars else {}

        def entry(name, array):
            return parameters[name] if name in parameters else array.copy()
        if state_dict_hooks.any_hooks(self, "state_dict_pre", "state_dict_post"):
            # (the hooks see the whole prefix, PyTorch's: the names come back with it)
            state = state_dict_hooks.hooked_state(self, entry, keep_vars, prefix)
            if destination is None:
                return state
            destination.update(state)
            return destination
        if any(type(child).state_dict is not Module.state_dict or has_extra_state(child)
               for child in self.modules()):
            return self._state_by_children(destination, prefix, keep_vars, entry)
        state = OrderedDict((name, entry(name, array)) for name, array in state_arrays(self))
        if not prefix and destination is None:
            return state
        destination = OrderedDict() if destination is None else destination
        for name, value in state.items():
            destination[prefix + name] = value
        return destination

    def _state_by_children(self, destination, prefix, keep_vars, entry):
        """state_dict() as PyTorch builds it where a module below has a state_dict or extra
        state of its own: this module's own entries and extra state, then each child's
        state_dict(), which that one may change (a shared child under each of its names)."""
        destination = OrderedDict() if destination is None else destination
        for name, array in own_state_arrays(self):
            destination[prefix + name] = entry(name, array)
        if has_extra_state(self):
            destination[prefix + "_extra_state"] = self.get_extra_state()
        for name, child in self._modules.items():
            if child is not None:
                child.state_dict(destination=destination, prefix=f"{prefix}{name}.",
                                 keep_vars=keep_vars)
        return destination

    def get_extra_state(self):
        """PyTorch's: state beyond the parameters and buffers (a step counter, a config) that
        state_dict() holds under `<name>._extra_state` where a class overrides this and
        set_extra_state. Not to be called on a class that does not."""
        raise RuntimeError(f"{type(self).__name__}.get_extra_state: override it (with "
                           "set_extra_state) to keep state of your own in the state dict")

    def set_extra_state(self, state):
        """PyTorch's: take back what get_extra_state gave (load_state_dict calls it)."""
        raise RuntimeError(f"{type(self).__name__}.set_extra_state: override it (with "
                           "get_extra_state) to keep state of your own in the state dict")

    def register_state_dict_pre_hook(self, hook):
        """`hook(module, prefix, keep_vars)` before state_dict() reads this module's state
        (nn/state_dict_hooks.py)."""
        return state_dict_hooks.register(self, "state_dict_pre", hook,
                                         "register_state_dict_pre_hook")

    def register_state_dict_post_hook(self, hook):
        """`hook(module, state_dict, prefix, local_metadata)` after state_dict(), changing
        state_dict in place (nn/state_dict_hooks.py)."""
        return state_dict_hooks.register(self, "state_dict_post", hook,
                                         "register_state_dict_post_hook")

    def register_load_state_dict_pre_hook(self, hook):
        """`hook(module, state_dict, prefix, local_metadata, strict, missing_keys,
        unexpected_keys, error_msgs)` before load_state_dict() matches any key; it may change
        the state dict (nn/state_dict_hooks.py)."""
        return state_dict_hooks.register(self, "load_pre", hook,
                                         "register_load_state_dict_pre_hook")

    def register_load_state_dict_post_hook(self, hook):
        """`hook(module, incompatible_keys)` after load_state_dict(); keys it removes from
        incompatible_keys do not fail a strict load (nn/state_dict_hooks.py)."""
        return state_dict_hooks.register(self, "load_post", hook,
                                         "register_load_state_dict_post_hook")

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copy the arrays of `state_dict` into this model's parameters and buffers.

        Everything is checked before anything is written, so a failed load leaves the model
        unchanged. Values are copied into the existing arrays, which keep their dtype. A lazily
        sized layer not built yet is built from the loaded arrays' shapes (PyTorch's lazy
        modules), keeping its parameter objects, so an optimizer made earlier still holds them.
        With strict=False, missing and unexpected keys are allowed (shapes still must match).
        A checkpoint of a DistributedDataParallel wrapper (every key `module.`...) loads into
        the bare module. assign=True (PyTorch's) takes the loaded arrays themselves, with their
        dtype, in place of copying into the old ones; the Parameter objects stay (PyTorch makes
        new ones), so an optimizer made earlier still holds them. Load pre- and post-hooks run
        around it (nn/state_dict_hooks.py); with a post-hook, strict=True checks the keys
        after it, as PyTorch: the matching keys are loaded before that error. Returns
        (missing_keys, unexpected_keys).
        """
        if not callable(getattr(state_dict, "items", None)):
            raise TypeError(f"load_state_dict: expected a dict-like state_dict (name -> array), "
                            f"got {type(state_dict).__name__}")
        _refuse_torch_state_method(self, "load_state_dict", "_load_from_state_dict")
        state_dict = _unwrapped(self, state_dict)
        missing, unexpected = [], []  # (with what load pre-hooks report)
        if state_dict_hooks.any_hooks(self, "load_pre"):  # (they change a copy, not yours)
            state_dict = read_all_stored(OrderedDict(state_dict), dict(state_arrays(self)))
            state_dict_hooks.before_load(self, state_dict, strict, missing, unexpected)
        builds, lazy_targets = _lazy_builds(self, state_dict)
        targets = OrderedDict(state_arrays(self, ""))
        targets.update(lazy_targets)
        extras = dict(_extra_state_holders(self))  # (their values go to set_extra_state)
        optional = _kept_when_missing(self)
        missing += [k for k in [*targets, *extras] if k not in state_dict and k not in optional]
        unexpected += [k for k in state_dict if k not in targets and k not in extras]
        post_hooks = state_dict_hooks.any_hooks(self, "load_post")
        if strict and (missing or unexpected) and not post_hooks:
            raise StateDictKeyError(_key_mismatch_message(self, missing, unexpected))
        plan = _checked_plan(targets, state_dict, lazy_targets)
        if assign:
            _check_assignable(self, plan)
        for module, size in builds:  # every check passed: now lazy layers may take their shape
            module.build(size)
        targets = OrderedDict(state_arrays(self, ""))
        for key, value in plan:
            target = targets[key]
            xp = get_array_module(target)
            if assign:
                self._assign(key, xp.asarray(value))
            else:
                target[...] = xp.asarray(value).astype(target.dtype, copy=False)
        for key, module in extras.items():
            if key in state_dict:
                module.set_extra_state(state_dict[key])
        written = {key for key, _ in plan}
        for name, param in self.named_parameters():  # graphs that saved the old values
            if name in written:                      # refuse to backward, as after a step
                param.bump_version()
        result = IncompatibleKeys(missing, unexpected)
        if post_hooks:
            state_dict_hooks.after_load(self, result)
            if strict and (result.missing_keys or result.unexpected_keys):
                raise StateDictKeyError(_key_mismatch_message(self, result.missing_keys,
                                                              result.unexpected_keys))
        return result

    def _assign(self, key, array):
        """The parameter or buffer at dotted `key` made to hold `array` itself (a copy of a
        read-only one: an optimizer writes into it)."""
        if not getattr(array.flags, "writeable", True):
            array = array.copy()
        owner_path, _, name = key.rpartition(".")
        owner = self.get_submodule(owner_path)
        if name in owner._parameters:
            owner._parameters[name].data = array
        else:
            setattr(owner, name, array)

    # ----- Keras' weight lists -----
    _keras_transposed = ()  # own parameters Keras keeps transposed (Dense's weight)
    _keras_integer_weights = ()  # own integer buffers that are Keras weights (a count)

    def get_weights(self):
        """Keras' get_weights: a copy of every floating-point array state_dict holds (the
        parameters, and BatchNorm's running statistics: Keras' non-trainable weights) as a
        NumPy array, in state_dict order but for the layers, which come in Keras' order (a
        functional model's: nn.keras.layer_order); a Dense's weight comes as Keras' kernel,
        (in, out)."""
        return [to_cpu(array).T.copy() if transposed else to_cpu(array).copy()
                for _, array, transposed in self._keras_weights()]

    def set_weights(self, weights):
        """Keras' set_weights: arrays in get_weights' order and shapes, loaded as
        load_state_dict loads them (each keeps its dtype; everything checked first)."""
        slots = self._keras_weights()
        weights = list(weights)
        if len(weights) != len(slots):
            raise ValueError(f"{type(self).__name__}.set_weights: expected {len(slots)} arrays "
                             f"(as get_weights gives), got {len(weights)}")
        arrays = [np.asarray(host_array(w)) for w in weights]
        for i, ((_, target, transposed), array) in enumerate(zip(slots, arrays)):
            expected = target.shape[::-1] if transposed else target.shape
            if array.shape != tuple(expected):
                raise ValueError(f"{type(self).__name__}.set_weights: array {i} has shape "
                                 f"{array.shape}, expected {tuple(expected)}")
        self.load_state_dict({key: array.T if transposed else array
                              for (key, _, transposed), array in zip(slots, arrays)},
                             strict=False)

    def apply_constraints(self):
        """Project the weights that have a constraint (`kernel_constraint=` and friends,
        nn.constraints) back into their sets, as fit does after each step; a PyTorch-style
        loop calls it after `opt.step()`."""
        from .layers.constrained import apply_constraints  # (it builds on this module)
        apply_constraints(self)

    def count_params(self):
        """Keras' count_params: the number of values get_weights gives."""
        return sum(array.size for _, array, _ in self._keras_weights())

    def _keras_weights(self):
        """(state_dict key, array, whether Keras keeps it transposed) for each floating-point
        array of state_dict: this module's own, then each child's `_keras_weights` in
        Keras' order (a layer that orders its weights its own way, SpectralNormalization,
        keeps that order inside a model too); one two layers share comes once, as Keras
        counts it."""
        found = [(key, array, key in self._keras_transposed)
                 for key, array in own_state_arrays(self)
                 if array.dtype.kind == "f" or key in self._keras_integer_weights]
        for name, child in self._keras_children():
            found += [(_join(name, key), array, transposed)
                      for key, array, transposed in child._keras_weights()]
        seen, kept = set(), []
        for entry in found:
            if id(entry[1]) not in seen:
                seen.add(id(entry[1]))
                kept.append(entry)
        return kept

    def save_weights(self, filepath, overwrite=True, max_shard_size=None):
        """Write the state_dict to `filepath` atomically: a safetensors file for a
        `.safetensors` path, else an .npz archive (see nn.serialization). Keras' arguments:
        overwrite=False refuses an existing file with a FileExistsError (Keras asks on the
        terminal instead); max_shard_size (sharded files) is not supported."""
        from .serialization import save_weights  # it builds on this module: import late
        if max_shard_size is not None:
            raise ValueError(f"save_weights: max_shard_size={max_shard_size!r}: sharded "
                             "weights files are not supported; leave it None (one file)")
        return save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, path, strict=True, skip_mismatch=False, by_name=False):
        """Load weights written by `save_weights` (never unpickles anything).
        skip_mismatch=True (Keras'): the weights the model does not hold, or holds in
        another shape, are skipped with a warning naming them, instead of refused.
        by_name=True (Keras 2's .h5 files only): each layer from the file's of its name."""
        from .serialization import load_weights
        return load_weights(self, path, strict=strict, skip_mismatch=skip_mismatch,
                            by_name=by_name)

    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """Write the whole model to `filepath` in one file: architecture, weights, compile
        settings and optimizer state (Keras' model.save); `nn.load_model(filepath)` reads it
        back. Keras' arguments: overwrite=False refuses an existing file with a
        FileExistsError (Keras asks on the terminal instead); the file is a zip archive
        (zipped None or True; Keras' unzipped folder, zipped=False, is not supported);
        include_optimizer=False leaves the optimizer's state out (its settings stay: a
        loaded model is compiled with a fresh one; Keras 3 honours it in .h5 files and
        ignores it in .keras ones)."""
        from .training.saving import save_model  # brings in the training layer: import late
        return save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    # ----- drawing -----
    def plot(self, *inputs, to_file="model.png", verbose=True, max_nodes=None):
        """Run the model on `inputs` and draw its computation graph (needs Graphviz), its
        parameters labelled with their names. Drawing changes nothing: buffers a training
        forward updates (BatchNorm's running statistics), the parameters' names, NumPy's
        global random generator and the layers' own (Dropout's masks: a seeded notebook
        draws the same numbers with or without the picture) and a stateful layer's carried
        state are put back as they were (forward hooks do run: it is a real forward). A
        graph of more than `max_nodes` nodes is refused before Graphviz runs, as by
        `autograd.plot_graph`."""
        from autograd.config import using_config
        from autograd.graph import check_max_nodes, checked_target, draw_graph
        who = f"{type(self).__name__}.plot"
        checked_target(to_file, who)  # (before a forward that may take a while)
        check_max_nodes(max_nodes, who)
        names = [(p, own_name(p)) for p in self.parameters()]
        buffers = [(b, b.copy()) for b in self.buffers() if b is not None]
        generator = np.random.get_state()
        restore_held = _held_state(self)
        self.name_parameters()
        try:
            with using_config("enable_backprop", True):
                outputs = self(*inputs)
            return draw_graph(_variables_in(outputs), to_file, verbose, max_nodes=max_nodes,
                              who=who)
        finally:
            for param, name in names:
                set_own_name(param, name)
            for buffer, saved in buffers:
                buffer[...] = saved
            np.random.set_state(generator)
            restore_held()

    def name_parameters(self):
        """Give each unnamed Parameter its dotted name (labels in graph images)."""
        for name, param in self.named_parameters():
            if own_name(param) is None:  # (a Keras weight's name is not its label)
                param.name = name
        return self

    # ----- printing -----
    def extra_repr(self):
        """The text inside this module's parentheses in `repr` (override in layers)."""
        return ""

    def __repr__(self):
        lines = [f"({name}): {_indent(repr(module))}"  # (a None child too: PyTorch's "None")
                 for name, module in self._modules.items()]
        extra = _indent(self.extra_repr())  # (a multi-line one lines up, as PyTorch's)
        if not lines:
            return f"{type(self).__name__}({extra})"
        body = ([extra] if extra else []) + lines
        return f"{type(self).__name__}(\n  " + "\n  ".join(body) + "\n)"


counts_as_module_call(Module.__call__.__code__)  # (nn.call_losses finds calls on the stack)


# ----- helpers -----
def _link_held(holder, key, value):
    """`value` (a Parameter or Module) that `holder` registered under `key`, linked to it
    for Keras' weight names and paths (nn/keras_weight_names.py)."""
    if isinstance(value, Parameter):
        link_weight(holder, key, value)
    else:
        link_child(holder, key, value)


def _set_training(module, mode):
    """module.training = mode, and each child's: through the child's own `train` where its
    class has one (PyTorch calls every child's: a backbone keeping its BatchNorm in eval)."""
    module.training = mode
    for child in module.children():
        if type(child).train is Module.train:
            _set_training(child, mode)
        else:
            child.train(mode)


def _held_state(model):
    """A function putting back what a forward changes in `model`'s modules besides buffers:
    their own random generators (a layer's seed=, held as a Generator or in an object with
    one) and the attributes a stateful layer carries between calls (its class's
    `carried_state`, names: a Keras RNN's `states`)."""
    generators, carried = [], []
    for module in model.modules():
        for value in vars(module).values():
            held = value if isinstance(value, np.random.Generator) else getattr(
                value, "generator", None)
            if isinstance(held, np.random.Generator):
                generators.append((held.bit_generator, held.bit_generator.state))
        carried += [(module, name, getattr(module, name))
                    for name in getattr(type(module), "carried_state", ())]

    def restore():
        for bit_generator, state in generators:
            bit_generator.state = state
        for module, name, value in carried:
            object.__setattr__(module, name, value)
    return restore


def _constrain(module, name, param):
    """A parameter made after its layer's `*_constraint=` was set (a lazily built layer's)
    gets that constraint too (nn.layers.constrained)."""
    if name in module.__dict__.get("_constraints", ()):
        from .layers.constrained import attach  # (it builds on this module)
        attach(module, name, param)


def note_replaced(name, value, *registries):
    """A parameter, buffer or submodule replaced by another object, removed (value
    ABSENT), or registered anew (in place of None, `bias=False`'s, or under a new name):
    captured steps, which replay the structure they recorded, record again
    (autograd.capture). Inside a recording it is the step's own doing (a layer sized at its
    first call); only a replacement counts there, as before."""
    for registry in registries:
        if name in registry:
            old = registry[name]
            if old is not value and (old is not None or not capturing()):
                python_state_changed(f"replaced the parameter, buffer or submodule {name!r}")
            return
    if isinstance(value, _REGISTERED) and not capturing():
        python_state_changed(f"registered the parameter, buffer or submodule {name!r}")


def _note_setting_changed(module, name, value):
    """A plain attribute given another value outside a captured step (Dropout's `p`,
    BatchNorm's `momentum`, a tensor attribute): captured steps, whose replays hold what the
    recording read, record again. Inside one it is the step's own Python (weight_norm's hook
    sets its weight at every forward); an attribute that did not exist could not be read.
    A private name (`_last_shape`) is the layer's own bookkeeping: only its tensors count;
    a property (`training`) is left to its setter."""
    old = module.__dict__.get(name, ABSENT)
    if old is ABSENT:
        old = getattr(type(module), name, ABSENT)
        if hasattr(old, "__set__"):  # a property
            return
    if old is value or old is ABSENT or capturing():
        return
    if isinstance(old, (Variable, np.ndarray)) or (
            not name.startswith("_") and not _equal_plain_values(old, value)):
        python_state_changed(f"gave {type(module).__name__}.{name} another value")


def _equal_plain_values(old, value):
    """Whether two plain values are equal numbers, strings or tuples of them (an array, or
    any other object given anew, counts as a change)."""
    if type(old) is not type(value) or not isinstance(old, _PLAIN_SETTINGS):
        return False
    try:
        return bool(old == value)
    except (ValueError, TypeError):  # (a tuple holding arrays)
        return False


ABSENT = object()
_REGISTERED = (Parameter, Module, Buffer, np.ndarray)  # (np.ndarray: register_buffer's)
_PLAIN_SETTINGS = (int, float, complex, str, bytes, tuple, type(None), np.generic)


class Registry(dict):
    """A module's _parameters, _buffers or _modules: an entry replaced or removed here, as
    PyTorch code does (`model._modules[name] = new_layer` over named_children(), `del
    m._parameters["bias"]`), is replaced or removed as the attribute that forward reads too
    (rungrad keeps both, so that reading `self.weight` costs what any attribute read costs).
    An entry new to the owner's attributes stays an entry only (a LayerDict's keys, which
    may be method names, are no attributes)."""

    __slots__ = ("owner",)

    def __init__(self, owner):
        super().__init__()
        self.owner = owner

    def _attributes(self):
        """The owner's attributes; None while a copy is being rebuilt (pickle sets the
        entries before the owner), whose attributes come with the owner's state."""
        owner = getattr(self, "owner", None)
        return None if owner is None else owner.__dict__

    def __setitem__(self, key, value):
        dict.__setitem__(self, key, value)
        attributes = self._attributes()
        if attributes is not None:
            if key in attributes:
                attributes[key] = value
            if isinstance(value, (Parameter, Module)):  # (Keras' weight names and paths)
                _link_held(self.owner, key, value)

    def __delitem__(self, key):
        dict.__delitem__(self, key)
        attributes = self._attributes()
        if attributes is not None:
            attributes.pop(key, None)

    def pop(self, key, *default):
        if key in self:
            value = self[key]
            del self[key]
            return value
        return dict.pop(self, key, *default)

    def popitem(self):
        if not self:
            raise KeyError("popitem(): the registry is empty")
        key = next(reversed(self))
        return key, self.pop(key)

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, *args, **kwargs):
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def clear(self):
        for key in list(self):
            del self[key]

    def reorder(self, entries):
        """Hold `entries` (the same objects, in another order) in their place; the
        attributes stay as they are."""
        dict.clear(self)
        dict.update(self, entries)


def _discard(name, *registries):
    for registry in registries:
        registry.pop(name, None)


def _check_name(module, name, registry):
    """A name for a parameter, buffer or submodule: valid, and not taken by an attribute of
    another kind (a weight, a method), which registering would replace unseen (PyTorch's
    rule; assignment, `module.name = value`, replaces on purpose)."""
    if not isinstance(name, str) or not name or "." in name:
        raise KeyError(f"{type(module).__name__}: invalid attribute name {name!r} "
                       "(a non-empty string without '.')")
    if name not in registry and hasattr(module, name):
        raise KeyError(f"{type(module).__name__}: attribute {name!r} already exists")


_DEVICES = ("cpu", "cuda", "gpu")


def _check_buffer(module, name, array):
    if array is None:
        return None
    if isinstance(array, Variable):
        raise TypeError(f"{type(module).__name__}: buffer {name!r} must be an array, not a "
                        "Variable (use a Parameter for trained values)")
    array = host_array(array)  # (lists, torch tensors)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{type(module).__name__}: buffer {name!r} must be numeric, got "
                        f"dtype {array.dtype}")
    return array


def _check_path(target, who):
    """Refuse a dotted path that is not a string (get_submodule(0) would else be the model
    itself, 0 being falsy like '')."""
    if not isinstance(target, str):
        raise TypeError(f"{who}: target must be a dotted path string ('layers.0'), got "
                        f"{type(target).__name__} {target!r}")


def _join(prefix, name):
    return f"{prefix}.{name}" if prefix else name


def _overrides(module, *methods):
    """Whether `module`'s class replaces any of Module's `methods`: the unnamed walks then go
    through them (named_parameters walks named_modules), as PyTorch's do."""
    cls = type(module)
    return any(getattr(cls, name) is not getattr(Module, name) for name in methods)


def _walk(root):
    """Each module of named_modules(), in its order, without the names: parameters() runs at
    every zero_grad, and joining the dotted names cost most of it."""
    seen, stack = set(), [root]
    while stack:
        module = stack.pop()
        if id(module) in seen:
            continue
        seen.add(id(module))
        yield module
        stack.extend(reversed([m for _, m in module._held_children()]))


def _members(root, registry, recurse):
    """The members of _named_members(root, registry, ...) without their names."""
    seen = set()
    for module in _walk(root) if recurse else (root,):
        for member in getattr(module, registry).values():
            if member is not None and id(member) not in seen:
                seen.add(id(member))
                yield member


def _named_members(root, registry, prefix, recurse, remove_duplicate=True):
    modules = root.named_modules(prefix, remove_duplicate) if recurse else [(prefix, root)]
    seen = set()
    for module_name, module in modules:
        for name, member in getattr(module, registry).items():
            if member is None or (remove_duplicate and id(member) in seen):
                continue
            seen.add(id(member))
            yield _join(module_name, name), member


def _check_assignable(model, plan):
    """load_state_dict(assign=True): a parameter takes only a floating-point array (PyTorch:
    only floating point tensors can require gradients); checked before anything is written."""
    parameters = dict(model.named_parameters())
    for key, value in plan:
        dtype = getattr(value, "dtype", None)
        if key in parameters and (dtype is None or dtype.kind != "f"):
            raise TypeError(f"load_state_dict(assign=True): parameter {key!r} would hold an "
                            f"array of dtype {dtype}; a parameter needs a floating-point array "
                            "(load without assign to copy the values into its own dtype)")


def saved_state(module):
    """(dotted name, array) pairs a file of `module`'s weights holds: its state_dict(), so
    that state-dict hooks, a state_dict() of its own and extra state shape the file as they
    shape the dict (loading runs the load hooks: a file written past them came back changed);
    without either, the arrays themselves (no copy of a large model's weights)."""
    if (type(module).state_dict is Module.state_dict
            and not state_dict_hooks.any_hooks(module, "state_dict_pre")
            and not state_dict_hooks.any_hooks(module, "state_dict_post")
            and next(_extra_state_holders(module), None) is None):
        state = list(state_arrays(module))
    else:
        state = list(module.state_dict().items())
    for name, array in state:  # (what load_state_dict takes back: a file it could not is lost)
        kind = getattr(getattr(array, "dtype", None), "kind", None)
        if kind is None or kind not in "biuf":
            held = f"dtype {array.dtype}" if kind else f"a {type(array).__name__}"
            raise TypeError(f"{name!r} holds {held}: a weights file holds real numbers and "
                            "booleans only (load_state_dict could not take it back)")
    return state


def has_extra_state(module):
    """Whether module's class gives get_extra_state (PyTorch's `<name>._extra_state`)."""
    return type(module).get_extra_state is not Module.get_extra_state


def _extra_state_holders(module):
    """(state-dict key, module) of the modules with extra state, at each of their paths."""
    for name, held in module.named_modules(remove_duplicate=False):  # (state_dict's paths)
        if has_extra_state(held):
            yield _join(name, "_extra_state"), held


def state_arrays(module, prefix=""):
    """(dotted name, array) for every parameter and persistent buffer, in state_dict order
    (placeholders of layers not built yet have no values to save, so they are left out)."""
    yield from own_state_arrays(module, prefix)
    for name, child in module._modules.items():
        if child is not None:
            yield from state_arrays(child, _join(prefix, name))


def own_state_arrays(module, prefix=""):
    """state_arrays of `module`'s own parameters and buffers, not its children's."""
    for name, param in module._parameters.items():
        if param is not None and not is_uninitialized(param):
            yield _join(prefix, name), param.data
    for name, buf in module._buffers.items():
        if buf is not None and name not in module._non_persistent:
            yield _join(prefix, name), buf


_STATE_HOOKS = {"_save_to_state_dict": "register_state_dict_post_hook",
                "_load_from_state_dict": "register_load_state_dict_pre_hook"}


def _refuse_torch_state_method(model, who, method):
    """A NotImplementedError for a module whose class writes PyTorch's private `method`
    (_save_to_state_dict, _load_from_state_dict): rungrad's state dicts never call it, so
    the keys it would rename or the entries it would add would be lost without a word."""
    for module in model.modules():
        if hasattr(type(module), method):
            raise NotImplementedError(
                f"{who}: {type(module).__name__} defines PyTorch's private {method}, which "
                f"rungrad's state dicts do not call; do its work in a hook "
                f"(module.{_STATE_HOOKS[method]}), or with get_extra_state/set_extra_state")


def _lazy_builds(model, state_dict):
    """For each unbuilt lazy layer whose placeholders all have arrays in `state_dict`: the
    (layer, build size) to build it with, and {key: an array of the shape and dtype it will
    have} to check the values against, its parameters' and the buffers the build makes
    (`buffers_for(size)`). Nothing is built here."""
    builds, targets = [], OrderedDict()
    # (every path of a layer held at several, as state_dict names it at each of them)
    for prefix, module in model.named_modules(remove_duplicate=False):
        if getattr(module, "built", True) or not hasattr(module, "size_from_state"):
            continue
        keys = {name: _join(prefix, name) for name, p in module._parameters.items()
                if is_uninitialized(p)}
        buffers_for = getattr(module, "buffers_for", None)  # e.g. BatchNorm's statistics
        buffer_keys = {name: _join(prefix, name) for name in buffers_for(1)} \
            if buffers_for else {}
        if any(key not in state_dict for key in keys.values()) or \
                not any(key in state_dict for key in [*keys.values(), *buffer_keys.values()]):
            continue
        shapes = {name: tuple(np.shape(state_dict[key]))
                  for name, key in {**keys, **buffer_keys}.items() if key in state_dict}
        try:
            size = module.size_from_state(shapes)
        except ValueError as exc:
            raise ValueError(f"load_state_dict: {prefix or type(module).__name__}: {exc}") \
                from None
        if not any(built is module for built, _ in builds):
            builds.append((module, size))
        for name, key in keys.items():  # size_from_state checked these shapes
            targets[key] = np.broadcast_to(np.empty((), module._parameters[name].dtype),
                                           shapes[name])
        for name, array in (buffers_for(size) if buffers_for else {}).items():
            targets[buffer_keys[name]] = array  # checked against the values in the plan
    return builds, targets


def _kept_when_missing(model):
    """The keys of buffers a checkpoint may lack, which then keep their values, as in
    PyTorch (a module's `kept_when_missing`: BatchNorm's num_batches_tracked, absent from
    PyTorch's checkpoints before 0.4.1): not missing, even under strict=True. A module held
    at two paths has its keys at both, as in state_dict."""
    return {_join(prefix, name) for prefix, module in model.named_modules(remove_duplicate=False)
            for name in getattr(module, "kept_when_missing", ())}


def _unwrapped(module, state_dict):
    """`state_dict` without DistributedDataParallel's `module.` key prefix, when every key has
    it and `module` itself has no child called `module` (then the prefix is its own)."""
    prefix = "module."
    if not state_dict or "module" in module._modules or \
            not all(key.startswith(prefix) for key in state_dict):
        return state_dict
    return OrderedDict((key[len(prefix):], value) for key, value in state_dict.items())


def _key_mismatch_message(model, missing, unexpected):
    parts = [f"load_state_dict: the state_dict does not match {type(model).__name__}"]
    if missing:
        parts.append("missing key(s): " + ", ".join(repr(k) for k in missing))
    if unexpected:
        parts.append("unexpected key(s): " + ", ".join(repr(k) for k in unexpected))
    message = "; ".join(parts)
    if any(getattr(m, "built", True) is False for m in model.modules()):
        message += " (some layers infer their input size and are not built yet: call the " \
                   "model on an input first)"
    return message


def _foreign_array(key, value):
    """Lists, numbers and other libraries' arrays as NumPy arrays: PyTorch's detached (a
    model's named_parameters() require grad), or a ValueError naming `key` (bfloat16)."""
    try:
        return host_array(value)
    except (TypeError, RuntimeError) as exc:
        raise StateDictValueError(
            f"load_state_dict: {key!r} cannot become a NumPy array ({exc}); a bfloat16 "
            "tensor needs .float() first") from None


class StateDictValueError(ValueError, RuntimeError):
    """A state_dict value that does not fit the model's array (shape, dtype, range): a
    RuntimeError too, as PyTorch's."""


def _checked_plan(targets, state_dict, lazy_targets):
    """(key, checked value) for each of `targets` that `state_dict` holds. Every entry that
    does not fit is named in one error (PyTorch lists each size mismatch), not the first
    only."""
    plan, problems = [], []
    for key in targets:
        if key in state_dict:
            try:
                plan.append((key, _checked_value(key, targets[key], state_dict[key],
                                                 vouched=key not in lazy_targets)))
            except StateDictValueError as error:
                problems.append(str(error))
    if len(problems) > 1:
        raise StateDictValueError(f"load_state_dict: {len(problems)} entries do not fit:\n  "
                                  + "\n  ".join(problem.removeprefix("load_state_dict: ")
                                                 for problem in problems))
    if problems:
        raise StateDictValueError(problems[0])
    return plan


def _checked_value(key, target, value, vouched=True):
    """`value` as an array that fits `target`, or a ValueError naming `key`. A file's
    StoredArray is read only here, once its shape and dtype fit; vouched: `target` is the
    model's own array (not one shaped from the file: a lazy layer's), which bounds what the
    read may cost (nn.stored_array)."""
    if isinstance(value, Variable):
        value = value.data
    if not hasattr(value, "shape") or not isinstance(getattr(value, "dtype", None), np.dtype):
        value = _foreign_array(key, value)
    if value.dtype.kind not in "biuf":
        raise StateDictValueError(
            f"load_state_dict: {key!r} holds dtype {value.dtype}, not real numbers")
    # (PyTorch's: a 0-d value that a checkpoint from before 0.4 saved with shape (1,))
    squeeze = tuple(target.shape) == () and tuple(value.shape) == (1,)
    if tuple(value.shape) != tuple(target.shape) and not squeeze:
        raise StateDictValueError(
            f"load_state_dict: shape mismatch for {key!r}: the model has "
            f"{tuple(target.shape)}, the state_dict {tuple(value.shape)}")
    float_into_integer = value.dtype.kind == "f" and target.dtype.kind in "iu"
    if not float_into_integer and not np.can_cast(value.dtype, target.dtype,
                                                  casting="same_kind"):
        raise StateDictValueError(
            f"load_state_dict: cannot load dtype {value.dtype} into {key!r} "
            f"of dtype {target.dtype}")
    value = read_stored(value, vouched)
    if squeeze:
        value = value.reshape(())
    if float_into_integer:  # (a checkpoint cast to float: whole numbers load, as PyTorch's)
        value = _whole_numbers(key, value, target.dtype)
    _check_integer_range(key, target.dtype, value)
    _check_float_range(key, target.dtype, value)
    return value


def _whole_numbers(key, value, dtype):
    """Float `value` as the integer `dtype` (a BatchNorm's num_batches_tracked from a
    checkpoint cast to float), or a ValueError naming `key` where a value is not a whole
    number, which PyTorch's copy would truncate without a word."""
    whole = np.isfinite(value) & (value == np.round(value))
    if not whole.all():
        raise StateDictValueError(
            f"load_state_dict: {key!r} is of dtype {dtype}, and the state_dict's "
            f"float value {value[~whole].flat[0].item()!r} is no whole number")
    info = np.iinfo(dtype)  # (bounds one past the range: float64 rounds 2**63 - 1 up to 2**63)
    if value.size and (value.min() < info.min or value.max() >= info.max + 1):
        raise StateDictValueError(
            f"load_state_dict: {key!r} holds values from {value.min()} to "
            f"{value.max()}, which do not fit its dtype {dtype}")
    return value.astype(dtype)


def _check_float_range(key, dtype, value):
    """A ValueError naming `key` where a finite float value would overflow the narrower float
    `dtype` (float64 1e300 into float32 would load as inf without a word)."""
    if dtype.kind != "f" or value.dtype.kind != "f" or not value.size or \
            np.can_cast(value.dtype, dtype, casting="safe"):
        return
    finite = np.abs(value[np.isfinite(value)])
    largest = float(finite.max()) if finite.size else 0.0
    if largest > float(np.finfo(dtype).max):
        raise StateDictValueError(
            f"load_state_dict: {key!r} holds values up to {largest:.3g} in "
            f"magnitude, beyond its dtype {dtype} (largest "
            f"{float(np.finfo(dtype).max):.3g}): they would load as inf")


def _check_integer_range(key, dtype, value):
    """A ValueError naming `key` where an integer value does not fit the integer `dtype`:
    same_kind casting lets int64 into int32 (or uint64 into int64), and the copy would wrap
    2**40 to 0 without a word."""
    if dtype.kind not in "iu" or value.dtype.kind not in "iu" or not value.size or \
            np.can_cast(value.dtype, dtype):  # (a widening cast needs no look at the values)
        return
    low, high = value.min().item(), value.max().item()
    info = np.iinfo(dtype)
    if low < info.min or high > info.max:
        raise StateDictValueError(
            f"load_state_dict: {key!r} holds values from {low} to {high}, which "
            f"do not fit its dtype {dtype} ({info.min} to {info.max})")


def _variables_in(outputs):
    """The Variables in a model's output (a Variable, or nested tuples/lists of them)."""
    if isinstance(outputs, Variable):
        return [outputs]
    found = []
    for item in outputs if isinstance(outputs, (tuple, list)) else ():
        found.extend(_variables_in(item))
    if not found:
        raise TypeError(f"plot: the model returned {type(outputs).__name__}, not Variables")
    return found


def _indent(text):
    return text.replace("\n", "\n  ")


__all__ = ["Module", "StateDictKeyError", "IncompatibleKeys", "state_arrays",
           "own_state_arrays", "saved_state"]
