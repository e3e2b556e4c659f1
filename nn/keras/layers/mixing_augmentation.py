"""Keras' MixUp and CutMix: each image of a batch mixed with another image of the same
batch (a random permutation), and with {"images": ..., "labels": ...} (Keras 3's form)
its labels mixed in the same shares (one-hot or other float labels, (N, ...)), its
segmentation masks as the images. The permutation is drawn as a matrix P (N, N) inside an
op, so that the partners are P @ images and gradients reach every image they drew on."""
import numpy as np

from autograd.backend import to_cpu
from autograd.ops import matmul, reshape, where
from autograd.variable import as_variable

from ._base import floating
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
    """While training, each image mixed with its partner P @ images by `mix`; labels mixed
    in the same shares by transform_labels. A single image (H, W, C) is left as it is (it has no
    other to mix with). Transformation (Keras' keys): "mix_weight" (N,),
    "permutation_order" (N,), and the permutation as a matrix, "permutation" (N, N)."""

    changes_masks = True

    def get_random_transformation(self, data, training=True, seed=None):
        images = data["images"] if isinstance(data, dict) else data
        if self._images(images).ndim == 3:
            return None
        return super().get_random_transformation(data, training, seed)

    def transform(self, images, transformation):
        return images if transformation is None else self.mix(images, transformation)

    transform_masks = transform  # (Keras: masks mixed as the images)

    def transform_labels(self, labels, transformation, training=True):
        """Labels (N, ...) mixed in the images' shares (float; as they are outside
        training)."""
        if not training or transformation is None:
            return labels
        labels = floating(as_variable(labels, who=self.who))
        weights = _per_sample(transformation["mix_weight"], labels)
        return weights * labels + (1 - weights) * _taken(transformation["permutation"], labels)


def _ordered(draw):
    """draw's (..., P) with the permutation order of P (N, N) put before P."""
    def drawn(source, count):
        *rest, order = draw(source, count)
        return (*rest, order.argmax(axis=1), order)
    return drawn


class MixUp(_Mixing):
    """Each image (and label, and segmentation mask) replaced by w x + (1 - w) x', x' the
    image a random permutation puts beside it, w ~ Beta(alpha, alpha) per image. Keras 3.15
    appends the partners' box labels along the batch axis ((2B, N)); here beside the boxes."""

    moves_mask_pixels = False  # (masks blended: floating, as Keras')

    def __init__(self, alpha=0.2, data_format=None, seed=None, *, name=None, input_shape=None,
                 bounding_box_format=None):
        super().__init__(seed, data_format, name, input_shape)
        self.bounding_box_format = bounding_box_format
        if not (isinstance(alpha, (int, float)) and not isinstance(alpha, bool) and alpha > 0):
            raise ValueError(f"{self.who}: alpha must be a positive number, got {alpha!r}")
        self.alpha = alpha

    def draw(self, images):
        drawn = RandomArrays(_ordered(self._draw), self._source)(images)
        return dict(zip(("mix_weight", "permutation_order", "permutation"), drawn))

    def mix(self, images, transformation):
        weights = _per_sample(transformation["mix_weight"], images)
        return weights * images + (1 - weights) * _taken(transformation["permutation"], images)

    def _draw(self, source, count):
        order = _permutation_matrix(source, count)  # (Keras' order: shuffle, then beta)
        return source.beta(self.alpha, self.alpha, count), order

    def move_boxes(self, bounding_boxes, transformation):
        """Each image's boxes followed by its partner's: boxes (B, 2N, 4), labels (B, 2N)."""
        if transformation is None:
            return bounding_boxes
        order = to_cpu(transformation["permutation_order"]).astype(int)
        return {key: np.concatenate([value, value[order]], 1) if key in ("boxes", "labels")
                else value for key, value in bounding_boxes.items()}


class CutMix(_Mixing):
    """Each image gets a box of another one (a random permutation's): the box is
    sqrt(1 - w) of the height and of the width, w ~ Beta(a, a) per image with a drawn
    once per batch from factor (a number f: (0, f)) plus 1e-6, placed at random; its
    label becomes w' y + (1 - w') y', w' one minus the box's share of the area; segmentation
    masks get the same boxes. Transformation: also "batch_masks" (N, 1, H, W)."""

    def __init__(self, factor=1.0, seed=None, data_format=None, *, name=None,
                 input_shape=None, bounding_box_format=None):
        super().__init__(seed, data_format, name, input_shape)
        self.bounding_box_format = bounding_box_format
        self.factor = factor
        self._factor = unit_bounds(factor, "factor", self.who)

    def draw(self, images):
        height, width = images.shape[2:]
        drawn = RandomArrays(_ordered(lambda source, count: self._draw(
            source, count, height, width)), self._source)(images)
        return dict(zip(("batch_masks", "mix_weight", "permutation_order", "permutation"),
                        drawn))

    def mix(self, images, transformation):
        pasted = _taken(transformation["permutation"], images)
        return where(transformation["batch_masks"] > 0, pasted, images)

    def _draw(self, source, count, height, width):
        alpha = source.uniform(*self._factor) + 1e-6
        shares = np.sqrt(1 - source.beta(alpha, alpha, count))
        xs = random_spans(source, count, width, shares)
        ys = random_spans(source, count, height, shares)
        weights = 1 - (xs[1] - xs[0]) * (ys[1] - ys[0]) / (width * height)
        return box_masks(xs, ys, height, width), weights, _permutation_matrix(source, count)


__all__ = ["MixUp", "CutMix"]
