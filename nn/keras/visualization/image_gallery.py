"""keras.visualization.plot_image_gallery: a grid of images, with their labels and
predictions as titles, on matplotlib's pyplot (`pip install rungrad[viz]`, imported when
called)."""
import math

import numpy as np

from ._images import as_numpy, image_batch, to_255

_WHO = "plot_image_gallery"


def pyplot(who):
    """matplotlib.pyplot, or an ImportError that says how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError(f"{who} needs matplotlib, which is not installed: pip install "
                          "'rungrad[viz]' (or pip install matplotlib)") from None
    return plt


def plot_image_gallery(images, y_true=None, y_pred=None, label_map=None, rows=None,
                       cols=None, value_range=(0, 255), scale=2, path=None, show=None,
                       transparent=True, dpi=60, legend_handles=None, data_format=None):
    """A rows x cols figure of the first rows * cols images (N, H, W, C), moved from
    value_range to 0-255 and cut to uint8 (as Keras'), each titled "Label: name  Pred: name"
    from label_map where y_true / y_pred are given. Keras' grid: rows = ceil(sqrt(N)), cols
    = ceil(N // rows); cells beyond the images are left empty. Saved to `path`
    (savefig's dpi, transparent, tight) and closed, or shown and closed (show, the default
    without a path), or left open as pyplot's current figure (show=False). One-channel
    images are drawn in gray. Returns None."""
    plt = pyplot(_WHO)
    if path is not None and show:
        raise ValueError(f"{_WHO}: pass either a path to save the figure to or show=True, "
                         "not both")
    if (y_true is not None or y_pred is not None) and label_map is None:
        raise ValueError(f"{_WHO}: y_true and y_pred need a label_map to name their "
                         "classes")
    show = path is None if show is None else show
    images, _ = image_batch(images, data_format, _WHO)
    rows, cols = _grid(len(images), rows, cols)
    fig, axes = plt.subplots(nrows=rows, ncols=cols, figsize=(cols * scale, rows * scale),
                             frameon=False, layout="tight", squeeze=False, sharex="row",
                             sharey="col")
    fig.subplots_adjust(wspace=0, hspace=0)
    if legend_handles is not None:
        fig.legend(handles=legend_handles, loc="lower center")
    images = to_255(images[:rows * cols], value_range)
    titles = _titles(len(images), y_true, y_pred, label_map)
    for index, axis in enumerate(axes.ravel()):
        axis.axis("off")
        if index < len(images):
            _draw(axis, images[index], titles[index])
    _finish(plt, path, show, transparent, dpi)


def _grid(count, rows, cols):
    """Keras' (rows, cols) for `count` images (its cols: ceil(count // rows))."""
    rows = rows or int(math.ceil(math.sqrt(count)))
    cols = cols or int(math.ceil(count // rows))
    if rows < 1 or cols < 1:
        raise ValueError(f"{_WHO}: the grid needs at least one row and column, got rows="
                         f"{rows}, cols={cols} for {count} images (pass rows and cols)")
    return rows, cols


def _titles(count, y_true, y_pred, label_map):
    """Each image's title: "Label: name" and "Pred: name" (two spaces between), where
    given; label_map's name, or 'Unknown'."""
    parts = [[] for _ in range(count)]
    for prefix, labels in (("Label", y_true), ("Pred", y_pred)):
        if labels is not None:
            labels = as_numpy(labels)
            for index in range(min(count, len(labels))):
                parts[index].append(f"{prefix}: {label_map.get(labels[index], 'Unknown')}")
    return ["  ".join(p) for p in parts]


def _draw(axis, image, title):
    """One image (H, W, C) on its axis, cut to uint8 as Keras' (gray for one channel)."""
    pixels = image.astype(np.uint8)
    if pixels.shape[-1] == 1:
        axis.imshow(pixels[..., 0], cmap="gray", vmin=0, vmax=255)
    else:
        axis.imshow(pixels)
    axis.margins(x=0, y=0)
    if title:
        axis.set_title(title, fontsize=8)


def _finish(plt, path, show, transparent, dpi):
    if path is not None:
        plt.savefig(fname=path, pad_inches=0, bbox_inches="tight", transparent=transparent,
                    dpi=dpi)
        plt.close()
    elif show:
        plt.show()
        plt.close()


__all__ = ["plot_image_gallery"]
