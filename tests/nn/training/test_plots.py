"""plot_learning_curve: the learning-curve image of a fit (rungrad train's learning_curve.png)."""
import os

import pytest

from nn.training.plots import plot_learning_curve

HISTORY = {"loss": [1.0, 0.6, 0.4, 0.3], "val_loss": [1.1, 0.8, 0.7, 0.7]}


def test_writes_the_image_its_suffix_names(tmp_path):
    for name, signature in (("curve.png", b"\x89PNG"), ("curve.svg", b"<?xml"),
                            ("curve.pdf", b"%PDF"), ("curve.JPG", b"\xff\xd8")):
        plot_learning_curve(HISTORY, tmp_path / name)
        assert (tmp_path / name).read_bytes().startswith(signature)


@pytest.mark.parametrize("name", ["curve.docx", "curve"])
def test_a_name_without_an_image_suffix_is_refused_before_anything_is_written(tmp_path, name):
    """'.docx' met matplotlib's 'Format 'docx' is not supported', naming no one; no suffix
    wrote a PNG into a file named 'curve'."""
    with pytest.raises(ValueError, match="cannot draw to .*use an image suffix"):
        plot_learning_curve(HISTORY, tmp_path / name)
    assert os.listdir(tmp_path) == []


def test_a_validation_curve_of_other_epochs_is_refused_by_name(tmp_path):
    """fit(validation_freq=2) records val_loss every other epoch: matplotlib said only 'x and
    y must have same first dimension'."""
    history = {"loss": [1.0, 0.6, 0.4, 0.3], "val_loss": [0.8, 0.7]}
    with pytest.raises(ValueError, match="val_loss has 2 values for 4 epochs of loss"):
        plot_learning_curve(history, tmp_path / "curve.png")
    assert os.listdir(tmp_path) == []
