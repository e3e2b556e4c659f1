"""Data-parallel throughput: 2 ranks (mpiexec) against 1 process on the big MLP.

784-1000-1000-10, ReLU, softmax cross-entropy, SGD, float32, 1 BLAS thread per rank, the
same per-rank batch (weak scaling: 2 ranks train on a global batch twice as large), through
nn.distributed.DistributedDataParallel. Reports samples per second, the scaling efficiency
(2-rank throughput / twice the 1-process throughput; target >= 0.85) beside the ceiling
this machine sets (two ranks training apart, with no DDP: they share caches and memory
bandwidth), and the allreduce share of a step (time waiting for the averaged gradients /
step time), beside the time of a bare Allreduce of the same 1.8M float32 gradients.

Run: python bench/bench_distributed.py [--batch 100] [--steps 30] [--rounds 3]
(needs the distributed extra: mpi4py and mpiexec). It starts itself plainly and under
`mpiexec -n 2`, alternately, `rounds` times each; each run prints one line of numbers, and
this parent compares their medians.
"""
import argparse
import json
import os
import subprocess
import sys
import time

from _common import malloc_note

import numpy as np

SIZES = (784, 1000, 1000, 10)
WARMUP = 3


def worker(batch, steps, as_view, apart=False):
    """One rank's run: per-step times, waits for the allreduce, a bare Allreduce's time.
    apart: no DistributedDataParallel (each rank trains alone: the machine's ceiling)."""
    from bench_mlp import MLP

    import nn
    import nn.distributed as dist
    import optim
    from autograd import Variable

    rank, world = dist.get_rank(), dist.get_world_size()
    np.random.seed(rank)
    model = MLP(SIZES, nn.functional.relu)
    ddp = model if apart else dist.DistributedDataParallel(model,
                                                           gradient_as_bucket_view=as_view)
    opt = optim.SGD(ddp.parameters(), lr=0.01)
    reducer = getattr(ddp, "reducer", None)  # None when apart
    buckets = 0 if reducer is None else len(reducer.buckets)

    def waited():
        return 0.0 if reducer is None else reducer.allreduce_seconds
    loss_fn = nn.CrossEntropyLoss()
    rng = np.random.default_rng(rank)
    x = Variable(rng.normal(size=(batch, SIZES[0])).astype(np.float32))
    y = rng.integers(0, SIZES[-1], size=batch)
    times, cpu, waits = [], [], []
    for step in range(WARMUP + steps):
        dist.barrier()  # every step starts together: times are not skewed by the last one
        wait_before = waited()
        start, start_cpu = time.perf_counter(), time.process_time()
        opt.zero_grad()
        loss_fn(ddp(x), y).backward()
        opt.step()
        if step >= WARMUP:
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            waits.append(waited() - wait_before)
    grads = np.ones(sum(p.data.size for p in model.parameters()), dtype=np.float32)
    bare = []
    for _ in range(10):
        dist.barrier()
        start = time.perf_counter()
        dist.all_reduce(grads)
        bare.append(time.perf_counter() - start)
    if rank == 0:
        print(json.dumps({"world": world, "step": float(np.median(times)),
                          "cpu": float(np.median(cpu)),
                          "wait": float(np.median(waits)), "bare": float(np.median(bare)),
                          "buckets": buckets, "bytes": int(grads.nbytes)}))


def launch(ranks, batch, steps, as_view=False, apart=False):
    """Run this file as a worker on `ranks` processes; returns rank 0's numbers."""
    here = os.path.abspath(__file__)
    command = [sys.executable, here, "--worker", "--batch", str(batch), "--steps", str(steps)]
    command += (["--bucket-view"] if as_view else []) + (["--apart"] if apart else [])
    if ranks > 1:
        from nn.distributed.launch import mpi_command
        command = mpi_command(ranks, command)
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    out = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    if out.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _median_run(runs):
    """Each number's median over the runs."""
    return {key: float(np.median([run[key] for run in runs])) for key in runs[0]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=100, help="samples per rank and step")
    parser.add_argument("--steps", type=int, default=30, help="timed steps")
    parser.add_argument("--rounds", type=int, default=3,
                        help="1-process and 2-rank runs, alternated; medians are compared")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--bucket-view", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--apart", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.batch, args.steps, args.bucket_view, args.apart)
    print(f"bench_distributed: MLP {'-'.join(map(str, SIZES))}, float32, SGD, batch "
          f"{args.batch} per rank, {args.steps} steps; {malloc_note()}; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    runs = {"one": [], "apart": [], "two": [], "view": []}
    for _ in range(args.rounds):  # interleaved: a slow spell of the machine hits all alike
        runs["one"].append(launch(1, args.batch, args.steps))
        runs["apart"].append(launch(2, args.batch, args.steps, apart=True))
        runs["two"].append(launch(2, args.batch, args.steps))
        runs["view"].append(launch(2, args.batch, args.steps, as_view=True))
    one = _median_run(runs["one"])
    print(f"  {args.rounds} rounds of each, alternated; per run the median step, here their "
          "medians")
    print(f"  1 process : {one['step'] * 1e3:7.2f} ms/step  {args.batch / one['step']:8.0f} "
          "samples/s")
    apart = _median_run(runs["apart"])
    print(f"  2 ranks training apart (no DDP, nothing shared: the machine's ceiling, two "
          f"processes on its two cores): {apart['step'] * 1e3:7.2f} ms/step, efficiency "
          f"{one['step'] / apart['step']:.3f}")
    for key, label in (("two", "2 ranks"), ("view", "2 ranks, gradient_as_bucket_view")):
        _report(label, one, _median_run(runs[key]), args.batch, apart)


def _report(label, one, two, batch, apart):
    rate1, rate2 = batch / one["step"], 2 * batch / two["step"]
    print(f"  {label}: {two['step'] * 1e3:7.2f} ms/step  {rate2:8.0f} samples/s  "
          f"({two['buckets']:.0f} bucket(s), {two['bytes'] / 2 ** 20:.1f} MiB of gradients)")
    print(f"    scaling efficiency: {rate2 / (2 * rate1):.3f} (target >= 0.85); from CPU time "
          f"per step (what other load on the machine disturbs least): "
          f"{one['cpu'] / two['cpu']:.3f} ({one['cpu'] * 1e3:.2f} vs {two['cpu'] * 1e3:.2f} ms)"
          f"; of the ceiling: {apart['step'] / two['step']:.3f}")
    print(f"    allreduce share of a step: {two['wait'] / two['step']:.1%} "
          f"({two['wait'] * 1e3:.2f} ms waiting; a bare Allreduce of the gradients takes "
          f"{two['bare'] * 1e3:.2f} ms)")


if __name__ == "__main__":
    main()
