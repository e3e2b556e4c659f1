"""Keras' MixUp and CutMix: each image of a batch mixed with another image of the same
batch (a random permutation), and with {"images": ..., "labels": ...} (Keras 3's form)
its labels mixed in the same shares (one-hot or other float labels, (N, ...)). The
permutation is drawn as a matrix P (N, N) inside an op, so that the mix is P @ images and
gradients reach every image it drew on."""
import numpy as np

from autograd.ops import matmul, reshape, where
from autograd.variable import as_variable

from ._base import floating, on_images
from .augmentation import _Augmentation
from .augmentation_chance import RandomArrays, unit_bounds
from .erasing_augmentation import box_masks, random_spans


def _permutation_matrix(source, count):
    """P (N, N) with P @ x = x[order], order a random permutation (Keras' shuffle)."""
    return np.eye(count)[source.permutation(count)]


def _taken(matrix, x):
    """matrix (N, N) @ x (N, ...): each row of x a mix of x's rows."""
    return reshape(matmul(matrix, reshape(x, (x.shape[0], -1))), x.shape)


def _per_sample(weights, x):
    """weights (N,) shaped to multiply x (N, ...) sample by sample."""
    return weights.reshape((-1,) + (1,) * (x.ndim - 1))


class _Mixing(_Augmentation):
    """Images, or {"images", "labels"}: while training, `mix(images (N, C, H, W), labels)`
    gives both mixed; a single image (H, W, C) is left as it is (it has no other to mix
    with), and labels outside training too."""

    def forward(self, data):
        images, labels = self._unpacked(data if isinstance(data, dict) else {"images": data})
        mixed = []
        if self.training and images.ndim == 4:
            images = on_images(images, self._layout, lambda x: _kept(mixed, self.mix(x, labels)))
        if not isinstance(data, dict):
            return images
        return {**data, "images": images, **({"labels": mixed[0]} if mixed and labels is not None
                                            else {})}

    def _unpacked(self, data):
        unknown = set(data) - {"images", "labels"}
        if "images" not in data or unknown:
            raise ValueError(f"{self.who}: expected images or a dict with 'images' (and "
                             f"'labels'), got the keys {sorted(data)}")
        images = floating(self._images(data["images"]))
        if data.get("labels") is None:
            return images, None
        labels = floating(as_variable(data["labels"], who=self.who))
        if labels.ndim == 0 or labels.shape[0] != (images.shape[0] if images.ndim == 4 else 1):
            raise ValueError(f"{self.who}: labels must have one row per image, got shape "
                             f"{tuple(labels.shape)} for images of shape {tuple(images.shape)}")
        return images, labels


def _kept(labels, mixed):
    """The mixed images of `mixed` = (images, labels), the labels appended to `labels`
    (on_images passes the images alone through its change of layout)."""
    labels.append(mixed[1])
    return mixed[0]


class MixUp(_Mixing):
    """Each image (and label) replaced by w x + (1 - w) x', x' the image a random
    permutation puts beside it, w ~ Beta(alpha, alpha) per image."""

    def __init__(self, alpha=0.2, data_format=None, seed=None, *, name=None, input_shape=None):
        super().__init__(seed, data_format, name, input_shape)
        if not (isinstance(alpha, (int, float)) and not isinstance(alpha, bool) and alpha > 0):
            raise ValueError(f"{self.who}: alpha must be a positive number, got {alpha!r}")
        self.alpha = alpha

    def mix(self, images, labels):
        # one matrix diag(w) + diag(1 - w) P mixes images and labels alike
        (matrix,) = RandomArrays(lambda source, count: (self._draw(source, count),),
                                 self.generator)(images)
        return _taken(matrix, images), None if labels is None else _taken(matrix, labels)

    def _draw(self, source, count):
        order = _permutation_matrix(source, count)  # (Keras' order: shuffle, then beta)
        weights = source.beta(self.alpha, self.alpha, count)[:, None]
        return np.eye(count) * weights + order * (1 - weights)


class CutMix(_Mixing):
    """Each image gets a box of another one (a random permutation's): the box is
    sqrt(1 - w) of the height and of the width, w ~ Beta(a, a) per image with a drawn
    once per batch from factor (a number f: (0, f)) plus 1e-6, placed at random; its
    label becomes w' y + (1 - w') y', w' one minus the box's share of the area."""

    def __init__(self, factor=1.0, seed=None, data_format=None, *, name=None,
                 input_shape=None):
        super().__init__(seed, data_format, name, input_shape)
        self.factor = factor
        self._factor = unit_bounds(factor, "factor", self.who)

    def mix(self, images, labels):
        masks, weights, order = RandomArrays(
            lambda source, count: self._draw(source, count, *images.shape[2:]),
            self.generator)(images)
        mixed = where(masks > 0, _taken(order, images), images)
        if labels is None:
            return mixed, None
        weights = _per_sample(weights, labels)
        return mixed, weights * labels + (1 - weights) * _taken(order, labels)

    def _draw(self, source, count, height, width):
        alpha = source.uniform(*self._factor) + 1e-6
        shares = np.sqrt(1 - source.beta(alpha, alpha, count))
        xs = random_spans(source, count, width, shares)
        ys = random_spans(source, count, height, shares)
        weights = 1 - (xs[1] - xs[0]) * (ys[1] - ys[0]) / (width * height)
        return box_masks(xs, ys, height, width), weights, _permutation_matrix(source, count)


__all__ = ["MixUp", "CutMix"]
