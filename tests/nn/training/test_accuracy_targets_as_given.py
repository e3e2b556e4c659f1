"""'accuracy' of one output compares the targets as given with the thresholded outputs, as
Keras' binary_accuracy: y_true == (y_pred > 0.5). A target 0.9, -1 or 1.5 (a regression
compiled with metrics=['mse', 'acc'], as the notes write it) matches no prediction."""
import numpy as np
import pytest

import nn

LOGITS = np.array([[2.0], [-2.0], [2.0], [1.0], [-1.0], [-1.0]], np.float32)  # > 0.5: 1 0 1 1 0 0
# (targets, accuracy Keras 3.15.1 logs for them)
CASES = {
    "soft": ([0.9, 0.1, 1.0, 0.0, 0.7, 0.0], 1 / 3),
    "plus_minus_one": ([1, -1, 1, -1, -1, 1], 1 / 3),
    "regression": ([1.5, -0.3, 1.0, 2.0, 0.2, 0.0], 1 / 3),
    "zero_one": ([1, 0, 0, 1, 0, 0], 5 / 6),
}


def sigmoid_model():
    """Dense(1, sigmoid) with w = 1, b = 0: the outputs are sigmoid(LOGITS)."""
    model = nn.Sequential([nn.Dense(1, activation="sigmoid", input_shape=(1,))])
    model.set_weights([np.ones((1, 1), np.float32), np.zeros(1, np.float32)])
    model.compile(optimizer="sgd", loss="mse", metrics=["acc", "binary_accuracy"],
                  weighted_metrics=["accuracy"])
    return model


@pytest.mark.parametrize("case", sorted(CASES))
def test_accuracy_of_one_output_takes_the_targets_as_given(case):
    targets, expected = CASES[case]
    y = np.array(targets, np.float32)[:, None]
    logs = sigmoid_model().evaluate(LOGITS, y, return_dict=True, verbose=0)
    assert logs["acc"] == pytest.approx(expected, rel=1e-6)
    assert logs["binary_accuracy"] == pytest.approx(expected, rel=1e-6)
    assert logs["accuracy"] == pytest.approx(expected, rel=1e-6)  # the weighted one, already


def test_fit_logs_the_same_accuracy_for_training_and_validation():
    y = np.array(CASES["regression"][0], np.float32)[:, None]
    model = sigmoid_model()
    model.compile(optimizer="sgd", loss="mse", metrics=["accuracy"])
    history = model.fit(LOGITS, y, epochs=1, batch_size=6, verbose=0, shuffle=False,
                        validation_data=(LOGITS, y)).history
    assert history["accuracy"] == pytest.approx([1 / 3], rel=1e-6)
    assert history["val_accuracy"] == pytest.approx([1 / 3], rel=1e-6)
    assert history["loss"] == pytest.approx([0.376775], rel=1e-5)  # Keras 3.15.1's
