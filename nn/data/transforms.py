"""Transforms: callables on a batch of arrays (first axis = samples).

Chain them with Compose and hand them to TensorDataset(..., transform=...), which
applies them to whole batches, or call them on arrays directly.
"""

import numpy as np

from autograd.arguments import positive_int
from autograd.backend import to_cpu


class Compose:
    """Apply transforms in order: Compose([ToFloat(), Normalize(0.5, 0.25)])."""

    def __init__(self, transforms):
        self.transforms = list(transforms)

    def __call__(self, x):
        for transform in self.transforms:
            x = transform(x)
        return x

    def __repr__(self):
        return f"Compose({self.transforms!r})"


def _float_dtype(x):
    """The dtype a numeric result keeps: x's own if floating, else float32."""
    return x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)


class Normalize:
    """(x - mean) / std.

    mean, std: scalars or arrays broadcasting against ONE sample; for per-channel
    statistics of (N, C, H, W) images pass shape (C, 1, 1). Float input keeps its
    dtype; integer input becomes float32.
    """

    def __init__(self, mean, std):
        self.mean = np.asarray(mean, dtype=np.float64)
        self.std = np.asarray(std, dtype=np.float64)
        if np.any(self.std == 0):
            raise ValueError(f"Normalize: std must be nonzero, got {std!r}")

    def __call__(self, x):
        x = to_cpu(x)  # (a Variable's values too)
        dtype = _float_dtype(x)
        sample = x.shape[1:]
        for name, value in (("mean", self.mean), ("std", self.std)):
            try:
                np.broadcast_shapes(value.shape, sample)
            except ValueError:
                raise ValueError(
                    f"Normalize: {name} of shape {value.shape} does not broadcast against a "
                    f"sample of shape {sample} (NumPy's rule: from the last axis); for "
                    f"torchvision's per-channel statistics of (N, C, H, W) images give "
                    f"them the shape (C, 1, 1): np.reshape({name}, (-1, 1, 1))") from None
        # x cast first (int64 - float32 would be float64), then the statistics: float32
        # stays float32 under NumPy 2's rules
        return (x.astype(dtype, copy=False) - self.mean.astype(dtype)) / self.std.astype(dtype)

    def __repr__(self):
        return f"Normalize(mean={self.mean.tolist()}, std={self.std.tolist()})"


class Flatten:
    """(N, d1, d2, ...) -> (N, d1 * d2 * ...): flatten each sample."""

    def __call__(self, x):
        x = to_cpu(x)
        if x.ndim == 0:
            raise ValueError("Flatten: expects a batch of samples (N, ...), got a 0-d array")
        return x.reshape(len(x), -1)

    def __repr__(self):
        return "Flatten()"


class OneHot:
    """Integer labels (N,) -> one-hot rows (N, num_classes) of `dtype`."""

    def __init__(self, num_classes, dtype=np.float32):
        self.num_classes = positive_int(num_classes, "num_classes", "OneHot")
        self.dtype = np.dtype(dtype)

    def __call__(self, labels):
        labels = to_cpu(labels)
        if labels.dtype.kind not in "biuf":
            raise TypeError(f"OneHot({self.num_classes}): labels must be integers, got dtype "
                            f"{labels.dtype}")
        with np.errstate(invalid="ignore"):  # NaN labels are reported below, not warned
            as_int = labels.astype(np.int64)
        bad = (as_int != labels) | (as_int < 0) | (as_int >= self.num_classes)
        if bad.any():
            first = labels[bad].flat[0].item()
            raise ValueError(f"OneHot({self.num_classes}): label {first!r} is not an "
                             f"integer in [0, {self.num_classes})")
        return np.eye(self.num_classes, dtype=self.dtype)[as_int]

    def __repr__(self):
        return f"OneHot({self.num_classes})"


class ToFloat:
    """Cast to a floating dtype (float32 by default); values are not rescaled."""

    def __init__(self, dtype=np.float32):
        self.dtype = np.dtype(dtype)

    def __call__(self, x):
        return to_cpu(x).astype(self.dtype, copy=False)

    def __repr__(self):
        return f"ToFloat({self.dtype.name})"
