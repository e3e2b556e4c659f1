"""Data parallelism on 2 ranks under mpiexec (skipped without the distributed extra).

Each test starts a program of programs/ on 2 ranks (and, for equivalence, on 1 process) in
a subprocess with a time limit, and compares what the ranks wrote.
"""
import os
import sys

import numpy as np
import pytest

from ._mpi import ROOT, check, mpiexec_or_skip, run, run_program

TOLERANCE = 1e-10


def _arrays(path):
    with np.load(path) as saved:
        return {key: saved[key] for key in saved.files if key != "keys"}


def _assert_close(got, expected, tol=TOLERANCE):
    assert got.keys() == expected.keys()
    for key in got:
        np.testing.assert_allclose(got[key], expected[key], rtol=0, atol=tol, err_msg=key)


def _assert_two_ranks_as_one(tmp_path, one=None, tol=TOLERANCE):
    """The arrays both ranks of a run saved as two_0/two_1 equal each other exactly and a
    one-process run's (one_0, unless `one` is given) to `tol`; returns rank 0's."""
    rank0 = _arrays(tmp_path / "two_0.npz")
    _assert_close(rank0, _arrays(tmp_path / "one_0.npz") if one is None else one, tol)
    _assert_close(_arrays(tmp_path / "two_1.npz"), rank0, tol=0)
    return rank0


@pytest.mark.parametrize("program", ["ddp_train.py", "fit_train.py", "fit_train.py weighted",
                                     "ddp_train.py captured", "ddp_train.py captured view",
                                     "fit_train.py captured", "fit_train.py weighted captured",
                                     "fit_train.py batch"])
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_two_ranks_match_one_process_with_the_global_batch(tmp_path, program, optimizer):
    mpiexec_or_skip()
    program, *extra = program.split()  # fit_train.py weighted: sample and class weights
    check(run_program(program, optimizer, tmp_path / "two", 8, *extra, ranks=2))
    check(run_program(program, optimizer, tmp_path / "one", 8, *extra, ranks=1))
    one = _arrays(tmp_path / "one_0.npz")
    # parameters (and fit's history) as one process's; started from other weights, ended
    # identical
    _assert_two_ranks_as_one(tmp_path, one)


def test_a_model_of_two_inputs_and_two_outputs_trains_on_two_ranks_as_on_one(tmp_path):
    """Both inputs and both targets sharded alike; each output's loss and metrics (a
    streamed Keras metric object among them) logged as one process logs them."""
    mpiexec_or_skip()
    check(run_program("fit_multi_io.py", tmp_path / "two", 8, ranks=2))
    check(run_program("fit_multi_io.py", tmp_path / "one", 8, ranks=1))
    one = _arrays(tmp_path / "one_0.npz")
    _assert_two_ranks_as_one(tmp_path, one)


def test_keras_metric_objects_sum_their_state_over_the_ranks(tmp_path):
    """AUC, precision at thresholds, a streamed mean, F1, BinaryIoU and R2Score logged by 2
    ranks are those of one process on the same global batches (float32 states: summed in
    another order)."""
    mpiexec_or_skip()
    check(run_program("fit_keras_metrics.py", tmp_path / "two", ranks=2))
    check(run_program("fit_keras_metrics.py", tmp_path / "one", ranks=1))
    one = _arrays(tmp_path / "one_0.npz")
    _assert_two_ranks_as_one(tmp_path, one, tol=1e-6)


@pytest.mark.parametrize("transport", ["shared_memory", "mpi"])
@pytest.mark.parametrize("as_view", ["view", "copy"])
def test_ddp_matches_one_process_over_either_transport_with_or_without_bucket_views(
        tmp_path, transport, as_view):
    mpiexec_or_skip()
    switch = {"RUNGRAD_SHARED_MEMORY_ALLREDUCE": "1" if transport == "shared_memory" else "0"}
    result = check(run_program("ddp_train.py", "sgd", tmp_path / "two", 8, as_view, ranks=2,
                               env=switch))
    assert result.stdout.count(f"reduced through {transport}") == 2, result.stdout
    check(run_program("ddp_train.py", "sgd", tmp_path / "one", 8, ranks=1))
    _assert_two_ranks_as_one(tmp_path)


def test_sync_batchnorm_matches_batchnorm_on_the_whole_batch(tmp_path):
    mpiexec_or_skip()
    check(run_program("sync_batchnorm.py", tmp_path / "sbn", ranks=2))
    ranks = [_arrays(tmp_path / f"sbn_{r}.npz") for r in range(2)]
    import nn
    from autograd import Variable
    for name, shape, layer_type in (("1d", (6, 3), nn.BatchNorm1d),
                                    ("2d", (4, 2, 3, 3), nn.BatchNorm2d)):
        data = np.random.default_rng(5)
        x = data.normal(size=shape) * 2 + 1
        upstream = data.normal(size=shape)
        layer = layer_type(shape[1], momentum=0.3)
        for p in layer.parameters():
            p.data = np.random.default_rng(9).normal(size=p.shape)
        for buf in ("running_mean", "running_var"):
            setattr(layer, buf, getattr(layer, buf).astype(np.float64))
        for _ in range(2):
            layer.weight.grad = layer.bias.grad = None
            whole = Variable(x)
            out = layer(whole)
            (out * upstream).sum().backward()
        joined = {key: np.concatenate([r[f"{name}_{key}"] for r in ranks])
                  for key in ("out", "dx")}
        np.testing.assert_allclose(joined["out"], out.data, atol=TOLERANCE, rtol=0)
        np.testing.assert_allclose(joined["dx"], whole.grad.data, atol=TOLERANCE, rtol=0)
        for r in ranks:
            np.testing.assert_allclose(r[f"{name}_dw"], layer.weight.grad.data, atol=TOLERANCE)
            np.testing.assert_allclose(r[f"{name}_db"], layer.bias.grad.data, atol=TOLERANCE)
            np.testing.assert_allclose(r[f"{name}_mean"], layer.running_mean, atol=TOLERANCE)
            np.testing.assert_allclose(r[f"{name}_var"], layer.running_var, atol=TOLERANCE)


def test_a_rank_raising_mid_epoch_ends_the_job_with_its_error():
    mpiexec_or_skip()
    result = run_program("raise_mid_epoch.py", ranks=2, timeout=120)  # fails on a hang
    assert result.returncode != 0
    assert "boom: rank 1 failed at batch 2" in result.stderr
    assert "rank 1 of 2" in result.stderr
    assert "finished" not in result.stdout


def _train(out, *options):
    command = [sys.executable, "-m", "nn.training", "train", "--epochs", "2", "--verbose",
               "2", "--out", str(out), *options]
    return check(run(command, cwd=ROOT))


def _test_accuracy(stdout):
    line = next(line for line in stdout.splitlines() if line.startswith("test loss"))
    return float(line.rsplit(" ", 1)[1])


def test_rungrad_train_on_two_workers_writes_its_files_once(tmp_path):
    mpiexec_or_skip()
    two = _train(tmp_path / "two", "--workers", "2")
    one = _train(tmp_path / "one")
    assert two.stdout.count("wrote ") == 1 and two.stdout.count("test loss") == 1
    assert two.stdout.count("Epoch 2/2") == 1
    assert sorted(os.listdir(tmp_path / "two")) == sorted(os.listdir(tmp_path / "one"))
    for name in ("history.csv", "weights.npz"):
        assert os.path.exists(tmp_path / "two" / name)
    with open(tmp_path / "two" / "history.csv") as f:
        assert len(f.read().splitlines()) == 1 + 2  # a header and one row per epoch
    assert _test_accuracy(two.stdout) == pytest.approx(_test_accuracy(one.stdout), abs=0.01)
    assert _test_accuracy(two.stdout) > 0.8
    with np.load(tmp_path / "two" / "weights.npz") as a, \
            np.load(tmp_path / "one" / "weights.npz") as b:
        for key in a.files:  # float32: the same training up to rounding
            np.testing.assert_allclose(a[key], b[key], atol=1e-4)


def test_ddp_no_sync_buffers_and_unused_parameters():
    mpiexec_or_skip()
    result = check(run_program("ddp_behaviour.py", ranks=2, timeout=120))
    for name in ("no_sync", "bucket_view", "held", "tied", "buffers", "unused", "huge", "late_hook",
                 "local", "destroy"):
        assert result.stdout.count(f"ok {name}") == 2, (result.stdout, result.stderr)


def test_ddp_in_a_captured_step_no_sync_buffers_and_refusals():
    mpiexec_or_skip()
    result = check(run_program("ddp_captured.py", ranks=2, timeout=120))
    for name in ("no_sync", "buffers", "syncbn", "unused"):
        assert result.stdout.count(f"ok {name}") == 2, (result.stdout, result.stderr)


def test_a_checkpoint_from_two_ranks_resumes_alike_on_one_or_two(tmp_path):
    mpiexec_or_skip()
    checkpoint = tmp_path / "ckpt.npz"
    check(run_program("resume.py", "first", checkpoint, ranks=2))
    assert sorted(os.listdir(tmp_path)) == ["ckpt.npz"]  # one file, no temporary left
    check(run_program("resume.py", "resume", checkpoint, tmp_path / "two", ranks=2))
    check(run_program("resume.py", "resume", checkpoint, tmp_path / "one", ranks=1))
    _assert_two_ranks_as_one(tmp_path)


@pytest.mark.parametrize("how", ["ddp", "fit", "fit_end"])
def test_a_rank_calling_sys_exit_mid_epoch_ends_the_job_with_its_status(how):
    mpiexec_or_skip()
    result = run_program("exit_mid_epoch.py", how, ranks=2, timeout=60)  # fails on a hang
    assert result.returncode == 3, (result.stdout, result.stderr)
    assert "rank 1 of 2: exiting" in result.stderr
    assert "rank 0 of 2: rank 1 exited" in result.stderr
    assert "finished" not in result.stdout


@pytest.mark.parametrize("transport", ["shared_memory", "mpi"])
def test_six_ranks_average_exactly_across_dtypes_and_end_cleanly(transport):
    # six ranks on two cores finish far apart: a rank's goodbye often arrives while another
    # still completes the last collective, which must not be taken for a rank that left
    mpiexec_or_skip()
    switch = {"RUNGRAD_SHARED_MEMORY_ALLREDUCE": "1" if transport == "shared_memory" else "0"}
    result = check(run_program("mixed_dtypes.py", ranks=6, timeout=120, env=switch))
    assert result.stdout.count("exact") == 6, result.stdout


def test_ddp_falls_back_to_mpi_when_shared_memory_has_no_room():
    mpiexec_or_skip()
    result = check(run_program("shared_memory_full.py", ranks=2, timeout=60))
    assert result.stdout.count("ok fallback") == 2, result.stdout


def test_the_workers_launcher_returns_the_failing_rank_s_status():
    mpiexec_or_skip()  # `rungrad train --workers N` returns what relaunch_module returns
    code = ("import sys; from nn.distributed.launch import relaunch_module; "
            "sys.exit(relaunch_module('tests.nn.distributed.programs.exit_mid_epoch', "
            "['ddp'], 2))")
    result = run([sys.executable, "-c", code], timeout=60, cwd=ROOT)
    assert result.returncode == 3, (result.stdout, result.stderr)
    assert "rank 1 of 2: exiting" in result.stderr


def test_find_unused_parameters_averages_a_branch_one_rank_skips_as_pytorch(tmp_path):
    mpiexec_or_skip()
    check(run_program("ddp_unused.py", tmp_path / "two", ranks=2))
    check(run_program("ddp_unused.py", tmp_path / "one", ranks=1))  # both halves, one process
    one = _arrays(tmp_path / "one_0.npz")
    # weights, and the branch's .grad: (g + 0) / 2 on both ranks
    _assert_two_ranks_as_one(tmp_path, one)
    # no rank took the branch at steps 0 and 3: its .grad stayed None there, as PyTorch's
    assert sorted(k for k in one if k.startswith("grad_")) == \
        ["grad_1", "grad_2", "grad_4", "grad_5"]


def test_a_stop_asked_on_rank_0_only_stops_every_rank(tmp_path):
    """stop_training is agreed across ranks: a rank that went on alone would wait forever."""
    mpiexec_or_skip()
    check(run_program("fit_stop_rank0.py", tmp_path / "epochs", ranks=2, timeout=60))
    assert [(tmp_path / f"epochs_{rank}.txt").read_text() for rank in (0, 1)] == ["1", "1"]


@pytest.mark.parametrize("how", ["raise", "exit"])
def test_a_rank_failing_before_the_group_exists_ends_the_job(how):
    """`import nn` under mpiexec watches from the start: the group fit makes later cannot
    leave rank 0 waiting for a rank that already failed."""
    mpiexec_or_skip()
    result = run_program("fail_before_group.py", how, ranks=2, timeout=60)  # fails on a hang
    assert "finished" not in result.stdout
    if how == "raise":
        assert result.returncode != 0 and "shard-1.npz: no such file" in result.stderr
        assert "rank 1 of 2: uncaught exception" in result.stderr
    else:
        assert result.returncode == 3 and "rank 1 of 2: exiting" in result.stderr


def test_a_global_batch_of_one_trains_as_one_process_or_names_the_batch_size(tmp_path):
    mpiexec_or_skip()
    check(run_program("fit_tiny_batches.py", "lazy", tmp_path / "two", ranks=2))
    check(run_program("fit_tiny_batches.py", "lazy", tmp_path / "one", ranks=1))
    _assert_two_ranks_as_one(tmp_path)
    result = run_program("fit_tiny_batches.py", "metrics", tmp_path / "m", ranks=2)
    assert result.returncode != 0
    assert "global batch_size (1) is smaller than the 2 ranks" in result.stderr


@pytest.mark.parametrize("batch_size", ["4", "1"])
def test_constraints_keep_the_ranks_identical_and_as_one_process(tmp_path, batch_size):
    """Each rank projects the same averaged weights (batch 1: one rank's piece is empty,
    and its step is projected all the same)."""
    mpiexec_or_skip()
    check(run_program("fit_constraints.py", batch_size, tmp_path / "two", ranks=2))
    check(run_program("fit_constraints.py", batch_size, tmp_path / "one", ranks=1))
    rank0 = _assert_two_ranks_as_one(tmp_path)
    kernel, bias = rank0["arr_0"], rank0["arr_1"]  # (out, in) weight: a unit's norm per row
    assert np.sqrt((kernel ** 2).sum(axis=1)).max() <= 0.3 + 1e-12 and bias.min() >= 0


def test_ranks_whose_parameters_or_options_differ_are_refused_by_name():
    """(Comparing sizes only let a (6, 4) weight be broadcast into a (4, 6) one; a parameter
    frozen on one rank only, or find_unused_parameters on one rank only, shifted the buckets
    and the ranks' weights drifted apart silently.)"""
    mpiexec_or_skip()
    result = check(run_program("ddp_layouts.py", ranks=2, timeout=120))
    for name in ("transposed", "dtype", "frozen", "find_unused", "bucket_cap",
                 "broadcast_buffers", "alike"):
        assert result.stdout.count(f"ok {name}") == 2, (result.stdout, result.stderr)
    assert "rank 1 has weight (4, 6) float32 where rank 0 has weight (6, 4) float32" in (
        result.stdout)


@pytest.mark.parametrize("kind", ["sum", "torch_sum", "mws", "ce_weight", "masked"])
def test_losses_not_divided_by_the_samples_train_on_two_ranks_as_on_one(tmp_path, kind):
    """Sums (with a penalty counted once), sample-weight, class-weight and masked means:
    each rank's gradient weighted by its loss's denominator gives one process's update."""
    mpiexec_or_skip()
    check(run_program("fit_loss_kinds.py", kind, tmp_path / "two", ranks=2))
    check(run_program("fit_loss_kinds.py", kind, tmp_path / "one", ranks=1))
    _assert_two_ranks_as_one(tmp_path)


def test_fit_leaves_a_parameter_no_rank_used_without_a_gradient(tmp_path):
    """Its .grad stays None, as in one process, so weight decay does not move it."""
    mpiexec_or_skip()
    check(run_program("fit_unused.py", tmp_path / "two", ranks=2))
    check(run_program("fit_unused.py", tmp_path / "one", ranks=1))
    rank0 = _assert_two_ranks_as_one(tmp_path)  # (rank 1's arrays equal rank 0's)
    assert rank0["unused_grad_none"].all()


def test_fit_refuses_arguments_that_differ_between_the_ranks_by_name():
    """(Other epochs, batch sizes, sample counts, shuffling or validation on one rank made
    the ranks call different collectives: fit hung, or failed deep in MPI.)"""
    mpiexec_or_skip()
    result = check(run_program("fit_arguments.py", ranks=2, timeout=120))
    for name in ("epochs", "batch_size", "samples", "shuffle", "validation_split",
                 "validation_freq", "initial_epoch", "alike"):
        assert result.stdout.count(f"ok {name}") == 2, (result.stdout, result.stderr)


def test_all_gather_rows_refuses_ranks_whose_arrays_differ_beyond_axis_0_by_name():
    """(Rank 1's (3, 2) against rank 0's (2, 3) wrote past the joined array.)"""
    mpiexec_or_skip()
    result = check(run_program("gather_layouts.py", ranks=2, timeout=120))
    for name in ("transposed", "dtype", "axes", "alike"):
        assert result.stdout.count(f"ok {name}") == 2, (result.stdout, result.stderr)
    assert "rank 0 (2, 3) float64, rank 1 (3, 2) float64" in result.stdout
    assert "rank 0 (2, 3) float64, rank 1 (2, 3) float32" in result.stdout


def test_init_process_group_checks_torch_s_world_size_and_rank_against_mpi_s():
    mpiexec_or_skip()
    result = check(run_program("init_arguments.py", ranks=2, timeout=60))
    for name in ("taken", "world_size", "rank"):
        assert result.stdout.count(f"ok {name}") == 2, (result.stdout, result.stderr)
    assert "rank=1, but MPI made this process rank 0" in result.stdout


def test_fit_refuses_a_metric_object_whose_state_the_ranks_cannot_combine():
    """(It was logged with rank 0's share of the data, silently.)"""
    mpiexec_or_skip()
    result = check(run_program("fit_stateless_metric.py", ranks=2, timeout=120))
    for name in ("plain", "subclass"):
        assert result.stdout.count(f"ok {name} refused") == 2, (result.stdout, result.stderr)
    for refused in ("'samples_seen' (SamplesSeen)", "'counted' (CountedInAnAttribute)"):
        assert f"metric {refused} keeps its state outside `variables`" in result.stdout
    one = check(run_program("fit_stateless_metric.py", ranks=1, timeout=120))
    assert one.stdout.count("counted") == 2, (one.stdout, one.stderr)


def test_only_rank_0_prints_warns_and_writes_files_in_fit(tmp_path):
    """Callbacks' verbose messages, fit's warnings and GradientMonitor's plot: rank 0's."""
    mpiexec_or_skip()
    check(run_program("fit_rank0_output.py", tmp_path / "out", ranks=2, timeout=120))
    said = [(tmp_path / f"out_{rank}.txt").read_text() for rank in (0, 1)]
    for words in ("early stopping", "LearningRateScheduler setting learning rate",
                  "warning: fit: the data ran out"):
        assert words in said[0], said[0]
    assert said[1] == ""
    assert (tmp_path / "out_plot_0.png").exists() and not (tmp_path / "out_plot_1.png").exists()


@pytest.mark.parametrize("case", ["even", "sum", "uneven", "weighted", "uneven_captured",
                                  "ignored_rank", "added_loss"])
def test_fit_with_sync_batchnorm_trains_as_one_process(tmp_path, case):
    """Also where the ranks' pieces weigh differently (3 and 2 samples, sample weights): the
    statistics' gradients are weighted as the ranks' gradients are."""
    mpiexec_or_skip()
    check(run_program("fit_sync_batchnorm.py", case, tmp_path / "two", ranks=2))
    check(run_program("fit_sync_batchnorm.py", case, tmp_path / "one", ranks=1))
    _assert_two_ranks_as_one(tmp_path)


def test_fit_refuses_what_the_ranks_weighting_cannot_combine(tmp_path):
    """A rank whose piece weighs nothing would lose SyncBatchNorm's gradient through the
    shared statistics (12 % off); activity penalties and added losses average over each
    rank's piece (5-8 % off with sample weights or a sum). Every rank raises, before the
    update."""
    mpiexec_or_skip()
    result = check(run_program("fit_sync_batchnorm.py", "refused", tmp_path, ranks=2))
    for what in ("zero weight", "activity weighted", "activity summed", "added summed"):
        assert result.stdout.count(f"ok {what}") == 2, (result.stdout, result.stderr)


@pytest.mark.parametrize("transport", ["shared_memory", "mpi"])
def test_ranks_calling_collectives_out_of_step_raise_on_every_rank_naming_both(transport):
    """(Rank 0's extra batch met rank 1's all_reduce of a loss: in shared memory rank 1 got 5
    for 2 + 5 and the job exited 0; over MPI garbage, then a hang or a crash inside MPICH.)"""
    mpiexec_or_skip()
    switch = {"RUNGRAD_SHARED_MEMORY_ALLREDUCE": "1" if transport == "shared_memory" else "0"}
    result = check(run_program("out_of_step.py", ranks=2, timeout=120, env=switch))
    for name in ("batches", "no_sync", "kinds", "counts", "gather", "alike"):
        assert result.stdout.count(f"ok {name}") == 2, (result.stdout, result.stderr)
    averaging = ("the gradient averaging of bucket 0" if transport == "shared_memory" else
                 "the gradient averaging of 1 bucket(s)")
    for said in ("rank 1 is in all_reduce (#", f"'sum' of 1 float64) where rank 0 is in "
                 f"{averaging} (#", "rank 1 is in broadcast (#",
                 "from rank 0, 2 float64) where rank 0 is in all_reduce",
                 "'sum' of 1 float32) where rank 0 is in all_reduce", "'sum' of 3 float64)",
                 "use DistributedSampler; no_sync() on every rank or none"):
        assert said in result.stdout, (said, result.stdout)


@pytest.mark.parametrize("transport", ["shared_memory", "mpi"])
def test_collectives_out_of_step_and_uncaught_end_the_job_with_the_error(transport):
    mpiexec_or_skip()
    switch = {"RUNGRAD_SHARED_MEMORY_ALLREDUCE": "1" if transport == "shared_memory" else "0"}
    result = run_program("out_of_step.py", "uncaught", ranks=2, timeout=60, env=switch)
    assert result.returncode != 0, (result.stdout, result.stderr)
    assert "OutOfStepError: collectives out of step: rank 1 is in all_reduce" in result.stderr
    assert "finished" not in result.stdout and "not 7" not in result.stdout


def test_evaluate_on_a_distributed_sampler_s_shards_scores_the_whole_data():
    """Each rank's loss and accuracy on its shard alone (one rank's 0.33, the other's 0.58
    for 0.46) were returned as evaluate's: they are combined over the ranks."""
    mpiexec_or_skip()
    result = check(run_program("evaluate_shards.py"))
    assert result.stdout.count("ok evaluate") == 2, result.stdout


def test_pytorchs_collectives_and_keywords_run_on_two_ranks():
    mpiexec_or_skip()
    result = check(run_program("torch_collectives.py", ranks=2, timeout=60))
    assert result.stdout.count("ok mpi") == 2, (result.stdout, result.stderr)


def test_wrapping_one_module_again_frees_the_earlier_wrappers_shared_memory():
    mpiexec_or_skip()
    result = check(run_program("rewrap.py", ranks=2, timeout=60))
    assert result.stdout.count("ok ") == 2, (result.stdout, result.stderr)
