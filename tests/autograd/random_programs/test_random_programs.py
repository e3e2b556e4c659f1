"""rungrad agrees with PyTorch, and with numerical differentiation, on random programs.

RUNGRAD_FUZZ_EXAMPLES=N runs every test on N random programs (see the package docstring).
"""
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from autograd import numerical_diff

from .frameworks import NUMPY, RUNGRAD, torch_or_none
from .generator import programs
from .variants import VARIANTS, loss_of, plans, scalar_root, upstream

LONG = int(os.environ.get("RUNGRAD_FUZZ_EXAMPLES", "0"))
TORCH = torch_or_none()
needs_torch = pytest.mark.skipif(TORCH is None, reason="PyTorch is not installed: "
                                 "test_matches_numerical_differentiation checks instead")


# the op pool doubled with the ops added with PyTorch's names: twice the programs keep as
# many per op (about 7 s more)
CI_SCALE = 2


def examples(ci):
    """CI_SCALE * `ci` programs under the loaded (ci: derandomized) profile; LONG fresh ones
    if set."""
    health = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]
    if LONG:
        return settings(max_examples=LONG, derandomize=False, deadline=None,
                        suppress_health_check=health)
    return settings(max_examples=CI_SCALE * ci, deadline=None, suppress_health_check=health)


def assert_agree(variant, prog, plan, reference, rtol, atol):
    """Run `variant` in rungrad and in `reference`; compare the observations key by key."""
    got = variant(RUNGRAD, prog, plan)
    want = variant(reference, prog, plan)
    for key in dict.fromkeys(list(want) + list(got)):
        g, w = got.get(key, "missing"), want.get(key, "missing")
        if not _same(g, w, rtol, atol):
            raise AssertionError(
                f"{key}: rungrad gives {g!r}, {reference.name} gives {w!r}\n"
                f"variant {variant.__name__} with plan {plan}: {variant.__doc__}\n"
                f"{prog.source()}")


def _same(g, w, rtol, atol):
    if isinstance(g, np.ndarray) and isinstance(w, np.ndarray):
        if g.shape != w.shape or g.dtype != w.dtype:
            return False
        scale = float(np.max(np.abs(w), initial=1.0))
        return bool(np.allclose(g, w, rtol=rtol, atol=atol * scale))
    return type(g) is type(w) and g == w


@needs_torch
@pytest.mark.parametrize("variant", list(VARIANTS))
@examples(ci=40)
@given(prog=programs(), plan=plans())
def test_matches_pytorch(variant, prog, plan):
    assert_agree(VARIANTS[variant], prog, plan, TORCH, rtol=1e-9, atol=1e-12)


@needs_torch
@pytest.mark.parametrize("variant", ["scalar_root", "grad_subsets"])
@examples(ci=20)
@given(prog=programs(dtype="float32"), plan=plans())
def test_float32_stays_float32(variant, prog, plan):
    # the values differ by rounding (op order); dtypes and shapes must match exactly
    assert_agree(VARIANTS[variant], prog, plan, TORCH, rtol=2e-3, atol=2e-4)


@needs_torch
@pytest.mark.parametrize("variant", ["scalar_root", "nonscalar_root", "grad_subsets",
                                     "higher_order"])
@examples(ci=20)
@given(prog=programs(zero_size=True), plan=plans())
def test_zero_size_dimensions(variant, prog, plan):
    assert_agree(VARIANTS[variant], prog, plan, TORCH, rtol=1e-9, atol=1e-12)


@examples(ci=30 if TORCH else 150)  # without PyTorch, the one check of gradients
@given(prog=programs(max_steps=6), plan=plans())
def test_matches_numerical_differentiation(prog, plan):
    """Forward values against NumPy; leaf gradients of the loss against central differences
    along random directions, detached and no_grad values held fixed as backprop does."""
    report = scalar_root(RUNGRAD, prog, plan)
    base = prog.run(NUMPY)
    for name in prog.names():
        np.testing.assert_allclose(report[f"value {name}"], base[name], rtol=1e-9,
                                   atol=1e-12, err_msg=f"value {name}\n{prog.source()}")
    if not prog.grad_leaves() or report["backward"] != "ran":
        return
    frozen = {name: base[name] for name in prog.frozen_names()}
    leaves = {leaf.name: leaf.array for leaf in prog.leaves if leaf.requires_grad}
    for k in range(2):
        way = {x: upstream(plan, a.shape, 50 + k) for x, a in leaves.items()}
        numeric = _slope(prog, plan, frozen, leaves, way)
        grads = {x: report[f"{x}.grad"] for x in leaves}
        analytic = sum(float(np.sum(g * way[x])) for x, g in grads.items() if g is not None)
        scale = sum(float(np.sum(np.abs(g * way[x]))) for x, g in grads.items()
                    if g is not None)
        assert abs(analytic - numeric) <= 1e-6 * (1 + scale), (
            f"direction {k}: backprop {analytic!r}, numerical {numeric!r}\n{prog.source()}")


def _slope(prog, plan, frozen, leaves, way):
    """d loss(leaves + t way) / dt at t = 0, by central differences in NumPy."""
    def along(t):
        moved = {x: a + t.data * way[x] for x, a in leaves.items()}
        return loss_of(NUMPY, prog, prog.run(NUMPY, frozen, moved), plan)
    return float(numerical_diff(along, 0.0, eps=1e-5))


@examples(ci=20)
@given(prog=programs())
def test_snippet_is_the_program(prog):
    """The snippet a failure prints runs on its own and computes what the tests ran."""
    pasted = {}
    exec(prog.source(), pasted)
    ran = prog.run(RUNGRAD)
    for name in prog.names():
        assert pasted[name].dtype == ran[name].dtype
        np.testing.assert_array_equal(pasted[name].data, ran[name].data)
        assert pasted[name].requires_grad == ran[name].requires_grad
    assert [id(v) for v in pasted["outputs"]] == [id(pasted[o]) for o in prog.outputs]
