"""Updates done block by block (optim.blocks) equal the whole-array updates, bit for bit."""
import numpy as np
import pytest

import optim
import optim.blocks
from autograd import Parameter

from ._helpers import CASES, case_ids, set_grad

SHAPE = (5, 7)  # 35 elements: blocks of 4 leave a tail of 3


def _trajectory(name, hp, dtype, steps=6):
    rng = np.random.default_rng(0)
    params = [Parameter(rng.normal(size=SHAPE).astype(dtype)), Parameter(rng.normal(size=3))]
    opt = getattr(optim, name)(params, **hp)
    for _ in range(steps):
        for p in params:
            set_grad(p, rng.normal(size=p.shape))
        opt.step()
    return [p.data.copy() for p in params]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name,hp", CASES, ids=case_ids(CASES))
def test_blocked_update_equals_whole(name, hp, dtype, monkeypatch):
    whole = _trajectory(name, hp, dtype)
    monkeypatch.setattr(optim.blocks, "BLOCK", 4)
    blocked = _trajectory(name, hp, dtype)
    for a, b in zip(blocked, whole):
        np.testing.assert_array_equal(a, b)


def test_blocks_cover_every_element_once(monkeypatch):
    monkeypatch.setattr(optim.blocks, "BLOCK", 4)
    w, g = np.zeros(SHAPE), np.arange(35.0).reshape(SHAPE)
    pieces = list(optim.blocks.in_blocks(w, g, None))
    assert [len(p[0]) for p in pieces] == [4] * 8 + [3]
    assert all(p[2] is None for p in pieces)
    for wb, gb, _ in pieces:
        wb += gb  # writes reach the array
    np.testing.assert_array_equal(w, g)


@pytest.mark.parametrize("arrays", [
    (np.zeros(15), np.zeros(15)),                     # small: under 4 blocks
    (np.zeros((40, 2)).T, np.zeros((2, 40))),         # a strided view
    (np.zeros(40), np.zeros(41)),                     # unequal shapes
    (np.zeros(40), np.broadcast_to(np.zeros(1), 40)), # a broadcast gradient
], ids=["small", "strided", "unequal", "broadcast"])
def test_arrays_that_cannot_be_blocked_come_back_whole(arrays, monkeypatch):
    monkeypatch.setattr(optim.blocks, "BLOCK", 4)
    (pieces,) = list(optim.blocks.in_blocks(*arrays))
    assert all(p is a for p, a in zip(pieces, arrays))
