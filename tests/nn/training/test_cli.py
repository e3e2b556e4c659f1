"""The `rungrad` command: a short run end to end, its files, and its error messages."""
import csv
import os
import subprocess
import sys

import numpy as np
import pytest

import autograd
from nn.training.cli import main

from ..._helpers import ROOT

PNG = b"\x89PNG\r\n\x1a\n"


def run_train(tmp_path, *options):
    out = tmp_path / "run"
    status = main(["train", "--epochs", "2", "--verbose", "0", "--out", str(out), *options])
    return status, out


def test_train_writes_every_file(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    status, out = run_train(tmp_path)
    assert status == 0
    for name in ("graph.png", "model.png", "learning_curve.png", "gradients.png"):
        assert (out / name).read_bytes()[:8] == PNG
    rows = list(csv.reader((out / "history.csv").open()))
    assert rows[0] == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert len(rows) == 3
    with np.load(out / "weights.npz", allow_pickle=False) as weights:
        assert sorted(weights.files) == ["0.bias", "0.weight", "1.bias", "1.weight",
                                         "2.bias", "2.weight"]
        assert weights["0.weight"].shape == (100, 64)
    printed = capsys.readouterr().out
    assert "test loss: " in printed and " - test accuracy: 0." in printed
    assert "model.png" in printed and "gradients.png" in printed


def test_each_epoch_line_holds_the_losses_and_metrics_not_the_gradient_norms(tmp_path,
                                                                              capsys):
    """The gradient norms go to gradients.png only: in the epoch's line, one per parameter
    pushed the validation metrics past the terminal's width."""
    pytest.importorskip("matplotlib")
    status, out = run_train(tmp_path, "--verbose", "2")
    assert status == 0 and (out / "gradients.png").read_bytes()[:8] == PNG
    epochs = [line for line in capsys.readouterr().out.splitlines() if "val_accuracy" in line]
    assert len(epochs) == 2 and not any("grad_norm" in line for line in epochs)


def test_regularizing_options_of_the_notes_overfitting_practice(tmp_path, capsys):
    # --dropout after each hidden layer, --weight-decay in the optimizer, --patience as
    # EarlyStopping on the validation loss keeping the best epoch's weights
    status, out = run_train(tmp_path, "--epochs", "40", "--patience", "1", "--dropout", "0.3",
                            "--weight-decay", "0.004", "--hidden", "32")
    assert status == 0
    printed = capsys.readouterr().out
    rows = list(csv.DictReader((out / "history.csv").open()))
    assert len(rows) < 40 and "early stopping" in printed  # (stopped by its patience)
    best = min(range(len(rows)), key=lambda k: float(rows[k]["val_loss"]))
    assert f"best epoch: {best + 1}." in printed
    accuracy = float(printed.split("test accuracy: ")[1].split()[0])
    assert accuracy > 0.85
    with np.load(out / "weights.npz", allow_pickle=False) as weights:  # (Dropout: no weights)
        assert sorted(weights.files) == ["0.bias", "0.weight", "2.bias", "2.weight"]


def test_cnn_on_digits(tmp_path, capsys):
    status, out = run_train(tmp_path, "--model", "cnn")
    assert status == 0 and (out / "weights.npz").exists()
    accuracy = float(capsys.readouterr().out.split("test accuracy: ")[1].split()[0])
    assert accuracy > 0.5  # two epochs of a small CNN: far above chance (0.1)


@pytest.mark.parametrize("break_graphviz", ["no dot", "no python package"])
def test_without_graphviz_training_finishes_with_a_warning(tmp_path, capsys, monkeypatch,
                                                           break_graphviz):
    if break_graphviz == "no dot":
        monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no `dot` on PATH
    else:
        monkeypatch.setitem(sys.modules, "graphviz", None)
    status, out = run_train(tmp_path)
    assert status == 0
    warnings = capsys.readouterr().err.strip().splitlines()
    assert [w.split(":")[1:3] for w in warnings] == [[" warning", " graph.png not written"],
                                                     [" warning", " model.png not written"]]
    assert all("graphviz" in w.lower() for w in warnings)
    assert not (out / "graph.png").exists() and not (out / "model.png").exists()
    assert {"history.csv", "weights.npz", "gradients.png"} <= set(os.listdir(out))


def test_a_rerun_into_the_same_folder_leaves_no_file_of_the_earlier_run(tmp_path, capsys,
                                                                        monkeypatch):
    pytest.importorskip("matplotlib")
    status, out = run_train(tmp_path)
    assert status == 0 and (out / "graph.png").exists()
    capsys.readouterr()
    monkeypatch.setenv("PATH", str(tmp_path))  # this time no `dot`: no graph.png, model.png
    status, out = run_train(tmp_path, "--overwrite")
    assert status == 0
    assert not (out / "graph.png").exists() and not (out / "model.png").exists()
    captured = capsys.readouterr()
    assert "removed graph.png of an earlier run" in captured.err
    wrote = captured.out.split("wrote ")[1]
    assert "graph.png" not in wrote and "history.csv" in wrote


@pytest.mark.parametrize("options, named", [
    (["--dataset", "cifar"], "'cifar'"),
    (["--hidden", "100,x"], "'100,x'"),
    (["--hidden", "0"], "'0'"),
    (["--hidden", "²"], "positive layer sizes such as 100,100, got '²'"),
    (["--epochs", "-3"], "'-3'"),
    (["--optimizer", "lbfgs"], "'lbfgs'"),
    (["--dropout", "1"], "a fraction in [0, 1), got '1'"),
    (["--weight-decay", "-0.1"], "a number >= 0, got '-0.1'"),
    (["--patience", "two"], "an integer >= 0, got 'two'"),
])
def test_bad_options_exit_nonzero_with_one_line(tmp_path, capsys, options, named):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--out", str(tmp_path), *options])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and named in err and err.startswith("rungrad train: error:")


def exits_with_usage_error(capsys, argv):
    """The one line that `rungrad argv` writes to stderr, after checking its status 2."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    return err


def test_a_cnn_on_tabular_data_is_a_usage_error(tmp_path, capsys):
    out = tmp_path / "run"
    err = exits_with_usage_error(capsys, ["train", "--dataset", "spiral", "--model", "cnn",
                                          "--out", str(out)])
    assert err.startswith("rungrad train: error: --model cnn needs an image data set")
    assert not out.exists()


def test_workers_other_than_mpiexecs_processes_are_refused(tmp_path, capsys, monkeypatch):
    """Under `mpiexec -n 2`, --workers 4 trained on 2 without a word."""
    monkeypatch.setenv("PMI_SIZE", "2")
    out = tmp_path / "run"
    assert main(["train", "--workers", "4", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err == ("rungrad train: error: --workers 4, but mpiexec started 2 processes; give "
                   "--workers 2, or leave --workers out under mpiexec\n")
    assert not out.exists()


def test_an_unknown_train_option_points_to_the_train_help(capsys):
    err = exits_with_usage_error(capsys, ["train", "--learning-rate", "0.1"])
    assert err == ("rungrad train: error: unrecognized arguments: --learning-rate 0.1 "
                   "(see rungrad train --help)\n")


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"rungrad {autograd.__version__}\n"


def test_module_entry_point_help_and_error():
    env = dict(os.environ, PYTHONPATH=ROOT)
    done = subprocess.run([sys.executable, "-m", "nn.training", "train", "--help"], env=env,
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0
    for option in ("--dataset", "--model", "--hidden", "--epochs", "--batch-size",
                   "--optimizer", "--lr", "--out", "--seed", "--validation-split"):
        assert option in done.stdout
    done = subprocess.run([sys.executable, "-m", "nn.training", "train", "--dataset", "nope"],
                          env=env, capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and "'nope'" in done.stderr
