"""Keras 3's `w.name` and `w.path` of the weights of Keras-style layers and models
(nn/keras_weight_names.py). The expected names are those real Keras 3.15 gives the same
models in a fresh session."""
import copy
import pickle

import numpy as np

import nn
from autograd.graph import get_dot_graph
from nn import keras

L = keras.layers


def _paths(model):
    return [w.path for w in model.weights]


def test_sequential_dense_batch_norm():
    model = keras.Sequential([keras.Input((8,)), L.Dense(4), L.BatchNormalization(),
                              L.Dense(3)])
    assert [w.name for w in model.weights] == [
        "kernel", "bias", "gamma", "beta", "moving_mean", "moving_variance", "kernel", "bias"]
    assert _paths(model) == [
        "sequential/dense/kernel", "sequential/dense/bias",
        "sequential/batch_normalization/gamma", "sequential/batch_normalization/beta",
        "sequential/batch_normalization/moving_mean",
        "sequential/batch_normalization/moving_variance",
        "sequential/dense_1/kernel", "sequential/dense_1/bias"]
    assert model.weights[0].shape == (4, 8)  # (PyTorch's layout kept: names only)


def test_sequential_embedding_and_recurrent():
    model = keras.Sequential([keras.Input((5,), dtype="int32"), L.Embedding(10, 3),
                              L.LSTM(4, return_sequences=True), L.GRU(2), L.Dense(1)])
    assert _paths(model) == [
        "sequential/embedding/embeddings",
        "sequential/lstm/lstm_cell/kernel", "sequential/lstm/lstm_cell/recurrent_kernel",
        "sequential/lstm/lstm_cell/bias",
        "sequential/gru/gru_cell/kernel", "sequential/gru/gru_cell/recurrent_kernel",
        "sequential/gru/gru_cell/bias",
        "sequential/dense/kernel", "sequential/dense/bias"]
    assert [w.name for w in model.weights][1:4] == ["kernel", "recurrent_kernel", "bias"]


def test_sequential_convolutions():
    model = keras.Sequential([keras.Input((6, 6, 2)), L.Conv2D(3, 3), L.DepthwiseConv2D(2),
                              L.SeparableConv2D(2, 2), L.Conv2DTranspose(2, 2),
                              L.LayerNormalization(), L.Flatten(), L.Dense(2, name="out")])
    assert _paths(model) == [
        "sequential/conv2d/kernel", "sequential/conv2d/bias",
        "sequential/depthwise_conv2d/kernel", "sequential/depthwise_conv2d/bias",
        "sequential/separable_conv2d/depthwise_kernel",
        "sequential/separable_conv2d/pointwise_kernel", "sequential/separable_conv2d/bias",
        "sequential/conv2d_transpose/kernel", "sequential/conv2d_transpose/bias",
        "sequential/layer_normalization/gamma", "sequential/layer_normalization/beta",
        "sequential/out/kernel", "sequential/out/bias"]
    conv = model.layers[0]
    assert conv.kernel.name == "kernel" and conv.kernel.path == "sequential/conv2d/kernel"


def test_functional_model_layers_have_no_model_prefix():
    x = keras.Input((4,))
    y = L.Dense(1)(L.Dense(3, name="hid")(x))
    model = keras.Model(x, y, name="func")
    assert _paths(model) == ["hid/kernel", "hid/bias", "dense/kernel", "dense/bias"]


def test_functional_attention_rnn_prelu():
    x = keras.Input((3, 4))
    y = L.PReLU()(L.SimpleRNN(2)(L.MultiHeadAttention(2, 2)(x, x)))
    model = keras.Model(x, y)
    assert _paths(model) == [
        "multi_head_attention/query/kernel", "multi_head_attention/query/bias",
        "multi_head_attention/key/kernel", "multi_head_attention/key/bias",
        "multi_head_attention/value/kernel", "multi_head_attention/value/bias",
        "multi_head_attention/attention_output/kernel",
        "multi_head_attention/attention_output/bias",
        "simple_rnn/simple_rnn_cell/kernel", "simple_rnn/simple_rnn_cell/recurrent_kernel",
        "simple_rnn/simple_rnn_cell/bias", "p_re_lu/alpha"]
    assert model.weights[0].name == "kernel"


def test_sequential_inside_functional_keeps_its_own_prefix():
    inner = keras.Sequential([keras.Input((4,)), L.Dense(2)])
    x = keras.Input((4,))
    model = keras.Model(x, L.Dense(1)(inner(x)))
    assert _paths(model) == ["sequential/dense/kernel", "sequential/dense/bias",
                             "dense/kernel", "dense/bias"]


def test_bidirectional_and_wrapped_cells():
    model = keras.Sequential([keras.Input((3, 4)), L.Bidirectional(L.LSTM(2)), L.Dense(2)])
    assert _paths(model)[:3] == [
        "sequential/bidirectional/forward_lstm/lstm_cell/kernel",
        "sequential/bidirectional/forward_lstm/lstm_cell/recurrent_kernel",
        "sequential/bidirectional/forward_lstm/lstm_cell/bias"]
    assert _paths(model)[3] == "sequential/bidirectional/backward_lstm/lstm_cell/kernel"
    layer = L.RNN(L.LSTMCell(3))
    layer(keras.Input((5, 4)))
    assert [w.path for w in layer.weights] == [
        "rnn/lstm_cell/kernel", "rnn/lstm_cell/recurrent_kernel", "rnn/lstm_cell/bias"]


class MyLayer(keras.layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], 2), name="w")
        self.b = self.add_weight(shape=(2,), initializer="zeros")
        self.c = self.add_weight(shape=(), name="count", trainable=False)

    def call(self, x):
        return x @ self.w + self.b


class Sub(keras.Model):
    def __init__(self):
        super().__init__()
        self.d = L.Dense(2)
        self.my = MyLayer()

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(2,), name="scale", initializer="ones")

    def call(self, x):
        return self.my(self.d(x)) * self.scale


def test_subclassed_model_and_add_weight():
    model = Sub()
    model(np.zeros((1, 3), "float32"))
    names = [w.name for w in model.weights]
    assert names == ["scale", "kernel", "bias", "w", "variable", "count"]
    dense = model.d.name  # (rungrad names it by its attribute; Keras: 'dense')
    assert _paths(model) == ["sub/scale", f"sub/{dense}/kernel", f"sub/{dense}/bias",
                             "sub/my/w", "sub/my/variable", "sub/my/count"]


def test_add_weight_layers_in_a_sequential():
    model = keras.Sequential([keras.Input((3,)), MyLayer(), MyLayer(name="mine")])
    assert _paths(model)[:3] == ["sequential/my_layer/w", "sequential/my_layer/variable",
                                 "sequential/my_layer/count"]
    assert _paths(model)[3] == "sequential/mine/w"


def test_dense_kernel_view_is_named():
    model = keras.Sequential([keras.Input((3,)), L.Dense(2)])
    kernel = model.layers[0].kernel
    assert kernel.shape == (3, 2)
    assert kernel.name == "kernel" and kernel.path == "sequential/dense/kernel"


def test_path_follows_a_later_name():
    layer = L.Dense(2)
    layer(keras.Input((3,)))
    assert layer.weight.path == "dense/kernel"
    layer.name = "renamed"
    assert layer.weight.path == "renamed/kernel" and layer.weight.name == "kernel"


def test_pytorch_modules_keep_unnamed_parameters():
    linear = nn.Linear(3, 2)
    assert linear.weight.name is None and linear.weight.path is None
    seq = nn.Sequential(nn.Linear(3, 2), nn.ReLU())
    assert [p.name for p in seq.parameters()] == [None, None]


def test_a_given_name_wins_and_drawings_keep_their_labels():
    model = keras.Sequential([keras.Input((3,)), L.Dense(2)])
    weight = model.layers[0].weight
    assert "name=" not in repr(weight)
    dot = get_dot_graph(model(np.ones((1, 3), "float32")).sum())
    assert "kernel" not in dot  # (an unnamed parameter's label, as before)
    weight.name = "mine"
    assert weight.name == "mine" and weight.path == "sequential/dense/kernel"
    weight.name = None
    assert weight.name == "kernel"


def test_copies_keep_names():
    model = keras.Sequential([keras.Input((3,)), L.Dense(2), L.BatchNormalization()])
    for copied in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        assert _paths(copied) == _paths(model)
        assert copied.weights[0] is not model.weights[0]
    alone = copy.deepcopy(model.layers[0].weight)  # (a weight copied alone: no layer)
    assert alone.name is None and alone.path is None


def test_a_weight_pickled_alone_leaves_its_model_behind():
    # (the link to the layer is not pickled: a weight alone stays small and needs nothing
    # else picklable; the model, pickled, links its weights again)
    model = keras.Sequential([keras.Input((3,)), L.Dense(256), L.Dense(2)])
    model.note = lambda z: z  # (unpicklable: a weight alone must not carry it)
    bias = model.layers[-1].bias
    assert len(pickle.dumps(bias)) < 1000
    assert pickle.loads(pickle.dumps(bias)).path is None
    kernel = pickle.loads(pickle.dumps(model.layers[0].kernel))  # (a view, named)
    assert (kernel.name, kernel.path) == ("kernel", "sequential/dense/kernel")
    del model.note
    again = pickle.loads(pickle.dumps(model))
    assert [w.path for w in again.weights] == [w.path for w in model.weights]


def test_exclusion_by_name_takes_a_parameter_named_by_a_number():
    lin = nn.Linear(2, 1)
    lin.weight.name = 0
    opt = keras.optimizers.AdamW(learning_rate=0.1, weight_decay=0.1)
    opt.exclude_from_weight_decay(var_names=["b"])
    lin(np.ones((3, 2), np.float32)).sum().backward()
    opt.apply_gradients([(p.grad, p) for p in lin.parameters()])
    assert opt.iterations == 1


class Stacked(keras.Model):
    """Layers in a list and a dict (Keras tracks them); a layer appended after a call."""

    def __init__(self):
        super().__init__()
        self.blocks = [L.Dense(3), L.Dense(2)]
        self.heads = {"a": L.Dense(1)}

    def call(self, x):
        for block in self.blocks:
            x = block(x)
        return self.heads["a"](x)


def test_layers_in_a_list_or_dict_have_distinct_names_and_paths():
    model = Stacked()
    model(np.zeros((1, 4), "float32"))
    # (Keras 3.15: the same names and paths)
    assert [layer.name for layer in model.layers] == ["dense", "dense_1", "dense_2"]
    assert _paths(model) == ["stacked/dense/kernel", "stacked/dense/bias",
                             "stacked/dense_1/kernel", "stacked/dense_1/bias",
                             "stacked/dense_2/kernel", "stacked/dense_2/bias"]
    assert model.get_layer("dense_1") is model.blocks[1]
    model.blocks.append(L.Dense(5))
    assert model.blocks[2].name == "dense_3"
    assert len(set(_paths(model))) == len(_paths(model))


def test_summary_lists_the_layers_of_a_list_under_their_names():
    model = Stacked()
    model(np.zeros((1, 4), "float32"))
    lines = []
    model.summary(print_fn=lines.append)
    rows = [line.split()[0] for line in lines if "(Dense)" in line]
    assert rows == ["dense", "dense_1", "dense_2"]


def test_layers_in_a_list_inside_a_list_keep_the_models_scope():
    class Nested(keras.Model):
        def __init__(self):
            super().__init__()
            self.blocks = [L.Dense(3), [L.Dense(3), L.Dense(3, name="named")]]

        def call(self, x):
            x = self.blocks[0](x)
            for block in self.blocks[1]:
                x = block(x)
            return x

    model = Nested()
    model(np.zeros((1, 3), "float32"))
    # (Keras 3.15: 'nested/dense_1/kernel' is its session's 'dense_2'; the scope is the same)
    assert _paths(model)[2::2] == ["nested/dense_1/kernel", "nested/named/kernel"]
    model.blocks[1].append(L.Dense(2))
    assert model.blocks[1][2].name == "dense_2"
