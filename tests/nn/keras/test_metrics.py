"""nn.keras.metrics against Keras 3's own results (tests/nn/keras/data/metrics.json, made by
make_metrics.py: the same batches given to Keras' update_state), and the metric objects in
compile: fit's logs stream them over the epoch, validation, saving."""
import json
import os

import numpy as np
import pytest

import nn
import nn.keras as keras

from ._helpers import ClassCounts

DATA = os.path.join(os.path.dirname(__file__), "data")
with open(os.path.join(DATA, "metrics.json")) as _f:
    REFERENCE = json.load(_f)
CASES = REFERENCE["cases"]
TOLERANCE = 1e-6  # Keras computes in float32; these count and sum in float32 or float64


def _metric(case):
    return getattr(keras.metrics, case["class"])(**case["kwargs"])


def _update(metric, batch):
    weights = batch["sample_weight"]
    weights = None if weights is None else np.array(weights)
    if type(metric) in (keras.metrics.Mean, keras.metrics.Sum):  # (values, not pairs)
        metric.update_state(np.array(batch["y_pred"]), sample_weight=weights)
    else:
        metric.update_state(np.array(batch["y_true"]), np.array(batch["y_pred"]),
                            sample_weight=weights)


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.filterwarnings("ignore:.*(lose their fractions|falling back)")  # (Keras' too)
def test_each_result_matches_keras(name):
    case = CASES[name]
    metric = _metric(case)
    for step, (batch, expected) in enumerate(zip(case["batches"], case["results"])):
        _update(metric, batch)
        np.testing.assert_allclose(np.asarray(metric.result(), np.float64), expected,
                                   rtol=TOLERANCE, atol=TOLERANCE,
                                   err_msg=f"{name}, after batch {step}")
    metric.reset_state()
    np.testing.assert_allclose(np.asarray(metric.result(), np.float64), case["after_reset"],
                               atol=0)
    config = {k: v for k, v in metric.get_config().items() if k != "name"}
    assert config == case["config"]


@pytest.mark.parametrize("class_name", sorted(REFERENCE["default_names"]))
def test_default_names_are_keras(class_name):
    required = {"PrecisionAtRecall": (0.5,), "RecallAtPrecision": (0.5,),
                "SensitivityAtSpecificity": (0.5,), "SpecificityAtSensitivity": (0.5,),
                "IoU": (2, [0]), "MeanIoU": (2,), "OneHotIoU": (2, [0]), "OneHotMeanIoU": (2,)}
    metric = getattr(keras.metrics, class_name)(*required.get(class_name, ()))
    assert metric.name == REFERENCE["default_names"][class_name]


# ----- the objects in compile -----
class Recorder(keras.metrics.Metric):
    """A metric written the Keras way that also keeps every batch it was given."""

    def __init__(self, name="recorder", **kwargs):
        super().__init__(name=name, **kwargs)
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")
        self.batches = []

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.batches.append((np.array(y_true), np.array(y_pred)))
        self.count.assign(self.count + len(y_pred))

    def result(self):
        return self.count.value

    def reset_state(self):
        super().reset_state()
        self.batches = []


def _binary_data(n=120, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4))
    y = (x[:, :1] + rng.normal(scale=0.8, size=(n, 1)) > 0).astype(float)
    return x, y


def _model(final="sigmoid"):
    np.random.seed(0)
    return keras.Sequential([keras.Input(shape=(4,)),
                             keras.layers.Dense(6, activation="tanh"),
                             keras.layers.Dense(1, activation=final)])


def _streamed(metric, batches):
    metric.reset_state()
    for y_true, y_pred in batches:
        metric.update_state(y_true, y_pred)
    return np.asarray(metric.result(), np.float64)


def test_fit_logs_each_object_streamed_over_the_epoch():
    x, y = _binary_data()
    recorder = Recorder()
    objects = [keras.metrics.AUC(), keras.metrics.Precision(),
               keras.metrics.F1Score(threshold=0.5), keras.metrics.BinaryCrossentropy(name="bce")]
    model = _model()
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="binary_crossentropy",
                  metrics=["accuracy", recorder, *objects])
    np.random.seed(1)
    logs = model.fit(x, y, epochs=1, batch_size=16, verbose=0).history
    assert [len(b[1]) for b in recorder.batches] == [16] * 7 + [8]  # the model's outputs
    assert logs["recorder"] == [120.0]
    for metric in objects:  # what the object streams over the same batches: what fit logged
        np.testing.assert_allclose(logs[metric.name][0], _streamed(metric, recorder.batches),
                                   rtol=0, atol=0, err_msg=metric.name)
    # ... and not the mean of the batches' AUCs: the comparison above is exact, so any gap tells
    # the two apart. The gap is a random draw near 0 (over 34 seed shifts 0.00056 to 0.075,
    # median 0.02), so a fixed 1e-3 failed one draw in 34; it is asked only to be no rounding.
    per_batch = np.mean([_streamed(keras.metrics.AUC(), [b]) for b in recorder.batches])
    assert abs(logs["auc"][0] - per_batch) > 1e-9


def _regression_data(n=120, seed=5):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4))
    return x, x[:, :3] * [1.0, -0.5, 0.3] + rng.normal(scale=0.5, size=(n, 3))


def _regression_model(metrics):
    np.random.seed(5)
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation="tanh"),
                              keras.layers.Dense(3)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse",
                  metrics=metrics)
    return model


def test_logged_array_results_are_copies_of_the_metric_state():
    # History held the state array itself: every epoch's entry (training and val_) showed
    # the counts of the last update made, here the last validation's
    x = np.random.default_rng(0).normal(size=(10, 4)).astype(np.float32)
    y = (np.arange(10) < 3).astype(np.float32)[:, None]
    model = _model()
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=[ClassCounts()])
    history = model.fit(x, y, epochs=2, validation_data=(x[:4], y[:4]), verbose=0)
    assert [c.tolist() for c in history.history["class_counts"]] == [[7, 3], [7, 3]]
    assert [c.tolist() for c in history.history["val_class_counts"]] == [[1, 3], [1, 3]]
    logs = model.evaluate(x, y, return_dict=True)
    model.evaluate(x[:1], y[:1])
    assert logs["class_counts"].tolist() == [7, 3]


def test_fit_logs_r2_score_of_the_whole_epoch():
    x, y = _regression_data()
    recorder = Recorder()
    model = _regression_model([keras.metrics.R2Score(), recorder, "pearson_correlation",
                               keras.metrics.ConcordanceCorrelation(name="ccc")])
    np.random.seed(6)
    logs = model.fit(x, y, epochs=2, batch_size=16, verbose=0).history
    assert len(logs["r2_score"]) == 2 and logs["r2_score"][0] != logs["r2_score"][1]
    assert [len(b[1]) for b in recorder.batches] == [16] * 7 + [8]  # (the last epoch's)
    # (a metric named by a string is made in float64; the objects given keep their float32)
    for metric in (keras.metrics.R2Score(), keras.metrics.PearsonCorrelation(dtype="float64"),
                   keras.metrics.ConcordanceCorrelation(name="ccc")):
        np.testing.assert_allclose(logs[metric.name][-1], _streamed(metric, recorder.batches),
                                   rtol=0, atol=0, err_msg=metric.name)
    per_batch = np.mean([_streamed(keras.metrics.R2Score(), [b]) for b in recorder.batches])
    assert abs(logs["r2_score"][-1] - per_batch) > 1e-3  # (not a mean of the batches' R2)
    whole = keras.metrics.R2Score()(y, model.predict(x))
    assert model.evaluate(x, y, batch_size=50, return_dict=True)["r2_score"] == \
        pytest.approx(float(whole), abs=1e-6)


def test_a_model_compiled_with_r2_and_the_correlations_saves_and_loads(tmp_path):
    x, y = _regression_data()
    model = _regression_model([keras.metrics.R2Score(class_aggregation=None),
                               "pearson_correlation",
                               keras.metrics.ConcordanceCorrelation(name="ccc")])
    np.random.seed(6)
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    model.save(tmp_path / "model.keras")
    loaded = nn.load_model(tmp_path / "model.keras")
    metrics = [m.keras_object for m in loaded.compiled_metrics]
    assert [type(m).__name__ for m in metrics] == \
        ["R2Score", "PearsonCorrelation", "ConcordanceCorrelation"]
    assert [m.name for m in metrics] == ["r2_score", "pearson_correlation", "ccc"]
    assert metrics[0].class_aggregation is None
    before = model.evaluate(x, y, return_dict=True)
    after = loaded.evaluate(x, y, return_dict=True)
    assert before.keys() == after.keys() and np.shape(after["r2_score"]) == (3,)
    for key in before:
        np.testing.assert_allclose(after[key], before[key], rtol=0, atol=0, err_msg=key)


def test_iou_objects_in_compile_read_the_models_scores():
    x, y = _binary_data()
    model = _model()
    model.compile(optimizer="adam", loss="binary_crossentropy",
                  metrics=[keras.metrics.BinaryIoU(target_class_ids=[1], name="iou_1")])
    np.random.seed(7)
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    results = model.evaluate(x, y, batch_size=40, return_dict=True)
    hits = model.predict(x) >= 0.5
    expected = np.sum(hits & (y == 1)) / np.sum(hits | (y == 1))
    assert results["iou_1"] == pytest.approx(expected, rel=1e-6)


def test_validation_evaluate_and_callbacks_see_the_names(tmp_path):
    x, y = _binary_data()
    model = _model()
    auc = keras.metrics.AUC(name="my_auc")
    model.compile(optimizer="adam", loss="binary_crossentropy",
                  metrics=[auc, keras.metrics.Recall(), "precision"])
    np.random.seed(2)
    stop = nn.callbacks.EarlyStopping(monitor="val_my_auc", patience=1)
    history = model.fit(x, y, epochs=3, batch_size=32, validation_split=0.25, verbose=0,
                        callbacks=[stop, nn.callbacks.CSVLogger(str(tmp_path / "log.csv"))])
    assert {"my_auc", "val_my_auc", "recall", "val_recall", "precision"} <= set(history.history)
    assert "val_my_auc" in open(tmp_path / "log.csv").readline()
    results = model.evaluate(x, y, batch_size=50, return_dict=True)
    assert results["my_auc"] == pytest.approx(float(auc.result()), abs=0)  # evaluate's state
    predictions = model.predict(x)
    expected = keras.metrics.AUC()
    for start in range(0, 120, 50):
        expected.update_state(y[start:start + 50], predictions[start:start + 50])
    assert results["my_auc"] == pytest.approx(float(expected.result()), abs=1e-12)


@pytest.mark.parametrize("jit_compile", [False, True])
def test_a_logits_model_gives_the_objects_its_logits(jit_compile):
    x, y = _binary_data()
    model = _model(final=None)
    model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[keras.metrics.BinaryAccuracy(threshold=0.0),
                           keras.metrics.AUC(from_logits=True), "accuracy"],
                  jit_compile=jit_compile)
    np.random.seed(3)
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    logits = model.predict(x)
    results = model.evaluate(x, y, batch_size=len(x), return_dict=True)
    assert results["binary_accuracy"] == pytest.approx(np.mean((logits > 0) == y))
    assert results["binary_accuracy"] == pytest.approx(results["accuracy"])
    assert results["auc"] == pytest.approx(
        float(keras.metrics.AUC(from_logits=True)(y, logits)), abs=1e-12)


def test_a_model_compiled_with_objects_saves_and_loads(tmp_path):
    x, y = _binary_data()
    model = _model()
    model.compile(optimizer="adam", loss="binary_crossentropy",
                  metrics=["accuracy", keras.metrics.AUC(curve="PR", name="pr_auc"),
                           keras.metrics.Precision(thresholds=[0.3, 0.7]),
                           keras.metrics.MeanMetricWrapper(keras.metrics.mean_squared_error,
                                                           name="mse_of_probabilities")])
    np.random.seed(4)
    model.fit(x, y, epochs=1, batch_size=32, verbose=0)
    model.save(tmp_path / "model.keras")
    loaded = nn.load_model(tmp_path / "model.keras")
    metrics = [m.keras_object for m in loaded.compiled_metrics[1:]]
    assert [type(m).__name__ for m in metrics] == ["AUC", "Precision", "MeanMetricWrapper"]
    assert metrics[0].get_config() == model.compiled_metrics[1].keras_object.get_config()
    assert metrics[2]._fn is keras.metrics.mean_squared_error
    before = model.evaluate(x, y, return_dict=True)
    after = loaded.evaluate(x, y, return_dict=True)
    assert before.keys() == after.keys()
    for key in before:
        np.testing.assert_allclose(after[key], before[key], rtol=0, atol=0)


def test_a_metric_of_ones_own_is_saved_by_name_and_loaded_from_custom_objects(tmp_path):
    model = _model()
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=[Recorder()])
    model.save(tmp_path / "model.keras")
    with pytest.raises(ValueError, match="'Recorder': pass custom_objects"):
        nn.load_model(tmp_path / "model.keras")
    loaded = nn.load_model(tmp_path / "model.keras", custom_objects={"Recorder": Recorder})
    assert [type(m.keras_object) for m in loaded.compiled_metrics] == [Recorder]


def test_the_state_is_keras_variables_and_call_updates():
    metric = keras.metrics.Mean()
    assert [v.name for v in metric.variables] == ["total", "count"]
    assert metric([1.0, 2.0, 3.0]) == pytest.approx(2.0)
    assert metric(np.array([5.0]), sample_weight=[3.0]) == pytest.approx(3.5)
    assert metric.variables[1].numpy() == 6.0
    metric.reset_state()
    assert metric.result() == 0.0 and metric.dtype == "float32"
    assert keras.metrics.Sum(dtype="float64").result().dtype == np.float64
    with pytest.raises(RuntimeError, match="call super\\(\\).__init__"):
        class Forgot(keras.metrics.Metric):
            def __init__(self):
                self.total = self.add_variable(shape=(), initializer="zeros")
        Forgot()


@pytest.mark.parametrize("name", sorted(CASES))
def test_config_round_trips(name):
    metric = _metric(CASES[name])
    again = type(metric).from_config(metric.get_config())
    assert again.get_config() == metric.get_config()


def test_get_and_names_in_compile():
    assert isinstance(keras.metrics.get("auc"), keras.metrics.AUC)
    assert isinstance(keras.metrics.get("AUC"), keras.metrics.AUC)
    assert keras.metrics.get("mean_squared_error") is keras.metrics.mean_squared_error
    with pytest.raises(ValueError, match="unknown metric 'aucc'"):
        keras.metrics.get("aucc")
    model = _model()
    with pytest.raises(ValueError, match="metric name 'precision' is used twice"):
        model.compile(loss="binary_crossentropy",
                      metrics=[keras.metrics.Precision(name="precision"),
                               keras.metrics.Precision(name="precision")])


def test_objects_named_after_their_class_are_numbered_as_keras_names_them(tmp_path):
    # Keras names AUC() and AUC(curve="PR") 'auc' and 'auc_1' (compile refused them as one
    # name used twice); a weighted one is numbered among the weighted metrics
    x, y = _binary_data()
    model = _model()
    roc, pr = keras.metrics.AUC(), keras.metrics.AUC(curve="PR")
    model.compile(optimizer="adam", loss="binary_crossentropy",
                  metrics=[roc, pr, keras.metrics.Precision(), keras.metrics.Precision(0.3)],
                  weighted_metrics=[keras.metrics.AUC(), keras.metrics.AUC()])
    np.random.seed(5)
    stop = nn.callbacks.EarlyStopping(monitor="val_auc_1", patience=5)
    history = model.fit(x, y, epochs=2, batch_size=32, validation_split=0.25, verbose=0,
                        callbacks=[stop])
    assert (roc.name, pr.name) == ("auc", "auc_1")
    assert {"auc", "auc_1", "precision", "precision_1", "weighted_auc", "weighted_auc_1",
            "val_auc_1"} <= set(history.history)
    assert stop.monitor.mode == "max"  # (from the object: the name says nothing)
    results = model.evaluate(x, y, return_dict=True)
    assert results["auc_1"] == pytest.approx(float(pr.result()), abs=0)
    assert results["auc_1"] != pytest.approx(results["auc"])  # (PR and ROC differ here)
    model.save(tmp_path / "model.keras")
    loaded = nn.load_model(tmp_path / "model.keras")
    assert loaded.evaluate(x, y, return_dict=True).keys() == results.keys()
    model.compile(loss="binary_crossentropy",  # (a name given is kept, wherever it stands)
                  metrics=[keras.metrics.AUC(), keras.metrics.AUC(name="auc")])
    assert [m.name for m in model.compiled_metrics] == ["auc_1", "auc"]


@pytest.mark.parametrize("make", [lambda: keras.metrics.AUC(multi_label=True),
                                  lambda: keras.metrics.Recall(class_id=1),
                                  keras.metrics.Precision, keras.metrics.AUC,
                                  keras.metrics.TruePositives])
@pytest.mark.parametrize("labels", [[0, 2, 1], [[0], [2], [1]]])
def test_labels_against_class_scores_are_refused_not_broadcast(make, labels):
    # (3,) labels broadcast against (3, 3) scores (as many samples as classes), and (N, 1)
    # against (N, C): the counts were of pairs that mean nothing (AUC 0.0, Recall 0.67)
    scores = np.array([[.7, .2, .1], [.1, .3, .6], [.2, .5, .3]], np.float32)
    with pytest.raises(ValueError, match=r"y_true of shape \(3,( 1)?\) does not fit y_pred "
                                         r"of shape \(3, 3\)"):
        make().update_state(np.array(labels), scores)


def test_bad_inputs_name_the_metric_and_the_shapes():
    with pytest.raises(ValueError, match=r"Precision \('precision'\): y_true of shape \(4, 2\) "
                                         r"does not fit y_pred of shape \(4, 3\)"):
        keras.metrics.Precision()(np.zeros((4, 2)), np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"AUC \('auc'\): .*sample_weight of shape \(3,\)"):
        keras.metrics.AUC()(np.zeros(4), np.zeros(4), sample_weight=np.ones(3))
    with pytest.raises(ValueError, match=r"F1Score \('f1_score'\): y_true of shape \(4,\)"):
        keras.metrics.F1Score()(np.zeros(4), np.zeros((4, 1)))
    with pytest.raises(ValueError, match=r"MeanSquaredError \('mean_squared_error'\): y_true "
                                         r"of shape \(4, 2\) does not fit y_pred of shape "
                                         r"\(4, 3\)"):
        keras.metrics.MeanSquaredError()(np.zeros((4, 2)), np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"R2Score \('r2_score'\): y_true of shape \(4,\) "
                                         r"does not fit y_pred of shape \(4,\)"):
        keras.metrics.R2Score()(np.zeros(4), np.zeros(4))  # (Keras: 2-D inputs only)
    with pytest.raises(ValueError, match=r"R2Score .*\(4, 2\) .*\(4, 3\)"):
        keras.metrics.R2Score()(np.zeros((4, 2)), np.zeros((4, 3)))
    r2 = keras.metrics.R2Score()
    r2(np.zeros((4, 2)), np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"\(both \(samples, 2\)\)"):
        r2(np.zeros((4, 3)), np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"R2Score .*sample_weight of shape \(3,\)"):
        keras.metrics.R2Score()(np.zeros((4, 2)), np.ones((4, 2)), sample_weight=np.ones(3))
    with pytest.raises(ValueError, match=r"PearsonCorrelation \('pearson_correlation'\): "
                                         r".*sample_weight of shape \(3,\)"):
        keras.metrics.PearsonCorrelation()(np.ones((4, 2)), np.ones((4, 2)), np.ones(3))
    with pytest.raises(ValueError, match=r"MeanIoU \('mean_io_u'\): y_true of shape \(4,\) "
                                         r"does not fit y_pred of shape \(5,\)"):
        keras.metrics.MeanIoU(3)(np.zeros(4), np.zeros(5))
    with pytest.raises(ValueError, match=r"IoU \('io_u'\): .*sample_weight of shape \(4,\) "
                                         r"\(8 labels, so 1 or 8 weights\)"):
        keras.metrics.IoU(3, [0])(np.zeros((4, 2)), np.zeros((4, 2)), np.ones(4))
    with pytest.raises(ValueError, match=r"IoU: target_class_ids must be class ids in "
                                         r"\[0, 3\), got \[0, 3\]"):
        keras.metrics.IoU(3, [0, 3])
    with pytest.raises(ValueError, match="MeanIoU: num_classes must be an integer >= 1"):
        keras.metrics.MeanIoU(0)
    with pytest.raises(ValueError, match="R2Score: class_aggregation must be one of"):
        keras.metrics.R2Score(class_aggregation="macro")
    with pytest.raises(ValueError, match="R2Score: num_regressors must be >= 0"):
        keras.metrics.R2Score(num_regressors=-1)
    with pytest.raises(ValueError, match="AUC: curve must be one of ROC, PR, PRGAIN"):
        keras.metrics.AUC(curve="roc2")
    with pytest.raises(ValueError, match=r"Precision: threshold values must be in \[0, 1\]"):
        keras.metrics.Precision(thresholds=[0.5, 1.5])


def test_iou_truncates_fractional_weights_as_keras_and_warns():
    iou = keras.metrics.MeanIoU(2)
    with pytest.warns(UserWarning, match=r"MeanIoU \('mean_io_u'\): sample weights cast to "
                                         r"int32.*dtype='float32'"):
        iou([0, 1, 1], [0, 1, 0], sample_weight=[1.5, 0.7, 2.0])
    np.testing.assert_array_equal(iou.total_cm.numpy(), [[1, 0], [2, 0]])  # 1.5 -> 1, 0.7 -> 0
    weighted = keras.metrics.MeanIoU(2, dtype="float32")
    weighted([0, 1, 1], [0, 1, 0], sample_weight=[1.5, 0.7, 2.0])
    np.testing.assert_allclose(weighted.total_cm.numpy(), [[1.5, 0], [2.0, 0.7]])


def test_r2_score_and_compile_names():
    assert isinstance(keras.metrics.get("r2_score"), keras.metrics.R2Score)
    assert keras.metrics.get("pearson_correlation") is keras.metrics.pearson_correlation
    assert np.isnan(keras.metrics.R2Score().result())  # (no data: 0/0, as after a reset)
    model = _model(final=None)
    model.compile(loss="mse", metrics=["r2_score", "concordance_correlation"])
    assert [type(m.keras_object).__name__ for m in model.compiled_metrics] == \
        ["R2Score", "ConcordanceCorrelation"]
    assert [m.name for m in model.compiled_metrics] == ["r2_score", "concordance_correlation"]


def test_states_add_up_across_pieces_of_the_data():
    """What a fit on several ranks relies on: the new metrics' variables are sums (their
    aggregation), so adding two halves' states gives the whole data's result."""
    rng = np.random.default_rng(9)
    y, p = _regression_data(40)[1], rng.normal(size=(40, 3))
    labels, guesses = rng.integers(0, 3, 40), rng.integers(0, 3, 40)
    for make, a, b in ((lambda: keras.metrics.R2Score(class_aggregation=None), y, p),
                       (keras.metrics.PearsonCorrelation, y, p),
                       (lambda: keras.metrics.MeanIoU(3), labels, guesses)):
        whole, halves = make(), [make(), make()]
        whole.update_state(a, b)
        for half, rows in zip(halves, (slice(0, 25), slice(25, None))):
            half.update_state(a[rows], b[rows])
        for mine, other in zip(halves[0].variables, halves[1].variables):
            assert mine.aggregation == "sum"
            mine.assign_add(other)
        np.testing.assert_allclose(halves[0].result(), whole.result(), rtol=1e-6)


def test_weights_for_a_one_d_pair_name_keras_one_sample_rule():
    from nn.keras import metrics as keras_metrics
    y = np.arange(5.0)
    with pytest.raises(ValueError, match=r"a 1-D pair is one sample of that many values.*give "
                                         r"\(N, 1\) arrays"):
        keras_metrics.MeanSquaredError().update_state(y, y + 1, sample_weight=np.ones(5))
    metric = keras_metrics.MeanSquaredError()
    metric.update_state(y[:, None], y[:, None] + 1, sample_weight=np.ones(5))
    assert float(metric.result()) == 1.0


def test_bucketed_counts_with_nothing_in_them_are_zero():
    """Evenly spaced thresholds with fractional weights: a count of nothing is exactly 0, not
    a float32 rounding below it (which made a rate negative and the constraint 'specificity
    >= 0' fail)."""
    y = np.array([1, 0, 1, 0, 1, 1, 0, 1], "float32")
    p = np.array([0.9, 0.8, 0.7, 0.6, 0.55, 0.4, 0.3, 0.2], "float32")
    w = np.random.default_rng(0).uniform(0, 2, 8)
    negatives = keras.metrics.TrueNegatives(thresholds=[0.0, 0.5, 1.0])
    negatives.update_state(y, p, sample_weight=w)
    assert negatives.result()[0] == 0.0  # every prediction is above 0
    at = keras.metrics.SensitivityAtSpecificity(0.0)  # threshold 0 qualifies: recall 1
    at.update_state(y, p, sample_weight=w)
    assert at.result() == 1.0


def test_two_thresholds_at_a_value_are_bucketed_as_keras():
    """num_thresholds=2 ([0, 1]): Keras buckets the predictions, clipped to [0, 1], so one
    above 1 is not above the threshold 1 (Keras 3.15.1: 1.0)."""
    metric = keras.metrics.SpecificityAtSensitivity(0.0, num_thresholds=2)
    metric.update_state([0, 1, 1, 0, 1, 0], [0.2, 1.7, 0.6, 3.0, -1.0, 0.4])
    assert metric.result() == 1.0


@pytest.mark.parametrize("name, labels", [("SparseCategoricalAccuracy", [0, 2]),
                                          ("CategoricalAccuracy", [[1, 0, 0], [0, 0, 1]]),
                                          ("SparseTopKCategoricalAccuracy", [0, 2]),
                                          ("TopKCategoricalAccuracy", [[1, 0, 0], [0, 0, 1]])])
def test_an_empty_batch_leaves_an_accuracy_as_it_was(name, labels):
    metric = getattr(keras.metrics, name)(**({"k": 1} if "TopK" in name else {}))
    metric.update_state(labels, [[0.7, 0.2, 0.1], [0.5, 0.1, 0.4]])
    labels = np.asarray(labels)
    metric.update_state(labels[:0], np.zeros((0, 3)))
    assert metric.result() == 0.5


def test_a_batch_whose_every_label_is_ignored_is_left_out_of_the_accuracy():
    """The metrics skip the loss's ignore_class where it is a void label (-1 here; one that
    is a class is counted, as Keras counts it): a batch of only those is an empty update."""
    x = np.random.default_rng(0).normal(size=(8, 4))
    y = np.array([0, 1, 2, 1, -1, -1, -1, -1])
    np.random.seed(0)
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True,
                                                                  ignore_class=-1),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="acc")])
    logs = model.evaluate(x, y, batch_size=4, verbose=0, return_dict=True)
    expected = np.mean(model.predict(x[:4], verbose=0).argmax(axis=1) == y[:4])
    assert logs["acc"] == pytest.approx(expected)


def test_metric_objects_name_a_batch_of_another_width_and_a_missing_class():
    """Raw NumPy index and broadcast errors before, naming neither metric nor argument."""
    from nn.keras import metrics as km
    y3, p3 = np.eye(3)[[0, 1, 2, 0]], np.full((4, 3), 0.4)
    y4, p4 = np.eye(4), np.full((4, 4), 0.4)
    with pytest.raises(ValueError, match=r"class_id=5 is not a class of y_pred of shape \(4, 3\)"):
        km.Precision(class_id=5).update_state(y3, p3)
    for metric, what in ((km.AUC(multi_label=True), "labels"), (km.F1Score(), "classes"),
                         (km.F1Score(average="micro"), "classes")):
        metric.update_state(y3, p3)
        with pytest.raises(ValueError, match=f"shape \\(4, 4\\) does not have the 3 {what}"):
            metric.update_state(y4, p4)
    with pytest.raises(ValueError, match="label_weights holds 2 weights for 3 labels"):
        km.AUC(multi_label=True, label_weights=[1, 2]).update_state(y3, p3)


@pytest.mark.parametrize("metric, expected", [
    (keras.metrics.MeanSquaredError, 0.25), (keras.metrics.MeanAbsoluteError, 0.25),
    (keras.metrics.MeanAbsolutePercentageError, 2.5e8),
    (keras.metrics.MeanSquaredLogarithmicError, 0.12011322),
    (keras.metrics.LogCoshError, 0.10844523)])
def test_keras_docstring_examples_of_integer_data(metric, expected):
    m = metric()
    m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    assert float(m.result()) == pytest.approx(expected, rel=1e-6)


def test_ignored_labels_take_no_part_and_void_labels_are_misses():
    logits = [[2, 1, 0.1], [0.5, 2.5, 0.3], [0.3, 0.3, 3]]
    loss = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)(
        [1, -1, -1], np.array(logits)).data)
    for weights in (None, [1.0, 1.0, 1.0]):
        metric = keras.metrics.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)
        metric.update_state([1, -1, -1], logits, sample_weight=weights)
        assert float(metric.result()) == pytest.approx(loss, rel=1e-6)
    accuracy = keras.metrics.SparseCategoricalAccuracy()
    accuracy.update_state([0, 255], [[0.9, 0.1], [0.2, 0.8]])
    assert float(accuracy.result()) == 0.5
    top = keras.metrics.SparseTopKCategoricalAccuracy(k=1)
    top.update_state([0, -1], [[0.9, 0.1], [0.2, 0.8]])
    assert float(top.result()) == 0.5
    assert keras.metrics.top_k_categorical_accuracy(
        np.array([[0, 1, 0]]), np.array([[0.2, 0.8, 0.1]]), k=0).tolist() == [0.0]
