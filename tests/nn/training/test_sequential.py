"""Sequential: the ways to build it, container behaviour, PyTorch's parameter names."""
from collections import OrderedDict

import numpy as np
import pytest

import nn
import optim


def layers():
    return [nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)]


def test_construction_forms_agree():
    a, b, c = layers()
    for model in (nn.Sequential(a, b, c), nn.Sequential([a, b, c])):
        assert list(model) == [a, b, c] and model.layers == [a, b, c]
    model = nn.Sequential()
    for layer in (a, b, c):
        model.add(layer)
    assert len(model) == 3 and model[0] is a and model[-1] is c
    named = nn.Sequential(OrderedDict([("hidden", a), ("act", b), ("out", c)]))
    assert [name for name, _ in named.named_parameters()] == [
        "hidden.weight", "hidden.bias", "out.weight", "out.bias"]


def test_parameter_names_follow_pytorch():
    model = nn.Sequential(*layers())
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_forward_slicing_and_errors():
    model = nn.Sequential(*layers())
    x = np.ones((3, 4), np.float32)
    head = model[:2]
    assert isinstance(head, nn.Sequential) and len(head) == 2
    np.testing.assert_allclose(model(x).data, model[2](head(x)).data)
    with pytest.raises(IndexError, match="out of range for 3 layers"):
        model[3]
    with pytest.raises(TypeError, match="must be Modules or functions, got int"):
        model.add(3)
    with pytest.raises(TypeError, match="integers or slices"):
        model["0"]


def keras_style_model():
    model = nn.Sequential()
    model.add(nn.Dense(16, activation="relu", input_shape=(8,)))
    model.add(nn.Dense(4))
    return model


def test_input_shape_builds_every_added_layer_so_weights_load_before_any_call(tmp_path):
    trained = keras_style_model()
    assert list(trained.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]
    path = tmp_path / "w.npz"
    trained.save_weights(path)
    fresh = keras_style_model()  # never called: Keras builds it from input_shape alone
    fresh.load_weights(path)
    x = np.random.default_rng(0).standard_normal((3, 8)).astype(np.float32)
    np.testing.assert_array_equal(fresh.predict(x), trained.predict(x))


# ----- plain functions as layers (Keras' Lambda) -----

def test_plain_functions_are_wrapped_as_lambda_layers():
    import nn.functional as F
    from autograd import get_dot_graph
    from nn.layers.lambda_layer import Lambda
    model = nn.Sequential(nn.Linear(4, 8), F.relu, nn.Linear(8, 2), lambda x: x * 2)
    assert isinstance(model[1], Lambda) and isinstance(model[3], Lambda)
    assert "(1): Lambda(relu)" in repr(model) and "(3): Lambda(lambda)" in repr(model)
    x = np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32)
    expected = 2 * model[2](np.maximum(model[0](x).data, 0)).data
    y = model(x)
    np.testing.assert_allclose(y.data, expected, rtol=1e-6)
    assert y.name == "lambda" and 'label="relu' in get_dot_graph(y)
    lines = []
    model.summary(print_fn=lines.append)
    assert any("lambda (Lambda: relu)" in line and "(None, 8)" in line for line in lines)


def test_a_class_is_not_taken_for_a_function():
    with pytest.raises(TypeError, match="the class ReLU .call it to make a layer"):
        nn.Sequential(nn.Linear(2, 2), nn.ReLU)


# ----- Keras' input_shape on a layer that is not the first -----

def test_a_later_input_shape_that_matches_is_accepted(recwarn):
    model = nn.Sequential()
    model.add(nn.Dense(8, input_shape=(4,)))
    model.add(nn.Dense(3, input_shape=(8,)))
    assert len(recwarn) == 0 and model(np.ones((2, 4))).shape == (2, 3)


def test_a_later_input_shape_that_does_not_match_is_ignored_with_a_warning():
    model = nn.Sequential()
    model.add(nn.Dense(8, input_shape=(4,)))
    with pytest.warns(UserWarning, match=r"layer 1 \(Dense\) was given an input size of 5, "
                                         "but the layer before it outputs 8"):
        model.add(nn.Dense(3, input_shape=(5,)))
    assert model[1].weight.shape == (3, 8) and model(np.ones((2, 4))).shape == (2, 3)


def test_a_later_input_shape_that_cannot_be_checked_is_ignored_with_a_warning():
    with pytest.warns(UserWarning, match="not known until the first call"):
        model = nn.Sequential(nn.Dense(8), nn.Dense(3, input_shape=(5,)))
    assert not model[1].built and model(np.ones((2, 6))).shape == (2, 3)


def test_slicing_never_touches_the_sizes_of_built_layers(recwarn):
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    weight = model[2].weight
    tail = model[1:]
    assert len(recwarn) == 0 and tail[1].weight is weight and weight.shape == (2, 8)


def test_trainable_false_freezes_a_layer_as_in_keras():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype(np.float32)
    y = (x.sum(axis=1) > 0).astype(np.float32)
    np.random.seed(0)
    model = nn.Sequential([nn.Dense(4, activation="relu"), nn.Dense(1, activation="sigmoid")])
    model.layers[0].trainable = False  # before the lazy layer has weights: kept when built
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    frozen, trained = (layer.weight.data.copy() for layer in model.layers)
    model.fit(x, y, epochs=3, verbose=0)
    np.testing.assert_array_equal(model.layers[0].weight.data, frozen)
    assert not np.array_equal(model.layers[1].weight.data, trained)
    assert not model.layers[0].trainable and model.layers[1].trainable and not model.trainable
    lines = []
    model.summary(print_fn=lines.append)
    assert " Non-trainable params: 16 (64.00 B)" in lines
    model.layers[0].trainable = True
    model.fit(x, y, epochs=1, verbose=0)
    assert not np.array_equal(model.layers[0].weight.data, frozen)


def test_a_recurrent_layer_in_a_sequential_says_how_to_take_its_output():
    x = np.random.default_rng(0).normal(size=(20, 10, 1)).astype(np.float32)
    y = x[:, -1] * 2
    for layers, raised, message in (
            ([nn.LSTM(1, 8, batch_first=True), nn.Dense(1)], TypeError,
             r"layer 0 \(LSTM\) returned a tuple .*nn.Lambda\(lambda out: out\[0\]\[:, -1\]\)"),
            ([nn.LSTM(1, 8, batch_first=True)], TypeError,
             r"returned a tuple, not one Variable.*nn.Lambda")):
        model = nn.Sequential(layers)
        model.compile(optimizer="adam", loss="mse")
        with pytest.raises(raised, match=message):
            model.fit(x, y, verbose=0)
    np.random.seed(0)  # (the loss fell below 0.006 of its first value for fifteen seeds)
    model = nn.Sequential([nn.LSTM(1, 8, batch_first=True),
                           nn.Lambda(lambda out: out[0][:, -1]), nn.Dense(1)])
    model.compile(optimizer=optim.Adam(lr=0.02), loss="mse")
    history = model.fit(x, y, epochs=60, verbose=0)
    assert history.history["loss"][-1] < 0.2 * history.history["loss"][0]


def test_a_lambda_given_a_tuple_keeps_its_own_errors():
    class Pair(nn.Module):
        def forward(self, x):
            return x, x
    model = nn.Sequential([Pair(), nn.Lambda(lambda out: out[0] @ np.ones((5, 2)))])
    with pytest.raises(ValueError, match="matmul"):
        model(np.ones((2, 3)))


def test_keras_activation_layers_end_a_classifier():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(60, 4)).astype(np.float32), rng.integers(0, 3, 60)
    np.random.seed(0)
    model = nn.Sequential([nn.Dense(8, input_shape=(4,)), nn.Activation("relu"), nn.Dense(3),
                           nn.Activation("softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    p = model.predict(x).astype(np.float64)
    np.testing.assert_allclose(p.sum(axis=1), 1, rtol=1e-5)
    assert model.final_activation() == "softmax"
    assert model.evaluate(x, y) == pytest.approx(-np.mean(np.log(p[np.arange(60), y])),
                                                 rel=1e-5)
    assert nn.Activation("linear")(x) is x or np.array_equal(nn.Activation(None)(x), x)
    with pytest.raises(ValueError, match="Activation: unknown activation 'relux'"):
        nn.Activation("relux")


def test_keras_input_sizes_the_layers_after_it_and_checks_samples(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(60, 4)).astype(np.float32), rng.integers(0, 3, 60)
    np.random.seed(0)
    model = nn.Sequential([nn.Input(shape=(4,)), nn.Dense(8, activation="relu"),
                           nn.Dense(3, activation="softmax")])
    assert model.count_params() == 67  # built at once, before any data
    lines = []
    model.summary(print_fn=lines.append)
    assert any("(None, 8)" in line for line in lines)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=2, verbose=0)
    model.save(tmp_path / "input.npz")
    np.testing.assert_allclose(nn.load_model(tmp_path / "input.npz").predict(x), model.predict(x))
    with pytest.raises(ValueError, match=r"Input: the model takes samples of shape \(4,\), got a "
                                         r"batch of shape \(2, 5\)"):
        model.predict(np.ones((2, 5), np.float32))
    images = nn.Sequential([nn.Input((1, 8, 8)), nn.Conv2d(1, 4, 3), nn.Flatten(), nn.Dense(2)])
    assert images.layers[2].in_features == 144
    sequences = nn.Sequential([nn.Input((None, 3)), nn.Dense(2)])  # any length
    assert sequences(np.ones((2, 7, 3), np.float32)).shape == (2, 7, 2)
    with pytest.raises(ValueError, match="Input: shape is one sample's shape"):
        nn.Input(shape="4")


def test_keras_pop_input_shape_and_output_shape():
    import nn.keras as keras
    from nn.keras import layers as keras_layers
    model = keras.Sequential([keras.Input(shape=(4,)), keras_layers.Dense(8),
                              keras_layers.Dense(3)])
    assert (model.input_shape, model.output_shape) == ((None, 4), (None, 3))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((4, 4), np.float32), np.ones((4, 3), np.float32), verbose=0)
    last = model.pop()
    assert isinstance(last, keras_layers.Dense) and len(model.layers) == 1
    assert model.output_shape == (None, 8)
    trained = np.array(model.layers[0].kernel.data)
    model.fit(np.ones((4, 4), np.float32), np.zeros((4, 8), np.float32), verbose=0)
    assert not np.array_equal(model.layers[0].kernel.data, trained)  # the rest still trains
    model.pop()
    model.add(keras_layers.Dense(2))  # (in the place the last one left)
    assert model.output_shape == (None, 2)
    model.pop()
    with pytest.raises(TypeError, match="no layers in the model"):
        model.pop()
    assert not hasattr(keras.Sequential([keras_layers.Dense(3)]), "input_shape")  # not known yet
    inputs = [keras.Input(shape=(3,)), keras.Input(shape=(2,))]
    joined = keras_layers.Dense(5)(keras_layers.Concatenate()(inputs))
    functional = keras.Model(inputs, joined)
    assert functional.input_shape == [(None, 3), (None, 2)]
    assert functional.output_shape == (None, 5)


class _Tracking(nn.Module):
    """A layer of one's own that updates buffers in forward (in any mode)."""

    def __init__(self, n):
        super().__init__()
        self.register_buffer("calls", np.zeros((), np.int64))
        self.register_buffer("mean", np.full(n, 5.0))

    def forward(self, x):
        self.calls += 1
        self.mean[...] = 0.5 * self.mean + 0.5 * x.data.mean(0)
        return x


def test_sizing_lazy_layers_leaves_the_model_as_it_was():
    """Building a Sequential whose lazy layer could be sized at once ran a zero sample
    through it: a layer's buffers changed and a user's hook fired before any call, as
    neither PyTorch nor Keras does."""
    tracking, first, seen = _Tracking(4), nn.Linear(3, 4), []
    first.register_forward_hook(lambda module, args, out: seen.append(args[0].shape))
    model = nn.Sequential(first, tracking, nn.LazyLinear(2))
    assert model[2].weight.shape == (2, 4)  # sized
    assert int(tracking.calls) == 0 and (tracking.mean == 5).all() and seen == []
    model(np.ones((2, 3), np.float32))
    assert int(tracking.calls) == 1 and seen == [(2, 3)]
