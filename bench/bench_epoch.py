"""A whole epoch as users feel it: `rungrad train` on digits against the same model, data
order, batch size and optimizer in a PyTorch training loop, one BLAS thread.

rungrad runs what the CLI runs (nn.training.cli's build_model, Adam, sparse categorical
cross-entropy on the softmax output, accuracy metric, 10% validation split, Model.fit,
verbose=0 so no progress bar is timed); PyTorch runs the loop its tutorials teach (logits,
CrossEntropyLoss, Adam, the running loss and accuracy read with .item() each step, then
the validation pass under no_grad). Both visit the samples in the same order (one fixed
permutation; fit's shuffle is off). rungrad is timed again with the CLI's callbacks
(history.csv, the per-epoch checkpoint, gradient norms), which the loop lacks. Cases: the
default mlp (64-100-100-10) and `--model cnn`. Target (issue 13): time per epoch <= 1.0x PyTorch.
Run: python bench/bench_epoch.py
"""
import os
import tempfile

from _common import measure, optional, report, start_bench

import numpy as np

import optim
from nn.datasets import digits
from nn.training.callbacks import CSVLogger, GradientMonitor, ModelCheckpoint
from nn.training.cli import build_model

BATCH, LR, VALIDATION = 32, 1e-3, 0.1


def dataset(images):
    """Training inputs and labels in one fixed order (float32, as the CLI loads them)."""
    (x, y), _ = digits(flatten=not images)
    order = np.random.default_rng(0).permutation(len(x))
    return np.ascontiguousarray(x[order], dtype=np.float32), y[order]


def rungrad_epoch(kind, x, y, folder=None, jit_compile=False):
    """One epoch of fit; with a folder, also with the CLI's callbacks (CSV log, a checkpoint
    written every epoch, gradient norms); jit_compile: updates as captured steps
    (`rungrad train --jit-compile`)."""
    np.random.seed(0)
    model = build_model(kind, (100, 100), x.shape[1:], 10)
    model.compile(optimizer=optim.Adam(lr=LR), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], jit_compile=jit_compile)
    callbacks = [] if folder is None else [
        CSVLogger(os.path.join(folder, "history.csv")),
        ModelCheckpoint(os.path.join(folder, "checkpoint.npz")), GradientMonitor()]
    return lambda: model.fit(x, y, epochs=1, batch_size=BATCH, validation_split=VALIDATION,
                             shuffle=False, verbose=0, callbacks=callbacks)


def torch_model(torch, kind, sample_shape):
    layers = torch.nn
    if kind == "cnn":
        return layers.Sequential(layers.Conv2d(sample_shape[0], 16, 3, padding=1), layers.ReLU(),
                                 layers.MaxPool2d(2), layers.Flatten(),
                                 layers.Linear(16 * (sample_shape[1] // 2) ** 2, 10))
    return layers.Sequential(layers.Linear(sample_shape[0], 100), layers.ReLU(),
                             layers.Linear(100, 100), layers.ReLU(), layers.Linear(100, 10))


def torch_epoch(torch, kind, x, y):
    torch.manual_seed(0)
    model = torch_model(torch, kind, x.shape[1:])
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    split = int(len(x) * (1 - VALIDATION))
    xs, ys = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))
    x_train, y_train, x_val, y_val = xs[:split], ys[:split], xs[split:], ys[split:]

    def run():
        model.train()
        total = correct = 0.0
        for start in range(0, split, BATCH):
            xb, yb = x_train[start:start + BATCH], y_train[start:start + BATCH]
            optimizer.zero_grad()
            out = model(xb)
            loss = loss_fn(out, yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
            correct += (out.argmax(1) == yb).sum().item()
        model.eval()
        val_total = val_correct = 0.0
        with torch.no_grad():
            for start in range(0, len(x_val), BATCH):
                xb, yb = x_val[start:start + BATCH], y_val[start:start + BATCH]
                out = model(xb)
                val_total += loss_fn(out, yb).item() * len(xb)
                val_correct += (out.argmax(1) == yb).sum().item()
        return total / split, correct / split, val_total, val_correct
    return run


def main():
    start_bench(__doc__)
    torch = optional("torch")
    for kind in ("mlp", "cnn"):
        x, y = dataset(images=kind == "cnn")
        folder = tempfile.mkdtemp(prefix="rungrad-bench-")
        fns = {"rungrad": rungrad_epoch(kind, x, y),
               "+cli files": rungrad_epoch(kind, x, y, folder),
               "jit_compile": rungrad_epoch(kind, x, y, jit_compile=True)}
        if torch is not None:
            fns["pytorch"] = torch_epoch(torch, kind, x, y)
        results = report(f"digits, `rungrad train --model {kind}` epoch ({len(x)} samples, "
                         f"batch {BATCH}, Adam, 10% validation):", measure(fns, rounds=15),
                         baselines=("pytorch",))
        if "pytorch" in results:
            print("  target: rungrad <= 1.00x pytorch per epoch")


if __name__ == "__main__":
    main()
