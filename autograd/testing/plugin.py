"""pytest plugin: `pytest --rungrad-gradcheck=PACKAGE` checks every Function of PACKAGE.

Registered as the `pytest11` entry point `autograd.testing.plugin` (installing rungrad is
enough; from a source checkout, `-p autograd.testing.plugin`: the entry point bears the
module's name, so giving both loads it once). For each Function subclass defined in
the package it adds one test item under the module's file, `pkg/ops.py::gradcheck[Class]`
(an id that, pasted back, runs it alone), which draws inputs from the class's declared
`input_specs` with hypothesis (the loaded settings profile applies) and checks the forward
against `reference` and backprop to first and second order; a failure is shrunk to a
minimal example. A Function with no spec is skipped and listed at the end;
`--rungrad-gradcheck-strict` (or the ini option `rungrad_gradcheck_strict = true`) fails it
instead. The ini option `rungrad_gradcheck` lists packages too. A package or module that
defines no Function (one that only imports them) is a usage error: Functions are checked
where they are defined.

This module imports nothing of rungrad until a package is asked for: being an entry
point, it loads in every pytest run of an environment where rungrad is installed.
"""
import inspect
import os
import sys
from pathlib import Path

import pytest

_OPTION, _STRICT = "rungrad_gradcheck", "rungrad_gradcheck_strict"
_MODULES = pytest.StashKey()  # {a module's real path: {qualified name: Function class}}


def pytest_addoption(parser):
    group = parser.getgroup("rungrad-gradcheck", "rungrad: check the gradients of Functions")
    group.addoption("--rungrad-gradcheck", action="append", dest=_OPTION, default=[],
                    metavar="PACKAGE",
                    help="check every autograd Function defined in PACKAGE (repeatable)")
    group.addoption("--rungrad-gradcheck-strict", action="store_true", dest=_STRICT,
                    default=None, help="fail Functions that declare no input_specs")
    parser.addini(_OPTION, type="args", default=[],
                  help="packages whose Functions --rungrad-gradcheck checks")
    parser.addini(_STRICT, type="bool", default=False,
                  help="fail Functions that declare no input_specs")


def _packages(config):
    return list(config.getoption(_OPTION) or config.getini(_OPTION))


def _strict(config):
    option = config.getoption(_STRICT)
    return bool(config.getini(_STRICT) if option is None else option)


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session):
    """Find the Functions of the packages asked for, before collection: a package that
    fails to import, or that defines none, is a usage error."""
    packages = _packages(session.config)
    if not packages:
        return
    from .discovery import function_name, functions_in
    modules = {}
    for package in packages:
        for cls in _found(functions_in, package, session.config):
            module = sys.modules[cls.__module__]
            path = os.path.realpath(inspect.getsourcefile(module) or module.__file__)
            modules.setdefault(path, {})[function_name(cls)] = cls
    session.config.stash[_MODULES] = modules


def pytest_collect_file(file_path, parent):
    """A module of a checked package met while collecting (given on the command line, as a
    failure's id is pasted back, or under the folders collected): its Functions' items."""
    modules = parent.config.stash.get(_MODULES, {})
    if os.path.realpath(file_path) in modules:
        return GradcheckModule.from_parent(parent, path=file_path,
                                           nodeid=_nodeid(parent.session, file_path))
    return None


@pytest.hookimpl(tryfirst=True)  # before -k/-m deselect the items
def pytest_collection_modifyitems(session, config, items):
    """The checked packages' modules not met while collecting (they lie outside the folders
    collected, as a test folder): collected here, each reported as pytest collects a file."""
    modules = config.stash.get(_MODULES, {})
    if not modules or _named_on_command_line(session):
        return
    met = {os.path.realpath(item.path) for item in items if isinstance(item, GradcheckItem)}
    for path in modules:
        if path not in met:
            node = GradcheckModule.from_parent(session, path=Path(path),
                                               nodeid=_nodeid(session, Path(path)))
            items.extend(session.genitems(node))


def _named_on_command_line(session):
    """Whether the command line names a module of a checked package (a failure's id pasted
    back): then only what it names is collected, not every Function."""
    modules = session.config.stash.get(_MODULES, {})
    here = session.config.invocation_params.dir
    return any(os.path.realpath(os.path.join(here, arg.split("::")[0])) in modules
               for arg in session.config.args)


def _nodeid(session, path):
    """A module's id as pytest gives a collected file: its path from the root folder."""
    return os.path.relpath(path, session.config.rootpath).replace(os.sep, "/")


def _found(functions_in, package, config):
    """The Function classes of `package`, importable from the directory pytest runs in too
    (as `python -m pytest` allows; the `pytest` script does not put it on sys.path)."""
    here = str(config.invocation_params.dir)
    if here not in sys.path:
        sys.path.insert(0, here)
    from .discovery import DiscoveryError, elsewhere_defined
    try:
        found = list(functions_in(package))
    except DiscoveryError as exc:
        raise pytest.UsageError(f"--rungrad-gradcheck={package}: {exc}") from None
    except ModuleNotFoundError as exc:
        raise pytest.UsageError(f"--rungrad-gradcheck={package}: cannot import it ({exc}); "
                                "give an importable module or package name (installed, or "
                                f"found from {here})") from None
    if not found:
        raise pytest.UsageError(f"--rungrad-gradcheck={package}: it defines no Function "
                                f"subclass to check{_reexported(elsewhere_defined(package))}")
    return found


def _reexported(classes):
    """The hint for a module that only imports its Functions: where they are defined."""
    if not classes:
        return ""
    homes = sorted({cls.__module__ for cls in classes})
    names = ", ".join(sorted(cls.__qualname__ for cls in classes))
    return (f" (it imports {names}, defined in {', '.join(homes)}: Functions are checked "
            f"where they are defined, so give --rungrad-gradcheck={homes[0]})")


class GradcheckModule(pytest.File):
    """The Functions defined in one module of a checked package, one item each."""

    def collect(self):
        strict = _strict(self.config)
        for name, cls in self.config.stash[_MODULES][os.path.realpath(self.path)].items():
            yield GradcheckItem.from_parent(self, name=f"gradcheck[{name}]", function=cls,
                                            strict=strict)


class GradcheckItem(pytest.Item):
    """One Function class's check."""

    def __init__(self, *, function, strict, **kwargs):
        super().__init__(**kwargs)
        self.cls, self.strict = function, strict
        self.add_marker("rungrad_gradcheck")
        from .function_check import spec_status
        self.status = spec_status(function)
        if self.status == "missing" and not strict:  # (a mark: the skip is then reported at
            self.add_marker(pytest.mark.skip(reason=_no_specs(function)))  # the Function's line)

    def runtest(self):
        from .function_check import check_function, check_parent
        if self.status == "missing":
            pytest.fail(_no_specs(self.cls), pytrace=False)
        if self.status == "through":
            check_parent(self.cls)
            return
        check_function(self.cls)

    def repr_failure(self, excinfo):
        from .function_check import FunctionCheckError
        if isinstance(excinfo.value, FunctionCheckError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        """Where the Function is defined (its file and line), so reports point at it."""
        try:
            path, line = inspect.getsourcefile(self.cls), inspect.getsourcelines(self.cls)[1]
        except (OSError, TypeError):  # (a class made at run time: no source)
            return self.path, None, self.name
        return path, line - 1, self.name


def _no_specs(cls):
    from .discovery import function_name
    return f"{function_name(cls)} declares no input_specs (see autograd/spec.py)"


def pytest_collection_finish(session):
    """The selected items (after -k and -m) of Functions without specs, for the summary."""
    from .discovery import function_name
    session.config._rungrad_missing_specs = [
        f"{item.cls.__module__}.{function_name(item.cls)}" for item in session.items
        if isinstance(item, GradcheckItem) and item.status == "missing"]


def pytest_terminal_summary(terminalreporter, config):
    missing = getattr(config, "_rungrad_missing_specs", [])
    if missing:
        terminalreporter.section("rungrad gradcheck: Functions without input_specs")
        for name in missing:
            terminalreporter.line(name)


def pytest_configure(config):
    config.addinivalue_line("markers", "rungrad_gradcheck: a Function's gradient check "
                                       "(added by --rungrad-gradcheck)")
