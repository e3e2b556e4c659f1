"""PyTorch's torch.nn.utils.parametrize: a parameter or buffer computed, on each access,
from `module.parametrizations[name].original` by a chain of modules.

Registering swaps the module's class for a subclass `Parametrized<Class>` that holds a
property per parametrized name (PyTorch's design): ordinary modules keep plain attribute
lookups, and only a parametrized module's own class knows the property.
"""
import copy
from contextlib import contextmanager
from contextvars import ContextVar
from threading import get_ident
from types import SimpleNamespace

from autograd.backend import is_array
from autograd.config import no_grad
from autograd.variable import Parameter, Variable

from ..containers import ModuleDict, ModuleList
from ..module import Module

# Inside `cached()` blocks, this thread's (or task's): {(id(module), name): (module, value)}
# (the module kept: a dead one's id, reused by another, must not find its value)
_cache = ContextVar("parametrize_cache", default=None)
# functional_call's stand-ins: {(id(module), name, thread): (module, value)}
_given = {}


@contextmanager
def cached():
    """Within the block, each parametrized attribute is computed once (on first access) and
    reused: a parametrized weight read by several calls of a recurrent loop costs one
    evaluation. Per thread, as PyTorch's is not: another thread reads fresh values."""
    outer = _cache.get()
    token = _cache.set({} if outer is None else outer)
    try:
        yield
    finally:
        _cache.reset(token)


def _array_of(value, what):
    """The array a Variable or array holds, or a ValueError naming `what`."""
    if isinstance(value, Variable):
        return value.data
    if is_array(value):
        return value
    raise ValueError(f"{what} must return a Variable or an array, got {type(value).__name__}")


def _register_parameter_or_buffer(module, name, value):
    if isinstance(value, Parameter):
        module.register_parameter(name, value)
    else:
        module.register_buffer(name, _array_of(value, "a parametrization"))


def _inverted(parametrizations, value, required):
    """`value` through the chain's right_inverse methods, last module first, under no_grad.
    A module without one (or raising NotImplementedError) is skipped as the identity unless
    `required` (assignment needs every inverse, as PyTorch's)."""
    with no_grad():
        for module in reversed(list(parametrizations)):
            inverse = getattr(module, "right_inverse", None)
            if inverse is None:
                if required:
                    raise RuntimeError(f"parametrization {type(module).__name__} does not "
                                       "implement right_inverse.")
                continue
            try:
                value = inverse(value)
            except NotImplementedError:
                if required:
                    raise
    return value


def _tensors(value, what):
    """right_inverse's result as (one array, None) or (None, a tuple of arrays)."""
    if isinstance(value, Variable) or is_array(value):
        return value, None
    if not isinstance(value, (tuple, list)):
        raise ValueError(f"'{what}' must return a Variable or an array, or a sequence of them "
                         f"(list, tuple...). Got {type(value).__name__}")
    for i, item in enumerate(value):
        _array_of(item, f"'{what}' (element {i} of the sequence)")
    return None, tuple(value)


class ParametrizationList(ModuleList):
    """The chain of parametrizations of one tensor: children "0", "1", ... applied in order
    to `original` (or `original0`, `original1`, ... when the first right_inverse returns
    several tensors); calling it gives the parametrized value."""

    def __init__(self, modules, original, unsafe=False):
        if not modules:
            raise ValueError("ParametrizationList requires one or more modules.")
        super().__init__(modules)
        self.unsafe = unsafe
        # (what the parametrized value must be: a Parameter's array changes just below)
        before = SimpleNamespace(shape=tuple(original.shape), dtype=original.dtype)
        one, several = _tensors(_inverted(self, original, False), "right_inverse")
        if several is None:
            if _array_of(one, "right_inverse").dtype != original.dtype:
                raise ValueError("When `right_inverse` outputs one tensor, it may not change "
                                 f"the dtype.\noriginal.dtype: {original.dtype}\n"
                                 f"right_inverse(original).dtype: {one.dtype}")
            self._store("original", original, _array_of(one, "right_inverse"))
        else:
            requires_grad = getattr(original, "requires_grad", False)
            for i, item in enumerate(several):
                item = Parameter(_array_of(item, "right_inverse").copy(),
                                 requires_grad=requires_grad) \
                    if isinstance(original, Parameter) else _array_of(item, "right_inverse")
                _register_parameter_or_buffer(self, f"original{i}", item)
        self.ntensors = 0 if several is None else len(several)
        if not unsafe:
            with no_grad():
                _check_same(before, self(), "parametrized", "unparametrized")

    @property
    def is_tensor(self):
        """Whether the chain starts from one tensor, `original`."""
        return self.ntensors == 0

    def _store(self, name, original, array):
        """`original` registered as `name`, set to `array` (a Parameter is kept, so an
        optimizer holding it still trains it)."""
        if isinstance(original, Parameter):
            if array is not original.data:
                original.data = array.astype(original.dtype, copy=True)
        else:
            original = array
        _register_parameter_or_buffer(self, name, original)

    def right_inverse(self, value):
        """Set the originals so that the chain gives `value` (every module needs a
        right_inverse)."""
        one, several = _tensors(_inverted(self, value, True), "right_inverse")
        if self.is_tensor:
            if one is None:
                raise ValueError(f"`right_inverse` should return a tensor. Got "
                                 f"{type(several).__name__}")
            array = _array_of(one, "right_inverse")
            if array.dtype != self.original.dtype:
                raise ValueError(f"The tensor returned by `right_inverse` has dtype "
                                 f"{array.dtype} while `original` has dtype "
                                 f"{self.original.dtype}")
            self._store("original", self.original, array)
            return
        if several is None or len(several) != self.ntensors:
            got = type(one).__name__ if several is None else f"length {len(several)}"
            raise ValueError(f"'right_inverse' must return a sequence of tensors of length "
                             f"{self.ntensors}. Got {got}.")
        for i, item in enumerate(several):
            target, array = getattr(self, f"original{i}"), _array_of(item, "right_inverse")
            if array.dtype != target.dtype:
                raise ValueError(f"Tensor {i} returned by `right_inverse` has dtype "
                                 f"{array.dtype} while `original{i}` has dtype {target.dtype}")
            self._store(f"original{i}", target, array)

    def forward(self):
        modules = self._items()
        if self.is_tensor:
            x = modules[0](self.original)
        else:
            x = modules[0](*(getattr(self, f"original{i}") for i in range(self.ntensors)))
        for module in modules[1:]:
            x = module(x)
        return x


def _check_same(reference, value, value_name, reference_name):
    """A ValueError where `value` (a parametrization's output) has another dtype or shape
    than `reference`."""
    array = _array_of(value, "A parametrization")
    for what, expected, got in [("dtype", reference.dtype, array.dtype),
                                ("shape", tuple(reference.shape), tuple(array.shape))]:
        if expected != got:
            raise ValueError(f"Registering a parametrization may not change the {what} of the "
                             "tensor, unless the `unsafe` flag is enabled.\n"
                             f"{reference_name} {what}: {expected}\n{value_name} {what}: {got}")


class _Parametrized(property):
    """The property of one parametrized name: reading runs the chain (or takes the cached
    value inside `cached()`); assigning runs right_inverse."""

    def __init__(self, name):
        def get(module):
            if _given:
                given = _given.get((id(module), name, get_ident()))
                if given is not None and given[0] is module:
                    return given[1]
            chain = module._modules["parametrizations"]._modules[name]
            cache = _cache.get()
            if cache is None:
                return chain()
            key = (id(module), name)
            entry = cache.get(key)
            if entry is None or entry[0] is not module:
                entry = cache[key] = (module, chain())
            return entry[1]

        def set_(module, value):
            module._modules["parametrizations"]._modules[name].right_inverse(value)

        super().__init__(get, set_, doc=f"{name}, computed by its parametrizations")


def is_parametrized_name(module, name):
    """Whether module.<name> is computed by parametrizations."""
    return isinstance(type(module).__dict__.get(name), _Parametrized)


def stand_in(module, name, value):
    """Read `value` as module.<name>, its parametrizations left out, until the returned
    undo is called (functional_call given the parametrized name, as PyTorch's)."""
    key = (id(module), name, get_ident())
    _given[key] = (module, value)
    return lambda: _given.pop(key, None)


def _setattr_of_parametrized(module, name, value):
    # a parametrized name goes to its property's setter, whatever the value (a Parameter
    # too: registering it would hide the property)
    if isinstance(type(module).__dict__.get(name), _Parametrized):
        object.__setattr__(module, name, value)
    else:
        type(module).__bases__[0].__setattr__(module, name, value)


def _inject_new_class(module):
    cls = type(module)
    namespace = {"__setattr__": _setattr_of_parametrized, "__module__": cls.__module__}
    if not hasattr(cls, "__deepcopy__"):  # (a class's own is left to it, as PyTorch's)
        namespace["__deepcopy__"] = _deepcopy_with_a_class_of_its_own
    module.__class__ = type(f"Parametrized{cls.__name__}", (cls,), namespace)


def _deepcopy_with_a_class_of_its_own(module, memo):
    """copy.deepcopy of a parametrized module, its class copied too: the properties live on
    the class, and a shared one (PyTorch's) lets a registration or removal on the copy
    change the original (TransformerEncoder deep-copies its layer)."""
    cls = type(module)
    replica = cls.__new__(cls)
    memo[id(module)] = replica
    replica.__dict__.update(copy.deepcopy(vars(module), memo))
    namespace = {k: v for k, v in vars(cls).items() if k not in ("__dict__", "__weakref__")}
    replica.__class__ = type(cls.__name__, cls.__bases__, namespace)
    return replica


def is_parametrized(module, tensor_name=None):
    """Whether `module` has a parametrization on `tensor_name` (any, for None)."""
    parametrizations = module._modules.get("parametrizations")
    if not isinstance(parametrizations, ModuleDict):
        return False
    return len(parametrizations) > 0 if tensor_name is None else \
        tensor_name in parametrizations


def type_before_parametrizations(module):
    """The module's class as it was before any parametrization was registered."""
    return type(module).__bases__[0] if is_parametrized(module) else type(module)


def register_parametrization(module, tensor_name, parametrization, *, unsafe=False):
    """Make `module.<tensor_name>` (a parameter or buffer, or an already parametrized name)
    `parametrization(original)`: `original` moves to
    `module.parametrizations[tensor_name].original` (set to `right_inverse(value)` when the
    parametrization has one: the attribute keeps its value), or to `original0`,
    `original1`, ... when right_inverse returns several. A second registration on the same
    name chains: the last registered is applied last. `unsafe=True` skips the checks that
    the dtype and shape are kept. Returns the module."""
    if not isinstance(module, Module) or not isinstance(parametrization, Module):
        raise TypeError("register_parametrization: module and parametrization must be "
                        f"nn.Modules, got {type(module).__name__} and "
                        f"{type(parametrization).__name__}")
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        if not unsafe:
            _check_chained(module, tensor_name, parametrization)
        chain = module.parametrizations[tensor_name]
        chain.append(parametrization)
        chain.unsafe |= unsafe
    elif tensor_name in module._parameters or tensor_name in module._buffers:
        original = getattr(module, tensor_name)
        if original is None:
            raise ValueError(f"register_parametrization: {type(module).__name__}."
                             f"{tensor_name} is None")
        chain = ParametrizationList([parametrization], original, unsafe=unsafe)
        delattr(module, tensor_name)
        if not is_parametrized(module):
            _inject_new_class(module)
            module.parametrizations = ModuleDict()
        setattr(type(module), tensor_name, _Parametrized(tensor_name))
        module.parametrizations[tensor_name] = chain
    else:
        raise ValueError(f"Module '{type(module).__name__}' does not have a parameter, a "
                         f"buffer, or a parametrized element with name '{tensor_name}'")
    return module


def _check_chained(module, tensor_name, parametrization):
    """A parametrization added to a chain maps module.<name>'s dtype and shape to
    themselves, and so does its right_inverse."""
    with no_grad():
        current = getattr(module, tensor_name)
        _check_same(current, parametrization(current), f"parametrization(module.{tensor_name})",
                    f"module.{tensor_name}")
        inverse = getattr(parametrization, "right_inverse", None)
        if inverse is None:
            return
        try:
            inverted = inverse(current)
        except NotImplementedError:
            return
        _check_same(current, inverted, "parametrization.right_inverse(module."
                    f"{tensor_name})", f"module.{tensor_name}")


def remove_parametrizations(module, tensor_name, leave_parametrized=True):
    """Undo register_parametrization on `tensor_name`: it becomes a plain parameter (or
    buffer) again, of its current parametrized value (leave_parametrized=True; the same
    Parameter object as `original`, so an optimizer keeps training it) or of `original`
    itself. Returns the module."""
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {type(module).__name__} does not have a parametrization on "
                         f"{tensor_name}")
    chain = module.parametrizations[tensor_name]
    if chain.is_tensor:
        original = chain.original
        if leave_parametrized:
            with no_grad():
                value = _array_of(getattr(module, tensor_name), "A parametrization")
            if isinstance(original, Parameter):
                original.data = value.astype(original.dtype, copy=True)
            else:
                original = value.astype(original.dtype, copy=True)
    elif leave_parametrized:
        with no_grad():
            value = getattr(module, tensor_name)
        original = Parameter(value.data.copy(), requires_grad=chain.original0.requires_grad) \
            if isinstance(chain.original0, Parameter) else _array_of(value, "value").copy()
    else:
        raise ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor "
                         "that is parametrized in terms of a sequence of tensors.")
    delattr(type(module), tensor_name)
    del module.parametrizations[tensor_name]
    _register_parameter_or_buffer(module, tensor_name, original)
    if not is_parametrized(module):
        delattr(module, "parametrizations")
        module.__class__ = type(module).__bases__[0]
    return module


__all__ = ["register_parametrization", "remove_parametrizations", "is_parametrized",
           "cached", "type_before_parametrizations", "ParametrizationList"]
