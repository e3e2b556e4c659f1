"""Keras' bounding-box formats, each box four numbers on the last axis: the names, the
checks every function of keras.utils.bounding_boxes makes of its boxes and formats, and the
moves of each format to and from "xyxy" (left, top, right, bottom), which every conversion
goes through.

    xyxy [left, top, right, bottom]          yxyx [top, left, bottom, right]
    xywh [left, top, width, height]          center_xywh [center x, center y, width, height]
    center_yxhw [center y, center x, height, width]
    rel_xyxy, rel_yxyx, rel_xywh, rel_center_xywh: those in fractions of the image's width
    and height (Keras has no rel_center_yxhw)."""
import numpy as np

from autograd.arguments import numpy_dtype
from autograd.backend import host_array, to_cpu

SUPPORTED_FORMATS = ("xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw", "rel_xyxy",
                     "rel_yxyx", "rel_xywh", "rel_center_xywh")
RELATIVE = "rel_"


def format_name(value, name, who):
    """A format name, lower-cased (Keras reads them case-insensitively), or a ValueError
    naming the argument and the formats there are."""
    lowered = value.lower() if isinstance(value, str) else value
    if lowered not in SUPPORTED_FORMATS:
        raise ValueError(f"{who}: {name} must be one of {', '.join(SUPPORTED_FORMATS)} "
                         f"(case-insensitive), got {value!r}")
    return lowered


def only_xyxy(value, who, allowed=("xyxy",)):
    """bounding_box_format, for the functions Keras writes for `allowed` only: a known format
    outside them is a NotImplementedError (Keras'), an unknown one a ValueError."""
    lowered = format_name(value, "bounding_box_format", who)
    if lowered not in allowed:
        raise NotImplementedError(f"{who}: bounding_box_format={value!r} is not supported "
                                  f"(Keras takes only {' or '.join(map(repr, allowed))}); "
                                  "convert the boxes first with convert_format")
    return lowered


def box_array(boxes, name, who, ranks=None):
    """boxes (an array, a Variable, a torch tensor, nested lists) as a NumPy array whose last
    axis holds the four numbers; `ranks`: the numbers of axes allowed (None: any)."""
    array = host_array(to_cpu(boxes))
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{who}: {name} must hold numbers, got dtype {array.dtype}")
    if array.ndim == 0 or array.shape[-1] != 4:
        raise ValueError(f"{who}: {name} must have 4 numbers per box on its last axis, got "
                         f"shape {array.shape}")
    if ranks is not None and array.ndim not in ranks:
        shapes = " or ".join({2: "(N, 4)", 3: "(batch, N, 4)"}[r] for r in ranks)
        raise ValueError(f"{who}: {name} must have shape {shapes}, got {array.shape}")
    return array


def image_size(image_shape, who):
    """(height, width) of Keras' image_shape (height, width, channels); (None, None) for
    None. (height, width) alone is taken too."""
    if image_shape is None:
        return None, None
    if not isinstance(image_shape, (tuple, list)) or len(image_shape) not in (2, 3):
        raise ValueError(f"{who}: image_shape must be (height, width, channels), got "
                         f"{image_shape!r}")
    return image_shape[0], image_shape[1]


def needs_size(formats, missing, what, who):
    """A ValueError when a relative format is among `formats` and the image's size is
    `missing` (`what`: the arguments that give it): a fraction of the image means nothing
    without the image's size."""
    relative = [f for f in formats if f.startswith(RELATIVE)]
    if relative and missing:
        raise ValueError(f"{who}: the relative format {relative[0]!r} needs the image's size: "
                         f"pass {what}")


# ----- each format to and from xyxy, in the box's own units -----
def _coordinates(boxes):
    return tuple(boxes[..., i] for i in range(4))


def _stacked(*coordinates):
    return np.stack(coordinates, axis=-1)


def _yxyx_swap(boxes):
    """xyxy <-> yxyx: the same swap both ways."""
    a, b, c, d = _coordinates(boxes)
    return _stacked(b, a, d, c)


def _xywh_to_xyxy(boxes):
    x, y, w, h = _coordinates(boxes)
    return _stacked(x, y, x + w, y + h)


def _center_to_xyxy(cx, cy, w, h):
    half_w, half_h = w / 2.0, h / 2.0
    return _stacked(cx - half_w, cy - half_h, cx + half_w, cy + half_h)


def _xyxy_parts(boxes):
    """(x1, y1, width, height, center x, center y) of xyxy boxes (Keras' center:
    x1 + width / 2)."""
    x1, y1, x2, y2 = _coordinates(boxes)
    w, h = x2 - x1, y2 - y1
    return x1, y1, w, h, x1 + w / 2.0, y1 + h / 2.0


_TO_XYXY = {
    "xyxy": lambda b: b,
    "yxyx": _yxyx_swap,
    "xywh": _xywh_to_xyxy,
    "center_xywh": lambda b: _center_to_xyxy(*_coordinates(b)),
    "center_yxhw": lambda b: _center_to_xyxy(b[..., 1], b[..., 0], b[..., 3], b[..., 2]),
}

_FROM_XYXY = {
    "xyxy": lambda b: b,
    "yxyx": _yxyx_swap,
    "xywh": lambda b: _stacked(*_xyxy_parts(b)[:4]),
    "center_xywh": lambda b: _stacked(*(_xyxy_parts(b)[i] for i in (4, 5, 2, 3))),
    "center_yxhw": lambda b: _stacked(*(_xyxy_parts(b)[i] for i in (5, 4, 3, 2))),
}


def _scale(fmt, height, width):
    """The image's size per coordinate of `fmt`: [W, H, W, H], or [H, W, H, W] for yxyx."""
    return np.stack([height, width] * 2 if fmt == "yxyx" else [width, height] * 2)


def to_xyxy(boxes, fmt, height=None, width=None):
    """boxes in `fmt` as absolute xyxy (a relative format scaled by the image's size);
    height and width arrays of the boxes' dtype."""
    base = fmt[len(RELATIVE):] if fmt.startswith(RELATIVE) else fmt
    xyxy = _TO_XYXY[base](boxes)
    return xyxy * _scale("xyxy", height, width) if base != fmt else xyxy


def from_xyxy(xyxy, fmt, height=None, width=None):
    """Absolute xyxy boxes in `fmt` (a relative format divided by the image's size)."""
    base = fmt[len(RELATIVE):] if fmt.startswith(RELATIVE) else fmt
    boxes = _FROM_XYXY[base](xyxy)
    return boxes / _scale(base, height, width) if base != fmt else boxes


def converted(boxes, source, target, height, width, dtype):
    """boxes (an array of `dtype`) from `source` to `target`, both checked names; between
    two relative formats no size is involved (Keras converts them as absolute ones)."""
    if source == target:
        return boxes
    if source.startswith(RELATIVE) and target.startswith(RELATIVE):
        source, target = source[len(RELATIVE):], target[len(RELATIVE):]
    size = [None if n is None else np.asarray(n, dtype) for n in (height, width)]
    out = from_xyxy(to_xyxy(boxes, source, *size), target, *size)
    # an integer dtype's halves and fractions come out in float32, as Keras' (torch's) do
    return out.astype(np.float32) if out.dtype.kind == "f" and dtype.kind != "f" else out


def as_dtype(dtype, who):
    """dtype= of a conversion as a NumPy dtype (names, NumPy or PyTorch dtypes)."""
    try:
        return numpy_dtype(dtype)
    except TypeError as error:
        raise TypeError(f"{who}: dtype {dtype!r} is not one NumPy knows ({error})") from None
