"""Models made from inside another functional graph (nn.keras.intermediate_inputs): Keras
3's feature extractor `keras.Model(model.inputs, model.get_layer(name).output)` and a model
whose inputs are intermediate tensors, `keras.Model(x_mid, y)`. Their outputs, layers,
shared weights, training and saving; what Keras refuses of them refused. The literals are
what Keras 3.15 (torch backend) gave for the same weights and inputs; where a Keras name is
its session-wide tensor counter ('keras_tensor_1CLONE'), the test says what stands for it."""
import numpy as np
import pytest

import nn
import nn.keras as keras
from nn.keras import layers

from ..training.test_summary import summary_text

X = np.linspace(-2, 2, 12, dtype=np.float32).reshape(3, 4)
HIDDEN = np.linspace(-1, 1, 15, dtype=np.float32).reshape(3, 5)  # (a sample of h1)


def fill(model):
    """Weights both frameworks can be given: evenly spaced in [-0.3, 0.4]."""
    model.set_weights([np.linspace(-0.6, 0.8, w.size, dtype=np.float32).reshape(w.shape) * 0.5
                       for w in model.get_weights()])


def chain():
    """x -> dense (relu, 5) -> dense_1 (tanh, 3) -> dense_2 (softmax, 2), filled: (model,
    h1, h2, out)."""
    inputs = keras.Input(shape=(4,), name="x")
    h1 = layers.Dense(5, activation="relu")(inputs)
    h2 = layers.Dense(3, activation="tanh")(h1)
    out = layers.Dense(2, activation="softmax")(h2)
    model = keras.Model(inputs, out)
    fill(model)
    return model, h1, h2, out


def dense(layer, x):
    kernel, bias = layer.get_weights()
    return x @ kernel + bias


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_a_feature_extractor_shares_the_layers_and_their_names():
    model, _, h2, _ = chain()
    features = keras.Model(inputs=model.inputs, outputs=model.get_layer("dense_1").output)
    keras_gave = [[-0.34436032, 0.01447267, 0.36961618],
                  [-0.0374824, 0.3873956, 0.69365394],
                  [0.24789603, 0.65113854, 0.8620769]]
    np.testing.assert_allclose(features.predict(X, verbose=0), keras_gave, rtol=1e-5)
    assert [layer.name for layer in features.layers] == ["x", "dense", "dense_1"]
    assert features.get_layer("dense_1") is model.get_layer("dense_1")
    assert features.output is h2


def test_a_feature_extractor_of_one_branch_keeps_the_models_names():
    """Keras names a layer once: a model of the second branch alone still calls it
    'dense_1', and the first model's names stay as they were."""
    inputs = keras.Input(shape=(4,))
    first, second = layers.Dense(5)(inputs), layers.Dense(3)(inputs)
    model = keras.Model(inputs, layers.Concatenate()([first, second]))
    branch = keras.Model(model.inputs, model.get_layer("dense_1").output)
    assert [layer.name for layer in branch.layers] == ["input_layer", "dense_1"]
    assert [layer.name for layer in model.layers] == ["input_layer", "dense", "dense_1",
                                                      "concatenate"]
    assert "dense_1 (Dense)" in summary_text(branch)


def test_a_model_from_an_intermediate_tensor_is_the_rest_of_the_graph():
    model, h1, h2, out = chain()
    rest = keras.Model(h1, out)
    # Keras 3.15: ['keras_tensor_1CLONE', 'dense_1', 'dense_2'], its new Input named after
    # the tensor (Keras' tensors are numbered per session; here they go by their layer)
    assert [layer.name for layer in rest.layers] == ["denseCLONE", "dense_1", "dense_2"]
    assert [type(layer).__name__ for layer in rest.layers] == ["InputLayer", "Dense", "Dense"]
    assert rest.input_shape == (None, 5) and rest.output_shape == (None, 2)
    assert rest.count_params() == 26
    assert rest.get_layer("dense_1") is model.get_layer("dense_1")
    keras_gave = [[0.32404876, 0.67595124], [0.3098565, 0.6901436], [0.299186, 0.700814]]
    predicted = rest.predict(HIDDEN, verbose=0)
    np.testing.assert_allclose(predicted, keras_gave, rtol=1e-5)
    by_hand = softmax(dense(model.get_layer("dense_2"),
                            np.tanh(dense(model.get_layer("dense_1"), HIDDEN))))
    np.testing.assert_allclose(predicted, by_hand, rtol=1e-5)
    # the original graph is left as it was: a layer's output is its first call's
    assert rest.inputs[0] is not h1 and h1.node.layer is model.get_layer("dense")
    assert model.get_layer("dense_1").output is h2 and model.output is out
    assert [layer.name for layer in model.layers] == ["x", "dense", "dense_1", "dense_2"]
    np.testing.assert_allclose(model.predict(X, verbose=0),
                               rest.predict(model.get_layer("dense")(X).data, verbose=0),
                               rtol=1e-6)


def test_training_the_sub_model_trains_the_original():
    model, h1, _, out = chain()
    rest = keras.Model(h1, out)
    rest.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    targets = np.float32([[1, 0], [0, 1], [1, 0]])
    history = rest.fit(HIDDEN, targets, epochs=2, batch_size=3, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], [0.3480204641819, 0.3418501913547516],
                               rtol=1e-5)
    kernel, bias = model.get_layer("dense_2").get_weights()
    np.testing.assert_allclose(kernel, [[-0.30263293, -0.15736707], [-0.01251055, 0.11251055],
                                        [0.27470997, 0.38529003]], rtol=1e-5)
    np.testing.assert_allclose(bias, [-0.26965454, 0.36965454], rtol=1e-5)
    np.testing.assert_allclose(model.predict(X, verbose=0),
                               [[0.34732324, 0.65267676], [0.31914395, 0.68085605],
                                [0.29926163, 0.7007383]], rtol=1e-5)


@pytest.mark.parametrize("suffix", [".keras", ".rungrad"])
def test_a_sub_model_saves_and_loads(tmp_path, suffix):
    model, h1, _, out = chain()
    rest = keras.Model(h1, out)
    path = tmp_path / f"rest{suffix}"
    rest.save(path)
    loaded = keras.saving.load_model(path)
    assert [layer.name for layer in loaded.layers] == ["denseCLONE", "dense_1", "dense_2"]
    np.testing.assert_allclose(loaded.predict(HIDDEN, verbose=0),
                               rest.predict(HIDDEN, verbose=0), rtol=1e-6)
    assert loaded.get_layer("dense_1") is not model.get_layer("dense_1")  # (a copy)


def branched():
    """a -> ha, b -> hb; add = ha + hb; t = Dense(add); u = Dense(concat(add, hb)), filled."""
    a, b = keras.Input((4,), name="a"), keras.Input((3,), name="b")
    ha, hb = layers.Dense(4, name="ha")(a), layers.Dense(4, name="hb")(b)
    added = layers.Add(name="add")([ha, hb])
    t = layers.Dense(2, name="t")(added)
    u = layers.Dense(2, name="u")(layers.Concatenate(name="cat")([added, hb]))
    model = keras.Model([a, b], [t, u])
    fill(model)
    return model, dict(a=a, b=b, ha=ha, hb=hb, added=added, t=t, u=u)


# Keras 3.15's model.layers, 'keras_tensor_2CLONE' there 'addCLONE', 'keras_tensor_1CLONE'
# 'hbCLONE'
@pytest.mark.parametrize("inputs,order", [
    (["added", "hb"], ["addCLONE", "hbCLONE", "cat", "u", "t"]),
    (["hb", "added"], ["addCLONE", "hbCLONE", "cat", "u", "t"]),
    (["hb", "a"], ["a", "ha", "hbCLONE", "add", "cat", "u", "t"]),
])
def test_intermediate_and_keras_inputs_mix_in_keras_order(inputs, order):
    model, tensors = branched()
    part = keras.Model([tensors[name] for name in inputs], [tensors["u"], tensors["t"]])
    assert [layer.name for layer in part.layers] == order
    rng = np.random.default_rng(0)
    given = {"a": rng.normal(size=(3, 4)), "added": rng.normal(size=(3, 4)),
             "hb": rng.normal(size=(3, 4))}
    given = {k: v.astype(np.float32) for k, v in given.items()}
    added = given["added"] if "added" in inputs else dense(model.get_layer("ha"),
                                                           given["a"]) + given["hb"]
    u = dense(model.get_layer("u"), np.concatenate([added, given["hb"]], axis=-1))
    t = dense(model.get_layer("t"), added)
    got = part.predict([given[name] for name in inputs], verbose=0)
    np.testing.assert_allclose(got[0], u, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[1], t, rtol=1e-5, atol=1e-6)


def test_a_dict_of_intermediate_inputs_is_keyed_by_its_keys():
    model, h1, _, out = chain()
    rest = keras.Model({"features": h1}, out)
    np.testing.assert_allclose(rest.predict({"features": HIDDEN}, verbose=0),
                               keras.Model(h1, out).predict(HIDDEN, verbose=0), rtol=1e-6)


def test_several_outputs_of_one_call_may_all_be_inputs():
    """An LSTM's output and cell state, both given (Keras 3.15: ['keras_tensor_6CLONE',
    'keras_tensor_8CLONE', 'c2', 'y']: the output's first, as the graph takes them)."""
    sequence = keras.Input((5, 3), name="seq")
    output, _, cell = layers.LSTM(4, return_state=True, name="lstm")(sequence)
    y = layers.Dense(2, name="y")(layers.Concatenate(name="c2")([output, cell]))
    part = keras.Model([cell, output], y)
    assert [layer.name for layer in part.layers] == ["lstm_0CLONE", "lstm_2CLONE", "c2", "y"]
    rng = np.random.default_rng(1)
    c, o = rng.normal(size=(2, 3, 4)).astype(np.float32)
    np.testing.assert_allclose(part.predict([c, o], verbose=0),
                               dense(part.get_layer("y"), np.concatenate([o, c], axis=-1)),
                               rtol=1e-5, atol=1e-6)


def test_keras_ops_and_nested_models_may_make_the_inputs():
    _, _, h2, _ = chain()
    relu = keras.ops.relu(h2)
    head = layers.Dense(2)
    y = head(relu * 2.0)
    h = np.linspace(-1, 1, 9, dtype=np.float32).reshape(3, 3)
    np.testing.assert_allclose(keras.Model(relu, y).predict(h, verbose=0),
                               dense(head, 2 * h), rtol=1e-6)
    np.testing.assert_allclose(keras.Model(h2, y).predict(h, verbose=0),
                               dense(head, 2 * np.maximum(h, 0)), rtol=1e-6)
    inner, *_ = chain()
    outer_input = keras.Input((4,))
    encoded = inner(outer_input)
    decoder = keras.Model(encoded, layers.Dense(1, name="head")(encoded))
    assert [layer.name for layer in decoder.layers] == ["functionalCLONE", "head"]


def test_a_sequentials_inner_tensor_starts_a_model():
    sequential = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.Dense(2)])
    end = sequential.output  # (the graph Keras 3 builds on its Input, here on asking)
    rest = keras.Model(sequential.layers[0].output, end)
    assert [layer.name for layer in rest.layers] == ["denseCLONE", "dense_1"]
    h = HIDDEN[:, :3]
    np.testing.assert_allclose(rest.predict(h, verbose=0), dense(sequential.layers[1], h),
                               rtol=1e-6)


def test_a_sub_model_is_a_layer_of_another():
    _, h1, _, out = chain()
    rest = keras.Model(h1, out)
    fresh = keras.Input((5,))
    wrapped = keras.Model(fresh, rest(fresh))
    np.testing.assert_allclose(wrapped.predict(HIDDEN, verbose=0),
                               rest.predict(HIDDEN, verbose=0), rtol=1e-6)


def test_intermediate_inputs_named_alike_are_numbered_apart():
    inputs = keras.Input((4,))
    first, second = layers.Dense(3)(inputs), layers.Dense(3)(inputs)  # (no model names them)
    added = keras.Model([first, second], layers.Add()([first, second]))
    assert [layer.name for layer in added.layers][:2] == ["denseCLONE", "denseCLONE_1"]


def refused_cases():
    """{case: (inputs, outputs)} Keras 3.15 refuses, with its message's gist."""
    model, h1, h2, out = chain()
    shared = layers.Dense(4)
    once = shared(model.input)
    twice = shared(once)
    sequence = keras.Input((5, 3))
    output, hidden, _ = layers.LSTM(4, return_state=True)(sequence)
    both = layers.Concatenate()([output, hidden])
    around = layers.Concatenate()([h2, h1])
    return {
        # "The name "keras_tensor_1CLONE" is used 2 times in the model"
        "given twice": ([h1, h1], out),
        # "Output with path `` is not connected to `inputs`"
        "returned": (h1, h1),
        "an Input returned": ([model.input, h1], [model.input, out]),
        "shared layer again": (once, twice),
        # "Graph disconnected: cannot find parent for tensor ..."
        "another output of the call": (output, both),
        "around the input": (h2, around),
        "before the input": (out, h1),
    }


@pytest.mark.parametrize("case,match", [
    ("given twice", r"inputs\[0\] and inputs\[1\] are the same intermediate tensor"),
    ("returned", r"outputs\[0\] is inputs\[0\].*cannot return an input unchanged"),
    ("an Input returned", r"outputs\[0\] is inputs\[0\]"),
    ("shared layer again", r"inputs\[0\] .* is an output of a layer that runs again"),
    ("another output of the call", r"inputs\[0\] .* is an output of a layer that runs again"),
    ("around the input", "depend on the input InputLayer.*disconnected"),
    ("before the input", "depend on the input InputLayer.*disconnected"),
])
def test_what_keras_refuses_is_refused(case, match):
    inputs, outputs = refused_cases()[case]
    with pytest.raises(ValueError, match=match):
        keras.Model(inputs, outputs)


def test_fitting_the_head_alone_teaches_the_whole_model():
    """A head trained on the features of a fixed random hidden layer makes the whole model
    classify the digits (10 epochs of Adam: test accuracy 0.78-0.84 over seeds 0-5, from
    chance): the sub-model's layers are the model's."""
    (x_train, y_train), (x_test, y_test) = nn.datasets.digits()
    np.random.seed(0)
    inputs = keras.Input((x_train.shape[1],))
    hidden = layers.Dense(64, activation="relu")(inputs)
    out = layers.Dense(10, activation="softmax")(hidden)
    model = keras.Model(inputs, out)
    head = keras.Model(hidden, out)
    features = keras.Model(inputs, hidden).predict(x_train, verbose=0)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    assert model.evaluate(x_test, y_test, verbose=0)[1] < 0.2
    head.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    head.fit(features, y_train, epochs=10, verbose=0)
    assert model.evaluate(x_test, y_test, verbose=0)[1] > 0.7


def test_an_input_a_mask_may_reach_is_refused():
    # Keras refuses a masked intermediate input (the sub-model would run without its mask);
    # masks are not followed symbolically here, so whatever comes after a mask-making layer
    # is refused, by name
    inp = keras.Input((5,), dtype="int32")
    embedded = layers.Embedding(10, 4, mask_zero=True)(inp)
    summary = layers.LSTM(3)(embedded)
    out = layers.Dense(1)(summary)
    keras.Model(inp, out)
    for start in (embedded, summary):
        with pytest.raises(ValueError, match=r"is computed through Embedding, which makes a "
                                             r"mask: a model starting there would run "
                                             r"without it"):
            keras.Model(start, out)


def test_a_nested_sequential_ends_a_feature_extractor_at_its_call():
    """A Sequential called as a layer: its input and output are that call's (Keras', as any
    layer's), so a sub-model of the outer model may end there; its inputs and outputs stay
    its own graph's."""
    stem = keras.Sequential([keras.Input((5,)), layers.Dense(4), layers.Dense(3)], name="stem")
    x = keras.Input((5,))
    y = layers.Dense(2, name="head")(stem(x))
    model = keras.Model(x, y)
    features = keras.Model(model.input, [model.get_layer("stem").output, y])
    data = np.random.default_rng(0).standard_normal((2, 5)).astype(np.float32)
    inner, out = features.predict(data, verbose=0)
    np.testing.assert_allclose(inner, stem.predict(data, verbose=0), rtol=1e-6)
    np.testing.assert_allclose(out, model.predict(data, verbose=0), rtol=1e-6)
    assert stem.input is x and stem.inputs[0] is not x
    assert keras.Model(stem.inputs, stem.outputs).predict(data, verbose=0).shape == (2, 3)
