"""SequenceLoader's switches are booleans, as DataLoader's drop_last is: a truthy string
("no", "False") would drop the last window or swap the axes without a word; data that
forms no array of time steps is named."""
import numpy as np
import pytest

from nn.data import SequenceLoader


@pytest.mark.parametrize("name", ["drop_last", "batch_first"])
@pytest.mark.parametrize("bad", ["no", 1, None])
def test_switches_must_be_booleans(name, bad):
    with pytest.raises(ValueError, match=f"SequenceLoader: {name} should be a boolean value"):
        SequenceLoader(np.arange(10), batch_size=2, bptt=3, **{name: bad})


def test_ragged_data_is_named():
    with pytest.raises(ValueError, match=r"SequenceLoader: data .*does not form an array"):
        SequenceLoader([[1, 2], [3]], batch_size=1)
