"""Callbacks: EarlyStopping, ModelCheckpoint, TerminateOnNaN, CSVLogger, learning rates."""
import csv
import math

import numpy as np
import pytest

import nn
import optim
from nn import functional as F
from nn.callbacks import (
    Callback,
    CSVLogger,
    EarlyStopping,
    LearningRateScheduler,
    ModelCheckpoint,
    ReduceLROnPlateau,
    SchedulerStep,
    TerminateOnNaN,
)

from ._helpers import ScriptedLogs, StepCounter, blobs, linear_data, mlp, same_state


def regression_model(lr=0.05):
    np.random.seed(0)
    model = nn.Sequential(nn.Linear(3, 1))
    model.compile(optimizer=optim.SGD(lr=lr), loss="mse")
    return model


def test_callback_hooks_run_in_keras_order():
    calls = []

    class Spy(Callback):
        def on_train_begin(self, logs=None):
            calls.append(("train_begin", self.params["steps"], self.params["epochs"]))

        def on_epoch_begin(self, epoch, logs=None):
            calls.append(("epoch_begin", epoch))

        def on_train_batch_begin(self, batch, logs=None):
            calls.append(("batch_begin", batch))

        def on_train_batch_end(self, batch, logs=None):
            calls.append(("batch_end", batch, sorted(logs)))

        def on_epoch_end(self, epoch, logs=None):
            calls.append(("epoch_end", epoch, sorted(logs)))

        def on_train_end(self, logs=None):
            calls.append(("train_end",))

    x, y = linear_data(6)
    model = regression_model()
    spy = Spy()
    model.fit(x, y, epochs=1, batch_size=4, callbacks=[spy], verbose=0)
    assert spy.model is model
    assert calls == [("train_begin", 2, 1), ("epoch_begin", 0), ("batch_begin", 0),
                     ("batch_end", 0, ["loss"]), ("batch_begin", 1), ("batch_end", 1, ["loss"]),
                     ("epoch_end", 0, ["loss"]), ("train_end",)]


def test_early_stopping_stops_and_restores_the_best_weights():
    x, y = linear_data()
    model = regression_model()
    script = ScriptedLogs("val_loss", [3.0, 1.0, 2.0, 2.5, 4.0, 5.0])
    stop = EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    history = model.fit(x, y, epochs=6, batch_size=8, callbacks=[script, stop], verbose=0)
    assert history.epoch == [0, 1, 2, 3]  # epochs 2 and 3 do not improve: stop after 3
    assert stop.stopped_epoch == 3 and stop.best_epoch == 1 and stop.best == 1.0
    assert same_state(model.state_dict(), script.weights[1])
    assert not same_state(model.state_dict(), script.weights[3])


def test_early_stopping_names_the_epoch_it_restores_when_nothing_improves():
    x, y = linear_data()
    model = regression_model()
    script = ScriptedLogs("val_loss", [3.0, 2.0, math.nan, math.nan, math.nan])
    stop = EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True,
                         start_from_epoch=2)
    model.fit(x, y, epochs=5, batch_size=8, callbacks=[script, stop], verbose=0)
    assert stop.stopped_epoch == 3 and stop.best_epoch == 2  # the weights it kept: epoch 2's
    assert same_state(model.state_dict(), script.weights[2])


def test_early_stopping_restores_the_best_weights_also_at_the_last_epoch():
    x, y = linear_data()
    model = regression_model()
    script = ScriptedLogs("val_loss", [3.0, 1.0, 2.0])
    stop = EarlyStopping(patience=10, restore_best_weights=True)
    model.fit(x, y, epochs=3, batch_size=8, callbacks=[script, stop], verbose=0)
    assert stop.stopped_epoch == 0
    assert same_state(model.state_dict(), script.weights[1])


def test_early_stopping_min_delta_mode_and_baseline():
    x, y = linear_data()
    model = regression_model()
    script = ScriptedLogs("val_accuracy", [0.5, 0.55, 0.56, 0.9, 0.95])
    stop = EarlyStopping(monitor="val_accuracy", min_delta=0.02, patience=1)  # auto: max
    model.fit(x, y, epochs=5, callbacks=[script, stop], verbose=0)
    assert stop.stopped_epoch == 2 and stop.best == 0.55
    for baseline, epochs in ((None, [0, 1, 2]), (0.5, [0, 1])):
        script = ScriptedLogs("val_loss", [1.0] * 5)
        stop = EarlyStopping(patience=2, baseline=baseline)  # 1.0 never beats 0.5
        assert model.fit(x, y, epochs=5, callbacks=[script, stop], verbose=0).epoch == epochs


def test_model_checkpoint_keeps_the_best(tmp_path):
    x, y = linear_data()
    model = regression_model()
    script = ScriptedLogs("val_loss", [3.0, 1.0, 2.0, 0.5, 0.7])
    best = tmp_path / "best.npz"
    check = ModelCheckpoint(best, monitor="val_loss", save_best_only=True)
    model.fit(x, y, epochs=5, callbacks=[script, check], verbose=0)
    restored = regression_model()
    restored.load_weights(best)
    assert same_state(restored.state_dict(), script.weights[3])
    assert check.best == 0.5


def test_model_checkpoint_formats_the_file_name(tmp_path):
    x, y = linear_data()
    model = regression_model()
    script = ScriptedLogs("val_loss", [3.0, 1.0])
    pattern = str(tmp_path / "ckpt" / "w-{epoch:02d}-{val_loss:.3f}.npz")
    model.fit(x, y, epochs=2, callbacks=[script, ModelCheckpoint(pattern)], verbose=0)
    assert sorted(p.name for p in (tmp_path / "ckpt").iterdir()) == ["w-01-3.000.npz",
                                                                    "w-02-1.000.npz"]
    with pytest.raises(ValueError, match="'val_acc'"):
        model.fit(x, y, callbacks=[ModelCheckpoint(str(tmp_path / "{val_acc}.npz"))],
                  verbose=0)


def test_model_checkpoint_takes_keras_save_freq(tmp_path):
    # Keras' save_freq: "epoch" (its default, spelled out) or every n batches counted across
    # epochs; the files below are the ones Keras 3 writes for the same fit
    x, y = linear_data(20)
    model = regression_model()
    every_3 = ModelCheckpoint(str(tmp_path / "b" / "w-{epoch}-{batch:02d}.npz"), save_freq=3)
    per_epoch = ModelCheckpoint(str(tmp_path / "e" / "w-{epoch}.npz"), save_freq="epoch")
    model.fit(x, y, epochs=3, batch_size=5, callbacks=[every_3, per_epoch], verbose=0)
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == [
        "w-1-03.npz", "w-2-02.npz", "w-3-01.npz", "w-3-04.npz"]
    assert sorted(p.name for p in (tmp_path / "e").iterdir()) == [
        "w-1.npz", "w-2.npz", "w-3.npz"]
    with pytest.raises(ValueError, match="save_freq must be a positive integer"):
        ModelCheckpoint(str(tmp_path / "w.npz"), save_freq="batch")


@pytest.mark.parametrize("template, match", [
    ("ckpt_{}.npz", "fields must be named"), ("run{0}/w.npz", "fields must be named"),
    ("w-{loss:.2d}.npz", "Unknown format code 'd'"), ("w-{epoch.x}.npz", "has no attribute"),
    ("w-{.npz", "expected '}' before end of string")])
def test_model_checkpoint_refuses_a_bad_template_before_training(template, match):
    with pytest.raises(ValueError, match=f"not a valid template .*{match}"):
        ModelCheckpoint(template)


def test_model_checkpoint_writes_the_whole_model_unless_the_name_says_weights(tmp_path):
    x, y = linear_data()
    model = regression_model()
    whole, weights = tmp_path / "best.rungrad", tmp_path / "w.npz"
    forced, keras_named = tmp_path / "forced.weights", tmp_path / "ckpt.weights.h5"
    model.fit(x, y, epochs=2, verbose=0,
              callbacks=[ModelCheckpoint(whole), ModelCheckpoint(weights),
                         ModelCheckpoint(forced, save_weights_only=True),
                         ModelCheckpoint(keras_named)])
    loaded = nn.load_model(whole)  # Keras' default: the model, compiled, with its optimizer
    assert loaded.evaluate(x, y) == pytest.approx(model.evaluate(x, y))
    for path in (weights, forced, keras_named):
        restored = regression_model()
        restored.load_weights(path)
        assert same_state(restored.state_dict(), model.state_dict())
    for name in ("w.npz", "w.weights.h5"):
        with pytest.raises(ValueError, match="save_weights_only=True"):
            ModelCheckpoint(tmp_path / name, save_weights_only=False)
    for name in ("m.keras", "m.rungrad"):  # (Keras 3 refuses a .keras name so used)
        with pytest.raises(ValueError, match="names a whole-model file"):
            ModelCheckpoint(tmp_path / name, save_weights_only=True)


@pytest.mark.parametrize("monitor, mode", [
    ("val_loss", "min"), ("mean_squared_error", "min"), ("val_mae", "min"),
    ("val_AUC", "max"), ("categorical_accuracy", "max"), ("f1_score", "max")])
def test_auto_mode_knows_the_built_in_names(monitor, mode):
    assert EarlyStopping(monitor=monitor).monitor.mode == mode


def test_auto_mode_refuses_to_guess_a_metric_of_ones_own(tmp_path):
    # settled when training begins (Keras 3: from the compiled metric object's direction),
    # so the error comes then, or at the first comparison outside fit
    import nn.keras as keras

    def iou(y_true, y_pred):
        return np.mean(y_true == (y_pred > 0.5))
    with pytest.raises(ValueError, match="'val_iou'.*mode='max'"):
        EarlyStopping(monitor="val_iou").on_epoch_end(0, {"val_iou": 0.5})
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1, "sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=[iou])
    x, y = np.zeros((8, 2), np.float32), np.ones((8, 1), np.float32)
    with pytest.raises(ValueError, match=r"'val_iou'.*its metrics: iou\).*mode='max'"):
        model.fit(x, y, epochs=1, verbose=0, validation_split=0.25,
                  callbacks=[EarlyStopping(monitor="val_iou")])
    assert EarlyStopping(monitor="val_iou", mode="max").monitor.mode == "max"
    checkpoint = ModelCheckpoint(str(tmp_path / "m.keras"), monitor="val_iou")
    model.fit(x, y, epochs=1, verbose=0, callbacks=[checkpoint])  # (never compared: saved)
    assert checkpoint.last_saved == (0, str(tmp_path / "m.keras"))


def test_terminate_on_nan_stops_after_the_bad_batch(capsys):
    calls = []

    def poisoned(pred, target):
        calls.append(1)
        loss = F.mse_loss(pred, target)
        return loss * float("nan") if len(calls) == 3 else loss

    x, y = linear_data(40)
    model = nn.Sequential(nn.Linear(3, 1))
    counter = StepCounter()
    model.compile(optimizer="sgd", loss=poisoned)
    history = model.fit(x, y, epochs=4, batch_size=4,
                        callbacks=[TerminateOnNaN(), counter], verbose=0)
    assert counter.batches_per_epoch == [3]
    assert math.isnan(history.history["loss"][0]) and len(history.epoch) == 1
    assert "Batch 2: Invalid loss, terminating training" in capsys.readouterr().out


class TrainEnd(Callback):
    ended = False

    def on_train_end(self, logs=None):
        self.ended = True


def test_terminate_on_nan_raise_error_raises_at_once_as_keras_3():
    # Keras 3.15's TerminateOnNaN(raise_error=True): a RuntimeError, no on_train_end
    def poisoned(pred, target):
        return F.mse_loss(pred, target) * float("nan")

    x, y = linear_data(8)
    model = nn.Sequential(nn.Linear(3, 1))
    model.compile(optimizer="sgd", loss=poisoned)
    ending = TrainEnd()
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 0"):
        model.fit(x, y, batch_size=4, callbacks=[TerminateOnNaN(raise_error=True), ending],
                  verbose=0)
    assert not ending.ended
    ending = TrainEnd()
    model.fit(x, y, batch_size=4, callbacks=[TerminateOnNaN(raise_error=False), ending],
              verbose=0)
    assert ending.ended


def test_csv_logger_writes_one_row_per_epoch(tmp_path):
    x, y = blobs()
    np.random.seed(0)
    model = nn.Sequential(nn.Linear(4, 3))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    path = tmp_path / "log.csv"
    history = model.fit(x, y, epochs=3, validation_split=0.25,
                        callbacks=[CSVLogger(path)], verbose=0)
    rows = list(csv.reader(path.open()))
    assert rows[0] == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert [r[0] for r in rows[1:]] == ["0", "1", "2"]
    for key in ("loss", "val_accuracy"):
        column = rows[0].index(key)
        assert [float(r[column]) for r in rows[1:]] == history.history[key]
    model.fit(x, y, epochs=2, callbacks=[CSVLogger(path, separator=";", append=True)],
              verbose=0)
    rows = list(csv.reader(path.open()))  # appended rows follow the file's separator, columns
    assert len(rows) == 6 and rows[4][0] == "0" and rows[4][-2:] == ["NA", "NA"]
    assert all(len(row) == 5 for row in rows)
    assert not [p for p in tmp_path.iterdir() if p.name != "log.csv"]  # no temp files left
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy", "f1"])  # resumed with one more metric: a new column
    model.fit(x, y, epochs=1, callbacks=[CSVLogger(path, append=True)], verbose=0)
    rows = list(csv.reader(path.open()))
    assert rows[0][-1] == "f1" and [row[-1] for row in rows[1:-1]] == ["NA"] * 5
    assert float(rows[-1][-1]) >= 0 and all(len(row) == 6 for row in rows)
    path.write_text("time;loss\n1;2\n")
    with pytest.raises(ValueError, match="log.csv: its first line is not a header"):
        model.fit(x, y, callbacks=[CSVLogger(path, append=True)], verbose=0)


def test_learning_rate_scheduler_sets_the_lr_each_epoch():
    x, y = linear_data()
    model = regression_model(lr=0.1)
    seen = []
    schedule = LearningRateScheduler(lambda epoch, lr: seen.append(lr) or 0.1 / (epoch + 1))
    history = model.fit(x, y, epochs=3, callbacks=[schedule], verbose=0)
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.1 / 3])
    assert seen == pytest.approx([0.1, 0.1, 0.05])
    one_argument = LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1))
    assert model.fit(x, y, epochs=2, callbacks=[one_argument],
                     verbose=0).history["learning_rate"] == pytest.approx([0.01, 0.02])
    with pytest.raises(ValueError, match="epoch 0"):
        model.fit(x, y, callbacks=[LearningRateScheduler(lambda e, lr: -1.0)], verbose=0)


def test_the_progress_line_comes_after_the_callbacks_and_shows_what_they_log(capsys):
    """Keras' order: a callback's message comes before the epoch's line, and the
    learning_rate it logs is in that line."""
    x, y = linear_data()
    model = regression_model(lr=0.1)
    schedule = LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1), verbose=1)
    model.fit(x, y, epochs=2, callbacks=[schedule], verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Epoch 1: LearningRateScheduler setting learning rate to 0.1")
    assert lines[1].startswith("Epoch 1/2") and "learning_rate: 0.1000" in lines[1]
    assert lines[2].startswith("Epoch 2: LearningRateScheduler") and "0.05" in lines[2]
    assert lines[3].startswith("Epoch 2/2") and "learning_rate: 0.0500" in lines[3]


def test_lr_scheduler_objects_step_once_per_epoch():
    x, y = linear_data()
    opt = optim.SGD(lr=0.1)
    model = nn.Sequential(nn.Linear(3, 1))
    model.compile(optimizer=opt, loss="mse")
    scheduler = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    history = model.fit(x, y, epochs=3, callbacks=[scheduler], verbose=0)
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.025])
    per_batch = SchedulerStep(optim.lr_scheduler.ExponentialLR(opt, gamma=0.5), "batch")
    model.fit(x, y, epochs=1, batch_size=10, callbacks=[per_batch], verbose=0)  # 4 batches
    assert opt.param_groups[0]["lr"] == pytest.approx(0.0125 / 16)


def test_reduce_on_plateau_scheduler_is_fed_the_monitored_value():
    x, y = linear_data()
    opt = optim.SGD(lr=0.1)
    model = nn.Sequential(nn.Linear(3, 1))
    model.compile(optimizer=opt, loss="mse")
    plateau = optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1)
    script = ScriptedLogs("val_loss", [1.0, 1.0, 1.0, 1.0, 1.0])
    history = model.fit(x, y, epochs=5, callbacks=[script, plateau], verbose=0)
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.1, 0.1, 0.05, 0.05])


def test_a_scheduler_of_another_optimizer_is_refused():
    x, y = linear_data()
    model = regression_model()
    stranger = optim.lr_scheduler.StepLR(optim.SGD(lr=0.1), step_size=1)
    with pytest.raises(ValueError, match="another optimizer"):
        model.fit(x, y, callbacks=[stranger], verbose=0)
    with pytest.raises(TypeError, match="callbacks must be"):
        model.fit(x, y, callbacks=[print], verbose=0)


def test_keras_reduce_lr_on_plateau():
    x, y = linear_data()
    model = regression_model(lr=0.1)
    script = ScriptedLogs("val_loss", [1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5])
    reduce = ReduceLROnPlateau(factor=0.5, patience=2, cooldown=1, min_lr=0.03)
    history = model.fit(x, y, epochs=8, callbacks=[script, reduce], verbose=0)
    # Keras: bad epochs 2, 3 -> cut after epoch 3; epoch 4 ends the cooldown and counts
    # as bad again, with 5 -> cut after epoch 5 (to the floor 0.03)
    assert history.history["learning_rate"] == pytest.approx([0.1] * 4 + [0.05] * 2 + [0.03] * 2)


def _two_group_model():
    """A model whose optimizer trains its two layers at lrs 0.1 and 0.01."""
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 1))
    opt = optim.SGD([{"params": model[0].parameters()},
                     {"params": model[1].parameters(), "lr": 0.01}], lr=0.1)
    model.compile(optimizer=opt, loss="mse")
    return model, opt


def test_lr_callbacks_change_each_param_group_s_lr():
    x, y = linear_data()
    model, opt = _two_group_model()
    script = ScriptedLogs("val_loss", [1.0] * 4)
    model.fit(x, y, epochs=4, callbacks=[script, ReduceLROnPlateau(factor=0.5, patience=1)],
              verbose=0)  # a cut after epochs 2, 3 and 4, each group from its own lr
    assert [g["lr"] for g in opt.param_groups] == pytest.approx([0.0125, 0.00125])
    model, opt = _two_group_model()
    halve = LearningRateScheduler(lambda epoch, lr: lr / 2 if epoch else lr)
    model.fit(x, y, epochs=3, callbacks=[halve], verbose=0)
    assert [g["lr"] for g in opt.param_groups] == pytest.approx([0.025, 0.0025])
    model, opt = _two_group_model()  # one argument: the first group's lr, ratios kept
    model.fit(x, y, epochs=2, callbacks=[LearningRateScheduler(lambda epoch: 0.3)], verbose=0)
    assert [g["lr"] for g in opt.param_groups] == pytest.approx([0.3, 0.03])


@pytest.mark.parametrize("name", ["val_AUC", "val_Accuracy", "F1", "val_categorical_accuracy",
                                  "binary_accuracy", "val_f1_score"])
def test_auto_mode_maximizes_scores_named_in_any_case(name):
    # compile(metrics=["AUC"]) logs "val_AUC": minimizing it kept the worst checkpoint
    assert EarlyStopping(monitor=name).monitor.mode == "max"
    assert EarlyStopping(monitor="val_loss").monitor.mode == "min"


def test_model_checkpoint_keeps_the_best_auc_named_as_given(tmp_path):
    x, y = linear_data()
    model = regression_model()
    script = ScriptedLogs("val_AUC", [0.7, 0.8, 0.6])
    check = ModelCheckpoint(tmp_path / "best.npz", monitor="val_AUC", save_best_only=True)
    model.fit(x, y, epochs=3, callbacks=[script, check], verbose=0)
    assert check.best == 0.8


class HookSpy(Callback):
    """Records the Keras hooks a base Callback does not override itself."""

    def __init__(self):
        self.calls = []

    def on_batch_begin(self, batch, logs=None):
        self.calls.append(("batch_begin", batch))

    def on_batch_end(self, batch, logs=None):
        self.calls.append(("batch_end", batch))

    def on_test_begin(self, logs=None):
        self.calls.append(("test_begin",))

    def on_test_batch_end(self, batch, logs=None):
        self.calls.append(("test_batch_end", batch, sorted(logs)))

    def on_test_end(self, logs=None):
        self.calls.append(("test_end", sorted(logs)))

    def on_predict_batch_end(self, batch, logs=None):
        self.calls.append(("predict_batch_end", batch, logs["outputs"].shape))

    def on_predict_end(self, logs=None):
        self.calls.append(("predict_end",))


def test_keras_batch_aliases_and_test_hooks_run_in_fit():
    # overriding them did nothing before: Keras calls them
    x, y = linear_data(6)
    spy = HookSpy()
    regression_model().fit(x, y, epochs=1, batch_size=6, validation_data=(x, y),
                           callbacks=[spy], verbose=0)
    assert spy.calls == [("batch_begin", 0), ("batch_end", 0), ("test_begin",),
                         ("test_batch_end", 0, ["loss"]), ("test_end", ["loss"])]


def test_evaluate_and_predict_run_their_callbacks():
    x, y = linear_data(6)
    model, spy = regression_model(), HookSpy()
    model.evaluate(x, y, batch_size=4, callbacks=[spy])
    model.predict(x, batch_size=4, callbacks=[spy])
    assert spy.calls == [("test_begin",), ("test_batch_end", 0, ["loss"]),
                         ("test_batch_end", 1, ["loss"]), ("test_end", ["loss"]),
                         ("predict_batch_end", 0, (4, 1)), ("predict_batch_end", 1, (2, 1)),
                         ("predict_end",)]


def test_model_checkpoint_keeps_its_best_across_fit_calls(tmp_path):
    # a second fit that continues training must not overwrite a better file (Keras)
    x, y = linear_data()
    model = regression_model()
    check = ModelCheckpoint(tmp_path / "best.npz", monitor="val_loss", save_best_only=True)
    model.fit(x, y, epochs=2, callbacks=[ScriptedLogs("val_loss", [3.0, 1.0]), check],
              verbose=0)
    saved = check.last_saved
    model.fit(x, y, epochs=1, callbacks=[ScriptedLogs("val_loss", [2.0]), check], verbose=0)
    assert check.best == 1.0 and check.last_saved == saved


def test_batch_size_none_means_keras_default_32():
    x, y = linear_data(40)
    model = regression_model()
    history = model.fit(x, y, batch_size=None, verbose=0)
    assert history.params["steps"] == 2
    assert model.predict(x, batch_size=None).shape == (40, 1)
    assert np.isfinite(model.evaluate(x, y, batch_size=None))


def test_validation_data_wins_over_validation_split_for_a_loader_too():
    from nn.data import DataLoader, TensorDataset
    x, y = linear_data(8)
    history = regression_model().fit(DataLoader(TensorDataset(x, y), batch_size=4),
                                     validation_split=0.5, validation_data=(x, y), verbose=0)
    assert "val_loss" in history.history


def test_a_callback_reading_batch_metrics_gets_them_after_every_batch():
    x, y = blobs(200)
    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    seen = []

    class Reader(Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(logs["accuracy"])

    model.fit(x, y, batch_size=10, callbacks=[Reader()], verbose=0)  # 20 batches
    assert len(seen) == 20 and all(0 <= a <= 1 for a in seen)
    lambdas = []
    model.fit(x, y, batch_size=10, verbose=0, callbacks=[nn.callbacks.LambdaCallback(
        on_batch_end=lambda batch, logs: lambdas.append(logs["accuracy"]))])
    assert len(lambdas) == 20


def test_running_metrics_are_computed_only_for_a_callback_that_reads_them(monkeypatch):
    """Each batch hook's running metrics are a pass over the outputs so far: without a
    callback of its own on the hook (fit always holds History) only the epoch's are made."""
    from nn.training.metrics import MetricAccumulator
    passes = []
    results = MetricAccumulator.results
    monkeypatch.setattr(MetricAccumulator, "results",
                        lambda self: passes.append(1) or results(self))
    x, y = blobs(100)
    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, batch_size=10, validation_data=(x, y), verbose=0)
    assert len(passes) == 2  # the epoch's training and validation metrics

    class Reader(Callback):
        def on_test_batch_end(self, batch, logs=None):
            assert "accuracy" in logs

    passes.clear()
    model.fit(x, y, batch_size=10, validation_data=(x, y), verbose=0, callbacks=[Reader()])
    assert len(passes) > 2


def test_lambda_callback_runs_the_functions_it_is_given():
    x, y = linear_data()
    model = regression_model()
    calls = []
    callback = nn.callbacks.LambdaCallback(
        on_train_begin=lambda logs: calls.append("begin"),
        on_epoch_end=lambda epoch, logs: calls.append((epoch, round(logs["loss"], 9))),
        on_train_end=lambda logs: calls.append("end"))
    history = model.fit(x, y, epochs=2, callbacks=[callback], verbose=0).history
    assert calls == ["begin", (0, round(history["loss"][0], 9)),
                     (1, round(history["loss"][1], 9)), "end"]
    with pytest.raises(TypeError, match="'on_epoch_finish' is not a callback hook"):
        nn.callbacks.LambdaCallback(on_epoch_finish=print)
    with pytest.raises(TypeError, match="on_epoch_end must be callable"):
        nn.callbacks.LambdaCallback(on_epoch_end=3)


def test_callbacks_may_be_one_callback_or_nested_lists_as_keras_takes_them():
    x, y = linear_data()
    model = regression_model()
    counter = StepCounter()
    model.fit(x, y, epochs=2, callbacks=counter, verbose=0)
    assert len(counter.batches_per_epoch) == 2
    scripted = ScriptedLogs("val_loss", [1.0, 1.0, 1.0])
    stop = EarlyStopping(patience=0)
    history = model.fit(x, y, epochs=3, callbacks=[[scripted], (stop,)], verbose=0)
    assert len(history.history["loss"]) == 2  # stopped by the nested EarlyStopping
    model.evaluate(x, y, callbacks=StepCounter(), verbose=0)
    with pytest.raises(TypeError, match="callbacks must be"):
        model.fit(x, y, callbacks=print, verbose=0)


def test_a_history_among_the_callbacks_is_the_one_fit_returns():
    x, y = linear_data()
    model = regression_model()
    mine = nn.callbacks.History()
    assert model.fit(x, y, epochs=2, callbacks=[mine], verbose=0) is mine
    assert len(mine.history["loss"]) == 2


@pytest.mark.filterwarnings("ignore:.*is not in the logs")
def test_validation_every_other_epoch_reaches_the_csv_and_the_plateau_scheduler(tmp_path):
    x, y = linear_data()
    opt = optim.SGD(lr=0.1)
    model = nn.Sequential(nn.Linear(3, 1))
    model.compile(optimizer=opt, loss="mse")
    plateau = optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, factor=0.5)
    history = model.fit(x, y, epochs=4, validation_data=(x[:8], y[:8]), validation_freq=2,
                        verbose=0, callbacks=[plateau, CSVLogger(tmp_path / "log.csv")])
    rows = list(csv.reader(open(tmp_path / "log.csv")))
    assert rows[0] == ["epoch", "learning_rate", "loss", "val_loss"]
    assert [row[3] for row in rows[1:]][::2] == ["NA", "NA"] and rows[2][3] != "NA"
    assert plateau.best == min(history.history["val_loss"])  # fed val_loss, not loss


class LogKeys(Callback):
    def __init__(self):
        self.keys = []

    def on_epoch_end(self, epoch, logs=None):
        self.keys.append(sorted(logs))


def test_learning_rate_is_logged_as_keras_3_logs_it():
    # Keras 3.15 (SGD(0.1), Dense(1), the same fits): a plain fit logs ['loss'] only; the
    # learning-rate callbacks add 'learning_rate' in on_epoch_end, so a callback before
    # them does not see it and one after does; the values below are Keras' (float32 there)
    x, y = linear_data()
    assert list(regression_model(lr=0.1).fit(x, y, epochs=2, verbose=0).history) == ["loss"]
    before, after = LogKeys(), LogKeys()
    halve = LearningRateScheduler(lambda epoch, lr: lr * 0.5)
    history = regression_model(lr=0.1).fit(x, y, epochs=3, verbose=0,
                                            callbacks=[before, halve, after]).history
    assert before.keys == [["loss"]] * 3 and after.keys == [["learning_rate", "loss"]] * 3
    assert history["learning_rate"] == pytest.approx([0.05, 0.025, 0.0125])
    plateau = ReduceLROnPlateau("loss", patience=1, factor=0.5, min_delta=10)
    history = regression_model(lr=0.1).fit(x, y, epochs=3, verbose=0,
                                            callbacks=[plateau]).history
    assert history["learning_rate"] == pytest.approx([0.1, 0.1, 0.05])  # before each cut
    assert "lr" not in history



class CollectTestBatchLogs(Callback):
    def __init__(self):
        self.logs = []

    def on_test_batch_end(self, batch, logs=None):
        self.logs.append(dict(logs))


def test_test_batch_logs_hold_the_running_metrics_as_keras():
    # Keras 3 passes on_test_batch_end the running loss and metrics ({'accuracy': 0.5,
    # 'loss': 0.72}); they had the loss only
    x, y = blobs(40)
    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy", nn.keras.metrics.SparseCategoricalAccuracy(name="sca")])
    spy = CollectTestBatchLogs()
    logs = model.evaluate(x, y, batch_size=16, callbacks=[spy], return_dict=True)
    assert [sorted(batch) for batch in spy.logs] == [["accuracy", "loss", "sca"]] * 3
    assert spy.logs[-1] == pytest.approx(logs)
    first = model.evaluate(x[:16], y[:16], return_dict=True)
    assert spy.logs[0] == pytest.approx(first)
    spy = CollectTestBatchLogs()
    model.fit(x, y, batch_size=40, validation_data=(x, y), callbacks=[spy], verbose=0)
    assert sorted(spy.logs[-1]) == ["accuracy", "loss", "sca"]


def test_rate_callbacks_refuse_an_optimizer_on_a_schedule():
    """Keras' rule: a scheduled rate is not settable; the callbacks said they set it, and
    the schedule set it back at the next update."""
    import nn.keras as keras
    x, y = blobs()
    schedule = keras.optimizers.schedules.ExponentialDecay(0.01, 1000, 0.9)
    for callback in (LearningRateScheduler(lambda epoch, lr: 1e-9),
                     ReduceLROnPlateau(monitor="loss", patience=0, min_delta=10)):
        model = mlp()
        model.compile(optimizer=keras.optimizers.SGD(schedule),
                      loss="sparse_categorical_crossentropy")
        with pytest.raises(TypeError, match="made with a learning-rate schedule"):
            model.fit(x, y, epochs=2, verbose=0, callbacks=[callback])


def test_patience_is_compared_as_given_and_names_are_suggested():
    assert EarlyStopping(patience=2.7).patience == 2.7  # (Keras waits 3 epochs; int() cut it)
    with pytest.raises(ValueError, match="patience must be a number of epochs >= 0"):
        ReduceLROnPlateau(patience=-1)
    with pytest.raises(ValueError, match="did you mean 'val_loss'"):
        EarlyStopping(monitor="val_los").on_train_begin()


def test_csv_logger_writes_an_array_valued_metric_on_one_line(tmp_path):
    import nn.keras as keras
    x, y = blobs()
    model = mlp()
    model.compile(optimizer="adam", loss="categorical_crossentropy",
                  metrics=[keras.metrics.F1Score(average=None)])
    path = tmp_path / "log.csv"
    model.fit(x, np.eye(3)[y], epochs=2, verbose=0, callbacks=[CSVLogger(path)])
    lines = path.read_text().splitlines()
    assert len(lines) == 3 and lines[1].count("[") == 1
    row = next(csv.DictReader(lines))
    assert len(row["f1_score"].strip("[]").split(", ")) == 3


def test_model_checkpoint_verbose_says_what_keras_says(tmp_path, capsys):
    x, y = blobs()
    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    template = str(tmp_path / "ckpt-{epoch:02d}.npz")
    model.fit(x, y, epochs=2, verbose=0, callbacks=[
        ModelCheckpoint(template, monitor="loss", verbose=1, save_weights_only=True)])
    said = capsys.readouterr().out.splitlines()
    assert said == [f"Epoch {e}: saving model to {template.format(epoch=e)}" for e in (1, 2)]
    best = ModelCheckpoint(template, monitor="loss", verbose=1, save_best_only=True,
                           save_weights_only=True)
    best.set_model(model)
    best.on_train_begin()
    for epoch, loss in enumerate([0.5, 0.7]):
        best.on_epoch_end(epoch, {"loss": loss})
    said = capsys.readouterr().out.splitlines()
    assert said[0] == (f"Epoch 1: loss improved from inf to 0.50000, saving model to "
                       f"{template.format(epoch=1)}")
    assert said[1] == "Epoch 2: loss did not improve from 0.50000"


def test_model_checkpoint_names_a_folder_it_cannot_make_before_training(tmp_path):
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a folder")
    x, y = blobs()
    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    before = [p.copy() for p in model.get_weights()]
    with pytest.raises(OSError, match=r"ModelCheckpoint: cannot make the folder .*taken.* "
                                      r"\(a file is there\)"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[
            ModelCheckpoint(str(blocker / "ckpt-{epoch}.npz"), monitor="loss")])
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))  # untrained


def test_csv_logger_names_a_missing_folder_before_training(tmp_path):
    x, y = blobs()
    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    with pytest.raises(FileNotFoundError, match="CSVLogger: the folder .*missing.* does not "
                                                "exist"):
        model.fit(x, y, epochs=1, verbose=0,
                  callbacks=[CSVLogger(tmp_path / "missing" / "log.csv")])


@pytest.mark.parametrize("make", [
    lambda path: ModelCheckpoint(str(path / "best.keras"), monitor="val_f1_score", mode="max",
                                 save_best_only=True),
    lambda path: EarlyStopping(monitor="val_f1_score", mode="max"),
    lambda path: ReduceLROnPlateau(monitor="val_f1_score", mode="max")])
def test_a_monitored_value_of_one_number_per_class_is_refused_by_name(tmp_path, make):
    """F1Score() logs one value per class: float() of it raised a bare TypeError after the
    first epoch."""
    import nn.keras as keras
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 3)).astype(np.float32)
    y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 60)]
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy",
                  metrics=[keras.metrics.F1Score()])
    with pytest.raises(ValueError, match="'val_f1_score' is not one number but 3.*average='macro'"):
        model.fit(x, y, epochs=2, verbose=0, validation_split=0.2, callbacks=[make(tmp_path)])


def test_a_monitored_value_of_one_element_is_that_number():
    from nn.training.callbacks.monitor import Monitor
    monitor = Monitor("val_loss")
    for value in (np.array([0.5]), np.array([[0.5]]), [0.5], np.float32(0.5), 0.5):
        assert monitor.value({"val_loss": value}) == 0.5
