"""The book's keyword arguments that rungrad spells otherwise get a hint naming rungrad's,
as conv2d's `pad=` does: the transposed convolution (DeZero's deconv2d and L.Deconv2d, which
the book's GAN and VAE use), col2im and Adam's `beta1=` / `beta2=`."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
import optim

X = np.ones((1, 3, 4, 4))
W = np.ones((3, 2, 3, 3))  # (in, out, KH, KW): DeZero's and PyTorch's deconvolution layout

BOOK_CALLS = {
    "F.conv_transpose2d(pad=)": (lambda: F.conv_transpose2d(X, W, pad=1), "pad= is padding="),
    "F.conv_transpose2d(b=)": (lambda: F.conv_transpose2d(X, W, b=None), "b= is bias="),
    "F.conv_transpose2d(outsize=)": (
        lambda: F.conv_transpose2d(X, W, stride=2, outsize=(9, 9)), "outsize= is"),
    "nn.LazyConvTranspose2d(pad=)": (
        lambda: nn.LazyConvTranspose2d(32, kernel_size=4, stride=2, pad=1), "pad= is padding="),
    "nn.ConvTranspose2d(nobias=)": (
        lambda: nn.ConvTranspose2d(3, 2, 3, nobias=True), r"nobias= is bias= \(nobias=True"),
    "F.col2im(pad=)": (lambda: F.col2im(np.ones((16, 27)), X.shape, 3, 1, pad=1),
                       "pad= is padding="),
}


@pytest.mark.parametrize("name", sorted(BOOK_CALLS))
def test_a_book_keyword_names_rungrad_s(name):
    call, hint = BOOK_CALLS[name]
    with pytest.raises(TypeError, match=f"DeZero's {hint}"):
        call()


@pytest.mark.parametrize("keyword", ["beta1", "beta2"])
def test_adam_s_book_betas_name_the_pair(keyword):
    """DeZero's Adam(alpha=0.0002, beta1=0.5) (the GAN example) is betas=(0.5, 0.999)."""
    params = [ag.Parameter(np.zeros(2))]
    with pytest.raises(TypeError, match=r"DeZero's beta1= and beta2= are betas=\(beta1, beta2\)"):
        optim.Adam(params, lr=2e-4, **{keyword: 0.5})
    assert optim.Adam(params, lr=2e-4, betas=(0.5, 0.999)).defaults["betas"] == (0.5, 0.999)


def test_an_unknown_keyword_stays_python_s_error():
    with pytest.raises(TypeError, match="unexpected keyword argument 'foo'$"):
        F.conv_transpose2d(X, W, foo=1)


def test_the_rungrad_spellings_still_run():
    """The hints change nothing for the calls that were right."""
    y = F.conv_transpose2d(X, W, None, stride=2, padding=1)
    assert y.shape == (1, 2, 7, 7)
    assert nn.LazyConvTranspose2d(2, 3, stride=2, padding=1, bias=False)(X).shape == (1, 2, 7, 7)
    col = F.im2col(X, 3, 1, padding=1)
    assert F.col2im(col, X.shape, 3, 1, padding=1).shape == X.shape


@pytest.mark.parametrize("make", [nn.LazyConv2d, nn.LazyConvTranspose2d])
def test_a_lazy_convolution_given_in_channels_names_the_sized_layer(make):
    """DeZero's L.Conv2d(16, 3, in_channels=1): Python's 'multiple values for argument' before."""
    with pytest.raises(TypeError, match=r"DeZero's in_channels= is nn\.\w+\(in_channels, "
                                        r"out_channels, kernel_size"):
        make(16, 3, in_channels=1)
