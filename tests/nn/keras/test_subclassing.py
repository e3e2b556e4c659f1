"""Keras' subclassing idioms: a Layer of one's own (build with add_weight, call), a Model
subclass writing call(inputs, training=False), trained with compile / fit."""
import collections

import numpy as np
import pytest

import nn
import nn.keras as keras
from nn.keras import layers

from ._helpers import check_gradients


class Linear(layers.Layer):
    """The Keras guide's first custom layer."""

    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                 initializer="random_normal")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, inputs):
        return inputs @ self.w + self.b


class Scaled(layers.Layer):
    """A weight not assigned to an attribute, a regularizer, and call taking training."""

    def build(self, input_shape):
        self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale",
                        regularizer=keras.regularizers.l2(0.5))
        self.add_weight(shape=(), initializer="zeros", trainable=False)

    def call(self, inputs, training=False):
        self.seen_training = training
        return inputs * self.scale


def test_a_layer_is_built_at_its_first_call_from_the_input_shape():
    layer = Linear(4)
    assert not layer.built and layer.weights == []
    y = layer(np.ones((2, 3), np.float32))
    assert layer.built and y.shape == (2, 4)
    assert [tuple(w.shape) for w in layer.weights] == [(3, 4), (4,)]
    assert list(layer.state_dict()) == ["w", "b"]  # each weight once, by its attribute
    check_gradients(Linear(2), np.random.default_rng(0).normal(size=(3, 5)))


def test_weights_made_and_not_assigned_are_registered_by_name():
    layer = Scaled()
    layer(np.ones((2, 3), np.float32))
    assert list(layer.state_dict()) == ["scale", "weight_1"]
    assert len(layer.trainable_weights) == 1 and len(layer.non_trainable_weights) == 1
    assert float(layer.penalties()[0].data) == pytest.approx(0.5 * 3)


def test_a_non_trainable_weight_leaves_the_layer_trainable_and_stays_frozen():
    """A weight made with trainable=False made the layer read trainable False (its saved
    Keras config too, which Keras then loads frozen), and trainable = True trained it."""
    layer = Scaled()
    layer(np.ones((2, 3), np.float32))
    assert layer.trainable
    layer.trainable = False
    assert not layer.trainable and layer.trainable_weights == []
    layer.trainable = True
    assert layer.trainable
    assert len(layer.trainable_weights) == 1 and len(layer.non_trainable_weights) == 1


def test_a_frozen_layer_makes_frozen_weights():
    layer = Linear(2, trainable=False)
    layer(np.ones((1, 3), np.float32))
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2


class MLP(keras.Model):
    """A Keras subclassed model: layers in __init__, call with training."""

    def __init__(self):
        super().__init__()
        self.hidden = Linear(16)
        self.dropout = layers.Dropout(0.1)
        self.out = layers.Dense(3)

    def call(self, inputs, training=False):
        self.seen_training = training
        h = keras.activations.relu(self.hidden(inputs))
        return self.out(self.dropout(h))


def test_a_subclassed_model_writing_call_trains_with_fit():
    # three clusters 3 apart (drawn centers came within reach of each other for some seeds:
    # 0.89 accuracy); final accuracy 0.987-1.0 over seeds 0-39
    rng = np.random.default_rng(0)
    centers = 3.0 * np.eye(3, 4)
    labels = rng.integers(0, 3, 150)
    x = (centers[labels] + rng.normal(0, 0.5, size=(150, 4))).astype(np.float32)
    np.random.seed(0)
    model = MLP()
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(
        from_logits=True), metrics=["accuracy"])
    history = model.fit(x, labels, batch_size=16, epochs=25, verbose=0)
    assert model.seen_training is True  # call got fit's mode
    assert history.history["accuracy"][-1] > 0.9
    model.predict(x[:4])
    assert model.seen_training is False  # and predict's
    assert len(model.trainable_weights) == 4 and model.non_trainable_weights == []
    assert [tuple(w.shape) for w in model.weights] == [(4, 16), (16,), (3, 16), (3,)]


def test_call_of_a_layer_gets_the_mode_in_force():
    layer = Scaled()
    layer(np.ones((1, 2), np.float32))
    assert layer.seen_training is True  # a fresh module trains, as PyTorch's
    layer.eval()
    layer(np.ones((1, 2), np.float32))
    assert layer.seen_training is False


def test_unknown_arguments_are_named():
    with pytest.raises(TypeError, match=r"Linear: unexpected arguments \['unit'\]"):
        Linear(unit=3)
    with pytest.raises(ValueError, match="Linear: unknown initializer 'he_norm'"):
        Linear(2).add_weight(shape=(2,), initializer="he_norm")


@keras.saving.register_keras_serializable("test_subclassing")
class Shifted(layers.Layer):
    """A custom layer with a get_config of its own, built at its first call."""

    def __init__(self, shift=1.0):
        super().__init__()
        self.shift = shift

    def build(self, input_shape):
        self.bias = self.add_weight(shape=(input_shape[-1],), initializer="random_normal")

    def call(self, inputs):
        return inputs + self.bias + self.shift

    def get_config(self):
        return {"shift": self.shift}


def test_a_sequential_of_a_layer_built_at_its_first_call_loads(tmp_path):
    # the loaded Sequential is built from its Input before the weights go in, as add builds it
    model = keras.Sequential([keras.Input(shape=(3,)), Shifted(2.0), layers.Dense(2)])
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    x = np.ones((2, 3), np.float32)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


@keras.saving.register_keras_serializable("test_subclassing")
class Times(layers.Layer):
    """A custom layer written as Keras' guides write one: get_config extends the base's."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones")

    def call(self, inputs):
        return inputs * self.scale * self.factor

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor})
        return config


def test_a_layer_extending_the_base_get_config_saves_and_loads(tmp_path):
    model = keras.Sequential([keras.Input(shape=(3,)), Times(3.0, name="times"),
                              layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(0).normal(size=(8, 3)).astype(np.float32)
    model.fit(x, np.zeros((8, 2), np.float32), epochs=2, verbose=0)
    assert model.get_layer("times").get_config() == {
        "name": "times", "trainable": True, "dtype": None, "factor": 3.0}  # (no dtype= given)
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert loaded.get_layer("times").factor == 3.0
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_a_layer_without_get_config_is_configured_from_its_arguments(tmp_path):
    keras.saving.register_keras_serializable("test_subclassing")(Linear)
    assert Linear(5, name="lin").get_config() == {
        "name": "lin", "trainable": True, "dtype": None, "units": 5}
    model = keras.Sequential([keras.Input(shape=(3,)), Linear(4)])
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    x = np.ones((2, 3), np.float32)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_a_frozen_weight_of_its_own_leaves_the_layer_trainable_in_its_config():
    layer = Scaled()
    layer(np.ones((1, 2), np.float32))
    assert layer.get_config()["trainable"] is True
    assert Scaled(trainable=False).get_config()["trainable"] is False


class TwoDense(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(4, activation="relu", name="first")
        self.out = layers.Dense(1)

    def call(self, inputs):
        return self.out(self.hidden(inputs))


def test_get_layer_on_a_model_subclass_as_keras():
    # it raised AttributeError: Sequential and functional models had it, subclasses not
    model = TwoDense()
    model(np.ones((2, 3), np.float32))
    assert model.get_layer("first") is model.get_layer("hidden") is model.hidden
    assert model.get_layer(index=1) is model.get_layer(index=-1) is model.out
    assert model.get_layer(name="out") is model.out
    with pytest.raises(ValueError, match=r"no layer named 'dense'; the layers are "
                                         r"\['hidden', 'out'\]"):
        model.get_layer("dense")
    with pytest.raises(ValueError, match="no layer at index 2; the model has 2 layers"):
        model.get_layer(index=2)
    with pytest.raises(ValueError, match="give a name or an index"):
        model.get_layer("first", 0)


@pytest.mark.parametrize("jit_compile", [False, True])
def test_a_model_with_every_weight_frozen_fits_as_keras_does(jit_compile):
    """Keras' fit warns and logs the loss; nothing changes (it failed in backward)."""
    x, y = np.ones((8, 3), np.float32), np.zeros((8, 1), np.float32)
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1)])
    model.trainable = False
    model.compile(optimizer="sgd", loss="mse", jit_compile=jit_compile)
    before = [w.copy() for w in model.get_weights()]
    with pytest.warns(UserWarning, match="Sequential has no trainable weights"):
        history = model.fit(x, y, batch_size=4, epochs=2, verbose=0)
    assert history.history["loss"] == pytest.approx([model.evaluate(x, y)] * 2)
    assert history.history["loss"][0] > 0
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


class _DropoutModel(keras.Model):
    """The Keras guides' subclassed model: `training` passed on to the layers by hand."""

    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(16, activation="relu")
        self.dropout = layers.Dropout(0.5)
        self.out = layers.Dense(1)

    def call(self, inputs, training=False):
        return self.out(self.dropout(self.dense(inputs, training=training),
                                     training=training))


def test_every_layer_takes_keras_training_argument_and_dropout_follows_it():
    x = np.ones((64, 16), np.float32)
    dropout = layers.Dropout(0.5)
    assert (dropout(x, training=True).data == 0).any()
    np.testing.assert_array_equal(dropout(x, training=False).data, x)
    dropout.eval()  # training=True wins over the mode, as in Keras (Monte Carlo dropout)
    assert (dropout(x, training=True).data == 0).any()
    assert dropout(x, training=None).data is not None and not dropout.training
    for layer in (layers.Dense(3), layers.Flatten(), layers.Activation("relu"),
                  layers.Reshape((4, 4)), layers.Rescaling(0.5), layers.Softmax()):
        np.testing.assert_array_equal(layer(x, training=True).data, layer(x).data)


def test_a_subclassed_model_passing_training_to_its_layers_fits_and_predicts():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 4)).astype(np.float32)
    y = x.sum(axis=1, keepdims=True)
    model = _DropoutModel()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=40, batch_size=16, verbose=0)
    assert model.evaluate(x, y, verbose=0) < 0.2 * before  # (inference: no dropout)
    first = model.predict(x, verbose=0)  # inference: no dropout, the same every time
    np.testing.assert_array_equal(first, model.predict(x, verbose=0))


def test_get_layer_by_index_is_model_layers_index_as_keras():
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8, name="h"),
                              layers.Dense(2, name="out")])
    assert [model.get_layer(index=i) for i in (0, 1, -1)] == [
        model.layers[0], model.layers[1], model.layers[-1]]
    assert model.get_layer(index=0).name == "h"
    with pytest.raises(ValueError, match="no layer at index 2; the model has 2 layers"):
        model.get_layer(index=2)


def test_l1_l2_has_keras_3_defaults_and_the_name_keras_0_01():
    from nn.keras import regularizers
    assert regularizers.l1_l2(l2=0.1).get_config() == {"l1": 0.0, "l2": 0.1}
    assert regularizers.l1_l2().get_config() == {"l1": 0.0, "l2": 0.0}
    assert regularizers.get("l1_l2").get_config() == {"l1": 0.01, "l2": 0.01}


class Clipped(layers.Layer):
    """A weight of one's own with a constraint, and Keras' default initializers."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], 2), constraint="non_neg")
        self.count = self.add_weight(shape=(), dtype="int32", trainable=False)

    def call(self, inputs):
        return inputs @ self.w


def test_add_weight_defaults_to_glorot_uniform_for_floats_and_zeros_otherwise():
    np.random.seed(3)
    layer = Clipped()
    layer.build((None, 5))
    np.random.seed(3)
    np.testing.assert_array_equal(layer.w.data, keras.initializers.GlorotUniform()((5, 2)))
    assert layer.count.data.dtype == np.int32 and layer.count.data == 0
    assert not layer.count.requires_grad


@pytest.mark.parametrize("how", ["fit", "apply"])
def test_add_weight_constraint_is_applied_after_each_update(how):
    model = keras.Sequential([keras.Input((3,)), Clipped()])
    x, y = np.eye(3, dtype=np.float32), np.full((3, 2), -5.0, np.float32)  # pulls w below 0
    model.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse")
    w = model.layers[0].w
    if how == "fit":
        model.fit(x, y, epochs=3, verbose=0)
    else:
        model.optimizer.apply([np.ones(w.shape, np.float32)], [w])
    assert w.data.min() == 0.0 and w.data.max() < 1.0


class Blocks(keras.Model):
    """The Keras guides' pattern: layers kept in a list and a dict of the model."""

    def __init__(self):
        super().__init__()
        self.blocks = [layers.Dense(8) for _ in range(2)]
        self.heads = {"out": layers.Dense(1)}
        self.scales = [0.5, 2.0]  # (numbers: left as they are)
        self._seen = [self]  # (private: left as it is)

    def call(self, x):
        for block in self.blocks:
            x = block(x)
        return self.heads["out"](x) * self.scales[0]


def _trained_saved_and_loaded(model_class, tmp_path):
    """A model of `model_class` built, trained 30 epochs on a linear target, its weights saved
    and loaded into another: (the model, its losses by epoch)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = x @ np.array([[1.0], [-2.0], [0.5]], np.float32)
    model = model_class()
    model(x[:1])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0).history["loss"]
    model.save_weights(tmp_path / "model.weights.h5")
    again = model_class()
    again(x[:1])
    again.load_weights(tmp_path / "model.weights.h5")
    np.testing.assert_array_equal(again(x).data, model(x).data)
    return model, history


def test_layers_held_in_lists_and_dicts_are_the_models_and_train(tmp_path):
    """(They were not tracked: the model had no weights, and fit refused it.)"""
    model, history = _trained_saved_and_loaded(Blocks, tmp_path)
    assert len(model.trainable_weights) == 6 and model.scales == [0.5, 2.0]
    assert model._seen == [model]
    assert history[-1] < 0.05 * history[0]  # (below 1e-4 of it over seeds 0-15)


def test_losses_of_layers_held_in_a_list_are_the_models():
    class AddsOne(layers.Layer):
        def call(self, x):
            self.add_loss(1.0)
            return x

    class Listed(keras.Model):
        def __init__(self):
            super().__init__()
            self.parts = [AddsOne(), AddsOne(), layers.Dense(1, kernel_initializer="zeros")]

        def call(self, x):
            for part in self.parts:
                x = part(x)
            return x

    model = Listed()
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((4, 2), np.float32), np.zeros((4, 1), np.float32)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(2.0)
    for _ in range(3):
        model(x)
    assert len(model.losses) == 2  # (kept per call, not piled up)


def test_layers_appended_to_an_empty_list_are_the_models_and_numbers_stay_a_list():
    import copy

    class Appended(keras.Model):
        def __init__(self):
            super().__init__()
            self.blocks = []
            for _ in range(2):
                self.blocks.append(layers.Dense(3))
            self.values = []
            self.values.append(1.5)

        def call(self, x):
            for block in self.blocks:
                x = block(x)
            return x

    model = Appended()
    model(np.ones((1, 3), np.float32))
    assert len(model.trainable_weights) == 4 and model.values == [1.5]
    copied = copy.deepcopy(model)
    assert len(copied.trainable_weights) == 4
    np.testing.assert_array_equal(copied(np.ones((1, 3), np.float32)).data,
                                  model(np.ones((1, 3), np.float32)).data)


class Stages(keras.Model):
    """Layers in nested lists and a dict of lists, as Keras tracks them too."""

    def __init__(self):
        super().__init__()
        self.stages = [[layers.Dense(6), layers.Dense(6)], [layers.Dense(4)]]
        self.heads = {"out": [layers.Dense(2), layers.Dense(1)]}
        self.grid = [[0.5, 1.0], [2.0]]  # (numbers: left as they are)
        self.later = []
        self.later.append([layers.Dense(1)])

    def call(self, x):
        for stage in self.stages:
            for layer in stage:
                x = layer(x)
        for layer in self.heads["out"]:
            x = layer(x)
        return self.later[0][0](x) * self.grid[1][0]


def test_layers_held_in_nested_lists_and_dicts_of_lists_are_the_models(tmp_path):
    """(Only a flat list was tracked: the nested ones' weights were not the model's.)"""
    model, history = _trained_saved_and_loaded(Stages, tmp_path)
    assert len(model.trainable_weights) == 12 and model.grid == [[0.5, 1.0], [2.0]]
    assert history[-1] < 0.01 * history[0]  # (below 2e-5 of it over seeds 0-15)


@pytest.mark.parametrize("fill", ["appended_to_inner_lists", "beside_an_empty_list",
                                  "appended_list_then_layer", "dict_of_lists"])
def test_layers_that_join_nested_lists_later_are_the_models(fill):
    """(An empty inner list kept the whole structure a plain list: the layers appended to it
    later were not the model's.)"""
    class Filled(keras.Model):
        def __init__(self):
            super().__init__()
            if fill == "appended_to_inner_lists":
                self.stages = [[] for _ in range(2)]
                for stage in self.stages:
                    stage.append(layers.Dense(3))
            elif fill == "beside_an_empty_list":
                self.stages = [[layers.Dense(3)], []]
                self.stages[1].append(layers.Dense(3))
            elif fill == "appended_list_then_layer":
                self.stages = []
                for _ in range(2):
                    self.stages.append([])
                    self.stages[-1].append(layers.Dense(3))
            else:
                self.stages = {"a": [], "b": [layers.Dense(3)]}
                self.stages["a"].append(layers.Dense(3))
            self.numbers = [[], []]  # (no layer: stays lists)
            self.numbers[0].append(1.5)

        def call(self, x):
            stages = self.stages.values() if isinstance(self.stages, nn.ModuleDict) else \
                self.stages
            for stage in stages:
                for layer in stage:
                    x = layer(x)
            return x

    model = Filled()
    model(np.ones((1, 3), np.float32))
    assert len(model.trainable_weights) == 4 and model.numbers == [[1.5], []]


def _model_made_by(make):
    class Made(keras.Model):
        def __init__(self):
            super().__init__()
            make(self)

        def call(self, x):
            return x
    return Made()


def test_references_kept_to_tracked_lists_still_add_to_the_model_and_old_ones_do_not():
    """(A list watched for layers rebuilt the attribute from its own copy at each append:
    layers added through the model's list were lost, and a list the attribute no longer
    held overwrote it.)"""
    def aliased(model):
        model.blocks = []
        blocks = model.blocks
        blocks.append(layers.Dense(2))
        blocks.append(layers.Dense(4))
        model.blocks.append(layers.Dense(6))
        blocks.append(layers.Dense(8))
    assert [layer.units for layer in _model_made_by(aliased).blocks] == [2, 4, 6, 8]

    def inner_alias(model):
        model.stages = [[], []]
        first = model.stages[0]
        first.append(layers.Dense(2))
        model.stages[1].append(layers.Dense(3))
        first.append(layers.Dense(2))
    assert [len(stage) for stage in _model_made_by(inner_alias).stages] == [2, 1]

    def replaced(model):
        model.blocks = []
        old = model.blocks
        model.blocks = [layers.Dense(1)]
        old.append(layers.Dense(2))  # (no longer the model's list)
        model.history = []
        history = model.history
        model.history = [0.5]
        history.append(layers.Dense(3))
    model = _model_made_by(replaced)
    assert [layer.units for layer in model.blocks] == [1] and model.history == [0.5]


def test_layers_set_in_dicts_are_the_models():
    def keyed(model):
        model.heads = {}
        model.heads["a"] = layers.Dense(2)
        model.groups = {"a": []}
        model.groups["b"] = [layers.Dense(3)]
    model = _model_made_by(keyed)
    assert list(model.heads.keys()) == ["a"] and isinstance(model.groups, nn.ModuleDict)
    assert len(model.groups["b"]) == 1


def test_a_subclassed_models_build_runs_at_its_first_call_as_keras():
    """(build() of a keras.Model subclass never ran: its layers were missing at the call.)"""
    class Built(keras.Model):
        def build(self, input_shape):
            self.dense = layers.Dense(3)
            self.seen = input_shape

        def call(self, x):
            return self.dense(x)

    model = Built()
    assert model(np.ones((2, 4), np.float32)).shape == (2, 3) and model.seen == (None, 4)
    model(np.ones((2, 4), np.float32))  # (built once)
    assert len(model.trainable_weights) == 2
    by_hand = Built()
    by_hand.build((None, 4))
    first = by_hand.dense
    by_hand(np.ones((1, 4), np.float32))
    assert by_hand.dense is first


class FilledInBuild(layers.Layer):
    """Dense layers appended in build to a public list set empty in the constructor, and a
    defaultdict of data (module-level: pickle finds it)."""

    def __init__(self):
        super().__init__()
        self.history = collections.defaultdict(list)
        self.blocks = []

    def build(self, input_shape):
        for _ in range(2):
            self.blocks.append(layers.Dense(3))

    def call(self, x):
        for block in self.blocks:
            x = block(x)
        return x


def test_only_plain_lists_and_dicts_are_watched_and_copies_watch_their_own():
    """(A third review: a defaultdict became a plain dict; a copy of an unbuilt layer
    stopped tracking the list its build fills; a nested list added through a kept
    reference, and items removed through it, were lost; stored lists of data were copies;
    filling a dict of data was quadratic.)"""
    import copy
    import pickle

    layer = FilledInBuild()
    layer.history["loss"].append(0.5)
    assert isinstance(layer.history, collections.defaultdict)
    for copied in (copy.deepcopy(FilledInBuild()), pickle.loads(pickle.dumps(FilledInBuild()))):
        copied(np.ones((2, 3), np.float32))
        assert len(copied.trainable_weights) == 4

    def kept_reference(model):
        model.stages = []
        stages = model.stages
        stages.append([layers.Dense(1)])
        stages.append([])
        stages[-1].append(layers.Dense(2))
        model.blocks = []
        blocks = model.blocks
        blocks.append(layers.Dense(1))
        blocks.append(layers.Dense(2))
        blocks.pop()
        model.rows = []
        row = [1, 2]
        model.rows.append(row)
        row.append(3)
    model = _model_made_by(kept_reference)
    assert [len(stage) for stage in model.stages] == [1, 1]
    assert [block.units for block in model.blocks] == [1] and model.rows == [[1, 2, 3]]


class BuiltInBuild(keras.Model):
    """Dense layers made in build, from the units given to the constructor (get_config)."""

    def __init__(self, units=2, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.head = layers.Dense(1)
        self.blocks = []

    def build(self, input_shape):
        super().build(input_shape)
        if input_shape[-1] != 3:
            raise ValueError("expects 3 features")
        for _ in range(2):
            self.blocks.append(layers.Dense(self.units))

    def call(self, x):
        for block in self.blocks:
            x = block(x)
        return self.head(x)

    def get_config(self):
        return {"units": self.units}


class Doubled(BuiltInBuild):
    def call(self, x):
        return super().call(x) * 2


def test_a_model_built_in_build_saves_loads_retries_and_passes_build_on(tmp_path):
    """(A fourth review: load_model could not read such a model, its layers made only by
    build; a subclass writing only call never ran the inherited build; a build that raised
    counted as run; dict inputs gave build no shapes.)"""
    x = np.random.default_rng(0).normal(size=(8, 3)).astype(np.float32)
    model = BuiltInBuild()
    with pytest.raises(ValueError, match="expects 3 features"):
        model(np.ones((2, 4), np.float32))
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, x[:, :1], epochs=1, verbose=0)  # (build retried, now with 3 features)
    model.save(tmp_path / "built.keras")
    loaded = nn.load_model(tmp_path / "built.keras",
                           custom_objects={"BuiltInBuild": BuiltInBuild})
    np.testing.assert_allclose(loaded(x).data, model(x).data, rtol=1e-6)
    np.testing.assert_allclose(Doubled()(x).shape, (8, 1))

    class Seen(keras.Model):
        def build(self, input_shape):
            self.seen = input_shape

        def call(self, inputs):
            return inputs["a"]
    seen = Seen()
    seen({"a": x, "b": x[:, :2]})
    assert seen.seen == {"a": (None, 3), "b": (None, 2)}


def test_layers_under_keys_that_are_not_names_are_named_in_a_warning_and_reordering_counts():
    class Mixed(keras.Model):
        def __init__(self):
            super().__init__()
            self.steps = [{0: layers.Dense(4)}, keras.activations.relu]

        def call(self, x):
            return x
    with pytest.warns(UserWarning, match="Mixed.steps holds layers in a dict whose keys are "
                                         "not all strings"):
        Mixed()
    model = _model_made_by(lambda m: setattr(m, "blocks", []))
    kept = model.blocks
    for units in (2, 3, 4):
        kept.append(layers.Dense(units))
    kept.reverse()
    kept.pop(0)
    assert [block.units for block in model.blocks] == [3, 2]


def test_tracked_lists_and_dicts_keep_the_list_and_dict_methods_code_uses():
    """(LayerList and LayerDict lacked them: setdefault in a constructor's loop raised once
    the dict had become a LayerDict.)"""
    def made(model):
        model.heads = {}
        for key in "ab":
            model.heads.setdefault(key, []).append(layers.Dense(3))
        model.blocks = [layers.Dense(units) for units in (4, 2, 3)]
    model = _model_made_by(made)
    assert list(model.heads.keys()) == ["a", "b"] and len(model.heads["b"]) == 1
    model.blocks.sort(key=lambda layer: layer.units)
    assert [block.units for block in model.blocks] == [2, 3, 4]
    model.blocks.reverse()
    first = model.blocks[0]
    assert model.blocks.index(first) == 0 and model.blocks.count(first) == 1
    model.blocks.remove(first)
    assert [block.units for block in model.blocks] == [3, 2]
    assert model.heads.pop("missing", None) is None and model.heads.popitem()[0] == "b"
    assert isinstance(model.blocks.copy(), list) and isinstance(model.heads.copy(), dict)


class LazyTwoLayers(keras.Model):
    """Dense layers that learn their input size at the first call; no build of its own."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(16, activation="relu")
        self.out = layers.Dense(3)

    def call(self, x):
        return self.out(self.hidden(x))


def test_build_with_a_shape_sizes_a_subclassed_model_without_a_build_of_its_own(tmp_path, capsys):
    """(model.build((None, 8)) then summary(), Keras 2's pattern, made nothing: the summary
    said the model was not built, and there was no model.built.)"""
    model = LazyTwoLayers()
    assert model.built is False
    model.build((None, 8))
    assert model.built is True and model.losses == []
    assert [tuple(w.shape) for w in model.trainable_weights] == [(16, 8), (16,), (3, 16), (3,)]
    model.build((None, 8))  # (again: the same shape still fits)
    model.summary()
    assert "Total params: 195" in capsys.readouterr().out
    x = np.random.default_rng(0).normal(size=(4, 8)).astype(np.float32)
    model.save(tmp_path / "lazy.keras")
    loaded = nn.load_model(tmp_path / "lazy.keras", custom_objects={"LazyTwoLayers": LazyTwoLayers})
    assert loaded.built
    np.testing.assert_allclose(loaded(x).data, model(x).data, rtol=1e-6)
    with pytest.raises(ValueError, match=r"LazyTwoLayers.build: input_shape is the shape of a "
                                         r"batch.*got \(None, 'x'\)"):
        LazyTwoLayers().build((None, "x"))
    with pytest.raises(ValueError, match=r"LazyTwoLayers.build: calling the model on zeros of "
                                         r"shape \(None, 5\).*failed: Dense: .*built for 8"):
        model.build((None, 5))  # (built for 8 features)


def test_built_follows_a_build_of_ones_own_and_keeps_what_the_build_says():
    class Own(keras.Model):
        def build(self, input_shape):
            self.dense = layers.Dense(2)
            self.built = True  # (Keras' guides end build so)

        def call(self, x):
            return self.dense(x)

    own = Own()
    assert own.built is False
    own(np.ones((1, 3), np.float32))
    assert own.built is True and len(own.trainable_weights) == 2
    eager = _model_made_by(lambda m: setattr(m, "dense", nn.Linear(3, 2)))
    assert eager.built is True  # (its weights exist from the start)


def test_tracked_lists_take_slice_assignment_concatenation_and_compare_as_lists():
    """(LayerList refused slice assignment, `[a] + layers` and `==` with a list, which the
    list it replaced took.)"""
    def made(model):
        model.blocks = []
        kept = model.blocks  # (a reference kept while the list fills)
        for units in (1, 2, 3):
            kept.append(layers.Dense(units))
        kept[0:2] = [layers.Dense(7), [layers.Dense(8)]]
        kept[1].append(layers.Dense(9))
    model = _model_made_by(made)
    blocks = model.blocks
    assert [getattr(b, "units", None) for b in blocks] == [7, None, 3]
    assert [b.units for b in blocks[1]] == [8, 9]
    blocks[2:] = [layers.Dense(4), layers.Dense(5)]
    assert [getattr(b, "units", None) for b in model.blocks] == [7, None, 4, 5]
    assert blocks == list(blocks) and blocks != list(blocks)[:2] and blocks != []
    head = layers.Dense(6)
    assert [head] + blocks == [head, *blocks] and blocks + [head] == [*blocks, head]
    assert isinstance(blocks + nn.ModuleList([head]), nn.ModuleList)
    assert {blocks: 1}[blocks] == 1  # (hashed by identity, as any module)
    model(np.ones((2, 3), np.float32))
    assert len(model.trainable_weights) == 0  # (call returns x: nothing built)
    assert len(list(model.parameters())) == 10  # (five Dense layers' placeholders, all tracked)


class Steps(keras.Model):
    """Layers and functions in one list, as Keras' guides keep them."""

    def __init__(self):
        super().__init__()
        self.steps = [layers.Dense(4), keras.activations.relu, layers.Dense(2)]
        self.notes = []
        self.notes.append("a note")  # (data first, then a layer: the list becomes tracked)
        self.notes.append(layers.Dense(3))
        self.parts = {"scale": 2.0, "head": layers.Dense(1)}

    def call(self, x):
        for step in self.steps:
            x = step(x)
        return x


def test_layers_beside_other_values_in_a_list_are_tracked_as_keras_tracks_them(tmp_path):
    """(They were left untracked, with a warning: untrained and unsaved.)"""
    model = Steps()
    assert [type(step).__name__ for step in model.steps] == ["Dense", "function", "Dense"]
    x = np.random.default_rng(0).normal(size=(8, 5)).astype(np.float32)
    model.compile(optimizer="sgd", loss="mse")
    model.build((None, 5))
    before = [w.data.copy() for w in model.trainable_weights]
    model.fit(x, x[:, :2], epochs=1, verbose=0)
    assert len(before) == 4 and all(not np.array_equal(b, w.data)
                                    for b, w in zip(before, model.trainable_weights))
    assert list(model.state_dict()) == ["steps.0.weight", "steps.0.bias", "steps.2.weight",
                                        "steps.2.bias"]  # (notes' Dense is never built)
    model.save(tmp_path / "steps.keras")
    loaded = nn.load_model(tmp_path / "steps.keras", custom_objects={"Steps": Steps})
    np.testing.assert_allclose(loaded(x).data, model(x).data, rtol=1e-6)
    assert model.notes[0] == "a note" and model.notes.index("a note") == 0
    assert model.parts["scale"] == 2.0 and model.parts["head"] in list(model.modules())
    model.parts["head"] = None  # (the layer replaced leaves the model)
    assert not any(name.startswith("parts.") for name, _ in model.named_modules())
    model.steps.insert(1, keras.activations.tanh)
    del model.steps[0]
    assert [name for name, _ in model.named_modules()][:3] == ["", "steps", "steps.2"]
    assert model.steps[:2] == [keras.activations.tanh, keras.activations.relu]


def test_a_dict_of_layers_takes_keys_that_are_method_names_or_not_identifiers(tmp_path):
    """(A key that was a method's name, `keys` or `train`, raised at the assignment: a
    ModuleDict's keys are attribute names; Keras takes any.)"""
    class Heads(keras.Model):
        def __init__(self):
            super().__init__()
            self.heads = {"keys": layers.Dense(2), "train": layers.Dense(3),
                          "class-1": layers.Dense(1), "plain": layers.Dense(4)}

        def call(self, x):
            return [head(x) for head in self.heads.values()]
    model = Heads()
    x = np.ones((2, 3), np.float32)
    assert [tuple(y.shape) for y in model(x)] == [(2, 2), (2, 3), (2, 1), (2, 4)]
    assert callable(model.heads.keys) and not hasattr(model.heads, "plain")  # (items only)
    assert [name for name, _ in model.named_modules()][2:] == [
        "heads.keys", "heads.train", "heads.class-1", "heads.plain"]
    model.save(tmp_path / "heads.keras")
    loaded = nn.load_model(tmp_path / "heads.keras", custom_objects={"Heads": Heads})
    for ours, theirs in zip(loaded(x), model(x)):
        np.testing.assert_allclose(ours.data, theirs.data, rtol=1e-6)
    model.heads["keys"] = None
    assert "heads.keys" not in dict(model.named_modules()) and callable(model.heads.keys)
    with pytest.raises(KeyError, match=r"the key 'a\.b' of a layer must be a non-empty string "
                                       r"without '\.'"):
        model.heads["a.b"] = layers.Dense(1)


class ForcedTraining(keras.Model):
    """A call that forces training (MC dropout), with BatchNormalization and a loss."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(4)
        self.norm = layers.BatchNormalization()
        self.drop = layers.Dropout(0.5)

    def call(self, x):
        h = self.norm(self.dense(x), training=True)
        self.add_loss(keras.ops.sum(h) * 0.0 + 1.0)
        return self.drop(h, training=True)


def test_build_leaves_statistics_draws_and_losses_as_a_call_would_find_them():
    """(A second review: build's trial call, forced into training, moved BatchNorm's
    statistics and drew a dropout mask; its add_loss stayed in model.losses; a concrete
    batch size became 1, and a shape without the batch axis sized Dense for 1 feature.)"""
    np.random.seed(0)
    model = ForcedTraining()
    model.build((None, 3))
    after_build = np.random.get_state()[1].copy()
    assert model.losses == [] and model.built
    np.testing.assert_array_equal(np.asarray(model.norm.running_mean), np.zeros(4))
    np.testing.assert_array_equal(np.asarray(model.norm.running_var), np.ones(4))
    np.random.seed(0)
    sized_alone = ForcedTraining()
    sized_alone.dense(np.zeros((1, 3), np.float32))  # (its weights: the only draws expected)
    np.testing.assert_array_equal(after_build, np.random.get_state()[1])
    flat = LazyTwoLayers()
    flat.build((784,))
    assert tuple(flat.hidden.weight.shape) == (16, 784)


class BatchSized(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(2)

    def call(self, x):
        return self.dense(keras.ops.reshape(x, (4, -1)))  # (needs the batch of 4 given)


def test_build_keeps_a_concrete_batch_size():
    model = BatchSized()
    model.build((4, 3))
    assert tuple(model.dense.weight.shape) == (2, 3)


class SharedEncoder(keras.Model):
    """One layer at two paths (an attribute and a list beside a function), and a tuple of
    layers joining a tracked list later."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.encoder = layers.Dense(3)
        self.steps = [self.encoder, keras.activations.relu]
        self.steps.append((layers.Dense(3), layers.Dense(2)))

    def call(self, x):
        x = self.steps[1](self.steps[0](x))
        return self.steps[2][1](self.steps[2][0](x))


def test_a_shared_layer_loads_before_a_call_and_a_joining_tuple_is_tracked(tmp_path):
    """(A third review: a layer held at two paths made load_model and load_weights on an
    uncalled model refuse the second path's keys; a tuple of layers appended to a tracked
    list stayed a tuple, its layers untracked.)"""
    x = np.ones((2, 3), np.float32)
    model = SharedEncoder()
    model(x)
    assert isinstance(model.steps[2], nn.ModuleList) and len(model.trainable_weights) == 6
    model.save(tmp_path / "shared.keras")
    loaded = nn.load_model(tmp_path / "shared.keras",
                           custom_objects={"SharedEncoder": SharedEncoder})
    np.testing.assert_allclose(loaded(x).data, model(x).data, rtol=1e-6)
    model.save_weights(tmp_path / "shared.weights.h5")
    fresh = SharedEncoder()
    fresh.load_weights(tmp_path / "shared.weights.h5")
    np.testing.assert_allclose(fresh(x).data, model(x).data, rtol=1e-6)
    with pytest.warns(UserWarning, match="layers in a dict whose keys are not all strings"):
        model.steps.append({0: layers.Dense(1)})


class TrainsItsParts(keras.Model):
    def __init__(self):
        super().__init__()
        self.inner = keras.Sequential([layers.Dense(4), layers.BatchNormalization()])
        self.norm = layers.BatchNormalization()

    def call(self, x):
        return self.norm(self.inner(x, training=True), True)  # (keyword, then by position)


def test_build_runs_inference_in_sub_models_and_positional_training_too():
    model = TrainsItsParts()
    model.build((None, 3))
    for norm in (model.inner.layers[1], model.norm):
        np.testing.assert_array_equal(np.asarray(norm.running_var), np.ones(4))
    model(np.random.default_rng(0).normal(size=(8, 3)).astype(np.float32))  # (a real call)
    assert not np.array_equal(np.asarray(model.norm.running_var), np.ones(4))


def test_tracked_lists_and_dicts_have_the_rest_of_lists_and_dicts_methods():
    def made(model):
        model.blocks = [layers.Dense(1), "a", layers.Dense(2), "a"]
        model.heads = {"a": layers.Dense(1)}
    model = _model_made_by(made)
    assert model.blocks.index("a", 2) == 3 and len(model.blocks * 2) == 8
    model.heads.update(b=layers.Dense(2), scale=3.0)
    assert list(reversed(model.heads)) == ["scale", "b", "a"]
    assert set(model.heads | {"c": 1}) == {"a", "b", "scale", "c"}
    model.heads |= {"d": layers.Dense(3)}
    assert "heads.d" in dict(model.named_modules())
    model.blocks.clear()
    assert len(model.blocks) == 0 and not any(n.startswith("blocks.")
                                              for n, _ in model.named_modules())


def test_a_kept_list_and_the_models_list_stay_one_list():
    """(A third review: `kept = self.blocks`, then appends through both, left them apart,
    and kept.pop(1) or kept.reverse() then removed or reordered other layers than it
    showed.)"""
    def made(model):
        model.blocks = []
        kept = model.blocks
        kept.append(layers.Dense(1))
        model.blocks.append(layers.Dense(2))
        kept.append(layers.Dense(3))
        model._kept = kept  # (a private attribute: not tracked, held as it is)
    model = _model_made_by(made)
    kept = model._kept
    assert [layer.units for layer in kept] == [layer.units for layer in model.blocks] == [1, 2, 3]
    kept.pop(1)
    assert [layer.units for layer in model.blocks] == [layer.units for layer in kept] == [1, 3]
    kept.reverse()
    model.blocks.append(layers.Dense(4))
    assert [layer.units for layer in kept] == [layer.units for layer in model.blocks] == [3, 1, 4]
    assert [name for name, _ in model.named_modules()][2:] == ["blocks.0", "blocks.1",
                                                               "blocks.2"]


class DataThenLayers(FilledInBuild):
    """FilledInBuild whose list gets data before its build's layers (still watched)."""

    def __init__(self):
        super().__init__()
        self.blocks.append(keras.activations.relu)


def test_a_copy_watches_a_list_that_holds_data_too():
    """(A third review: a copy of a model watched only its empty lists; one holding data
    stayed plain, and the layer its build appended was untracked.)"""
    import copy
    import pickle
    for copied in (copy.deepcopy(DataThenLayers()), pickle.loads(pickle.dumps(DataThenLayers()))):
        copied(np.ones((2, 3), np.float32))
        assert len(copied.trainable_weights) == 4


def test_a_dict_key_named_as_a_modules_attribute_does_not_shadow_it(tmp_path):
    """(A third review: a key such as `kept_when_missing` became an attribute of the
    LayerDict, which load_model then read as its own.)"""
    class Named(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.heads = {"kept_when_missing": layers.Dense(2), "built": layers.Dense(1)}

        def call(self, x):
            return [head(x) for head in self.heads.values()]
    model = Named()
    x = np.ones((2, 3), np.float32)
    model(x)
    model.save(tmp_path / "named.keras")
    loaded = nn.load_model(tmp_path / "named.keras", custom_objects={"Named": Named})
    for ours, theirs in zip(loaded(x), model(x)):
        np.testing.assert_allclose(ours.data, theirs.data, rtol=1e-6)


def test_windows_forward_every_change_and_take_data_lists_beside_layers():
    """(A fourth review: a layer joining a watched list that held a list of data crashed;
    `kept *= 2`, a window dict's popitem and |= did not reach the model; a window assigned
    back to its attribute made a second LayerList.)"""
    def made(model):
        model.stages = [[]]
        model.stages[0].append(0.5)
        model.stages.append(layers.Dense(2))
        model.blocks = []
        kept = model.blocks
        kept.append(layers.Dense(1))
        kept *= 2
        model.blocks = kept
        kept.append(layers.Dense(3))
        model.heads = {}
        heads = model.heads
        heads["a"] = layers.Dense(1)
        heads |= {"b": layers.Dense(2)}
        heads.popitem()
    model = _model_made_by(made)
    assert model.stages[0] == [0.5] and isinstance(model.stages[1], layers.Dense)
    assert [layer.units for layer in model.blocks] == [1, 1, 3]
    assert list(model.heads.keys()) == ["a"]


# ----- model.layers of a subclassed model (Keras' list) -----

class _Held(keras.Model):
    """Layers set directly, in a nested list and a dict, one twice, and a Sequential."""

    def __init__(self):
        super().__init__()
        self.head = layers.Dense(1, name="head")
        self.blocks = [layers.Dense(2, name="b0"), [layers.Dense(3, name="b1")],
                       {"k": layers.Dense(4, name="b2")}]
        self.again = self.head
        self.seq = keras.Sequential([layers.Dense(5, name="s0")], name="seq")

    def call(self, x):
        return self.head(x)


def test_a_subclassed_models_layers_are_keras_list_in_the_order_set():
    # (the names and order real Keras 3 gives this model)
    model = _Held()
    assert [layer.name for layer in model.layers] == ["head", "b0", "b1", "b2", "seq"]
    assert model.get_layer(index=1) is model.blocks[0]
    assert model.layers[0] is model.head


def test_freezing_through_model_layers_stops_their_training():
    class TwoLayers(keras.Model):
        def __init__(self):
            super().__init__()
            self.first = layers.Dense(4)
            self.last = layers.Dense(1)

        def call(self, x):
            return self.last(self.first(x))

    model = TwoLayers()
    x = np.random.default_rng(0).random((16, 3)).astype(np.float32)
    model(x)
    model.layers[0].trainable = False
    frozen = model.first.kernel.data.copy()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, x[:, :1], epochs=2, verbose=0)
    np.testing.assert_array_equal(model.first.kernel.data, frozen)
    assert len(model.trainable_weights) == 2


def test_a_model_written_the_pytorch_way_keeps_its_own_layers_attribute():
    class Stack(keras.Model):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 3), nn.Linear(3, 1)])

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

    model = Stack()
    assert isinstance(model.layers, nn.ModuleList) and len(model.layers) == 2
    assert len(model.state_dict()) == 4
    del model.layers
    assert model.layers == []
    with pytest.raises(AttributeError, match="'layers'"):
        del model.layers


def test_a_subclassed_models_build_may_add_weights_of_its_own():
    # a Keras Model is a Layer: add_weight in its build makes weights it trains, regularizes
    # and saves, in Keras' order (those made trainable first, then the others, then its
    # layers')
    class Scaled(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = layers.Dense(2)

        def build(self, input_shape):
            self.scale = self.add_weight(shape=(1,), initializer="ones", regularizer="l2")
            self.add_weight(shape=(2,), initializer="zeros", name="offset", trainable=False)

        def call(self, x):
            return self.dense(x) * self.scale + self.offset

    model = Scaled()
    x = np.random.default_rng(0).random((8, 3)).astype(np.float32)
    model(x)
    assert [name for name, _ in model.named_parameters()] == ["scale", "offset",
                                                              "dense.weight", "dense.bias"]
    assert len(model.trainable_weights) == 3 and len(model.non_trainable_weights) == 1
    assert [float(loss.data) for loss in model.losses] == pytest.approx([0.01])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, np.zeros((8, 2), np.float32), epochs=2, verbose=0)
    assert model.scale.data[0] != 1.0
    np.testing.assert_array_equal(model.offset.data, 0.0)
