"""Clear errors for a bad DataLoader batch_size and for labels that are no class in fit."""
import numpy as np
import pytest

import nn
from nn.data import DataLoader, SequenceLoader, TensorDataset

DATA = TensorDataset(np.zeros((5, 2)), np.zeros(5))


@pytest.mark.parametrize("bad", [None, "abc", float("inf"), float("nan"), 2.5, [3]])
def test_a_bad_batch_size_is_a_clear_value_error(bad):
    with pytest.raises(ValueError) as info:
        DataLoader(DATA, batch_size=bad)
    assert str(info.value).startswith(
        f"DataLoader: batch_size must be a positive integer, got {bad!r}")


def test_pytorchs_unbatched_mode_is_refused_with_a_way_out():
    with pytest.raises(ValueError, match="iterate over the dataset"):
        DataLoader(DATA, batch_size=None)
    with pytest.raises(ValueError, match="SequenceLoader: bptt must be a positive integer"):
        SequenceLoader(np.arange(10.0), bptt=float("inf"))


def test_whole_numbers_of_other_types_are_accepted():
    assert len(DataLoader(DATA, batch_size=2.0)) == len(DataLoader(DATA, batch_size=np.int64(2)))


def classifier():
    np.random.seed(0)
    model = nn.Sequential(nn.Dense(3, input_shape=(4,)))
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def labelled(*bad):
    x = np.random.default_rng(0).normal(size=(40, 4)).astype(np.float32)
    y = np.arange(40) % 3
    y[[5, 17, 30][:len(bad)]] = bad
    return x, y


@pytest.mark.parametrize("bad", [(-100,), (3,), (-1, 7)])
@pytest.mark.parametrize("call", ["fit", "evaluate"])
def test_keras_fit_and_evaluate_refuse_labels_that_are_no_class(bad, call):
    x, y = labelled(*bad)
    model = classifier()
    run = (lambda: model.fit(x, y, batch_size=64, verbose=0)) if call == "fit" else (
        lambda: model.evaluate(x, y, batch_size=64))
    with pytest.raises(ValueError) as info:
        run()
    message = str(info.value)
    assert "[0, 3)" in message and "3 outputs" in message
    assert ", ".join(str(v) for v in sorted(bad)) in message


def test_a_metric_does_not_count_what_a_loss_ignores():
    x, y = labelled(-100)
    model = classifier()
    model.compile("adam", nn.CrossEntropyLoss(), metrics=["accuracy"])  # ignore_index=-100
    predicted = model.predict(x, verbose=0).argmax(1)
    kept = y != -100
    logs = model.evaluate(x, y, return_dict=True, verbose=0)
    assert logs["accuracy"] == pytest.approx((predicted == y)[kept].mean())


def test_pytorch_style_cross_entropy_keeps_ignore_index():
    from autograd import Variable
    logits = Variable(np.zeros((2, 3)))
    loss = nn.functional.cross_entropy(logits, np.array([1, -100]))
    assert float(loss.data) == pytest.approx(np.log(3))
