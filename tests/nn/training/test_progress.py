"""Progress output: a line per epoch, clean text off a terminal, a tqdm bar on one."""
import io
import re
import sys

import numpy as np
import pytest

import nn
from nn.training import progress

from ._helpers import blobs

LINE = re.compile(r"^Epoch (\d+)/3 - (?:\d+\.\ds|\d+ms) - loss: \d+\.\d{4} - accuracy: \d\.\d{4} - "
                  r"val_loss: \d+\.\d{4} - val_accuracy: \d\.\d{4}$")


def fit(verbose, epochs=3):
    x, y = blobs()
    np.random.seed(0)
    model = nn.Sequential(nn.Linear(4, 3))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=epochs, batch_size=16, validation_split=0.2, verbose=verbose)


def assert_clean_epoch_lines(out):
    assert "\r" not in out and "\x1b" not in out
    lines = out.splitlines()
    assert [LINE.match(line).group(1) for line in lines] == ["1", "2", "3"]


@pytest.mark.parametrize("verbose", [2, 1, "auto"])
def test_off_a_terminal_each_epoch_is_one_clean_line(capsys, verbose):
    fit(verbose)  # pytest's captured stdout is not a terminal
    captured = capsys.readouterr()
    assert_clean_epoch_lines(captured.out)
    assert captured.err == ""


def test_verbose_0_is_silent(capsys):
    fit(0)
    assert capsys.readouterr() == ("", "")


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_on_a_terminal_verbose_1_draws_a_tqdm_bar(monkeypatch):
    pytest.importorskip("tqdm")
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    fit(1)
    out = terminal.getvalue()
    assert "\r" in out and "Epoch 3/3 0/6 |" in out and "val_accuracy: " in out


def test_on_a_narrow_terminal_each_epoch_keeps_its_whole_line(monkeypatch):
    """tqdm cuts a bar at the terminal's width: the line kept for an epoch must not be it
    (at 80 columns the validation metrics were cut off)."""
    pytest.importorskip("tqdm")
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setattr(progress, "_bar_size", lambda stream: {"ncols": 80, "nrows": 24})
    fit(1)
    kept = [line.rpartition("\r")[2] for line in terminal.getvalue().split("\n")]
    assert_clean_epoch_lines("\n".join(line for line in kept if line))


def test_on_a_terminal_without_tqdm_lines_are_printed(monkeypatch):
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setitem(sys.modules, "tqdm", None)  # `import tqdm` now fails
    fit(1)
    assert_clean_epoch_lines(terminal.getvalue())
