"""Keras' audio_dataset_from_directory, for PCM WAV files, read by the standard library's
wave module."""
import functools
import wave

import numpy as np

from autograd.arguments import positive_int

from .directory_dataset import from_directory

_SAMPLE_TYPES = {1: np.uint8, 2: np.int16, 4: np.int32}  # (bytes per sample: 3 is handled)


def audio_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, batch_size=32, sampling_rate=None,
                                 output_sequence_length=None, ragged=False, shuffle=True,
                                 seed=None, validation_split=None, subset=None,
                                 follow_links=False, verbose=True):
    """Keras' audio_dataset_from_directory: the .wav files (integer PCM, 8 to 32 bits) under
    `directory`, labelled by their class subfolder (labels='inferred'; see
    nn.keras.directory_index), as a DirectoryDataset, a keras.utils.PyDataset of batches
    (audio, labels) (subset='both': a list [training, validation]). Audio is float32
    (batch, samples, channels) in [-1, 1]: each file cut or padded with zeros to
    output_sequence_length, or without it, each batch padded to its longest file (Keras'
    padded batches). sampling_rate, where given, must be every file's (Keras resamples
    through tensorflow-io; rungrad refuses a file at another rate); ragged=True (ragged
    tensors) is not supported."""
    if ragged:
        raise NotImplementedError("audio_dataset_from_directory: ragged=True is not "
                                  "supported (NumPy has no ragged arrays); give "
                                  "output_sequence_length, or leave both, to pad the batches")
    for name, value in (("sampling_rate", sampling_rate),
                        ("output_sequence_length", output_sequence_length)):
        if value is not None:
            positive_int(value, name, "audio_dataset_from_directory", hint=" (or None)")
    load = functools.partial(read_wav, sampling_rate=sampling_rate,
                             length=output_sequence_length)
    return from_directory(directory, load, (".wav",), labels, label_mode, class_names,
                          batch_size, shuffle, seed, validation_split, subset, follow_links,
                          verbose, stack=_padded_batch)


def read_wav(path, sampling_rate=None, length=None):
    """The PCM WAV file at `path` as float32 (samples, channels) in [-1, 1], cut or padded
    with zeros to `length` samples when given."""
    try:
        with wave.open(str(path), "rb") as file:
            rate, channels = file.getframerate(), file.getnchannels()
            width, frames = file.getsampwidth(), file.readframes(file.getnframes())
    except (wave.Error, EOFError) as exc:
        raise ValueError(f"audio_dataset_from_directory: {path} is not a PCM WAV file "
                         f"({exc})") from None
    if sampling_rate is not None and rate != sampling_rate:
        raise ValueError(f"audio_dataset_from_directory: {path} is sampled at {rate} Hz, not "
                         f"sampling_rate={sampling_rate} (no resampling is done)")
    audio = _samples(frames, width).reshape(-1, channels)
    if length is not None:
        audio = np.pad(audio[:length], ((0, max(length - len(audio), 0)), (0, 0)))
    return audio


def _samples(frames, width):
    """PCM bytes as float32 in [-1, 1]: 8-bit samples are unsigned, wider ones signed."""
    if width == 3:  # (24 bits: widened to 32, the low byte zero)
        raw = np.frombuffer(frames, np.uint8).reshape(-1, 3)
        frames = np.pad(raw, ((0, 0), (1, 0))).tobytes()
        width = 4
    kind = _SAMPLE_TYPES.get(width)
    if kind is None:
        raise ValueError(f"audio_dataset_from_directory: {width * 8}-bit samples are not "
                         "supported")
    values = np.frombuffer(frames, np.dtype(kind).newbyteorder("<")).astype(np.float32)
    if kind is np.uint8:
        return (values - 128) / 128
    return values / float(2 ** (8 * width - 1))


def _padded_batch(samples):
    """Samples of different lengths as one batch, each padded with zeros at its end."""
    longest = max(len(s) for s in samples)
    return np.stack([np.pad(s, ((0, longest - len(s)), (0, 0))) for s in samples])


__all__ = ["audio_dataset_from_directory", "read_wav"]
