"""Writes recurrent_*.npz: outputs of Keras 3's own SimpleRNN, LSTM, GRU, Bidirectional and
Embedding on fixed inputs and weights, which tests/nn/keras/test_recurrent.py and
test_embedding.py check rungrad's nn.keras layers against. Not run by the test suite: run
it with Keras 3 installed (any backend; these files came from the JAX one, on the CPU):

    KERAS_BACKEND=jax python tests/nn/keras/data/make_recurrent_reference.py

Each case is stored under a prefix `<case>/`: `config` (JSON: the layer's class and
arguments, the same names in nn.keras), `x` (the input), `w0`, `w1`, ... (get_weights
after set_weights: Keras' layouts and order) and `y0`, `y1`, ... (the outputs; a list with
return_state or merge_mode=None). Weights are drawn from U(-0.7, 0.7), so that every gate
and the forget bias matter, not Keras' initial values; `init/...` cases keep Keras' fresh
biases (zeros; LSTM's forget gate at 1) to check the initialisers' deterministic part.
"""
import json
import os

import keras
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
N, T, F = 3, 5, 4


def rnn_cases(cls, units=3, extra=()):
    """The return modes and directions of one recurrent class."""
    cases = {}
    for seq in (False, True):
        for state in (False, True):
            for back in (False, True):
                config = {"units": units, "return_sequences": seq, "return_state": state,
                          "go_backwards": back}
                cases[f"seq{int(seq)}_state{int(state)}_back{int(back)}"] = (cls, config)
    cases["no_bias"] = (cls, {"units": units, "use_bias": False, "return_sequences": True})
    for name, config in extra:
        cases[name] = (cls, {"units": units, **config})
    return cases


FILES = {
    "recurrent_simple_rnn": rnn_cases("SimpleRNN", extra=[
        ("relu", {"activation": "relu", "return_sequences": True})]),
    "recurrent_lstm": rnn_cases("LSTM"),
    "recurrent_gru": rnn_cases("GRU"),
    "recurrent_bidirectional": {
        **{f"lstm_{mode}": ("Bidirectional", {"merge_mode": mode, "layer": [
            "LSTM", {"units": 3, "return_sequences": True}]})
           for mode in ("concat", "sum", "mul", "ave", None)},
        "gru_last_concat": ("Bidirectional", {"layer": ["GRU", {"units": 2}]}),
        "simple_rnn_state_concat": ("Bidirectional", {"layer": [
            "SimpleRNN", {"units": 2, "return_state": True}]}),
        "lstm_state_none": ("Bidirectional", {"merge_mode": None, "layer": [
            "LSTM", {"units": 2, "return_sequences": True, "return_state": True}]}),
    },
}


def make_layer(cls, config):
    config = dict(config)
    if cls == "Bidirectional":
        inner_cls, inner = config.pop("layer")
        return keras.layers.Bidirectional(make_layer(inner_cls, inner), **config)
    return getattr(keras.layers, cls)(**config)


def as_list(y):
    return [np.asarray(v) for v in (y if isinstance(y, (list, tuple)) else [y])]


def run_case(cls, config, rng, arrays, prefix):
    layer = make_layer(cls, config)
    x = rng.standard_normal((N, T, F)).astype(np.float32)
    layer(x)  # build
    weights = [rng.uniform(-0.7, 0.7, w.shape).astype(np.float32) for w in layer.get_weights()]
    layer.set_weights(weights)
    arrays[prefix + "config"] = np.array(json.dumps({"class": cls, "config": config}))
    arrays[prefix + "x"] = x
    for i, w in enumerate(layer.get_weights()):
        arrays[f"{prefix}w{i}"] = w
    for i, y in enumerate(as_list(layer(x))):
        arrays[f"{prefix}y{i}"] = y


def fresh_biases(arrays):
    """Keras' initial biases (deterministic: zeros, LSTM's forget block at 1) and the
    shapes of every fresh weight."""
    for cls in ("SimpleRNN", "LSTM", "GRU"):
        layer = getattr(keras.layers, cls)(3)
        layer(np.zeros((1, 2, F), np.float32))
        weights = layer.get_weights()
        arrays[f"init/{cls}/bias"] = weights[2]
        arrays[f"init/{cls}/count"] = np.array(layer.count_params())


def model_case(rng):
    """A whole Sequential: Embedding -> Bidirectional(LSTM) -> GRU -> Dense, with model-level
    set_weights (the layers' weights concatenated in order)."""
    model = keras.Sequential([
        keras.Input((6,), dtype="int32"),
        keras.layers.Embedding(12, 4),
        keras.layers.Bidirectional(keras.layers.LSTM(3, return_sequences=True)),
        keras.layers.GRU(2, go_backwards=True),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    weights = [rng.uniform(-0.7, 0.7, w.shape).astype(np.float32) for w in model.get_weights()]
    model.set_weights(weights)
    x = rng.integers(0, 12, (4, 6)).astype(np.int32)
    arrays = {"x": x, "y0": np.asarray(model(x)), "count": np.array(model.count_params())}
    for i, w in enumerate(weights):
        arrays[f"w{i}"] = w
    return arrays


def embedding_cases(rng):
    arrays = {}
    layer = keras.layers.Embedding(10, 4)
    x = rng.integers(0, 10, (3, 5)).astype(np.int32)
    layer(x)
    fresh = layer.get_weights()[0]
    arrays["fresh_min"], arrays["fresh_max"] = fresh.min(), fresh.max()
    weights = rng.uniform(-1, 1, (10, 4)).astype(np.float32)
    layer.set_weights([weights])
    arrays["x"], arrays["w0"], arrays["y0"] = x, weights, np.asarray(layer(x))
    arrays["x_float"] = x.astype(np.float32)
    arrays["y_float"] = np.asarray(layer(x.astype(np.float32)))
    return arrays


def main():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    for file, cases in FILES.items():
        arrays = {}
        for name, (cls, config) in cases.items():
            run_case(cls, config, rng, arrays, f"{name}/")
        if file == "recurrent_lstm":
            fresh_biases(arrays)
        np.savez_compressed(os.path.join(HERE, file + ".npz"), **arrays)
    np.savez_compressed(os.path.join(HERE, "recurrent_model.npz"), **model_case(rng))
    np.savez_compressed(os.path.join(HERE, "recurrent_embedding.npz"), **embedding_cases(rng))
    print("keras", keras.__version__, "backend", keras.backend.backend())


if __name__ == "__main__":
    main()
