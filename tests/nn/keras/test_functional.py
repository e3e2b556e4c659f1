"""Keras' functional API (nn.keras.functional): keras.Input, layers called on symbolic
tensors, keras.Model(inputs, outputs) with branches, merges and shared layers; training,
summary, save / load, and agreement with real Keras 3."""
import importlib.util
import os

import numpy as np
import pytest

import nn
import nn.keras as keras
from nn.keras import layers

from ..training.test_summary import summary_text

DATA = os.path.join(os.path.dirname(__file__), "data")


def residual_mlp():
    inputs = keras.Input(shape=(64,))
    x = layers.Dense(32, activation="relu")(inputs)
    skip = x
    x = layers.Dense(32, activation="relu")(x)
    x = layers.Add()([x, skip])
    outputs = layers.Dense(10)(x)
    return keras.Model(inputs=inputs, outputs=outputs)


@pytest.mark.parametrize("seed,jit", [(0, False), (1, True)])
def test_a_residual_mlp_learns_the_digits(seed, jit):
    # 10 epochs of Adam: test accuracy 0.911-0.944 over seeds 0-15 (about 1 s each), the
    # same eager and with jit_compile=True
    (x_train, y_train), (x_test, y_test) = nn.datasets.digits()
    np.random.seed(seed)
    model = residual_mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], jit_compile=jit)
    model.fit(x_train, y_train, epochs=10, batch_size=32, verbose=0)
    assert model.evaluate(x_test, y_test, verbose=0)[1] > 0.88
    assert model.predict(x_test, verbose=0).shape == (len(x_test), 10)


class Residual(nn.Model):
    def __init__(self):
        super().__init__()
        self.first, self.second, self.out = nn.Dense(32), nn.Dense(32), nn.Dense(10)

    def forward(self, x):
        skip = nn.functional.relu(self.first(x))
        return self.out(nn.functional.relu(self.second(skip)) + skip)


def test_same_weights_same_outputs_as_a_subclass_and_a_sequential():
    model = residual_mlp()
    subclass = Residual()
    x = np.random.default_rng(0).normal(size=(7, 64)).astype(np.float32)
    subclass(x)
    subclass.set_weights(model.get_weights())
    np.testing.assert_allclose(model.predict(x, verbose=0), subclass.predict(x, verbose=0),
                               rtol=1e-6)
    inputs = keras.Input((64,))
    x_ = layers.Dense(32, activation="relu")(inputs)
    chain = keras.Model(inputs, layers.Dense(10)(x_))
    sequential = keras.Sequential([keras.Input((64,)), layers.Dense(32, activation="relu"),
                                   layers.Dense(10)])
    sequential.set_weights(chain.get_weights())
    np.testing.assert_allclose(chain(x).data, sequential(x).data, rtol=1e-6)


def test_keras_input_still_starts_a_sequential():
    model = keras.Sequential([keras.Input((5,), name="features"), layers.Dense(3)])
    assert isinstance(model[0], nn.InputLayer) and model[1].weight.shape == (3, 5)
    # Keras' layers leave the InputLayer out: freezing layers[0] freezes the Dense
    assert model.layers == [model[1]]
    model.layers[0].trainable = False
    assert not model[1].weight.requires_grad
    with pytest.raises(TypeError, match="keras.Input"):
        keras.Sequential([layers.Dense(3)(keras.Input((5,))), layers.Dense(2)])


def test_branches_concatenate_and_the_merges():
    inputs = keras.Input((4,))
    a, b = layers.Dense(3, name="a")(inputs), layers.Dense(5, name="b")(inputs)
    both = layers.Concatenate(name="both")([a, b])
    assert both.shape == (None, 8)
    model = keras.Model(inputs, both)
    x = np.random.default_rng(1).normal(size=(2, 4)).astype(np.float32)
    expected = np.concatenate([model.get_layer("a")(x).data, model.get_layer("b")(x).data], -1)
    np.testing.assert_allclose(model(x).data, expected, rtol=1e-6)
    u, v = np.float32([[1, -2, 3]]), np.float32([[2, 0, -1]])
    for merge, want in ((layers.Add(), u + v), (layers.Subtract(), u - v),
                        (layers.Multiply(), u * v), (layers.Average(), (u + v) / 2),
                        (layers.Maximum(), np.maximum(u, v)),
                        (layers.Minimum(), np.minimum(u, v)),
                        (layers.Concatenate(axis=0), np.concatenate([u, v]))):
        np.testing.assert_allclose(merge([u, v]).data, want)


def test_a_shared_layer_has_one_set_of_weights():
    inputs = keras.Input((3,))
    shared = layers.Dense(3, name="shared")
    outputs = shared(layers.Activation("relu")(shared(inputs)))
    model = keras.Model(inputs, outputs)
    assert [name for name, _ in model.named_parameters()] == ["shared.weight", "shared.bias"]
    x = np.float32([[1, 2, 3]])
    np.testing.assert_allclose(model(x).data, shared(np.maximum(shared(x).data, 0)).data,
                               rtol=1e-6)


def test_save_and_load_round_trip(tmp_path):
    inputs = keras.Input((6,), name="x")
    shared = layers.Dense(4, name="shared")
    h = layers.Concatenate()([shared(inputs), layers.Dense(2)(inputs)])
    outputs = layers.Dense(3, activation="softmax", name="out")(layers.Add()([h, h]))
    model = keras.Model(inputs, outputs, name="branchy")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(2).normal(size=(9, 6)).astype(np.float32)
    model.fit(x, np.arange(9) % 3, epochs=2, verbose=0)
    model.save(tmp_path / "m.rungrad")
    loaded = nn.load_model(tmp_path / "m.rungrad")
    assert type(loaded) is type(model) and loaded.name == "branchy"
    assert list(loaded.state_dict()) == list(model.state_dict())
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)
    loaded.fit(x, np.arange(9) % 3, epochs=1, verbose=0)  # compiled as it was


def test_summary_shows_each_layers_output_shape():
    text = summary_text(residual_mlp())
    for row in ("input_layer (InputLayer)", "(None, 64)", "add (Add)", "(None, 32)",
                "dense_2 (Dense)", "(None, 10)", "Total params: 3,466"):
        assert row in text


def test_several_inputs_and_outputs_by_call():
    left, right = keras.Input((2,)), keras.Input((2,))
    total = layers.Add()([left, right])
    model = keras.Model([left, right], [total, layers.Multiply()([left, right])])
    u, v = np.float32([[1, 2]]), np.float32([[3, 4]])
    added, multiplied = model([u, v])
    np.testing.assert_allclose(added.data, u + v)
    np.testing.assert_allclose(multiplied.data, u * v)
    predicted = model.predict([u, v])  # (fit and evaluate: test_multi_io.py)
    np.testing.assert_allclose(predicted[0], u + v)
    np.testing.assert_allclose(predicted[1], u * v)


def test_errors_name_the_layer_and_the_shapes():
    inputs = keras.Input((4,))
    with pytest.raises(TypeError, match="Add.*mixed with a ndarray"):
        layers.Add()([inputs, np.zeros((1, 4), np.float32)])
    with pytest.raises(ValueError, match=r"Add 'join'.*\(None, 4\), \(None, 3\)"):
        layers.Add(name="join")([inputs, layers.Dense(3)(inputs)])
    with pytest.raises(ValueError, match="Concatenate.*axis -1"):
        layers.Concatenate()([inputs, keras.Input((4, 2))])
    other = keras.Input((4,), name="other")
    with pytest.raises(ValueError, match="InputLayer 'other'.*disconnected"):
        keras.Model(inputs, layers.Add()([inputs, other]))
    with pytest.raises(TypeError, match="symbolic tensors"):
        keras.Model(inputs, np.zeros(3))


def test_subclassing_model_is_unchanged():
    class Scaled(nn.Model):
        def __init__(self, factor):
            super().__init__()
            self.factor = factor

        def forward(self, x):
            return x * self.factor

    assert Scaled(3)(np.float32([2])).data[0] == 6
    assert type(nn.Model()) is nn.Model


def _reference_builder():
    spec = importlib.util.spec_from_file_location(
        "make_functional_reference", os.path.join(DATA, "make_functional_reference.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.functional_model


def test_predictions_agree_with_keras():
    reference = np.load(os.path.join(DATA, "functional_reference.npz"))
    model = _reference_builder()(keras, layers)
    for name in ("a", "b", "shared", "out"):
        model.get_layer(name).set_weights([reference[f"{name}:0"], reference[f"{name}:1"]])
    np.testing.assert_allclose(model.predict(reference["x"], verbose=0), reference["y"],
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("make", [lambda: layers.Conv1D(2, 3, strides=2, padding="same"),
                                  lambda: layers.MaxPooling1D(2, padding="same"),
                                  lambda: layers.MaxPooling1D(3, strides=3, padding="same"),
                                  lambda: layers.Conv1D(2, 3, strides=16, padding="same")])
def test_a_strided_layer_keeps_an_unknown_length_unknown(make):
    # lengths 1 and 2 give one step each (ceil(n / stride)): the length is not fixed at 1
    inputs = keras.Input(shape=(None, 4))
    assert make()(inputs).shape[:2] == (None, None)
    with pytest.raises(ValueError, match=r"Dense \(its input of shape \(None, None\)\): a size "
                                         "unknown until it is called"):
        layers.Dense(1)(layers.Flatten()(make()(inputs)))


def test_sequential_and_functional_agree_on_unknown_sizes():
    def stack():  # three strided layers: 8 steps become one, as 1 does
        return [layers.Conv1D(2, 3, strides=2, padding="same") for _ in range(3)]
    inputs = keras.Input(shape=(None, 4))
    x = inputs
    for layer in stack():
        x = layer(x)
    sequential = keras.Sequential([keras.Input(shape=(None, 4)), *stack()])
    assert x.shape == list(sequential.layer_output_shapes().values())[-1] == (None, None, 2)
    with pytest.raises(ValueError, match="Sequential: a size unknown until it is called"):
        keras.Sequential([keras.Input(shape=(None, 4)), layers.Conv1D(2, 3, padding="same"),
                          layers.Flatten(), layers.Dense(1)])
    known = keras.Sequential([keras.Input(shape=(9, 4)), *stack()])
    assert list(known.layer_output_shapes().values())[-1] == (None, 2, 2)


def test_layer_and_model_inputs_and_outputs_make_feature_extractors():
    """Keras' keras.Model(model.input, model.get_layer(name).output), for a functional model
    and a Sequential (whose graph Keras 3 builds on its Input), each layer's input and output
    those of its first call."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 4)).astype(np.float32)
    inputs = keras.Input((4,), name="features")
    hidden = layers.Dense(3, activation="relu", name="hidden")
    functional = keras.Model(inputs, layers.Dense(2, name="out")(hidden(inputs)))
    sequential = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="relu",
                                                                  name="hidden"),
                                   layers.Dense(2, name="out")])
    assert functional.input is inputs and functional.inputs[0] is inputs
    assert functional.output is functional.outputs[0] and hidden.input is inputs
    for model in (functional, sequential):
        layer = model.get_layer("hidden")
        features = keras.Model(model.input, layer.output)
        np.testing.assert_allclose(features.predict(x, verbose=0), layer(x).data, rtol=1e-6)
        every = keras.Model(inputs=model.inputs, outputs=[each.output for each in model.layers])
        np.testing.assert_allclose(every.predict(x, verbose=0)[-1],
                                   model.predict(x, verbose=0), rtol=1e-6)
    assert sequential.output.shape == (None, 2) and len(sequential.inputs) == 1
    other = keras.Input((2,))
    two = keras.Model({"a": inputs, "b": other},
                      [functional.output, layers.Dense(1)(other)])
    assert list(two.input) == ["a", "b"] and two.input["b"] is other
    assert isinstance(two.output, list) and len(two.output) == 2
    with pytest.raises(AttributeError, match="Dense 'lonely' has no output yet: it has not "
                                             "been called on keras.Input's tensors"):
        assert layers.Dense(2, name="lonely").output is None  # (raises first)


def test_a_subclass_init_may_hand_its_graph_to_model_init(tmp_path):
    """Keras 3's `super().__init__(inputs=x, outputs=y)` inside a subclass's __init__ (it
    raised: unexpected keyword argument 'inputs'), by keyword or by position."""
    class ByKeyword(keras.Model):
        def __init__(self, units=3, **options):
            x = keras.Input((4,))
            super().__init__(inputs=x, outputs=layers.Dense(units)(x), **options)
            self.units = units

    class ByPosition(keras.Model):
        def __init__(self):
            x = keras.Input((4,))
            super().__init__(x, layers.Dense(1)(x), name="by_position")

    made = ByKeyword(units=2, name="kw")
    assert isinstance(made, ByKeyword) and made.name == "kw" and made.units == 2
    made.save(tmp_path / "kw.keras")  # (its __init__ cannot be run again by a load: said)
    with pytest.warns(UserWarning, match="saved as a .*ByKeyword, whose own __init__ a load "
                                         "does not run"):
        loaded = keras.models.load_model(tmp_path / "kw.keras",
                                         custom_objects={"ByKeyword": ByKeyword})
    x = np.ones((3, 4), np.float32)
    np.testing.assert_array_equal(loaded(x).data, made(x).data)
    assert made(np.ones((3, 4), np.float32)).shape == (3, 2) and made.output.shape == (None, 2)
    assert ByPosition().name == "by_position" and ByPosition().input.shape == (None, 4)

    class Mistaken(keras.Model):
        def __init__(self):
            super().__init__(inputs=np.ones(3), outputs=np.ones(3))

    with pytest.raises(TypeError, match="Mistaken: Model\\(\\) takes name= alone, or Keras' "
                                        "functional arguments"):
        Mistaken()


def test_get_layer_names_the_layers_by_their_keras_names():
    """It listed the model's own keys ('1', '3', ...) for the layers without a name."""
    inputs = keras.Input((4,))
    model = keras.Model(inputs, layers.Dense(1, name="out")(layers.Dense(3)(inputs)))
    with pytest.raises(ValueError, match=r"no layer named 'nope'; the layers are "
                                         r"\['input_layer(_\d+)?', 'dense(_\d+)?', 'out'\]"):
        model.get_layer("nope")


def test_an_inputs_batch_size_is_kept_through_the_layers_and_a_save(tmp_path):
    """keras.Input(batch_size=4): the outputs were (None, 2), and a saved model's input
    came back (None, 6)."""
    inputs = keras.Input((6,), batch_size=4)
    model = keras.Model(inputs, layers.Dense(2)(layers.Dense(3)(inputs)))
    assert model.input_shape == (4, 6) and model.output_shape == (4, 2)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded.input_shape == (4, 6) and loaded.output_shape == (4, 2)
    x = np.ones((4, 6), np.float32)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_a_model_of_lists_of_one_takes_and_gives_them_as_keras():
    """(Model([x], [o]) stacked [X] into one array of shape (1, N, 3) and returned a list;
    Keras flattens [X] and unpacks a single output.)"""
    x = keras.Input(shape=(3,), name="x")
    o = layers.Dense(2, activation="softmax", name="o")(x)
    model = keras.Model([x], [o])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(0)
    data, labels = rng.normal(size=(5, 3)).astype(np.float32), rng.integers(0, 2, 5)
    assert model.predict([data], verbose=0).shape == (5, 2)
    assert isinstance(model.predict(data, verbose=0), np.ndarray)
    assert model(data).shape == (5, 2)
    assert list(model.fit([data], labels, verbose=0).history) == ["loss", "accuracy"]
    model.fit(data, [labels], verbose=0)
    assert len(model.evaluate([data], [labels], verbose=0)) == 2
    single = keras.Model(x, o)
    single.compile("sgd", ["sparse_categorical_crossentropy"], loss_weights=[2.0])
    single.fit([data], labels, verbose=0)


def test_inputs_have_names_and_models_take_trainable_as_keras():
    x = keras.Input(shape=(3,), name="features")
    hidden = layers.Dense(2, name="hidden")(x)
    assert (x.name, hidden.name) == ("features", "hidden")
    frozen = keras.Model(x, hidden, trainable=False)
    assert not frozen.trainable and not frozen.trainable_weights
    with pytest.raises(TypeError, match="Input: dtype bfloat16: NumPy has no bfloat16"):
        keras.Input(shape=(3,), dtype="bfloat16")


def test_unknown_sizes_build_where_one_step_cannot_fill_a_window_as_keras():
    """(Keras' text example, Input(shape=(None,)) -> Embedding -> Conv1D(k=5): the graph was
    tried with every None size 1, and the window did not fit.)"""
    tokens = keras.Input(shape=(None,), dtype="int32")
    hidden = layers.Conv1D(16, 5, activation="relu")(layers.Embedding(100, 8)(tokens))
    hidden = layers.Conv1D(16, 7, strides=3)(hidden)
    assert hidden.shape == (None, None, 16)
    model = keras.Model(tokens, layers.Dense(1)(layers.GlobalMaxPooling1D()(hidden)))
    rng = np.random.default_rng(0)
    for length in (40, 23):
        assert model.predict(rng.integers(1, 100, (2, length)), verbose=0).shape == (2, 1)
    images = keras.Input(shape=(None, None, 3))
    assert layers.MaxPooling2D()(layers.Conv2D(4, 3)(images)).shape == (None, None, None, 4)


def test_summary_shows_every_output_shape_of_a_layer_of_several_as_keras():
    """(An LSTM with return_state showed its first output's shape only.)"""
    x = keras.Input((5, 3))
    sequence, h, _ = layers.LSTM(4, return_sequences=True, return_state=True)(x)
    model = keras.Model(x, [layers.Dense(1)(sequence), h])
    lines = []
    model.summary(print_fn=lines.append, line_length=120)
    assert any("[(None, 5, 4), (None, 4), (None, 4)]" in line for line in lines)


def test_summary_shows_keras_trainable_column():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.Dropout(0.1),
                              layers.Dense(1)])
    model.layers[0].trainable = False
    lines = []
    model.summary(print_fn=lines.append, show_trainable=True)
    text = "\n".join(lines)
    assert "Trainable" in text.splitlines()[2]
    rows = {line.split()[0]: line.split()[-1] for line in lines if line.startswith(" dense")
            or line.startswith(" dropout")}
    assert rows == {"dense": "N", "dropout": "-", "dense_1": "Y"}
    plain = []
    model.summary(print_fn=plain.append)
    assert "Trainable" not in plain[2] and len(plain[1]) == 72


def test_an_input_no_output_depends_on_is_kept_as_keras_keeps_it():
    used, unused = keras.Input((3,)), keras.Input((2,))
    model = keras.Model([used, unused], layers.Dense(1)(used))
    # (Keras 3.15: the unused input at depth 0, before the layers it numbered)
    assert [layer.name for layer in model.layers] == ["input_layer", "input_layer_1", "dense"]
    xs = [np.ones((4, 3), np.float32), np.full((4, 2), np.nan, np.float32)]
    model.compile("sgd", "mse")
    history = model.fit(xs, np.ones((4, 1), np.float32), verbose=0)
    assert np.isfinite(history.history["loss"][0])  # (the unused input's NaNs reach nothing)
    again = keras.Model.from_config(model.get_config())
    assert [layer.name for layer in again.layers] == ["input_layer", "input_layer_1", "dense"]
    assert again.predict(xs, verbose=0).shape == (4, 1)
    with pytest.raises(TypeError, match="takes 2 input"):
        model(xs[0])
