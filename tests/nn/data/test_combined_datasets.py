"""ConcatDataset, IterableDataset and ChainDataset against PyTorch's."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nn.data import ChainDataset, ConcatDataset, DataLoader, IterableDataset, TensorDataset

torch = pytest.importorskip("torch")
tdata = torch.utils.data

lengths = st.lists(st.integers(0, 6), min_size=1, max_size=4)


def parts_of(sizes):
    """Ranges numbering the samples of the parts one after another (0, 1, ... overall)."""
    starts = np.cumsum([0] + sizes)
    return [range(start, start + size) for start, size in zip(starts, sizes)]


@given(lengths)
def test_concat_dataset_order_len_and_sizes_are_torchs(sizes):
    ours, theirs = ConcatDataset(parts_of(sizes)), tdata.ConcatDataset(parts_of(sizes))
    assert ours.cumulative_sizes == theirs.cumulative_sizes
    assert len(ours) == len(theirs) == sum(sizes)
    assert [ours[i] for i in range(len(ours))] == [theirs[i] for i in range(len(theirs))]
    assert [ours[-i] for i in range(1, len(ours) + 1)] == \
        [theirs[-i] for i in range(1, len(theirs) + 1)]


@pytest.mark.parametrize("index", [5, -6, 100])
def test_concat_dataset_index_out_of_range_names_index_and_length(index):
    with pytest.raises(IndexError, match=f"ConcatDataset: index {index} is out of range for a "
                                         "dataset of 5 samples"):
        ConcatDataset([range(2), range(3)])[index]


def test_concat_dataset_errors():
    with pytest.raises(ValueError, match="datasets should not be an empty iterable"):
        ConcatDataset([])
    with pytest.raises(TypeError, match="does not support IterableDataset .a Stream at "
                                        "position 1"):
        ConcatDataset([range(2), Stream(3)])
    with pytest.raises(TypeError, match="ConcatDataset: index must be an integer, got float"):
        ConcatDataset([range(2)])[1.0]


def test_adding_datasets_concatenates_them_in_a_loader_as_torch():
    x, y = np.arange(12.0).reshape(6, 2), np.arange(6)
    ours = TensorDataset(x[:4], y[:4]) + TensorDataset(x[4:], y[4:])
    theirs = (tdata.TensorDataset(torch.tensor(x[:4]), torch.tensor(y[:4]))
              + tdata.TensorDataset(torch.tensor(x[4:]), torch.tensor(y[4:])))
    assert isinstance(ours, ConcatDataset) and ours.cumulative_sizes == [4, 6]
    for (ox, oy), (tx, ty) in zip(DataLoader(ours, batch_size=4),
                                  tdata.DataLoader(theirs, batch_size=4), strict=True):
        np.testing.assert_array_equal(ox, tx.numpy())
        np.testing.assert_array_equal(oy, ty.numpy())
    shuffled = np.concatenate([b[1] for b in DataLoader(ours, batch_size=4, shuffle=True)])
    assert sorted(shuffled) == list(range(6))


class Stream(IterableDataset):
    """0, 1, ..., n - 1 as a stream without len."""

    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))


class TorchStream(tdata.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))


class SizedStream(Stream):
    def __len__(self):
        return self.n


class TorchSizedStream(TorchStream):
    def __len__(self):
        return self.n


@given(st.integers(0, 25), st.integers(1, 7), st.booleans())
def test_an_iterable_dataset_is_batched_as_torch_batches_it(n, batch_size, drop_last):
    ours = [b.tolist() for b in DataLoader(Stream(n), batch_size=batch_size,
                                           drop_last=drop_last)]
    theirs = [b.tolist() for b in tdata.DataLoader(TorchStream(n), batch_size=batch_size,
                                                   drop_last=drop_last)]
    assert ours == theirs
    assert len(DataLoader(SizedStream(n), batch_size, drop_last=drop_last)) == len(
        tdata.DataLoader(TorchSizedStream(n), batch_size=batch_size, drop_last=drop_last))


def test_an_iterable_datasets_samples_are_collated():
    class Pairs(IterableDataset):
        def __iter__(self):
            return ((np.full(2, float(i)), i) for i in range(5))

    batches = list(DataLoader(Pairs(), batch_size=2))
    np.testing.assert_array_equal(batches[0][0], [[0.0, 0.0], [1.0, 1.0]])
    np.testing.assert_array_equal(batches[-1][1], [4])


def test_an_iterable_dataset_without_len_says_so():
    with pytest.raises(TypeError, match="Stream is an IterableDataset without __len__"):
        len(Stream(3))
    with pytest.raises(TypeError, match="Stream is an IterableDataset without __len__"):
        len(DataLoader(Stream(3), batch_size=2))
    with pytest.raises(NotImplementedError, match="Bare must implement __iter__"):
        iter(type("Bare", (IterableDataset,), {})())


@pytest.mark.parametrize("given_kwargs, name", [
    ({"shuffle": True}, "shuffle"),
    ({"sampler": [0, 1]}, "sampler"),
    ({"batch_sampler": [[0, 1]]}, "batch_sampler"),
])
def test_an_iterable_dataset_refuses_an_order(given_kwargs, name):
    with pytest.raises(ValueError, match=f"DataLoader with IterableDataset: expected "
                                         f"unspecified {name} option, but got {name}="):
        DataLoader(Stream(4), **given_kwargs)


@given(st.lists(st.integers(0, 5), min_size=1, max_size=4))
def test_chain_dataset_streams_and_len_are_torchs(sizes):
    ours = ChainDataset([SizedStream(n) for n in sizes])
    theirs = tdata.ChainDataset([TorchStream(n) for n in sizes])
    assert list(ours) == list(theirs) and list(ours) == list(ours)  # read again: the same
    assert len(ours) == sum(sizes)


def test_adding_streams_chains_them():
    chained = Stream(2) + Stream(3)
    assert isinstance(chained, ChainDataset) and list(chained) == [0, 1, 0, 1, 2]
    assert [b.tolist() for b in DataLoader(chained, batch_size=2)] == [[0, 1], [0, 1], [2]]


def test_chain_dataset_errors():
    with pytest.raises(TypeError, match="ChainDataset only supports IterableDataset, got a "
                                        "range at position 1"):
        ChainDataset([Stream(2), range(3)])
    with pytest.raises(TypeError, match="Stream is an IterableDataset without __len__"):
        len(ChainDataset([SizedStream(2), Stream(3)]))
