"""Shape and scale raw uint8 images the way every image loader here returns them."""

import numpy as np


def format_images(pixels, max_value, flatten=True, normalize=True):
    """(n, h, w) integer pixels -> (n, h*w) if flatten else (n, 1, h, w) for CNNs.

    normalize=True: float32 in [0, 1] (pixels / max_value); False: the raw pixels.
    """
    x = pixels.astype(np.float32) / np.float32(max_value) if normalize else pixels
    return x.reshape(len(x), -1) if flatten else x[:, None]
