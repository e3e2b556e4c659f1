"""Write functional_reference.npz: a small functional model (branches, Add, Concatenate,
a shared Dense, Subtract, Maximum) run by real Keras 3 (JAX backend), whose prediction
tests/nn/keras/test_functional.py asserts rungrad's keras.Model reproduces with the same
weights. Run with Keras installed (not by the test suite):

    KERAS_BACKEND=jax python tests/nn/keras/data/make_functional_reference.py

The file holds x, the prediction y, and each layer's weights as `<layer name>:<i>`
(get_weights order: Dense's kernel (in, out), then its bias).
"""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def functional_model(keras, layers):
    """The model, written once for both libraries (the test builds it with nn.keras)."""
    inputs = keras.Input(shape=(6,))
    a = layers.Dense(8, activation="relu", name="a")(inputs)
    b = layers.Dense(8, activation="tanh", name="b")(inputs)
    shared = layers.Dense(8, name="shared")
    s = layers.Add(name="add")([shared(a), shared(b)])
    d = layers.Subtract(name="subtract")([a, b])
    m = layers.Maximum(name="maximum")([s, d])
    c = layers.Concatenate(name="concat")([m, a])
    outputs = layers.Dense(3, activation="softmax", name="out")(c)
    return keras.Model(inputs, outputs)


if __name__ == "__main__":
    import keras
    from keras import layers

    rng = np.random.default_rng(7)
    model = functional_model(keras, layers)
    arrays = {"x": rng.normal(size=(5, 6)).astype(np.float32)}
    for layer in model.layers:
        weights = [rng.normal(scale=0.5, size=w.shape).astype(np.float32)
                   for w in layer.get_weights()]
        layer.set_weights(weights)
        arrays.update({f"{layer.name}:{i}": w for i, w in enumerate(weights)})
    arrays["y"] = np.asarray(model.predict(arrays["x"], verbose=0))
    np.savez_compressed(os.path.join(HERE, "functional_reference.npz"), **arrays)
    print({k: v.shape for k, v in arrays.items()})
