"""WeakIdentitySet holds Variables (whose == is elementwise) weakly, by identity."""
import gc
import threading
import weakref

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


class _Paused(weakref.ref):
    """A dead member's reference that, when read, lets another thread act before it answers."""

    def __call__(self):
        self.reached.set()
        self.resume.wait()
        return None


def _read_while_another_thread_adds(read):
    """read(members) in a thread that pauses at a dead member while this thread adds one."""
    members, holder = WeakIdentitySet(), Variable(np.zeros(1))
    paused = _Paused(holder)
    paused.reached, paused.resume = threading.Event(), threading.Event()
    members._refs[-1] = paused  # (first in the table: the read meets it first)
    late = Variable(np.zeros(1))
    members.add(late)
    answers, errors = [], []

    def reading():
        try:
            answers.append(read(members))
        except RuntimeError as exc:  # dictionary changed size during iteration
            errors.append(exc)
        finally:
            paused.reached.set()

    thread = threading.Thread(target=reading)
    thread.start()
    paused.reached.wait()
    added = Variable(np.zeros(1))
    members.add(added)
    paused.resume.set()
    thread.join()
    return errors, answers, members, (late, added)


def test_a_backward_reading_the_hooked_leaves_survives_another_thread_hooking_one():
    # (GradWatch.hooked_leaves: every backward asks whether it is empty, while another
    # thread may register a hook on a leaf of its own)
    errors, answers, members, alive = _read_while_another_thread_adds(bool)
    assert errors == [] and answers == [True]
    assert all(v in members for v in alive)

