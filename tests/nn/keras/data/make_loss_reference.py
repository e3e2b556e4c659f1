"""Keras 3's loss values for tests/nn/keras/test_losses.py (run with Keras installed, any
backend: `python make_loss_reference.py`; not run by the test suite). Each case calls the
loss object on fixed (y_true, y_pred), without and with sample_weight."""
import os

import keras
import numpy as np

CASES = {
    "MeanSquaredError": ({}, "regression"),
    "MeanAbsoluteError": ({}, "regression"),
    "MeanSquaredLogarithmicError": ({}, "positive"),
    "MeanAbsolutePercentageError": ({}, "regression"),
    "Huber": ({"delta": 0.5}, "regression"),
    "LogCosh": ({}, "regression"),
    "Poisson": ({}, "positive"),
    "Hinge": ({}, "binary"),
    "SquaredHinge": ({}, "binary"),
    "CategoricalHinge": ({}, "onehot"),
    "KLDivergence": ({}, "probabilities"),
    "CosineSimilarity": ({}, "regression"),
    "BinaryCrossentropy": ({}, "binary_probabilities"),
    "BinaryCrossentropy-logits": ({"from_logits": True, "label_smoothing": 0.2}, "binary"),
    "CategoricalCrossentropy": ({"label_smoothing": 0.1}, "probabilities"),
    "CategoricalCrossentropy-logits": ({"from_logits": True}, "onehot"),
    "SparseCategoricalCrossentropy": ({}, "sparse_probabilities"),
    "SparseCategoricalCrossentropy-logits": ({"from_logits": True}, "sparse"),
}


def data(kind, rng):
    pred = rng.normal(size=(6, 3))
    if kind == "regression":
        return rng.normal(size=(6, 3)), pred
    if kind == "positive":
        return rng.uniform(0, 3, size=(6, 3)), rng.uniform(0.1, 3, size=(6, 3))
    if kind == "binary":
        return rng.integers(0, 2, size=(6, 3)).astype(float), pred
    if kind == "binary_probabilities":
        return rng.integers(0, 2, size=(6, 3)).astype(float), rng.uniform(0, 1, size=(6, 3))
    onehot = np.eye(3)[rng.integers(0, 3, size=6)]
    probabilities = np.exp(pred) / np.exp(pred).sum(axis=1, keepdims=True)
    if kind == "onehot":
        return onehot, pred
    if kind == "probabilities":
        return rng.dirichlet(np.ones(3), size=6), probabilities
    if kind == "sparse":
        return onehot.argmax(axis=1), pred
    return onehot.argmax(axis=1), probabilities  # sparse_probabilities


def main():
    rng = np.random.default_rng(0)
    weights = rng.uniform(0, 2, size=6)
    arrays = {"sample_weight": weights}
    for case, (kwargs, kind) in CASES.items():
        y_true, y_pred = data(kind, rng)
        loss = getattr(keras.losses, case.split("-")[0])(**kwargs)
        arrays[f"{case}/y_true"], arrays[f"{case}/y_pred"] = y_true, y_pred
        arrays[f"{case}/value"] = np.asarray(loss(y_true, y_pred))
        arrays[f"{case}/weighted"] = np.asarray(loss(y_true, y_pred, sample_weight=weights))
    here = os.path.dirname(os.path.abspath(__file__))
    np.savez_compressed(os.path.join(here, "keras_losses.npz"), **arrays)


if __name__ == "__main__":
    main()
