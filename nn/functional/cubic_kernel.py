"""Keys' cubic convolution kernel, in its two pieces: interpolate's bicubic and grid_sample's
(A = -0.75, ATen's and OpenCV's) and interpolate's antialias (A = -0.5, PIL's), each written
as ATen evaluates it (upsample_bicubic2d's cubic_convolution1 and 2), so that float32 results
round as PyTorch's. d >= 0 is the distance in pixels; arrays or Variables alike."""


def cubic_near(d, a):
    """(A + 2) d^3 - (A + 3) d^2 + 1, the kernel for d <= 1."""
    return ((a + 2) * d - (a + 3)) * d * d + 1


def cubic_far(d, a):
    """A d^3 - 5A d^2 + 8A d - 4A, the kernel for 1 < d < 2 (0 beyond)."""
    return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a


__all__ = ["cubic_near", "cubic_far"]
