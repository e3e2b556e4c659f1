"""WeakIdentitySet: a set that holds its members weakly and compares them by identity.

weakref.WeakSet compares members with ==, which Variables answer elementwise (an array, as
NumPy's and PyTorch's arrays do), so it cannot hold them; this one keys them by id()."""
import threading
import weakref


class WeakIdentitySet:
    """add, discard, `in`, iteration, len and truth over live members. Dead members are
    skipped, and their entries dropped whenever the table has doubled since the last sweep
    (plain refs without callbacks: adding is one C call, as a view op makes one each).

    Shared by threads (GradWatch.hooked_leaves: one thread's backward reads it while
    another registers a hook): readers walk a snapshot of the table, taken in one C call,
    and writers hold a lock, so that a sweep's new table loses no member added meanwhile."""

    __slots__ = ("_refs", "_sweep_at", "_writing")

    def __init__(self, items=()):
        self._refs, self._sweep_at, self._writing = {}, 8, threading.Lock()
        for item in items:
            self.add(item)

    def add(self, item):
        key = id(item)
        with self._writing:
            ref = self._refs.get(key)
            if ref is None or ref() is not item:  # new, or a dead member's id reused
                self._refs[key] = weakref.ref(item)
                if len(self._refs) > self._sweep_at:
                    self._sweep()

    def discard(self, item):
        with self._writing:
            if item in self:
                del self._refs[id(item)]

    def __contains__(self, item):
        ref = self._refs.get(id(item))
        return ref is not None and ref() is item

    def __iter__(self):
        for ref in list(self._refs.values()):
            item = ref()
            if item is not None:
                yield item

    def __len__(self):
        return sum(1 for _ in self)

    def __bool__(self):  # read by every backward (hooked leaves): the empty case is fast
        # (a snapshot: iterating the table itself fails once another thread adds to it)
        return bool(self._refs) and any(ref() is not None for ref in list(self._refs.values()))

    def _sweep(self):
        self._refs = {key: ref for key, ref in list(self._refs.items()) if ref() is not None}
        self._sweep_at = max(8, 2 * len(self._refs))


__all__ = ["WeakIdentitySet"]
