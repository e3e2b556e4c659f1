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
    assert text.startswith('Model: "Sequential"')
    assert row(text, "0") == ["0", "(Dense)", "(None,", "12)", "108"]
    assert row(text, "1") == ["1", "(Dense)", "(None,", "8)", "104"]
    assert row(text, "2") == ["2", "(Dense)", "(None,", "1)", "9"]
    assert "Total params: 221 (884 B)" in text
    assert "Trainable params: 221 (884 B)" in text
    assert "Non-trainable params: 0 (0 B)" in text


def test_unbuilt_model_says_so_until_it_is_called(capsys):
    model = nn.Sequential(nn.Linear(16), nn.ReLU(), nn.Linear(3))
    model.summary()
    out = capsys.readouterr().out
    assert "This model has not yet been built" in out and "Total params" not in out
    model(np.zeros((2, 5), np.float32))
    text = summary_text(model)
    assert row(text, "0")[-2:] == ["16)", "96"] and row(text, "1")[1] == "(ReLU)"
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
