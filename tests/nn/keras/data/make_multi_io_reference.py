"""Keras 3 training a functional model of two inputs and two outputs, for
tests/nn/keras/test_multi_io.py (run with Keras installed: `KERAS_BACKEND=jax python
make_multi_io_reference.py`; not run by the test suite). Writes multi_io.json: the data, the
initial weights (Keras' layout) and, for each case, its compile and fit arguments (x and y
as dicts where `named`, else lists), fit's History and evaluate's list, with shuffle=False so
that both walk the same batches."""
import json
import os

import keras
import numpy as np
from keras import layers

SAMPLES = 24


def build():
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    h = layers.Dense(4, activation="tanh", name="hidden")(layers.Concatenate()([a, b]))
    reg = layers.Dense(1, name="reg")(h)
    cls = layers.Dense(3, activation="softmax", name="cls")(h)
    return keras.Model([a, b], [reg, cls])


def data():
    rng = np.random.default_rng(7)
    xa = rng.normal(size=(SAMPLES, 3)).astype(np.float32)
    xb = rng.normal(size=(SAMPLES, 2)).astype(np.float32)
    weights = [rng.normal(scale=0.5, size=shape).astype(np.float32)
               for shape in ((5, 4), (4,), (4, 1), (1,), (4, 3), (3,))]
    y_reg = (xa[:, :1] - xb[:, 1:] + 0.1 * rng.normal(size=(SAMPLES, 1))).astype(np.float32)
    y_cls = rng.integers(0, 3, size=SAMPLES)
    return {"xa": xa, "xb": xb, "weights": weights, "y_reg": y_reg, "y_cls": y_cls,
            "sample_weight": rng.uniform(0.0, 2.0, size=SAMPLES)}


# Each case: compile's arguments (beyond the optimizer) and fit's, data named by key.
CASES = {
    "dicts": {"compile": {"loss": {"reg": "mse", "cls": "sparse_categorical_crossentropy"},
                          "loss_weights": {"reg": 2.0, "cls": 0.5},
                          "metrics": {"reg": ["mae"], "cls": ["accuracy"]}},
              "fit": {"validation_split": 0.25}, "named": True},
    "lists": {"compile": {"loss": ["mse", "sparse_categorical_crossentropy"],
                          "loss_weights": [1.0, 3.0],
                          "metrics": [["mse", "mae"], "accuracy"]},
              "fit": {"sample_weight": "sample_weight"}},
    "one_loss": {"compile": {"loss": "mse", "metrics": [None, ["mae"]]},
                 "fit": {"validation_data": True}, "one_hot": True},
}


def targets(found, case, as_dict=False):
    y_cls = np.eye(3, dtype=np.float32)[found["y_cls"]] if case.get("one_hot") else \
        found["y_cls"]
    return {"reg": found["y_reg"], "cls": y_cls} if as_dict else [found["y_reg"], y_cls]


def run(name, case, found):
    keras.utils.set_random_seed(0)
    model = build()
    weights = iter(found["weights"])
    for layer in ("hidden", "reg", "cls"):
        model.get_layer(layer).set_weights([next(weights), next(weights)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), **case["compile"])
    x = {"a": found["xa"], "b": found["xb"]} if case.get("named") else [found["xa"],
                                                                         found["xb"]]
    y = targets(found, case, as_dict=case.get("named", False))
    fit = dict(case["fit"])
    if "sample_weight" in fit:
        fit["sample_weight"] = found["sample_weight"]
    if fit.get("validation_data"):
        fit["validation_data"] = ([found["xa"][:10], found["xb"][:10]],
                                  [t[:10] for t in targets(found, case)])
    history = model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0, **fit)
    evaluated = model.evaluate([found["xa"], found["xb"]], targets(found, case), verbose=0)
    return {"history": {k: [float(v) for v in vs] for k, vs in history.history.items()},
            "evaluate": [float(v) for v in evaluated]}


def main():
    found = data()
    out = {"data": {k: np.asarray(v).tolist() for k, v in found.items() if k != "weights"},
           "weights": [w.tolist() for w in found["weights"]],
           "cases": {name: {**case, "keras": run(name, case, found)}
                     for name, case in CASES.items()}}
    with open(os.path.join(os.path.dirname(__file__), "multi_io.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
