"""jacobian, hessian, vjp, jvp, hvp and vhp with torch.autograd.functional's keywords:
create_graph (results differentiated again, checked numerically), strict, vectorize and
the forward-mode strategy; against numerical derivatives and closed forms."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
import autograd.jacobian_passes as passes
from autograd import Variable, gradcheck, hessian, hvp, jacobian, jvp, matmul, vhp, vjp
from autograd.testing import arrays, shapes

# Bounded enough that any drawn chain keeps values and derivatives moderate.
UNARY = [ag.sin, ag.tanh, lambda v: ag.exp(ag.tanh(v)), lambda v: v * v,
         lambda v: 0.5 * v + 0.2]


@st.composite
def small_functions(draw):
    """(f, x): a random chain of elementwise ops, mixed with fixed weights and sometimes
    reduced over an axis, at a random point of a small random shape (0-d included)."""
    x = draw(arrays(shapes(min_dims=0, max_dims=2, max_side=3), elements=(-1, 1)))
    chain = draw(st.lists(st.integers(0, len(UNARY) - 1), min_size=1, max_size=3))
    weights = draw(arrays(x.shape, elements=(-1, 1)))
    axis = draw(st.none() | st.integers(0, max(x.ndim - 1, 0))) if x.ndim else None

    def f(v):
        for k in chain:
            v = UNARY[k](v * weights + v.mean() * 0.3)
        return v if axis is None else v.sum(axis=axis)
    return f, x


def numeric_jacobian(f, x):
    """Rows d y.flat[e] / dx by central differences (the project's numerical_grad)."""
    y = f(Variable(x, requires_grad=False))
    rows = [ag.numerical_grad(f, x, grad_outputs=seed)[0] for seed in passes.unit_seeds(y)]
    return np.array(rows).reshape(y.shape + x.shape)


@given(small_functions())
def test_both_strategies_and_vectorize_match_numerical_jacobian(drawn):
    f, x = drawn
    expected = numeric_jacobian(f, x)
    reverse = jacobian(f, x)
    np.testing.assert_allclose(reverse, expected, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(jacobian(f, x, strategy="forward-mode"), reverse,
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(jacobian(f, x, vectorize=True), reverse)


@given(small_functions())
def test_hessian_is_the_numerical_jacobian_of_the_gradient(drawn):
    f, x = drawn
    scalar = lambda v: ag.tanh(f(v)).sum()  # noqa: E731

    def gradient(v):
        leaf = Variable(v.data)  # numerical_grad's points require no grad
        return ag.grad(scalar(leaf), leaf)[0]
    h = hessian(scalar, x)
    assert h.shape == x.shape + x.shape
    np.testing.assert_allclose(h, numeric_jacobian(gradient, x), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(hessian(scalar, x, outer_jacobian_strategy="forward-mode"), h,
                               rtol=1e-9, atol=1e-11)


@given(small_functions())
def test_create_graph_jacobian_differentiates_again(drawn):
    """Backprop through the Jacobian (second derivatives of f) against numerics."""
    f, x = drawn
    for strategy in ("reverse-mode", "forward-mode"):
        assert gradcheck(lambda v, s=strategy: jacobian(f, v, create_graph=True, strategy=s), x)


def test_default_results_are_arrays_and_create_graph_gives_variables():
    x = np.array([0.3, -0.2])
    assert isinstance(jacobian(ag.sin, x), np.ndarray)
    assert isinstance(jacobian(ag.sin, x, create_graph=True), Variable)
    value, product = vjp(ag.sin, x, np.ones(2), create_graph=True)
    assert isinstance(value, Variable) and isinstance(product, Variable)
    blocks = hessian(lambda a, b: (a * b).sum(), (x, x), create_graph=True)
    assert all(isinstance(block, Variable) for row in blocks for block in row)


def test_gradient_penalty_on_weights_f_closes_over():
    """d/dW ||J||^2 for J the Jacobian in x of tanh(W x): gradient checked in W."""
    x = np.array([0.4, -0.3, 0.8])

    def penalty(w):
        j = jacobian(lambda v: ag.tanh(matmul(w, v)), x, create_graph=True)
        return (j * j).sum()
    w = Variable(np.array([[0.5, -1.0, 0.2], [0.3, 0.7, -0.4]]))
    np.testing.assert_allclose(jacobian(lambda v: ag.tanh(matmul(w.data, v)), x),
                               (1 - np.tanh(w.data @ x) ** 2)[:, None] * w.data, rtol=1e-12)
    assert gradcheck(penalty, w)
    penalty(w).backward()
    assert w.grad is not None and np.abs(w.grad.data).max() > 0.1


def test_jacobian_norm_minimized_by_gradient_descent():
    """||d tanh(w x) / dx||^2 = sum w^2 (1 - tanh(w x)^2)^2 shrinks under its own gradient."""
    import optim
    w = ag.Parameter(np.array([1.5, -2.0]))
    x = np.array([0.1, 0.2])
    sgd = optim.SGD([w], lr=0.05)
    norms = []
    for _ in range(20):
        sgd.zero_grad()
        j = jacobian(lambda v: ag.tanh(w * v), x, create_graph=True)
        loss = (j * j).sum()
        norms.append(loss.item())
        loss.backward()
        sgd.step()
    expected = (1.5 ** 2 * (1 - np.tanh(0.15) ** 2) ** 2 + 4 * (1 - np.tanh(-0.4) ** 2) ** 2)
    assert norms[0] == pytest.approx(expected, rel=1e-12)
    assert norms[-1] < 0.5 * norms[0]


def test_create_graph_hessian_third_derivative_closed_form():
    """f = sum x^4 / 12: H = diag(x^2), so d/dx sum(H) = 2x."""
    x = Variable(np.array([0.5, -1.5, 2.0]))
    h = hessian(lambda v: (v ** 4).sum() / 12, x, create_graph=True)
    np.testing.assert_allclose(h.data, np.diag(x.data ** 2), rtol=1e-12)
    np.testing.assert_array_equal(hessian(lambda v: (v ** 4).sum() / 12, x.data, vectorize=True),
                                  h.data)
    h.sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * x.data, rtol=1e-12)


def test_create_graph_hessian_blocks_of_several_inputs_check_numerically():
    a, b = np.array([0.3, -0.7]), np.array([0.5, 0.2, -0.4])
    f = lambda u, w: (ag.sin(u).sum() * w * w).sum() + (u * u).sum() * w.sum()  # noqa: E731
    assert gradcheck(lambda u, w: ag.stack([blk.sum() for row in
                                            hessian(f, (u, w), create_graph=True)
                                            for blk in row]), a, b)


@pytest.mark.parametrize("name", ["hvp", "vhp"])
def test_create_graph_hessian_products_check_numerically_in_x_and_v(name):
    f = lambda u: (ag.exp(u) * u).sum() ** 2  # noqa: E731
    product = getattr(ag, name)
    x, v = np.array([0.2, -0.5, 0.4]), np.array([1.0, 0.5, -2.0])
    assert gradcheck(lambda u, w: product(f, u, w, create_graph=True)[1], x, v)
    assert gradcheck(lambda u: product(f, u, v, create_graph=True)[0], x)


def test_create_graph_vjp_and_jvp_check_numerically_in_x_and_v():
    f = lambda u: ag.tanh(u[:2] * u[1:]) * u.sum()  # noqa: E731
    x, v_in, v_out = np.array([0.2, -0.5, 0.4]), np.array([1.0, 0.5, -2.0]), np.array([0.3, 1.1])
    assert gradcheck(lambda u, w: vjp(f, u, w, create_graph=True)[1], x, v_out)
    assert gradcheck(lambda u, w: jvp(f, u, w, create_graph=True)[1], x, v_in)


def test_create_graph_leaves_the_callers_grad_alone_until_backward():
    x = Variable(np.array([1.0, 2.0]))
    j = jacobian(lambda v: v ** 3, x, create_graph=True)
    assert x.grad is None
    j.sum().backward()
    np.testing.assert_allclose(x.grad.data, 6 * x.data)


@pytest.fixture
def passes_taken(monkeypatch):
    """The list of the engine passes the Jacobian's blocks take (one item each)."""
    calls = []

    def counted(*args, **kwargs):
        calls.append(1)
        return ag.grad(*args, **kwargs)
    monkeypatch.setattr(passes, "grad", counted)
    return calls


def test_hessian_of_several_inputs_takes_one_double_backward_per_input_entry(passes_taken):
    a, b, c = np.array([0.1, 0.2]), np.array([0.3, -0.1, 0.5]), np.array(0.7)
    blocks = hessian(lambda u, v, w: (u.sum() * v * v).sum() * w * w, (a, b, c))
    assert len(passes_taken) == 2 + 3 + 1
    assert [[blk.shape for blk in row] for row in blocks] == [
        [(2, 2), (2, 3), (2,)], [(3, 2), (3, 3), (3,)], [(2,), (3,), ()]]
    np.testing.assert_allclose(blocks[0][1], np.outer(np.ones(2), 2 * b * 0.49))


def test_forward_mode_takes_one_pass_per_input_entry(passes_taken):
    x = np.array([0.5, -1.0])
    tall = lambda v: ag.concatenate([ag.sin(v), v * v, ag.exp(v)]) * v.sum()  # noqa: E731
    forward = jacobian(tall, x, strategy="forward-mode")
    assert len(passes_taken) == 1 + 2  # the recorded J^T u, then one column per entry of x
    np.testing.assert_allclose(forward, jacobian(tall, x), rtol=1e-12)


def test_tuples_of_inputs_and_outputs_in_jvp_and_vjp():
    a, b = np.array([0.5, -1.0]), np.array([2.0, 3.0, -0.5])
    f = lambda u, w: (u * u, w.sum() * u.sum())  # noqa: E731
    (y0, y1), (jv0, jv1) = jvp(f, (a, b), (np.ones(2), np.ones(3)))
    np.testing.assert_allclose(y0, a * a)
    np.testing.assert_allclose(jv0, 2 * a)
    np.testing.assert_allclose(jv1, 2 * b.sum() + 3 * a.sum())
    _, (ga, gb) = vjp(f, (a, b), (np.array([1.0, 2.0]), np.array(3.0)))
    np.testing.assert_allclose(ga, 2 * a * [1.0, 2.0] + 3 * b.sum())
    np.testing.assert_allclose(gb, np.full(3, 3 * a.sum()))
    with pytest.raises(ValueError, match="vjp: v must be a tuple of 2 arrays, one per output"):
        vjp(f, (a, b), np.ones(2))


def test_zero_dimensional_inputs_and_outputs_keep_torchs_shapes():
    x = np.array(0.7)
    assert jacobian(lambda v: v * v, x).shape == ()
    assert jacobian(lambda v: v.sum(), np.ones(3)).shape == (3,)
    assert jacobian(lambda v: v * np.ones(2), x, strategy="forward-mode").shape == (2,)
    assert hessian(lambda v: v ** 3, x) == pytest.approx(6 * 0.7)
    assert hessian(lambda v: (v ** 3).sum().reshape(1, 1), np.ones(2)).shape == (2, 2)
    _, product = hvp(lambda v: v ** 3, x)  # v may be left out for a single entry
    assert product == pytest.approx(6 * 0.7)
    _, product = jvp(lambda v: ag.sin(v), x)
    assert product == pytest.approx(np.cos(0.7))
    assert vhp(lambda v: v ** 3, x)[1].shape == ()


STRICT_REFUSALS = [
    (lambda: jacobian(lambda a, b: a * 2, (np.ones(2), np.ones(3)), strict=True),
     "jacobian: f's output is independent of x\\[1\\]"),
    (lambda: jacobian(lambda a: np.ones(2), np.ones(2), strict=True),
     "jacobian: f's output does not require grad"),
    (lambda: jacobian(lambda a: a * 3, np.ones(2), create_graph=True, strict=True),
     "the Jacobian of f's output with respect to x does not depend on the inputs, so its "
     "derivative would be zero"),
    (lambda: jacobian(lambda a, b: (a * b, a * 2), (np.ones(2), np.ones(2)), strict=True,
                      strategy="forward-mode"),
     "f's output 1 is independent of x\\[1\\]"),
    (lambda: vjp(lambda a, b: a * a, (np.ones(2), np.ones(1)), np.ones(2), strict=True),
     "vjp: f's output is independent of x\\[1\\]"),
    (lambda: jvp(lambda a, b: a * a, (np.ones(2), np.ones(1)), (np.ones(2), np.ones(1)),
                 strict=True), "jvp: f's output is independent of x\\[1\\]"),
    (lambda: jvp(lambda a: a * 2, np.ones(2), np.ones(2), create_graph=True, strict=True),
     "jvp: J v of f's output does not depend on the inputs"),
    (lambda: hessian(lambda a: (a * 3).sum(), np.ones(2), strict=True),
     "hessian: the gradient of f with respect to x does not depend on the inputs .* the "
     "Hessian would be zero"),
    (lambda: hessian(lambda a, b: (a * a).sum() + (b * b).sum(), (np.ones(2), np.ones(2)),
                     strict=True), "the gradient for x\\[0\\] is independent of x\\[1\\]"),
    (lambda: hvp(lambda a, b: (a * a).sum() + b.sum(), (np.ones(2), np.ones(1)),
                 (np.ones(2), np.ones(1)), strict=True),
     "hvp: the gradient of f with respect to x\\[1\\] does not depend"),
    (lambda: vhp(lambda a: (a * a).sum(), np.ones(2), np.ones(2), create_graph=True,
                 strict=True), "vhp: the product's part for x does not depend on the inputs"),
]


@pytest.mark.parametrize("call, message", STRICT_REFUSALS)
def test_strict_refuses_structurally_zero_derivatives(call, message):
    with pytest.raises(RuntimeError, match=message + ".*strict=True"):
        call()


def test_without_strict_the_same_derivatives_are_zeros():
    jac = jacobian(lambda a, b: a * 2, (np.ones(2), np.ones(3)))
    np.testing.assert_array_equal(jac[1], np.zeros((2, 3)))
    h = hessian(lambda a, b: (a * a).sum() + (b * b).sum(), (np.ones(2), np.ones(2)))
    np.testing.assert_array_equal(h[0][1], np.zeros((2, 2)))
    assert jacobian(lambda a, b: a * 2, (np.ones(2), np.ones(3)), vectorize=True,
                    strict=False)[1].shape == (2, 3)


def test_strict_passes_a_function_that_uses_every_input():
    a, b = np.array([0.3, 0.6]), np.array([1.5])
    f = lambda u, w: (u * u * w * w).sum()  # noqa: E731
    h = hessian(f, (a, b), strict=True, create_graph=True)
    np.testing.assert_allclose(h[0][1].data, 4 * 1.5 * a[:, None], rtol=1e-12)
    assert hvp(f, (a, b), (a, b), strict=True)[1][1] == pytest.approx(9 * (a * a).sum())


def test_bad_keywords_and_inputs_are_named():
    with pytest.raises(ValueError, match="jacobian: strategy must be one of 'reverse-mode', "
                                         "'forward-mode', got 'forward'"):
        jacobian(ag.sin, np.ones(2), strategy="forward")
    with pytest.raises(ValueError, match="hessian: outer_jacobian_strategy must be one of"):
        hessian(lambda v: v.sum(), np.ones(2), outer_jacobian_strategy="reverse")
    with pytest.raises(TypeError, match=r"hvp: x\[1\] must be a floating-point array, got "
                                        "dtype int"):
        hvp(lambda a, b: (a * b).sum(), (np.ones(2), np.arange(2)), (np.ones(2), np.ones(2)))
    with pytest.raises(ValueError, match="jvp: v is required when x is not a scalar"):
        jvp(ag.sin, np.ones(2))


def test_create_graph_results_carry_their_graph_inside_no_grad():
    x = Variable(np.array([0.5, -1.0], dtype=np.float32))
    with ag.no_grad():
        h = hessian(lambda v: (v ** 3).sum(), x, create_graph=True)
        _, product = jvp(lambda v: v ** 3, x, np.ones(2, np.float32), create_graph=True)
    assert h.dtype == np.float32 and h.requires_grad and product.requires_grad
    (h.sum() + product.sum()).backward()  # d/dx (6 sum x + 3 sum x^2) = 6 + 6x
    np.testing.assert_allclose(x.grad.data, 6 + 6 * x.data, rtol=1e-6)
    assert x.grad.dtype == np.float32
