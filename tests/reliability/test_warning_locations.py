"""rungrad's warnings name the user's line, whatever the path into the library (a counted
stacklevel named a line inside it: model.save's fallback warning pointed at nn/module.py)."""
import gc
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from nn import keras


def _locations(call):
    """{(file, category)} of the warnings `call` raises. A ResourceWarning is the garbage
    collector's, about an object an earlier test left unclosed, raised at whatever line
    runs when it collects (a CI run saw one inside autograd/capture_reads.py): not one of
    rungrad's warnings, so left out (and earlier garbage is collected first)."""
    gc.collect()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    caught = [w for w in caught if not issubclass(w.category, ResourceWarning)]
    assert caught, "no warning was raised"
    return {(w.filename, w.category) for w in caught}


def _unwritable_model():
    """A Keras model Keras' format is not written for here (its .keras falls back)."""
    return keras.Sequential([keras.Input((3, 4, 3)), keras.layers.Equalization()])


def _detached_capture():
    """A captured forward alone, called until it replays (it warns then)."""
    weight = ag.Variable(np.ones(2), requires_grad=True)
    step = ag.capture(lambda x: x * weight)
    for _ in range(3):
        step(np.ones(2))


@pytest.mark.parametrize("call", [
    lambda tmp: _unwritable_model().save(tmp / "a.keras"),
    lambda tmp: keras.saving.save_model(_unwritable_model(), tmp / "b.keras"),
    lambda tmp: F.gumbel_softmax(ag.Variable(np.zeros((2, 3))), eps=1e-3),
    lambda tmp: ag.var(ag.Variable(np.ones(1)), ddof=1),
    lambda tmp: _detached_capture(),
    lambda tmp: nn.init.trunc_normal_(ag.Variable(np.zeros(3)), mean=4.5),
], ids=["model.save", "save_model", "gumbel_softmax", "var", "capture", "trunc_normal_"])
def test_a_warning_names_the_line_that_called_rungrad(call, tmp_path):
    for filename, category in _locations(lambda: call(tmp_path)):
        assert filename == __file__, f"{category.__name__} attributed to {filename}"


def test_a_warning_with_no_frame_outside_rungrad_names_its_caller(monkeypatch):
    """Where every frame is rungrad's (a DataLoader worker thread's stack), the warning names
    the line that raised it, not a place past the stack's end."""
    from autograd import user_warnings
    monkeypatch.setattr(user_warnings, "_OWN", ("",))  # (every file counts as rungrad's)
    assert _locations(lambda: user_warnings.user_warning("w")) == {(__file__, UserWarning)}
