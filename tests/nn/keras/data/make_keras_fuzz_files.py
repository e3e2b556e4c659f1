"""Write keras_files/fuzz/: the smallest repros of what a fuzz of random Keras-written files
found rungrad reading wrong, each saved by real Keras 3 (3.15.1, torch backend) and printed
with what Keras does with it (the literals of tests/nn/keras/test_keras_file_fuzz_
regressions.py). Not run by the test suite:

    KERAS_BACKEND=torch python tests/nn/keras/data/make_keras_fuzz_files.py

- augmented.keras: an augmentation layer, whose node Keras records with training=True
  (its call's default); Keras' predict overrides that with training=False.
- scalar_weight_adadelta.keras: a 0-d weight (Attention's scale) with Adadelta's state,
  fitted two steps; then what one more train_on_batch makes of the weights.
"""
import os

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
from keras import layers  # noqa: E402

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "keras_files", "fuzz")


def augmented():
    keras.utils.set_random_seed(0)
    inputs = keras.Input((4, 4, 1))
    x = layers.RandomRotation(0.2)(inputs)
    model = keras.Model(inputs, layers.Dense(2)(layers.Flatten()(x)))
    model.save(os.path.join(HERE, "augmented.keras"))
    x = np.arange(32, dtype="float32").reshape(2, 4, 4, 1) / 10
    print("augmented: predict(arange(32).reshape(2, 4, 4, 1) / 10) =",
          np.round(model.predict(x, verbose=0), 6).tolist())


def scalar_weight_adadelta():
    keras.utils.set_random_seed(0)
    inputs = keras.Input((3, 2))
    x = layers.Attention(use_scale=True)([inputs, inputs])
    model = keras.Model(inputs, layers.Dense(1)(layers.Flatten()(x)))
    model.compile(optimizer=keras.optimizers.Adadelta(learning_rate=0.5), loss="mse")
    x = np.linspace(-1, 1, 24, dtype="float32").reshape(4, 3, 2)
    y = np.array([[1.0], [-1.0], [0.5], [0.0]], "float32")
    model.fit(x, y, batch_size=2, epochs=1, verbose=0, shuffle=False)
    model.save(os.path.join(HERE, "scalar_weight_adadelta.keras"))
    model.train_on_batch(x, y)
    print("scalar_weight_adadelta: weights after train_on_batch(linspace(-1, 1, 24)"
          ".reshape(4, 3, 2), y) =", [np.round(w, 6).tolist() for w in model.get_weights()])


if __name__ == "__main__":
    os.makedirs(HERE, exist_ok=True)
    augmented()
    scalar_weight_adadelta()
