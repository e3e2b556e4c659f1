"""nn.utils.swa_utils (PyTorch's torch.optim.swa_utils): AveragedModel, update_bn and SWALR,
each against PyTorch's own over the same weights, updates and batches."""
import numpy as np
import pytest

import nn
import optim
from nn.utils import swa_utils

torch = pytest.importorskip("torch")
from torch.optim import swa_utils as torch_swa  # noqa: E402


def _twins(seed=0):
    """A Linear-BatchNorm-Linear model and PyTorch's with the same weights."""
    np.random.seed(seed)
    ours = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4),
                                 torch.nn.Linear(4, 2)).double()
    theirs.load_state_dict({k: torch.tensor(np.asarray(v, np.float64))
                            for k, v in ours.state_dict().items()})
    return ours, theirs


def _train_both(ours, theirs, rng):
    """One step that changes both models' weights and running statistics alike."""
    x = rng.standard_normal((8, 3))
    ours(x.astype(np.float32))
    theirs(torch.tensor(x))
    for p, q in zip(ours.parameters(), theirs.parameters()):
        step = rng.standard_normal(p.shape)
        p.data += step.astype(p.dtype)
        with torch.no_grad():
            q += torch.tensor(step)


@pytest.mark.parametrize("make", [
    lambda m: {},
    lambda m: {"multi_avg_fn": m.get_ema_multi_avg_fn(0.9)},
    lambda m: {"avg_fn": m.get_ema_avg_fn(0.8)},
    lambda m: {"avg_fn": m.get_swa_avg_fn()},
    lambda m: {"multi_avg_fn": m.get_swa_multi_avg_fn()},
    lambda m: {"avg_fn": m.get_ema_avg_fn(0.8), "use_buffers": True},
    lambda m: {"use_buffers": True},
])
def test_averaged_model_agrees_with_pytorch_s(make):
    ours, theirs = _twins()
    averaged = swa_utils.AveragedModel(ours, **make(swa_utils))
    their_average = torch_swa.AveragedModel(theirs, **make(torch_swa))
    rng = np.random.default_rng(1)
    for _ in range(5):
        _train_both(ours, theirs, rng)
        averaged.update_parameters(ours)
        their_average.update_parameters(theirs)
    expected = their_average.state_dict()
    assert list(averaged.state_dict()) == list(expected)
    for name, value in averaged.state_dict().items():
        np.testing.assert_allclose(np.asarray(value), expected[name].numpy(), rtol=1e-5,
                                   atol=1e-5, err_msg=name)
    x = rng.standard_normal((5, 3))
    averaged.eval(), their_average.eval()
    np.testing.assert_allclose(averaged(x.astype(np.float32)).data,
                               their_average(torch.tensor(x)).detach().numpy(), rtol=1e-4,
                               atol=1e-5)


def test_averaged_model_refuses_what_cannot_be_averaged():
    model = nn.Linear(3, 2)
    with pytest.raises(ValueError, match="give avg_fn or multi_avg_fn, not both"):
        swa_utils.AveragedModel(model, avg_fn=swa_utils.get_swa_avg_fn(),
                                multi_avg_fn=swa_utils.get_swa_multi_avg_fn())
    with pytest.raises(TypeError, match="AveragedModel: expected a Module, got list"):
        swa_utils.AveragedModel([model])
    with pytest.raises(ValueError, match=r"decay must be in \[0, 1\], got 1.5"):
        swa_utils.get_ema_multi_avg_fn(1.5)
    averaged = swa_utils.AveragedModel(model)
    with pytest.raises(ValueError, match=r"the model's parameters \[\(4, 3\), \(4,\)\] do not "
                                         r"match the averaged copy's \[\(2, 3\), \(2,\)\]"):
        averaged.update_parameters(nn.Linear(3, 4))


def test_update_bn_recomputes_the_statistics_as_pytorch_s():
    ours, theirs = _twins()
    rng = np.random.default_rng(2)
    batches = [rng.standard_normal((6, 3)) for _ in range(4)]
    ours.eval(), theirs.eval()
    swa_utils.update_bn([(b.astype(np.float32), 0) for b in batches], ours)
    torch_swa.update_bn([(torch.tensor(b), 0) for b in batches], theirs)
    assert not ours.training and ours[1].momentum == theirs[1].momentum == 0.1
    for name in ("running_mean", "running_var", "num_batches_tracked"):
        np.testing.assert_allclose(getattr(ours[1], name), getattr(theirs[1], name).numpy(),
                                   rtol=1e-5, err_msg=name)


@pytest.mark.parametrize("strategy", ["cos", "linear"])
@pytest.mark.parametrize("anneal_epochs", [0, 1, 4])
def test_swalr_anneals_as_pytorch_s(strategy, anneal_epochs):
    ours = optim.SGD([{"params": [nn.Parameter(np.zeros(2))], "lr": 0.5},
                      {"params": [nn.Parameter(np.zeros(2))], "lr": 0.1}], lr=0.1)
    theirs = torch.optim.SGD([{"params": [torch.zeros(2, requires_grad=True)], "lr": 0.5},
                              {"params": [torch.zeros(2, requires_grad=True)], "lr": 0.1}],
                             lr=0.1)
    schedules = [kind(optimizer, [0.05, 0.2], anneal_epochs=anneal_epochs,
                      anneal_strategy=strategy)
                 for kind, optimizer in ((swa_utils.SWALR, ours), (torch_swa.SWALR, theirs))]
    for _ in range(7):
        ours.step(), theirs.step()
        for schedule in schedules:
            schedule.step()
        np.testing.assert_allclose(schedules[0].get_last_lr(), schedules[1].get_last_lr(),
                                   rtol=1e-12)
    assert schedules[0].get_last_lr() == pytest.approx([0.05, 0.2])


def test_swalr_refuses_bad_settings():
    optimizer = optim.SGD([nn.Parameter(np.zeros(2))], lr=0.1)
    with pytest.raises(ValueError, match="SWALR: anneal_strategy must be 'cos' or 'linear'"):
        optim.lr_scheduler.SWALR(optimizer, 0.05, anneal_strategy="step")
    with pytest.raises(ValueError, match="SWALR: anneal_epochs must be an integer >= 0"):
        optim.lr_scheduler.SWALR(optimizer, 0.05, anneal_epochs=-1)
    with pytest.raises(ValueError, match="SWALR: expected 1 values for swa_lr"):
        optim.lr_scheduler.SWALR(optimizer, [0.05, 0.1])


def test_swa_trains_a_model_whose_average_is_at_least_as_good():
    """The recipe of PyTorch's documentation: train, then average the weights of the last
    epochs at a constant rate, recompute BatchNorm's statistics, evaluate the average."""
    (x, y), (xt, yt) = nn.datasets.digits()
    np.random.seed(0)
    model = nn.Sequential(nn.Linear(64, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Linear(64, 10))
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    averaged = swa_utils.AveragedModel(model)
    swa_schedule = swa_utils.SWALR(optimizer, swa_lr=0.05, anneal_epochs=2)
    loader = nn.data.DataLoader(nn.data.TensorDataset(x, y), batch_size=64, shuffle=True,
                                seed=0)
    for epoch in range(12):
        model.train()
        for xb, yb in loader:
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(xb), yb).backward()
            optimizer.step()
        if epoch >= 6:
            averaged.update_parameters(model)
            swa_schedule.step()
    swa_utils.update_bn(loader, averaged)
    accuracies = []
    for net in (model, averaged):
        net.eval()
        accuracies.append((net(xt).argmax(1) == yt).float().mean().item())
    assert int(averaged.n_averaged) == 6
    assert accuracies[1] > 0.93 and accuracies[1] >= accuracies[0] - 0.02, accuracies
