"""WeakIdentitySet: a set that holds its members weakly and compares them by identity.

weakref.WeakSet compares members with ==, which Variables answer elementwise (an array, as
NumPy's and PyTorch's arrays do), so it cannot hold them; this one keys them by id()."""
import weakref


class WeakIdentitySet:
    """add, discard, `in`, iteration, len and truth over live members; a member that dies
    drops out by itself."""

    __slots__ = ("_refs", "__weakref__")

    def __init__(self, items=()):
        self._refs = {}
        for item in items:
            self.add(item)

    def add(self, item):
        key = id(item)
        if key not in self._refs:
            this = weakref.ref(self)
            self._refs[key] = weakref.ref(item, lambda ref, key=key: _drop(this, key, ref))

    def discard(self, item):
        ref = self._refs.get(id(item))
        if ref is not None and ref() is item:
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

    def __bool__(self):
        return any(ref() is not None for ref in self._refs.values())


def _drop(this, key, ref):
    """A member died: forget its entry (unless the id was reused by a newer member)."""
    members = this()
    if members is not None and members._refs.get(key) is ref:
        del members._refs[key]


__all__ = ["WeakIdentitySet"]
