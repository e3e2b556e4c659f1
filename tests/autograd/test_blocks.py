"""autograd.blocks.in_blocks: cache-sized slices of equally shaped arrays."""
import numpy as np
import pytest

import autograd.blocks

SHAPE = (5, 7)  # 35 elements: blocks of 4 leave a tail of 3


def test_blocks_cover_every_element_once(monkeypatch):
    monkeypatch.setattr(autograd.blocks, "BLOCK", 4)
    w, g = np.zeros(SHAPE), np.arange(35.0).reshape(SHAPE)
    pieces = list(autograd.blocks.in_blocks(w, g, None))
    assert [len(p[0]) for p in pieces] == [4] * 8 + [3]
    assert all(p[2] is None for p in pieces)
    for wb, gb, _ in pieces:
        wb += gb  # writes reach the array
    np.testing.assert_array_equal(w, g)


def test_more_than_one_block_is_split(monkeypatch):
    monkeypatch.setattr(autograd.blocks, "BLOCK", 4)
    pieces = list(autograd.blocks.in_blocks(np.zeros(5), np.zeros(5)))
    assert [len(p[0]) for p in pieces] == [4, 1]


@pytest.mark.parametrize("arrays", [
    (np.zeros(4), np.zeros(4)),                       # small: one block
    (np.zeros((40, 2)).T, np.zeros((2, 40))),         # a strided view
    (np.zeros(40), np.zeros(41)),                     # unequal shapes
    (np.zeros(40), np.broadcast_to(np.zeros(1), 40)), # a broadcast gradient
], ids=["small", "strided", "unequal", "broadcast"])
def test_arrays_that_cannot_be_blocked_come_back_whole(arrays, monkeypatch):
    monkeypatch.setattr(autograd.blocks, "BLOCK", 4)
    (pieces,) = list(autograd.blocks.in_blocks(*arrays))
    assert all(p is a for p, a in zip(pieces, arrays))
