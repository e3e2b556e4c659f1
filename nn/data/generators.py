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
    if is_torch_generator(generator):
        torch = sys.modules["torch"]
        return int(torch.empty((), dtype=torch.int64).random_(generator=generator).item())
    initial_seed = getattr(generator, "initial_seed", None)
    if callable(initial_seed):
        return int(initial_seed())
    raise TypeError(f"{who}: generator must be a numpy.random.Generator or a "
                    f"torch.Generator, got {type(generator).__name__}")


def is_torch_generator(generator):
    """Whether `generator` is a torch.Generator (without importing torch: one means torch
    is imported)."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(generator, torch.Generator)


def numpy_generator(generator, who):
    """What a sampler draws from: `generator` itself where it is None, a NumPy Generator or
    a torch.Generator (drawn from at each pass, see pass_generator), else a NumPy one seeded
    by its initial_seed()."""
    if generator is None or isinstance(generator, np.random.Generator) or \
            is_torch_generator(generator):
        return generator
    return np.random.default_rng(seed_of(generator, who))


def pass_generator(generator, who):
    """The NumPy Generator of one pass: `generator` itself; for a torch.Generator one seeded
    by a draw from it now, as PyTorch draws from it at each pass (so seeding it after the
    sampler is made, or again before a pass, decides the pass's order); for None one seeded
    from NumPy's global state, as PyTorch seeds an unseeded RandomSampler from torch's (so
    np.random.seed repeats the orders, and every pass differs)."""
    if generator is None:
        return np.random.default_rng(seed_or_drawn(None, who))
    if is_torch_generator(generator):
        return np.random.default_rng(seed_of(generator, who))
    return generator
