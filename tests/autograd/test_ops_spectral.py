"""The Fourier transforms of autograd/ops/spectral.py (complex values as (real, imag) pairs)
against numpy.fft, their gradients to second order (each is linear: its backward is its
adjoint, another transform), and what is refused."""
import numpy as np
import pytest

import autograd as ag
from autograd import Variable
from autograd.ops import spectral

RNG = np.random.default_rng(0)
RE, IM = RNG.normal(size=(3, 6)), RNG.normal(size=(3, 6))


def _complex(pair):
    return pair[0].data + 1j * pair[1].data


@pytest.mark.parametrize("n", [None, 4, 6, 9])
def test_the_transforms_are_numpys(n):
    z = RE + 1j * IM
    np.testing.assert_allclose(_complex(spectral.fft((RE, IM))), np.fft.fft(z), atol=1e-12)
    np.testing.assert_allclose(_complex(spectral.ifft((RE, IM), (-2, -1))), np.fft.ifft2(z),
                               atol=1e-12)
    np.testing.assert_allclose(_complex(spectral.rfft(RE, n)), np.fft.rfft(RE, n), atol=1e-12)
    np.testing.assert_allclose(spectral.irfft((RE[:, :4], IM[:, :4]), n).data,
                               np.fft.irfft(z[:, :4], n), atol=1e-12)
    assert spectral.rfft(RE.astype(np.float32))[0].dtype == np.float32


@pytest.mark.parametrize("f", [
    lambda a, b: spectral.fft((a, b)),
    lambda a, b: spectral.ifft((a, b), (-2, -1)),
    lambda a, b: spectral.rfft(a, 5)[0] + spectral.rfft(b, 8)[1][:, :3],
    lambda a, b: spectral.irfft((a, b)),
    lambda a, b: spectral.irfft((a, b), 7),
    lambda a, b: spectral.irfft((a, b), 12),
], ids=["fft", "ifft2", "rfft", "irfft", "irfft_odd", "irfft_padded"])
def test_gradients_are_the_adjoints_to_second_order(f):
    ag.gradcheck(f, Variable(RE.copy()), Variable(IM.copy()))
    ag.gradgradcheck(f, Variable(RE.copy()), Variable(IM.copy()))


@pytest.mark.parametrize("call, message", [
    (lambda: spectral.fft(RE), "fft: x must be a pair"),
    (lambda: spectral.fft((RE, IM[:, :3])), "fft: the real and imaginary parts differ"),
    (lambda: spectral.rfft(np.arange(4)), "rfft: expected floating-point values"),
    (lambda: spectral.irfft((RE[:, :1], IM[:, :1])), "irfft: the output length must be at "
                                                     "least 1"),
    (lambda: spectral.rfft(np.zeros((2, 0))), r"rfft: axes \(-1,\) are not non-empty axes"),
    (lambda: spectral.fft((RE, IM), axes=(5,)), r"fft: axes \(5,\) are not non-empty axes"),
    # PyTorch's rules: an axis named twice, and a length that is not whole, are refused
    (lambda: spectral.fft((RE, IM), axes=(1, -1)), r"fft: axes \(1, -1\) name an axis twice"),
    (lambda: spectral.fft((RE, IM), axes=(0.5,)), r"fft: axes must be ints"),
    (lambda: spectral.rfft(RE, 4.7), "rfft: n must be a positive integer, got 4.7"),
    (lambda: spectral.irfft((RE, IM), 2.5), "irfft: n must be a positive integer, got 2.5"),
    # complex numbers are (real, imag) pairs: no op makes a complex Variable
    (lambda: Variable(RE).astype(np.complex128), "astype: rungrad's Variables hold real "
                                                  "numbers, not complex128"),
    (lambda: ag.bitcast(Variable(RE), np.complex128), "bitcast: rungrad's Variables hold real"),
])
def test_what_cannot_be_transformed_is_refused_by_name(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()



def test_one_axis_may_be_given_as_an_int():
    a, b = spectral.fft((RE, IM), axes=0)
    expected = np.fft.fft(RE + 1j * IM, axis=0)
    np.testing.assert_allclose(a.data + 1j * b.data, expected, rtol=1e-12, atol=1e-12)
