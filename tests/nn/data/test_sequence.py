"""SequenceLoader: parallel streams and bptt windows."""

import numpy as np
import pytest

from nn.data import SequenceLoader


def test_streams_windows_and_next_step_targets():
    loader = SequenceLoader(np.arange(21), batch_size=4, bptt=3)
    # 20 (x, y) pairs -> 4 streams of 5 steps -> windows of 3 and 2 steps
    assert loader.steps == 5 and len(loader) == 2
    windows = list(loader)
    assert [x.shape for x, _ in windows] == [(3, 4), (2, 4)]
    x = np.concatenate([w[0] for w in windows])  # (time, stream)
    y = np.concatenate([w[1] for w in windows])
    np.testing.assert_array_equal(x, np.arange(20).reshape(4, 5).T)
    np.testing.assert_array_equal(y, x + 1)


def test_batch_first_drop_last_and_features():
    series = np.arange(40, dtype=np.float32).reshape(20, 2)
    loader = SequenceLoader(series, batch_size=3, bptt=4, batch_first=True,
                            drop_last=True)
    # 19 pairs -> 3 streams of 6 steps -> one full window of 4
    assert len(loader) == 1
    (x, y), = list(loader)
    assert x.shape == (3, 4, 2)
    np.testing.assert_array_equal(x[1, 0], series[6])
    np.testing.assert_array_equal(y[1, 0], series[7])


def test_explicit_targets():
    x = np.arange(8)
    loader = SequenceLoader(x, batch_size=2, bptt=4, targets=-x)
    (xb, yb), = list(loader)
    np.testing.assert_array_equal(yb, -xb)
    with pytest.raises(ValueError, match=r"\(8,\).*\(7,\)"):
        SequenceLoader(x, targets=x[:-1])


def test_too_short_or_bad_sizes():
    with pytest.raises(ValueError, match="streams"):
        SequenceLoader(np.arange(3), batch_size=5)
    with pytest.raises(ValueError, match="bptt"):
        SequenceLoader(np.arange(10), bptt=0)
