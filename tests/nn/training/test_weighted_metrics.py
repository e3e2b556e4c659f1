"""compile(weighted_metrics=[...]): Keras 3's metrics that see the sample weights, against
values Keras 3.15 gives for the same weights and data; compile's metrics stay unweighted."""
import numpy as np
import pytest

import nn


def _data():
    x = np.sin(np.arange(160).reshape(40, 4)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.float32)
    weights = ((np.arange(40) % 5 + 1) / 5).astype(np.float32)
    return x, y, weights


def _binary(**compile_args):
    model = nn.Sequential([nn.Dense(1, input_shape=(4,), activation="sigmoid")])
    model.set_weights([np.array([[0.5], [-0.3], [0.8], [0.1]], np.float32),
                       np.array([0.1], np.float32)])
    model.compile(optimizer="sgd", loss="binary_crossentropy", **compile_args)
    return model


def _three_classes(**compile_args):
    model = nn.Sequential([nn.Dense(3, input_shape=(4,), activation="softmax")])
    model.set_weights([np.cos(np.arange(12)).reshape(4, 3).astype(np.float32),
                       np.zeros(3, np.float32)])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", **compile_args)
    return model


_BOTH = {"metrics": ["accuracy", "mse"],
         "weighted_metrics": ["accuracy", "mse", "AUC", "Precision"]}


@pytest.mark.parametrize("weighted, keras", [
    (True, {"AUC": 0.6766312122344971, "Precision": 0.46875, "accuracy": 0.550000011920929,
            "loss": 0.410114049911499, "mse": 0.2454628050327301,
            "weighted_accuracy": 0.5583333373069763, "weighted_mse": 0.24510927498340607}),
    # without weights, the weighted metrics are the unweighted ones
    (False, {"AUC": 0.6540403366088867, "Precision": 0.5, "accuracy": 0.550000011920929,
             "loss": 0.6841691136360168, "mse": 0.2454628050327301,
             "weighted_accuracy": 0.550000011920929, "weighted_mse": 0.2454628050327301})])
def test_weighted_metrics_see_the_sample_weights_and_metrics_do_not_as_keras(weighted, keras):
    """(keras: Keras 3.15's evaluate of the same model and data)"""
    x, y, weights = _data()
    logs = _binary(**_BOTH).evaluate(x, y, batch_size=16, return_dict=True,
                                     sample_weight=weights if weighted else None)
    assert logs == pytest.approx(keras, rel=1e-5)


def test_weighted_accuracy_of_classes_takes_class_weight_and_validation_weights():
    x, _, weights = _data()
    y = np.arange(40) % 3
    logs = _three_classes(weighted_metrics=["acc"]).evaluate(x, y, sample_weight=weights,
                                                              return_dict=True)
    assert logs == pytest.approx({"acc": 0.2666666805744171, "loss": 0.7325079441070557},
                                 rel=1e-5)
    model = _three_classes(weighted_metrics=["acc"])
    history = model.fit(x, y, class_weight={0: 1.0, 1: 2.0, 2: 0.5}, batch_size=40,
                        validation_data=(x, y, weights), verbose=0)
    assert history.history["acc"] == pytest.approx([0.17204301059246063], rel=1e-5)
    assert history.history["val_acc"] == pytest.approx([0.2666666805744171], rel=1e-5)


def test_weighted_functions_and_objects_and_their_names():
    x, y, weights = _data()

    def hit(y_true, y_pred):
        return (np.asarray(y_pred)[:, 0] > 0.5) == (np.asarray(y_true) > 0.5)

    model = _binary(metrics=["acc"], weighted_metrics=[hit, nn.keras.metrics.Recall()])
    logs = model.evaluate(x, y, sample_weight=weights, return_dict=True)
    assert logs["hit"] == pytest.approx(
        _binary(weighted_metrics=["accuracy"]).evaluate(
            x, y, sample_weight=weights, return_dict=True)["accuracy"], rel=1e-6)
    assert set(logs) == {"loss", "acc", "hit", "recall"}
    with pytest.raises(ValueError, match="unknown weighted metric 'f2'"):
        _binary(weighted_metrics=["f2"])


def test_weighted_metrics_are_saved_with_the_model(tmp_path):
    x, y, weights = _data()
    model = _binary(**_BOTH)
    model.save(tmp_path / "m.keras")
    loaded = nn.load_model(tmp_path / "m.keras")
    assert loaded.evaluate(x, y, sample_weight=weights, batch_size=16, return_dict=True) == \
        pytest.approx(model.evaluate(x, y, sample_weight=weights, batch_size=16,
                                     return_dict=True), rel=1e-6)


def test_a_weighted_metric_renamed_comes_after_the_others_as_in_keras():
    # Keras 3.15.1 evaluates this to {'loss': .., 'mae': .., 'mse': .., 'weighted_mae': ..}
    # (its list repeats 'mae' before 'mse', a quirk left out here)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 3)).astype(np.float32)
    y = x @ np.array([[1.0], [2.0], [-1.0]], np.float32)
    weights = np.linspace(0.1, 3, 50).astype(np.float32)
    model = nn.Sequential([nn.Dense(1, input_shape=(3,))])
    model.set_weights([np.full((3, 1), 0.3, np.float32), np.zeros(1, np.float32)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"], weighted_metrics=["mae", "mse"])
    keras = [6.316565990447998, 1.6665312051773071, 4.075203895568848, 1.6555981636047363]
    logs = model.evaluate(x, y, sample_weight=weights, return_dict=True)
    assert list(logs) == ["loss", "mae", "mse", "weighted_mae"]
    assert list(logs.values()) == pytest.approx(keras, rel=1e-5)
    assert model.evaluate(x, y, sample_weight=weights) == pytest.approx(keras, rel=1e-5)
