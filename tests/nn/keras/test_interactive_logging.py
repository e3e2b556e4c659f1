"""keras.config.disable_interactive_logging: as in Keras, fit's progress and Progbar's lines
then go through `logging` (rungrad's logger 'rungrad', at INFO) instead of stdout, in the
thread that switched it off only."""
import io
import logging
import re
import sys
import threading
import warnings

import numpy as np
import pytest

import nn.keras as keras
from nn.keras import config
from nn.keras.progbar import Progbar

EPOCH = re.compile(r"^Epoch (\d)/2 - \S+ - loss: \d+\.\d{4}$")


@pytest.fixture(autouse=True)
def _restored():
    yield
    config.enable_interactive_logging()


@pytest.fixture
def log(caplog):
    """caplog, listening to the 'rungrad' logger from INFO up."""
    caplog.set_level(logging.INFO, logger="rungrad")
    return caplog


def _fit(verbose=1):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 4)).astype("float32"), rng.integers(0, 3, size=32)
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(
        from_logits=True))
    model.fit(x, y, epochs=2, batch_size=8, verbose=verbose)


def _epochs(lines):
    return [EPOCH.match(line).group(1) for line in lines]


def test_switch_is_the_same_in_config_utils_and_below_training():
    from nn.layers import keras_settings
    for name in ("enable_interactive_logging", "disable_interactive_logging",
                 "is_interactive_logging_enabled"):
        assert getattr(config, name) is getattr(keras.utils, name)
        assert getattr(config, name) is getattr(keras_settings, name)


def test_disabling_warns_no_more():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        config.disable_interactive_logging()
    assert config.is_interactive_logging_enabled() is False


@pytest.mark.parametrize("verbose", [1, 2])
def test_enabled_fit_prints_its_epochs_and_logs_nothing(capsys, log, verbose):
    _fit(verbose)
    assert _epochs(capsys.readouterr().out.splitlines()) == ["1", "2"]
    assert log.records == []


@pytest.mark.parametrize("verbose", [1, 2])
def test_disabled_fit_logs_its_epochs_at_info_and_prints_nothing(capsys, log, verbose):
    config.disable_interactive_logging()
    _fit(verbose)
    assert capsys.readouterr().out == ""
    assert {(r.name, r.levelno) for r in log.records} == {("rungrad", logging.INFO)}
    assert _epochs(r.getMessage() for r in log.records) == ["1", "2"]


def test_disabled_fit_draws_no_bar_even_on_a_terminal(monkeypatch, log):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    config.disable_interactive_logging()
    _fit(1)
    assert terminal.getvalue() == ""
    assert _epochs(r.getMessage() for r in log.records) == ["1", "2"]


def test_the_switch_is_per_thread(capsys, log):
    def fit_quietly():
        config.disable_interactive_logging()
        _fit(2)

    thread = threading.Thread(target=fit_quietly)
    thread.start()
    thread.join()
    assert config.is_interactive_logging_enabled() is True
    assert capsys.readouterr().out == ""
    assert _epochs(r.getMessage() for r in log.records) == ["1", "2"]
    log.clear()
    _fit(2)
    assert _epochs(capsys.readouterr().out.splitlines()) == ["1", "2"]
    assert log.records == []


def test_clear_session_turns_it_back_on(capsys, log):
    config.disable_interactive_logging()
    keras.utils.clear_session()
    _fit(2)
    assert _epochs(capsys.readouterr().out.splitlines()) == ["1", "2"]


@pytest.mark.parametrize("verbose", [1, 2])
def test_disabled_progbar_logs_clean_lines(capsys, log, verbose):
    config.disable_interactive_logging()
    bar = Progbar(2, verbose=verbose, interval=0)
    bar.update(1, [("loss", 0.5)])
    bar.update(2, [("loss", 0.25)])
    assert capsys.readouterr().out == ""
    messages = [r.getMessage() for r in log.records]
    assert len(messages) == (2 if verbose == 1 else 1)
    assert all(not re.search(r"^\s|[\b\r\n]|\s$", m) for m in messages)
    assert "2/2" in messages[-1] and "loss: 0.2500" in messages[-1]


def test_callbacks_and_evaluate_messages_follow_the_switch(log, capsys):
    x = np.linspace(0, 1, 8, dtype=np.float32).reshape(8, 1)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=1e9, verbose=1)
    config.disable_interactive_logging()
    model.fit(x, x, epochs=3, verbose=0, callbacks=[stop])
    model.evaluate(x, x, verbose=1)
    assert capsys.readouterr().out == ""
    messages = [record.getMessage() for record in log.records]
    assert "Epoch 2: early stopping" in messages
    assert any(message.startswith("loss: ") for message in messages)
    config.enable_interactive_logging()
    model.evaluate(x, x, verbose=1)
    assert capsys.readouterr().out.startswith("loss: ")
