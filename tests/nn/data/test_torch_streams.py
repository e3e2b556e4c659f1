"""PyTorch's own IterableDataset given to nn.data.DataLoader is read as the stream it is
(it died on torch's 'Subclasses of Dataset should implement __getitem__', or on len())."""
import pytest

from nn.data import DataLoader

torch = pytest.importorskip("torch")


class Stream(torch.utils.data.IterableDataset):
    def __iter__(self):
        return iter(range(5))


class SizedStream(Stream):
    def __len__(self):
        return 5


@pytest.mark.parametrize("stream", [Stream, SizedStream])
@pytest.mark.parametrize("drop_last", [False, True])
def test_a_torch_stream_is_batched_as_torch_batches_it(stream, drop_last):
    ours = DataLoader(stream(), batch_size=2, drop_last=drop_last)
    theirs = torch.utils.data.DataLoader(stream(), batch_size=2, drop_last=drop_last)
    assert [b.tolist() for b in ours] == [b.tolist() for b in theirs]


def test_a_torch_streams_len_and_refused_order_are_torchs():
    assert len(DataLoader(SizedStream(), batch_size=2)) == 3
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        DataLoader(Stream(), batch_size=2, shuffle=True)


def test_concat_dataset_refuses_a_torch_stream_by_name():
    from nn.data import ConcatDataset
    with pytest.raises(TypeError, match="ConcatDataset does not support IterableDataset"):
        ConcatDataset([[1, 2], SizedStream()])
