"""The pixels of OpenCV's cv2.rectangle (8-connected lines), drawn in NumPy: Keras'
draw_bounding_boxes draws its boxes with it, and rungrad does not need OpenCV."""
import functools

import numpy as np


def rectangle_mask(height, width, corner, opposite, thickness):
    """(height, width) bool: the pixels cv2.rectangle(image, corner, opposite, color,
    thickness) paints, corners (x, y) in pixels. thickness < 0 fills the box; 0 and 1 draw
    its one-pixel outline; t >= 2 draws each side as a band r = (t + 1) // 2 pixels either
    side of it, between its corners, and a disc of radius r (OpenCV's midpoint circle) on
    each corner. Parts outside the image are dropped."""
    mask = np.zeros((height, width), bool)
    (x1, y1), (x2, y2) = corner, opposite
    left, right, top, bottom = min(x1, x2), max(x1, x2), min(y1, y2), max(y1, y2)
    if thickness < 0:
        _paint(mask, top, bottom, left, right)
        return mask
    reach = 0 if thickness <= 1 else (thickness + 1) // 2
    for y in (y1, y2):
        _paint(mask, y - reach, y + reach, left, right)
    for x in (x1, x2):
        _paint(mask, top, bottom, x - reach, x + reach)
    if reach:
        for x, y in ((x1, y1), (x2, y1), (x2, y2), (x1, y2)):
            for dy, half in _disc_rows(reach):
                _paint(mask, y + dy, y + dy, x - half, x + half)
    return mask


def _paint(mask, top, bottom, left, right):
    """mask[top..bottom, left..right] (inclusive bounds, clipped to the mask) set."""
    height, width = mask.shape
    top, left = max(top, 0), max(left, 0)
    bottom, right = min(bottom, height - 1), min(right, width - 1)
    if top <= bottom and left <= right:
        mask[top:bottom + 1, left:right + 1] = True


@functools.lru_cache(maxsize=64)
def _disc_rows(radius):
    """((dy, half width), ...): the rows of OpenCV's filled circle of `radius`, each
    spanning x - half .. x + half, by its midpoint algorithm (integer steps)."""
    rows = {}
    error, dx, dy, plus, minus = 0, radius, 0, 1, 2 * radius - 1
    while dx >= dy:
        for offset, half in ((dy, dx), (-dy, dx), (dx, dy), (-dx, dy)):
            rows[offset] = max(rows.get(offset, 0), half)
        dy += 1
        error += plus
        plus += 2
        step = -1 if error > 0 else 0  # (x moves in once the error turns positive)
        if step:
            error -= minus
            minus -= 2
        dx += step
    return tuple(sorted(rows.items()))


__all__ = ["rectangle_mask"]
