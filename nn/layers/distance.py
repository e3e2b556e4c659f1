"""CosineSimilarity and PairwiseDistance layers (PyTorch's) over nn.functional's."""
from autograd.ops.validation import real_scalar

from ..functional.distance import cosine_similarity, pairwise_distance
from ..module import Module
from .config import init_config


class CosineSimilarity(Module):
    """x1 . x2 / (max(||x1||, eps) max(||x2||, eps)) over `dim`: forward(x1, x2)."""

    def __init__(self, dim=1, eps=1e-8):
        super().__init__()
        self.dim, self.eps = dim, real_scalar(eps, "eps", "CosineSimilarity")

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def forward(self, x1, x2):
        return cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """||x1 - x2 + eps||_p over the last axis: forward(x1, x2), (N, D) -> (N,) ((N, 1) with
    keepdim)."""

    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        super().__init__()
        self.norm = real_scalar(p, "p", "PairwiseDistance")  # (PyTorch's attribute names)
        self.eps = real_scalar(eps, "eps", "PairwiseDistance")
        self.keepdim = keepdim

    def get_config(self):
        """The constructor's arguments (Keras' get_config)."""
        return init_config(self, p=self.norm)

    def forward(self, x1, x2):
        return pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


__all__ = ["CosineSimilarity", "PairwiseDistance"]
