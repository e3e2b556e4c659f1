"""The samplers of nn.data against PyTorch's: orders, lengths, randomness and errors."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn.data import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)

torch = pytest.importorskip("torch")
tdata = torch.utils.data

seeds = st.integers(0, 2**32 - 1)


def passes(sampler, count=3):
    return [list(sampler) for _ in range(count)]


@given(st.integers(0, 30))
def test_sequential_sampler_is_torchs(n):
    ours, theirs = SequentialSampler(range(n)), tdata.SequentialSampler(range(n))
    assert list(ours) == list(theirs) and len(ours) == len(theirs) == n


@given(st.integers(0, 40), st.integers(1, 12), st.booleans())
def test_batch_sampler_batches_and_len_are_torchs(n, batch_size, drop_last):
    ours = BatchSampler(SequentialSampler(range(n)), batch_size, drop_last)
    theirs = tdata.BatchSampler(tdata.SequentialSampler(range(n)), batch_size, drop_last)
    assert list(ours) == list(theirs)
    assert len(ours) == len(theirs)


def test_batch_sampler_takes_any_iterable_of_indices():
    assert list(BatchSampler(iter([5, 3, 1, 0, 2]), 2, False)) == [[5, 3], [1, 0], [2]]
    assert list(BatchSampler([5, 3, 1], 2, True)) == [[5, 3]]


@pytest.mark.parametrize("bad", [0, -2, 1.5, True, None])
def test_batch_sampler_batch_size_must_be_positive(bad):
    with pytest.raises(ValueError, match="BatchSampler: batch_size must be a positive integer"):
        BatchSampler(range(4), bad, False)


def test_batch_sampler_drop_last_must_be_a_bool():
    with pytest.raises(ValueError, match="drop_last should be a boolean value, but got "
                                         "drop_last=1"):
        BatchSampler(range(4), 2, 1)


@given(st.integers(1, 60), seeds)
def test_random_sampler_is_a_permutation_repeated_by_its_seed(n, seed):
    first = passes(RandomSampler(range(n), generator=np.random.default_rng(seed)))
    again = passes(RandomSampler(range(n), generator=np.random.default_rng(seed)))
    assert first == again
    for order in first:
        assert sorted(order) == list(range(n))
        assert all(type(i) is int for i in order)


def test_random_sampler_passes_differ():
    orders = passes(RandomSampler(range(50), generator=np.random.default_rng(0)))
    assert orders[0] != orders[1] != orders[2]


def test_an_unseeded_random_sampler_follows_numpys_global_seed():
    sampler = RandomSampler(range(50))
    np.random.seed(7)
    first = passes(sampler)
    np.random.seed(7)
    assert passes(sampler) == first
    assert first[0] != first[1]


def test_a_torch_generator_seeds_the_sampler():
    def orders(seed):
        return passes(RandomSampler(range(30), generator=torch.Generator().manual_seed(seed)))

    assert orders(3) == orders(3) != orders(4)


@given(st.integers(1, 20), st.integers(1, 70), seeds)
def test_random_sampler_num_samples_without_replacement_repeats_permutations(n, count, seed):
    sampler = RandomSampler(range(n), num_samples=count, generator=np.random.default_rng(seed))
    order = list(sampler)
    assert len(order) == len(sampler) == count
    for start in range(0, count, n):  # each block of n: a permutation, the last its start
        block = order[start:start + n]
        assert len(set(block)) == len(block) and set(block) <= set(range(n))


@given(st.integers(1, 20), st.integers(1, 70), seeds)
def test_random_sampler_with_replacement_draws_in_range(n, count, seed):
    sampler = RandomSampler(range(n), replacement=True, num_samples=count,
                            generator=np.random.default_rng(seed))
    order = list(sampler)
    assert len(order) == len(sampler) == count and set(order) <= set(range(n))


def test_random_sampler_with_replacement_repeats_indices():
    order = list(RandomSampler(range(5), replacement=True, num_samples=200,
                               generator=np.random.default_rng(1)))
    assert set(order) == set(range(5))  # all five come, so some come many times


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3"])
def test_random_sampler_num_samples_must_be_positive(bad):
    with pytest.raises(ValueError, match="RandomSampler: num_samples must be a positive"):
        RandomSampler(range(4), num_samples=bad)


def test_random_sampler_errors():
    with pytest.raises(TypeError, match="replacement should be a boolean value, but got "
                                        "replacement=1"):
        RandomSampler(range(4), replacement=1)
    with pytest.raises(ValueError, match=r"got 0 \(len\(data_source\)"):
        RandomSampler([])
    with pytest.raises(ValueError, match="RandomSampler: data_source is empty"):
        list(RandomSampler([], num_samples=3))
    with pytest.raises(TypeError, match="RandomSampler: generator must be a numpy.random"):
        RandomSampler(range(4), generator=5)


@given(st.lists(st.integers(-50, 50), max_size=20), seeds)
def test_subset_random_sampler_permutes_its_indices(indices, seed):
    sampler = SubsetRandomSampler(indices, generator=np.random.default_rng(seed))
    orders = passes(sampler)
    assert len(sampler) == len(indices)
    assert all(sorted(order) == sorted(indices) for order in orders)
    assert orders == passes(SubsetRandomSampler(indices, generator=np.random.default_rng(seed)))


def frequencies(indices, n):
    return np.bincount(np.asarray(indices), minlength=n) / len(indices)


@given(seeds)
def test_weighted_sampler_draws_in_proportion_to_the_weights(seed):
    weights = np.array([1.0, 0.0, 3.0, 6.0, 10.0])
    draws = list(WeightedRandomSampler(weights, 200_000, generator=np.random.default_rng(seed)))
    # a count's std is at most sqrt(n) / 2, here 0.0011 in frequency: 0.01 is 9 of them
    np.testing.assert_allclose(frequencies(draws, 5), weights / weights.sum(), atol=0.01)
    assert 1 not in draws


@settings(max_examples=5)  # (10,000 passes each)
@given(seeds)
def test_weighted_sampler_without_replacement_draws_each_once_in_proportion(seed):
    weights = np.array([1.0, 2.0, 3.0, 4.0])
    p = weights / weights.sum()
    sampler = WeightedRandomSampler(weights, 4, replacement=False,
                                    generator=np.random.default_rng(seed))
    orders = np.array(passes(sampler, 10_000))
    assert (np.sort(orders, axis=1) == np.arange(4)).all()
    # first draw: p_i; second: sum over the first i of p_i * w_j / (W - w_i); a frequency's
    # std is at most 0.005, so 0.035 is 7 of them
    second = [sum(p[i] * weights[j] / (weights.sum() - weights[i]) for i in range(4) if i != j)
              for j in range(4)]
    np.testing.assert_allclose(frequencies(orders[:, 0], 4), p, atol=0.035)
    np.testing.assert_allclose(frequencies(orders[:, 1], 4), second, atol=0.035)


def test_weighted_sampler_without_replacement_takes_zero_weights_last_as_torch():
    draws = list(WeightedRandomSampler([0.0, 5.0, 0.0], 3, replacement=False))
    assert draws[0] == 1 and sorted(draws) == [0, 1, 2]


def test_weighted_sampler_is_repeated_by_its_seed_and_keeps_torchs_attributes():
    def draws(seed):
        sampler = WeightedRandomSampler([1, 2, 3], 10, generator=np.random.default_rng(seed))
        return passes(sampler)

    assert draws(5) == draws(5)
    sampler = WeightedRandomSampler([1, 2, 3], 10)
    assert len(sampler) == 10 and sampler.replacement is True
    assert sampler.weights.dtype == np.float64


@pytest.mark.parametrize("weights, message", [
    ([[1.0, 2.0], [3.0, 4.0]], r"1d sequence but given weights have shape \(2, 2\)"),
    ([], r"have shape \(0,\)"),
    ([1.0, -0.5, 2.0], r"finite and non-negative, got weights\[1\] = -0.5"),
    ([1.0, np.nan], r"weights\[1\] = nan"),
    ([np.inf, 1.0], r"weights\[0\] = inf"),
    ([0.0, 0.0], "weights are all zero"),
    (["a", "b"], "weights must be numbers"),
])
def test_weighted_sampler_refuses_bad_weights(weights, message):
    with pytest.raises(ValueError, match=f"^WeightedRandomSampler: .*{message}"):
        WeightedRandomSampler(weights, 3)


def test_weighted_sampler_argument_errors():
    for bad in (0, -3, 1.5, True):
        with pytest.raises(ValueError, match="num_samples must be a positive integer"):
            WeightedRandomSampler([1.0, 2.0], bad)
    with pytest.raises(ValueError, match="replacement should be a boolean value"):
        WeightedRandomSampler([1.0, 2.0], 2, replacement="no")
    with pytest.raises(ValueError, match="cannot draw num_samples=3 indices without "
                                         "replacement from 2 weights"):
        WeightedRandomSampler([1.0, 2.0], 3, replacement=False)


def test_the_base_sampler_asks_for_iter():
    class Nothing(Sampler):
        pass

    with pytest.raises(NotImplementedError, match="Nothing must implement __iter__"):
        iter(Nothing(range(3)))
