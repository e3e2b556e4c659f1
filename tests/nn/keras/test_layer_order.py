"""Branched functional models list their layers as Keras 3 does (by depth from the outputs,
the inputs first: nn.keras.layer_order), and so do get_layer(index=), summary()'s rows and
the weights (get_weights / set_weights, which a list of arrays moved between the libraries
relies on); unnamed layers take Keras' names, numbered in the order they were made. The
expected lists are Keras 3.15.1's (_keras_layer_order.py); files saved before still load."""
import importlib.util
import os
import sys

import numpy as np
import pytest

import nn.keras as keras
from nn.keras import layers

from ._keras_layer_order import KERAS

DATA = os.path.join(os.path.dirname(__file__), "data")
SAVED_BEFORE = os.path.join(DATA, "branched_saved_before_keras_order")


def _reference_script():
    spec = importlib.util.spec_from_file_location(
        "make_layer_order_reference", os.path.join(DATA, "make_layer_order_reference.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REFERENCE = _reference_script()
BUILDERS = {builder.__name__: builder
            for builder in REFERENCE.MODELS + [REFERENCE.random_model(seed) for seed in (0, 3, 5)]}


def listed(name, by_place=False):
    """What rungrad lists of the reference model `name` (the script's summarized describe)."""
    return REFERENCE.summarized(REFERENCE.describe(*REFERENCE.build(keras, BUILDERS[name]),
                                                   by_place=by_place))


@pytest.mark.parametrize("name", sorted(KERAS))
def test_branched_models_list_layers_and_weights_as_keras(name):
    assert listed(name) == KERAS[name]


def test_a_nested_model_is_one_layer_in_keras_order():
    # Keras 3.15.1's order, each layer by its place in the order they were made (its names
    # differ: Keras numbers the outer model's Denses after the inner one's, 'dense_2')
    got = listed("nested_functional", by_place=True)
    assert got["layers"] == ["#5", "#6", "#4", "#8", "#7"]
    assert got["weights"] == got["trainable_weights"] == [
        "#6:0", "#6:1", "#2:0", "#2:1", "#3:0", "#3:1", "#8:0", "#8:1"]
    assert got["output_names"] == ["concatenate"]


def test_the_rule_covers_every_reference_model():
    assert set(KERAS) | {"nested_functional"} == set(BUILDERS)


def test_a_nested_model_given_a_name_is_shown_and_found_by_it():
    # (as Keras 3.15.1; rungrad showed and found it as 'sequential', its class's name)
    inputs = keras.Input(shape=(4,))
    tower = keras.Sequential([layers.Dense(3)], name="tower")
    model = keras.Model(inputs, layers.Add()([layers.Dense(3, name="side")(inputs),
                                              tower(inputs)]))
    assert model.get_layer("tower") is tower
    assert [layer.name for layer in model.layers] == ["input_layer", "side", "tower", "add"]
    assert "tower (Sequential)" in _summary_text(model)


def _summary_text(model):
    lines = []
    model.summary(print_fn=lines.append)
    return "\n".join(lines)


def test_a_dict_of_outputs_is_named_by_its_layers_and_keyed_by_its_keys():
    # Keras 3.15.1: output_names are the layers' names (in the sorted keys' order) while y,
    # compile's dicts and the logs go by the keys
    inputs = keras.Input(shape=(2,))
    model = keras.Model(inputs, {"z_price": layers.Dense(1, name="price")(inputs),
                                 "a_kind": layers.Dense(3, name="kind")(inputs)})
    assert model.output_names == ["kind", "price"]
    model.compile(optimizer="sgd", loss={"z_price": "mse", "a_kind": "mse"})
    x = np.ones((4, 2), np.float32)
    logs = model.evaluate(x, {"z_price": np.zeros((4, 1)), "a_kind": np.zeros((4, 3))},
                          return_dict=True, verbose=0)
    assert sorted(logs) == ["a_kind_loss", "loss", "z_price_loss"]


# ----- files saved before the layers were listed in Keras' order -----
def saved_before_model():
    """The model whose weights SAVED_BEFORE.npz and .rungrad hold, as rungrad 701e878 saved
    them (set_weights of normal(seed 3) arrays, then save_weights and save): unnamed Denses
    of one shape, made in another order than the calls reach them, on towers of two depths
    merged in reverse, so that both the order and the names changed."""
    inputs = keras.Input(shape=(4,))
    deep = layers.Dense(4, activation="tanh")(layers.Dense(4, activation="relu")(inputs))
    shallow = layers.Dense(4)(inputs)
    return keras.Model(inputs, layers.Concatenate()([shallow, deep]))


SAVED_X = np.linspace(-1.0, 1.0, 8, dtype=np.float32).reshape(2, 4)
# what the model predicted on SAVED_X when saved (rungrad 701e878)
SAVED_Y = [[-0.8246631622314453, 1.1424018144607544, 2.0364773273468018, 0.7405896186828613,
            0.2252253144979477, -0.9864509105682373, 0.5980621576309204, 0.4553017318248749],
           [-0.31978410482406616, 1.0094772577285767, -0.7420956492424011,
            -1.0229917764663696, 0.29270464181900024, -0.9898669123649597, 0.9997912645339966,
            0.9881601929664612]]


def test_weights_saved_before_load_into_the_same_layers():
    """The layers keep the keys they had (state_dict's names and order: the order they are
    run), which weights files name: only Keras' lists changed."""
    model = saved_before_model()
    assert list(model.state_dict()) == ["1.weight", "1.bias", "2.weight", "2.bias",
                                        "3.weight", "3.bias"]
    model.load_weights(SAVED_BEFORE + ".npz")
    np.testing.assert_allclose(model.predict(SAVED_X, verbose=0), SAVED_Y, rtol=1e-6)
    # Keras 3.15.1's names and order for this model (made: tanh, relu, then the shallow one)
    assert [layer.name for layer in model.layers] == [
        "input_layer", "dense_1", "dense_2", "dense", "concatenate"]
    held = model.state_dict()
    assert [w.shape for w in model.get_weights()] == [(4, 4), (4,)] * 3
    np.testing.assert_array_equal(model.get_weights()[0], held["2.weight"].T)  # relu's
    np.testing.assert_array_equal(model.get_weights()[2], held["1.weight"].T)  # shallow's


def test_a_model_file_saved_before_loads_with_its_names():
    """A file without the order the layers were made names them in the order they are
    held, as they were named when saved; listed in Keras' order."""
    model = keras.models.load_model(SAVED_BEFORE + ".rungrad")
    np.testing.assert_allclose(model.predict(SAVED_X, verbose=0), SAVED_Y, rtol=1e-6)
    assert [layer.name for layer in model.layers] == [
        "input_layer", "dense_1", "dense", "dense_2", "concatenate"]


@pytest.mark.parametrize("how", ["save", "clone"])
def test_a_model_saved_now_or_cloned_keeps_keras_names(how, tmp_path):
    model = saved_before_model()
    if how == "save":
        model.save(tmp_path / "model.rungrad")
        again = keras.models.load_model(tmp_path / "model.rungrad")
    else:
        again = keras.models.clone_model(model)
    assert [layer.name for layer in again.layers] == [layer.name for layer in model.layers]
    assert list(again.state_dict()) == list(model.state_dict())
    again.set_weights(model.get_weights())
    np.testing.assert_allclose(again.predict(SAVED_X, verbose=0),
                               model.predict(SAVED_X, verbose=0), rtol=1e-6)


def test_a_sequential_names_its_layers_in_the_order_they_were_made():
    # Keras 3.15.1 gives these names (a fresh session): the first Dense made is 'dense'
    first, second = layers.Dense(2), layers.Dense(2)
    model = keras.Sequential([keras.Input(shape=(2,)), second, first])
    assert [layer.name for layer in model.layers] == ["dense_1", "dense"]


def test_compile_binds_the_optimizer_in_the_order_of_trainable_variables():
    """Keras builds compile's optimizer with model.trainable_variables, so that
    optimizer.apply(grads) (or build(variables) first, as a train_step may) pairs a list of
    gradients in that order with them; compile bound them in state_dict's order, which a
    branched model's Keras order differs from: each gradient moved another layer."""
    import autograd as ag
    moved = []
    for give_variables in (True, False):
        np.random.seed(0)
        model = saved_before_model()
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
        model.zero_grad()
        ((model(ag.Variable(SAVED_X)) - 1.0) ** 2).mean().backward()
        variables = model.trainable_variables
        grads = [v.grad for v in variables]
        if give_variables:
            model.optimizer.apply(grads, variables)
        else:
            model.optimizer.build(variables)  # (held already: README's pattern)
            model.optimizer.apply(grads)
        moved.append(model.get_weights())
    for by_name, by_order in zip(*moved):
        np.testing.assert_array_equal(by_order, by_name)


def test_a_chain_deeper_than_pythons_recursion_limit_builds_and_runs():
    # the graph's walk keeps its own stack: a 1,000-layer limit no longer stops a model
    x = keras.Input((2,))
    h = x
    for _ in range(sys.getrecursionlimit() + 100):
        h = layers.Dense(2)(h)
    model = keras.Model(x, h)
    assert len(model.layers) == sys.getrecursionlimit() + 101
    assert model(np.ones((1, 2), np.float32)).shape == (1, 2)
