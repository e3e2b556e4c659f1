"""nn.distributed in a world of one (no mpiexec): the API works, mpi4py is not needed, errors
name what is wrong; DistributedSampler against PyTorch's; DDP's state_dict; SyncBatchNorm."""
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
import nn.distributed as dist
from autograd import Variable
from nn.data import DataLoader, TensorDataset

from ._mpi import ROOT, environment


@pytest.fixture(autouse=True)
def fresh_group():
    dist.destroy_process_group()
    yield
    dist.destroy_process_group()


def test_a_plain_process_is_a_world_of_one_without_importing_mpi4py():
    code = ("import sys, numpy as np, nn.distributed as d; d.init_process_group(); "
            "a = np.arange(3.0); d.all_reduce(a); d.broadcast(a); d.barrier(); "
            "print(d.is_initialized(), d.get_rank(), d.get_world_size(), a.tolist(), "
            "'mpi4py' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=environment(), cwd=ROOT, timeout=120)
    assert result.stdout.split() == ["True", "0", "1", "[0.0,", "1.0,", "2.0]", "False"], \
        result.stderr


def test_collectives_of_one_return_their_array_unchanged():
    a = np.arange(4.0)
    assert dist.all_reduce(a, op="max") is a and dist.broadcast(a, src=0) is a
    v = Variable(np.ones(2))
    assert dist.all_reduce(v, op=dist.ReduceOp.AVG) is v
    np.testing.assert_array_equal(dist.all_gather_rows(np.ones((2, 3))), np.ones((2, 3)))


@pytest.mark.parametrize("call, error, words", [
    (lambda: dist.all_reduce(np.ones(2), op="median"), ValueError, "op must be one of"),
    (lambda: dist.all_reduce([1.0, 2.0]), TypeError, "got list"),
    (lambda: dist.broadcast(np.ones(2), src=1), ValueError, "src must be a rank from 0 to 0"),
    (lambda: dist.init_process_group(backend="ucc"), ValueError, "backend must be one of mpi"),
    (lambda: dist.init_process_group("cpu:gloo,cuda:xla"), ValueError, "got 'cpu:gloo,cuda"),
    (lambda: dist.init_process_group(world_size=2), ValueError,
     r"world_size=2, but mpiexec started 1; the launcher \(mpiexec -n N\) decides"),
    (lambda: dist.init_process_group(rank=1), ValueError,
     "rank=1, but MPI made this process rank 0"),
    (lambda: dist.all_reduce(np.arange(3), op="avg"), TypeError, "'avg' needs a floating"),
    (lambda: dist.all_reduce(np.ones(2, bool)), TypeError, "bool arrays cannot be reduced"),
])
def test_bad_arguments_are_named(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_a_torchrun_launch_is_refused_not_run_as_several_worlds_of_one(monkeypatch):
    """torchrun's WORLD_SIZE without an MPI launcher's variables: each process would train
    alone, as rank 0, and write the same files."""
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("RANK", "1")
    with pytest.raises(RuntimeError, match=r"WORLD_SIZE=2 \(a torchrun launch\?\).*"
                                           r"mpiexec -n 2 python"):
        dist.init_process_group()
    monkeypatch.setenv("WORLD_SIZE", "1")
    dist.init_process_group()
    assert dist.get_world_size() == 1


def test_launched_on_several_ranks_without_mpi4py_names_the_extra(monkeypatch):
    monkeypatch.setenv("PMI_SIZE", "2")
    monkeypatch.setitem(sys.modules, "mpi4py", None)  # import mpi4py now fails
    with pytest.raises(ImportError, match=r"one of 2 processes.*rungrad\[distributed\]"):
        dist.init_process_group()


def test_workers_without_mpi4py_or_mpiexec_name_the_extra(monkeypatch, tmp_path, capsys):
    from nn.distributed import launch
    from nn.training.cli import main
    monkeypatch.setattr(launch.importlib.util, "find_spec", lambda name: None)
    assert main(["train", "--workers", "2", "--out", str(tmp_path)]) == 1
    assert "needs mpi4py" in capsys.readouterr().err
    monkeypatch.undo()
    monkeypatch.setattr(launch.sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ImportError, match=r"needs mpiexec.*rungrad\[distributed\]"):
        launch.find_mpiexec()


# ----- DistributedSampler -----
@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 23), replicas=st.integers(1, 5), drop_last=st.booleans())
def test_sampler_shards_as_pytorch_in_order(n, replicas, drop_last):
    torch = pytest.importorskip("torch")
    from torch.utils.data import DistributedSampler as TorchSampler
    if drop_last and n < replicas:
        return  # PyTorch's gives empty shards there; ours too (checked below)
    for rank in range(replicas):
        ours = dist.DistributedSampler(range(n), replicas, rank, shuffle=False,
                                       drop_last=drop_last)
        theirs = TorchSampler(torch.arange(n), replicas, rank, shuffle=False,
                              drop_last=drop_last)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)


def test_shuffled_shards_are_disjoint_cover_the_data_and_change_with_the_epoch():
    samplers = [dist.DistributedSampler(range(12), 3, r, seed=4) for r in range(3)]
    first = [list(s) for s in samplers]
    assert sorted(sum(first, [])) == list(range(12))
    for s in samplers:
        s.set_epoch(1)
    second = [list(s) for s in samplers]
    assert sorted(sum(second, [])) == list(range(12)) and second != first
    again = dist.DistributedSampler(range(12), 3, 0, seed=4)
    assert list(again) == first[0]  # the order depends only on (seed, epoch)


def test_padding_repeats_the_first_indices_and_drop_last_cuts():
    assert [list(dist.DistributedSampler(range(5), 2, r, shuffle=False)) for r in (0, 1)] \
        == [[0, 2, 4], [1, 3, 0]]
    assert [list(dist.DistributedSampler(range(5), 2, r, shuffle=False, drop_last=True))
            for r in (0, 1)] == [[0, 2], [1, 3]]


@pytest.mark.parametrize("kwargs, words", [({"num_replicas": 0}, "num_replicas"),
                                           ({"num_replicas": 2, "rank": 2}, "rank must be")])
def test_sampler_refuses_bad_ranks(kwargs, words):
    with pytest.raises(ValueError, match=words):
        dist.DistributedSampler(range(4), **kwargs)


def test_dataloader_takes_a_sampler_and_refuses_it_with_shuffle():
    x = np.arange(10.0).reshape(5, 2)
    data = TensorDataset(x, np.arange(5))
    sampler = dist.DistributedSampler(data, num_replicas=2, rank=1, shuffle=False)
    loader = DataLoader(data, batch_size=2, sampler=sampler)
    batches = [yb.tolist() for _, yb in loader]
    assert batches == [[1, 3], [0]] and len(loader) == 2
    with pytest.raises(ValueError, match="sampler and shuffle=True"):
        DataLoader(data, batch_size=2, sampler=sampler, shuffle=True)


# ----- DistributedDataParallel in a world of one -----
def _net():
    np.random.seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))


def test_ddp_state_dict_has_the_module_prefix_and_loads_into_the_bare_module():
    ddp = dist.DistributedDataParallel(_net())
    state = ddp.state_dict()
    assert list(state) == [f"module.{k}" for k in ddp.module.state_dict()]
    bare = _net()
    for p in bare.parameters():
        p.data[...] = 0
    bare.load_state_dict(dist.consume_prefix_in_state_dict_if_present(dict(state)))
    for a, b in zip(bare.parameters(), ddp.module.parameters()):
        np.testing.assert_array_equal(a.data, b.data)
    ddp.load_state_dict(bare.state_dict())  # bare keys are taken too
    ddp.load_state_dict(state)


def test_ddp_of_one_gives_the_module_s_gradients():
    ddp, bare = dist.DistributedDataParallel(_net()), _net()
    x = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)
    for model in (ddp, bare):
        (model(Variable(x)) ** 2).sum().backward()
    for a, b in zip(ddp.parameters(), bare.parameters()):
        np.testing.assert_array_equal(a.grad.data, b.grad.data)


@pytest.mark.parametrize("make, error, words", [
    (lambda: dist.DistributedDataParallel(object()), TypeError, "expected an nn.Module"),
    (lambda: dist.DistributedDataParallel(nn.LazyLinear(3)), ValueError, "not built yet"),
])
def test_ddp_refuses_what_it_cannot_serve(make, error, words):
    with pytest.raises(error, match=words):
        make()


class _TwoHeads(nn.Module):
    def __init__(self):
        super().__init__()
        self.body, self.left, self.right = nn.Linear(3, 4), nn.Linear(4, 1), nn.Linear(4, 1)

    def forward(self, x, heads=("left",)):
        h = self.body(x)
        return {name: getattr(self, name)(h) for name in heads}


def test_ddp_of_one_with_find_unused_parameters_leaves_unused_grads_none():
    np.random.seed(0)
    ddp = dist.DistributedDataParallel(_TwoHeads(), find_unused_parameters=True)
    x = Variable(np.random.default_rng(0).normal(size=(5, 3)))
    ddp(x)["left"].sum().backward()
    assert ddp.module.right.weight.grad is None and ddp.module.right.bias.grad is None
    expected = ddp.module.left.weight.grad.data.copy()
    ddp.zero_grad()
    ddp.module(x)["left"].sum().backward()  # the bare module: the same gradients
    np.testing.assert_array_equal(ddp.module.left.weight.grad.data, expected)


def test_unused_parameters_are_those_no_function_behind_the_outputs_takes():
    from nn.distributed.ddp import unused_parameters
    net = _TwoHeads()
    x = Variable(np.ones((2, 3)))
    right = [net.right.weight, net.right.bias]
    assert unused_parameters(net.parameters(), net(x)) == right
    assert unused_parameters(net.parameters(), [net(x, ("left", "right"))]) == []
    assert unused_parameters(net.parameters(), (net.body(x), net.left.weight)) == \
        [net.left.bias] + right  # an output that is a parameter itself is used


# ----- SyncBatchNorm -----
def test_sync_batchnorm_of_one_is_batchnorm_and_conversion_keeps_the_parameters():
    net = _net()
    x = np.random.default_rng(1).normal(size=(6, 3)).astype(np.float32)
    expected = net(Variable(x)).data
    converted = nn.SyncBatchNorm.convert_sync_batchnorm(net)
    assert isinstance(converted[1], nn.SyncBatchNorm)
    np.testing.assert_allclose(converted(Variable(x)).data, expected, rtol=1e-6)
    with pytest.raises(ValueError, match="channels"):
        nn.SyncBatchNorm(5)(Variable(x))
    batchnorm = nn.BatchNorm1d(3)  # statistics in float64: the same arrays come over
    batchnorm.running_mean = np.zeros(3)
    synced = nn.SyncBatchNorm.convert_sync_batchnorm(nn.Sequential(batchnorm))[0]
    assert synced.running_mean is batchnorm.running_mean
    assert synced.running_mean.dtype == np.float64


def test_a_ddp_checkpoint_loads_into_the_bare_module_directly():
    from nn.distributed import DistributedDataParallel
    rng = np.random.default_rng(0)
    bare = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    wrapped = DistributedDataParallel(nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2)))
    for p in wrapped.parameters():
        p.data = rng.normal(size=p.shape).astype(p.dtype)
    state = wrapped.state_dict()
    assert all(key.startswith("module.") for key in state)
    bare.load_state_dict(state)
    for (name, p), q in zip(bare.state_dict().items(), wrapped.module.parameters()):
        np.testing.assert_array_equal(p, q.data, err_msg=name)


def test_saving_the_wrapper_whole_says_to_save_ddp_module(tmp_path):
    from nn.training.saving import save_model
    ddp = dist.DistributedDataParallel(nn.Sequential(nn.Linear(2, 3)))
    with pytest.raises(TypeError, match=r"DistributedDataParallel wrapper; save the model it "
                                        r"wraps, ddp\.module"):
        save_model(ddp, tmp_path / "model.rungrad")
    save_model(ddp.module, tmp_path / "model.rungrad")


@pytest.mark.parametrize("make", [lambda: nn.InstanceNorm2d(3),
                                  lambda: nn.keras.layers.BatchNormalization()],
                         ids=["InstanceNorm2d", "keras BatchNormalization"])
def test_conversion_leaves_instance_norm_and_keras_batch_normalization(make):
    """Neither is PyTorch's BatchNorm: instance statistics, or channels last with Keras'
    momentum, would change what the model computes."""
    norm = make()
    net = nn.Sequential(norm)
    assert nn.SyncBatchNorm.convert_sync_batchnorm(net)[0] is norm


@given(st.integers(-2**70, -1))
@settings(max_examples=20, deadline=None)
def test_a_negative_epoch_gives_a_shuffled_cover_of_the_data(epoch):
    """PyTorch takes any integer epoch; the order is still a permutation, fixed by it."""
    sampler = dist.DistributedSampler(range(7), 1, 0, seed=3)
    sampler.set_epoch(epoch)
    order = list(sampler)
    assert sorted(order) == list(range(7)) and list(sampler) == order


def test_set_epoch_refuses_a_non_integer_by_name():
    with pytest.raises(ValueError, match="set_epoch"):
        dist.DistributedSampler(range(7), 1, 0).set_epoch(1.5)


@pytest.mark.parametrize("backend", ["mpi", "gloo", "nccl", "GLOO", "cpu:gloo,cuda:nccl", None])
def test_init_process_group_takes_torch_s_arguments(backend):
    """As torch.distributed code passes them; the backends all run over MPI."""
    import datetime
    dist.init_process_group(backend=backend, init_method="env://", world_size=1, rank=0,
                            timeout=datetime.timedelta(seconds=60), store=None,
                            group_name="trainers", pg_options=None, device_id=None)
    assert dist.is_initialized() and dist.get_world_size() == 1


class _Ended(Exception):
    """os._exit, made to raise so that the test goes on."""


class _AbortReturns:
    """Rank 1 of 2 whose MPI_Abort returns, as MPICH's does (its launcher ends the job a
    moment later)."""

    def __init__(self):
        self.aborted = []

    def Abort(self, status):
        self.aborted.append(status)

    def Get_rank(self):
        return 1

    def Get_size(self):
        return 2


def _ending(status):
    raise _Ended(status)


def test_abort_and_an_uncaught_exception_leave_at_once_where_mpi_abort_returns(monkeypatch):
    """(The program went on after MPICH's MPI_Abort: code after dist.abort() wrote files,
    and an uncaught exception's atexit goodbye misreported it as an early exit.)"""
    import os

    from nn.distributed import faults, group
    comm = _AbortReturns()
    monkeypatch.setattr(os, "_exit", _ending)
    monkeypatch.setattr(group, "_group", group._Group(None))
    monkeypatch.setattr(group._group, "comm", comm)
    with pytest.raises(_Ended, match="5"):
        dist.abort(5)
    monkeypatch.setattr(sys, "excepthook", sys.__excepthook__)
    faults._abort_on_uncaught_exceptions(comm)
    with pytest.raises(_Ended, match="1"):
        sys.excepthook(RuntimeError, RuntimeError("boom"), None)
    assert comm.aborted == [5, 1]


def test_an_uncaught_exception_is_reported_in_one_write_after_import_nn_s_watch(monkeypatch):
    """(With `import nn`'s watch before the group taken for someone's own hook, Python's hook
    wrote the report piece by piece, and mpiexec interleaved two ranks' pieces: the CI log
    had 'OutOfStepError' and ': collectives out of step' apart.)"""
    import atexit
    import os

    from nn.distributed import faults
    comm, writes = _AbortReturns(), []
    monkeypatch.setattr(os, "_exit", _ending)
    monkeypatch.setattr(os, "write", lambda fd, data: writes.append((fd, data)) or len(data))
    monkeypatch.setattr(atexit, "register", lambda *args: None)
    monkeypatch.setattr(sys, "excepthook", sys.__excepthook__)
    faults.watch_before_the_group()
    faults._abort_on_uncaught_exceptions(comm)
    try:
        raise RuntimeError("collectives out of step")
    except RuntimeError as error:
        with pytest.raises(_Ended, match="1"):
            sys.excepthook(RuntimeError, error, error.__traceback__)
    assert len(writes) == 1 and writes[0][0] == 2, writes
    report = writes[0][1].decode()
    assert report.startswith("rank 1 of 2: uncaught exception, aborting the job\nTraceback")
    assert "RuntimeError: collectives out of step\n" in report


class _CtrlCOnce:
    """mpiexec as Popen starts it, during whose run the terminal's Ctrl-C comes once; the
    ranks then finish (rank 0 saving) and mpiexec exits with 130."""
    killed = False

    def __init__(self, command, **options):
        self.interrupted = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def wait(self, timeout=None):
        if not self.interrupted:
            self.interrupted = True
            raise KeyboardInterrupt
        return 130

    def kill(self):
        type(self).killed = True


def test_the_workers_launcher_waits_for_mpiexec_through_a_ctrl_c(monkeypatch):
    """(It killed mpiexec a quarter of a second after a Ctrl-C, as subprocess.call does,
    which ended rank 0 of `rungrad train --workers 2` in the middle of saving the last
    epoch's weights.)"""
    from nn.distributed import launch
    monkeypatch.setattr(launch, "mpi_command", lambda workers, args: ["mpiexec", *args])
    monkeypatch.setattr(subprocess, "Popen", _CtrlCOnce)
    try:
        status = launch.relaunch_module("nn.training", ["train"], 2)
    except KeyboardInterrupt:
        status = "interrupted"
    assert status == 130 and not _CtrlCOnce.killed


def test_pytorchs_collective_names_and_keywords_in_a_world_of_one():
    array = np.arange(3.0)
    work = dist.all_reduce(array, dist.ReduceOp.SUM, group=dist.group.WORLD, async_op=True)
    assert work.wait() and work.is_completed() and array.tolist() == [0.0, 1.0, 2.0]
    gathered = [np.zeros(3)]
    dist.all_gather(gathered, array)
    assert gathered[0].tolist() == [0.0, 1.0, 2.0]
    assert dist.reduce(array, dst=0) is array and dist.new_group() is dist.group.WORLD
    assert dist.get_backend() == "mpi" and dist.is_available()
    assert dist.get_rank(group=None) == 0 and dist.get_world_size(dist.group.WORLD) == 1
    with pytest.raises(ValueError, match="group= must be the world"):
        dist.broadcast(array, 0, group=object())
    with pytest.raises(ValueError, match="tensor_list must hold 1 arrays"):
        dist.all_gather([np.zeros(3), np.zeros(3)], array)
    with pytest.raises(ValueError, match="must have the tensor's dtype float64"):
        dist.all_gather([np.zeros(3, np.int32)], array)
    with pytest.raises(ValueError, match="one group, every rank; got ranks"):
        dist.new_group([0, 1])
    ddp = dist.DistributedDataParallel(nn.Linear(2, 1), device_ids=[0], output_device=0,
                                       process_group=None, bucket_cap_mb=None,
                                       static_graph=True)
    assert ddp.module.in_features == 2
    with pytest.raises(ValueError, match="init_sync=False is not supported"):
        dist.DistributedDataParallel(nn.Linear(2, 1), init_sync=False)


def test_sync_batchnorm_takes_pytorchs_process_group_and_keeps_bias_and_dtype():
    """(convert_sync_batchnorm made a float32 layer with a bias from a float64 one without:
    its config, saving and cloning broke; process_group= was refused.)"""
    net = nn.Sequential(nn.Linear(3, 4, dtype=np.float64),
                        nn.BatchNorm1d(4, bias=False, dtype=np.float64))
    synced = nn.SyncBatchNorm.convert_sync_batchnorm(net, process_group=None)[1]
    assert synced.get_config()["bias"] is False and synced.get_config()["dtype"] == "float64"
    assert synced.bias is None and synced.weight.dtype == np.float64
    clone = nn.SyncBatchNorm(**synced.get_config())
    assert clone.bias is None and clone.weight.dtype == np.float64
    assert nn.SyncBatchNorm(4, 1e-5, 0.1, True, True, None).process_group is None
    with pytest.raises(ValueError, match="SyncBatchNorm: group= must be the world"):
        nn.SyncBatchNorm(4, process_group=object())
