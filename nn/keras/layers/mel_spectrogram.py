"""Keras' MelSpectrogram: a signal's power (or magnitude) spectrum, through keras.ops' stft,
warped onto the mel scale by HTK's triangular filters (Keras' linear_to_mel_weight_matrix),
in decibels by default."""
import numpy as np

from autograd.ops import astype, log, matmul, maximum, sqrt, swapaxes
from autograd.ops import max as maximum_of
from autograd.variable import as_variable

from ..operations_signal import SIGNAL
from .layer import Layer

MEL_BREAK_HERTZ, MEL_HIGH_FREQUENCY_Q = 700.0, 1127.0  # (HTK's mel(f) = Q ln(1 + f / 700))


class MelSpectrogram(Layer):
    """signals (N, T) (or one (T,)) -> (N, num_mel_bins, frames) (or (num_mel_bins,
    frames)), frames of sequence_length (default fft_length) every sequence_stride, centred
    (keras.ops.stft): |stft| ** mag_exp on num_mel_bins bands from min_freq to max_freq
    (default sampling_rate / 2); with power_to_db, 10 log10(max(., min_power) / ref_power)
    floored at top_db below the batch's maximum (Keras' one maximum over all of it)."""

    def __init__(self, fft_length=2048, sequence_stride=512, sequence_length=None,
                 window="hann", sampling_rate=16000, num_mel_bins=128, min_freq=20.0,
                 max_freq=None, power_to_db=True, top_db=80.0, mag_exp=2.0, min_power=1e-10,
                 ref_power=1.0, **kwargs):
        self.sequence_length = sequence_length or fft_length
        if fft_length < self.sequence_length:
            raise ValueError(f"MelSpectrogram: fft_length must be greater than or equal to "
                             f"sequence_length, got sequence_length={self.sequence_length}, "
                             f"fft_length={fft_length}")
        super().__init__(**kwargs)
        self.fft_length, self.sequence_stride, self.window = fft_length, sequence_stride, window
        self.sampling_rate, self.num_mel_bins = sampling_rate, num_mel_bins
        self.min_freq, self.max_freq = min_freq, max_freq or int(sampling_rate / 2)
        self.power_to_db, self.top_db, self.mag_exp = power_to_db, top_db, mag_exp
        self.min_power, self.ref_power = min_power, ref_power

    def call(self, inputs):
        x = as_variable(inputs, who=type(self).__name__)
        if x.ndim not in (1, 2):
            raise ValueError(f"{self.who}: expected signals (batch, samples) or one signal "
                             f"(samples,), got shape {tuple(x.shape)}")
        compute = str(self.compute_dtype)
        x = astype(x, compute if compute in ("float32", "float64") else "float32")
        real, imag = SIGNAL["STFT"](x, self.sequence_length, self.sequence_stride,
                                    self.fft_length, self.window, center=True)
        spectrum = sqrt(real * real + imag * imag) ** self.mag_exp
        mel = matmul(spectrum, self._mel_weights(spectrum.shape[-1]).astype(x.dtype, copy=False))
        if self.power_to_db:
            mel = self._decibels(mel)
        return astype(swapaxes(mel, -1, -2), compute)

    def _mel_weights(self, bins):
        """mel_matrix(bins), made at the first call and kept (the settings are fixed)."""
        kept = vars(self).get("_mel_kept")
        if kept is None or kept.shape[0] != bins:
            kept = np.asarray(self.mel_matrix(bins))
            vars(self)["_mel_kept"] = kept
        return kept

    def mel_matrix(self, bins):
        """Keras' linear_to_mel_weight_matrix (bins, num_mel_bins), in float32 as Keras'."""
        f32 = np.float32
        hertz = np.linspace(f32(0), f32(self.sampling_rate) / f32(2), bins, dtype=f32)[1:]
        mels = _mel(hertz)[:, None]  # (HTK leaves the DC bin out: its row stays zero)
        edges = np.linspace(_mel(f32(self.min_freq)), _mel(f32(self.max_freq)),
                            self.num_mel_bins + 2, dtype=f32)
        lower, center, upper = edges[:-2], edges[1:-1], edges[2:]
        slopes = np.minimum((mels - lower) / (center - lower), (upper - mels) / (upper - center))
        return np.pad(np.maximum(f32(0), slopes), ((1, 0), (0, 0)))

    def _decibels(self, power):
        floor = np.asarray(self.min_power, power.dtype)
        to_db = np.asarray(10.0 / np.log(10.0), power.dtype)  # (10 log10 as a natural log)
        reference = 10.0 * np.log10(max(abs(self.ref_power), self.min_power))
        db = log(maximum(power, floor)) * to_db - np.asarray(reference, power.dtype)
        return maximum(db, maximum_of(db) - np.asarray(self.top_db, power.dtype))

    def get_config(self):
        return {**super().get_config(), "fft_length": self.fft_length,
                "sequence_stride": self.sequence_stride,
                "sequence_length": self.sequence_length, "window": self.window,
                "sampling_rate": self.sampling_rate, "num_mel_bins": self.num_mel_bins,
                "min_freq": self.min_freq, "max_freq": self.max_freq,
                "power_to_db": self.power_to_db, "top_db": self.top_db,
                "mag_exp": self.mag_exp, "min_power": self.min_power,
                "ref_power": self.ref_power}


def _mel(hertz):
    return np.float32(MEL_HIGH_FREQUENCY_Q) * np.log(np.float32(1) + hertz / np.float32(
        MEL_BREAK_HERTZ))


__all__ = ["MelSpectrogram"]
