"""`import nn`: light (NumPy only), submodules reachable as attributes, lazy ones on use."""
import os
import subprocess
import sys

import pytest

import nn

from .._helpers import ROOT


def _fresh_python(code):
    """Run `code` in a new interpreter (nothing imported yet) from the repository root."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT))


def test_public_names_are_exported():
    for name in ("Module", "ModuleList", "Linear", "Dense", "Flatten", "Dropout", "ReLU",
                 "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "ELU", "GELU",
                 "Softplus", "MSELoss", "L1Loss", "HuberLoss", "CrossEntropyLoss", "NLLLoss",
                 "BCELoss", "BCEWithLogitsLoss"):
        assert hasattr(nn, name), name
    for name in ("sigmoid", "relu", "leaky_relu", "elu", "gelu", "softplus", "tanh", "softmax",
                 "log_softmax", "linear", "dropout", "one_hot", "mse_loss", "l1_loss",
                 "huber_loss", "cross_entropy", "nll_loss", "binary_cross_entropy",
                 "binary_cross_entropy_with_logits", "l1_penalty", "l2_penalty"):
        assert callable(getattr(nn.functional, name)), name
    for name in ("xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
                 "zeros_", "ones_", "normal_", "uniform_", "constant_", "calculate_gain"):
        assert callable(getattr(nn.init, name)), name


def test_import_needs_no_optional_library_and_loads_submodules_lazily():
    code = ("import sys, nn\n"
            "heavy = {'torch', 'matplotlib', 'graphviz', 'tqdm', 'sklearn', 'scipy', 'cupy'}\n"
            "print(sorted(heavy & set(sys.modules)))\n"
            "print('nn.datasets' in sys.modules)\n"
            "nn.datasets\n"
            "print('nn.datasets' in sys.modules)\n")
    run = _fresh_python(code)
    assert run.stdout.split("\n")[:3] == ["[]", "False", "True"]


def test_import_leaves_optim_and_the_training_layer_out_until_asked_for():
    code = ("import sys, nn\n"
            "def loaded():\n"
            "    return sorted(m for m in ('optim', 'nn.training', 'nn.callbacks', 'nn.data',\n"
            "                              'nn.datasets', 'nn.metrics') if m in sys.modules)\n"
            "print(loaded())\n"
            "nn.Model\n"
            "print(loaded())\n")
    run = _fresh_python(code)
    before, after = run.stdout.split("\n")[:2]
    assert before == "[]"
    assert "'optim'" in after and "'nn.training'" in after


def test_training_layer_is_reachable_from_nn():
    from nn import Model, Sequential, training
    from nn.callbacks import EarlyStopping
    assert (Model, Sequential) == (training.Model, training.Sequential)
    assert nn.callbacks.EarlyStopping is EarlyStopping is training.callbacks.EarlyStopping
    assert issubclass(Sequential, Model) and issubclass(Model, nn.Module)
    assert {"Model", "Sequential", "callbacks", "training"} <= set(dir(nn))


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        _ = nn.Nothing
    assert "data" in dir(nn)


def test_rarely_used_parts_load_on_first_use_and_stay_reachable():
    lazy = ("autograd.graph", "autograd.numerical", "optim.lr_scheduler", "nn.layers.rnn")
    code = ("import sys, autograd, nn, optim\n"
            f"print(sorted(m for m in {lazy!r} if m in sys.modules))\n"
            "from autograd import gradcheck, plot_graph\n"
            "print(optim.lr_scheduler.StepLR.__name__, nn.LSTM.__name__, nn.GRUCell.__name__)\n"
            f"print(sorted(m for m in {lazy!r} if m in sys.modules))\n"
            "print({'gradcheck', 'plot_graph'} <= set(dir(autograd)), "
            "'lr_scheduler' in dir(optim), 'LSTM' in dir(nn))\n")
    before, names, after, listed = _fresh_python(code).stdout.split("\n")[:4]
    assert before == "[]"
    assert names == "StepLR LSTM GRUCell"
    assert after == str(sorted(lazy))
    assert listed == "True True True"
