"""DataLoader's default_collate mirrors a sample's structure, as PyTorch's does."""
import collections

import numpy as np
import pytest

from nn.data import DataLoader, Dataset, default_collate


class Samples(Dataset):
    def __init__(self, make):
        self.make = make

    def __len__(self):
        return 4

    def __getitem__(self, i):
        return self.make(i)


def first_batch(make, **kwargs):
    return next(iter(DataLoader(Samples(make), batch_size=2, **kwargs)))


def test_dict_samples_give_a_dict_of_stacked_arrays():
    batch = first_batch(lambda i: {"x": np.float32(i), "y": np.array([i, i])})
    assert set(batch) == {"x", "y"}
    np.testing.assert_array_equal(batch["x"], np.array([0, 1], np.float32))
    np.testing.assert_array_equal(batch["y"], [[0, 0], [1, 1]])


def test_nested_tuples_lists_and_namedtuples_keep_their_structure():
    point = collections.namedtuple("Point", "a b")
    nested = first_batch(lambda i: (np.float32(i), (np.array([i]), i)))
    assert isinstance(nested, tuple) and isinstance(nested[1], tuple)
    np.testing.assert_array_equal(nested[1][0], [[0], [1]])
    as_list = first_batch(lambda i: [i, np.array([i, i])])
    assert isinstance(as_list, list) and as_list[1].shape == (2, 2)
    named = default_collate([point(1, 2.0), point(3, 4.0)])
    assert isinstance(named, point) and named.b.tolist() == [2.0, 4.0]


def test_strings_stay_a_list():
    names, numbers = first_batch(lambda i: (f"item{i}", i))
    assert names == ["item0", "item1"] and numbers.tolist() == [0, 1]


def test_mismatched_samples_get_errors_that_say_where():
    with pytest.raises(ValueError, match=r"cannot stack samples of shapes \[\(1,\), \(2,\)\] "
                                         r"at key 'x'"):
        first_batch(lambda i: {"x": np.zeros(i + 1)})
    with pytest.raises(ValueError, match=r"differ in their keys"):
        default_collate([{"a": 1}, {"b": 2}])
    with pytest.raises(ValueError, match=r"differ in length"):
        default_collate([(1, 2), (1,)])


def test_a_collate_fn_replaces_the_default():
    batch = first_batch(lambda i: np.zeros(i + 1), collate_fn=lambda samples: len(samples))
    assert batch == 2
    with pytest.raises(TypeError, match="DataLoader: collate_fn must be callable"):
        DataLoader(Samples(lambda i: i), collate_fn=3)


def test_none_is_refused_and_a_defaultdict_collates_to_a_dict():
    with pytest.raises(TypeError, match="cannot collate None"):
        default_collate([None, None])
    batch = default_collate([collections.defaultdict(int, a=1), collections.defaultdict(int, a=2)])
    np.testing.assert_array_equal(batch["a"], [1, 2])
