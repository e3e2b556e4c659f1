"""What the tests of the newer augmentation layers share: a generator that hands out fixed
draws, and NumPy references of Keras' sampling (its torch backend's map_coordinates) and
of its boxes."""
import numpy as np


class Fixed:
    """A stand-in for a layer's generator: each call of uniform, standard_normal, beta or
    permutation returns the next of `draws` (whatever its arguments ask), cycling, so that
    every call of the layer sees the same ones. `asked` records the arguments."""

    def __init__(self, *draws):
        self.draws, self.count, self.asked = [np.asarray(d) for d in draws], 0, []

    def _next(self, *args, **kwargs):
        self.asked.append(args + tuple(kwargs.values()))
        draw = self.draws[self.count % len(self.draws)]
        self.count += 1
        return draw

    uniform = standard_normal = beta = permutation = _next


def fixed(layer, *draws):
    """`layer` with its draws fixed to `draws` (see Fixed)."""
    layer.generator = Fixed(*draws)
    return layer


def _fixed_index(index, size, fill_mode):
    """Keras' (torch backend's) index fixers: where an index beyond the edge reads."""
    if fill_mode in ("constant", "nearest"):
        return np.clip(index, 0, size - 1)
    if fill_mode == "wrap":
        return index % size
    mirror = lambda i, n: np.abs((i + n - 1) % (2 * (n - 1)) - (n - 1))  # noqa: E731
    return (mirror(2 * index + 1, 2 * size + 1) - 1) // 2  # 'reflect': (d c b a | a b c d)


def keras_map(images, xs, ys, interpolation="bilinear", fill_mode="constant", fill_value=0.0):
    """images (N, H, W, C) read at the (N, H, W) pixel coordinates xs, ys as Keras'
    map_coordinates reads them: nearest (rounded half to even) or bilinear, each neighbour
    beyond the edge fixed by fill_mode ('constant': fill_value)."""
    n, height, width, _ = images.shape

    def nodes(coordinate):
        if interpolation == "nearest":
            return [(np.round(coordinate).astype(int), 1.0)]
        lower = np.floor(coordinate)
        return [(lower.astype(int), 1 - (coordinate - lower)),
                (lower.astype(int) + 1, coordinate - lower)]
    out = 0.0
    batch = np.arange(n)[:, None, None]
    for row, row_weight in nodes(np.asarray(ys, np.float64)):
        for col, col_weight in nodes(np.asarray(xs, np.float64)):
            values = images[batch, _fixed_index(row, height, fill_mode),
                            _fixed_index(col, width, fill_mode)]
            if fill_mode == "constant":
                inside = (row >= 0) & (row < height) & (col >= 0) & (col < width)
                values = np.where(inside[..., None], values, fill_value)
            out = out + (np.asarray(row_weight) * col_weight)[..., None] * values
    return out


def pixel_grid(height, width):
    """(x, y) pixel indices, each (H, W)."""
    y, x = np.mgrid[:height, :width].astype(np.float64)
    return x, y
