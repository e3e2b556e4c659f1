"""`import nn`: light (NumPy only), submodules reachable as attributes, lazy ones on use."""
import os
import subprocess
import sys

import pytest

import nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


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
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT))
    assert run.stdout.split("\n")[:3] == ["[]", "False", "True"]


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        nn.Nothing
    assert "data" in dir(nn)
