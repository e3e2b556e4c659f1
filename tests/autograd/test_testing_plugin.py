"""The pytest plugin, run as a user runs it: `pytest --rungrad-gradcheck=PACKAGE` over a small
package with a right Function, one with a planted bug and one with no spec."""
import os
import subprocess
import sys
import textwrap

import pytest

from autograd.testing import plugin

from .._helpers import ROOT

PACKAGE = '''
from autograd import Function
from autograd.spec import Spec


class Square(Function):
    """y = x^2"""
    input_specs = (Spec(),)
    reference = staticmethod(lambda x: x * x)

    def forward(self, x):
        return x * x

    def backward(self, gy):
        return 2 * gy * self.inputs[0]


class BadCube(Function):
    """y = x^3, its backward missing the factor 3 (planted)"""
    input_specs = (Spec(),)

    def forward(self, x):
        return x ** 3

    def backward(self, gy):
        x = self.inputs[0]
        return gy * x * x


class Unspecified(Function):
    def forward(self, x):
        return x

    def backward(self, gy):
        return gy
'''


# The entry point as pyproject.toml declares it (`[project.entry-points.pytest11]`), in a
# dist-info folder on the path: what `pip install rungrad` gives. Named after the module, so
# that `-p autograd.testing.plugin` next to it loads the plugin once, not twice.
ENTRY_POINT = "[pytest11]\nautograd.testing.plugin = autograd.testing.plugin\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("user_project")
    (root / "planted").mkdir()
    (root / "planted" / "__init__.py").write_text(PACKAGE)
    installed = root / "site" / "rungrad_under_test-0.0.dist-info"
    installed.mkdir(parents=True)
    (installed / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: rungrad-under-test\nVersion: 0.0\n")
    (installed / "entry_points.txt").write_text(ENTRY_POINT)
    return root


def run_pytest(project, *args, ini=""):
    (project / "pytest.ini").write_text("[pytest]\n" + textwrap.dedent(ini))
    path = [ROOT, str(project), str(project / "site")]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path), HYPOTHESIS_PROFILE="ci")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs", *args],
        cwd=project, env=env, capture_output=True, text=True, timeout=300)
    return result.returncode, result.stdout + result.stderr


def test_installed_plugin_checks_every_function_and_shrinks_the_planted_bug(project):
    code, out = run_pytest(project, "--rungrad-gradcheck=planted", "-rfs")
    assert code == 1, out
    assert "1 failed, 1 passed, 1 skipped" in out
    assert "FAILED planted/__init__.py::gradcheck[BadCube]" in out
    assert "on Example(inputs=[float64(" in out  # shrunk to a single element
    assert "Unspecified declares no input_specs" in out
    assert "Functions without input_specs" in out and "planted.Unspecified" in out
    assert "plugin.py" not in out  # (the skip is reported where the Function is written)


def test_items_are_counted_listed_and_a_failure_s_id_runs_it_again(project):
    """Each module of the package is collected as pytest collects a file: the counts add up
    (they read '0 items / 3 deselected / -3 selected'), --co lists the items, and the id of
    a failure, pasted back, runs that check alone."""
    code, out = run_pytest(project, "--rungrad-gradcheck=planted", "-k", "Square", "-vv")
    assert code == 0, out
    assert "collected 3 items / 2 deselected / 1 selected" in out
    assert "planted/__init__.py::gradcheck[Square] PASSED" in out
    code, out = run_pytest(project, "--rungrad-gradcheck=planted", "--co")
    assert code == 0 and "3 tests collected" in out, out
    code, out = run_pytest(project, "--rungrad-gradcheck=planted",
                           "planted/__init__.py::gradcheck[BadCube]")
    assert code == 1 and "1 failed in" in out, out


def test_a_module_defining_no_function_is_a_usage_error_naming_where_they_are(project):
    """A module that only imports its Functions (or has none) checked nothing, silently:
    Functions are checked where they are defined, and the error names that module."""
    (project / "reexports.py").write_text("from planted import Square, BadCube  # noqa\n")
    (project / "empty.py").write_text("X = 1\n")
    code, out = run_pytest(project, "--rungrad-gradcheck=reexports")
    assert code == 4 and "INTERNALERROR" not in out, out
    assert ("--rungrad-gradcheck=reexports: it defines no Function subclass to check (it "
            "imports BadCube, Square, defined in planted: Functions are checked where they "
            "are defined, so give --rungrad-gradcheck=planted)") in out
    code, out = run_pytest(project, "--rungrad-gradcheck=empty")
    assert code == 4 and "--rungrad-gradcheck=empty: it defines no Function subclass" in out


def test_the_summary_lists_only_selected_functions_without_specs(project):
    code, out = run_pytest(project, "--rungrad-gradcheck=planted", "-k", "not Unspecified")
    assert code == 1, out
    assert "Functions without input_specs" not in out  # (deselected: not listed)


def test_strict_fails_functions_without_spec_and_ini_options_work(project):
    code, out = run_pytest(project, "-p", "autograd.testing.plugin", "-k", "not BadCube", ini="""
        rungrad_gradcheck = planted
        rungrad_gradcheck_strict = true
        """)
    assert code == 1, out
    assert "1 failed, 1 passed, 1 deselected" in out
    assert "FAILED gradcheck[planted.Unspecified]" in out or "Unspecified declares" in out


def test_without_the_option_the_plugin_adds_nothing():
    class Config:
        def getoption(self, name):
            return [] if name == "rungrad_gradcheck" else None

        def getini(self, name):
            return []

    class Session:
        config = Config()

    items = []
    plugin.pytest_collection(session=Session())
    assert not hasattr(Session.config, "stash")  # (nothing found, nothing kept)
    Session.config.stash = {}
    plugin.pytest_collection_modifyitems(session=Session(), config=Session.config, items=items)
    assert items == []


@pytest.mark.parametrize("deadline, kept", [(200, None), (1000, 1000)])
def test_checks_drop_only_hypothesis_default_deadline(deadline, kept):
    # a check's time says nothing of its correctness: a user's default profile loses its
    # 200 ms deadline (a loaded machine exceeded it); a deadline they chose stays
    from datetime import timedelta

    from hypothesis import HealthCheck, settings

    from autograd.testing.function_check import _untimed
    previous = settings()
    settings.register_profile("rungrad_deadline_test", settings.get_profile("default"),
                              deadline=deadline)  # as a user's plain set-up
    settings.load_profile("rungrad_deadline_test")
    try:
        got = _untimed()
    finally:
        settings.register_profile("rungrad_deadline_restore", previous)
        settings.load_profile("rungrad_deadline_restore")
    assert got.deadline == (None if kept is None else timedelta(milliseconds=kept))
    assert (HealthCheck.too_slow in got.suppress_health_check) == (kept is None)


def test_the_pytest_script_finds_a_package_in_the_folder_it_runs_in(project):
    """`pytest` (the script) does not put the folder on sys.path as `python -m pytest` does:
    the plugin looks there itself, and names a package it cannot import."""
    script = os.path.join(os.path.dirname(sys.executable), "pytest")
    if not os.path.exists(script):
        pytest.skip("no pytest script beside this interpreter")
    (project / "pytest.ini").write_text("[pytest]\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, str(project / "site")]),
               HYPOTHESIS_PROFILE="ci")

    def run(*args):
        result = subprocess.run([script, "-p", "no:cacheprovider", "-q", *args], cwd=project,
                                env=env, capture_output=True, text=True, timeout=300)
        return result.returncode, result.stdout + result.stderr
    code, out = run("--rungrad-gradcheck=planted")
    assert code == 1 and "1 failed, 1 passed, 1 skipped" in out, out
    code, out = run("--rungrad-gradcheck=no_such_package")
    assert code != 0 and "INTERNALERROR" not in out, out
    assert "--rungrad-gradcheck=no_such_package: cannot import it" in out


def test_a_package_s_command_line_is_not_run_and_a_failing_module_is_named(tmp_path):
    (tmp_path / "with_cli").mkdir()
    (tmp_path / "with_cli" / "__init__.py").write_text(PACKAGE.split("class BadCube")[0])
    (tmp_path / "with_cli" / "__main__.py").write_text(
        "import argparse\nargparse.ArgumentParser().parse_args(['--no-such'])\n")
    installed = tmp_path / "site"
    installed.mkdir()
    code, out = run_pytest(tmp_path, "-p", "autograd.testing.plugin",
                           "--rungrad-gradcheck=with_cli")
    assert code == 0 and "1 passed" in out, out  # __main__ skipped: its argparse never ran
    (tmp_path / "with_cli" / "gpu.py").write_text("raise RuntimeError('needs a GPU')\n")
    code, out = run_pytest(tmp_path, "-p", "autograd.testing.plugin",
                           "--rungrad-gradcheck=with_cli")
    assert code != 0 and "INTERNALERROR" not in out, out
    assert ("--rungrad-gradcheck=with_cli: importing with_cli.gpu failed: RuntimeError: "
            "needs a GPU") in out
    # the package itself failing, or missing a dependency, is named as such (it was an
    # INTERNALERROR, and a missing dependency blamed the package's name)
    for body, said in [("raise RuntimeError('boom')\n", "RuntimeError: boom"),
                       ("import no_such_dependency\n",
                        "ModuleNotFoundError: No module named 'no_such_dependency'")]:
        (tmp_path / "failing.py").write_text(body)
        code, out = run_pytest(tmp_path, "-p", "autograd.testing.plugin",
                               "--rungrad-gradcheck=failing")
        assert code != 0 and "INTERNALERROR" not in out, out
        assert f"--rungrad-gradcheck=failing: importing failing failed: {said}" in out, out


def test_a_public_abstract_base_function_is_not_an_item():
    from autograd import Function
    from autograd.testing.discovery import _is_base

    class Activation(Function):  # public, shared by subclasses, no forward of its own
        def backward(self, gy):
            return gy

    assert _is_base(Activation, [Activation])

    class Elementwise(Function):  # specs shared by subclasses, no backward of its own
        from autograd.spec import Spec
        input_specs = (Spec(),)

        def forward(self, x):
            return x

    assert _is_base(Elementwise, [Elementwise])


FACTORY = '''
import numpy as np
from autograd import Function, Variable
from autograd.spec import Spec


def unary(f, df):
    class Unary(Function):
        input_specs = (Spec(),)
        gradcheck_order = 1

        def forward(self, x):
            return f(x)

        def backward(self, gy):
            return gy * Variable(df(self.inputs[0].data))
    return Unary


Sin = unary(np.sin, np.cos)
Cos = unary(np.cos, np.sin)  # planted: the sign
Sine = Sin  # an alias: one class, checked once
'''


def _check_module(tmp_path, name, source):
    """(exit code, output) of the plugin checking a module `name` of `source`."""
    (tmp_path / f"{name}.py").write_text(source)
    (tmp_path / "site").mkdir()
    return run_pytest(tmp_path, "-p", "autograd.testing.plugin", f"--rungrad-gradcheck={name}",
                      "-rf")


def test_each_function_a_factory_makes_is_an_item_under_its_module_name(tmp_path):
    """Each class of `unary(...)` is `unary.<locals>.Unary`: keyed by that name, all but
    one were dropped unchecked (the planted Cos passed unseen)."""
    code, out = _check_module(tmp_path, "made", FACTORY)
    assert code == 1 and "1 failed, 1 passed" in out, out
    assert "FAILED made.py::gradcheck[Cos] - made.Cos: gradcheck:" in out, out


HELD_ONLY = FACTORY.split("\n\nSin = ")[0] + '''


ACTIVATIONS = {"sin": unary(np.sin, np.cos), "cos": unary(np.cos, np.sin)}  # planted: cos


class _Holder:
    def __init__(self):
        self.ops = [unary(np.exp, np.exp), unary(np.exp, np.log1p)]  # planted: the second


HOLDER = _Holder()
'''


def test_functions_a_factory_made_into_a_dict_or_an_object_are_checked_too(tmp_path):
    """Bound to no module-level name, they were not found at all (the planted errors passed
    unseen); now each is an item, named by its place in a module-level dict, or by its rank
    among the classes of its qualified name."""
    code, out = _check_module(tmp_path, "held", HELD_ONLY)
    assert code == 1 and "2 failed, 2 passed" in out, out
    assert "FAILED held.py::gradcheck[ACTIVATIONS['cos']]" in out, out
    assert "FAILED held.py::gradcheck[unary.<locals>.Unary#4]" in out, out
