"""keras.ops against Keras 3.15.1 itself: each case of data/keras_ops_cases.py gives Keras'
values (data/keras_ops_reference.npz, made by data/make_keras_ops_reference.py), its
gradient matches numerical differentiation where it is differentiable, it works as a node of
a functional model that saves and loads, a captured step of it replays each call's input (296
of the 307 cases; the others are refused by name: a Python comparison, control flow on
values, a gradient taken inside, a decoding computed on the values), and a
model file Keras saved with 59 of these operations gives Keras' outputs. Where Keras
3.15.1's PyTorch backend departs from NumPy's meaning (or, for sparsemax, from the
published definition), rungrad's is checked against that (NUMPYS)."""
import os
import sys

import numpy as np
import pytest

import autograd
import nn
import nn.keras as keras
from autograd import Variable, gradcheck, gradgradcheck
from nn.keras import ops

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "data"))

import keras_ops_cases as _cases  # noqa: E402
from keras_ops_cases import CASES, INPUTS  # noqa: E402

REFERENCE = np.load(os.path.join(HERE, "data", "keras_ops_reference.npz"))
IDS = [case[0] for case in CASES]


def _results(result):
    """A case's results by the reference's keys' suffixes."""
    if isinstance(result, (list, tuple)):
        return {f"/{i}": r for i, r in enumerate(result)}
    return {"": result}


def _values(result):
    return np.asarray(result.data if isinstance(result, Variable) else result)


def _kind(dtype):
    return "int" if dtype.kind in "iu" else dtype.kind


# Keras 3.15.1's torch backend, where it departs from NumPy's meaning (and Keras' other
# backends'): rungrad's is checked against NumPy there
NUMPYS = {
    # (count_nonzero over an axis: the torch backend transposes its result)
    "count_nonzero": lambda: np.count_nonzero(np.round(INPUTS["x"]), axis=1).astype(np.int32),
    # (mode 'symmetric': the torch backend pads 'replicate')
    "pad_symmetric": lambda: np.pad(INPUTS["x"], ((0, 0), (1, 1), (2, 2)), mode="symmetric"),
    # (nextafter in float64, cast back to float32: the torch backend gives x1 itself (a step
    # of 0), where
    # NumPy's, JAX's and Keras' own docstring step one float32 ulp)
    "nextafter": lambda: _cases._step_to_next(np, INPUTS["x"].astype(np.float32)),
    # (Keras 3.15.1 sums the running sums for sparsemax's threshold: its rows do not sum to 1)
    "sparsemax": lambda: _sparsemax(INPUTS["x"] * 0.4),
}


def _sparsemax(z):
    """Martins and Astudillo's sparsemax along the last axis, row by row."""
    out = np.empty_like(z)
    for index in np.ndindex(z.shape[:-1]):
        row = np.sort(z[index])[::-1]
        k = np.arange(1, row.size + 1)
        support = k[1 + k * row > np.cumsum(row)].max()
        out[index] = np.maximum(z[index] - (row[:support].sum() - 1) / support, 0)
    return out
# the cases Keras computes in float32 somewhere (its Python constants, its norm, torch's
# normalization kernels) though its result is float64
IN_FLOAT32 = ("mod", "mod_negative", "fmod", "normalize", "normalize_1",
              "layer_normalization", "rms_normalization", "segment_sum", "segment_max",
              "segment_max_sparse", "segment_min", "segment_prod")


def _assert_as_keras(name, result):
    results = _results(result)
    assert sorted(name + key for key in results) == sorted(
        key for key in REFERENCE.files if key == name or key.startswith(name + "/"))
    for key, value in results.items():
        ours = _values(value)
        theirs = NUMPYS[name]() if name in NUMPYS else REFERENCE[name + key]
        assert _kind(ours.dtype) == _kind(theirs.dtype), (key, ours.dtype, theirs.dtype)
        single = np.float32 in (ours.dtype, theirs.dtype) or name in IN_FLOAT32
        np.testing.assert_allclose(ours, theirs, rtol=1e-5 if single else 1e-9,
                                   atol=1e-6 if single else 1e-12, err_msg=name + key)


@pytest.mark.parametrize("name, call, given, differentiable, symbolic", CASES, ids=IDS)
def test_each_op_gives_keras_values(name, call, given, differentiable, symbolic):
    _assert_as_keras(name, call(ops, Variable(INPUTS[given])))


def _as_tuple(call):
    """call's floating-point results (top_k's values, not its indices), as a tuple."""
    def called(x):
        result = call(ops, x)
        if not isinstance(result, (list, tuple)):
            return result
        return tuple(r for r in result if r.dtype.kind == "f")
    return called


DIFFERENTIABLE = [case for case in CASES if case[3]]


@pytest.mark.parametrize("name, call, given, differentiable, symbolic", DIFFERENTIABLE,
                         ids=[case[0] for case in DIFFERENTIABLE])
def test_each_differentiable_op_has_the_numerical_gradients(name, call, given, differentiable,
                                                            symbolic):
    x = Variable(INPUTS[given].copy())
    gradcheck(_as_tuple(call), x, mode="fast")
    if name not in FIRST_ORDER:
        gradgradcheck(_as_tuple(call), x, mode="fast")


FIRST_ORDER = ("ctc_loss",)  # (nn.functional.ctc_loss's gradient, as PyTorch's, is first order)


SYMBOLIC = [case for case in CASES if case[4]]


@pytest.mark.parametrize("name, call, given, differentiable, symbolic", SYMBOLIC,
                         ids=[case[0] for case in SYMBOLIC])
def test_each_op_is_a_functional_models_node_saved_by_name(name, call, given, differentiable,
                                                           symbolic, tmp_path):
    x = INPUTS[given]
    inputs = keras.Input(shape=x.shape[1:], dtype=x.dtype.name)
    result = call(ops, inputs)
    outputs = list(result) if isinstance(result, (list, tuple)) else result
    model = keras.Model(inputs, outputs)
    _assert_as_keras(name, model(x))
    model.save(tmp_path / "m.keras")
    _assert_as_keras(name, nn.load_model(tmp_path / "m.keras")(x))


def test_a_model_file_keras_saved_with_these_ops_gives_keras_outputs():
    files = os.path.join(HERE, "data", "keras_files")
    model = nn.load_model(os.path.join(files, "numpy_ops.keras"))
    expected = np.load(os.path.join(files, "numpy_ops.npz"))
    outputs = model(expected["x"])
    assert len(outputs) == len(expected.files) - 1 == 65
    for i, output in enumerate(outputs):
        theirs = expected[f"output_{i}"]
        if model.output_names[i].startswith("count_nonzero"):
            theirs = theirs.T  # (see NUMPYS)
        np.testing.assert_allclose(_values(output), theirs, rtol=2e-5, atol=2e-6,
                                   err_msg=model.output_names[i])


@pytest.mark.parametrize("name", ["tan", "log2", "cbrt", "median", "norm", "arctan2"])
def test_integer_inputs_give_float32_as_keras(name):
    x = Variable(np.array([[1, 2], [3, 4]], np.int32))
    result = getattr(ops, name)(x, x) if name == "arctan2" else getattr(ops, name)(x)
    assert result.dtype == np.float32


def test_integer_floor_division_and_remainders_stay_integers():
    x = np.array([-7, 7], np.int32)
    np.testing.assert_array_equal(ops.floor_divide(x, np.int32(2)).data, [-4, 3])
    assert ops.floor_divide(x, np.int32(2)).dtype == np.int32
    np.testing.assert_array_equal(ops.mod(x, 3).data, [2, 1])
    np.testing.assert_array_equal(ops.fmod(x, 3).data, [-1, 1])


def test_a_custom_gradient_is_the_one_its_function_gives():
    """Keras' guide's example: log(1 + e^x) with the stable gradient 1 - 1 / (1 + e^x)."""
    @ops.custom_gradient
    def log1pexp(x):
        e = ops.exp(x)

        def grad(*args, upstream=None):
            if upstream is None:
                (upstream,) = args
            return ops.multiply(upstream, 1.0 - 1.0 / ops.add(1, e))
        return ops.log(1 + e), grad

    x = Variable(np.array([0.0, 2.0, 100.0]), requires_grad=True)
    y = log1pexp(x)
    np.testing.assert_allclose(y.data[:2], np.log1p(np.exp([0.0, 2.0])))
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, [0.5, 1 - 1 / (1 + np.e ** 2), 1.0])

    @ops.custom_gradient
    def doubled(a, b):
        return a * b, lambda g: (g * 2.0, None)
    a, b = Variable(np.ones(2), requires_grad=True), Variable(np.ones(2), requires_grad=True)
    doubled(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [2.0, 2.0])
    assert b.grad is None


def test_loops_stop_where_keras_does_and_scan_runs_backwards():
    assert int(ops.while_loop(lambda i: i < 100, lambda i: i + 1, 0,
                              maximum_iterations=5).data) == 5
    x = Variable(np.arange(3.0))
    carry, ys = ops.scan(lambda c, v: (c + v, c), Variable(np.zeros(())), x, reverse=True)
    assert float(carry.data) == 3.0
    np.testing.assert_array_equal(ys.data, [3.0, 2.0, 0.0])  # (in xs' order)
    carry, ys = ops.scan(lambda c, _: (c * 2, c), Variable(np.ones(())), length=3)
    np.testing.assert_array_equal(ys.data, [1.0, 2.0, 4.0])
    assert ops.switch(7, [lambda v: v - 1, lambda v: v + 1], 10) == 11  # (clipped)


def test_what_cannot_be_done_is_refused_by_name():
    x = keras.Input(shape=(3,))
    with pytest.raises(ValueError, match="keras.ops.cond runs Python functions on values"):
        ops.cond(ops.sum(x) > 0, lambda: x, lambda: -x)
    with pytest.raises(ValueError, match=r"binary_crossentropy: target and output must have "
                                         r"the same shape, got \(2,\) and \(3,\)"):
        ops.binary_crossentropy(np.ones(2), np.full(3, 0.5))
    with pytest.raises(ValueError, match="normalize: order must be an int >= 1, got 0"):
        ops.normalize(np.ones(3), order=0)
    with pytest.raises(ValueError, match="cholesky: the matrix of shape \\(2, 2\\) is not "
                                         "positive definite"):
        ops.cholesky(-np.eye(2))
    with pytest.raises(ValueError, match="inv: the matrix of shape \\(2, 2\\) is singular"):
        ops.inv(np.zeros((2, 2)))
    with pytest.raises(TypeError, match=r"keras.ops.pad\(\) takes 4 arguments, 5 given"):
        ops.pad(np.ones(2), ((1, 1),), "constant", 0, 1)


def test_positional_arguments_follow_keras_order():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(ops.pad(x, ((0, 0), (1, 0)), "constant", 9.0).data[:, 0],
                                  [9.0, 9.0])
    np.testing.assert_allclose(ops.average(x, 1, np.array([1.0, 0.0, 1.0])).data, [1.0, 4.0])
    normalized = ops.batch_normalization(x, np.zeros(3), np.ones(3), -1, np.ones(3),
                                         np.full(3, 2.0), 0.0)
    np.testing.assert_allclose(normalized.data, 2 * x + 1)
    assert ops.full((2,), 3).dtype == np.float32 and ops.arange(3.0).dtype == np.float32


def _variants(x):
    """Four inputs of x's shape and dtype: the capture's two and two replayed."""
    if x.dtype.kind == "f":
        return [x * (1 + 0.1 * k) + 0.05 * k for k in range(4)]
    return [(x + k) % 5 for k in range(4)]


@pytest.mark.filterwarnings("ignore::autograd.DetachedResultWarning")
@pytest.mark.parametrize("name, call, given, differentiable, symbolic", CASES, ids=IDS)
def test_each_op_replays_in_a_captured_step_on_each_calls_input(name, call, given,
                                                                differentiable, symbolic):
    """A captured step of the op gives each call's own result, or is refused (never the
    recorded input's result for another input)."""
    step = autograd.capture(lambda x: _as_tuple(call)(x))
    for x in _variants(INPUTS[given]):  # (arrays: the inputs of a replay; a Variable is a leaf)
        try:
            replayed = step(x)
        except (autograd.CaptureError, NotImplementedError):
            return  # (refused, by name)
        eager = _as_tuple(call)(Variable(x))
        for got, want in zip(_results(replayed).values(), _results(eager).values()):
            np.testing.assert_array_equal(_values(got), _values(want), err_msg=name)
    assert step.replays == 2
