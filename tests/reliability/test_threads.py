"""Grad mode, train/test mode and anomaly mode are per thread (as PyTorch's grad mode).

Each test runs two threads that interleave many times (a Barrier lines their loops up, no
sleeping) and counts wrong results in the thread that should not be affected.
"""
import sys
import threading

import numpy as np
import pytest

import autograd as ag
import nn
from autograd import Config, Variable

ROUNDS = 300


def _run_together(*workers):
    """Run each worker(barrier) in its own thread; re-raise the first failure."""
    barrier = threading.Barrier(len(workers))
    errors = []

    def guarded(work):
        try:
            work(barrier)
        except BaseException as exc:  # noqa: BLE001 - reported in the main thread
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=guarded, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def test_no_grad_in_one_thread_does_not_stop_another_from_training():
    wrong = []

    def inference(barrier):
        x = Variable(np.ones(3))
        for _ in range(ROUNDS):
            with ag.no_grad():
                barrier.wait()
                assert not (x * 2).requires_grad
                barrier.wait()

    def training(barrier):
        w = Variable(np.ones(3))
        for _ in range(ROUNDS):
            barrier.wait()
            loss = (w * w).sum()
            if not loss.requires_grad:
                wrong.append("no graph")
            else:
                w.cleargrad()
                loss.backward()
                if not np.allclose(w.grad.data, 2.0):
                    wrong.append(w.grad.data)
            barrier.wait()

    _run_together(inference, training)
    assert wrong == []


def test_test_mode_in_one_thread_leaves_dropout_on_in_another():
    layer = nn.Dropout(0.5)
    dropped_off = []

    def evaluating(barrier):
        for _ in range(ROUNDS):
            with ag.test_mode():
                barrier.wait()
                assert not Config.train
                barrier.wait()

    def training(barrier):
        x = np.ones((1, 200))
        for _ in range(ROUNDS):
            barrier.wait()
            if np.all(layer(x).data == 1.0):  # Dropout did nothing: it was switched off
                dropped_off.append(1)
            barrier.wait()

    _run_together(evaluating, training)
    assert dropped_off == []


def test_two_threads_predicting_leave_the_model_trainable():
    np.random.seed(0)
    model = nn.Sequential(nn.Dense(8, input_shape=(4,), activation="relu"), nn.Dropout(0.2),
                          nn.Dense(2))
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x = np.random.randn(64, 4)
    y = (x[:, 0] > 0).astype(np.int64)

    def predicting(barrier):
        for _ in range(50):
            barrier.wait()
            model.predict(x, batch_size=8)

    _run_together(predicting, predicting)
    assert Config.enable_backprop and Config.train and model.training
    history = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    assert len(history.history["loss"]) == 2


def test_a_new_thread_starts_from_the_defaults_and_leaving_restores_its_own_state():
    seen = {}

    def child():
        seen["child"] = (Config.enable_backprop, Config.train, Config.detect_anomaly)
        with ag.no_grad():
            with ag.enable_grad():
                seen["inner"] = Config.enable_backprop
            seen["after_inner"] = Config.enable_backprop
        seen["after"] = Config.enable_backprop

    with ag.no_grad(), ag.test_mode():
        thread = threading.Thread(target=child)
        thread.start()
        thread.join()
        assert not Config.enable_backprop and not Config.train
    assert seen == {"child": (True, True, False), "inner": True, "after_inner": False,
                    "after": True}
    assert Config.enable_backprop and Config.train


def test_one_decorated_function_used_by_two_threads_restores_each_threads_mode():
    @ag.no_grad
    def infer(x):
        return x * 2

    results = []

    def worker(barrier):
        x = Variable(np.ones(2))
        for _ in range(ROUNDS):
            barrier.wait()
            results.append(infer(x).requires_grad)
            barrier.wait()
            results.append(Config.enable_backprop)

    _run_together(worker, worker)
    assert results.count(False) == 2 * ROUNDS and results.count(True) == 2 * ROUNDS


def test_a_backward_pass_in_one_thread_does_not_switch_off_recording_in_another():
    wrong = []

    class Hold(ag.Function):
        """Identity whose backward lets the other thread run in the middle of backward."""

        def forward(self, x):
            return x.copy()

        def backward(self, gy):
            self.barrier.wait()  # the other thread records an op now
            self.barrier.wait()
            return gy

    def backprop(barrier):
        x = Variable(np.ones(4))
        for _ in range(ROUNDS):
            hold = Hold()
            hold.barrier = barrier
            hold(x * 3).sum().backward()

    def recording(barrier):
        x = Variable(np.ones(4))
        for _ in range(ROUNDS):
            barrier.wait()
            if not (x * 2).requires_grad:
                wrong.append(1)
            barrier.wait()

    _run_together(backprop, recording)
    assert wrong == []


def test_asyncio_tasks_keep_their_own_grad_mode():
    import asyncio

    async def inference(started, checked):
        with ag.no_grad():
            started.set()
            await checked.wait()
            return Config.enable_backprop

    async def training(started, checked):
        await started.wait()
        recorded = (Variable(np.ones(2)) * 2).requires_grad
        checked.set()
        return recorded

    async def main():
        started, checked = asyncio.Event(), asyncio.Event()
        return await asyncio.gather(inference(started, checked), training(started, checked))

    assert asyncio.run(main()) == [False, True]


def test_backward_passes_in_four_threads_lose_no_sum_at_a_shared_leaf():
    # (the read-add-set of .grad interleaved: without a lock a quarter of the sums was lost)
    w = ag.Parameter(np.ones(1000))
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter can

    def work(barrier):
        for _ in range(ROUNDS // 3):
            barrier.wait()
            for _ in range(3):
                (w * 2.0).sum().backward()
    try:
        _run_together(work, work, work, work)
    finally:
        sys.setswitchinterval(interval)
    np.testing.assert_array_equal(w.grad.data, 2.0 * 4 * 3 * (ROUNDS // 3))


class _Arrival:
    """The hook-registry lock, which tells `arrived` when `thread` comes to take it."""

    def __init__(self, lock, thread, arrived):
        self.lock, self.thread, self.arrived = lock, thread, arrived

    def __enter__(self):
        if threading.get_ident() == self.thread:
            self.arrived.set()
        return self.lock.__enter__()

    def __exit__(self, *exc):
        return self.lock.__exit__(*exc)


def _parameter_hook(p):
    return p.register_hook(lambda g: None)


def _module_hook(m):
    return m.register_forward_hook(lambda *args: None)


@pytest.mark.parametrize("make, registry, register, hooks", [
    (lambda: ag.Parameter(np.ones(2)), ["autograd.hooks.GradWatch", "autograd.variable.GradWatch"],
     _parameter_hook, lambda p: p._watch.hooks),
    (lambda: nn.Linear(2, 2), ["autograd.call_hooks.CallHooks"], _module_hook,
     lambda m: m._call_hooks.forward),
], ids=["register_hook", "register_forward_hook"])
def test_two_threads_registering_the_first_hooks_on_one_object_keep_both(
        monkeypatch, make, registry, register, hooks):
    # The registry is made at the first registration: another thread finds none and makes
    # one while the main thread registers too (the main thread waits at the lock, or, where
    # there is none, makes a registry of its own that the other thread then replaces).
    import autograd.call_hooks
    import autograd.hooks
    main, making, arrived = threading.get_ident(), threading.Event(), threading.Event()
    monkeypatch.setattr(autograd.hooks, "_MAKING", _Arrival(
        getattr(autograd.hooks, "_MAKING", threading.Lock()), main, arrived), raising=False)
    module, name = registry[0].rsplit(".", 1)

    class Paused(getattr(sys.modules[module], name)):
        def __init__(self):
            super().__init__()
            if threading.get_ident() != main:  # the other thread waits while making it
                making.set()
                arrived.wait()

    for path in registry:
        monkeypatch.setattr(path, Paused)
    target = make()
    other = threading.Thread(target=register, args=(target,))
    other.start()
    making.wait()
    register(target)
    arrived.set()  # (where the main thread made a registry of its own, without waiting)
    other.join()
    assert len(hooks(target)) == 2


def test_a_hook_prepended_in_one_thread_never_leaves_another_threads_call_without_hooks():
    # Another thread's call may run between any two changes that prepend=True makes to the
    # registry: the registry below makes such a call after each change, and notes whether
    # the hook registered earlier ran in it.
    from collections import OrderedDict
    layer, x, runs, missed = nn.Linear(2, 2), np.ones((1, 2), np.float32), [], []

    class CallAfterEachChange(OrderedDict):
        def after_change(self):
            if self:  # (from the earlier hook's registration on)
                count = len(runs)
                layer(x)
                missed.extend([] if len(runs) > count else [dict(self)])

        def __setitem__(self, key, value):
            super().__setitem__(key, value)
            self.after_change()

        def clear(self):
            super().clear()
            self.after_change()

        def update(self, *args, **kwargs):
            super().update(*args, **kwargs)
            self.after_change()

        def move_to_end(self, *args, **kwargs):
            super().move_to_end(*args, **kwargs)
            self.after_change()

    registry = layer._hooks().forward = CallAfterEachChange()
    first = layer.register_forward_hook(lambda *args: runs.append(1))
    second = layer.register_forward_hook(lambda *args: None, prepend=True)
    assert missed == []
    assert list(registry) == [second.id, first.id]


def test_backward_into_a_non_leaf_in_two_threads_loses_neither_sum(monkeypatch):
    # backward(inputs=[h]) adds into a non-leaf's .grad: another thread pauses in the
    # middle of its addition while the main thread adds too (it waits at the lock, or,
    # where there is none, adds to the old value, which the other thread then overwrites).
    import autograd.engine
    main, adding, arrived = threading.get_ident(), threading.Event(), threading.Event()
    monkeypatch.setattr(autograd.engine, "_ACCUMULATING", _Arrival(
        autograd.engine._ACCUMULATING, main, arrived))

    class PausedSum(np.ndarray):
        def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
            if threading.get_ident() != main:  # the other thread waits in its sum
                adding.set()
                arrived.wait()
            inputs = tuple(np.asarray(a) for a in inputs)
            return getattr(ufunc, method)(*inputs, **kwargs)

    w = Variable(np.ones(3))
    h = w * 1.0
    h.grad = ag.variable.wrap(np.zeros(3).view(PausedSum), False)
    other = threading.Thread(target=lambda: (h * 2.0).sum().backward(inputs=[h]))
    other.start()
    adding.wait()
    (h * 2.0).sum().backward(inputs=[h])
    arrived.set()  # (where the main thread added without waiting)
    other.join()
    np.testing.assert_array_equal(h.grad.data, 4.0)
    assert w.grad is None


def test_two_threads_iterating_one_shuffled_loader_each_get_a_pass_of_their_own():
    """Both read the pass number before either counted its pass: 91 of 300 pairs of passes
    came out in the same order. The first thread is held inside its shuffle while the
    second takes its pass."""
    loader = nn.data.DataLoader(np.arange(20.0), batch_size=20, shuffle=True, seed=0)
    shuffled, inside, release, passes = loader._shuffled, threading.Event(), \
        threading.Event(), []

    def held_first(epoch):
        passes.append(epoch)
        if len(passes) == 1:
            inside.set()
            release.wait()
        return shuffled(epoch)
    loader._shuffled = held_first
    first = []
    thread = threading.Thread(target=lambda: first.append(next(iter(loader))))
    thread.start()
    inside.wait()
    second = next(iter(loader))
    release.set()
    thread.join()
    assert sorted(passes) == [0, 1] and loader.epoch == 2
    assert not np.array_equal(first[0], second)
