"""Local response normalization (PyTorch's, AlexNet's): each value divided by a power of the
mean square over its neighbouring channels. Composed of differentiable ops: gradients of
every order come with them."""
from autograd.arguments import positive_int
from autograd.ops import get_item, pad
from autograd.ops.validation import float_input, real_scalar


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):  # noqa: A002
    """y = x / (k + alpha/size * sum of x^2 over channels c - size//2 .. c + (size-1)//2)^beta,
    channels past either end counting as 0 (PyTorch's formula); x (N, C, *) with at least
    one axis after C."""
    x = float_input(input, "local_response_norm")
    if x.ndim < 3:
        raise ValueError(f"local_response_norm: expected an input of 3 or more dimensions "
                         f"(N, C, *), got shape {x.shape}")
    size = positive_int(size, "size", "local_response_norm")
    alpha, beta, k = (real_scalar(value, name, "local_response_norm")
                      for name, value in (("alpha", alpha), ("beta", beta), ("k", k)))
    if x.size == 0:
        return x
    return x / (_channel_window_sum(x * x, size) * (alpha / size) + k) ** beta


def _channel_window_sum(squares, size):
    """For each channel c, the sum of `squares` over channels c - size//2 .. c + (size-1)//2,
    zero past the ends (PyTorch's padding): `size` shifted slices of the padded channels."""
    widths = [(0, 0)] * squares.ndim
    widths[1] = (size // 2, (size - 1) // 2)
    padded = pad(squares, widths)
    channels = squares.shape[1]
    total = get_item(padded, (slice(None), slice(0, channels)))
    for start in range(1, size):
        total = total + get_item(padded, (slice(None), slice(start, start + channels)))
    return total


__all__ = ["local_response_norm"]
