"""keras.utils.bounding_boxes.convert_format: boxes from one format to another (the formats:
nn.keras.bounding_boxes.formats)."""
from .formats import as_dtype, box_array, converted, format_name, needs_size

_WHO = "convert_format"


def convert_format(boxes, source, target, height=None, width=None, dtype="float32"):
    """boxes (..., 4) in `source` as boxes (..., 4) in `target`, in `dtype`; a relative
    format on either side needs the image's height and width. A dict {"boxes", "labels",
    ...} gives a new dict with its boxes converted (Keras changes the one given)."""
    if isinstance(boxes, dict):
        if "boxes" not in boxes:
            raise ValueError(f"{_WHO}: a dict of boxes needs a 'boxes' key, got the keys "
                             f"{sorted(boxes)}")
        return {**boxes, "boxes": convert_format(boxes["boxes"], source, target, height,
                                                 width, dtype)}
    array = box_array(boxes, "boxes", _WHO)
    source = format_name(source, "source", _WHO)
    target = format_name(target, "target", _WHO)
    needs_size((source, target), height is None or width is None,
               f"height and width (got height={height!r}, width={width!r})", _WHO)
    dtype = as_dtype(dtype, _WHO)
    return converted(array.astype(dtype), source, target, height, width, dtype)
