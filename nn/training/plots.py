"""The learning-curve image of a fit: loss and accuracy per epoch, train and validation."""
import os

from autograd.atomic import replacing


def plot_learning_curve(history, path, metrics=("loss", "accuracy")):
    """Draw `history` (a History or its `.history` dict) to `path`, in the image format its
    suffix names (.png, .svg, .pdf, .jpg, ...: those matplotlib writes).

    One panel per name in `metrics` that the history holds, with its `val_` curve when
    present. matplotlib is imported here, and drawn through the Agg canvas directly, so
    neither `import nn` nor a notebook's pyplot backend is touched.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    suffix = _image_suffix(path, FigureCanvasAgg.get_supported_filetypes())

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
    with replacing(path, suffix=suffix) as tmp:
        figure.savefig(tmp)
    return path


def _image_suffix(path, formats):
    """The suffix of `path` when it names one of `formats`; else ValueError before anything
    is drawn (matplotlib's 'Format 'docx' is not supported' named no caller, and a name
    without a suffix got a PNG under that name)."""
    suffix = os.path.splitext(os.fsdecode(path))[1]
    if suffix.lower().lstrip(".") not in formats:
        given = f"the suffix {suffix!r}" if suffix else "no suffix"
        raise ValueError(f"plot_learning_curve: cannot draw to {os.fsdecode(path)}, which has "
                         f"{given}; use an image suffix: .png, .svg, .pdf, .jpg, ...")
    return suffix


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
