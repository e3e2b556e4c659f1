"""Keras' RandomBrightness and RandomContrast: one random number per image that shifts or
scales its pixel values (segmentation masks left as they are)."""
import numbers

from autograd.ops import clip, mean

from .augmentation import _Augmentation, _bounds, _value_range


class RandomContrast(_Augmentation):
    """Each image's contrast scaled by c drawn from [1 - lower, 1 + upper]: (x - m) c + m
    per channel, m the channel's mean, clipped to value_range as Keras'. factor is
    (lower, upper), either way round, or a number f, which Keras 3.15 reads as (0, f): c
    from [1, 1 + f], never lowering the contrast (its docstring says [1 - f, 1 + f]; its
    code, followed here, does not). Transformation: "contrast_factor" (N,), c."""

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, *,
                 name=None, input_shape=None, bounding_box_format=None):
        super().__init__(seed, data_format, name, input_shape)
        self.bounding_box_format = bounding_box_format
        self.factor, self.value_range = factor, _value_range(value_range, "RandomContrast")
        pair = (0.0, factor) if isinstance(factor, numbers.Real) else factor  # (Keras')
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and all(
                isinstance(v, numbers.Real) and not isinstance(v, bool) and 0 <= v <= 1
                for v in pair)):
            raise ValueError(f"RandomContrast: factor must be a number in [0, 1] or a pair "
                             f"(lower, upper) of them, got {factor!r}")
        lower, upper = sorted(map(float, pair))
        self._range = (1 - lower, 1 + upper)
        if not self.value_range[0] < self.value_range[1]:
            raise ValueError(f"RandomContrast: value_range must be (low, high) with low < "
                             f"high, got {value_range!r}")

    def draw(self, images):
        return {"contrast_factor": self.draws(
            images, lambda source, n: source.uniform(*self._range, n))}

    def transform(self, images, transformation):
        means = mean(images, axis=(2, 3), keepdims=True)
        scales = transformation["contrast_factor"].reshape(-1, 1, 1, 1)
        return clip((images - means) * scales + means, *self.value_range)


class RandomBrightness(_Augmentation):
    """Each image brightened by d drawn from factor * (high - low) (a number f: -f to f; f
    in [-1, 1]), the same d for all its pixels and channels: x + d clipped to value_range =
    (low, high), as Keras'. Transformation: "rgb_delta" (N,), d."""

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, *,
                 name=None, input_shape=None, bounding_box_format=None):
        super().__init__(seed, data_format, name, input_shape)
        self.bounding_box_format = bounding_box_format
        self.factor = factor
        self.value_range = _value_range(value_range, "RandomBrightness")
        self._shares = _bounds(factor, "factor", "RandomBrightness", (-1, 1))
        self._range = tuple(sorted(map(float, self.value_range)))  # (Keras sorts it too)

    def draw(self, images):
        span = self._range[1] - self._range[0]
        return {"rgb_delta": self.draws(
            images, lambda source, n: source.uniform(*self._shares, n) * span)}

    def transform(self, images, transformation):
        return clip(images + transformation["rgb_delta"].reshape(-1, 1, 1, 1), *self._range)


__all__ = ["RandomBrightness", "RandomContrast"]
