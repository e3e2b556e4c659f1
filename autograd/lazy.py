"""Package attributes loaded on first use (PEP 562), so that `import autograd, nn, optim`
stays fast: rarely needed parts (graph drawing, gradcheck, schedulers, the training layer)
cost nothing until a program touches them."""
import importlib
import sys


def lazy_attributes(package, names=None, submodules=(), missing=None):
    """`__getattr__` and `__dir__` for `package`.

    names: {attribute: submodule defining it}; submodules: loaded as attributes themselves;
    missing(name): the AttributeError for any other name (default: Python's wording).
    A loaded attribute is stored on the package, so the next access is a plain read.
    """
    names = dict(names or {})
    module = sys.modules[package]

    def __getattr__(name):
        if name in submodules:
            value = importlib.import_module(f"{package}.{name}")
        elif name in names:
            value = getattr(importlib.import_module(f"{package}.{names[name]}"), name)
        elif missing is not None:
            raise missing(name)
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        setattr(module, name, value)
        return value

    def __dir__():
        return sorted(set(vars(module)) | set(submodules) | set(names))

    return __getattr__, __dir__


def dezero_hints(package, hints):
    """`missing(name)` for lazy_attributes: the AttributeError for `package.name`, naming
    what rungrad calls it when `name` is DeZero's ({DeZero name: rungrad's way})."""
    def missing(name):
        message = f"module {package!r} has no attribute {name!r}"
        if name in hints:
            message += f": DeZero's {name} is {hints[name]} (docs/coming_from_dezero.md)"
        return AttributeError(message)
    return missing


class DeZeroName:
    """A class attribute standing for a DeZero method rungrad names otherwise: reading it
    raises the AttributeError that says what to write. A non-data descriptor, so it costs
    nothing elsewhere (a class `__getattr__` would slow every attribute read) and an
    instance attribute of that name still wins."""

    def __init__(self, hint):
        self.hint = hint

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        raise AttributeError(f"{(owner or type(obj)).__name__!r} object has no attribute "
                             f"{self.name!r}: DeZero's {self.name} is {self.hint}")


def refuse_book_keywords(given, who, renames):
    """The TypeError for keyword arguments a function does not take, naming rungrad's
    keyword where one is DeZero's (the book's `pad=`, `dropout_ratio=`)."""
    for name in given:
        hint = f": DeZero's {name}= is {renames[name]} here" if name in renames else ""
        raise TypeError(f"{who}() got an unexpected keyword argument {name!r}{hint}")


def missing_only(package, hints):
    """`__getattr__` for a package without lazy attributes: DeZero names get their hint."""
    missing = dezero_hints(package, hints)

    def __getattr__(name):
        raise missing(name)
    return __getattr__
