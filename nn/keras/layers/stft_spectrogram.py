"""Keras' STFTSpectrogram: a signal's short-time Fourier transform computed as Keras computes
it, a 1-D convolution with trainable kernels that start as the windowed Fourier basis
(Keras' STFT initializer), so the transform can be fine-tuned."""
import math

import numpy as np

from autograd.ops import astype, concatenate, log, maximum, pad, reshape, sqrt, transpose
from autograd.ops.trigonometric import atan2

from ...functional.conv import conv2d
from ...stft_initializer import STFT, window_values
from ._base import data_format_name, functional_weight, slide
from .input_spec import InputSpec, InputSpecChecked
from .layer import Layer

MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")
EPSILON = 1e-7  # (Keras' backend epsilon: the floor of the magnitude and of its log)


class STFTSpectrogram(InputSpecChecked, Layer):
    """(N, T, C) signals (channels_first: (N, C, T)) -> (N, frames, C * F) spectrograms,
    F = fft_length // 2 + 1 bins (twice that for mode='stft': real parts, then imaginary
    ones); expand_dims=True: (N, frames, F, C) ((N, C, frames, F) channels first). Frames of
    frame_length every frame_step (default frame_length // 2), padding 'valid' or Keras'
    'same'. mode: 'log' (log magnitude), 'magnitude', 'psd', 'real', 'imag', 'angle',
    'stft'. The kernels real_kernel, imag_kernel (frame_length, 1, F) are weights."""

    def __init__(self, mode="log", frame_length=256, frame_step=None, fft_length=None,
                 window="hann", periodic=False, scaling="density", padding="valid",
                 expand_dims=False, data_format=None, **kwargs):
        who = type(self).__name__
        if frame_step is not None and not 1 <= frame_step <= frame_length:
            raise ValueError(f"{who}: frame_step should be a positive integer not greater than "
                             f"frame_length, got frame_step={frame_step}, "
                             f"frame_length={frame_length}")
        if fft_length is not None and fft_length < frame_length:
            raise ValueError(f"{who}: fft_length should be not less than frame_length, got "
                             f"fft_length={fft_length}, frame_length={frame_length}")
        _check_choice(who, "mode", mode, MODES)
        _check_choice(who, "scaling", scaling, ("density", "spectrum", None))
        _check_choice(who, "padding", padding, ("valid", "same"))
        if isinstance(window, str):
            window_values(window, 1, periodic)  # (refuses a name SciPy does not know)
        super().__init__(**kwargs)
        self.mode, self.frame_length, self.frame_step = mode, frame_length, frame_step
        self.fft_length, self.window, self.periodic = fft_length, window, periodic
        self.scaling, self.padding, self.expand_dims = scaling, padding, expand_dims
        self.data_format = data_format_name(data_format, who)
        self._frame_step = frame_step or frame_length // 2
        self._fft_length = fft_length or 2 ** int(math.ceil(math.log2(frame_length)))
        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape):
        shape = (self.frame_length, 1, self._fft_length // 2 + 1)
        for side in ("real", "imag"):
            if self.mode != ("imag" if side == "real" else "real"):
                kernel = self.add_weight(shape=shape, initializer="zeros",
                                         name=f"{side}_kernel")
                kernel.data[...] = STFT(side, self.window, self.scaling, self.periodic)(
                    shape, kernel.dtype)
                setattr(self, f"{side}_kernel", kernel)

    def call(self, inputs):
        if inputs.dtype not in (np.float16, np.float32, np.float64):
            raise TypeError(f"{self.who}: expected float16, float32 or float64 inputs, got "
                            f"{inputs.dtype}")
        real = None if self.mode == "imag" else self._convolved(inputs, self.real_kernel)
        imag = None if self.mode == "real" else self._convolved(inputs, self.imag_kernel)
        if self.mode in ("real", "imag", "angle", "stft"):
            picked = {"real": real, "imag": imag}.get(self.mode)
            if self.mode == "angle":
                picked = atan2(imag, real)
            elif self.mode == "stft":
                picked = concatenate([real, imag], axis=2)
            return self._arranged(picked)
        power = real * real + imag * imag
        if self.mode == "psd":  # (the inner bins counted twice: one-sided density)
            return self._arranged(power + pad(power[:, :, 1:-1], ((0, 0), (0, 0), (1, 1),
                                                                   (0, 0))))
        floor = np.asarray(EPSILON, power.dtype)
        magnitude = self._arranged(sqrt(maximum(power, floor)))
        return magnitude if self.mode == "magnitude" else log(maximum(magnitude, floor))

    def _convolved(self, inputs, kernel):
        """Each channel's frames convolved with kernel: (N, C, F, frames)."""
        x = transpose(inputs, (0, 2, 1)) if self.data_format == "channels_last" else inputs
        batch, channels, steps = x.shape
        signals = reshape(x, (batch * channels, 1, steps))
        weight = functional_weight(kernel if kernel.dtype == x.dtype else astype(kernel, x.dtype),
                                   1)
        y = slide(signals, 1, "channels_first", self.padding, (self.frame_length,),
                  (self._frame_step,), (1,), 0.0,
                  lambda images, _, strides, dilation, padding, __: conv2d(
                      images, weight, None, strides, padding, dilation), self.who)
        return reshape(y, (batch, channels) + tuple(y.shape[1:]))

    def _arranged(self, y):
        """(N, C, F, frames) in the layer's output layout (Keras' _adjust_shapes)."""
        batch, channels, bins, frames = y.shape
        last = self.data_format == "channels_last"
        if self.expand_dims:
            return transpose(y, (0, 3, 2, 1) if last else (0, 1, 3, 2))
        flat = reshape(y, (batch, channels * bins, frames))
        return transpose(flat, (0, 2, 1)) if last else flat

    def get_config(self):
        return {**super().get_config(), "mode": self.mode, "frame_length": self.frame_length,
                "frame_step": self.frame_step, "fft_length": self.fft_length,
                "window": self.window, "periodic": self.periodic, "scaling": self.scaling,
                "padding": self.padding, "data_format": self.data_format,
                "expand_dims": self.expand_dims}


def _check_choice(who, argument, value, allowed):
    if value not in allowed:
        raise ValueError(f"{who}: {argument} must be one of {', '.join(map(repr, allowed))}, "
                         f"got {value!r}")


__all__ = ["STFTSpectrogram"]
