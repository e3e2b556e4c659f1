"""The keys of a functional model's outputs (y's and compile's dicts, the logs): output_names
as Keras 3.15.1's, but outputs one layer makes several of keyed apart (nn.keras.output_keys),
never alike and never as another layer is named. Keras 3.15.1 keys them by output_names
alone: for outputs ['dense_1', 'dense', 'dense'] it takes a loss or y dict of the two keys
'dense' and 'dense_1' and logs one 'dense_loss' for two outputs."""
import numpy as np
import pytest

import nn.keras as keras
from nn.keras import layers

X = np.linspace(-1.0, 1.0, 16, dtype=np.float32).reshape(4, 4)


def shared_beside_another():
    """A shared layer ('dense', made first) gives two outputs beside 'dense_1'."""
    x = keras.Input((4,))
    shared, other = layers.Dense(2), layers.Dense(2)
    return keras.Model(x, [other(x), shared(x), shared(layers.Dense(4)(x))])


def one_tensor_twice():
    x = keras.Input((4,))
    twice = layers.Dense(2)(x)
    return keras.Model(x, [twice, twice, layers.Dense(2)(x)])


def named_by_the_user():
    x = keras.Input((4,))
    shared = layers.Dense(2, name="out")
    return keras.Model(x, [shared(x), shared(layers.Dense(4)(x)),
                           layers.Dense(2, name="out_1")(x)])


def nested_models():
    """A nested model of two outputs ('functional') beside another ('functional_1')."""
    x, i, j = keras.Input((4,)), keras.Input((4,)), keras.Input((4,))
    pair = keras.Model(i, [layers.Dense(2)(i), layers.Dense(2)(i)])
    single = keras.Model(j, layers.Dense(2)(j))
    return keras.Model(x, [*pair(x), single(x)])


CASES = {  # the model: its output_names (Keras 3.15.1's) and its outputs' keys
    shared_beside_another: (["dense_1", "dense", "dense"],
                            ["dense_1", "dense_output_0", "dense_output_1"]),
    one_tensor_twice: (["dense", "dense", "dense_1"],
                       ["dense_output_0", "dense_output_1", "dense_1"]),
    named_by_the_user: (["out", "out", "out_1"], ["out_output_0", "out_output_1", "out_1"]),
    nested_models: (["functional", "functional", "functional_1"],
                    ["functional_output_0", "functional_output_1", "functional_1"]),
}


@pytest.mark.parametrize("build", list(CASES), ids=lambda build: build.__name__)
def test_outputs_of_one_layer_are_keyed_apart_from_the_others(build):
    """(Before, the place-numbered keys 'dense_1' or 'out_1' equalled another output's name:
    a dict of two entries fed three outputs and one log stood for two.)"""
    names, keys = CASES[build]
    model = build()
    assert model.output_names == names
    assert model.several_outputs() == keys
    model.compile(optimizer="sgd", loss=dict(zip(keys, ["mse", "mae", "mse"])))
    y = {key: np.full((4, 2), float(k), np.float32) for k, key in enumerate(keys)}
    logs = model.evaluate(X, y, return_dict=True, verbose=0)
    assert list(logs) == ["loss"] + [f"{key}_loss" for key in keys]
    # each output is logged on its own: the three losses make up the loss
    np.testing.assert_allclose(logs["loss"], sum(logs[f"{key}_loss"] for key in keys),
                               rtol=1e-6)


def test_keras_dict_keyed_by_repeated_names_is_refused_naming_the_keys():
    # Keras 3.15.1 takes it, one entry standing for two outputs
    model = shared_beside_another()
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"outputs are \[.dense_1., .dense_output_0."):
        model.evaluate(X, {"dense": np.zeros((4, 2)), "dense_1": np.zeros((4, 2))},
                       verbose=0)


def test_a_layer_giving_several_outputs_names_each_as_keras_and_keys_them_apart():
    # Keras 3.15.1: output_names ['dense', 'dense'] (and one log, 'dense_loss', for both);
    # the keys are not 'dense_0', 'dense_1' (before): 'dense_1' is the hidden Dense's name
    inputs = keras.Input(shape=(4,))
    shared = layers.Dense(2)
    model = keras.Model(inputs, [shared(inputs), shared(layers.Dense(4)(inputs))])
    assert model.output_names == ["dense", "dense"]
    model.compile(optimizer="sgd", loss="mse")
    logs = model.evaluate(np.ones((4, 4), np.float32), [np.zeros((4, 2))] * 2,
                          return_dict=True, verbose=0)
    assert sorted(logs) == ["dense_output_0_loss", "dense_output_1_loss", "loss"]


def test_a_key_naming_another_layer_is_refused_with_the_fix():
    x = keras.Input((4,))
    shared = layers.Dense(2)
    model = keras.Model(x, [shared(x), shared(layers.Dense(4, name="dense_output_0")(x))])
    with pytest.raises(ValueError, match=r"output 0, one of several made by 'dense', would "
                                         r"be keyed 'dense_output_0'.*name=.*as a dict"):
        model.compile(optimizer="sgd", loss="mse")


def test_a_dict_of_outputs_keeps_its_keys():
    x = keras.Input((4,))
    shared = layers.Dense(2)
    model = keras.Model(x, {"p": shared(x), "q": shared(layers.Dense(4)(x))})
    assert model.output_names == ["dense", "dense"]
    assert model.several_outputs() == ["p", "q"]


def test_a_model_of_outputs_keyed_apart_saves_and_loads_its_compile_settings(tmp_path):
    model = shared_beside_another()
    model.compile(optimizer="sgd", loss={"dense_1": "mse", "dense_output_0": "mae",
                                         "dense_output_1": None})
    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    y = [np.zeros((4, 2), np.float32)] * 3
    assert loaded.evaluate(X, y, return_dict=True, verbose=0) == model.evaluate(
        X, y, return_dict=True, verbose=0)


def shared_first():
    """A shared layer's two outputs ('dense') before a third layer's ('dense_2'): the older
    keys 'dense_0', 'dense_1', 'dense_2' were distinct."""
    x = keras.Input((4,))
    shared = layers.Dense(2)
    return keras.Model(x, [shared(x), shared(layers.Dense(4)(x)), layers.Dense(2)(x)])


def test_a_file_saved_compiled_with_the_older_keys_loads_compiled(tmp_path, monkeypatch):
    """Before output_keys, a layer's several outputs were keyed by their place ('dense_0',
    'dense_1'); a model saved compiled with dicts of those keys (where they were distinct)
    loads compiled, each entry going to the output it named."""
    from nn.keras.functional import Functional
    from nn.keras.output_keys import older_keys
    model = shared_first()
    old, keys = ["dense_0", "dense_1", "dense_2"], ["dense_output_0", "dense_output_1", "dense_2"]
    assert older_keys(model.output_names) == old and model.several_outputs() == keys
    monkeypatch.setattr(Functional, "several_outputs", lambda self: older_keys(self.output_names))
    model.compile(optimizer="sgd", loss=dict(zip(old, ["mse", "mae", None])),
                  loss_weights={"dense_0": 2.0, "dense_1": 1.0, "dense_2": 1.0},
                  metrics={"dense_1": ["mae"]})
    y = [np.full((4, 2), k, np.float32) for k in range(3)]
    before = model.evaluate(X, y, return_dict=True, verbose=0)
    path = str(tmp_path / "old.rungrad")
    model.save(path)
    monkeypatch.undo()
    after = keras.models.load_model(path).evaluate(X, y, return_dict=True, verbose=0)
    assert after["loss"] == pytest.approx(before["loss"])
    assert after["dense_output_0_loss"] == pytest.approx(before["dense_0_loss"])
    assert after["dense_output_1_mae"] == pytest.approx(before["dense_1_mae"])
