"""jacobian, hessian and vjp against closed forms."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from autograd import Variable, exp, hessian, jacobian, matmul, no_grad, sin, vjp

finite = st.floats(-2, 2, allow_nan=False, width=64)


def softmax(x):
    e = exp(x - x.data.max())
    return e / e.sum()


@given(a=arrays(np.float64, (3, 4), elements=finite), x=arrays(np.float64, (4,), elements=finite))
def test_jacobian_of_linear_map_is_the_matrix(a, x):
    np.testing.assert_allclose(jacobian(lambda v: matmul(a, v), x), a, rtol=1e-12, atol=1e-12)


def test_jacobian_of_elementwise_function_is_diagonal():
    x = np.array([0.1, -0.7, 2.0])
    np.testing.assert_allclose(jacobian(sin, x), np.diag(np.cos(x)), rtol=1e-12)


def test_jacobian_of_softmax():
    x = np.array([0.5, -1.0, 2.0, 0.0])
    s = np.exp(x) / np.exp(x).sum()
    np.testing.assert_allclose(jacobian(softmax, x), np.diag(s) - np.outer(s, s), atol=1e-12)


def test_jacobian_shape_is_output_shape_plus_input_shape():
    x = np.arange(6.0).reshape(2, 3)
    jac = jacobian(lambda v: (v * v).sum(axis=0), x)  # y_j = sum_i x_ij^2
    assert jac.shape == (3, 2, 3)
    expected = np.zeros((3, 2, 3))
    for j in range(3):
        expected[j, :, j] = 2 * x[:, j]
    np.testing.assert_allclose(jac, expected)


def test_jacobian_of_constant_output_is_zero():
    x = np.ones(3)
    np.testing.assert_array_equal(jacobian(lambda v: np.full(2, 5.0), x), np.zeros((2, 3)))


def test_hessian_of_quadratic_form():
    a = np.array([[2.0, 1.0, 0.0], [3.0, -1.0, 4.0], [0.5, 0.0, 1.0]])
    x = np.array([0.3, -0.2, 1.1])
    np.testing.assert_allclose(hessian(lambda v: (v * matmul(a, v)).sum(), x), a + a.T, rtol=1e-12)


def test_hessian_of_rosenbrock():
    x0, x1 = 0.5, 1.5
    f = lambda v: 100 * (v[1] - v[0] ** 2) ** 2 + (1 - v[0]) ** 2  # noqa: E731
    expected = np.array([[1200 * x0 ** 2 - 400 * x1 + 2, -400 * x0],
                         [-400 * x0, 200.0]])
    np.testing.assert_allclose(hessian(f, np.array([x0, x1])), expected, rtol=1e-12)


def test_hessian_of_matrix_input():
    x = np.array([[0.2, 0.4], [-0.3, 0.9]])
    h = hessian(lambda v: exp(v).sum(), x)  # d2/dx_ij dx_kl = exp(x_ij) when (i,j) == (k,l)
    assert h.shape == (2, 2, 2, 2)
    np.testing.assert_allclose(h.reshape(4, 4), np.diag(np.exp(x).ravel()), rtol=1e-12)


def test_hessian_of_linear_function_is_zero():
    np.testing.assert_array_equal(hessian(lambda v: (3 * v).sum(), np.ones(2)), np.zeros((2, 2)))


def test_hessian_needs_scalar_output():
    with pytest.raises(ValueError, match=r"hessian: f must return a scalar, got .*\(3,\)"):
        hessian(lambda v: v * v, np.ones(3))


def test_vjp_matches_v_times_jacobian():
    x = np.array([0.3, -0.5, 1.2])
    v = np.array([1.0, -2.0])
    f = lambda t: sin(t[:2] * t[1:])  # noqa: E731
    y, product = vjp(f, x, v)
    np.testing.assert_allclose(y, np.sin(x[:2] * x[1:]))
    np.testing.assert_allclose(product, v @ jacobian(f, x), rtol=1e-12)


def test_vjp_of_scalar_output_without_v_is_the_gradient():
    x = np.array([0.3, -0.5])
    _, g = vjp(lambda t: (t ** 3).sum(), x)
    np.testing.assert_allclose(g, 3 * x ** 2)


def test_vjp_checks_v():
    with pytest.raises(ValueError,
                       match=r"vjp: v has shape \(3,\) but f's output has shape \(2,\)"):
        vjp(lambda t: t * 2, np.ones(2), np.ones(3))
    with pytest.raises(ValueError, match="v is required"):
        vjp(lambda t: t * 2, np.ones(2))


def test_variable_input_is_left_untouched():
    x = Variable(np.array([1.0, 2.0]))
    x.grad = Variable(np.array([7.0, 7.0]))
    jacobian(lambda v: v * v, x)
    hessian(lambda v: (v ** 3).sum(), x)
    np.testing.assert_array_equal(x.grad.data, [7.0, 7.0])
    np.testing.assert_array_equal(x.data, [1.0, 2.0])


def test_works_inside_no_grad():
    with no_grad():
        jac = jacobian(lambda v: v * v, np.array([3.0]))
    assert jac[0, 0] == 6.0


def test_float32_stays_float32():
    x = np.array([0.5, 1.0], dtype=np.float32)
    assert jacobian(lambda v: v * 2.0, x).dtype == np.float32
    assert hessian(lambda v: (v ** 3).sum(), x).dtype == np.float32
    assert vjp(lambda v: v * 2.0, x, np.ones(2, np.float32))[1].dtype == np.float32


def test_integer_input_is_rejected():
    with pytest.raises(TypeError,
                       match="jacobian: x must be a floating-point array, got dtype int"):
        jacobian(lambda v: v * 2, np.array([1, 2]))


def test_jacobian_takes_tuples_of_inputs_and_outputs_as_pytorch():
    """Outputs outside, inputs inside; each block checked against PyTorch."""
    torch = pytest.importorskip("torch")
    x, y = np.arange(1.0, 4.0), np.array([0.5, -1.0])
    ours = jacobian(lambda a, b: (a.sum() * b, b * b, sin(a)), (x, y))
    theirs = torch.autograd.functional.jacobian(
        lambda a, b: (a.sum() * b, b * b, torch.sin(a)), (torch.tensor(x), torch.tensor(y)))
    assert len(ours) == 3 and all(len(row) == 2 for row in ours)
    for row, their_row in zip(ours, theirs):
        for block, their_block in zip(row, their_row):
            np.testing.assert_allclose(block, their_block.numpy(), rtol=1e-12, atol=1e-15)
    single, pair = jacobian(lambda a: (2 * a, a.sum()), x)
    np.testing.assert_allclose(single, 2 * np.eye(3))
    assert pair.shape == (3,)
    with pytest.raises(TypeError, match="hessian: f must return one Variable.*tuple of 2"):
        hessian(lambda a: (a.sum(), a.sum()), x)
    with pytest.raises(ValueError, match="vjp: v is required when f's output is not a"):
        vjp(lambda a, b: a, (x, y))  # (a tuple is several inputs, as jacobian's)


@pytest.mark.parametrize("helper", [jacobian, vjp, hessian])
def test_an_f_returning_a_list_is_refused_as_torch(helper):
    with pytest.raises(TypeError, match=f"{helper.__name__}: f must return a Variable or a "
                                        "tuple of Variables, got a list of 2"):
        helper(lambda a: [a * 2, a * 3], np.ones(3))


def test_hessian_vjp_jvp_hvp_take_several_inputs_as_torch():
    torch = pytest.importorskip("torch")
    import autograd as ag

    def f(a, b):
        return (ag.sin(a) * b).sum() + (a * a * b).sum()

    def tf(a, b):
        return (torch.sin(a) * b).sum() + (a * a * b).sum()

    rng = np.random.default_rng(3)
    a, b, va, vb = (rng.standard_normal(2) for _ in range(4))
    ta, tb, tva, tvb = (torch.tensor(t) for t in (a, b, va, vb))
    ours = ag.hessian(f, (a, b))
    theirs = torch.autograd.functional.hessian(tf, (ta, tb))
    for i in range(2):
        for j in range(2):
            np.testing.assert_allclose(ours[i][j], theirs[i][j].numpy(), rtol=1e-12)
    for name in ("hvp", "vhp"):
        value, products = getattr(ag, name)(f, (a, b), (va, vb))
        t_value, t_products = getattr(torch.autograd.functional, name)(tf, (ta, tb), (tva, tvb))
        np.testing.assert_allclose(value, t_value.numpy(), rtol=1e-12)
        for p, tp in zip(products, t_products):
            np.testing.assert_allclose(p, tp.numpy(), rtol=1e-12)

    def g(x, y):
        return ag.sin(x) * y * y

    def tg(x, y):
        return torch.sin(x) * y * y
    out, jv = ag.jvp(g, (a, b), (va, vb))
    t_out, t_jv = torch.autograd.functional.jvp(tg, (ta, tb), (tva, tvb))
    np.testing.assert_allclose(jv, t_jv.numpy(), rtol=1e-12)
    _, vj = ag.vjp(g, (a, b), va)
    _, t_vj = torch.autograd.functional.vjp(tg, (ta, tb), tva)
    for p, tp in zip(vj, t_vj):
        np.testing.assert_allclose(p, tp.numpy(), rtol=1e-12)


def test_products_of_a_function_that_ignores_an_input_are_zeros():
    import autograd as ag
    x, y = np.ones(2), np.ones(3)
    assert ag.jvp(lambda a: a * 0 + 1, x, x)[1].tolist() == [0.0, 0.0]
    _, (hx, hy) = ag.hvp(lambda a, b: (a * a).sum(), (x, y), (x, y))
    assert hx.tolist() == [2.0, 2.0] and hy.tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="v must be a tuple of 2 arrays"):
        ag.hvp(lambda a, b: (a * b).sum(), (x, x), x)
    with pytest.raises(ValueError, match="f must return a scalar"):
        ag.hvp(lambda a: a, x, x)
