"""A torch.Generator given to a sampler or a DataLoader is drawn from at each pass, as
PyTorch draws from it: seeding it after the sampler is made, or again before a pass,
decides that pass's order."""
import numpy as np
import pytest

from nn.data import (
    DataLoader,
    RandomSampler,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
)

torch = pytest.importorskip("torch")

MAKERS = {
    "RandomSampler": lambda g: RandomSampler(range(20), generator=g),
    "RandomSampler with replacement": lambda g: RandomSampler(range(20), True, 20, g),
    "SubsetRandomSampler": lambda g: SubsetRandomSampler(list(range(20)), generator=g),
    "WeightedRandomSampler": lambda g: WeightedRandomSampler([1.0] * 20, 20, generator=g),
    "DataLoader": lambda g: DataLoader(TensorDataset(np.arange(20)), batch_size=20,
                                       shuffle=True, generator=g),
}


def one_pass(source):
    return [int(i) for item in source for i in np.ravel(item)]


@pytest.mark.parametrize("make", MAKERS.values(), ids=MAKERS.keys())
def test_the_generators_state_at_each_pass_decides_its_order(make):
    generator = torch.Generator()
    source = make(generator)
    orders = []
    for seed in (1, 1, 2):
        generator.manual_seed(seed)
        orders.append(one_pass(source))
    assert orders[0] == orders[1] != orders[2]
    assert one_pass(source) != one_pass(source)  # (unseeded again: the passes go on)
    torch_made = make(torch.Generator().manual_seed(1))  # made after the seed: the same
    assert one_pass(torch_made) == orders[0]
