"""A captured step of every layer kind trains exactly as the eager step does.

A replay calls the same Function instances again: an op that kept something from one call
for the next (MaxPool2d cached its backward's positions) gives stale gradients there and
nowhere else. SGD, not Adam: a gradient's last bit (BLAS rounds by address) stays small."""
import numpy as np
import pytest

import nn
import nn.functional as F
import optim
from autograd import capture, concatenate


class _LastStep(nn.Module):
    """A recurrent layer's output at the last time step, through a Linear."""

    def __init__(self, rnn, features):
        super().__init__()
        self.rnn, self.head = rnn, nn.Linear(features, 3)

    def forward(self, x):
        out = self.rnn(x)
        out = out[0] if isinstance(out, tuple) else out
        return self.head(out[:, -1])


class _Cells(nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.cell, self.head = cell, nn.Linear(6, 3)

    def forward(self, x):
        state = None
        for t in range(x.shape[1]):
            state = self.cell(x[:, t], state)
        h = state[0] if isinstance(state, tuple) else state
        return self.head(h)


class _Embedded(nn.Module):
    def __init__(self):
        super().__init__()
        self.table, self.rnn = nn.Embedding(9, 4), nn.GRU(4, 5, batch_first=True)
        self.head = nn.Linear(5, 3)

    def forward(self, tokens):
        out, _ = self.rnn(self.table(tokens))
        return self.head(out[:, -1])


class _Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.TransformerEncoderLayer(4, 2, dim_feedforward=8, dropout=0.1,
                                                  batch_first=True)
        self.head = nn.Linear(4, 3)

    def forward(self, x):
        return self.head(self.encoder(x).mean(axis=1))


class _Gumbel(nn.Module):
    """A straight-through Gumbel-softmax sample between two Linears (its noise is drawn
    inside an op: each replay draws again)."""

    def __init__(self):
        super().__init__()
        self.body, self.head = nn.Linear(3, 8), nn.Linear(8, 3)

    def forward(self, x):
        return self.head(F.gumbel_softmax(self.body(x), tau=0.5, hard=True))


class _Bags(nn.Module):
    """Bags of tokens, averaged and maxed (the padding token left out): their indices,
    sizes and winners are found inside ops, again at each replay."""

    def __init__(self):
        super().__init__()
        self.mean = nn.EmbeddingBag(9, 4, mode="mean", padding_idx=0)
        self.max = nn.EmbeddingBag(9, 4, mode="max")
        self.head = nn.Linear(4, 3)

    def forward(self, tokens):
        return self.head(self.mean(tokens) + self.max(tokens))


class _Unpooled(nn.Module):
    """SegNet's encoder-decoder pattern: max pooling's indices (each batch's, read by an op)
    put the values back in place."""

    def __init__(self):
        super().__init__()
        self.conv, self.pool = nn.Conv2d(2, 3, 3, padding=1), nn.MaxPool2d(2, return_indices=True)
        self.unpool, self.head = nn.MaxUnpool2d(2), nn.Linear(192, 3)

    def forward(self, x):
        y, indices = self.pool(self.conv(x))
        return self.head(self.unpool(y, indices).reshape(x.shape[0], -1))


def _weight_normed():
    """weight_norm's hook API: a forward pre-hook recomputing each weight by ops, which a
    replay runs again."""
    from nn.utils import weight_norm
    model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 3))
    weight_norm(model[0])
    weight_norm(model[2], dim=None)
    return model


class _Transformer(nn.Module):
    """A spatial transformer: each image's affine map from a Linear, the image resampled
    there in every grid_sample mode (its taps an op of each batch's grid), then a head."""

    def __init__(self):
        super().__init__()
        self.locate, self.head = nn.Linear(128, 6), nn.Linear(3 * 2 * 16, 3)

    def forward(self, x):
        theta = self.locate(x.reshape(x.shape[0], -1)).reshape(-1, 2, 3) + np.array(
            [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], np.float32)
        grid = F.affine_grid(theta, (x.shape[0], 2, 4, 4), align_corners=False)
        samples = [F.grid_sample(x, grid, mode, padding, align_corners=corners)
                   for mode, padding, corners in (("bilinear", "zeros", False),
                                                  ("nearest", "border", True),
                                                  ("bicubic", "reflection", False))]
        return self.head(concatenate(samples, axis=1).reshape(x.shape[0], -1))


def _spectral_normed():
    """spectral_norm's hook API: a power iteration in place on the buffers (a replayable
    call) and the weight by ops."""
    from nn.utils import spectral_norm
    model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 3))
    spectral_norm(model[0])
    spectral_norm(model[2], n_power_iterations=2)
    return model


def _parametrized():
    """Every parametrization: spectral norm (its power iteration replayed), the three
    orthogonal maps (matrix_exp one op, whatever its squarings) and weight norm."""
    from nn.utils import parametrizations as P
    model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(),
                          nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 5), nn.Linear(5, 3))
    P.spectral_norm(model[0])
    P.orthogonal(model[2])  # square: matrix_exp
    P.orthogonal(model[4], orthogonal_map="cayley")
    P.orthogonal(model[6])  # tall: householder
    P.weight_norm(model[7])
    return model


def _images(rng):
    return rng.standard_normal((6, 2, 8, 8)).astype(np.float32)


def _sequences(rng):
    return rng.standard_normal((6, 5, 3)).astype(np.float32)


MODELS = {
    "activations": (lambda: nn.Sequential(
        nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 8), nn.LeakyReLU(0.1), nn.Linear(8, 8),
        nn.ELU(), nn.Linear(8, 8), nn.GELU(), nn.Linear(8, 8), nn.Softplus(), nn.Linear(8, 8),
        nn.Tanh(), nn.Linear(8, 8), nn.Sigmoid(), nn.LayerNorm(8), nn.Dropout(0.3),
        nn.Linear(8, 3)), lambda rng: rng.standard_normal((6, 3)).astype(np.float32)),
    "conv, pools, batch norm": (lambda: nn.Sequential(
        nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 4, 3, stride=1, padding=1, dilation=1), nn.AvgPool2d(2, stride=1),
        nn.AdaptiveMaxPool2d(2), nn.Flatten(), nn.Linear(16, 3)), _images),
    "transposed conv, adaptive average": (lambda: nn.Sequential(
        nn.ConvTranspose2d(2, 3, 2, stride=2), nn.ReLU(), nn.AdaptiveAvgPool2d(3), nn.Flatten(),
        nn.BatchNorm1d(27), nn.Linear(27, 3)), _images),
    "conv1d": (lambda: nn.Sequential(nn.Conv1d(5, 4, 2), nn.ReLU(), nn.Flatten(),
                                     nn.Linear(8, 3)), _sequences),
    "lstm, 2 layers, bidirectional": (lambda: _LastStep(
        nn.LSTM(3, 6, num_layers=2, bidirectional=True, batch_first=True), 12), _sequences),
    "lstm with projections": (lambda: _LastStep(
        nn.LSTM(3, 6, proj_size=2, bidirectional=True, batch_first=True), 4), _sequences),
    "3-d conv, max, adaptive max and fractional max pools": (lambda: nn.Sequential(
        nn.Conv3d(2, 3, 3, padding=1), nn.ReLU(), nn.MaxPool3d(2, stride=1),
        nn.FractionalMaxPool3d(2, output_size=2), nn.AdaptiveMaxPool3d(2), nn.Flatten(),
        nn.Linear(24, 3)), lambda rng: rng.standard_normal((6, 2, 5, 5, 5)).astype(np.float32)),
    "fractional max pool (windows drawn at each call)": (lambda: nn.Sequential(
        nn.Conv2d(2, 3, 3, padding=1), nn.FractionalMaxPool2d(2, output_size=4), nn.Flatten(),
        nn.Linear(48, 3)), _images),
    "gumbel-softmax, straight-through": (
        _Gumbel, lambda rng: rng.standard_normal((6, 3)).astype(np.float32)),
    "gru": (lambda: _LastStep(nn.GRU(3, 6, batch_first=True), 6), _sequences),
    "elman rnn": (lambda: _LastStep(nn.RNN(3, 6, batch_first=True), 6), _sequences),
    "lstm cell": (lambda: _Cells(nn.LSTMCell(3, 6)), _sequences),
    "gru cell": (lambda: _Cells(nn.GRUCell(3, 6)), _sequences),
    "embedding, gru": (_Embedded, lambda rng: rng.integers(0, 9, (6, 5))),
    "embedding bags, mean and max": (_Bags, lambda rng: rng.integers(0, 9, (6, 5))),
    "max pool indices, max unpool": (_Unpooled, _images),
    "weight norm (hook API)": (_weight_normed,
                               lambda rng: rng.standard_normal((6, 3)).astype(np.float32)),
    "spectral norm (hook API)": (_spectral_normed,
                                 lambda rng: rng.standard_normal((6, 3)).astype(np.float32)),
    "spatial transformer (grid_sample's three modes)": (_Transformer, _images),
    "power-average pool after relu (windows of zeros)": (lambda: nn.Sequential(
        nn.Conv2d(2, 3, 3, padding=1), nn.ReLU(), nn.LPPool2d(2, 2), nn.Flatten(),
        nn.Linear(48, 3)), _images),
    "parametrizations": (_parametrized,
                         lambda rng: rng.standard_normal((6, 3)).astype(np.float32)),
    "transformer encoder layer": (_Attention,
                                  lambda rng: rng.standard_normal((6, 5, 4)).astype(np.float32)),
}


@pytest.mark.parametrize("equal_records", [False, True], ids=["", "equal records"])
@pytest.mark.parametrize("name", MODELS)
def test_a_captured_step_of_every_layer_kind_matches_the_eager_one(name, equal_records):
    """equal_records: the two recorded calls get the same batch (then new ones), so that
    what a replay would keep from its records agrees between them and only the replays can
    show it."""
    make_model, make_input = MODELS[name]
    models, steps = [], []
    for captured in (False, True):
        np.random.seed(0)
        model = make_model()
        optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=0.5)

        def step(x, t, model=model, optimizer=optimizer):
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x), t)
            loss.backward()
            optimizer.step()
            return loss
        models.append(model)
        steps.append(capture(step) if captured else step)
    rng = np.random.default_rng(1)
    batches = [(make_input(rng), rng.integers(0, 3, 6)) for _ in range(6)]
    if equal_records:
        batches[1] = batches[0]
    for i, (x, t) in enumerate(batches):
        losses = []
        for step in steps:
            np.random.seed(10 + i)  # the same dropout masks
            losses.append(float(step(x, t).data))
        assert losses[1] == pytest.approx(losses[0], rel=1e-5), f"step {i}"
    assert steps[1].captured == 1
    for (key, p), q in zip(models[0].named_parameters(), models[1].parameters()):
        np.testing.assert_allclose(q.data, p.data, rtol=1e-4, atol=1e-6, err_msg=key)
    for (key, b), c in zip(models[0].named_buffers(), models[1].buffers()):  # running stats,
        np.testing.assert_allclose(np.asarray(c), np.asarray(b), rtol=1e-4, atol=1e-6,
                                   err_msg=key)  # power iterations' vectors
