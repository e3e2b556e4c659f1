"""Keras' BackupAndRestore, ProgbarLogger, SwapEMAWeights and RemoteMonitor callbacks."""
import http.server
import json
import os
import threading
import urllib.parse
import zipfile

import numpy as np
import pytest

import nn.keras as keras
from nn.keras import layers, optimizers

rng = np.random.default_rng(0)
X = rng.standard_normal((40, 4)).astype(np.float32)
Y = (X @ np.array([[1.0], [-2.0], [0.5], [3.0]], np.float32) + 0.3).astype(np.float32)


def _model(optimizer=None):
    np.random.seed(0)
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8, activation="tanh"),
                              layers.Dense(1)])
    model.compile(optimizer=optimizer or optimizers.Adam(0.01), loss="mse")
    return model


def _weights(model):
    return [w.copy() for w in model.get_weights()]


def _params(model):
    return [p.data.copy() for p in model.trainable_weights]


class Interrupt(keras.callbacks.Callback):
    """Raises at a given epoch and batch: a crash in the middle of fit."""

    def __init__(self, epoch, batch=0):
        self.at = (epoch, batch)
        self.epoch = None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            raise RuntimeError("interrupted")


def _fit(model, callbacks, epochs=6):
    return model.fit(X, Y, batch_size=8, epochs=epochs, shuffle=False, verbose=0,
                     callbacks=callbacks)


# ----- BackupAndRestore -----
def test_a_fit_interrupted_mid_epoch_resumes_to_the_uninterrupted_weights(tmp_path):
    whole = _model()
    _fit(whole, [])
    model, backup = _model(), keras.callbacks.BackupAndRestore(tmp_path / "backup")
    with pytest.raises(RuntimeError, match="interrupted"):
        _fit(model, [backup, Interrupt(epoch=3, batch=2)])
    assert os.listdir(tmp_path / "backup") == ["latest.rungrad-state"]
    resumed = _model()  # (a new process: fresh weights, fresh optimizer state)
    history = _fit(resumed, [backup])
    assert len(history.history["loss"]) == 3  # epochs 3, 4 and 5
    for ours, theirs in zip(_weights(resumed), _weights(whole)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)
    assert not os.path.exists(tmp_path / "backup")  # delete_checkpoint, the folder empty


def test_the_backup_holds_the_optimizer_state_and_the_epoch(tmp_path):
    model = _model()
    _fit(model, [keras.callbacks.BackupAndRestore(tmp_path, delete_checkpoint=False)], 2)
    restored = _model()
    with pytest.raises(RuntimeError):  # restores, then stops at once
        _fit(restored, [keras.callbacks.BackupAndRestore(tmp_path), Interrupt(2)], 4)
    for ours, theirs in zip(_weights(restored), _weights(model)):
        np.testing.assert_array_equal(ours, theirs)
    assert restored.optimizer.iterations == model.optimizer.iterations == 10
    for p, q in zip(restored.trainable_weights, model.trainable_weights):
        np.testing.assert_array_equal(restored.optimizer.state[p]["exp_avg"],
                                      model.optimizer.state[q]["exp_avg"])


def test_save_freq_in_batches_resumes_the_epoch_in_progress(tmp_path):
    backup = keras.callbacks.BackupAndRestore(tmp_path, save_freq=3)
    with pytest.raises(RuntimeError):
        _fit(_model(), [backup, Interrupt(epoch=1, batch=4)])
    history = _fit(_model(), [backup])
    assert len(history.history["loss"]) == 5  # epoch 1 again, from its first batch


def test_double_checkpoint_falls_back_to_the_previous_backup(tmp_path):
    backup = keras.callbacks.BackupAndRestore(tmp_path, double_checkpoint=True)
    with pytest.raises(RuntimeError):
        _fit(_model(), [backup, Interrupt(epoch=3)])
    assert sorted(os.listdir(tmp_path)) == ["latest.rungrad-state",
                                            "latest.rungrad-state.bkp"]
    (tmp_path / "latest.rungrad-state").write_bytes(b"PK\x03\x04 damaged")
    history = _fit(_model(), [backup])
    assert len(history.history["loss"]) == 4  # the previous backup: after epoch 1


def test_a_damaged_backup_without_a_previous_one_is_an_error(tmp_path):
    (tmp_path / "latest.rungrad-state").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="latest.rungrad-state is damaged"):
        _fit(_model(), [keras.callbacks.BackupAndRestore(tmp_path)])


def test_a_backup_loads_no_pickle(tmp_path):
    path = tmp_path / "latest.rungrad-state"
    _fit(_model(), [keras.callbacks.BackupAndRestore(tmp_path, delete_checkpoint=False)], 1)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    assert json.loads(members["state.json"])["epoch"] == 1
    members["arrays/0.npy"] = _pickled_npy()  # an object array: unpickling would run code
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ValueError, match="BackupAndRestore: .*damaged"):
        _fit(_model(), [keras.callbacks.BackupAndRestore(tmp_path)], 1)


def _pickled_npy():
    import io
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"x": 1}], dtype=object), allow_pickle=True)
    return buffer.getvalue()


def test_backup_and_restore_arguments_are_checked(tmp_path):
    with pytest.raises(ValueError, match="backup_dir is empty"):
        keras.callbacks.BackupAndRestore("")
    with pytest.raises(ValueError, match="save_freq"):
        keras.callbacks.BackupAndRestore(tmp_path, save_freq="batch")
    assert keras.callbacks.BackupAndRestore(tmp_path, save_freq=False).save_freq is False


def test_an_unbuilt_model_cannot_take_a_backup(tmp_path):
    _fit(_model(), [keras.callbacks.BackupAndRestore(tmp_path, delete_checkpoint=False)], 1)
    lazy = keras.Sequential([layers.Dense(1)])
    lazy.compile(optimizer="adam", loss="mse")
    with pytest.raises(ValueError, match="is not built"):
        _fit(lazy, [keras.callbacks.BackupAndRestore(tmp_path)], 1)


# ----- ProgbarLogger -----
def test_fits_own_progress_is_printed_by_a_progbar_logger(capsys, monkeypatch):
    printers = []
    shown = keras.callbacks.ProgbarLogger.on_epoch_end
    monkeypatch.setattr(keras.callbacks.ProgbarLogger, "on_epoch_end", lambda self, *a: (
        printers.append(self), shown(self, *a)))
    _model().fit(X, Y, epochs=2, verbose=2)
    printed = capsys.readouterr().out.splitlines()
    assert len(printers) == 2 and printers[0] is printers[1]
    assert len(printed) == 2 and printed[1].startswith("Epoch 2/2 - ")
    assert " - loss: " in printed[1]


def test_a_given_progbar_logger_replaces_fits_own(capsys):
    model = _model()
    model.fit(X, Y, epochs=2, verbose=2, callbacks=[keras.callbacks.ProgbarLogger()])
    assert len(capsys.readouterr().out.splitlines()) == 2  # one logger, not two
    model.fit(X, Y, epochs=2, verbose=0, callbacks=[keras.callbacks.ProgbarLogger()])
    assert capsys.readouterr().out == ""  # verbose=0 silences it, as in Keras
    with pytest.raises(TypeError):
        keras.callbacks.ProgbarLogger(count_mode="steps")  # (Keras 3 takes no arguments)


# ----- SwapEMAWeights -----
def _ema_model():
    return _model(optimizers.SGD(0.05, use_ema=True, ema_momentum=0.5))


def test_validation_runs_on_the_averages_and_training_on_the_weights():
    plain, swapped = _ema_model(), _ema_model()
    kwargs = {"batch_size": 8, "epochs": 3, "shuffle": False, "verbose": 0,
              "validation_data": (X, Y)}
    ours = swapped.fit(X, Y, callbacks=[keras.callbacks.SwapEMAWeights()], **kwargs).history
    theirs = plain.fit(X, Y, **kwargs).history
    np.testing.assert_allclose(ours["loss"], theirs["loss"], rtol=1e-6)  # training unchanged
    assert not np.allclose(ours["val_loss"], theirs["val_loss"])
    # the last val_loss is the averaged model's: the one fit leaves in the model
    np.testing.assert_allclose(ours["val_loss"][-1], swapped.evaluate(X, Y, verbose=0),
                               rtol=1e-5)
    for a, b in zip(_weights(swapped), _weights(plain)):
        np.testing.assert_array_equal(a, b)


def test_evaluate_and_predict_swap_back_after_themselves():
    model = _ema_model()
    model.fit(X, Y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    for p in model.trainable_weights:
        model.optimizer.state[p]["average"][...] = 0.0
    before = _weights(model)
    swap = keras.callbacks.SwapEMAWeights()
    np.testing.assert_allclose(model.predict(X, verbose=0, callbacks=[swap]), 0.0)
    assert model.evaluate(X, Y, verbose=0, callbacks=[swap]) == pytest.approx(
        float(np.mean(Y ** 2)), rel=1e-5)
    for a, b in zip(_weights(model), before):
        np.testing.assert_array_equal(a, b)


def test_swap_on_epoch_shows_the_averages_to_later_callbacks_and_ends_with_them():
    seen = []
    record = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: seen.append(_params(swapped)))
    swapped, plain = _ema_model(), _ema_model()
    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=1e9)
    _fit(swapped, [keras.callbacks.SwapEMAWeights(swap_on_epoch=True), record, stop])
    averages = []
    _fit(plain, [keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: averages.append(
        [plain.optimizer.state[p]["average"].copy() for p in plain.trainable_weights]))])
    for a, b in zip(seen[0], averages[0]):
        np.testing.assert_array_equal(a, b)
    assert len(seen) == 2
    for a, b in zip(_params(swapped), seen[-1]):  # stopped early: still the averages
        np.testing.assert_array_equal(a, b)


def test_swap_ema_weights_needs_use_ema():
    with pytest.raises(ValueError, match="use_ema=True"):
        _fit(_model(), [keras.callbacks.SwapEMAWeights()], 1)


# ----- RemoteMonitor -----
class _Recorder(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, self.headers["Content-Type"],
                              self.headers.get("X-Run"), body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Recorder.received = []
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", _Recorder.received
    httpd.shutdown()
    httpd.server_close()


def test_remote_monitor_posts_each_epochs_logs_as_a_form_field(server):
    root, received = server
    _fit(_model(), [keras.callbacks.RemoteMonitor(root=root, headers={"X-Run": "7"})], 2)
    assert [r[:3] for r in received] == [("/publish/epoch/end/",
                                          "application/x-www-form-urlencoded", "7")] * 2
    sent = json.loads(urllib.parse.parse_qs(received[1][3].decode())["data"][0])
    assert sent["epoch"] == 1 and isinstance(sent["loss"], float)


def test_remote_monitor_sends_json_bodies(server):
    root, received = server
    _fit(_model(), [keras.callbacks.RemoteMonitor(root, "/logs", send_as_json=True)], 1)
    path, kind, _, body = received[0]
    assert (path, kind) == ("/logs", "application/json")
    assert set(json.loads(body)) == {"epoch", "loss"}


def test_an_unreachable_monitor_warns_and_training_goes_on(server):
    root, _ = server
    monitor = keras.callbacks.RemoteMonitor(root, "/nowhere", timeout=5)
    _Recorder.do_POST = _refuse
    try:
        with pytest.warns(UserWarning, match="Could not reach RemoteMonitor root server"):
            history = _fit(_model(), [monitor], 1)
    finally:
        del _Recorder.do_POST
    assert len(history.history["loss"]) == 1


def _refuse(handler):
    handler.send_response(500)
    handler.end_headers()


def test_remote_monitor_arguments_are_checked():
    with pytest.raises(ValueError, match="root must be an http"):
        keras.callbacks.RemoteMonitor(root="localhost:9000")
    with pytest.raises(ValueError, match="timeout"):
        keras.callbacks.RemoteMonitor(timeout=0)
