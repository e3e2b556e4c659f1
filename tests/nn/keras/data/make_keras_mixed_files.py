"""Write keras_files/mixed/: small models with dtype policies, fitted a few steps by real
Keras 3 (3.15.1, torch backend) and saved as `.keras` archives, and keras_files/mixed/
expected.npz and expected.json: what Keras makes of each file after loading it (its layers'
dtype, compute_dtype and variables' dtypes, its optimizer's classes, its predictions on
fixed inputs, the losses of STEPS more train_on_batch calls and the weights after them).
tests/nn/keras/test_keras_mixed_files.py checks that rungrad, loading the same file, reads
it with the same meaning. Not run by the test suite:

    KERAS_BACKEND=torch python tests/nn/keras/data/make_keras_mixed_files.py

Cases: models made under the global policy "mixed_float16" (Keras' compile wraps their
optimizer in a LossScaleOptimizer), the output layer in float32 as Keras' mixed precision
guide does; per-layer policies ("mixed_float16", "float16", "float64") in a float32 model
(no wrapping); and one saved under "mixed_bfloat16" (not fitted), which rungrad refuses.

Keras' from_config gives a model the global policy in force when it is loaded, not the
one its config records: each file is loaded under the policy it was saved under, as Keras'
guide has one do (loaded under "float32", Keras' compile would not wrap the optimizer and
would skip restoring its variables, 14 of Adam's against the file's 18). rungrad takes the
config's policy, so the file loads with its state whatever the global policy.
"""
import json
import os

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
from keras import layers, optimizers  # noqa: E402

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "keras_files", "mixed")
BATCH, FITTED, STEPS = 8, 3, 4  # fit's steps before saving; steps after loading


def dense_bn():
    return keras.Sequential([
        keras.Input(shape=(6,)),
        layers.Dense(8, activation="relu"),
        layers.BatchNormalization(),
        layers.Dense(3),
        layers.Activation("softmax", dtype="float32"),
    ])


def cnn():
    inputs = keras.Input(shape=(6, 6, 2))
    x = layers.Conv2D(4, 3, activation="relu")(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.LayerNormalization()(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(3)(x)
    return keras.Model(inputs, layers.Softmax(dtype="float32")(x))


def recurrent():
    return keras.Sequential([
        keras.Input(shape=(5,), dtype="int32"),
        layers.Embedding(10, 4),
        layers.LSTM(5, return_sequences=True),
        layers.LayerNormalization(),
        layers.LSTM(4),
        layers.Dense(3),
        layers.Activation("softmax", dtype="float32"),
    ])


def assorted():
    """Layers holding layers (Bidirectional's GRUs, TimeDistributed's Dense, the attention's
    projections), merges and the other normalizations, under a mixed policy."""
    inputs = keras.Input(shape=(5, 4))
    a = layers.Bidirectional(layers.GRU(3, return_sequences=True))(inputs)
    b = layers.Conv1D(6, 2, padding="same")(inputs)
    x = layers.Concatenate()([a, b])
    x = layers.MultiHeadAttention(num_heads=2, key_dim=2)(x, x)
    x = layers.TimeDistributed(layers.Dense(4))(x)
    x = layers.GroupNormalization(groups=2)(x)
    x = layers.EinsumDense("abc,cd->abd", output_shape=(None, 3))(x)
    x = layers.GlobalMaxPooling1D()(layers.Add()([x, x]))
    return keras.Model(inputs, layers.Dense(3, activation="softmax", dtype="float32")(x))


def per_layer():
    """A float32 model (its optimizer not wrapped) with layers of other policies."""
    return keras.Sequential([
        keras.Input(shape=(6,)),
        layers.Dense(8, activation="relu", dtype="mixed_float16"),
        layers.BatchNormalization(dtype="mixed_float16"),
        layers.Dense(6, activation="tanh", dtype="float16"),
        layers.Dense(3, activation="softmax"),
    ])


def float64():
    return keras.Sequential([
        keras.Input(shape=(6,)),
        layers.Dense(8, activation="relu", dtype="float64"),
        layers.BatchNormalization(dtype="float64"),
        layers.Dense(3, activation="softmax"),
    ])


# name: (model, global policy it is made under, optimizer, input kind)
CASES = {
    "global_dense_bn": (dense_bn, "mixed_float16", lambda: optimizers.Adam(0.01), "dense"),
    "global_cnn": (cnn, "mixed_float16", lambda: optimizers.SGD(0.05, momentum=0.9), "image"),
    "global_recurrent": (recurrent, "mixed_float16", lambda: optimizers.RMSprop(0.01),
                         "tokens"),
    "per_layer": (per_layer, "float32", lambda: optimizers.SGD(0.05, momentum=0.9),
                  "dense"),
    "float64": (float64, "float32", lambda: optimizers.Adam(0.01), "dense"),
    # (not Adam: the attention's key bias has a gradient of 0 but for rounding, which
    # Adam's normalized steps would turn into steps of the learning rate, float16's noise)
    "global_assorted": (assorted, "mixed_float16",
                        lambda: optimizers.SGD(0.05, momentum=0.9), "sequence"),
}


def data(kind):
    rng = np.random.default_rng(7)
    n = FITTED * BATCH
    if kind == "tokens":
        x = rng.integers(0, 10, size=(n, 5)).astype("int32")
    elif kind == "sequence":
        x = rng.normal(size=(n, 5, 4)).astype("float32")
    elif kind == "image":
        x = rng.normal(size=(n, 6, 6, 2)).astype("float32")
    else:
        x = rng.normal(size=(n, 6)).astype("float32")
    return x, rng.integers(0, 3, size=n).astype("int32")


def batch(x, y, step):
    """The batch of continued step `step`: fit's batches again, in turn."""
    start = (step % FITTED) * BATCH
    return x[start:start + BATCH], y[start:start + BATCH]


def described(model):
    """What Keras says of the loaded model: its layers' dtypes and its optimizer's classes."""
    opt = model.optimizer
    inner = getattr(opt, "inner_optimizer", None)
    return {
        "model_policy": model.dtype_policy.name,
        "optimizer": [type(opt).__name__] + ([type(inner).__name__] if inner else []),
        "layers": [{"name": layer.name, "policy": layer.dtype_policy.name,
                    "dtype": layer.dtype, "compute_dtype": layer.compute_dtype,
                    "variable_dtype": layer.variable_dtype,
                    "weights": [str(w.dtype) for w in layer.weights]}
                   for layer in model.layers],
    }


def main():
    os.makedirs(HERE, exist_ok=True)
    arrays, described_all = {}, {}
    for name, (make, policy, optimizer, kind) in CASES.items():
        keras.mixed_precision.set_global_policy(policy)
        keras.utils.set_random_seed(5)
        model = make()
        model.compile(optimizer=optimizer(), loss="sparse_categorical_crossentropy")
        x, y = data(kind)
        model.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
        path = os.path.join(HERE, f"{name}.keras")
        model.save(path)
        loaded = keras.models.load_model(path)  # (see the note below)
        keras.mixed_precision.set_global_policy("float32")
        described_all[name] = described(loaded)
        arrays[f"{name}/x"], arrays[f"{name}/y"] = x, y
        arrays[f"{name}/predicted"] = np.asarray(loaded.predict(x, verbose=0))
        losses = [float(loaded.train_on_batch(*batch(x, y, step))) for step in range(STEPS)]
        arrays[f"{name}/losses"] = np.asarray(losses, dtype="float64")
        arrays[f"{name}/weights"] = np.concatenate(
            [np.asarray(w, dtype="float64").ravel() for w in loaded.get_weights()])
        if hasattr(loaded.optimizer, "dynamic_scale"):
            arrays[f"{name}/loss_scale"] = np.asarray(
                [float(loaded.optimizer.dynamic_scale), int(loaded.optimizer.step_counter)])
        print(name, described_all[name]["optimizer"], losses)
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    dense_bn().save(os.path.join(HERE, "bfloat16.keras"))
    keras.mixed_precision.set_global_policy("float32")
    np.savez_compressed(os.path.join(HERE, "expected.npz"), **arrays)
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(described_all, f, indent=1)


if __name__ == "__main__":
    main()
