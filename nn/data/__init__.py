"""Data pipeline: datasets (and their concatenations and streams), samplers, mini-batch
loaders, random splits, array transforms and random augmentations.

Everything here works on NumPy arrays (Variables are accepted and unwrapped) and
needs nothing beyond NumPy.
"""

from autograd.lazy import missing_only

from .augment import (
    GaussianNoise,
    RandomFlip,
    RandomRotation,
    RandomShift,
    SaltAndPepperNoise,
)
from .batch_dataset import PyDataset, Sequence
from .collate import default_collate
from .concat import ConcatDataset
from .dataset import Dataset, Subset, TensorDataset
from .iterable import ChainDataset, IterableDataset
from .loader import DataLoader, get_worker_info
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)
from .sequence import SequenceLoader
from .split import random_split, train_test_split
from .timeseries import timeseries_dataset_from_array
from .transforms import Compose, Flatten, Normalize, OneHot, ToFloat

__getattr__ = missing_only(__name__, {
    "SeqDataLoader": "nn.data.SequenceLoader(data, batch_size) (the same streams)"})

__all__ = ["Dataset", "TensorDataset", "Subset", "DataLoader", "default_collate", "SequenceLoader",
           "random_split", "train_test_split", "Compose", "Normalize", "Flatten", "OneHot",
           "ToFloat", "RandomShift", "RandomRotation", "RandomFlip", "GaussianNoise",
           "SaltAndPepperNoise",
           "ConcatDataset", "IterableDataset", "ChainDataset", "Sampler", "SequentialSampler",
           "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler", "BatchSampler",
           "PyDataset", "Sequence", "timeseries_dataset_from_array", "get_worker_info"]
