"""nn.keras.metrics against Keras 3's own results (tests/nn/keras/data/metrics.json, made by
make_metrics.py: the same batches given to Keras' update_state), and the metric objects in
compile: fit's logs stream them over the epoch, validation, saving."""
import json
import os

import numpy as np
import pytest

import nn.keras as keras

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
                "SensitivityAtSpecificity": (0.5,), "SpecificityAtSensitivity": (0.5,)}
    metric = getattr(keras.metrics, class_name)(*required.get(class_name, ()))
    assert metric.name == REFERENCE["default_names"][class_name]
