"""Updates done block by block (autograd.blocks) equal the whole-array updates, bit for bit."""
import numpy as np
import pytest

import autograd.blocks
import optim
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


# (Rprop's and ASGD's own cases: their rules are checked against PyTorch's alone)
BLOCKED = CASES + [("Rprop", dict(lr=0.05)), ("ASGD", dict(lr=0.05, t0=2, weight_decay=0.1))]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name,hp", BLOCKED, ids=case_ids(BLOCKED))
def test_blocked_update_equals_whole(name, hp, dtype, monkeypatch):
    whole = _trajectory(name, hp, dtype)
    monkeypatch.setattr(autograd.blocks, "BLOCK", 4)
    blocked = _trajectory(name, hp, dtype)
    for a, b in zip(blocked, whole):
        np.testing.assert_array_equal(a, b)
