"""Channel shuffle (PyTorch's, from ShuffleNet): the channels, split into groups, interleaved;
one reshape, one transpose and one reshape (so the gradient is the inverse shuffle)."""
from autograd.arguments import positive_int
from autograd.ops import reshape, swapaxes
from autograd.variable import as_variable


def channel_shuffle(input, groups):  # noqa: A002 (PyTorch's name)
    """(N, C, *) -> (N, C, *) with the channels as (groups, C/groups) read as
    (C/groups, groups): y[:, k*groups + g] = x[:, g*(C/groups) + k]."""
    x = as_variable(input, who="channel_shuffle")
    if x.ndim <= 2:
        raise ValueError(f"channel_shuffle: expected an input with more than 2 dimensions "
                         f"(N, C, *), got shape {x.shape}")
    groups = positive_int(groups, "groups", "channel_shuffle")
    n, channels, *rest = x.shape
    if channels % groups:
        raise ValueError(f"channel_shuffle: the number of channels must be divisible by "
                         f"groups: got {channels} channels and {groups} groups (input shape "
                         f"{x.shape})")
    grouped = reshape(x, (n, groups, channels // groups, *rest))
    return reshape(swapaxes(grouped, 1, 2), x.shape)


__all__ = ["channel_shuffle"]
