"""Write keras_files/optimizers/: one small model per optimizer, fitted a few steps by real
Keras 3 (3.15.1, torch backend) and saved as a `.keras` archive (its model.weights.h5 holds
the optimizer's variables: iterations, learning rate, moments, averages), and
keras_files/optimizers/continued.npz: what Keras does with each file after loading it
(which restores the optimizer's state): the losses of STEPS more train_on_batch calls on
the batches given, and the weights after them (get_weights' arrays, flattened and joined).
tests/nn/keras/test_keras_optimizer_state.py checks that rungrad, loading the same file,
goes on the same. Not run by the test suite:

    KERAS_BACKEND=torch python tests/nn/keras/data/make_keras_optimizer_files.py
"""
import os

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
from keras import layers, optimizers  # noqa: E402

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "keras_files", "optimizers")
BATCH, FITTED, STEPS = 8, 3, 4  # fit's steps before saving; steps after loading


def _decay():
    return optimizers.schedules.ExponentialDecay(0.05, decay_steps=2, decay_rate=0.5)


# each optimizer with options that give it every variable it can keep
OPTIMIZERS = {
    "sgd": lambda: optimizers.SGD(0.05),
    "sgd_momentum": lambda: optimizers.SGD(0.05, momentum=0.9),
    "sgd_nesterov": lambda: optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    "sgd_ema": lambda: optimizers.SGD(0.05, momentum=0.9, use_ema=True, ema_momentum=0.8,
                                      ema_overwrite_frequency=5),
    "adam": lambda: optimizers.Adam(0.01),
    "adam_amsgrad": lambda: optimizers.Adam(0.01, amsgrad=True),
    "adam_schedule": lambda: optimizers.Adam(_decay()),
    "adam_ema": lambda: optimizers.Adam(0.01, use_ema=True, ema_momentum=0.7),
    "adamw": lambda: optimizers.AdamW(0.01, weight_decay=0.05, clipnorm=1.0),
    "adamax": lambda: optimizers.Adamax(0.02),
    "nadam": lambda: optimizers.Nadam(0.01),
    "rmsprop": lambda: optimizers.RMSprop(0.01),
    "rmsprop_centered": lambda: optimizers.RMSprop(0.01, momentum=0.5, centered=True),
    "adagrad": lambda: optimizers.Adagrad(0.05),
    "adadelta": lambda: optimizers.Adadelta(1.0),
    "lion": lambda: optimizers.Lion(0.003),
}


def data():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(FITTED * BATCH, 4)).astype("float32")
    y = rng.integers(0, 3, size=FITTED * BATCH).astype("int32")
    return x, y


def batch(x, y, step):
    """The batch of continued step `step`: fit's batches again, in turn."""
    start = (step % FITTED) * BATCH
    return x[start:start + BATCH], y[start:start + BATCH]


def model_for(optimizer):
    """Dense kernels (kept transposed by rungrad), a BatchNormalization (non-trainable
    weights between trainable ones) and a frozen Dense (not among the optimizer's
    variables)."""
    keras.utils.set_random_seed(5)
    model = keras.Sequential([
        keras.Input(shape=(4,)),
        layers.Dense(5, activation="tanh"),
        layers.BatchNormalization(),
        layers.Dense(4, activation="relu", trainable=False),
        layers.Dense(3),
    ])
    model.compile(optimizer=optimizer,
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def main():
    os.makedirs(HERE, exist_ok=True)
    x, y = data()
    arrays = {"x": x, "y": y}
    for name, make in OPTIMIZERS.items():
        model = model_for(make())
        model.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
        path = os.path.join(HERE, f"{name}.keras")
        model.save(path)
        loaded = keras.models.load_model(path)
        losses = [float(loaded.train_on_batch(*batch(x, y, step))) for step in range(STEPS)]
        arrays[f"{name}/losses"] = np.asarray(losses, dtype="float32")
        arrays[f"{name}/weights"] = np.concatenate([w.ravel() for w in loaded.get_weights()])
        print(name, losses)
    np.savez_compressed(os.path.join(HERE, "continued.npz"), **arrays)


if __name__ == "__main__":
    main()
