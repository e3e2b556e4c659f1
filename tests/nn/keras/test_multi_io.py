"""fit, evaluate and predict for functional models of several inputs and outputs, against
Keras 3's own numbers (data/multi_io.json, made by data/make_multi_io_reference.py: the
same data, initial weights and batches), and the forms and errors of x, y and compile's
per-output arguments."""
import csv
import json
import os

import numpy as np
import pytest

import nn.keras as keras
from nn.keras import layers

with open(os.path.join(os.path.dirname(__file__), "data", "multi_io.json")) as _f:
    REFERENCE = json.load(_f)
DATA = {k: np.asarray(v) for k, v in REFERENCE["data"].items()}
XA, XB = DATA["xa"].astype(np.float32), DATA["xb"].astype(np.float32)
Y_REG, Y_CLS = DATA["y_reg"].astype(np.float32), DATA["y_cls"]
TOLERANCE = dict(rtol=1e-5, atol=1e-6)  # float32 in both, summed in other orders


def build():
    """The reference model (make_multi_io_reference.py's build) with its initial weights."""
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    h = layers.Dense(4, activation="tanh", name="hidden")(layers.Concatenate()([a, b]))
    reg = layers.Dense(1, name="reg")(h)
    cls = layers.Dense(3, activation="softmax", name="cls")(h)
    model = keras.Model([a, b], [reg, cls])
    weights = iter(np.asarray(w, dtype=np.float32) for w in REFERENCE["weights"])
    for layer in ("hidden", "reg", "cls"):
        model.get_layer(layer).set_weights([next(weights), next(weights)])
    return model


def targets(case, as_dict=False):
    y_cls = np.eye(3, dtype=np.float32)[Y_CLS] if case.get("one_hot") else Y_CLS
    return {"reg": Y_REG, "cls": y_cls} if as_dict else [Y_REG, y_cls]


def fit_case(case, jit_compile=False, **extra):
    model = build()
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
                  jit_compile=jit_compile, **case["compile"])
    x = {"a": XA, "b": XB} if case.get("named") else [XA, XB]
    fit = dict(case["fit"])
    if "sample_weight" in fit:
        fit["sample_weight"] = DATA["sample_weight"]
    if fit.get("validation_data"):
        fit["validation_data"] = ([XA[:10], XB[:10]], [t[:10] for t in targets(case)])
    history = model.fit(x, targets(case, as_dict=case.get("named", False)), epochs=3,
                        batch_size=8, shuffle=False, verbose=0, **fit, **extra)
    return model, history


@pytest.mark.parametrize("jit_compile", [False, True])
@pytest.mark.parametrize("name", sorted(REFERENCE["cases"]))
def test_fit_and_evaluate_give_keras_numbers(name, jit_compile):
    case = REFERENCE["cases"][name]
    model, history = fit_case(case, jit_compile)
    expected = case["keras"]
    assert set(history.history) == set(expected["history"])
    for key, values in expected["history"].items():
        np.testing.assert_allclose(history.history[key], values, **TOLERANCE, err_msg=key)
    evaluated = model.evaluate([XA, XB], targets(case))
    np.testing.assert_allclose(evaluated, expected["evaluate"], **TOLERANCE)


def test_evaluate_lists_the_values_in_keras_order():
    """'loss', the outputs' losses in the outputs' order, then the metrics by name."""
    case = REFERENCE["cases"]["lists"]
    model, _ = fit_case(case)
    logs = model.evaluate([XA, XB], targets(case), return_dict=True)
    assert list(logs) == ["loss", "reg_loss", "cls_loss", "cls_accuracy", "reg_mae",
                          "reg_mse"]


def test_dicts_and_lists_are_the_same_data():
    model = build()
    model.compile(optimizer="sgd", loss=["mse", "sparse_categorical_crossentropy"])
    by_list = model.evaluate([XA, XB], [Y_REG, Y_CLS])
    by_dict = model.evaluate({"b": XB, "a": XA}, {"cls": Y_CLS, "reg": Y_REG})
    assert by_list == by_dict
    predicted = model.predict({"a": XA, "b": XB}, batch_size=5)
    assert isinstance(predicted, list) and [p.shape for p in predicted] == [(24, 1), (24, 3)]
    direct = model([XA, XB])
    for got, want in zip(predicted, direct):
        np.testing.assert_allclose(got, want.data, rtol=1e-6)
    np.testing.assert_allclose(predicted[1].sum(axis=1), 1.0, rtol=1e-6)  # probabilities


def test_a_model_of_dicts_names_its_inputs_and_outputs_by_their_keys(tmp_path):
    """keras.Model(inputs={...}, outputs={...}) (Keras 3): the keys name x's and y's
    entries, the outputs' log keys and compile's per-output arguments (output_names are
    the layers' names all the same); a call and predict
    return a dict; the same weights give the list model's numbers; save and load keep the
    dicts; a dict of one input and one output is taken as one too. A dict's entries come in
    the order of its sorted keys, as Keras 3 flattens it."""
    listed = build()
    a, b = listed.inputs
    reg, cls = listed.outputs
    model = keras.Model(inputs={"left": a, "right": b}, outputs={"price": reg, "kind": cls})
    # Keras 3.15.1's output_names are the layers' names, in the keys' order
    assert model.input_names == ["left", "right"] and model.output_names == ["cls", "reg"]
    x = {"right": XB, "left": XA}  # (any order)
    y = {"kind": Y_CLS, "price": Y_REG}
    losses = {"price": "mse", "kind": "sparse_categorical_crossentropy"}
    model.compile(optimizer="sgd", loss=losses, metrics={"kind": ["accuracy"]})
    listed.compile(optimizer="sgd", loss=list(losses.values()), metrics={"cls": ["accuracy"]})
    logs = model.evaluate(x, y, return_dict=True)
    assert list(logs) == ["loss", "price_loss", "kind_loss", "kind_accuracy"]  # (the loss's)
    np.testing.assert_allclose(list(logs.values()),
                               listed.evaluate([XA, XB], [Y_REG, Y_CLS]), rtol=1e-6)
    called = model({"left": XA, "right": XB})
    predicted = model.predict(x, batch_size=5)
    assert list(called) == list(predicted) == ["kind", "price"]
    for key, want in zip(("price", "kind"), listed.predict([XA, XB])):
        np.testing.assert_allclose(predicted[key], want, rtol=1e-6)
        np.testing.assert_allclose(called[key].data, want, rtol=1e-6)
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert {"loss", "price_loss", "kind_loss", "kind_accuracy"} <= set(history.history)
    model.save(tmp_path / "dicts.keras")
    again = keras.models.load_model(tmp_path / "dicts.keras")
    assert again.input_names == ["left", "right"] and again.output_names == ["cls", "reg"]
    np.testing.assert_allclose(again.predict(x)["kind"], model.predict(x)["kind"], rtol=1e-6)
    with pytest.raises(KeyError, match=r"keyed \['left', 'right'\].*missing \['right'\]"):
        model({"left": XA})
    one = keras.Model(inputs={"left": a}, outputs={"out": layers.Dense(1)(a)})
    one.compile(optimizer="sgd", loss="mse")
    one.fit({"left": XA}, {"out": Y_REG}, epochs=1, verbose=0)
    assert one.predict({"left": XA})["out"].shape == (len(XA), 1)


def test_shuffled_batches_keep_the_arrays_aligned():
    """Each output's target is a function of the inputs it comes from: a shuffle that took
    different permutations for different arrays would make the loss stay high."""
    a, b = keras.Input((1,), name="a"), keras.Input((1,), name="b")
    model = keras.Model([a, b], [layers.Dense(1, name="left")(a),
                                 layers.Dense(1, name="right")(b)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.2), loss="mse")
    rng = np.random.default_rng(1)
    xa, xb = rng.normal(size=(64, 1)).astype(np.float32), rng.normal(size=(64, 1))
    history = model.fit([xa, xb], [3 * xa, -2 * xb], epochs=60, batch_size=8, verbose=0,
                        validation_split=0.25)
    assert history.history["val_left_loss"][-1] < 1e-4
    assert history.history["val_right_loss"][-1] < 1e-4


def test_sample_weight_per_output():
    """A list weighs each output's loss with its own weights; zeros leave an output out."""
    model = build()
    model.compile(optimizer="sgd", loss=["mse", "sparse_categorical_crossentropy"])
    ones, zeros = np.ones(24), np.zeros(24)
    plain = model.evaluate([XA, XB], [Y_REG, Y_CLS], return_dict=True)
    only_cls = model.evaluate([XA, XB], [Y_REG, Y_CLS], sample_weight=[zeros, ones],
                              return_dict=True)
    assert only_cls["reg_loss"] == 0.0
    assert only_cls["cls_loss"] == pytest.approx(plain["cls_loss"], rel=1e-6)
    assert only_cls["loss"] == pytest.approx(plain["cls_loss"], rel=1e-6)


def test_sample_weight_as_a_dict_keyed_by_the_outputs():
    """The same weights as the list's; an output the dict leaves out is unweighted."""
    model = build()
    model.compile(optimizer="sgd", loss=["mse", "sparse_categorical_crossentropy"])
    ramp, back = np.linspace(0.0, 1.0, 24), np.linspace(1.0, 0.0, 24)
    listed = model.evaluate([XA, XB], [Y_REG, Y_CLS], sample_weight=[ramp, back],
                            return_dict=True)
    named = model.evaluate([XA, XB], {"reg": Y_REG, "cls": Y_CLS},
                           sample_weight={"cls": back, "reg": ramp}, return_dict=True)
    assert named == listed
    half = model.evaluate([XA, XB], [Y_REG, Y_CLS], sample_weight={"reg": ramp},
                          return_dict=True)
    assert half == model.evaluate([XA, XB], [Y_REG, Y_CLS], sample_weight=[ramp, None],
                                  return_dict=True)
    trained, twin = build(), build()
    for m in (trained, twin):
        m.compile(optimizer="sgd", loss=["mse", "sparse_categorical_crossentropy"])
    fitted = trained.fit([XA, XB], [Y_REG, Y_CLS], sample_weight={"reg": ramp, "cls": back},
                         epochs=2, batch_size=8, shuffle=False, validation_split=0.25,
                         verbose=0).history
    assert fitted == twin.fit([XA, XB], [Y_REG, Y_CLS], sample_weight=[ramp, back], epochs=2,
                              batch_size=8, shuffle=False, validation_split=0.25,
                              verbose=0).history
    with pytest.raises(ValueError, match=r"sample_weight names \['other'\], which the model "
                                         r"has no output called; its outputs are \['reg', "
                                         r"'cls'\]"):
        model.evaluate([XA, XB], [Y_REG, Y_CLS], sample_weight={"other": ramp})


def test_callbacks_see_the_outputs_keys(tmp_path):
    case = REFERENCE["cases"]["dicts"]
    path = tmp_path / "log.csv"
    stop = keras.callbacks.EarlyStopping(monitor="val_reg_loss", patience=0,
                                         min_delta=10.0)
    _, history = fit_case(case, callbacks=[stop, keras.callbacks.CSVLogger(str(path))])
    assert len(history.history["loss"]) == 2  # no improvement of 10 after the first epoch
    with open(path) as f:
        header = next(csv.reader(f))
    assert {"reg_loss", "cls_accuracy", "val_reg_mae", "val_cls_loss"} <= set(header)


def test_one_loss_and_weights_for_every_output():
    model = build()
    model.compile(optimizer="sgd", loss="mse", loss_weights={"reg": 2.0, "cls": 0.0})
    logs = model.evaluate([XA, XB], [Y_REG, np.eye(3)[Y_CLS]], return_dict=True)
    assert logs["loss"] == pytest.approx(2 * logs["reg_loss"], rel=1e-6)
    assert logs["cls_loss"] > 0


@pytest.mark.parametrize("x, match", [
    ({"a": XA}, r"no array for the input\(s\) \['b'\]"),
    ({"a": XA, "b": XB, "c": XB}, r"x names \['c'\]"),
    ([XA], "has 2 inputs"),
    (XA, "give x as a list of 2 arrays"),
    ([XA, XB[:10]], "'a': 24, 'b': 10"),
    ([XA, XA], r"input 'b' takes samples of shape \(2,\)")])
def test_inputs_that_do_not_fit_are_named(x, match):
    model = build()
    model.compile(optimizer="sgd", loss=["mse", "sparse_categorical_crossentropy"])
    with pytest.raises(ValueError, match=match):
        model.fit(x, [Y_REG, Y_CLS], verbose=0)


@pytest.mark.parametrize("y, match", [
    ({"reg": Y_REG}, r"no array for the output\(s\) \['cls'\]"),
    (Y_REG, "give y as a list of 2 arrays"),
    ([Y_REG, Y_CLS[:5]], "'reg': 24, 'cls': 5")])
def test_targets_that_do_not_fit_are_named(y, match):
    model = build()
    model.compile(optimizer="sgd", loss=["mse", "sparse_categorical_crossentropy"])
    with pytest.raises(ValueError, match=match):
        model.evaluate([XA, XB], y)


@pytest.mark.parametrize("options, error, match", [
    (dict(loss=["mse"]), ValueError, "one entry per output .* a list of 1"),
    (dict(loss={"reg": "mse"}), ValueError, r"it lacks \['cls'\]"),
    (dict(loss={"reg": "mse", "cls": "mse", "other": "mse"}), ValueError,
     r"\['other'\] are none of them"),
    (dict(loss="mse", metrics=["mae"]), ValueError, "metrics takes one entry per output"),
    (dict(loss="mse", metrics={"nope": "mae"}), ValueError, r"\['nope'\] are none"),
    (dict(loss="mse", loss_weights=2.0), TypeError, "loss_weights as a list"),
    (dict(loss="mse", loss_weights={"reg": 1.0}), ValueError, r"it lacks \['cls'\]"),
    (dict(loss="mse", loss_weights=[1.0, "x"]), TypeError, "finite number for each output")])
def test_compile_arguments_that_do_not_fit_the_outputs_are_refused(options, error, match):
    with pytest.raises(error, match=match):
        build().compile(optimizer="sgd", **options)


def test_class_weight_is_refused_with_several_outputs():
    model = build()
    model.compile(optimizer="sgd", loss=["mse", "sparse_categorical_crossentropy"])
    with pytest.raises(ValueError, match="class_weight is only supported for models with a "
                                         "single output"):
        model.fit([XA, XB], [Y_REG, Y_CLS], class_weight={0: 1.0, 1: 2.0}, verbose=0)


def test_an_output_without_a_loss_is_left_out():
    model = build()
    model.compile(optimizer="sgd", loss=["mse", None])
    logs = model.evaluate([XA, XB], [Y_REG, Y_CLS], return_dict=True)
    # one loss: no '<output>_loss' beside 'loss' (Keras logs them for several losses only)
    assert list(logs) == ["loss"]
    only_reg = build()
    only_reg.compile(optimizer="sgd", loss=["mse", "sparse_categorical_crossentropy"],
                     loss_weights=[1.0, 0.0])
    assert logs["loss"] == pytest.approx(only_reg.evaluate([XA, XB], [Y_REG, Y_CLS],
                                                           return_dict=True)["reg_loss"])


@pytest.mark.parametrize("given", ["list", "array", "dict"])
def test_targets_may_leave_out_an_output_that_nothing_reads(given):
    # Keras 3's rule for loss=["mse", None]: y a list of the arrays for the outputs with a
    # loss (or, one such output, the array itself); a dict may leave the output out
    model, full = build(), build()
    for m in (model, full):
        m.compile(optimizer="sgd", loss=["mse", None])
    y = {"list": [Y_REG], "array": Y_REG, "dict": {"reg": Y_REG}}[given]
    weights = np.linspace(0.5, 1.5, len(XA))
    history = model.fit([XA, XB], y, sample_weight=weights, epochs=2, batch_size=8,
                        shuffle=False, validation_data=([XA, XB], y), verbose=0).history
    expected = full.fit([XA, XB], [Y_REG, Y_CLS], sample_weight=weights, epochs=2,
                        batch_size=8, shuffle=False, validation_data=([XA, XB], [Y_REG, Y_CLS]),
                        verbose=0).history
    assert history == expected
    assert model.evaluate([XA, XB], y, return_dict=True, verbose=0) == full.evaluate(
        [XA, XB], [Y_REG, Y_CLS], return_dict=True, verbose=0)


def test_an_output_with_metrics_still_needs_its_targets():
    model = build()
    model.compile(optimizer="sgd", loss=["mse", None], metrics=[None, ["accuracy"]])
    with pytest.raises(ValueError, match=r"give y as a list of 2 arrays in that order, or"):
        model.fit([XA, XB], [Y_REG], verbose=0)
    model.compile(optimizer="sgd", loss=["mse", None])
    with pytest.raises(ValueError, match=r"\(or 1, one for each of \['reg'\]: the others have "
                                         r"no loss or metric\)"):
        model.fit([XA, XB], [Y_REG, Y_CLS, Y_CLS], verbose=0)


def regression_and_sigmoid():
    a = keras.Input(shape=(1,))
    model = keras.Model(a, [layers.Dense(1, name="r")(a),
                            layers.Dense(1, activation="sigmoid", name="c")(a)])
    model.set_weights([np.ones((1, 1), np.float32), np.zeros(1, np.float32),
                       np.full((1, 1), 2.0, np.float32), np.full(1, -1.0, np.float32)])
    return model


def test_an_output_without_a_loss_has_its_metrics_as_in_keras():
    # Keras 3.15.1's logs for the same model, data and compile
    x = np.arange(20, dtype=np.float32).reshape(20, 1) / 20
    y, labels = [2 * x, (x > 0.5).astype(np.float32)], (x > 0.5).astype(np.float32)
    model = regression_and_sigmoid()
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
                  loss={"r": "mse", "c": None}, metrics={"c": ["mae", "accuracy"]})
    history = model.fit(x, y, batch_size=5, shuffle=False, epochs=2, verbose=0).history
    assert sorted(history) == ["c_accuracy", "c_mae", "loss"]
    np.testing.assert_allclose(history["loss"], [0.183298, 0.060246], atol=5e-7)
    np.testing.assert_allclose(history["c_mae"], [0.37993, 0.37993], atol=5e-6)
    assert history["c_accuracy"] == [1.0, 1.0]
    logs = model.evaluate(x, [2 * x, labels], verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(0.04480011761188507, rel=1e-5)
    assert logs["c_mae"] == pytest.approx(0.3799299895763397, rel=1e-6)
    weighted = regression_and_sigmoid()
    weighted.compile(optimizer="sgd", loss=["mse", None], metrics=[None, ["mae"]],
                     weighted_metrics=[None, ["mse"]])
    logs = weighted.evaluate(x, y, verbose=0, return_dict=True)
    assert sorted(logs) == ["c_mae", "c_mse", "loss"]
    assert logs["loss"] == pytest.approx(0.3087500035762787, rel=1e-6)
    assert logs["c_mse"] == pytest.approx(0.14894714951515198, rel=1e-6)


def test_several_inputs_one_output_trains_as_before():
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    out = layers.Dense(1, name="out")(layers.Concatenate()([a, b]))
    model = keras.Model([a, b], out)
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    history = model.fit({"a": XA, "b": XB}, Y_REG, epochs=2, verbose=0, validation_split=0.25)
    assert set(history.history) == {"loss", "mae", "val_loss", "val_mae"}
    assert model.predict([XA, XB]).shape == (24, 1)


def one_named_input(sequential):
    inputs = keras.Input(shape=(1,), name="feat")
    dense = layers.Dense(1, name="out")
    model = (keras.Sequential([inputs, dense]) if sequential else
             keras.Model(inputs, dense(inputs)))
    model.set_weights([np.ones((1, 1), np.float32), np.zeros(1, np.float32)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    return model


@pytest.mark.parametrize("sequential", [False, True])
def test_a_dict_keys_the_one_input_by_its_name_as_keras(sequential):
    # Keras 3.15.1's numbers for the same model and data, the dict given or the array
    x = np.arange(20, dtype=np.float32).reshape(20, 1) / 20
    y, feat = 2 * x, {"feat": x}
    history = one_named_input(sequential).fit(feat, y, batch_size=5, shuffle=False, verbose=0,
                                              validation_data=(feat, y))
    assert history.history["loss"] == pytest.approx([0.18329843878746033], rel=1e-6)
    assert history.history["val_loss"] == pytest.approx([0.06137564033269882], rel=1e-6)
    model = one_named_input(sequential)
    assert model.evaluate(feat, y, verbose=0) == pytest.approx(0.30875)
    assert model.test_on_batch(feat, y) == pytest.approx(0.30875)
    np.testing.assert_allclose(model.predict(feat, verbose=0), x)
    np.testing.assert_allclose(model.predict_on_batch(feat), x)
    assert model.train_on_batch(feat, y) == pytest.approx(0.30875)
    with pytest.raises(ValueError, match=r"fit: x names \['other'\], which the model has no "
                                         r"input called; its inputs are \['feat'\]"):
        model.fit({"other": x}, y, verbose=0)


def test_a_dict_is_refused_for_a_sequential_without_a_named_input():
    model = keras.Sequential([layers.Dense(1, name="out")])  # (Keras refuses it too)
    model.build((None, 1))
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(TypeError, match="fit: x is a dict"):
        model.fit({"out": np.ones((4, 1))}, np.ones((4, 1)), verbose=0)


def test_a_dict_of_outputs_or_inputs_is_in_sorted_key_order_as_keras_3():
    # Keras 3.15.1: outputs, layers, weights, the predicted dict and a list y follow the
    # sorted keys ('c' before 'r'), the inputs likewise ('bin' before 'zin')
    a = keras.Input(shape=(1,))
    model = keras.Model(a, {"r": layers.Dense(1, name="reg")(a),
                            "c": layers.Dense(2, name="cls")(a)})
    assert [layer.name for layer in model.layers[1:]] == ["cls", "reg"]
    assert [w.shape for w in model.get_weights()] == [(1, 2), (2,), (1, 1), (1,)]
    assert [t.shape for t in model.outputs] == [(None, 2), (None, 1)]
    x = np.ones((4, 1), np.float32)
    assert list(model.predict(x, verbose=0)) == list(model(x)) == ["c", "r"]
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, [np.ones((4, 2)), np.ones((4, 1))], verbose=0)  # (a list y: c, then r)
    z, b = keras.Input(shape=(2,), name="za"), keras.Input(shape=(1,), name="ab")
    joined = keras.Model({"zin": z, "bin": b}, layers.Concatenate()([z, b]))
    assert joined.input_names == ["bin", "zin"] and joined.inputs == [b, z]


def test_the_outputs_losses_come_in_the_order_of_compiles_loss_dict_as_keras(tmp_path):
    # Keras 3.15.1 lists evaluate's values so (its loss trackers follow the loss dict), the
    # outputs themselves being sorted ('c', 'r')
    a = keras.Input(shape=(1,))
    reg, cls = layers.Dense(1, name="reg")(a), layers.Dense(2, name="cls")(a)
    model = keras.Model(a, {"r": reg, "c": cls})
    model.set_weights([np.array([[1.0, -1.0]], np.float32), np.array([0.5, 0.0], np.float32),
                       np.array([[2.0]], np.float32), np.array([0.1], np.float32)])
    x = np.linspace(-1, 1, 6, dtype=np.float32).reshape(6, 1)
    y = {"r": 3 * x, "c": np.concatenate([x, -x], 1)}
    model.compile(optimizer="sgd", loss={"r": "mse", "c": "mae"}, metrics={"r": ["mae"]})
    keras_values = [0.7266666889190674, 0.4766666889190674, 0.25, 0.5999999642372131]
    assert model.evaluate(x, y, verbose=0) == pytest.approx(keras_values, rel=1e-6)
    assert model.metrics_names == ["loss", "r_loss", "c_loss", "r_mae"]
    model.save(tmp_path / "model.keras")
    again = keras.models.load_model(tmp_path / "model.keras")
    assert again.evaluate(x, y, verbose=0) == pytest.approx(keras_values, rel=1e-6)
    assert again.metrics_names == ["loss", "r_loss", "c_loss", "r_mae"]
    # a list of outputs: their order, whatever the dict's (Keras' too)
    listed = keras.Model(a, [reg, cls])  # (the same layers)
    listed.compile(optimizer="sgd", loss={"cls": "mae", "reg": "mse"})
    assert listed.evaluate(x, [y["r"], y["c"]], verbose=0) == pytest.approx(
        keras_values[:3], rel=1e-6)


def test_a_model_saved_with_its_dict_in_the_given_order_loads_as_saved():
    """A file written before a dict's entries were sorted keeps its layers' keys, which its
    weights are saved under (keras.Model(a, {"r": .., "c": .., "b": ..}), unnamed layers)."""
    path = os.path.join(os.path.dirname(__file__), "data", "dict_outputs_in_given_order.rungrad")
    model = keras.models.load_model(path)
    predicted = model.predict(np.array([[0.5, -1.0], [2.0, 0.25]], np.float32), verbose=0)
    assert list(predicted) == ["b", "c", "r"]
    np.testing.assert_allclose(predicted["r"], [[-0.3402799665927887, 0.09030967950820923],
                                                [0.103582002222538, 0.20266951620578766]],
                               rtol=1e-6)
    np.testing.assert_allclose(predicted["c"], [[0.5648119449615479, 0.43518805503845215],
                                                [0.8476560711860657, 0.15234391391277313]],
                               rtol=1e-6)
    np.testing.assert_allclose(predicted["b"], [[-0.5656698942184448, -0.14660048484802246],
                                                [1.5892695188522339, 2.527937889099121]],
                               rtol=1e-6)


def test_unnamed_layers_go_by_the_names_summary_shows():
    """Inputs and outputs whose layers were given no name= are named as summary() and
    get_layer name them ('input_layer_1', 'dense_2'; Keras 3's names in a fresh session), in
    x's and y's keys, compile's dicts and the logs: never by their place in the model."""
    a, b = keras.Input((3,)), keras.Input((2,))
    h = layers.Dense(4)(layers.Concatenate()([a, b]))
    model = keras.Model([a, b], [layers.Dense(1)(h), layers.Dense(3, activation="softmax")(h)])
    assert model.input_names == ["input_layer", "input_layer_1"]
    assert model.output_names == ["dense_1", "dense_2"]
    assert model.get_layer("dense_2") is model.get_layer(index=5)
    model.compile(optimizer="sgd", loss={"dense_1": "mse",
                                         "dense_2": "sparse_categorical_crossentropy"})
    logs = model.evaluate({"input_layer": XA, "input_layer_1": XB},
                          {"dense_1": Y_REG, "dense_2": Y_CLS}, return_dict=True)
    assert list(logs) == ["loss", "dense_1_loss", "dense_2_loss"]


@pytest.mark.parametrize("name", sorted(REFERENCE["cases"]))
def test_a_saved_model_of_several_outputs_resumes_where_it_stopped(name, tmp_path):
    """The compile settings per output (losses, weights, metrics, weighted metrics) and the
    optimizer's state are saved: the loaded model evaluates and trains on as the original."""
    case = REFERENCE["cases"][name]
    model, _ = fit_case(case)
    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    for ours, theirs in zip(model.predict([XA, XB]), loaded.predict([XA, XB])):
        np.testing.assert_array_equal(ours, theirs)
    assert loaded.evaluate([XA, XB], targets(case), return_dict=True) == model.evaluate(
        [XA, XB], targets(case), return_dict=True)
    again = [m.fit([XA, XB], targets(case), epochs=2, batch_size=8, shuffle=False, verbose=0)
             for m in (model, loaded)]
    assert again[0].history == again[1].history


def test_model_checkpoint_saves_a_model_of_several_outputs(tmp_path):
    model = build()
    model.compile(optimizer="adam", loss=["mse", "sparse_categorical_crossentropy"],
                  loss_weights={"reg": 2.0, "cls": 0.5}, metrics={"cls": "accuracy"})
    path = str(tmp_path / "best.keras")
    model.fit([XA, XB], [Y_REG, Y_CLS], epochs=2, verbose=0, validation_split=0.25,
              callbacks=[keras.callbacks.ModelCheckpoint(path, monitor="val_cls_loss",
                                                         save_best_only=True)])
    loaded = keras.models.load_model(path)
    assert list(loaded.evaluate([XA, XB], [Y_REG, Y_CLS], return_dict=True)) == [
        "loss", "reg_loss", "cls_loss", "cls_accuracy"]


def test_a_one_output_models_compile_dict_is_keyed_by_the_layer_making_the_output():
    # a shared layer makes the output but is not the last layer held: compile's dict for the
    # one output takes its name (Keras' output_names), not the last layer's
    x = keras.Input((4,))
    shared, mid = layers.Dense(4, name="shared"), layers.Dense(4, name="mid")
    model = keras.Model(x, shared(mid(shared(x))))
    assert model.output_names == ["shared"]
    model.compile(optimizer="sgd", loss={"shared": "mse"})
    with pytest.raises(ValueError, match="named 'shared'"):
        model.compile(optimizer="sgd", loss={"mid": "mse"})
