"""keras.initializers.STFT: Keras 3's windowed Fourier basis (values printed by Keras 3.15),
its names, config, and STFTSpectrogram's kernels built from it."""
import numpy as np
import pytest

import nn.keras as keras
from nn.keras.layers import STFTSpectrogram

# (shape (4, 1, 3), Keras' values, flattened)
KERAS_BASES = [
    ({}, [0.0, 0.0, 0.0, 0.7071068286895752, -3.0908619663705394e-08, -0.7071068286895752,
          0.7071068286895752, -0.7071068286895752, 0.7071068286895752, 0.0, 0.0, -0.0]),
    ({"side": "imag", "window": "hamming", "scaling": "spectrum", "periodic": True},
     [-0.0, -0.0, -0.0, -0.0, -0.25, 2.1855694143368964e-08, -0.0, 4.047350543601169e-08,
      -8.094701087202338e-08, -0.0, 0.25, 5.962440319251527e-09]),
    ({"window": None}, [1.0, 1.0, 1.0, 1.0, -4.371138828673793e-08, -1.0, 1.0, -1.0, 1.0, 1.0,
                        1.1924880638503055e-08, -1.0]),
]


@pytest.mark.parametrize("kwargs,expected", KERAS_BASES)
def test_values_are_keras(kwargs, expected):
    kernel = keras.initializers.STFT(**kwargs)((4, 1, 3))
    assert kernel.dtype == np.float32 and kernel.shape == (4, 1, 3)
    np.testing.assert_allclose(kernel.ravel(), expected, rtol=1e-6, atol=1e-7)


def test_names_and_config():
    init = keras.initializers
    assert init.STFT is init.STFTInitializer is init.stft
    assert init.STFT().get_config() == {"side": "real", "window": "hann", "periodic": False,
                                        "scaling": "density"}
    made = init.deserialize(init.serialize(init.STFT(side="imag", periodic=True)))
    assert isinstance(made, init.STFT) and made.side == "imag" and made.periodic


@pytest.mark.parametrize("name", ["stft", "STFT", "STFTInitializer"])
def test_get_and_layers_take_its_names(name):
    assert isinstance(keras.initializers.get(name), keras.initializers.STFT)
    saved = keras.initializers.get({"class_name": "STFT", "config": {"side": "imag"}})
    assert saved.side == "imag"
    conv = keras.layers.Conv1D(3, 4, kernel_initializer=name, use_bias=False)
    conv.build((None, 16, 1))
    kernel = keras.ops.convert_to_numpy(conv.weights[0])
    np.testing.assert_allclose(kernel.ravel(), KERAS_BASES[0][1], rtol=1e-6, atol=1e-7)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="side"):
        keras.initializers.STFT(side="both")
    with pytest.raises(ValueError, match="scaling"):
        keras.initializers.STFT(scaling="power")
    with pytest.raises(ValueError, match="window"):
        keras.initializers.STFT(window=np.ones(3))((4, 1, 3))  # (not frame_length long)


def test_spectrogram_kernels_are_the_initializer_basis():
    layer = STFTSpectrogram(mode="stft", frame_length=8, window="hamming", scaling="spectrum")
    layer.build((None, 32, 1))
    for side in ("real", "imag"):
        basis = keras.initializers.STFT(side, "hamming", "spectrum")((8, 1, 5))
        np.testing.assert_array_equal(getattr(layer, f"{side}_kernel").data, basis)
