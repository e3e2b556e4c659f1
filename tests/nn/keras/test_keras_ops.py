"""keras.ops (nn.keras.ops) and keras.random: each op on arrays against NumPy, its gradient
against numerical differentiation, and as a node of a functional model (built on symbolic
tensors, run, saved and loaded by name); a VAE written as Keras' guide writes it trains."""
import numpy as np
import pytest

import nn
import nn.keras as keras
from autograd import Variable, gradcheck
from nn.keras import ops

RNG = np.random.default_rng(0)
X = RNG.normal(size=(4, 3, 5))  # (batch, 3, 5): the symbolic cases keep the batch axis
POSITIVE = np.abs(X) + 0.5


def _erf(a):
    from math import erf
    return np.vectorize(erf)(a)


def _gelu_tanh(a):
    return 0.5 * a * (1 + np.tanh(np.sqrt(2 / np.pi) * (a + 0.044715 * a ** 3)))


def _softmax(a, axis=-1):
    e = np.exp(a - a.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# (name, the call on an input, NumPy's result, the input, whether differentiable)
CASES = [
    ("mean", lambda x: ops.mean(x, axis=1), lambda a: a.mean(1), X, True),
    ("sum", lambda x: ops.sum(x, axis=[1, 2], keepdims=True),
     lambda a: a.sum((1, 2), keepdims=True), X, True),
    ("max", lambda x: ops.max(x, axis=-1), lambda a: a.max(-1), X, True),
    ("min", lambda x: ops.min(x, axis=1), lambda a: a.min(1), X, True),
    ("std", lambda x: ops.std(x, axis=2), lambda a: a.std(2), X, True),
    ("var", lambda x: ops.var(x, axis=1, keepdims=True), lambda a: a.var(1, keepdims=True),
     X, True),
    ("prod", lambda x: ops.prod(x, axis=1), lambda a: a.prod(1), X, True),
    ("logsumexp", lambda x: ops.logsumexp(x, axis=-1), lambda a: np.log(np.exp(a).sum(-1)),
     X, True),
    ("cumsum", lambda x: ops.cumsum(x, axis=2), lambda a: a.cumsum(2), X, True),
    ("argmax", lambda x: ops.argmax(x, axis=-1), lambda a: a.argmax(-1), X, False),
    ("argmin", lambda x: ops.argmin(x, axis=1), lambda a: a.argmin(1), X, False),
    ("expand_dims", lambda x: ops.expand_dims(x, 1), lambda a: a[:, None], X, True),
    ("squeeze", lambda x: ops.squeeze(ops.expand_dims(x, 2), axis=2), lambda a: a, X, True),
    ("reshape", lambda x: ops.reshape(x, (-1, 15)), lambda a: a.reshape(-1, 15), X, True),
    ("transpose", lambda x: ops.transpose(x, (0, 2, 1)), lambda a: a.transpose(0, 2, 1), X, True),
    ("stack", lambda x: ops.stack([x, x * 2], axis=1), lambda a: np.stack([a, 2 * a], 1), X, True),
    ("flip", lambda x: ops.flip(x, axis=2), lambda a: a[:, :, ::-1], X, True),
    ("tile", lambda x: ops.tile(x, (1, 2, 1)), lambda a: np.tile(a, (1, 2, 1)), X, True),
    ("power", lambda x: ops.power(x, 3), lambda a: a ** 3, X, True),
    ("matmul", lambda x: ops.matmul(x, np.ones((5, 2))), lambda a: a @ np.ones((5, 2)), X, True),
    ("maximum", lambda x: ops.maximum(x, 0.25), lambda a: np.maximum(a, 0.25), X, True),
    ("sqrt", ops.sqrt, np.sqrt, POSITIVE, True),
    ("log", ops.log, np.log, POSITIVE, True),
    ("rsqrt", ops.rsqrt, lambda a: 1 / np.sqrt(a), POSITIVE, True),
    ("square", ops.square, np.square, X, True),
    ("log1p", ops.log1p, np.log1p, POSITIVE, True),
    ("expm1", ops.expm1, np.expm1, X, True),
    ("sin", ops.sin, np.sin, X, True), ("cos", ops.cos, np.cos, X, True),
    ("erf", ops.erf, _erf, X, True),
    ("clip", lambda x: ops.clip(x, -0.5, 0.5), lambda a: np.clip(a, -0.5, 0.5), X, True),
    ("sign", ops.sign, np.sign, X, False), ("floor", ops.floor, np.floor, X, False),
    ("round", lambda x: ops.round(x, 1), lambda a: np.round(a, 1), X, False),
    ("where", lambda x: ops.where(ops.greater(x, 0), x, -x), np.abs, X, True),
    ("softmax", lambda x: ops.softmax(x, axis=1), lambda a: _softmax(a, 1), X, True),
    ("log_softmax", ops.log_softmax, lambda a: np.log(_softmax(a)), X, True),
    ("softplus", ops.softplus, lambda a: np.log1p(np.exp(a)), X, True),
    ("gelu", ops.gelu, _gelu_tanh, X, True),
    ("leaky_relu", ops.leaky_relu, lambda a: np.where(a > 0, a, 0.2 * a), X, True),
    ("hard_sigmoid", ops.hard_sigmoid, lambda a: np.clip(a / 6 + 0.5, 0, 1), X, True),
    ("silu", ops.silu, lambda a: a / (1 + np.exp(-a)), X, True),
    ("logical_and", lambda x: ops.logical_and(ops.greater(x, 0), ops.less(x, 1)),
     lambda a: (a > 0) & (a < 1), X, False),
    ("one_hot", lambda x: ops.one_hot(ops.argmax(x, axis=-1), 5),
     lambda a: np.eye(5, dtype=np.float32)[a.argmax(-1)], X, False),
    ("einsum", lambda x: ops.einsum("nij,nkj->nik", x, x),
     lambda a: np.einsum("nij,nkj->nik", a, a), X, True),
]


@pytest.mark.parametrize("name, call, reference, x, _", CASES, ids=[c[0] for c in CASES])
def test_each_op_on_arrays_gives_numpys_values(name, call, reference, x, _):
    out = call(x)
    assert isinstance(out, Variable)
    np.testing.assert_allclose(out.data, reference(x), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name, call, reference, x, differentiable",
                         [c for c in CASES if c[4]], ids=[c[0] for c in CASES if c[4]])
def test_each_differentiable_op_backpropagates_its_gradient(name, call, reference, x,
                                                            differentiable):
    gradcheck(call, Variable(x[:2].copy()), mode="fast")


@pytest.mark.parametrize("name, call, reference, x, _", CASES, ids=[c[0] for c in CASES])
def test_each_op_on_symbolic_tensors_is_a_node_saved_by_name(name, call, reference, x, _,
                                                             tmp_path):
    inputs = keras.Input(shape=x.shape[1:], dtype="float64")
    model = keras.Model(inputs, call(inputs))
    np.testing.assert_allclose(model(x).data, reference(x), rtol=1e-6, atol=1e-7)
    model.save(tmp_path / "m.keras")
    np.testing.assert_allclose(nn.load_model(tmp_path / "m.keras")(x).data, reference(x),
                               rtol=1e-6, atol=1e-7)


def test_python_operators_on_symbolic_tensors_make_the_ops_nodes():
    inputs = keras.Input(shape=(3,), dtype="float64")
    out = (2 - inputs) * inputs / 4 + inputs ** 2 - (-inputs) @ np.eye(3)
    out = out[:, 1:] + abs(inputs[:, :2]) + (inputs[:, 1:] > 0) * 1.0
    model = keras.Model(inputs, out)
    a = X[:, 0, :3]
    expected = (2 - a) * a / 4 + a ** 2 + a
    expected = expected[:, 1:] + np.abs(a[:, :2]) + (a[:, 1:] > 0)
    np.testing.assert_allclose(model(a).data, expected, rtol=1e-12)


def test_shape_conversions_and_constants():
    assert ops.shape(keras.Input(shape=(3, 2))) == (None, 3, 2)
    assert ops.shape(np.ones((4, 1))) == (4, 1)
    tensor = ops.convert_to_tensor([[1, 2]], dtype="float32")
    assert isinstance(tensor, Variable) and tensor.dtype == np.float32
    assert ops.convert_to_tensor([0.5]).dtype == np.float32  # (Keras' defaults)
    assert ops.convert_to_tensor(3).dtype == np.int32
    assert ops.convert_to_tensor(np.ones(2)).dtype == np.float64  # (an array keeps its own)
    np.testing.assert_array_equal(ops.convert_to_numpy(tensor), [[1, 2]])
    assert ops.zeros((2, 3)).dtype == np.float32 and not ops.ones((2,), "int32").requires_grad
    x = Variable(np.ones(2), requires_grad=True)
    (ops.stop_gradient(x * 3) * x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 3.0])


def test_bad_calls_are_named():
    with pytest.raises(TypeError, match=r"keras.ops.mean\(\) got an unexpected or repeated "
                                        r"argument 'dim'"):
        ops.mean(X, dim=1)
    with pytest.raises(TypeError, match=r"keras.ops.clip\(\) is missing \['x'\]"):
        ops.clip(x_min=0, x_max=1)


def test_random_draws_follow_keras_seeds():
    r = keras.random
    assert np.array_equal(r.normal((3,), seed=4).data, r.normal((3,), seed=4).data)
    generator = r.SeedGenerator(7)
    first, second = r.uniform((3,), seed=generator).data, r.uniform((3,), seed=generator).data
    assert not np.array_equal(first, second)
    again = r.SeedGenerator(7)
    assert np.array_equal(r.uniform((3,), seed=again).data, first)
    np.random.seed(1)
    drawn = r.normal((2, 2)).data
    np.random.seed(1)
    assert np.array_equal(r.normal((2, 2)).data, drawn) and drawn.dtype == np.float32
    values = r.truncated_normal((2000,), mean=1.0, stddev=0.5, seed=3).data
    assert np.abs(values - 1.0).max() <= 1.0 and abs(values.mean() - 1.0) < 0.05
    ints = r.randint((1000,), 2, 5, seed=2).data
    assert ints.dtype == np.int32 and set(np.unique(ints)) == {2, 3, 4}
    with pytest.raises(TypeError, match="keras.random.normal: seed must be None, an int or a "
                                        "SeedGenerator, got 'x'"):
        r.normal((2,), seed="x")


class Sampling(keras.layers.Layer):
    """Keras' VAE guide's layer: z = mean + exp(log_var / 2) * eps, adding the KL term."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        kl = -0.5 * ops.mean(ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var),
                                     axis=1))
        self.add_loss(0.01 * kl)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


class VAE(nn.Model):
    def __init__(self):
        super().__init__()
        self.encoder = keras.layers.Dense(8, activation="relu")
        self.mean = keras.layers.Dense(2)
        self.log_var = keras.layers.Dense(2)
        self.sampling = Sampling()
        self.decoder = keras.layers.Dense(6)

    def call(self, x):
        h = self.encoder(x)
        return self.decoder(self.sampling([self.mean(h), self.log_var(h)]))


@pytest.mark.parametrize("jit", [False, True])
def test_a_vae_written_as_keras_guide_writes_it_trains(jit):
    """The reconstruction improves, eager and captured; the KL term is among the model's
    losses."""
    rng = np.random.default_rng(0)
    codes = rng.normal(size=(64, 2)).astype(np.float32)
    x = np.tanh(codes @ rng.normal(size=(2, 6)).astype(np.float32))
    np.random.seed(0)
    model = VAE()
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse", jit_compile=jit)
    history = model.fit(x, x, batch_size=16, epochs=40, shuffle=False, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.5 * losses[0]
    kl = float(model.losses[0].data)
    assert kl > 0
    assert len(model.sampling.losses) == 1


@pytest.mark.parametrize("seed", [None, "generator"])
def test_a_captured_step_draws_anew_at_every_replay(seed):
    import autograd as ag
    seed = keras.random.SeedGenerator(3) if seed == "generator" else seed
    w = Variable(np.ones(3), requires_grad=True)

    @ag.capture
    def step():
        noisy = (w * keras.random.normal((3,), seed=seed)).sum()
        noisy.backward()
        return noisy.detach()

    drawn = [float(step().data) for _ in range(4)]  # (recorded twice, then replayed)
    assert len(set(drawn)) == 4


def test_an_array_on_the_left_of_a_symbolic_tensor_makes_a_node():
    inputs = keras.Input(shape=(4,), dtype="float64")
    model = keras.Model(inputs, np.arange(4.0) * inputs + np.ones(4))
    np.testing.assert_allclose(model(X[:, 0, :4]).data, np.arange(4.0) * X[:, 0, :4] + 1)


def test_a_seed_generator_made_without_a_seed_follows_set_random_seed():
    drawn = []
    for _ in range(2):
        keras.utils.set_random_seed(0)
        drawn.append(keras.random.normal((3,), seed=keras.random.SeedGenerator()).data)
    np.testing.assert_array_equal(*drawn)


@pytest.mark.parametrize("name", ["mean", "std", "sqrt", "exp", "tanh", "sigmoid", "logsumexp"])
def test_integer_and_boolean_inputs_compute_in_float32_as_keras(name):
    """Keras 3.15.1: int32, int64 and bool inputs of these give float32 (NumPy: float64);
    sum, square and max keep the integers, as Keras' do."""
    for dtype in ("int32", "int64", "bool"):
        values = np.array([[1, 0], [1, 1]], dtype)
        out = getattr(ops, name)(values)
        assert out.dtype == np.float32, (name, dtype)
        np.testing.assert_allclose(out.data, getattr(ops, name)(values.astype(np.float64)).data,
                                   rtol=1e-6)
    assert ops.sum(np.array([1, 2], "int64")).dtype == np.int64


def test_max_and_min_take_keras_initial():
    x = Variable(np.array([[1.0, -2.0], [3.0, 0.5]]), requires_grad=True)
    out = ops.max(x, axis=1, initial=2.0)
    np.testing.assert_array_equal(out.data, np.max(x.data, axis=1, initial=2.0))
    out.sum().backward()  # (the gradient goes where x beats the initial value)
    np.testing.assert_array_equal(x.grad.data, [[0, 0], [1, 0]])
    np.testing.assert_array_equal(ops.min(np.empty((0, 3)), axis=0, initial=5.0).data, [5.0] * 3)
    inputs = keras.Input(shape=(2,))
    model = keras.Model(inputs, ops.min(inputs, axis=1, keepdims=True, initial=0.0))
    np.testing.assert_array_equal(model(np.array([[1.0, 2.0]], np.float32)).data, [[0.0]])


def test_where_with_a_condition_alone_gives_the_indices():
    rows, cols = ops.where(np.array([[0, 1], [1, 0]]))
    np.testing.assert_array_equal(rows.data, [0, 1])
    np.testing.assert_array_equal(cols.data, [1, 0])
    with pytest.raises(ValueError, match="its size depends on the data"):
        ops.where(keras.Input(shape=(2,)))
    with pytest.raises(ValueError, match="give both x1 and x2, or neither"):
        ops.where(np.ones(2), x1=np.ones(2))


def test_a_symbolic_ops_shape_has_none_only_where_it_follows_the_batch():
    """An op may drop the batch axis or fold it into another: its node's shape says so, as
    Keras' does (the batch axis was taken to be the first, always)."""
    x = keras.Input(shape=(3, 4))
    assert ops.sum(x).shape == ()
    assert x[0].shape == (3, 4) and ops.mean(x, axis=0).shape == (3, 4)
    assert x[:, -1].shape == (None, 4) and ops.reshape(x, (-1,)).shape == (None,)
    assert (x * 2).shape == (None, 3, 4)
    model = keras.Model(x, ops.sum(x))
    np.testing.assert_allclose(float(model(np.ones((5, 3, 4), np.float32)).data), 60.0)


def test_convert_to_tensor_never_wraps_a_large_int_and_keeps_arrays_dtypes():
    assert ops.convert_to_tensor(3_000_000_000).dtype == np.int64
    np.testing.assert_array_equal(ops.convert_to_tensor([2 ** 40]).data, [2 ** 40])
    assert ops.convert_to_tensor([np.ones(2)]).dtype == np.float64


def test_a_sliced_batchs_size_is_none_and_a_slice_within_it_fixed_as_keras():
    x = keras.Input(shape=(3,))
    assert x[::2].shape == (None, 3) and x[::3].shape == (None, 3)
    assert x[:2].shape == (2, 3) and x[-1:].shape == (1, 3)
