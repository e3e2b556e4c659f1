"""torch.flatten(x, 1), which both torchvision models apply before their classifier."""
import math

from autograd.ops import reshape


def flatten_features(x):
    """(N, C, H, W) -> (N, C * H * W)."""
    return reshape(x, (x.shape[0], math.prod(x.shape[1:])))
