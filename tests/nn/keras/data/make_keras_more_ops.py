"""Write keras_files/more_ops.keras: a functional model of keras.ops calls beyond those
make_keras_files.py's keras_ops model makes (Std, Clip, Gelu, Einsum, OneHot, Argmax,
Cumsum, LeakyRelu, Logsumexp, Stack, Softplus, LogSoftmax, Round, Tile, Rsqrt, Prod, Expm1,
Sin), saved by Keras 3 (3.15.1, torch backend), and more_ops.npz: an input and Keras'
outputs for it, which tests/nn/keras/test_keras_operations.py checks rungrad's against. Not
run by the test suite:

    KERAS_BACKEND=torch python tests/nn/keras/data/make_keras_more_ops.py
"""
import os

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
from keras import ops  # noqa: E402

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "keras_files")


def main():
    x = keras.Input(shape=(3, 5))
    outputs = [
        ops.std(x, axis=1),
        ops.clip(ops.gelu(x), -0.5, 0.5),
        ops.einsum("nij,nkj->nik", x, x),
        ops.one_hot(ops.argmax(x, axis=-1), 5),
        ops.cumsum(ops.leaky_relu(x), axis=2) + ops.logsumexp(x, axis=-1, keepdims=True),
        ops.stack([ops.softplus(x), ops.log_softmax(x)], axis=1),
        ops.round(ops.tile(ops.rsqrt(ops.abs(x) + 1), (1, 2, 1)), 1),
        ops.prod(ops.expm1(ops.sin(x)), axis=2),
    ]
    model = keras.Model(x, outputs)
    model.save(os.path.join(HERE, "more_ops.keras"))
    given = np.random.default_rng(0).normal(size=(2, 3, 5)).astype("float32")
    predicted = model.predict(given, verbose=0)
    np.savez(os.path.join(HERE, "more_ops.npz"), x=given,
             **{f"output_{i}": np.asarray(p) for i, p in enumerate(predicted)})


if __name__ == "__main__":
    main()
