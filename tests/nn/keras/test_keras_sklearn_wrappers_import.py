"""keras.wrappers stands on scikit-learn, an optional extra: nn.keras loads without it, and
reaching a wrapper without it says which extra to install."""
import subprocess
import sys

import pytest


def _run(code):
    subprocess.run([sys.executable, "-c", code], check=True)


def test_nn_keras_and_its_wrappers_package_do_not_import_sklearn():
    _run("import sys\n"
         "import nn.keras as keras\n"
         "wrappers = keras.wrappers\n"
         "assert 'SKLearnClassifier' in dir(wrappers) and 'wrappers' in keras.__all__\n"
         "assert not [m for m in sys.modules if m.split('.')[0] == 'sklearn']\n")


def test_a_wrapper_without_sklearn_names_the_extra():
    _run("import sys\n"
         "sys.modules['sklearn'] = None  # as if it were not installed\n"
         "from nn.keras import wrappers\n"
         "for name in ('SKLearnClassifier', 'SKLearnRegressor', 'SKLearnTransformer'):\n"
         "    try:\n"
         "        getattr(wrappers, name)\n"
         "    except ImportError as error:\n"
         "        assert \"pip install 'rungrad[datasets]'\" in str(error), error\n"
         "        assert 'scikit-learn>=1.6' in str(error), error\n"
         "    else:\n"
         "        raise AssertionError(name + ' loaded without scikit-learn')\n")


def test_the_wrappers_are_reached_from_nn_keras():
    pytest.importorskip("sklearn", minversion="1.6")
    import nn.keras as keras
    from nn.keras.wrappers.classifier import SKLearnClassifier

    assert keras.wrappers.SKLearnClassifier is SKLearnClassifier
    assert {"SKLearnRegressor", "SKLearnTransformer"} <= set(dir(keras.wrappers))
