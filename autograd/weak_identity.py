"""WeakIdentitySet: a set that holds its members weakly and compares them by identity.

weakref.WeakSet compares members with ==, which Variables answer elementwise (an array, as
NumPy's and PyTorch's arrays do), so it cannot hold them; this one keys them by id()."""
import weakref


class WeakIdentitySet:
    """add, discard, `in`, iteration, len and truth over live members. Dead members are
    skipped, and their entries dropped whenever the table has doubled since the last sweep
    (plain refs without callbacks: adding is one C call, as a view op makes one each)."""

    __slots__ = ("_refs", "_sweep_at")

    def __init__(self, items=()):
        self._refs, self._sweep_at = {}, 8
        for item in items:
            self.add(item)

    def add(self, item):
        key = id(item)
        ref = self._refs.get(key)
        if ref is None or ref() is not item:  # new, or a dead member's id reused
            self._refs[key] = weakref.ref(item)
            if len(self._refs) > self._sweep_at:
                self._sweep()

    def discard(self, item):
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
        return bool(self._refs) and any(ref() is not None for ref in self._refs.values())

    def _sweep(self):
        self._refs = {key: ref for key, ref in self._refs.items() if ref() is not None}
        self._sweep_at = max(8, 2 * len(self._refs))


__all__ = ["WeakIdentitySet"]
