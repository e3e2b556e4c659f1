"""Find every Function subclass defined in a package (its modules, imported)."""
import importlib
import inspect
import pkgutil
import sys

from ..function import Function


def functions_in(package):
    """The concrete Function subclasses defined in the package or module named `package`,
    ordered by module and line. Internal bases are left out: a class without a forward or a
    backward of its own making, or a private one (leading underscore) that others derive
    from. A module that fails to import (a `__main__` is not imported) raises
    DiscoveryError, naming it."""
    found = {}  # (keyed by the class: a factory's products share one qualified name)
    for module in _modules(package):
        for cls in _classes(vars(module).values()):
            if (issubclass(cls, Function) and cls is not Function
                    and _defined_under(cls, package)):
                found[cls] = cls
    for cls in _subclasses(Function):  # a factory's products held in a dict or list only
        if _defined_under(cls, package):
            found.setdefault(cls, cls)
    classes = list(found.values())
    concrete = [cls for cls in classes if not _is_base(cls, classes)]
    return sorted(concrete, key=lambda c: (c.__module__, _line(c)))


def function_name(cls):
    """The name a Function class goes by in its module: its qualified name, or, for a class
    made inside a function (each of a factory's classes is `unary.<locals>.Unary`), the
    module-level name bound to it (`Sin = unary(np.sin, np.cos)`), else its place in a
    module-level dict, list or tuple (`ACTIVATIONS['sin']`), else its qualified name with
    its rank among the classes made under that name (`unary.<locals>.Unary#2`)."""
    if "<locals>" not in cls.__qualname__:
        return cls.__qualname__
    module = sys.modules.get(cls.__module__)
    names = vars(module).items() if module else ()
    bound = [name for name, value in names if value is cls]
    if bound:
        return bound[0]
    for name, value in names:
        place = _place_in(value, cls)
        if place is not None:
            return f"{name}[{place!r}]"
    twins = [c for c in _subclasses(Function)
             if c.__module__ == cls.__module__ and c.__qualname__ == cls.__qualname__]
    return cls.__qualname__ if len(twins) == 1 else f"{cls.__qualname__}#{twins.index(cls) + 1}"


def _place_in(container, cls):
    """The key or index under which a dict, list or tuple holds `cls`; None if it does not."""
    if isinstance(container, dict):
        items = container.items()
    elif isinstance(container, (list, tuple)):
        items = enumerate(container)
    else:
        return None
    return next((key for key, value in items if value is cls), None)


def _subclasses(cls):
    """Every subclass of `cls` alive, once each, in the order they were made (depth first)."""
    found = {}
    for sub in cls.__subclasses__():
        found[sub] = None
        found.update(dict.fromkeys(_subclasses(sub)))
    return list(found)


def elsewhere_defined(package):
    """The concrete Function subclasses that the package's modules import from outside it
    (re-exported: checked where they are defined, not here)."""
    found = {}
    for module in _modules(package):
        for cls in _classes(vars(module).values()):
            if (issubclass(cls, Function) and cls is not Function
                    and not _defined_under(cls, package) and not _is_base(cls, [cls])
                    and not cls.__module__.startswith("autograd.")):
                found[cls] = cls
    return list(found.values())


def _classes(values):
    """The classes among `values`, and the classes nested in their bodies."""
    for value in values:
        if inspect.isclass(value):
            yield value
            yield from _classes(v for v in vars(value).values()
                                if inspect.isclass(v) and v.__qualname__.startswith(
                                    value.__qualname__ + "."))


class DiscoveryError(ImportError):
    """A module of the package failed to import (its own error is the cause)."""


def _modules(package):
    root = _root(package)
    yield root
    for info in pkgutil.walk_packages(getattr(root, "__path__", ()), prefix=package + ".",
                                      onerror=_walk_failed):
        if info.name.rsplit(".", 1)[-1] == "__main__":
            continue  # a package's command line: importing it runs the program
        yield _imported(info.name)


def _root(package):
    """The package named; ModuleNotFoundError only when it (or a package above it) is not
    there: a failure inside it, a missing dependency included, is its import's failure."""
    try:
        return importlib.import_module(package)
    except ModuleNotFoundError as exc:
        if exc.name is not None and (package + ".").startswith(exc.name + "."):
            raise
        raise _import_failed(package, exc) from exc
    except (Exception, SystemExit) as exc:
        raise _import_failed(package, exc) from exc


def _imported(name):
    try:
        return importlib.import_module(name)
    except (Exception, SystemExit) as exc:  # (SystemExit: a module running argparse)
        raise _import_failed(name, exc) from exc


def _import_failed(name, exc):
    return DiscoveryError(f"importing {name} failed: {type(exc).__name__}: {exc}")


def _walk_failed(name):
    raise DiscoveryError(f"importing {name} failed (while listing its submodules)")


def _defined_under(cls, package):
    return cls.__module__ == package or cls.__module__.startswith(package + ".")


def _is_base(cls, classes):
    if _inherits(cls, "backward") and _inherits(cls, "backward_data"):
        return True  # no backward: nothing to check (an abstract base, specs declared or not)
    if _inherits(cls, "forward"):
        return True  # no forward: an abstract base, public or not
    if getattr(cls, "input_specs", None) and "input_specs" in vars(cls):
        return False  # declared: checked as it is
    derived = any(other is not cls and issubclass(other, cls) for other in classes)
    return derived and cls.__name__.startswith("_")


def _inherits(cls, method):
    """Whether `cls` takes `method` from Function itself."""
    return getattr(cls, method) is getattr(Function, method)


def _line(cls):
    try:
        return inspect.getsourcelines(cls)[1]
    except (OSError, TypeError):
        return 0
