"""Model.summary: Keras' table when the model is built, Keras' message when not."""
import numpy as np
import pytest

import nn


def summary_text(model):
    lines = []
    model.summary(print_fn=lines.append)
    return "\n".join(lines)


def keras_example():
    model = nn.Sequential()
    model.add(nn.Dense(12, input_shape=(8,), activation="relu"))
    model.add(nn.Dense(8, activation="relu"))
    model.add(nn.Dense(1, activation="sigmoid"))
    return model


def row(text, name):
    return next(line.split() for line in text.splitlines() if line.startswith(f" {name} "))


def test_built_model_lists_layers_shapes_and_counts():
    text = summary_text(keras_example())  # built from input_shape, never called
    assert text.startswith('Model: "sequential"')  # Keras 3's names
    assert row(text, "dense") == ["dense", "(Dense)", "(None,", "12)", "108"]
    assert row(text, "dense_1") == ["dense_1", "(Dense)", "(None,", "8)", "104"]
    assert row(text, "dense_2") == ["dense_2", "(Dense)", "(None,", "1)", "9"]
    assert "Total params: 221 (884.00 B)" in text
    assert "Trainable params: 221 (884.00 B)" in text
    assert "Non-trainable params: 0 (0.00 B)" in text


def test_unbuilt_model_says_so_until_it_is_called(capsys):
    model = nn.Sequential(nn.Linear(16), nn.ReLU(), nn.Linear(3))
    model.summary()
    out = capsys.readouterr().out
    assert "This model has not yet been built" in out and "Total params" not in out
    model(np.zeros((2, 5), np.float32))
    text = summary_text(model)
    # (the lazy layers are Linears once built, as torch's)
    assert row(text, "linear")[-2:] == ["16)", "96"] and row(text, "re_lu")[1] == "(ReLU)"
    assert "Total params: 147 " in text


def test_batch_norm_statistics_and_frozen_weights_are_non_trainable():
    model = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3))
    model[0].weight.requires_grad = False
    text = summary_text(model)
    assert "Trainable params: 9 " in text       # linear bias 3 + batch norm 6
    assert "Non-trainable params: 18 " in text  # linear weight 12 + running mean/var 6


class Net(nn.Model):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, 8), nn.ReLU())
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        return self.head(self.body(x))


def test_subclassed_model_rows_are_its_children():
    text = summary_text(Net())
    assert row(text, "body") == ["body", "(Sequential)", "?", "40"]
    assert row(text, "head") == ["head", "(Linear)", "?", "27"]
    assert "Total params: 67 " in text


@pytest.mark.parametrize("first", [nn.Dense(8, activation="relu"),
                                   nn.Dense(8, activation="relu", input_shape=(5, 4))])
def test_a_dense_on_sequences_is_summarized_with_the_shapes_it_saw(first):
    x = np.random.default_rng(0).normal(size=(10, 5, 4)).astype(np.float32)
    y = np.arange(10) % 3
    model = nn.Sequential([first, nn.Flatten(), nn.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, verbose=0)
    lines = []
    model.summary(print_fn=lines.append)
    assert any("(None, 5, 8)" in line for line in lines)
    assert any("(None, 40)" in line for line in lines)
    assert model.layers[2].in_features == 40


def table(text):
    """[(layer, output shape, params)] of a summary, a row's wrapped lines joined (the
    columns at the default line length's widths, 32 / 23 / 17)."""
    body = text.split("=" * 72)[1]
    rows = []
    for line in body.splitlines():
        cells = [line[:33].strip(), line[33:56].strip(), line[56:].strip()]
        if cells[2]:
            rows.append(cells)
        elif cells[0]:
            rows[-1][0] += " " + cells[0]
    return [tuple(row) for row in rows]


# Keras 3.15's summary of the same models (keras.Sequential / keras.Model, JAX backend):
# layer names, output shapes, counts and totals as it prints them
KERAS_MLP = [("dense (Dense)", "(None, 3)", "15"),
             ("batch_normalization (BatchNormalization)", "(None, 3)", "12"),
             ("dense_1 (Dense)", "(None, 2)", "8")]
KERAS_MLP_TOTALS = [" Total params: 35 (140.00 B)", " Trainable params: 29 (116.00 B)",
                    " Non-trainable params: 6 (24.00 B)"]
KERAS_CONVNET = [("conv2d (Conv2D)", "(None, 6, 6, 2)", "20"),
                 ("max_pooling2d (MaxPooling2D)", "(None, 3, 3, 2)", "0"),
                 ("global_average_pooling2d (GlobalAveragePooling2D)", "(None, 2)", "0"),
                 ("re_lu (ReLU)", "(None, 2)", "0"),
                 ("out (Dense)", "(None, 1)", "3")]
# Dense(2)(Dense(3)(inputs)): Python makes the outer Dense first, which Keras names 'dense'
KERAS_FUNCTIONAL = [("input_layer (InputLayer)", "(None, 4)", "0"),
                    ("dense_1 (Dense)", "(None, 3)", "15"),
                    ("dense (Dense)", "(None, 2)", "8")]


def test_summary_matches_keras_3_names_rows_and_totals():
    import nn.keras as keras
    from nn.keras import layers
    mlp = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, activation="relu"),
                            layers.BatchNormalization(), layers.Dense(2)])
    text = summary_text(mlp)
    assert text.splitlines()[0] == 'Model: "sequential"'
    assert table(text) == KERAS_MLP  # no row for the Input, as Keras
    assert text.splitlines()[-4:-1] == KERAS_MLP_TOTALS
    convnet = keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(2, 3),
                                layers.MaxPooling2D(), layers.GlobalAveragePooling2D(),
                                layers.ReLU(), layers.Dense(1, name="out")])
    assert table(summary_text(convnet)) == KERAS_CONVNET
    inputs = keras.Input((4,))
    functional = keras.Model(inputs, layers.Dense(2)(layers.Dense(3)(inputs)))
    text = summary_text(functional)
    assert text.splitlines()[0] == 'Model: "functional"' and table(text) == KERAS_FUNCTIONAL


def test_get_layer_finds_the_names_summary_shows():
    model = nn.Sequential([nn.Dense(3, input_shape=(4,)), nn.ReLU(), nn.Dense(2, name="dense"),
                           nn.Dense(1)])
    # 'dense' is taken by the named layer: the unnamed Dense layers are dense_1 and dense_2
    assert [row[0] for row in table(summary_text(model))] == [
        "dense_1 (Dense)", "re_lu (ReLU)", "dense (Dense)", "dense_2 (Dense)"]
    assert model.get_layer("dense_1") is model[0] and model.get_layer("dense_2") is model[3]
    assert model.get_layer("dense") is model[2] and model.get_layer("0") is model[0]


def _fitted_keras_model(optimizer):
    import nn.keras as keras
    model = keras.Sequential([keras.layers.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.BatchNormalization(), keras.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    return model


@pytest.mark.parametrize("optimizer, lines", [
    # Keras 3.15.1's summary of this model after one epoch of fit, line for line
    ("adam", [" Total params: 213 (852.00 B)", " Optimizer params: 132 (528.00 B)"]),
    ("sgd", [" Total params: 83 (332.00 B)", " Optimizer params: 2 (8.00 B)"]),
    ("sgd_momentum", [" Total params: 148 (592.00 B)", " Optimizer params: 67 (268.00 B)"]),
])
def test_a_fitted_model_counts_its_optimizer_variables_as_keras(optimizer, lines):
    import nn.keras as keras
    if optimizer == "sgd_momentum":
        optimizer = keras.optimizers.SGD(momentum=0.9)
    model = _fitted_keras_model(optimizer)
    before = summary_text(model)
    assert "Optimizer params" not in before and "Total params: 81 (324.00 B)" in before
    rng = np.random.default_rng(0)
    model.fit(rng.random((32, 4), np.float32), rng.random((32, 1), np.float32), epochs=1,
              verbose=0)
    after = summary_text(model).splitlines()
    assert lines[0] in after and lines[1] in after
    assert " Trainable params: 65 (260.00 B)" in after
    assert " Non-trainable params: 16 (64.00 B)" in after


def test_a_layer_no_call_has_built_shows_as_unbuilt_beside_the_others(capsys):
    """(A layer only a training branch calls made the whole summary Keras' "not yet been
    built" message after model.build.)"""
    import nn.keras as keras

    class AuxHead(keras.Model):
        def __init__(self):
            super().__init__()
            self.body = keras.layers.Dense(4)
            self.aux = keras.layers.Dense(2)

        def call(self, x, training=False):
            h = self.body(x)
            return self.aux(h) if training else h
    model = AuxHead()
    model.build((None, 5))
    model.summary()
    out = capsys.readouterr().out
    assert "aux (Dense)" in out and "0 (unbuilt)" in out and "Total params: 24" in out
    assert not model.built
