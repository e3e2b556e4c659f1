"""Drawing functions name what was wrong with a bad file name, target or dpi, before Graphviz
runs (found probing them as a user)."""
import os

import numpy as np
import pytest

import nn
from autograd import Variable, plot_backward, plot_graph


def _loss():
    x = Variable(np.array([1.0, 2.0]), name="x")
    return (x * x).sum()


def _built_model():
    model = nn.Sequential(nn.Linear(3, 2))
    model(Variable(np.ones((1, 3))))
    return model


def test_plot_model_to_dot_file_points_to_model_to_dot():
    # (get_dot_graph draws a Variable's graph, not a model's diagram)
    with pytest.raises(ValueError, match=r"plot_model: .*model_to_dot") as info:
        nn.plot_model(_built_model(), to_file="model.dot")
    assert "get_dot_graph" not in str(info.value)


@pytest.mark.parametrize("dpi", ["abc", None, 0, -96, float("nan"), True])
def test_model_to_dot_refuses_a_bad_dpi_by_name(dpi):
    with pytest.raises((TypeError, ValueError), match=r"model_to_dot: dpi"):
        nn.model_to_dot(_built_model(), dpi=dpi)


def test_model_to_dot_takes_a_float_dpi():
    assert "dpi=96;" in nn.model_to_dot(_built_model(), dpi=96.0)


@pytest.mark.parametrize("to_file", [3, None, 2.5])
def test_plot_backward_refuses_a_file_name_of_another_type_by_name(to_file):
    with pytest.raises(TypeError, match=r"plot_backward: to_file"):
        plot_backward(_loss(), to_file=to_file)


def _no_dot(monkeypatch, tmp_path):
    """PATH without Graphviz: a target refused now is refused before dot would run."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))


@pytest.mark.parametrize("draw, name", [
    (lambda path: plot_graph(_loss(), to_file=path), "graph.png"),
    (lambda path: plot_backward(_loss(), to_file=path), "backprop.html"),
    (lambda path: nn.plot_model(_built_model(), to_file=path), "model.svg"),
], ids=["plot_graph", "plot_backward", "plot_model"])
def test_a_folder_in_the_targets_place_is_refused_before_the_layout(draw, name, tmp_path,
                                                                   monkeypatch):
    target = tmp_path / name
    target.mkdir()
    _no_dot(monkeypatch, tmp_path)
    with pytest.raises(OSError, match="is a directory"):
        draw(target)
    assert os.listdir(target) == []


def test_a_write_protected_target_is_refused_before_the_layout(tmp_path, monkeypatch):
    target = tmp_path / "graph.svg"
    target.write_bytes(b"kept")
    target.chmod(0o444)
    _no_dot(monkeypatch, tmp_path)
    with pytest.raises(PermissionError, match="plot_graph: .*write-protected"):
        plot_graph(_loss(), to_file=target)
    assert target.read_bytes() == b"kept"
