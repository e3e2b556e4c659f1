"""Write keras_files/: small models saved by real Keras 3 (3.15.1, torch backend) as a
`.keras` archive, `to_json()`'s text and (for WEIGHTS_FILES) a `.weights.h5` file, and keras_files/
predictions.npz (each model's prediction on fixed inputs), which tests/nn/keras/
test_keras_files.py checks rungrad reads and reproduces. Not run by the test suite:

    KERAS_BACKEND=torch python tests/nn/keras/data/make_keras_files.py

Weights are drawn afresh (not Keras' initial values, so that every one matters; a
BatchNormalization's moving variance positive), and the models are compiled, not trained:
the files hold no optimizer state. `lambda.keras` holds a Lambda layer (its function as
marshalled bytecode), which rungrad refuses by name.

OPERATION_MODELS hold Keras' operations among their layers (nn.keras.operations): those
Keras' masks make through merge and attention layers, and keras.ops calls written in a
functional model. They are written with their own random draws, into operations.npz
(each output of a model of several as y0, y1, ...), so that they can be made again alone:

    KERAS_BACKEND=torch python tests/nn/keras/data/make_keras_files.py operations
"""
import json
import os
import sys

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
from keras import layers, ops  # noqa: E402

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "keras_files")


def dense_bn():
    model = keras.Sequential([
        keras.Input(shape=(6,)),
        layers.Dense(8, activation="relu", kernel_regularizer=keras.regularizers.L2(1e-3),
                     kernel_initializer=keras.initializers.HeNormal(seed=1)),
        layers.BatchNormalization(),
        layers.Dropout(0.3),
        layers.Dense(3, activation="softmax"),
    ], name="dense_bn")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=2e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model, [(4, 6)]


def cnn():
    model = keras.Sequential([
        keras.Input(shape=(8, 8, 2)),
        layers.Conv2D(4, 3, activation="relu", padding="same"),
        layers.MaxPooling2D(),
        layers.Conv2D(3, (2, 2), strides=2),
        layers.Flatten(),
        layers.Dense(2),
    ], name="cnn")
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
                  loss=keras.losses.CategoricalCrossentropy(from_logits=True),
                  metrics=["categorical_accuracy"])
    return model, [(3, 8, 8, 2)]


def recurrent():
    model = keras.Sequential([
        keras.Input(shape=(7,), dtype="int32"),
        layers.Embedding(20, 4),
        layers.LSTM(5, return_sequences=True),
        layers.GRU(3),
        layers.Dense(1, activation="sigmoid"),
    ], name="recurrent")
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model, [("int", 3, 7)]


def branched():
    left = keras.Input(shape=(5,), name="left")
    right = keras.Input(shape=(3,), name="right")
    a = layers.Dense(4, activation="tanh", name="a")(left)
    b = layers.Dense(4, activation="relu", name="b")(right)
    added = layers.Add(name="add")([a, b])
    joined = layers.Concatenate(name="concat")([added, a, right])
    out = layers.Dense(2, name="out")(joined)
    model = keras.Model([left, right], out, name="branched")
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return model, [(4, 5), (4, 3)]


def nested():
    inner = keras.Sequential([layers.Dense(6, activation="relu"),
                              layers.Dense(4, activation="tanh")], name="inner")
    inputs = keras.Input(shape=(5,))
    hidden = inner(inputs)
    outputs = layers.Dense(1)(hidden)
    model = keras.Model(inputs, outputs, name="nested")
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-3), loss="mae")
    return model, [(3, 5)]


def bidirectional():
    model = keras.Sequential([
        keras.Input(shape=(4, 3)),
        layers.Bidirectional(layers.LSTM(2, return_sequences=True)),
        layers.SimpleRNN(3),
        layers.Dense(2),
    ], name="bidirectional")
    return model, [(2, 4, 3)]


def assorted():
    """Layers whose Keras configs or files hold more: a call's mask=None (TimeDistributed),
    arguments at values that change nothing (rms_scaling, use_gate, sliding_window), the
    inner layers of MultiHeadAttention and of stacked RNN cells of two classes."""
    inputs = keras.Input(shape=(4, 3))
    x = layers.TimeDistributed(layers.Dense(4))(inputs)
    x = layers.LayerNormalization()(x)
    x = layers.MultiHeadAttention(num_heads=2, key_dim=2)(x, x)
    x = layers.RNN([layers.LSTMCell(2), layers.GRUCell(3)])(x)
    return keras.Model(inputs, layers.Dense(2)(x), name="assorted"), [(2, 4, 3)]


def shared():
    """A layer called twice, its second call ready before its first (which needs another
    layer's output): the calls must be rebuilt in Keras' order, which keras_history names."""
    x = keras.Input(shape=(3,), name="x")
    first = layers.Dense(3, name="first")(x)
    twice = layers.Dense(3, name="twice")
    out = layers.Concatenate(name="concat")([twice(first), layers.Dense(2, name="after")(twice(x))])
    return keras.Model(x, out, name="shared"), [(2, 3)]


def lambda_layer():
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Lambda(lambda x: x * 2)],
                             name="with_lambda")
    return model, [(2, 3)]


def _tokens():
    """An Input of 6 token ids and its Embedding, whose zeros are padding (mask_zero)."""
    tokens = keras.Input(shape=(6,), dtype="int32", name="tokens")
    return tokens, layers.Embedding(12, 4, mask_zero=True, name="embedding")(tokens)


def masked_merges():
    """Masks through Add and Concatenate (Keras records NotEqual, LogicalOr, ExpandDims,
    ZerosLike, Concatenate and Any among the layers, and the masks given to LSTM,
    GlobalAveragePooling1D and TimeDistributed); a keras.ops call drops the mask (the third
    output averages the padding too)."""
    tokens, embedded = _tokens()
    added = layers.Add(name="add")([embedded, layers.Dense(4, name="dense")(embedded)])
    joined = layers.Concatenate(name="concat")([added, layers.Dense(2, name="narrow")(embedded)])
    return keras.Model(tokens, [layers.LSTM(3, name="lstm")(joined),
                                layers.GlobalAveragePooling1D(name="pool")(added),
                                layers.GlobalAveragePooling1D(name="pool_op")(
                                    ops.multiply(embedded, 2.0)),
                                layers.GlobalAveragePooling1D(name="pool_td")(
                                    layers.TimeDistributed(layers.Dense(2), name="td")(added))],
                       name="masked_merges"), [("tokens", 3, 6)]


def masked_attention():
    """Masks through Attention and MultiHeadAttention (ConvertToTensor, NotEqual)."""
    tokens, embedded = _tokens()
    attended = layers.Attention(name="attention")([embedded, embedded])
    heads = layers.MultiHeadAttention(num_heads=2, key_dim=2, name="mha")(attended, embedded)
    return keras.Model(tokens, [layers.GlobalAveragePooling1D(name="pool")(attended),
                                layers.LSTM(3, name="lstm")(heads)],
                       name="masked_attention"), [("tokens", 3, 6)]


def keras_ops():
    """keras.ops (and operators) called on a functional model's tensors, one output each."""
    x = keras.Input(shape=(3, 4), name="x")
    y = keras.Input(shape=(3, 4), name="y")
    positive = ops.greater(x, 0)
    outputs = [
        ops.mean(x, axis=1), ops.sum(x, axis=-1, keepdims=True), ops.max(x, axis=1),
        ops.min(x, axis=(1, 2)), ops.expand_dims(x, 1), ops.squeeze(ops.expand_dims(x, 1), 1),
        ops.reshape(x, (-1, 12)), ops.transpose(x, (0, 2, 1)),
        ops.concatenate([x, y], axis=1), ops.add(x, y), ops.multiply(x, 2.0),
        ops.subtract(x, y), ops.divide(x, 3), x / y, -x, x ** 2,
        ops.matmul(x, ops.transpose(y, (0, 2, 1))), ops.cast(x, "int32"), ops.relu(x),
        ops.sigmoid(x), ops.softmax(x, axis=1), ops.sqrt(ops.abs(x)), ops.exp(x),
        ops.log(ops.abs(y)), ops.where(positive, x, y), ops.where(positive, x, 0.5),
        ops.not_equal(x, 0), ops.equal(x, y), ops.logical_and(positive, ops.less(y, 0)),
        ops.logical_or(positive, ops.less(y, 0)), ops.logical_not(positive),
        ops.squeeze(layers.Dense(1, name="dense")(ops.mean(x, axis=1, keepdims=True))),
    ]
    return keras.Model([x, y], outputs, name="keras_ops"), [("zero", 2, 3, 4), (2, 3, 4)]


def slicing():
    """Slices of a functional model's tensor (Keras records GetItem, its key's slices as
    `__slice__`, Ellipsis as `__ellipsis__`), each feeding a Dense layer."""
    x = keras.Input(shape=(4, 6), name="x")
    return keras.Model(x, [layers.Dense(3, name="last")(x[:, -1, :]),
                           layers.Dense(2, name="first")(x[:, 0]),
                           layers.Dense(2, name="features")(x[..., 1:3]),
                           layers.Dense(2, name="strided")(x[:, ::2]),
                           layers.Dense(2, name="new_axis")(x[:, None]),
                           layers.Dense(2, name="mixed")(x[:, 1:-1, 2:5:2])],
                       name="slicing"), [(2, 4, 6)]


MODELS = {"dense_bn": dense_bn, "cnn": cnn, "recurrent": recurrent, "branched": branched,
          "nested": nested, "bidirectional": bidirectional, "assorted": assorted,
          "shared": shared}
WEIGHTS_FILES = ("dense_bn", "nested", "bidirectional")
OPERATION_MODELS = {"masked_merges": masked_merges, "masked_attention": masked_attention,
                    "keras_ops": keras_ops, "slicing": slicing}


def inputs_for(shapes, rng):
    return [_token_ids(shape[1:], rng) if shape[0] == "tokens" else
            _with_a_zero(rng.normal(size=shape[1:]).astype("float32")) if shape[0] == "zero"
            else rng.integers(0, 20, size=shape[1:]).astype("int32") if shape[0] == "int"
            else rng.normal(size=shape).astype("float32") for shape in shapes]


def _token_ids(shape, rng):
    """Ids 1..11, padded with zeros: rows of every length down to 2, one zero inside."""
    ids = rng.integers(1, 12, size=shape).astype("int32")
    for row, length in enumerate(np.linspace(shape[1], 2, shape[0]).astype(int)):
        ids[row, length:] = 0
    ids[0, 1] = 0
    return ids


def _with_a_zero(x):
    """x with its first element 0 (where ops.not_equal(x, 0) tells something)."""
    x.flat[0] = 0.0
    return x


def fresh_weights(model, rng):
    """Weights drawn anew; a moving variance stays positive."""
    for weight in model.weights:
        value = rng.uniform(-0.8, 0.8, size=weight.shape).astype("float32")
        if "variance" in weight.path:
            value = np.abs(value) + 0.5
        weight.assign(value)


def write(models, seed, predictions, several_outputs=False):
    """Save each model (drawn from one generator seeded `seed`) and its predictions."""
    rng = np.random.default_rng(seed)
    arrays = {}
    for name, make in models.items():
        model, shapes = make()
        fresh_weights(model, rng)
        xs = inputs_for(shapes, rng)
        y = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
        for i, x in enumerate(xs):
            arrays[f"{name}/x{i}"] = x
        if several_outputs and isinstance(y, list):
            arrays.update({f"{name}/y{i}": np.asarray(each) for i, each in enumerate(y)})
        else:
            arrays[f"{name}/y"] = np.asarray(y)
        arrays[f"{name}/count_params"] = np.asarray(model.count_params())
        model.save(os.path.join(HERE, f"{name}.keras"))
        if name in WEIGHTS_FILES:  # (the others' are their archives' model.weights.h5)
            model.save_weights(os.path.join(HERE, f"{name}.weights.h5"))
        with open(os.path.join(HERE, f"{name}.json"), "w") as f:
            f.write(model.to_json())
    np.savez_compressed(os.path.join(HERE, predictions), **arrays)
    print(json.dumps({k: list(v.shape) for k, v in arrays.items()}))


def main(which=("layers", "operations")):
    os.makedirs(HERE, exist_ok=True)
    if "layers" in which:
        write(MODELS, 3, "predictions.npz")
        model, _ = lambda_layer()
        model.save(os.path.join(HERE, "lambda.keras"))
    if "operations" in which:
        write(OPERATION_MODELS, 4, "operations.npz", several_outputs=True)


if __name__ == "__main__":
    main(sys.argv[1:] or ("layers", "operations"))
