"""Views taken in several threads share their base's version all the same."""
import threading

import numpy as np
import pytest

from autograd import Variable, no_grad
from autograd import variable as variable_module


def _first_lookups_meet(monkeypatch, parties):
    """Make each thread's first look for a base's group wait until every thread has looked
    (and found none): the interleaving that lost a group, forced."""
    barrier = threading.Barrier(parties, timeout=30)  # (a broken barrier fails, never hangs)
    looked = threading.local()
    group_of = variable_module._group_of

    def meeting(var):
        group = group_of(var)
        if not getattr(looked, "once", False):
            looked.once = True
            barrier.wait()
        return group
    monkeypatch.setattr(variable_module, "_group_of", meeting)


def _in_threads(count, work):
    """work(k) in `count` threads at once; their results, or their first error raised."""
    results, errors = [None] * count, []

    def run(k):
        try:
            results[k] = work(k)
        except BaseException as exc:  # noqa: BLE001  (raised again in the test's thread)
            errors.append(exc)
    threads = [threading.Thread(target=run, args=(k,)) for k in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def test_first_views_taken_at_once_in_two_threads_both_see_a_write_through_the_base(
        monkeypatch):
    """Both threads found no group and each made one; the later overwrote the base's entry,
    so a write through the base left the first thread's view unstamped and backward used
    the new values without a word (up to 37 views in 5,000 rounds of 4 threads, unforced)."""
    base = Variable(np.ones((2, 3)), requires_grad=False)
    _first_lookups_meet(monkeypatch, 2)
    views = _in_threads(2, lambda k: base[k])
    monkeypatch.undo()
    losses = []
    for view in views:
        view.requires_grad = True
        losses.append((view * view).sum())
    with no_grad():
        base.add_(1.0)
    for loss in losses:
        with pytest.raises(RuntimeError, match="modified in place"):
            loss.backward()


class _TableWithAWindow(dict):
    """The views table, running `meanwhile` right after an entry is deleted: in the window
    where a dying view has left the table but not yet its group."""

    def __init__(self, entries, meanwhile):
        super().__init__(entries)
        self.meanwhile = meanwhile

    def __delitem__(self, key):
        super().__delitem__(key)
        self.meanwhile()


def test_an_in_place_change_while_a_view_dies_in_another_thread(monkeypatch):
    """The write walked the group and looked up each member's entry: one that had just left
    raised KeyError out of add_ (after 600 to 5,400 writes beside a thread making and dropping
    views). The other thread's write is run inside that window here."""
    base = Variable(np.ones((2, 3)), requires_grad=False)
    kept, dying = base[0], base[1]
    kept.requires_grad = True
    loss = (kept * kept).sum()
    errors = []

    def write_through_the_base():
        try:
            with no_grad():
                base.add_(1.0)
        except Exception as exc:  # noqa: BLE001  (a weakref callback's error is only printed)
            errors.append(exc)
    table = _TableWithAWindow(variable_module._view_groups, write_through_the_base)
    monkeypatch.setattr(variable_module, "_view_groups", table)
    del dying
    assert errors == []
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()  # the write reached the live view
