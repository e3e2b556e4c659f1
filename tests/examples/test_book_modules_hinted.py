"""The book imports `dezero.layers as L` and `dezero.models`; a reader who maps them onto
rungrad's packages of the same names (`nn.layers`, `nn.models`) is told where the names are."""
import importlib

import pytest

import nn


@pytest.mark.parametrize("name", ["Linear", "Conv2d", "RNN", "LSTM"])
def test_a_book_layer_read_from_nn_layers_names_nn(name):
    layers = importlib.import_module("nn.layers")   # the book's `import dezero.layers as L`
    with pytest.raises(AttributeError, match=rf"'nn.layers' has no attribute '{name}': the "
                                             rf"layers are on nn itself: nn\.{name}"):
        getattr(layers, name)


@pytest.mark.parametrize("name, hint", [("BatchNorm", r"nn\.BatchNorm1d"),
                                        ("EmbedID", r"nn\.Embedding")])
def test_a_book_layer_nn_names_otherwise_gets_nn_s_hint(name, hint):
    layers = importlib.import_module("nn.layers")
    with pytest.raises(AttributeError, match=rf"'nn.layers' has no attribute '{name}': "
                                             rf"DeZero's {name} is {hint}"):
        getattr(layers, name)


def test_nn_layers_keeps_python_s_error_for_other_names():
    layers = importlib.import_module("nn.layers")
    with pytest.raises(AttributeError, match=r"has no attribute 'helper'$"):
        layers.helper  # noqa: B018 (the attribute read is what raises)
    with pytest.raises(AttributeError, match=r"has no attribute 'Nothing'$"):
        layers.Nothing  # noqa: B018
    assert not hasattr(layers, "__wrapped__")   # (what inspect and doctest probe for)


@pytest.mark.parametrize("name, hint", [
    ("MLP", r"nn\.Sequential\(nn\.Linear\(out1\)"), ("VGG16", r"nn\.models\.vgg16\(\)"),
    ("Model", r"nn\.Module"), ("Sequential", r"nn\.Sequential")])
def test_a_book_model_read_from_nn_models_names_rungrad_s(name, hint):
    with pytest.raises(AttributeError, match=f"DeZero's {name} is {hint}"):
        getattr(nn.models, name)
