"""LocalResponseNorm (PyTorch's, AlexNet's): each value divided by a power of the mean
square over its neighbouring channels (see nn.functional.local_response_norm)."""
from autograd.arguments import positive_int
from autograd.ops.validation import real_scalar

from ..functional.local_response_norm import local_response_norm
from ..module import Module
from .config import init_config


class LocalResponseNorm(Module):
    """(N, C, *) -> the same shape: x / (k + alpha/size * sum of x^2 over `size` neighbouring
    channels)^beta."""

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.size = positive_int(size, "size", "LocalResponseNorm")
        for name, value in (("alpha", alpha), ("beta", beta), ("k", k)):
            real_scalar(value, name, "LocalResponseNorm")  # (kept as given: the repr shows it)
        self.alpha, self.beta, self.k = alpha, beta, k

    def forward(self, input):  # noqa: A002 (PyTorch's name)
        return local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


__all__ = ["LocalResponseNorm"]
