"""Layers, losses and training on the GPU (CuPy): a layer moved with `to_gpu()` computes the
outputs and gradients its CPU twin computes, keeps everything on the device, and a model
trains there to the same weights. Runs only where CuPy sees a GPU."""
import copy

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
import optim
from autograd import Variable, cuda

pytestmark = pytest.mark.skipif(not cuda.is_available(), reason="needs CuPy and a GPU")

RNG = np.random.default_rng(0)


def _x(*shape):
    return RNG.standard_normal(shape)


def _ids(*shape, high=5):
    return RNG.integers(0, high, shape)


# name: (layer factory, inputs); inputs are float arrays (differentiated) or integer ones
LAYERS = {
    "Linear": (lambda: nn.Linear(3, 4), [_x(5, 3)]),
    "Bilinear": (lambda: nn.Bilinear(3, 2, 4), [_x(5, 3), _x(5, 2)]),
    "Conv1d": (lambda: nn.Conv1d(2, 3, 3, padding=1, stride=2), [_x(2, 2, 7)]),
    "Conv2d": (lambda: nn.Conv2d(2, 3, 3, padding=1, dilation=2, groups=1), [_x(2, 2, 6, 5)]),
    "Conv2d groups": (lambda: nn.Conv2d(4, 6, 3, groups=2), [_x(2, 4, 5, 5)]),
    "Conv3d": (lambda: nn.Conv3d(2, 3, 2), [_x(2, 2, 4, 4, 3)]),
    "ConvTranspose2d": (lambda: nn.ConvTranspose2d(2, 3, 3, stride=2, output_padding=1),
                        [_x(2, 2, 4, 3)]),
    "MaxPool2d": (lambda: nn.MaxPool2d(2), [_x(2, 3, 6, 6)]),
    "AvgPool2d": (lambda: nn.AvgPool2d(3, stride=2, padding=1), [_x(2, 3, 7, 6)]),
    "AdaptiveAvgPool2d": (lambda: nn.AdaptiveAvgPool2d((2, 3)), [_x(2, 3, 7, 8)]),
    "AdaptiveMaxPool2d": (lambda: nn.AdaptiveMaxPool2d(3), [_x(2, 3, 7, 8)]),
    "LPPool2d": (lambda: nn.LPPool2d(2, 2), [_x(1, 2, 4, 4)]),
    "BatchNorm1d": (lambda: nn.BatchNorm1d(3), [_x(6, 3)]),
    "BatchNorm2d": (lambda: nn.BatchNorm2d(3), [_x(4, 3, 5, 5)]),
    "LayerNorm": (lambda: nn.LayerNorm(4), [_x(3, 2, 4)]),
    "GroupNorm": (lambda: nn.GroupNorm(2, 4), [_x(3, 4, 5)]),
    "InstanceNorm2d": (lambda: nn.InstanceNorm2d(3, affine=True), [_x(2, 3, 4, 4)]),
    "RMSNorm": (lambda: nn.RMSNorm(4), [_x(3, 4)]),
    "LocalResponseNorm": (lambda: nn.LocalResponseNorm(3), [_x(2, 5, 3, 3)]),
    "Embedding": (lambda: nn.Embedding(5, 3, padding_idx=0), [_ids(4, 6)]),
    "EmbeddingBag": (lambda: nn.EmbeddingBag(5, 3, mode="max"), [_ids(4, 3)]),
    "RNN": (lambda: nn.RNN(3, 4, nonlinearity="relu"), [_x(6, 2, 3)]),
    "LSTM": (lambda: nn.LSTM(3, 4, 2, bidirectional=True, batch_first=True), [_x(2, 6, 3)]),
    "LSTM proj": (lambda: nn.LSTM(3, 4, proj_size=2), [_x(5, 2, 3)]),
    "GRU": (lambda: nn.GRU(3, 4, 2), [_x(6, 2, 3)]),
    "LSTMCell": (lambda: nn.LSTMCell(3, 4), [_x(2, 3)]),
    "MultiheadAttention": (lambda: nn.MultiheadAttention(4, 2), [_x(5, 2, 4)] * 3),
    "TransformerEncoderLayer": (lambda: nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0),
                                [_x(5, 2, 4)]),
    "Transformer": (lambda: nn.Transformer(4, 2, 1, 1, 8, dropout=0.0),
                    [_x(5, 2, 4), _x(3, 2, 4)]),
    "PReLU": (lambda: nn.PReLU(3), [_x(2, 3, 4)]),
    "GELU tanh": (lambda: nn.GELU(approximate="tanh"), [_x(3, 4)]),
    "GELU": (lambda: nn.GELU(), [_x(3, 4)]),
    "Mish": (lambda: nn.Mish(), [_x(3, 4)]),
    "Softmax": (lambda: nn.Softmax(dim=1), [_x(3, 4)]),
    "PixelShuffle": (lambda: nn.PixelShuffle(2), [_x(1, 8, 3, 2)]),
    "Upsample bilinear": (lambda: nn.Upsample(scale_factor=2, mode="bilinear"), [_x(1, 2, 3, 3)]),
    "Upsample nearest": (lambda: nn.Upsample(size=(5, 4)), [_x(1, 2, 3, 3)]),
    "ReflectionPad2d": (lambda: nn.ReflectionPad2d(1), [_x(1, 2, 3, 3)]),
    "Fold": (lambda: nn.Fold((4, 5), 2), [_x(2, 12, 12)]),
    "Unfold": (lambda: nn.Unfold(2, padding=1), [_x(2, 3, 4, 4)]),
    "Flatten": (lambda: nn.Flatten(), [_x(2, 3, 4)]),
}

LOSSES = {
    "CrossEntropyLoss": (nn.CrossEntropyLoss(label_smoothing=0.1), _x(6, 4), _ids(6, high=4)),
    "CrossEntropyLoss 2d": (nn.CrossEntropyLoss(ignore_index=1), _x(2, 4, 3, 3),
                            _ids(2, 3, 3, high=4)),
    "NLLLoss": (nn.NLLLoss(weight=np.array([1.0, 2.0, 0.5])), _x(5, 3), _ids(5, high=3)),
    "MSELoss": (nn.MSELoss(), _x(4, 3), _x(4, 3)),
    "HuberLoss": (nn.HuberLoss(delta=0.5), _x(4, 3), _x(4, 3)),
    "BCEWithLogitsLoss": (nn.BCEWithLogitsLoss(pos_weight=np.array([2.0, 1.0, 0.5])),
                          _x(4, 3), RNG.random((4, 3))),
    "BCELoss": (nn.BCELoss(), RNG.uniform(0.1, 0.9, (4, 3)), RNG.random((4, 3))),
    "KLDivLoss": (nn.KLDivLoss(reduction="batchmean"), _x(4, 3), RNG.random((4, 3))),
}


# name: (function of the inputs, inputs): F's compositions (host constants beside device
# arrays are the usual GPU bug), float inputs differentiated
FUNCTIONAL = {
    "interpolate antialias": (lambda x: F.interpolate(x, size=(3, 2), mode="bilinear",
                                                      antialias=True), [_x(1, 2, 7, 5)]),
    "interpolate bicubic": (lambda x: F.interpolate(x, scale_factor=1.5, mode="bicubic",
                                                    align_corners=True), [_x(1, 2, 4, 4)]),
    "interpolate trilinear": (lambda x: F.interpolate(x, size=(3, 4, 2), mode="trilinear"),
                              [_x(1, 2, 2, 3, 3)]),
    "interpolate area": (lambda x: F.interpolate(x, size=(2, 3), mode="area"), [_x(1, 2, 5, 7)]),
    "grid_sample": (lambda x, g: F.grid_sample(x, g, padding_mode="reflection",
                                               align_corners=False),
                    [_x(2, 3, 5, 4), RNG.uniform(-1.2, 1.2, (2, 3, 2, 2))]),
    "grid_sample bicubic": (lambda x, g: F.grid_sample(x, g, mode="bicubic",
                                                       padding_mode="border"),
                            [_x(1, 2, 5, 4), RNG.uniform(-1.2, 1.2, (1, 3, 2, 2))]),
    "affine_grid": (lambda theta: F.affine_grid(theta, (2, 3, 4, 5), align_corners=False),
                    [_x(2, 2, 3)]),
    "scaled_dot_product_attention": (
        lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True),
        [_x(2, 4, 3), _x(2, 4, 3), _x(2, 4, 5)]),
    "pad reflect": (lambda x: F.pad(x, (1, 2, 2, 1), mode="reflect"), [_x(1, 2, 4, 4)]),
    "pad circular": (lambda x: F.pad(x, (1, 1), mode="circular"), [_x(2, 3, 4)]),
    "max_unpool2d": (lambda x: F.max_unpool2d(*F.max_pool2d_with_indices(x, 2), 2),
                     [_x(1, 2, 4, 4)]),
    "adaptive_max_pool1d": (lambda x: F.adaptive_max_pool1d(x, 3), [_x(2, 3, 7)]),
    "avg_pool3d": (lambda x: F.avg_pool3d(x, 2, ceil_mode=True), [_x(1, 2, 3, 5, 4)]),
    "lp_pool1d": (lambda x: F.lp_pool1d(x, 3, 2), [np.abs(_x(1, 2, 6))]),
    "embedding_bag offsets": (lambda w, i: F.embedding_bag(i, w, np.array([0, 2, 2]),
                                                           mode="mean"),
                              [_x(5, 3), _ids(6)]),
    "one_hot": (lambda i: F.one_hot(i, 5), [_ids(4, 3)]),
    "normalize": (lambda x: F.normalize(x, p=3, dim=1), [_x(3, 4)]),
    "cosine_similarity": (lambda a, b: F.cosine_similarity(a, b), [_x(3, 4), _x(3, 4)]),
    "pdist": (lambda x: F.pdist(x), [_x(4, 3)]),
    "pairwise_distance": (lambda a, b: F.pairwise_distance(a, b), [_x(3, 4), _x(3, 4)]),
    "triplet_margin_loss": (lambda a, p, n: F.triplet_margin_loss(a, p, n, swap=True),
                            [_x(3, 4), _x(3, 4), _x(3, 4)]),
    "multi_margin_loss": (lambda x, t: F.multi_margin_loss(x, t, p=2), [_x(4, 5), _ids(4)]),
    "multilabel_margin_loss": (lambda x, t: F.multilabel_margin_loss(x, t),
                               [_x(2, 4), np.array([[3, 0, -1, 1], [1, 2, 3, -1]])]),
    "gaussian_nll_loss": (lambda x, t, v: F.gaussian_nll_loss(x, t, v * v + 0.1),
                          [_x(3, 2), _x(3, 2), _x(3, 2)]),
    "poisson_nll_loss": (lambda x, t: F.poisson_nll_loss(x, t, full=True),
                         [_x(3, 2), RNG.uniform(0, 3, (3, 2))]),
    "nll_loss 2d weighted": (lambda x, t: F.nll_loss(F.log_softmax(x, axis=1), t,
                                                     weight=np.array([0.5, 1.0, 2.0])),
                             [_x(2, 3, 2, 2), _ids(2, 2, 2, high=3)]),
    "fold": (lambda x: F.fold(x, (3, 4), 2, stride=1, padding=1), [_x(1, 8, 20)]),
    "channel_shuffle": (lambda x: F.channel_shuffle(x, 2), [_x(1, 4, 2, 2)]),
    "local_response_norm": (lambda x: F.local_response_norm(x, 2), [_x(1, 4, 3)]),
    "glu": (lambda x: F.glu(x, dim=1), [_x(3, 4)]),
    "accuracy": (lambda x, t: F.accuracy(x, t), [_x(6, 3), _ids(6, high=3)]),
}


def _gpu(value):
    return cuda.to_gpu(value) if isinstance(value, np.ndarray) else value


def _device_arrays(module):
    return [a for a in list(module.parameters()) + list(module.buffers())]


def _forward_backward(layer, arrays, move):
    xs = [Variable(move(a), requires_grad=a.dtype.kind == "f") for a in arrays]
    out = layer(*xs)
    outs = [o for o in (out if isinstance(out, tuple) else (out,)) if isinstance(o, Variable)]
    recorded = [o for o in outs if o.creator is not None]
    if recorded:
        sum((o * move(np.cos(np.arange(o.size)).reshape(o.shape).astype(o.dtype))).sum()
            for o in recorded).backward()
    return outs, [x.grad for x in xs if x.requires_grad and recorded]


def _same_results(name, cpu, gpu, arrays):
    """The outputs and input gradients of `cpu` on the arrays and of `gpu` on their GPU
    copies agree."""
    cpu_outs, cpu_grads = _forward_backward(cpu, arrays, lambda a: a)
    gpu_outs, gpu_grads = _forward_backward(gpu, arrays, cuda.to_gpu)
    for k, (g, c) in enumerate(zip(gpu_outs, cpu_outs)):
        _close(g.data, c.data, f"{name}: output {k}")
    for k, (g, c) in enumerate(zip(gpu_grads, cpu_grads)):
        _close(g.data, c.data, f"{name}: gradient of input {k}")


def _close(gpu, cpu, what, tol=1e-7):
    assert cuda.get_array_module(gpu) is not np, f"{what} is a NumPy array on a GPU layer"
    np.testing.assert_allclose(cuda.to_cpu(gpu), cuda.to_cpu(cpu), rtol=tol, atol=tol,
                               err_msg=what)


@pytest.mark.parametrize("name", LAYERS)
def test_layer_on_the_gpu_matches_the_cpu(name):
    make, arrays = LAYERS[name]
    cpu = make().double()
    gpu = copy.deepcopy(cpu).to_gpu()
    _same_results(name, cpu, gpu, arrays)
    for (pname, g), c in zip(gpu.named_parameters(), cpu.parameters()):
        _close(g.grad.data, c.grad.data, f"{name}: gradient of {pname}")
    for (bname, g), c in zip(gpu.named_buffers(), cpu.buffers()):  # (running statistics)
        _close(g, c, f"{name}: buffer {bname}")


@pytest.mark.parametrize("name", FUNCTIONAL)
def test_function_of_nn_functional_on_the_gpu_matches_the_cpu(name):
    function, arrays = FUNCTIONAL[name]
    layer = nn.Lambda(function)
    _same_results(name, layer, layer, arrays)


@pytest.mark.parametrize("name", LOSSES)
def test_loss_on_the_gpu_matches_the_cpu(name):
    loss_fn, prediction, target = LOSSES[name]
    results = []
    for move in (lambda a: a, _gpu):
        gpu_loss = copy.deepcopy(loss_fn)
        if move is _gpu:
            gpu_loss.to_gpu()
        x = Variable(move(prediction))
        loss = gpu_loss(x, move(target))
        loss.backward()
        results.append((loss.data, x.grad.data))
    for what, g, c in zip(("loss", "gradient"), results[1], results[0]):
        _close(g, c, f"{name}: {what}")


def _model():
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Dropout(0.0), nn.Flatten(), nn.Linear(4 * 4 * 4, 3))


def test_a_model_trains_on_the_gpu_to_the_cpu_weights():
    x, y = RNG.standard_normal((32, 1, 8, 8)), RNG.integers(0, 3, 32)
    cpu = _model().double()
    gpu = copy.deepcopy(cpu).to_gpu()
    for model, move in ((cpu, lambda a: a), (gpu, cuda.to_gpu)):
        opt = optim.Adam(model.parameters(), lr=0.01, weight_decay=1e-4)
        for start in range(0, 32, 8):
            opt.zero_grad()
            F.cross_entropy(model(Variable(move(x[start:start + 8]))),
                            move(y[start:start + 8])).backward()
            opt.step()
    for (name, g), c in zip(gpu.state_dict().items(), cpu.state_dict().values()):
        _close(g, c, f"trained {name}", tol=1e-6)


def test_keras_fit_evaluate_predict_on_the_gpu():
    x = RNG.standard_normal((64, 8)).astype(np.float32)
    y = (x[:, :4].sum(axis=1) > 0).astype(np.int64)
    histories, predictions = [], []
    for device in ("cpu", "cuda"):
        np.random.seed(0)
        model = nn.Sequential(nn.Dense(16, activation="relu"), nn.Dense(2))
        model.build((None, 8))
        model.to(device)
        model.compile(optimizer="adam", loss=nn.CrossEntropyLoss(), metrics=["accuracy"])
        histories.append(model.fit(x, y, batch_size=16, epochs=3, shuffle=False,
                                   verbose=0).history)
        predictions.append(model.predict(x, verbose=0))
        assert isinstance(predictions[-1], np.ndarray)  # (outputs come back to the host)
    for key in histories[0]:
        np.testing.assert_allclose(histories[1][key], histories[0][key], rtol=1e-4,
                                   err_msg=key)
    np.testing.assert_allclose(predictions[1], predictions[0], rtol=1e-4, atol=1e-5)


def test_saving_a_gpu_model_loads_on_the_cpu(tmp_path):
    model = _model().double().to_gpu()
    model(Variable(cuda.to_gpu(RNG.standard_normal((2, 1, 8, 8)))))
    nn.save(model.state_dict(), tmp_path / "weights.npz")
    cpu = _model().double()
    cpu.load_state_dict(nn.load(tmp_path / "weights.npz"))
    for (name, g), c in zip(model.state_dict().items(), cpu.state_dict().values()):
        np.testing.assert_array_equal(cuda.to_cpu(g), c, err_msg=name)


def test_ctc_loss_on_the_gpu_matches_the_cpu():
    log_probs, targets = RNG.standard_normal((6, 2, 4)), RNG.integers(1, 4, (2, 3))
    results = []
    for move in (lambda a: a, _gpu):
        x = Variable(move(log_probs))
        loss = F.ctc_loss(F.log_softmax(x, axis=2), move(targets), move(np.array([6, 5])),
                          move(np.array([3, 2])))
        loss.backward()
        results.append((loss.data, x.grad.data))
    for what, g, c in zip(("loss", "gradient"), results[1], results[0]):
        _close(g, c, f"ctc_loss: {what}")


def _train(model, batches, captured):
    """The losses of SGD steps on the batches (a captured step when `captured`)."""
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)

    def step(x, t):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), t)
        loss.backward()
        opt.step()
        return loss
    step = autograd.capture(step) if captured else step
    return [float(cuda.to_cpu(step(x, t).data)) for x, t in batches]


def test_a_captured_step_on_the_gpu_trains_as_the_eager_one():
    batches = [(cuda.to_gpu(RNG.standard_normal((8, 1, 8, 8))), cuda.to_gpu(
        RNG.integers(0, 3, 8))) for _ in range(5)]
    eager = _model().double()
    captured = copy.deepcopy(eager).to_gpu()
    eager.to_gpu()
    np.testing.assert_allclose(_train(captured, batches, True), _train(eager, batches, False),
                               rtol=1e-10)
    for (name, g), c in zip(captured.state_dict().items(), eager.state_dict().values()):
        assert cuda.get_array_module(g) is not np, name
        _close(g, c, f"captured {name}", tol=1e-10)


def test_a_keras_vae_sampling_layer_trains_on_the_gpu():
    """keras.random's draws, keras.ops' constants and an added number land on the model's
    device (the latest model call's inputs' array module)."""
    import nn.keras as keras
    from nn.keras import ops

    class Sampling(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.seeds = keras.random.SeedGenerator(3)

        def call(self, inputs):
            mean, log_var = inputs
            eps = keras.random.normal(ops.shape(mean), seed=self.seeds)
            self.add_loss(0.01 * ops.mean(ops.sum(ops.square(mean), axis=1)))
            self.add_loss(0.5)  # (a constant: in the reported loss only)
            return mean + ops.exp(0.5 * log_var) * eps + ops.zeros((1, 2))

    class VAE(nn.Model):
        def __init__(self):
            super().__init__()
            self.mean, self.log_var = keras.layers.Dense(2), keras.layers.Dense(2)
            self.sampling, self.decoder = Sampling(), keras.layers.Dense(3)

        def call(self, x):
            return self.decoder(self.sampling([self.mean(x), self.log_var(x)]))

    x = np.tanh(RNG.standard_normal((32, 3))).astype(np.float32)
    np.random.seed(0)
    model = VAE()
    model(x[:1])
    model.to_gpu()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    history = model.fit(x, x, batch_size=8, epochs=3, verbose=0)
    assert all(cuda.get_array_module(p.data) is not np for p in model.parameters())
    assert history.history["loss"][-1] > 0.5  # (the added constant is counted)
    assert isinstance(keras.random.normal((2,)).data, np.ndarray)  # (outside a call: NumPy)


def test_a_captured_keras_step_draws_on_the_gpu_after_cpu_calls_between_steps():
    """A replay enters no model call: its draws keep the device of the call that recorded
    them, whatever a callback ran on the CPU in between."""
    import nn.keras as keras

    class Noisy(keras.layers.Layer):
        def call(self, x):
            return x + 0.1 * keras.random.normal(tuple(x.shape))

    class OnTheCpu(nn.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            keras.layers.Dense(2)(np.ones((1, 3), np.float32))

    x = RNG.standard_normal((16, 3)).astype(np.float32)
    np.random.seed(0)
    model = keras.Sequential([keras.Input(shape=(3,)), Noisy(), keras.layers.Dense(3)])
    model.to_gpu()
    model.compile(optimizer="sgd", loss="mse", jit_compile=True)
    history = model.fit(x, x, batch_size=4, epochs=3, verbose=0, callbacks=[OnTheCpu()])
    assert len(history.history["loss"]) == 3


def test_keras_binary_metrics_and_callbacks_on_the_gpu(tmp_path):
    x = RNG.standard_normal((80, 6)).astype(np.float32)
    y = (x[:, 0] - x[:, 1] > 0).astype(np.float32)
    histories = []
    for device in ("cpu", "cuda"):
        np.random.seed(1)
        model = nn.Sequential(nn.Dense(8, activation="relu"), nn.Dropout(0.0),
                              nn.Dense(1, activation="sigmoid"))
        model.build((None, 6))
        model.to(device)
        model.compile(optimizer="rmsprop", loss="binary_crossentropy",
                      metrics=["accuracy", "precision", "recall", "f1", "auc"])
        checkpoint = nn.callbacks.ModelCheckpoint(str(tmp_path / f"{device}.weights.npz"),
                                                  save_weights_only=True)
        histories.append(model.fit(x, y, batch_size=20, epochs=3, validation_split=0.25,
                                   shuffle=False, verbose=0, callbacks=[
                                       checkpoint, nn.callbacks.EarlyStopping(patience=5)]
                                   ).history)
        assert (tmp_path / f"{device}.weights.npz").exists()
    for key in histories[0]:
        np.testing.assert_allclose(histories[1][key], histories[0][key], rtol=1e-4,
                                   atol=1e-6, err_msg=key)



def test_a_numpy_array_given_with_gpu_arrays_goes_to_the_gpu():
    x = Variable(cuda.to_gpu(np.ones((2, 3))), requires_grad=True)
    y = x * np.full((2, 3), 2.0)
    y.sum().backward()
    assert cuda.get_array_module(y.data) is not np
    np.testing.assert_array_equal(cuda.to_cpu(x.grad.data), np.full((2, 3), 2.0))


# ----- utilities (nn.utils), targets given on the host, NumPy constants beside GPU arrays -----

def _on_both(build, run, seed=0):
    """run(model, move) of a model build() makes on the CPU and of its twin built the same
    way (the same draws of NumPy's generator) and moved to the GPU: (CPU's, GPU's)."""
    results = []
    for move in (lambda a: a, cuda.to_gpu):
        np.random.seed(seed)
        model = build(move)
        results.append(run(model, move))
    return results


def _same(pair, what):
    cpu, gpu = pair
    for k, (c, g) in enumerate(zip(cpu, gpu)):
        _close(g.data if isinstance(g, Variable) else g,
               c.data if isinstance(c, Variable) else c, f"{what} {k}")


def test_packed_sequences_run_on_the_gpu():
    from nn.utils import rnn

    drawn = [RNG.standard_normal((n, 3)) for n in (5, 3, 2)]

    def run(lstm, move):
        sequences = [Variable(move(a)) for a in drawn]
        padded = rnn.pad_sequence(sequences)
        packed = rnn.pack_padded_sequence(padded, [5, 3, 2])
        out, (h, c) = lstm(packed)
        unpacked, lengths = rnn.pad_packed_sequence(out)
        (unpacked.sum() + h.sum()).backward()
        assert list(cuda.to_cpu(lengths)) == [5, 3, 2]
        return unpacked, h, c, lstm.weight_ih_l0.grad

    _same(_on_both(lambda move: _moved(nn.LSTM(3, 4).double(), move), run), "packed LSTM")


def _moved(module, move):
    return module if move is not cuda.to_gpu else module.to_gpu()


@pytest.mark.parametrize("name", ["weight_norm", "spectral_norm", "utils.spectral_norm",
                                  "orthogonal matrix_exp", "orthogonal cayley",
                                  "orthogonal householder"])
def test_parametrizations_registered_on_a_gpu_model(name):
    from nn.utils import parametrizations as P

    def build(move):
        layer = _moved(nn.Linear(4, 4).double(), move)  # (moved first, then parametrized)
        if name == "weight_norm":
            return P.weight_norm(layer)
        if name == "spectral_norm":
            return P.spectral_norm(layer)
        if name == "utils.spectral_norm":
            return nn.utils.spectral_norm(layer)
        return P.orthogonal(layer, orthogonal_map=name.split()[1])

    def run(layer, move):
        x = Variable(move(np.linspace(-1, 1, 8).reshape(2, 4)))
        y = layer(x)
        y.sum().backward()
        return y, layer.weight, [p.grad for p in layer.parameters()][0]

    cpu, gpu = _on_both(build, run)
    _same((cpu, gpu), name)


def test_fusing_and_to_categorical_on_the_gpu():
    def build(move):
        conv, norm = nn.Conv2d(2, 3, 3).double(), nn.BatchNorm2d(3).double()
        norm.running_mean[...] = np.arange(3.0)
        norm.eval()
        return _moved(conv, move), _moved(norm, move)

    def run(pair, move):
        conv, norm = pair
        fused = nn.utils.fuse_conv_bn_eval(conv.eval(), norm)
        x = Variable(move(np.linspace(-1, 1, 50).reshape(1, 2, 5, 5)))
        return fused(x), norm(conv(x))

    (cpu_fused, cpu_plain), (gpu_fused, gpu_plain) = _on_both(build, run)
    _close(gpu_fused.data, cpu_fused.data, "fused")
    _close(gpu_fused.data, gpu_plain.data, "fused against conv then norm")
    one_hot = nn.utils.to_categorical(cuda.to_gpu(np.array([0, 2, 1])), 3)
    _close(one_hot, np.eye(3, dtype=np.float32)[[0, 2, 1]], "to_categorical")


def test_adaptive_log_softmax_on_the_gpu():
    def build(move):
        return _moved(nn.AdaptiveLogSoftmaxWithLoss(6, 10, [3, 6], div_value=2.0).double(), move)

    def run(model, move):
        x = Variable(move(np.linspace(-2, 2, 24).reshape(4, 6)), requires_grad=True)
        out = model(x, Variable(move(np.array([0, 4, 8, 9]))))
        out.loss.backward()
        return out.output, x.grad, model.predict(x)

    _same(_on_both(build, run), "adaptive softmax")


@pytest.mark.parametrize("loss", ["nll_loss", "cross_entropy probabilities", "multi_margin_loss",
                                  "kl_div", "cross_entropy Variable target"])
def test_a_target_given_on_the_host_with_a_gpu_input(loss):
    probabilities = np.full((3, 4), 0.25)
    labels = np.array([0, 3, 1])
    call = {"nll_loss": lambda x: F.nll_loss(F.log_softmax(x, axis=1), labels),
            "cross_entropy probabilities": lambda x: F.cross_entropy(x, probabilities),
            "multi_margin_loss": lambda x: F.multi_margin_loss(x, labels),
            "kl_div": lambda x: F.kl_div(F.log_softmax(x, axis=1), probabilities,
                                         reduction="batchmean"),
            "cross_entropy Variable target": lambda x: F.cross_entropy(x, Variable(labels))}[loss]
    results = []
    for move in (lambda a: a, cuda.to_gpu):
        x = Variable(move(np.linspace(-1, 1, 12).reshape(3, 4)))
        value = call(x)
        value.backward()
        results.append((value.data, x.grad.data))
    for what, g, c in zip(("loss", "gradient"), results[1], results[0]):
        _close(g, c, f"{loss}: {what}")


# (NumPy's own DeprecationWarning as it tries CuPy's __array__ on the way to the error)
@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")
def test_numpy_constants_beside_gpu_arrays_go_to_the_gpu_and_layers_name_a_host_input():
    import autograd as ag
    x = Variable(cuda.to_gpu(np.linspace(-1, 1, 6).reshape(2, 3)), requires_grad=True)
    host = np.linspace(0, 1, 6).reshape(3, 2)
    results = [x @ host, ag.dot(x, host), ag.stack([x, host.T]), ag.einsum("ij,jk->ik", x, host),
               ag.where(host.T > 0.5, x, 0.0), ag.concatenate([x, host.T])]
    sum(r.sum() for r in results).backward()
    for r in results:
        assert cuda.get_array_module(r.data) is not np
    # (x @ host, dot and einsum: host's row sums each; stack and concatenate: 1; where: mask)
    expected = 3 * host.sum(axis=1) + 2 + (host.T > 0.5)
    _close(x.grad.data, np.broadcast_to(expected, (2, 3)), "gradient through the constants")
    assert cuda.get_array_module(x > host.T) is not np
    layer = nn.Linear(3, 2).to_gpu()
    with pytest.raises(TypeError, match="linear: .*on the GPU.*NumPy arrays beside GPU ones"):
        layer(np.ones((4, 3), np.float32))


def test_attention_with_a_boolean_mask_variable_on_the_gpu_matches_the_cpu():
    """(The mask's 0 and -inf were NumPy constants beside the GPU mask: refused.)"""
    q = _x(2, 3, 4)
    mask = np.tril(np.ones((3, 3), bool))
    outs = []
    for move in (lambda a: a, cuda.to_gpu):
        query = Variable(move(q), requires_grad=True)
        out = F.scaled_dot_product_attention(query, query, query,
                                             attn_mask=Variable(move(mask)))
        out.sum().backward()
        outs.append((out.data, query.grad.data))
    (cpu_out, cpu_grad), (gpu_out, gpu_grad) = outs
    assert cuda.get_array_module(gpu_out) is not np
    np.testing.assert_allclose(cuda.to_cpu(gpu_out), cpu_out, rtol=1e-7)
    np.testing.assert_allclose(cuda.to_cpu(gpu_grad), cpu_grad, rtol=1e-7)


def _keras_masked_cases():
    import nn.keras as keras
    from nn.keras import layers
    tokens = np.array([[3, 1, 0, 0], [2, 4, 1, 0]])
    embedded = keras.layers.Embedding(6, 3, mask_zero=True)
    return {
        "MultiHeadAttention causal": (
            lambda: layers.MultiHeadAttention(num_heads=2, key_dim=3),
            lambda layer, x: layer(x, x, use_causal_mask=True), _x(2, 4, 3)),
        "Attention causal": (lambda: layers.Attention(),
                             lambda layer, x: layer([x, x], use_causal_mask=True), _x(2, 4, 3)),
        "Softmax masked": (lambda: layers.Softmax(),
                           lambda layer, x: layer(x, mask=x > 0), _x(2, 4)),
        "Multiply masked": (
            lambda: keras.Sequential([keras.Input((4,), dtype="int64"), embedded]),
            lambda layer, x: layers.Multiply()([layer(x), layer(x)]), tokens),
    }


@pytest.mark.parametrize("name", sorted(_keras_masked_cases()))
def test_a_keras_layer_with_masks_on_the_gpu_matches_the_cpu(name):
    """(Their 0, 1 and large-negative constants, and the causal mask, were made with NumPy
    beside the GPU tensors: refused.)"""
    make, call, x = _keras_masked_cases()[name]
    layer = make()
    on_cpu = call(layer, Variable(x))
    layer.to_gpu()
    on_gpu = call(layer, Variable(cuda.to_gpu(x)))
    assert cuda.get_array_module(on_gpu.data) is not np
    np.testing.assert_allclose(cuda.to_cpu(on_gpu.data), on_cpu.data, rtol=1e-6, atol=1e-7)
