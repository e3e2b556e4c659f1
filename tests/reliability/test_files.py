"""Files: nothing lost, nothing left behind, nothing exposed (autograd.atomic and its writers).

Stale temps, symlinks, permissions, refused targets, and CSVLogger's cost per epoch.
"""
import csv
import fcntl
import importlib
import os
import stat
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import nn
from nn.callbacks import CSVLogger
from nn.datasets import download

from .._helpers import ROOT

HEX = "0123456789abcdef" * 2


def killed_while_saving(path):
    """Run save_weights(path) in a child that is killed (SIGKILL) in the middle of it."""
    script = textwrap.dedent(f"""
        import os, signal, numpy as np, nn
        np.lib.format.write_array = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
        nn.Linear(2, 3).save_weights({os.fspath(path)!r})
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=ROOT), capture_output=True)
    assert done.returncode == -9, done.stderr


def temps(folder):
    return sorted(p.name for p in folder.iterdir() if ".tmp" in p.name)


def test_a_killed_save_leaves_a_temp_that_the_next_save_removes(tmp_path):
    path = tmp_path / "w.npz"
    killed_while_saving(path)
    assert len(temps(tmp_path)) == 1 and not path.exists()  # nothing half-written
    nn.Linear(2, 3).save_weights(path)
    assert temps(tmp_path) == [] and sorted(os.listdir(tmp_path)) == ["w.npz"]


def test_only_abandoned_temps_of_the_same_target_are_removed(tmp_path):
    abandoned = tmp_path / f".w.npz.{HEX}.tmp"
    live = tmp_path / f".w.npz.{HEX[::-1]}.tmp"
    other_target = tmp_path / f".v.npz.{HEX}.tmp"
    download_temp = tmp_path / f".w.npz.{HEX}.tmp.part"  # another writer's pattern
    not_a_temp = tmp_path / f".w.npz.{HEX}.tmp.bak"
    for p in (abandoned, live, other_target, download_temp, not_a_temp):
        p.write_bytes(b"partial")
    with open(live, "rb+") as writer:  # a writer that is still running holds its lock
        fcntl.flock(writer.fileno(), fcntl.LOCK_EX)
        nn.Linear(2, 3).save_weights(tmp_path / "w.npz")
    assert not abandoned.exists()
    for p in (live, other_target, download_temp, not_a_temp):
        assert p.read_bytes() == b"partial", p.name


def test_a_killed_download_leaves_a_part_that_the_next_download_removes(tmp_path, monkeypatch):
    import io

    data = b"the file" * 100
    stale = tmp_path / f".f.bin.{HEX}.tmp.part"
    stale.write_bytes(data[:50])  # what a download killed half-way leaves

    class Response(io.BytesIO):
        headers = {"Content-Length": str(len(data))}

    monkeypatch.setattr(download, "_open_url", lambda url: Response(data))
    download.download("http://127.0.0.1/f.bin", tmp_path / "f.bin",
                      download.Published.of(data))
    assert sorted(os.listdir(tmp_path)) == ["f.bin"]


def test_save_weights_writes_through_a_symlink(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "w.npz"
    nn.Linear(2, 3).save_weights(target)
    link = tmp_path / "latest.npz"
    link.symlink_to(target)
    model = nn.Linear(2, 3)
    model.weight.data[...] = 7.0
    model.save_weights(link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    with np.load(target) as saved:
        assert (saved["weight"] == 7.0).all()


def test_save_weights_keeps_a_private_file_private(tmp_path, monkeypatch):
    path = tmp_path / "w.npz"
    nn.Linear(2, 3).save_weights(path)
    os.chmod(path, 0o600)
    seen = []
    real_write = np.lib.format.write_array

    def write_array(member, array, **kwargs):  # the mode of the temp while it is written
        seen.extend(stat.S_IMODE(os.stat(tmp_path / name).st_mode) for name in temps(tmp_path))
        real_write(member, array, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", write_array)
    nn.Linear(2, 3).save_weights(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert seen == [0o600, 0o600]  # never readable by others, not even half-written


def test_a_new_file_gets_the_usual_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        nn.Linear(2, 3).save_weights(tmp_path / "w.npz")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "w.npz").st_mode) == 0o644


@pytest.mark.parametrize("kind", ["directory", "fifo", "link to a fifo"])
def test_a_target_that_is_not_a_regular_file_is_refused(tmp_path, kind):
    path = tmp_path / "w.npz"
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        os.mkfifo(tmp_path / "pipe")
        path.symlink_to(tmp_path / "pipe")
    with pytest.raises(OSError, match="w.npz.* is a (directory|named pipe).*refusing"):
        nn.Linear(2, 3).save_weights(path)
    assert temps(tmp_path) == []
    real = tmp_path / ("pipe" if kind == "link to a fifo" else "w.npz")
    assert stat.S_ISDIR(os.lstat(real).st_mode) or stat.S_ISFIFO(os.lstat(real).st_mode)


# ----- CSVLogger -----
def bytes_written():
    """Bytes this process has passed to write(2) so far (Linux's per-process counter)."""
    with open("/proc/self/io") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("wchar:"))


@pytest.mark.skipif(not os.path.exists("/proc/self/io"), reason="needs Linux's /proc/self/io")
def test_csv_logger_writes_a_constant_amount_per_epoch(tmp_path):
    logger = CSVLogger(tmp_path / "log.csv")
    logger.on_train_begin()
    logs = {"loss": 0.123456789, "accuracy": 0.987654321}
    costs = []
    for epoch in range(300):
        before = bytes_written()
        logger.on_epoch_end(epoch, logs)
        costs.append(bytes_written() - before)
    row = len(f"{299},{0.987654321!r},{0.123456789!r}\n")
    assert max(costs[1:]) <= row + 8  # one row, not the whole file again
    rows = list(csv.reader((tmp_path / "log.csv").read_text().splitlines()))
    assert len(rows) == 301 and rows[-1][0] == "299"


def test_csv_logger_resume_drops_a_torn_last_line(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("epoch,loss\n0,0.5\n1,0.25\n2,0.1")  # the run died mid-row
    logger = CSVLogger(path, append=True)
    with pytest.warns(UserWarning, match="incomplete line"):
        logger.on_train_begin()
    logger.on_epoch_end(0, {"loss": 0.05})
    assert path.read_text() == "epoch,loss\n0,0.5\n1,0.25\n0,0.05\n"


def test_csv_logger_rows_survive_a_kill(tmp_path):
    path = tmp_path / "log.csv"
    script = textwrap.dedent(f"""
        import os, signal
        from nn.callbacks import CSVLogger
        logger = CSVLogger({str(path)!r})
        logger.on_train_begin()
        for epoch in range(3):
            logger.on_epoch_end(epoch, {{"loss": 1.0 / (epoch + 1)}})
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=ROOT), capture_output=True)
    assert done.returncode == -9, done.stderr
    assert list(csv.reader(path.read_text().splitlines())) == [
        ["epoch", "loss"], ["0", "1.0"], ["1", "0.5"], ["2", "0.3333333333333333"]]
    assert sorted(os.listdir(tmp_path)) == ["log.csv"]


def test_two_processes_saving_the_same_file_never_delete_each_others_temp(tmp_path):
    path = tmp_path / "w.npz"
    script = textwrap.dedent(f"""
        import nn
        model = nn.Linear(2, 3)
        for _ in range(150):
            model.save_weights({str(path)!r})  # raises if its temp vanished under it
    """)
    env = dict(os.environ, PYTHONPATH=ROOT)
    writers = [subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env,
                                stderr=subprocess.PIPE) for _ in range(2)]
    errors = [w.communicate()[1].decode() for w in writers]
    assert [w.returncode for w in writers] == [0, 0], errors
    assert sorted(os.listdir(tmp_path)) == ["w.npz"]


def test_a_failed_write_names_the_file_asked_for_not_the_temp(tmp_path, monkeypatch):
    model = nn.Linear(2, 3)
    with pytest.raises(FileNotFoundError, match="cannot create a file in its folder") as info:
        model.save_weights(tmp_path / "missing" / "w.npz")
    assert info.value.filename == str(tmp_path / "missing" / "w.npz")

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device", args[1] if len(args) > 1 else None)
    import nn.serialization as serialization
    monkeypatch.setattr(serialization, "sync_file", lambda tmp: full_disk(None, tmp))
    with pytest.raises(OSError, match="writing it failed .No space left") as info:
        model.save_weights(tmp_path / "w.npz")
    assert info.value.filename == str(tmp_path / "w.npz") and info.value.errno == 28
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("name", ["w.npz", "w.safetensors"])
def test_loading_a_folder_says_it_is_one(tmp_path, name):
    (tmp_path / name).mkdir()
    with pytest.raises(IsADirectoryError, match=f"{name} is a directory, not a weights file"):
        nn.Linear(2, 3).load_weights(tmp_path / name)


def test_a_write_protected_file_is_not_replaced(tmp_path):
    """A rename needs only the folder's permission, so saving replaced a checkpoint the user
    had made read-only (chmod a-w); it is refused, naming the path, and left as it was (by
    its mode bits: also for root, as in a container)."""
    path = tmp_path / "best.npz"
    nn.Linear(2, 3).save_weights(path)
    before = path.read_bytes()
    os.chmod(path, 0o444)
    try:
        with pytest.raises(PermissionError, match="write-protected") as raised:
            nn.Linear(2, 3).save_weights(path)
        assert raised.value.filename == str(path)
        assert path.read_bytes() == before and temps(tmp_path) == []
    finally:
        os.chmod(path, 0o644)


@pytest.mark.parametrize("text", ["name,score\nalice,1\nbob,2", "a single line"])
def test_csv_logger_append_refuses_another_file_before_touching_it(tmp_path, text):
    """append=True cut the 'torn' last line of any file before checking its header: a file
    that is not a CSVLogger log lost its last line (a one-line one all of it)."""
    path = tmp_path / "scores.csv"
    path.write_text(text)
    logger = CSVLogger(str(path), append=True)
    with pytest.raises(ValueError, match="not a CSVLogger file"):
        logger.on_train_begin()
    assert path.read_text() == text


@pytest.mark.parametrize("save", ["save_weights", "save"])
def test_overwrite_false_never_replaces_a_file_another_writer_made_meanwhile(
        tmp_path, monkeypatch, save):
    """Two saves with overwrite=False racing to create one file: the one that finishes
    second gets FileExistsError, and the first one's file stays as it was."""
    path = tmp_path / "model.rungrad"
    module = importlib.import_module(
        "nn.serialization" if save == "save_weights" else "nn.training.saving")
    synced = module.sync_file

    def another_writer_finishes_first(tmp):
        synced(tmp)
        path.write_bytes(b"the other save's file")
    monkeypatch.setattr(module, "sync_file", another_writer_finishes_first)
    model = nn.Sequential([nn.Dense(2, input_shape=(3,))])
    with pytest.raises(FileExistsError, match="already exists and overwrite=False"):
        getattr(model, save)(path, overwrite=False)
    assert path.read_bytes() == b"the other save's file"
    assert os.listdir(tmp_path) == ["model.rungrad"]  # (no temp left behind)
