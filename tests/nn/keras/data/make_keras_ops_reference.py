"""Write keras_ops_reference.npz: Keras' results of keras_ops_cases.CASES (each case's input
given as a Keras tensor; a list or tuple of results kept as name/0, name/1, ...), and
keras_files/numpy_ops.keras with numpy_ops.npz: a functional model Keras 3 saved whose
outputs are the symbolic cases' calls on one float32 input, with that input and Keras'
outputs for it (tests/nn/keras/test_keras_ops_reference.py reads both). Keras 3.15.1,
torch backend. Not run by the test suite:

    KERAS_BACKEND=torch python tests/nn/keras/data/make_keras_ops_reference.py
"""
import os
import sys

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
from keras import ops  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from keras_ops_cases import CASES, INPUTS  # noqa: E402

# the cases a float32 model file holds: one input x (4, 3, 5), no constant with a batch axis
IN_FILE = ("tan", "sinh", "arctan", "arcsinh", "exp2", "cbrt_negative", "deg2rad", "erfc",
           "signbit", "floor_divide", "mod", "fmod", "log_sigmoid", "swish", "hard_silu",
           "celu", "hard_tanh", "soft_shrink", "hard_shrink", "tanh_shrink", "squareplus",
           "sparse_plus", "threshold", "amax", "amin", "count_nonzero", "cumprod", "median",
           "ptp", "average_weighted", "norm_1", "norm_frobenius", "normalize", "moments",
           "take", "repeat", "moveaxis", "swapaxes", "pad_value", "roll", "tril", "triu",
           "diagonal", "trace", "ravel", "dot", "tensordot_axes", "inner", "unstack",
           "hstack", "sort", "argsort", "top_k", "split", "diff_2", "full_like",
           "layer_normalization", "rms_normalization", "batch_normalization")


def _arrays(result):
    if isinstance(result, (list, tuple)):
        return {f"/{i}": ops.convert_to_numpy(r) for i, r in enumerate(result)}
    return {"": ops.convert_to_numpy(result)}


def reference():
    results = {}
    for name, call, given, _, _ in CASES:
        for suffix, array in _arrays(call(ops, ops.convert_to_tensor(INPUTS[given]))).items():
            results[name + suffix] = array
    np.savez(os.path.join(HERE, "keras_ops_reference.npz"), **results)


def model_file():
    cases = {name: call for name, call, *_ in CASES}
    x = keras.Input(shape=(3, 5))
    outputs = []
    for name in IN_FILE:
        result = cases[name](ops, x)
        outputs += list(result) if isinstance(result, (list, tuple)) else [result]
    model = keras.Model(x, outputs)
    model.save(os.path.join(HERE, "keras_files", "numpy_ops.keras"))
    given = INPUTS["x"].astype("float32")
    predicted = model.predict(given, verbose=0, batch_size=4)
    np.savez(os.path.join(HERE, "keras_files", "numpy_ops.npz"), x=given,
             **{f"output_{i}": np.asarray(p) for i, p in enumerate(predicted)})


if __name__ == "__main__":
    reference()
    model_file()
