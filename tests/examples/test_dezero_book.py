"""The DeZero book's steps written for rungrad (examples/dezero_book): each script runs and
its assertions (the book's printed values, or the quality it reaches) hold."""
import pathlib
import runpy
import sys

import numpy as np
import pytest

import autograd as ag

BOOK = pathlib.Path(__file__).resolve().parents[2] / "examples" / "dezero_book"
SCRIPTS = sorted(BOOK.glob("step*.py"))


def test_the_steps_are_there():
    assert len(SCRIPTS) >= 35


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.stem)
def test_step(script, monkeypatch, capsys):
    monkeypatch.syspath_prepend(str(BOOK))           # as `python step24_...py` would have it
    monkeypatch.setattr(sys, "argv", [str(script)])
    state = np.random.get_state()
    try:
        runpy.run_path(str(script), run_name="__main__")
    finally:
        np.random.set_state(state)                   # the scripts seed NumPy's global generator
    assert ag.Config.enable_backprop and ag.Config.train   # no mode left switched
