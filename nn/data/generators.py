"""PyTorch's `generator=` arguments (of DataLoader, random_split and the samplers) in NumPy's
terms."""
import sys

import numpy as np

from autograd.arguments import seed_or_drawn


def seed_of(generator, who="DataLoader"):
    """A seed from PyTorch's `generator` argument, drawn from it as PyTorch draws its
    sampler's seed (a generator used twice gives two seeds): a NumPy Generator, a
    torch.Generator, or else anything with initial_seed()."""
    if isinstance(generator, np.random.Generator):
        return int(generator.integers(0, 2**63 - 1))
    torch = sys.modules.get("torch")  # (a torch.Generator means torch is imported)
    if torch is not None and isinstance(generator, torch.Generator):
        return int(torch.empty((), dtype=torch.int64).random_(generator=generator).item())
    initial_seed = getattr(generator, "initial_seed", None)
    if callable(initial_seed):
        return int(initial_seed())
    raise TypeError(f"{who}: generator must be a numpy.random.Generator or a "
                    f"torch.Generator, got {type(generator).__name__}")


def numpy_generator(generator, who):
    """The NumPy Generator a sampler draws from: `generator` itself, one seeded by a
    torch.Generator's initial_seed(), or None (each pass then draws afresh, see pass_generator)."""
    if generator is None or isinstance(generator, np.random.Generator):
        return generator
    return np.random.default_rng(seed_of(generator, who))


def pass_generator(generator, who):
    """The Generator of one pass: `generator`, or for None one seeded from NumPy's global
    state, as PyTorch seeds an unseeded RandomSampler from torch's (so np.random.seed
    repeats the orders, and every pass differs)."""
    return np.random.default_rng(seed_or_drawn(None, who)) if generator is None else generator
