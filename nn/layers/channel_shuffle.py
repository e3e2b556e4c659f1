"""ChannelShuffle (PyTorch's, ShuffleNet's): the channels, split into groups, interleaved
(see nn.functional.channel_shuffle)."""
from autograd.arguments import positive_int

from ..functional.channel_shuffle import channel_shuffle
from ..module import Module
from .config import init_config


class ChannelShuffle(Module):
    """(N, C, *) -> the same shape, the C channels read as (groups, C/groups) and written
    as (C/groups, groups)."""

    def __init__(self, groups):
        super().__init__()
        self.groups = positive_int(groups, "groups", "ChannelShuffle")

    def forward(self, input):  # noqa: A002 (PyTorch's name)
        return channel_shuffle(input, self.groups)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"groups={self.groups}"


__all__ = ["ChannelShuffle"]
