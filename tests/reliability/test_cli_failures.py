"""`rungrad train` under bad options, unwritable folders, failed saves and Ctrl-C."""
import errno
import os

import numpy as np
import pytest

import nn
from nn.callbacks import CSVLogger
from nn.training import cli
from nn.training.cli import main


def one_line_error(capsys):
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_a_negative_seed_is_an_option_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--seed", "-1", "--out", str(tmp_path)])
    assert exit_info.value.code == 2
    err = one_line_error(capsys)
    assert "--seed" in err and "'-1'" in err and "Seed must be" not in err  # not NumPy's words


def test_a_model_too_big_for_memory_is_refused_before_allocating(tmp_path, capsys,
                                                                  monkeypatch):
    def no_model(*args, **kwargs):
        raise AssertionError("the model was built")

    monkeypatch.setattr("nn.training.cli.build_model", no_model)
    status = main(["train", "--hidden", "2000000000", "--out", str(tmp_path)])
    assert status == 1
    err = one_line_error(capsys)
    assert err.startswith("rungrad train: error: --hidden") and "memory" in err


def unwritable_folder(tmp_path):
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o500)
        return str(folder)
    if os.path.isdir("/proc/self"):  # root may write anywhere but there
        return "/proc"
    pytest.skip("no folder that this user cannot write")


def test_an_unwritable_out_folder_is_found_before_training(tmp_path, capsys, monkeypatch):
    def no_training(*args, **kwargs):
        raise AssertionError("training started")

    monkeypatch.setattr(nn.Model, "fit", no_training)
    folder = unwritable_folder(tmp_path)
    assert main(["train", "--out", folder, "--verbose", "0"]) == 1
    err = one_line_error(capsys)
    assert f"--out {folder}" in err


def test_an_out_that_is_a_file_is_refused_as_not_a_folder(tmp_path, capsys):
    existing = tmp_path / "notes.txt"
    existing.write_text("kept")
    assert main(["train", "--out", str(existing), "--verbose", "0"]) == 1
    assert f"--out {existing}: exists and is not a folder" in one_line_error(capsys)
    assert existing.read_text() == "kept"


def test_a_failed_final_save_says_where_the_last_epoch_is(tmp_path, capsys, monkeypatch):
    trained = []
    real_save = nn.Module.save_weights

    def save_weights(model, path):
        if os.fspath(path).endswith("weights.npz"):
            trained.append(model.state_dict())
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(model, path)

    monkeypatch.setattr(nn.Module, "save_weights", save_weights)
    out = tmp_path / "run"
    assert main(["train", "--epochs", "2", "--verbose", "0", "--out", str(out)]) == 1
    err = one_line_error(capsys)
    checkpoint = out / "checkpoint.npz"
    assert "No space left on device" in err and str(checkpoint) in err and "epoch (2)" in err
    with np.load(checkpoint) as saved:
        for name, array in trained[0].items():
            np.testing.assert_array_equal(saved[name], array)


def test_ctrl_c_keeps_the_last_completed_epoch(tmp_path, capsys, monkeypatch):
    at_epoch_start = []

    def on_epoch_begin(logger, epoch, logs=None):
        at_epoch_start.append(logger.model.state_dict())

    def on_train_batch_end(logger, batch, logs=None):
        if len(at_epoch_start) == 3 and batch == 3:  # in the middle of the third epoch
            raise KeyboardInterrupt

    monkeypatch.setattr(CSVLogger, "on_epoch_begin", on_epoch_begin, raising=False)
    monkeypatch.setattr(CSVLogger, "on_train_batch_end", on_train_batch_end, raising=False)
    out = tmp_path / "run"
    assert main(["train", "--epochs", "5", "--verbose", "0", "--out", str(out)]) == 130
    err = one_line_error(capsys)
    assert "epoch 2" in err and str(out / "weights.npz") in err
    with np.load(out / "weights.npz") as saved:  # the weights at the end of epoch 2
        for name, array in at_epoch_start[2].items():
            np.testing.assert_array_equal(saved[name], array)
    assert sorted(os.listdir(out)) == ["history.csv", "weights.npz"]


def test_ctrl_c_in_the_first_epoch_says_nothing_was_saved(tmp_path, capsys, monkeypatch):
    def on_train_batch_end(logger, batch, logs=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(CSVLogger, "on_train_batch_end", on_train_batch_end, raising=False)
    assert main(["train", "--epochs", "2", "--verbose", "0",
                 "--out", str(tmp_path / "run")]) == 130
    assert "no weights saved" in one_line_error(capsys)


def test_a_finished_run_leaves_no_checkpoint(tmp_path, monkeypatch):
    monkeypatch.setattr("nn.training.cli._write_optional", lambda name, write: None)  # no plots
    out = tmp_path / "run"
    assert main(["train", "--epochs", "1", "--verbose", "0", "--out", str(out)]) == 0
    assert sorted(os.listdir(out)) == ["history.csv", "weights.npz"]


def test_ctrl_c_in_the_first_epoch_keeps_an_earlier_runs_files(tmp_path, capsys,
                                                               monkeypatch):
    """Interrupted before it wrote anything, a run leaves the earlier run's files as they
    were (they were deleted: its trained weights lost to an early Ctrl-C), and says so."""
    monkeypatch.setattr("nn.training.cli._write_optional", lambda name, write: None)
    out = tmp_path / "run"
    assert main(["train", "--epochs", "1", "--verbose", "0", "--out", str(out)]) == 0
    before = {name: (out / name).read_bytes() for name in os.listdir(out)}
    assert sorted(before) == ["history.csv", "weights.npz"]

    def on_train_batch_end(logger, batch, logs=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(CSVLogger, "on_train_batch_end", on_train_batch_end, raising=False)
    capsys.readouterr()
    assert main(["train", "--epochs", "2", "--verbose", "0", "--out", str(out),
                 "--overwrite"]) == 130
    assert {name: (out / name).read_bytes() for name in os.listdir(out)} == before
    err = capsys.readouterr().err
    assert "removed" not in err and "no weights saved" in err
    assert "an earlier run's, left as they were" in err


def test_ctrl_c_while_drawing_leaves_no_image_of_an_earlier_run(tmp_path, capsys,
                                                               monkeypatch):
    """Interrupted between two images: the earlier run's later images are removed, not left
    beside this run's weights (they were)."""
    def pretend_written(name, write):
        open(out / name, "w").close()
        return True
    monkeypatch.setattr("nn.training.cli._write_optional", pretend_written)
    out = tmp_path / "run"
    assert main(["train", "--epochs", "1", "--verbose", "0", "--out", str(out)]) == 0
    assert "gradients.png" in os.listdir(out)

    def interrupted_at_the_third(name, write):
        if name == "learning_curve.png":
            raise KeyboardInterrupt
        return pretend_written(name, write)
    monkeypatch.setattr("nn.training.cli._write_optional", interrupted_at_the_third)
    capsys.readouterr()
    assert main(["train", "--epochs", "1", "--verbose", "0", "--out", str(out),
                 "--overwrite"]) == 130
    assert sorted(os.listdir(out)) == ["graph.png", "history.csv", "model.png", "weights.npz"]
    assert "removed gradients.png of an earlier run" in capsys.readouterr().err


def test_a_dataset_that_cannot_load_leaves_no_new_empty_out_folder(tmp_path, capsys,
                                                                   monkeypatch):
    def offline(name, images):
        raise OSError(f"could not download {name} (offline)")
    monkeypatch.setattr(cli, "load_dataset", offline)
    out = tmp_path / "new" / "run"
    assert main(["train", "--dataset", "mnist", "--epochs", "1", "--out", str(out)]) != 0
    assert "could not download mnist" in capsys.readouterr().err
    assert not out.exists()
    kept = tmp_path / "kept"  # (a folder the user made stays)
    kept.mkdir()
    main(["train", "--dataset", "mnist", "--epochs", "1", "--out", str(kept)])
    assert kept.is_dir()


def test_the_run_names_its_training_validation_and_test_samples(tmp_path, capsys):
    main(["train", "--epochs", "1", "--verbose", "0", "--out", str(tmp_path / "run")])
    # (1438 counted the 144 samples fit holds out for validation as training samples)
    assert "digits: 1294 training, 144 validation and 359 test samples" in \
        capsys.readouterr().out


def test_an_out_that_is_a_dangling_symlink_names_its_target(tmp_path, capsys):
    out = tmp_path / "run"
    out.symlink_to(tmp_path / "missing")
    assert main(["train", "--epochs", "1", "--verbose", "0", "--out", str(out)]) == 1
    err = one_line_error(capsys)
    assert f"--out {out}: is a symbolic link to {tmp_path / 'missing'}, which does not " \
        "exist" in err and "File exists" not in err


@pytest.mark.parametrize("fail", ["in fit", "ctrl-c in the first epoch"])
def test_a_run_that_wrote_nothing_leaves_no_new_out_folder(tmp_path, capsys, monkeypatch,
                                                           fail):
    if fail == "ctrl-c in the first epoch":
        def interrupted(*args, **kwargs):
            raise KeyboardInterrupt
        monkeypatch.setattr(nn.Model, "fit", interrupted)
    out = tmp_path / "run"
    status = main(["train", "--epochs", "1", "--verbose", "0", "--out", str(out),
                   "--validation-split", "0.9999" if fail == "in fit" else "0.1"])
    assert status == (1 if fail == "in fit" else 130)
    assert not out.exists()
    capsys.readouterr()


def test_an_out_holding_files_of_the_run_names_is_refused_without_overwrite(tmp_path, capsys):
    """A folder that already holds a history.csv or graph.png (the user's own, say) is not
    written over, nor are they deleted, unless --overwrite asks for it (they were)."""
    out = tmp_path / "mine"
    out.mkdir()
    (out / "graph.png").write_text("my picture")
    (out / "history.csv").write_text("my notes")
    assert main(["train", "--epochs", "1", "--verbose", "0", "--out", str(out)]) == 1
    err = one_line_error(capsys)
    assert "graph.png, history.csv" in err and "--overwrite" in err
    assert (out / "graph.png").read_text() == "my picture"
    assert sorted(os.listdir(out)) == ["graph.png", "history.csv"]


def test_overwrite_replaces_an_earlier_runs_files(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("nn.training.cli._write_optional", lambda name, write: None)
    out = tmp_path / "run"
    out.mkdir()
    (out / "graph.png").write_text("an earlier run's graph")
    (out / "unrelated.txt").write_text("kept")  # a file of no run's name is no obstacle
    assert main(["train", "--epochs", "1", "--verbose", "0", "--out", str(out),
                 "--overwrite"]) == 0
    assert sorted(os.listdir(out)) == ["history.csv", "unrelated.txt", "weights.npz"]
    assert "removed graph.png of an earlier run" in capsys.readouterr().err


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's overflow, on the way
def test_a_diverged_run_fails_in_one_line_and_writes_no_nan_weights(tmp_path, capsys):
    """A learning rate that sends the loss to NaN is an error (status 1, one line naming
    --lr), not a success writing NaN weights (it was: status 0, 'test accuracy: nan')."""
    out = tmp_path / "run"
    assert main(["train", "--epochs", "3", "--verbose", "0", "--optimizer", "sgd", "--lr",
                 "1e30", "--out", str(out)]) == 1
    err = one_line_error(capsys)
    assert "diverged" in err and "--lr" in err
    assert sorted(os.listdir(out)) == ["history.csv"]
