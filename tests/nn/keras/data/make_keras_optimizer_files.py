"""Write keras_files/optimizers/: one small model per optimizer, fitted a few steps by real
Keras 3 (3.15.1, torch backend) and saved as a `.keras` archive (its model.weights.h5 holds
the optimizer's variables: iterations, learning rate, moments, averages), and
keras_files/optimizers/continued.npz: what Keras does with each file after loading it
(which restores the optimizer's state): the losses of STEPS more train_on_batch calls on
the batches given, and the weights after them (get_weights' arrays, flattened and joined).
tests/nn/keras/test_keras_optimizer_state.py checks that rungrad, loading the same file,
goes on the same. Not run by the test suite:

    KERAS_BACKEND=torch python tests/nn/keras/data/make_keras_optimizer_files.py [NAME ...]

Names given: only those files are written, and their results added to continued.npz (the
others' kept).
"""
import os
import sys

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
from keras import layers, optimizers  # noqa: E402

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "keras_files", "optimizers")
BATCH, FITTED, STEPS = 8, 3, 4  # fit's steps before saving; steps after loading


def _decay():
    return optimizers.schedules.ExponentialDecay(0.05, decay_steps=2, decay_rate=0.5)


# each optimizer with options that give it every variable it can keep, on the model of
# that kind (MODELS)
OPTIMIZERS = {
    "sgd": (lambda: optimizers.SGD(0.05), "dense"),
    "sgd_momentum": (lambda: optimizers.SGD(0.05, momentum=0.9), "dense"),
    "sgd_nesterov": (lambda: optimizers.SGD(0.05, momentum=0.9, nesterov=True), "dense"),
    "sgd_ema": (lambda: optimizers.SGD(0.05, momentum=0.9, use_ema=True, ema_momentum=0.8,
                                       ema_overwrite_frequency=5), "dense"),
    "adam": (lambda: optimizers.Adam(0.01), "dense"),
    "adam_amsgrad": (lambda: optimizers.Adam(0.01, amsgrad=True), "dense"),
    "adam_schedule": (lambda: optimizers.Adam(_decay()), "dense"),
    "adam_ema": (lambda: optimizers.Adam(0.01, use_ema=True, ema_momentum=0.7), "dense"),
    "adam_recurrent": (lambda: optimizers.Adam(0.01), "recurrent"),
    "adamw": (lambda: optimizers.AdamW(0.01, weight_decay=0.05, clipnorm=1.0), "dense"),
    "adamax": (lambda: optimizers.Adamax(0.02), "dense"),
    "nadam": (lambda: optimizers.Nadam(0.01), "dense"),
    "rmsprop": (lambda: optimizers.RMSprop(0.01), "dense"),
    "rmsprop_centered": (lambda: optimizers.RMSprop(0.01, momentum=0.5, centered=True),
                         "dense"),
    "adagrad": (lambda: optimizers.Adagrad(0.05), "dense"),
    "adadelta": (lambda: optimizers.Adadelta(1.0), "dense"),
    "lion": (lambda: optimizers.Lion(0.003), "dense"),
    # its scale doubles after 5 finite updates in a row: 2 after loading, not 5
    "loss_scale": (lambda: optimizers.LossScaleOptimizer(optimizers.Adam(0.01),
                                                         dynamic_growth_steps=5), "dense"),
    # saved with a gradient accumulated, not applied yet (FITTED = 3 calls, 2 a update)
    "sgd_momentum_accumulate": (lambda: optimizers.SGD(0.05, momentum=0.9,
                                                       gradient_accumulation_steps=2), "dense"),
    "adam_ema_schedule_accumulate": (lambda: optimizers.Adam(
        _decay(), use_ema=True, ema_momentum=0.7, ema_overwrite_frequency=3,
        gradient_accumulation_steps=2), "dense"),
}


def data(kind):
    rng = np.random.default_rng(11)
    if kind == "recurrent":
        x = rng.integers(0, 10, size=(FITTED * BATCH, 5)).astype("int32")
    else:
        x = rng.normal(size=(FITTED * BATCH, 4)).astype("float32")
    return x, rng.integers(0, 3, size=FITTED * BATCH).astype("int32")


def batch(x, y, step):
    """The batch of continued step `step`: fit's batches again, in turn."""
    start = (step % FITTED) * BATCH
    return x[start:start + BATCH], y[start:start + BATCH]


def dense():
    """Dense kernels (kept transposed by rungrad), a BatchNormalization (non-trainable
    weights between trainable ones) and a frozen Dense (not among the optimizer's
    variables)."""
    return keras.Sequential([
        keras.Input(shape=(4,)),
        layers.Dense(5, activation="tanh"),
        layers.BatchNormalization(),
        layers.Dense(4, activation="relu", trainable=False),
        layers.Dense(3),
    ])


def recurrent():
    """Layers holding layers (Bidirectional's two LSTMs of the same shapes, whose order
    only the order of the variables tells) and recurrent kernels."""
    return keras.Sequential([
        keras.Input(shape=(5,), dtype="int32"),
        layers.Embedding(10, 3),
        layers.Bidirectional(layers.LSTM(3, return_sequences=True)),
        layers.GRU(2),
        layers.Dense(3),
    ])


MODELS = {"dense": dense, "recurrent": recurrent}


def model_for(optimizer, kind):
    keras.utils.set_random_seed(5)
    model = MODELS[kind]()
    model.compile(optimizer=optimizer,
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def main(only=()):
    os.makedirs(HERE, exist_ok=True)
    arrays = {}
    if only:
        with np.load(os.path.join(HERE, "continued.npz")) as kept:
            arrays = {key: kept[key] for key in kept.files if key.split("/")[0] not in only}
    for name, (make, kind) in OPTIMIZERS.items():
        if only and name not in only:
            continue
        x, y = data(kind)
        model = model_for(make(), kind)
        model.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
        path = os.path.join(HERE, f"{name}.keras")
        model.save(path)
        loaded = keras.models.load_model(path)
        losses = [float(loaded.train_on_batch(*batch(x, y, step))) for step in range(STEPS)]
        arrays[f"{name}/x"], arrays[f"{name}/y"] = x, y
        arrays[f"{name}/losses"] = np.asarray(losses, dtype="float32")
        arrays[f"{name}/weights"] = np.concatenate([w.ravel() for w in loaded.get_weights()])
        if hasattr(loaded.optimizer, "dynamic_scale"):
            arrays[f"{name}/loss_scale"] = np.asarray(
                [float(loaded.optimizer.dynamic_scale), int(loaded.optimizer.step_counter)])
        print(name, losses)
    np.savez_compressed(os.path.join(HERE, "continued.npz"), **arrays)


if __name__ == "__main__":
    main(sys.argv[1:])
