"""Keras' STFTSpectrogram and MelSpectrogram: values against NumPy's FFT and HTK's mel
filters, layouts, gradients, configs, saving, and refusals."""
import numpy as np
import pytest

import nn.keras as keras
from autograd.testing import assert_gradients_match
from nn.keras import layers

from ..._helpers import saved_and_loaded

RNG = np.random.default_rng(0)
SIGNALS = RNG.standard_normal((2, 60, 3))


def _frames(x, length, step):
    """x (N, T) -> (N, frames, length), 'valid' framing."""
    starts = np.arange(0, x.shape[-1] - length + 1, step)
    return x[..., starts[:, None] + np.arange(length)]


def _spectra(x, length, step, fft, window=None):
    frames = _frames(x, length, step) * (1.0 if window is None else window)
    return np.fft.rfft(frames, fft)


def test_stft_modes_are_numpys_fourier_transform():
    x = SIGNALS[..., 0]  # (N, T): one channel
    spectra = _spectra(x, 16, 5, 32)  # (N, frames, 17)
    for mode, expected in [("real", spectra.real), ("imag", spectra.imag),
                           ("magnitude", np.abs(spectra)), ("log", np.log(np.abs(spectra))),
                           ("stft", np.concatenate([spectra.real, spectra.imag], -1))]:
        layer = layers.STFTSpectrogram(mode, 16, 5, 32, window=None, scaling=None,
                                       dtype="float64")
        np.testing.assert_allclose(layer(x[..., None]).data, expected, rtol=1e-9, atol=1e-9)
    angle = layers.STFTSpectrogram("angle", 16, 5, 32, window=None, scaling=None,
                                   dtype="float64")(x[..., None]).data
    np.testing.assert_allclose(angle[..., 1:-1], np.angle(spectra)[..., 1:-1], atol=1e-9)
    assert layers.STFTSpectrogram("log", 16, 5, 32)(x[..., None].astype(np.float32)).dtype == \
        np.float32
    psd = np.abs(spectra) ** 2
    psd[..., 1:-1] *= 2
    np.testing.assert_allclose(layers.STFTSpectrogram("psd", 16, 5, 32, window=None,
                                                      scaling=None, dtype="float64")(
        x[..., None]).data, psd, rtol=1e-9, atol=1e-9)


def test_stft_window_scaling_and_layouts():
    scipy_signal = pytest.importorskip("scipy.signal")
    window = scipy_signal.get_window("hann", 16, False)
    expected = np.abs(_spectra(np.moveaxis(SIGNALS, -1, 1), 16, 8, 16, window)) / np.sqrt(
        np.sum(window ** 2))  # (N, C, frames, F)
    last = layers.STFTSpectrogram("magnitude", 16, expand_dims=True)(SIGNALS).data
    np.testing.assert_allclose(last, expected.transpose(0, 2, 3, 1), rtol=1e-4, atol=1e-6)
    flat = layers.STFTSpectrogram("magnitude", 16)(SIGNALS).data  # channel by channel
    np.testing.assert_allclose(flat, expected.transpose(0, 2, 1, 3).reshape(2, -1, 3 * 9),
                               rtol=1e-4, atol=1e-6)  # (channel-major features, as Keras)
    first = layers.STFTSpectrogram("magnitude", 16, expand_dims=True,
                                   data_format="channels_first")
    np.testing.assert_allclose(first(np.moveaxis(SIGNALS, -1, 1)).data, expected, rtol=1e-4,
                               atol=1e-6)
    same = layers.STFTSpectrogram("real", 16, 7, padding="same")(SIGNALS)
    assert same.shape == (2, 9, 27)  # ceil(60 / 7) frames


def test_stft_kernels_are_trainable_weights_with_gradients(tmp_path):
    layer = layers.STFTSpectrogram("log", 8, 4, dtype="float64")
    x = SIGNALS[:1, :20, :2]
    layer(x)
    assert [w.name for w in layer.weights] == ["real_kernel", "imag_kernel"]
    assert all(w.shape == (8, 1, 5) and w.requires_grad for w in layer.weights)
    assert_gradients_match(lambda v: layer(v), x)
    imag = layers.STFTSpectrogram("imag", 8)
    assert imag.weights == []  # (made at the first call)
    imag(x.astype(np.float32))
    assert [w.name for w in imag.weights] == ["imag_kernel"]
    config = layers.STFTSpectrogram("psd", 8, 2, 16, "hamming", True, "spectrum", "same",
                                    True, "channels_first").get_config()
    again = layers.STFTSpectrogram.from_config(config)
    assert (again.mode, again.frame_step, again.fft_length, again.window, again.periodic,
            again.scaling, again.padding, again.expand_dims, again.data_format) == (
        "psd", 2, 16, "hamming", True, "spectrum", "same", True, "channels_first")
    model = keras.Sequential([keras.Input((40, 2)), layers.STFTSpectrogram(frame_length=8),
                              layers.Dense(1)])
    saved_and_loaded(model, SIGNALS[:, :40, :2].astype(np.float32), tmp_path / "m.keras")


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(mode="power"), ValueError, "mode must be one of"),
    (dict(frame_length=8, frame_step=9), ValueError, "frame_step should be a positive"),
    (dict(frame_length=8, fft_length=4), ValueError, "fft_length should be not less"),
    (dict(padding="causal"), ValueError, "padding must be one of"),
    (dict(scaling="power"), ValueError, "scaling must be one of"),
    (dict(window="nonsense"), ValueError, "window 'nonsense' is not one of SciPy's")])
def test_stft_refusals(kwargs, error, message):
    with pytest.raises(error, match=message):
        layers.STFTSpectrogram(**kwargs)


def test_stft_input_checks_name_the_layer():
    layer = layers.STFTSpectrogram(frame_length=8, name="stft")
    with pytest.raises(ValueError, match='layer "stft" is incompatible.*expected ndim=3'):
        layer(SIGNALS[..., 0])
    with pytest.raises(TypeError, match="STFTSpectrogram 'stft': expected float16"):
        layer(np.ones((1, 20, 1), np.int64))


def _mel_matrix(bins, mels, rate, low, high):
    """HTK's triangles on the mel scale 1127 ln(1 + f / 700), the DC row zero."""
    mel = lambda f: 1127.0 * np.log1p(np.asarray(f) / 700.0)  # noqa: E731
    points = mel(np.linspace(0, rate / 2, bins))[1:, None]
    edges = np.linspace(mel(low), mel(high), mels + 2)
    rising = (points - edges[:-2]) / (edges[1:-1] - edges[:-2])
    falling = (edges[2:] - points) / (edges[2:] - edges[1:-1])
    return np.pad(np.maximum(0, np.minimum(rising, falling)), ((1, 0), (0, 0)))


def _mel_reference(x, fft, stride, mels, rate, low, high, top_db):
    padded = np.pad(x, ((0, 0), (fft // 2, fft // 2)), mode="reflect")
    window = np.hanning(fft + 1)[:-1]  # (keras.ops.stft's periodic Hann)
    power = np.abs(_spectra(padded, fft, stride, fft, window)) ** 2
    db = 10 * np.log10(np.maximum(power @ _mel_matrix(fft // 2 + 1, mels, rate, low, high),
                                  1e-10))
    return np.maximum(db, db.max() - top_db).transpose(0, 2, 1)


def test_mel_spectrogram_is_htk_mel_of_the_power_spectrum():
    x = RNG.standard_normal((2, 800))
    layer = layers.MelSpectrogram(fft_length=128, sequence_stride=64, sampling_rate=8000,
                                  num_mel_bins=20, top_db=30.0, dtype="float64")
    expected = _mel_reference(x, 128, 64, 20, 8000, 20.0, 4000, 30.0)
    np.testing.assert_allclose(layer(x).data, expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(layer(x[0]).data, _mel_reference(
        x[:1], 128, 64, 20, 8000, 20.0, 4000, 30.0)[0], rtol=1e-4, atol=1e-4)
    plain = layers.MelSpectrogram(fft_length=128, sequence_stride=64, num_mel_bins=20,
                                  power_to_db=False, mag_exp=1.0)
    assert plain(x.astype(np.float32)).shape == (2, 20, 13)
    assert_gradients_match(layers.MelSpectrogram(16, 8, num_mel_bins=4, power_to_db=False,
                                                 dtype="float64"), x[:1, :40])


def test_mel_spectrogram_config_save_and_errors(tmp_path):
    layer = layers.MelSpectrogram(256, 100, 200, "hamming", 8000, 40, 50.0, 3000, False, 40.0,
                                  1.0, 1e-8, 2.0)
    config = layer.get_config()
    assert {k: config[k] for k in ("sequence_length", "max_freq", "ref_power")} == {
        "sequence_length": 200, "max_freq": 3000, "ref_power": 2.0}
    assert layers.MelSpectrogram.from_config(config).get_config() == config
    assert layers.MelSpectrogram(sampling_rate=22050).max_freq == 11025
    model = keras.Sequential([keras.Input((1000,)), layers.MelSpectrogram(256, 128,
                                                                          num_mel_bins=16)])
    saved_and_loaded(model, RNG.standard_normal((2, 1000)).astype(np.float32),
                     tmp_path / "m.keras", rtol=1e-4)
    with pytest.raises(ValueError, match="fft_length must be greater than or equal"):
        layers.MelSpectrogram(fft_length=64, sequence_length=128)
    with pytest.raises(ValueError, match=r"MelSpectrogram: expected signals .* got shape "
                                         r"\(2, 3, 4\)"):
        layers.MelSpectrogram(16, 8)(np.ones((2, 3, 4), np.float32))
