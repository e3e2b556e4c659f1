"""GradientMonitor: each parameter's gradient norm per epoch, the picture of vanishing
(or exploding) gradients."""
import math
import os

from autograd.arguments import positive_int
from autograd.atomic import replacing
from autograd.backend import get_array_module
from autograd.graph import checked_target

from .base import Callback, writes_files

PREFIX = "grad_norm/"


class GradientMonitor(Callback):
    """Log the mean L2 norm of each parameter's gradient per epoch.

    Every `every`-th training batch, the norm of each parameter's `.grad` (as the update
    used it) is taken; at the epoch's end their mean goes into the logs, and so into
    `History.history`, as `grad_norm/<name>` (PyTorch's dotted names, e.g.
    `grad_norm/0.weight`); nan for a parameter that got no gradient that epoch.
    `plot="gradients.png"` draws the norms per layer over the epochs (log scale) when
    training ends (on rank 0 only, in a fit on several ranks); `plot_gradient_norms(history,
    path)` draws them from a History later. log=False keeps them out of the logs (the
    progress line, History, later callbacks: a norm per parameter makes a long line), in
    the monitor's own `history` only, which plot_gradient_norms takes too.
    """

    def __init__(self, plot=None, every=1, log=True):
        if plot is not None:  # (told now, not after the last epoch, History lost)
            checked_target(plot, "GradientMonitor")
        self.plot, self.every = plot, positive_int(every, "every", "GradientMonitor")
        self.log = bool(log)
        self.history = {}  # grad_norm/<name> -> per-epoch values, as History has them
        self._sums = {}
        self._watched = None  # this epoch's (parameter, its running [sum, count]) pairs

    def on_train_begin(self, logs=None):
        self.history = {}

    def on_epoch_begin(self, epoch, logs=None):
        self._sums, self._watched = {}, None

    def on_train_batch_end(self, batch, logs=None):
        if batch % self.every:
            return
        if self._watched is None:  # once an epoch, after lazy layers made their parameters
            self._watched = [(param, self._sums.setdefault(name, [0.0, 0]))
                             for name, param in self.model.named_parameters()
                             if param.requires_grad]
        for param, total in self._watched:
            if param.grad is not None:
                total[0] += _norm(param.grad.data)
                total[1] += 1

    def on_epoch_end(self, epoch, logs=None):
        for name, (total, count) in self._sums.items():
            value = total / count if count else math.nan
            self.history.setdefault(PREFIX + name, []).append(value)
            if logs is not None and self.log:
                logs[PREFIX + name] = value

    def on_train_end(self, logs=None):
        if self.plot is not None and self.history and writes_files():
            plot_gradient_norms(self.history, self.plot)


def _norm(array):
    """The L2 norm of an array of any shape, as a Python float (on the host)."""
    xp = get_array_module(array)
    return math.sqrt(float(xp.vdot(array, array).real))  # vdot flattens; fastest here


def plot_gradient_norms(history, path):
    """Draw the `grad_norm/*` curves of `history` (a History, a GradientMonitor, or their
    `.history` dict) to `path` (.png, .svg or .pdf): one colour per layer, weights solid
    and other parameters (biases) dashed, log scale. Needs matplotlib."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    logs = getattr(history, "history", history)
    norms = {key[len(PREFIX):]: values for key, values in logs.items() if key.startswith(PREFIX)}
    if not norms:
        raise ValueError(f"plot_gradient_norms: the history holds no {PREFIX}* values "
                         f"(train with callbacks=[GradientMonitor()]); it has {sorted(logs)}")
    figure = Figure(figsize=(8.5, 4.5), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    layers = list(dict.fromkeys(name.rpartition(".")[0] for name in norms))
    # Ten layers or fewer: matplotlib's default cycle; more: a map that tells 20 apart.
    palette = matplotlib.colormaps["tab10" if len(layers) <= 10 else "tab20"]
    colours = {layer: palette(i % palette.N) for i, layer in enumerate(layers)}
    for name, values in norms.items():
        layer, _, kind = name.rpartition(".")
        colour = colours[layer]
        axes.plot(range(1, len(values) + 1), values, color=colour, marker="o", markersize=3,
                  linestyle="-" if kind == "weight" else "--", label=name)
    axes.set_yscale("log")
    axes.set_xlabel("epoch")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # (no epoch 1.25)
    axes.set_ylabel("mean gradient L2 norm")
    axes.set_title("gradient norm per parameter")
    axes.grid(alpha=0.3, which="both")
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1),  # beside
                ncol=1 + len(norms) // 16)
    suffix = os.path.splitext(os.fspath(path))[1] or ".png"
    with replacing(path, suffix=suffix) as tmp:
        figure.savefig(tmp)
    return path


__all__ = ["GradientMonitor", "plot_gradient_norms"]
