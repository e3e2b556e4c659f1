"""PyTorch's in-place random fills normal_, uniform_, log_normal_, exponential_, cauchy_,
geometric_, bernoulli_, random_: the distribution's moments (loose, from a fixed seed), the
dtype kept, the generator= keyword (a NumPy Generator or RandomState; NumPy's global one by
default), and PyTorch's refusals (a leaf that requires grad, a bad parameter, an integer
Variable for a continuous distribution)."""
import numpy as np
import pytest

from autograd import Variable, no_grad

N = 20_000


def _fill(name, *args, dtype=np.float64, seed=0, **named):
    x = Variable(np.zeros(N, dtype), requires_grad=False)
    assert getattr(x, name)(*args, generator=np.random.default_rng(seed), **named) is x
    return x.data


@pytest.mark.parametrize("name,args,mean,std", [
    ("normal_", (), 0.0, 1.0),
    ("normal_", (2.0, 0.5), 2.0, 0.5),
    ("uniform_", (), 0.5, np.sqrt(1 / 12)),
    ("uniform_", (-3.0, 1.0), -1.0, 4 * np.sqrt(1 / 12)),
    ("exponential_", (4.0,), 0.25, 0.25),
    ("log_normal_", (0.0, 0.5), np.exp(0.125), np.sqrt((np.exp(0.25) - 1) * np.exp(0.25))),
    ("geometric_", (0.25,), 4.0, np.sqrt(0.75) / 0.25),
    ("bernoulli_", (0.3,), 0.3, np.sqrt(0.21)),
    ("random_", (10,), 4.5, np.sqrt(99 / 12)),
    ("random_", (-2, 3), 0.0, np.sqrt(2.0)),
])
def test_moments(name, args, mean, std):
    data = _fill(name, *args)
    assert abs(data.mean() - mean) < 0.05 * max(std, 1)
    assert abs(data.std() - std) < 0.05 * std


def test_bounds_and_integer_values():
    assert (lambda d: d.min() >= -3 and d.max() < 1)(_fill("uniform_", -3.0, 1.0))
    assert (_fill("exponential_") > 0).all()
    data = _fill("random_", 2, to=5)
    assert set(np.unique(data)) == {2.0, 3.0, 4.0}
    assert set(np.unique(_fill("bernoulli_", 0.5))) == {0.0, 1.0}
    assert (_fill("geometric_", 0.5) >= 1).all()
    cauchy = _fill("cauchy_", 1.0, 2.0)
    assert abs(np.median(cauchy) - 1.0) < 0.1  # (no mean: the median and the quartiles)
    assert abs(np.subtract(*np.percentile(cauchy, [75, 25])) - 4.0) < 0.2


def test_random_without_to_spans_the_dtype_as_torch():
    assert _fill("random_", dtype=np.float32).max() <= 2 ** 24
    assert _fill("random_", dtype=np.float32).max() > 2 ** 23
    assert set(np.unique(_fill("random_", dtype=np.bool_))) == {False, True}
    assert _fill("random_", dtype=np.int8).min() >= 0
    assert _fill("random_", dtype=np.int8).max() == 127


@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.float64])
def test_the_dtype_is_kept(dtype):
    for name in ("normal_", "uniform_", "exponential_", "bernoulli_", "random_"):
        assert _fill(name, dtype=dtype).dtype == dtype


def test_integer_and_boolean_variables_take_the_discrete_fills():
    assert _fill("bernoulli_", 0.5, dtype=np.int64).dtype == np.int64
    assert set(np.unique(_fill("random_", 3, dtype=np.int32))) == {0, 1, 2}
    assert _fill("geometric_", 0.5, dtype=np.int64).min() >= 1


@pytest.mark.parametrize("name", ["normal_", "uniform_", "exponential_", "log_normal_",
                                  "cauchy_"])
def test_a_continuous_fill_refuses_an_integer_variable(name):
    with pytest.raises(TypeError, match=f"{name}.*floating-point.*int64"):
        _fill(name, dtype=np.int64)


def test_the_generator_makes_it_reproducible():
    np.testing.assert_array_equal(_fill("normal_", seed=3), _fill("normal_", seed=3))
    assert not np.array_equal(_fill("normal_", seed=3), _fill("normal_", seed=4))
    x = Variable(np.zeros(5), requires_grad=False)
    x.uniform_(generator=np.random.RandomState(1))
    np.testing.assert_array_equal(x.data, np.random.RandomState(1).uniform(0, 1, 5))


def test_the_global_generator_is_used_by_default():
    x, y = (Variable(np.zeros(6), requires_grad=False) for _ in range(2))
    np.random.seed(11)
    x.normal_()
    np.random.seed(11)
    y.normal_()
    np.testing.assert_array_equal(x.data, y.data)


def test_bernoulli_takes_probabilities_that_broadcast():
    x = Variable(np.full((4, 3), 7.0), requires_grad=False)
    x.bernoulli_(Variable(np.array([0.0, 1.0, 0.0]), requires_grad=False))
    np.testing.assert_array_equal(x.data, np.tile([0.0, 1.0, 0.0], (4, 1)))
    with pytest.raises(ValueError, match="bernoulli_.*broadcast"):
        x.bernoulli_(np.full(4, 0.5))


@pytest.mark.parametrize("call,match", [
    (lambda x: x.normal_(0.0, -1.0), "normal_.*std"),
    (lambda x: x.uniform_(2.0, 1.0), "uniform_.*from=2.0 > to=1.0"),
    (lambda x: x.exponential_(0.0), "exponential_.*lambd"),
    (lambda x: x.bernoulli_(1.5), r"bernoulli_.*\[0, 1\]"),
    (lambda x: x.geometric_(0.0), "geometric_.*p"),
    (lambda x: x.random_(5, 2), "random_.*from=5 >= to=2"),
    (lambda x: x.astype(np.int8).random_(0, 300), "random_.*int8"),
])
def test_bad_parameters_are_refused_by_name(call, match):
    with pytest.raises(ValueError, match=match):
        call(Variable(np.zeros(3), requires_grad=False))


def test_a_torch_generator_or_a_seed_is_refused_by_name():
    with pytest.raises(TypeError, match="normal_: generator must be a NumPy Generator"):
        Variable(np.zeros(3), requires_grad=False).normal_(generator=0)


def test_a_leaf_that_requires_grad_is_filled_only_under_no_grad():
    w = Variable(np.zeros(3))
    with pytest.raises(RuntimeError, match="uniform_: the Variable is a leaf that requires "
                                           "grad"):
        w.uniform_()
    np.testing.assert_array_equal(w.data, np.zeros(3))
    with no_grad():
        w.uniform_(1.0, 2.0)
    assert (w.data >= 1).all() and w.requires_grad


def test_a_fill_bumps_the_version_so_older_graphs_refuse():
    w = Variable(np.ones(3))
    y = (w * w).sum()
    with no_grad():
        w.normal_()
    with pytest.raises(RuntimeError):
        y.backward()
