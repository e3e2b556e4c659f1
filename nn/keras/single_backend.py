"""The `keras.config` settings that choose among Keras' machinery which rungrad has one
way only: the backend (rungrad itself), JAX's NNX (never), traceback filtering (never:
tracebacks are always whole) and unsafe deserialization (never: loading runs no code).
A request for what rungrad cannot do is refused or warned about, never ignored."""
from autograd.user_warnings import user_warning

BACKEND = "rungrad"


def backend():
    """The backend's name: 'rungrad' (rungrad is its own, single backend; Keras says
    'tensorflow', 'jax', 'torch' or 'numpy')."""
    return BACKEND


def set_backend(backend):
    """Keras' set_backend: 'rungrad' is taken (nothing to change); any other backend is
    refused, as rungrad computes with its own NumPy engine only."""
    if backend != BACKEND:
        raise ValueError(f"set_backend: rungrad has one backend, {BACKEND!r}; it cannot "
                         f"switch to {backend!r} (run the code under real Keras for that)")


def is_nnx_enabled():
    """False: JAX's NNX is a JAX backend mode, which rungrad does not have."""
    return False


def enable_traceback_filtering():
    """Keras hides its own frames from tracebacks; rungrad never does (its errors name
    the layer and argument instead), so this warns and changes nothing."""
    user_warning("enable_traceback_filtering: rungrad does not filter tracebacks; they "
                 "stay whole")


def disable_traceback_filtering():
    """Keras' switch to whole tracebacks: rungrad's always are (nothing to change)."""


def is_traceback_filtering_enabled():
    """False: rungrad never filters tracebacks."""
    return False


def enable_unsafe_deserialization():
    """A no-op with a warning: Keras' switch lets loading run the bytecode a file holds (a
    Lambda layer's function, a lambda); rungrad never runs code from a file, so what needs
    it (such a layer) still fails to load, naming what to rebuild in code."""
    user_warning("enable_unsafe_deserialization: rungrad never runs code from a saved "
                 "file, whatever this says; a Lambda layer or lambda in a file still "
                 "cannot be loaded (rebuild it in code and register it)")


__all__ = ["backend", "set_backend", "is_nnx_enabled", "enable_traceback_filtering",
           "disable_traceback_filtering", "is_traceback_filtering_enabled",
           "enable_unsafe_deserialization"]
