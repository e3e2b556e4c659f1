"""Shared by the nn.keras layer tests: NumPy references written with explicit loops over
Keras' definitions, and a layer's forward as a function of its input and parameters (for
the gradient kit's numerical checks)."""
import math

import numpy as np

import nn.keras as keras
from autograd import gradcheck, gradgradcheck
from nn.keras.metrics import Metric


def keras_same(size, kernel, stride, dilation=1):
    """TensorFlow's documented 'same' padding of one axis: out = ceil(size / stride), the
    padding the windows need, its odd unit at the end."""
    out = -(-size // stride)
    needed = max((out - 1) * stride + dilation * (kernel - 1) + 1 - size, 0)
    return needed // 2, needed - needed // 2


def conv_reference(x, kernel, bias, strides, padding, dilation):
    """Keras' convolution (Conv1D/2D/3D) of channels-last x (N, *spatial, C) with kernel
    (K..., C, F), by loops over the output positions and the kernel taps."""
    sizes, window = x.shape[1:-1], kernel.shape[:-2]
    if padding == "same":
        pads = [keras_same(*axis) for axis in zip(sizes, window, strides, dilation)]
    else:
        pads = [(0, 0)] * len(sizes)
    padded = np.pad(x, [(0, 0)] + list(pads) + [(0, 0)])
    outs = [(n - d * (k - 1) - 1) // s + 1
            for n, k, s, d in zip(padded.shape[1:-1], window, strides, dilation)]
    y = np.zeros((x.shape[0], *outs, kernel.shape[-1]))
    for position in np.ndindex(*outs):
        for tap in np.ndindex(*window):
            at = tuple(o * s + t * d for o, t, s, d in zip(position, tap, strides, dilation))
            y[(slice(None),) + position] += padded[(slice(None),) + at] @ kernel[tap]
    return y if bias is None else y + bias


def pool_reference(x, pool, strides, padding, reduce):
    """Keras' pooling of channels-last x (N, *spatial, C): each window's maximum or mean
    over the positions inside the input (Keras leaves 'same' padding out of both)."""
    spatial = x.shape[1:-1]
    pads = [keras_same(n, k, s) if padding == "same" else (0, 0)
            for n, k, s in zip(spatial, pool, strides)]
    outs = [(n + sum(p) - k) // s + 1 for n, p, k, s in zip(spatial, pads, pool, strides)]
    y = np.empty((x.shape[0], *outs, x.shape[-1]))
    for position in np.ndindex(*outs):
        window = tuple(slice(max(o * s - p[0], 0), min(o * s - p[0] + k, n))
                       for o, s, p, k, n in zip(position, strides, pads, pool, spatial))
        values = x[(slice(None),) + window + (slice(None),)]
        axes = tuple(range(1, 1 + len(spatial)))
        y[(slice(None),) + position] = reduce(values, axis=axes)
    return y


def as_function(layer):
    """(f, parameter arrays): f(x, *parameters) runs `layer` with the given Variables in
    place of its own parameters, so that gradcheck differentiates w.r.t. them too."""
    names = [name for name, _ in layer.named_parameters()]

    def f(x, *values):
        saved = {name: layer.__dict__[name] for name in names}
        try:
            layer.__dict__.update(zip(names, values))
            return layer(x)
        finally:
            layer.__dict__.update(saved)

    return f, [param.data.copy() for _, param in layer.named_parameters()]


def check_gradients(layer, x, second_order=False):
    """Backprop through `layer` (made float64) w.r.t. x and every parameter against the
    gradient kit's numerical differentiation."""
    layer.to(np.float64)
    f, params = as_function(layer)
    x = np.asarray(x, np.float64)
    gradcheck(f, x, *params)
    if second_order:
        gradgradcheck(f, x, *params, mode="fast")


def size_of(shape):
    return math.prod(shape)


class ClassCounts(Metric):
    """Counts of classes 0 and 1 in float64, its result the state variable's own array (as a
    Metric of one's own may write it): what fit logs must copy."""

    def __init__(self, name="class_counts"):
        super().__init__(name=name, dtype="float64")
        self.counts = self.add_variable(shape=(2,), name="counts")

    def update_state(self, y_true, y_pred=None, sample_weight=None):
        self.counts.assign_add(np.bincount(np.asarray(y_true, int).ravel(), minlength=2))

    def result(self):
        return self.counts.value


def small_regression(samples, features, seed):
    """(x, y, model): `samples` rows of `features` normal features, a linear target of them,
    and a Dense(2 features, tanh) -> Dense(1) model, its weights the same for the same
    seed."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(samples, features)).astype(np.float32)
    y = x @ rng.normal(size=(features, 1)).astype(np.float32)
    np.random.seed(seed)
    model = keras.Sequential([keras.Input(shape=(features,)),
                              keras.layers.Dense(2 * features, activation="tanh"),
                              keras.layers.Dense(1)])
    return x, y, model
