"""Cells shared by several notebooks (see build_notebooks.py); each is copied in whole."""

# %% [snippet] setup
# Setup: plots inline, imports, fixed seeds. If rungrad is not installed, use the source
# checkout this notebook lives in (the nearest folder above that holds `autograd/` and `nn/`).
%matplotlib inline
import sys
from pathlib import Path


def _use_source_checkout():
    for folder in [Path.cwd(), *Path.cwd().parents]:
        if (folder / "autograd" / "__init__.py").is_file() and (folder / "nn").is_dir():
            sys.path.insert(0, str(folder))
            for name in [m for m in sys.modules if m.split(".")[0] == "autograd"]:
                del sys.modules[name]  # PyPI's unrelated `autograd` may have been imported
            return
    raise ImportError("rungrad is not installed and no source checkout was found above "
                      f"{Path.cwd()}: pip install rungrad, or start Jupyter inside the repository")


try:
    import autograd
    if not getattr(autograd, "IS_RUNGRAD", False):
        raise ImportError("this `autograd` is PyPI's, not rungrad's")
except ImportError:
    _use_source_checkout()

import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn
import optim
from autograd import Variable

np.random.seed(0)
np.set_printoptions(precision=4, suppress=True)
plt.rcParams.update({"figure.figsize": (6, 3.6), "figure.dpi": 80, "axes.grid": True,
                     "grid.alpha": 0.3})
# Files this notebook writes: graph images, weights.
OUT = Path("out") / "__NOTEBOOK__"
OUT.mkdir(parents=True, exist_ok=True)
print("rungrad", ag.__version__)

# %% [snippet] decision_boundary
from matplotlib.colors import ListedColormap


def plot_decision_boundary(predict, x, y, ax=None, title=None, resolution=200):
    """Colour the plane by `predict` (an (n, 2) array -> class labels (n,)) and scatter the
    points x (n, 2) coloured by their labels y (n,); few points are drawn larger."""
    ax = ax or plt.gca()
    pad = 0.1 * (x.max(axis=0) - x.min(axis=0))
    (x0_min, x1_min), (x0_max, x1_max) = x.min(axis=0) - pad, x.max(axis=0) + pad
    g0, g1 = np.meshgrid(np.linspace(x0_min, x0_max, resolution),
                         np.linspace(x1_min, x1_max, resolution))
    grid = np.stack([g0.ravel(), g1.ravel()], axis=1).astype(np.float32)
    with ag.no_grad():
        regions = np.asarray(predict(grid)).reshape(g0.shape)
    classes = int(max(regions.max(), y.max())) + 1
    colors = ListedColormap(plt.cm.tab10.colors[:classes])
    levels = np.arange(classes + 1) - 0.5
    ax.contourf(g0, g1, regions, levels=levels, cmap=colors, alpha=0.25)
    ax.scatter(x[:, 0], x[:, 1], c=y, cmap=colors, edgecolors="k",
               s=25 if len(x) > 50 else 120, vmin=levels[0], vmax=levels[-1])
    ax.set_xlim(x0_min, x0_max)
    ax.set_ylim(x1_min, x1_max)
    if title:
        ax.set_title(title)
    return ax

# %% [snippet] fit_classifier
import nn.functional as F


def fit_classifier(model, x, y, x_test, y_test, epochs, lr=0.01, batch_size=32):
    """Adam on cross-entropy, PyTorch-style; returns the test accuracy after each epoch."""
    optimizer = optim.Adam(model.parameters(), lr=lr)
    loader = nn.data.DataLoader(nn.data.TensorDataset(x, y), batch_size=batch_size,
                                shuffle=True, seed=0)
    accuracies = []
    for _ in range(epochs):
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        with ag.no_grad():
            accuracies.append(nn.metrics.accuracy(y_test, model(x_test).data))
    return accuracies
