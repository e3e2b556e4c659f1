"""The class labels draw_bounding_boxes writes beside its boxes, rendered with Pillow
(`pip install rungrad[images]`, imported when a label is drawn): where Keras' cv2.putText
puts them, in a font of about the same size, not in OpenCV's glyphs."""
import numpy as np

from ..image_utils import pil_image

FONT_SIZE = 31  # (Pillow's default font at 31 px is about as wide as OpenCV's Hershey
#                 simplex font at scale 1)


def text_location(x, y, font_scale, thickness):
    """Keras' (x, y) for a label's baseline: 8 pixels above the box's corner, or inside
    the box, below the corner, where the text would not fit above it."""
    font_height = int(font_scale * 12)
    if y - 8 - 2 * font_height > 0:
        return x, y - 8
    return x + 3, y + 2 * font_height + thickness + 3


def text_mask(height, width, text, origin, font_scale, thickness, who):
    """(height, width) bool: the pixels of `text` with its baseline starting at origin
    (x, y), unsmoothed (OpenCV's text is not antialiased either)."""
    image = pil_image(f"{who} (for the class labels' text)")
    from PIL import ImageDraw, ImageFont

    canvas = image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(canvas)
    draw.fontmode = "1"
    font = ImageFont.load_default(size=max(1, round(FONT_SIZE * font_scale)))
    draw.text(origin, text, fill=255, font=font, anchor="ls",
              stroke_width=max(0, thickness - 1) // 2, stroke_fill=255)
    return np.asarray(canvas) > 0


__all__ = ["text_location", "text_mask"]
