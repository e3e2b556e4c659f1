"""The per-thread scopes of a call: custom_object_scope's custom objects (nn.layers.config)
and the top-level call that call-time losses belong to (nn.call_losses)."""
import threading

import pytest

from nn.call_losses import CallLosses, top_level_call
from nn.layers.config import custom_object_scope, lookup


class Custom:
    pass


def in_thread(function):
    """function() run in a new thread, its result (or its exception raised here)."""
    results = []
    thread = threading.Thread(target=lambda: results.append(function()))
    thread.start()
    thread.join()
    assert results, "the thread raised"
    return results[0]


def test_a_custom_object_scope_is_seen_by_its_own_thread_only():
    with custom_object_scope({"Custom": Custom}):
        assert lookup("Custom", type) is Custom
        assert in_thread(lambda: lookup("Custom", type)) is None
        with custom_object_scope({"Custom": int}):  # (the innermost first)
            assert lookup("Custom", type) is int
        assert lookup("Custom", type) is Custom
    assert lookup("Custom", type) is None


def test_a_top_level_call_starts_the_losses_afresh_only_at_the_outermost_call():
    losses = CallLosses()
    with top_level_call():
        losses.add(1)
        with top_level_call():  # (an inner layer's call: the same top-level call)
            losses.add(2)
        assert losses.current() == [1, 2]
        assert in_thread(losses.current) == []  # (another thread's calls are its own)
    assert losses.current() == [1, 2]  # (until the next top-level call)
    with pytest.raises(RuntimeError), top_level_call():
        losses.add(3)
        raise RuntimeError
    with top_level_call():  # (the failed call ended: this one is a new top-level call)
        assert losses.current() == []
