"""Whether a class or function is rungrad's own or a user's: errors, captures and saved
configs treat the two apart (a user's traceback kept, a user's globals watched, a user's
model configured by its arguments)."""

_PACKAGES = frozenset({"autograd", "nn", "optim"})


def rungrads_own(obj):
    """Whether the class or function `obj` is defined in autograd, nn or optim."""
    return (getattr(obj, "__module__", None) or "").partition(".")[0] in _PACKAGES


__all__ = ["rungrads_own"]
