"""Small models, data and callbacks shared by the training tests."""
import numpy as np

import nn
from nn.callbacks import Callback


def blobs(n=120, features=4, classes=3, seed=0):
    """Well separated Gaussian blobs: x (n, features) float32, y (n,) int64."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 4, size=(classes, features))
    y = rng.integers(0, classes, size=n)
    x = centers[y] + rng.normal(0, 0.5, size=(n, features))
    return x.astype(np.float32), y.astype(np.int64)


def linear_data(n=40, features=3, seed=0):
    """A noiseless linear regression: y = x w + 1, y (n, 1)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype(np.float32)
    w = rng.normal(size=(features, 1)).astype(np.float32)
    return x, x @ w + 1


def mlp(features=4, classes=3, hidden=16, seed=0):
    np.random.seed(seed)
    return nn.Sequential(nn.Dense(hidden, activation="relu", input_shape=(features,)),
                         nn.Dense(classes))


class ScriptedLogs(Callback):
    """Overwrites `key` in the epoch logs with scripted values (placed before the callback
    under test) and snapshots the weights of every epoch."""

    def __init__(self, key, values):
        self.key, self.values = key, list(values)
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        logs[self.key] = self.values[epoch]
        self.weights.append(self.model.state_dict())


class StepCounter(Callback):
    """Counts the optimizer updates by counting completed training batches."""

    def __init__(self):
        self.batches_per_epoch = []

    def on_epoch_begin(self, epoch, logs=None):
        self.batches_per_epoch.append(0)

    def on_train_batch_end(self, batch, logs=None):
        self.batches_per_epoch[-1] += 1


def same_state(a, b):
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
