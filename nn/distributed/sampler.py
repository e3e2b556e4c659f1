"""DistributedSampler: each rank's share of a data set's indices, as PyTorch's."""
import math

import numpy as np

from autograd.arguments import random_seed

from ..data.sampler import Sampler
from .group import get_rank, get_world_size


class DistributedSampler(Sampler):
    """The indices rank `rank` of `num_replicas` trains on, for DataLoader(sampler=...).

    Every rank orders the indices the same way (shuffled by (seed, epoch) when `shuffle`),
    then takes every num_replicas-th one starting at its rank. So that all shards have the
    same length, the order is padded by repeating its first indices (or, with drop_last, cut
    to a multiple of num_replicas). Call `set_epoch(epoch)` before each epoch for a new
    shuffle (Model.fit does it for a DataLoader that carries a sampler).
    num_replicas and rank default to the process group's.
    """

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0,
                 drop_last=False):
        self.num_replicas = get_world_size() if num_replicas is None else num_replicas
        if not isinstance(self.num_replicas, (int, np.integer)) or self.num_replicas < 1:
            raise ValueError(f"DistributedSampler: num_replicas must be a positive integer, "
                             f"got {num_replicas!r}")
        self.rank = get_rank() if rank is None else rank
        if not isinstance(self.rank, (int, np.integer)) or \
                not 0 <= self.rank < self.num_replicas:
            raise ValueError(f"DistributedSampler: rank must be from 0 to "
                             f"{self.num_replicas - 1}, got {rank!r}")
        self.dataset, self.shuffle, self.drop_last = dataset, shuffle, drop_last
        self.seed = random_seed(seed, "DistributedSampler")
        self.epoch = 0
        n = len(dataset)
        self.num_samples = (n // self.num_replicas if drop_last
                            else math.ceil(n / self.num_replicas))
        self.total_size = self.num_samples * self.num_replicas

    def set_epoch(self, epoch):
        """Use epoch's order next (every rank must set the same epoch; any integer, a
        negative one too, as PyTorch)."""
        random_seed(epoch, "DistributedSampler.set_epoch: the epoch")  # (refused here)
        self.epoch = int(epoch)

    def indices(self):
        """This rank's indices for the current epoch, as an int64 array."""
        n = len(self.dataset)
        if self.shuffle:
            order = np.random.default_rng([self.seed, self.epoch % 2**64]).permutation(n)
        else:
            order = np.arange(n)
        if self.drop_last:
            order = order[:self.total_size]
        elif self.total_size > n:  # padded with the order's own start, as PyTorch's
            order = np.resize(order, self.total_size)
        return order[self.rank:self.total_size:self.num_replicas]

    def __iter__(self):
        return iter(self.indices().tolist())

    def __len__(self):
        return self.num_samples


__all__ = ["DistributedSampler"]
