"""The learning-curve image of a fit: loss and accuracy per epoch, train and validation."""
import os

from autograd.atomic import replacing
from autograd.graph import format_of


def plot_learning_curve(history, path, metrics=("loss", "accuracy")):
    """Draw `history` (a History or its `.history` dict) to `path` (.png, .svg or .pdf).

    One panel per name in `metrics` that the history holds, with its `val_` curve when
    present. matplotlib is imported here, and drawn through the Agg canvas directly, so
    neither `import nn` nor a notebook's pyplot backend is touched.
    """
    format_of(path, "plot_learning_curve")  # (as the graphs': a bad name fails before drawing)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    logs = getattr(history, "history", history)
    names = [name for name in metrics if name in logs]
    if not names:
        raise ValueError(f"plot_learning_curve: the history holds none of {list(metrics)} "
                         f"(it has {sorted(logs)})")
    _check_lengths(logs, names)
    figure = Figure(figsize=(5 * len(names), 4), layout="constrained")
    FigureCanvasAgg(figure)
    for i, name in enumerate(names):
        axes = figure.add_subplot(1, len(names), i + 1)
        epochs = range(1, len(logs[name]) + 1)
        axes.plot(epochs, logs[name], marker="o", markersize=3, label="train")
        if f"val_{name}" in logs:
            axes.plot(epochs, logs[f"val_{name}"], marker="o", markersize=3,
                      label="validation")
        axes.set_xlabel("epoch")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # (no epoch 1.25)
        axes.set_ylabel(name)
        axes.set_title(name)
        axes.grid(alpha=0.3)
        axes.legend()
    suffix = os.path.splitext(os.fspath(path))[1] or ".png"
    with replacing(path, suffix=suffix) as tmp:
        figure.savefig(tmp)
    return path


def _check_lengths(logs, names):
    """A validation curve needs a value per epoch: fit(validation_freq=2) records one every
    other epoch, and which epochs those were is not in the history."""
    for name in names:
        val = logs.get(f"val_{name}")
        if val is not None and len(val) != len(logs[name]):
            raise ValueError(f"plot_learning_curve: val_{name} has {len(val)} values for "
                             f"{len(logs[name])} epochs of {name} (fit's validation_freq?): "
                             "the epochs they belong to are not known")


__all__ = ["plot_learning_curve"]
