"""WeakIdentitySet holds Variables (whose == is elementwise) weakly, by identity."""
import gc

import numpy as np

from autograd import Variable
from autograd.weak_identity import WeakIdentitySet


def test_members_are_found_by_identity_and_drop_out_when_they_die():
    a, b = Variable(np.zeros(3)), Variable(np.zeros(3))  # equal values, different objects
    members = WeakIdentitySet([a])
    members.add(b)
    members.add(a)
    assert a in members and b in members and len(members) == 2 and members
    assert Variable(np.zeros(3)) not in members
    members.discard(a)
    assert a not in members and list(members) == [b]
    del b
    gc.collect()
    assert len(members) == 0 and not members


def test_dead_entries_are_swept_as_the_table_grows():
    members = WeakIdentitySet()
    keep = Variable(np.zeros(1))
    members.add(keep)
    for _ in range(1000):  # views made and dropped, as a long-lived base sees them
        members.add(Variable(np.zeros(1)))
    assert len(members._refs) <= 16 and list(members) == [keep]
