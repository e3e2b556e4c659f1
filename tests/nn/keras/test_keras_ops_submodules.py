"""keras.ops' submodules (numpy, nn, linalg, image): Keras 3's names, the very
objects of flat keras.ops, loaded only on first use; complex results (eig, polar,
view_as_complex / view_as_real) as (real, imag) pairs."""
import subprocess
import sys

import numpy as np
import pytest

from autograd import Variable, gradcheck
from nn.keras import ops

# Keras 3.15's counts, and a few of each submodule's names
_KERAS = {"numpy": (220, ("abs", "einsum", "vectorize", "zeros_like", "take_along_axis")),
          "nn": (53, ("relu", "polar", "ctc_loss", "rms_normalization", "dot_product_attention")),
          "linalg": (16, ("eig", "jvp", "lu_factor", "solve_triangular", "svd")),
          "image": (16, ("resize", "map_coordinates", "ssim", "extract_patches_3d"))}


@pytest.mark.parametrize("name", sorted(_KERAS))
def test_each_submodule_holds_keras_names_as_flat_ops_objects(name):
    module = getattr(ops, name)
    count, some = _KERAS[name]
    assert len(module.__all__) == len(set(module.__all__)) == count
    assert set(some) <= set(module.__all__)
    for attribute in module.__all__:
        value = getattr(module, attribute)
        assert callable(value)
        if name != "image":  # (keras.ops.image's functions exist there alone, as in Keras)
            assert value is getattr(ops, attribute), attribute


def test_submodules_import_by_path_and_refuse_unknown_names():
    from nn.keras.ops import linalg
    from nn.keras.ops.image import resize
    assert resize is ops.image.resize and linalg.qr is ops.qr
    with pytest.raises(AttributeError, match="no attribute 'resize'"):
        ops.resize  # noqa: B018 (image operations are not flat ops, as in Keras)
    with pytest.raises(AttributeError, match="lanczos"):
        ops.nn.lanczos  # noqa: B018


def test_importing_nn_loads_neither_keras_ops_nor_its_submodules():
    code = ("import sys, autograd, nn, optim\n"
            "heavy = [m for m in sys.modules if m.startswith('nn.keras.ops') or "
            "m.split('.')[0] in ('torch', 'scipy', 'keras')]\n"
            "assert not heavy, heavy\n"
            "import nn.keras.ops\n"
            "loaded = [m for m in sys.modules if m.startswith('nn.keras.ops.')]\n"
            "assert loaded == [], loaded\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def _values(pair):
    return np.asarray(pair[0].data) + 1j * np.asarray(pair[1].data)


def test_polar_and_views_give_numpy_complex_values_as_pairs():
    rng = np.random.default_rng(0)
    magnitude, angle = rng.random((2, 3)), rng.normal(size=(2, 3))
    np.testing.assert_allclose(_values(ops.nn.polar(magnitude, angle)),
                               magnitude * np.exp(1j * angle), rtol=1e-12)
    z = rng.normal(size=(4, 2))
    assert np.array_equal(_values(ops.view_as_complex(z)), z[:, 0] + 1j * z[:, 1])
    assert np.array_equal(ops.view_as_real(ops.view_as_complex(z)).data, z)
    assert np.array_equal(ops.view_as_real(z[:, 0] + 1j * z[:, 1]).data, z)
    with pytest.raises(ValueError, match="last axis must hold 2"):
        ops.view_as_complex(np.zeros((3, 3)))


def test_polar_gradients_match_numerical_ones():
    rng = np.random.default_rng(1)
    magnitude, angle = (Variable(rng.random((2, 3)) + 0.5), Variable(rng.normal(size=(2, 3))))
    gradcheck(lambda m, a: ops.nn.polar(m, a)[0] * 2 + ops.nn.polar(m, a)[1], magnitude, angle)


def test_eig_gives_eigenpairs_and_refuses_a_gradient():
    a = np.array([[0.0, -2.0, 0.5], [2.0, 0.0, 1.0], [0.0, 0.0, 3.0]])
    values, vectors = ops.linalg.eig(a)
    w, v = _values(values), _values(vectors)
    np.testing.assert_allclose(a @ v, v * w, atol=1e-12)
    np.testing.assert_allclose(np.sort_complex(w), [-2j, 2j, 3], atol=1e-12)
    x = Variable(a)
    with pytest.raises(NotImplementedError, match="eigh"):
        ops.linalg.eig(x)[0][0].sum().backward()
    with pytest.raises(ValueError, match="square"):
        ops.linalg.eig(np.zeros((2, 3)))


def test_image_operations_are_nodes_of_a_functional_model():
    import nn.keras as keras
    inputs = keras.Input(shape=(4, 6, 3))
    model = keras.Model(inputs, ops.image.rgb_to_grayscale(
        ops.image.resize(inputs, (2, 3), interpolation="nearest")))
    x = np.random.default_rng(2).random((2, 4, 6, 3)).astype(np.float32)
    expected = ops.image.rgb_to_grayscale(ops.image.resize(x, (2, 3), interpolation="nearest"))
    np.testing.assert_allclose(model.predict(x, verbose=0), expected.data, rtol=1e-6)
