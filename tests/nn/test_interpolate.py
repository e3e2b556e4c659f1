"""F.interpolate and nn.Upsample against PyTorch: 'nearest', 'nearest-exact', 'linear',
'bilinear' and 'bicubic' (align_corners both ways, the last two with and without antialias)
over random shapes, sizes and scale factors in float32 and float64, values and gradients;
numerical first and second order; reprs; the errors."""
import re

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import nn
import nn.functional as F
from autograd import Variable, gradcheck, gradgradcheck

from ._helpers import assert_close

torch = pytest.importorskip("torch")
TF = torch.nn.functional

_RANKS = {"nearest": (3, 4, 5), "nearest-exact": (3, 4, 5), "linear": (3,), "bilinear": (4,),
          "bicubic": (4,)}


@st.composite
def resizes(draw):
    """(x, kwargs) for one interpolate call: a mode, a fitting input, a size or a scale."""
    mode = draw(st.sampled_from(sorted(_RANKS)))
    rank = draw(st.sampled_from(_RANKS[mode]))
    spatial = tuple(draw(st.integers(1, 7)) for _ in range(rank - 2))
    kwargs = dict(mode=mode)
    if not mode.startswith("nearest"):
        kwargs["align_corners"] = draw(st.booleans())
    if mode in ("bilinear", "bicubic"):
        kwargs["antialias"] = draw(st.booleans())
    return with_size_or_scale(draw, spatial, kwargs)


def with_size_or_scale(draw, spatial, kwargs):
    """(x, kwargs) with a drawn size or scale_factor for `spatial`, and an input x."""
    if draw(st.booleans()):
        sizes = tuple(draw(st.integers(1, 12)) for _ in spatial)
        kwargs["size"] = sizes if len(sizes) > 1 or draw(st.booleans()) else sizes[0]
    else:
        factors = st.sampled_from([0.5, 0.7, 1.0, 1.1, 1.3, 1.5, 2.0, 2.2, 3.0, 1 / 3])
        scale = (tuple(draw(factors) for _ in spatial) if draw(st.booleans())
                 else draw(factors))
        per_axis = scale if isinstance(scale, tuple) else (scale,) * len(spatial)
        assume(all(int(n * f) >= 1 for n, f in zip(spatial, per_axis)))
        kwargs["scale_factor"] = scale
        kwargs["recompute_scale_factor"] = draw(st.sampled_from([None, False, True]))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    x = rng.standard_normal((draw(st.integers(1, 2)), draw(st.integers(1, 2))) + spatial)
    return x.astype(dtype), kwargs


def _torch_interpolate(xt, kwargs):
    """PyTorch's interpolate, except for an antialiased 'bilinear' or 'bicubic' resize to an
    output one column wide and several rows high: PyTorch (2.x) gives every row the first
    row's value there, unlike its own transposed resize (rows one wide, (3, 1) -> (2, 1):
    [0.0045, 0.0045] against [0.0045, 0.3598]), so that case is compared with the transposed
    resize, transposed back (the axes are resized independently)."""
    y = TF.interpolate(xt, **kwargs)
    if not (kwargs.get("antialias") and y.shape[-1] == 1 and y.shape[-2] > 1):
        return y
    swapped = dict(kwargs)
    for key in ("size", "scale_factor"):
        if isinstance(kwargs.get(key), tuple):
            swapped[key] = kwargs[key][::-1]
    return TF.interpolate(xt.transpose(-1, -2), **swapped).transpose(-1, -2)


def _torch_backward_agrees(x, kwargs):
    """PyTorch's 'nearest' backward reads index i (out == in) or i // 2 (out == 2*in)
    whatever the scale_factor, which its forward does not on 1 and 3 spatial axes; its
    'bicubic' backward copies where no axis changes size, whatever the scale_factor, while
    its forward interpolates; its antialiased backward resamples an axis whose size stays,
    which its forward copies. Its gradient then is not the forward's; ours is (the adjoint,
    checked instead)."""
    factor = kwargs.get("scale_factor")
    if factor is not None and not kwargs.get("recompute_scale_factor"):
        kept, moved = _kept_and_moved(x.shape[2:], factor)
        if kwargs.get("antialias"):  # (align_corners steps by 1 where the size stays)
            return kwargs.get("align_corners") or not any(kept & moved)
        if kwargs["mode"] == "bicubic":
            return not (kept.all() and moved.any())
    if (kwargs["mode"] != "nearest" or factor is None or kwargs.get("recompute_scale_factor")
            or x.ndim == 4):
        return True
    factors = factor if isinstance(factor, tuple) else (factor,) * (x.ndim - 2)
    for n, f in zip(x.shape[2:], factors):
        out = int(n * f)
        if out in (n, 2 * n) and np.float32(1 / f) != np.float32(n) / np.float32(out):
            return False
    return True


def _kept_and_moved(spatial, factor):
    """Per axis (boolean arrays): whether the scale_factor keeps its size, and whether it
    moves its source positions (a step 1/scale_factor other than 1)."""
    factors = factor if isinstance(factor, tuple) else (factor,) * len(spatial)
    return (np.array([int(n * f) == n for n, f in zip(spatial, factors)]),
            np.array([np.float32(1 / f) != 1 for f in factors]))


@given(resizes())
def test_interpolate_matches_torch(case):
    compare_with_torch(*case)


def compare_with_torch(x, kwargs):
    """interpolate(x, **kwargs)'s values and gradient against PyTorch's, dtypes kept."""
    tol = 1e-5 if x.dtype == np.float32 else 1e-12
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    y, yt = F.interpolate(xv, **kwargs), _torch_interpolate(xt, kwargs)
    assert_close(y, yt, tol=tol)
    assert y.dtype == x.dtype
    gy = np.random.default_rng(1).standard_normal(y.shape).astype(x.dtype)
    y.backward(gy)
    yt.backward(torch.tensor(gy))
    if _torch_backward_agrees(x, kwargs):
        assert_close(xv.grad, xt.grad, tol=tol)
    else:  # ours is the adjoint of the forward: <y, gy> = <x, gx>
        np.testing.assert_allclose(np.sum(y.data * gy), np.sum(x * xv.grad.data), rtol=tol)
    assert xv.grad.dtype == x.dtype


@pytest.mark.parametrize("n, scale_factor", [(5, 1.1), (5, 2.05), (7, 1 / 3), (4, 2.5)])
@pytest.mark.parametrize("mode", ["nearest", "nearest-exact", "linear"])
@pytest.mark.parametrize("rank", [3, 4])
def test_scale_factor_sets_the_source_positions_as_in_torch(n, scale_factor, mode, rank):
    """With a scale_factor (recompute_scale_factor not True) positions step by
    1/scale_factor, not by in/out: here they differ (and on (N, C, H, W) 'nearest' takes
    ATen's shortcut where out is in or 2*in)."""
    if rank == 4 and mode == "linear":
        mode = "bilinear"
    x = np.arange(float(n)).reshape((1,) * (rank - 1) + (n,))
    factor = scale_factor if rank == 3 else (1.0, scale_factor)
    for recompute in (None, True):
        ours = F.interpolate(x, scale_factor=factor, mode=mode,
                             recompute_scale_factor=recompute)
        theirs = TF.interpolate(torch.tensor(x), scale_factor=factor, mode=mode,
                                recompute_scale_factor=recompute)
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode, shape, kwargs", [
    ("nearest", (1, 2, 3), dict(scale_factor=1.7)),
    ("nearest-exact", (1, 1, 3, 2), dict(size=(5, 3))),
    ("linear", (2, 1, 4), dict(size=7, align_corners=True)),
    ("linear", (1, 2, 3), dict(scale_factor=0.7)),
    ("bilinear", (1, 1, 3, 4), dict(size=(5, 2))),
    ("bilinear", (1, 2, 2, 3), dict(scale_factor=(1.5, 2), align_corners=True)),
    ("bicubic", (1, 2, 3, 4), dict(size=(5, 2))),
    ("bicubic", (2, 1, 4, 3), dict(scale_factor=(1.5, 0.7), align_corners=True)),
    ("bicubic", (1, 1, 4, 4), dict(scale_factor=1.05)),  # same size, moved positions
    ("bilinear", (1, 2, 7, 5), dict(size=(3, 2), antialias=True)),
    ("bicubic", (2, 1, 9, 4), dict(scale_factor=(0.4, 1.5), antialias=True,
                                   align_corners=True)),
])
def test_first_and_second_order_match_numerical(mode, shape, kwargs):
    x = np.random.default_rng(2).standard_normal(shape)
    gradcheck(lambda v: F.interpolate(v, mode=mode, **kwargs), x)
    gradgradcheck(lambda v: F.interpolate(v, mode=mode, **kwargs), x)
    gradgradcheck(lambda v: F.interpolate(v * v, mode=mode, **kwargs) ** 2, x)  # not zero


@pytest.mark.parametrize("kwargs", [
    dict(scale_factor=2), dict(scale_factor=(2, 1.5), mode="bilinear"),
    dict(size=(5, 7), mode="bilinear", align_corners=True), dict(size=3, mode="nearest-exact"),
    dict(scale_factor=1.5, mode="bilinear", recompute_scale_factor=True),
    dict(scale_factor=(2, 0.6), mode="bicubic"), dict(size=(3, 8), mode="bicubic",
                                                     align_corners=True),
])
def test_upsample_matches_torch(kwargs):
    compare_upsample(kwargs, (2, 3, 4, 5))


def compare_upsample(kwargs, shape):
    """nn.Upsample(**kwargs) against PyTorch's: repr, arguments, values, gradients."""
    ours, theirs = nn.Upsample(**kwargs), torch.nn.Upsample(**kwargs)
    assert repr(ours) == repr(theirs)
    assert ours.scale_factor == theirs.scale_factor and ours.size == theirs.size
    x = np.random.default_rng(3).standard_normal(shape).astype(np.float32)
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    y, yt = ours(xv), theirs(xt)
    assert_close(y, yt)
    (y * y).sum().backward()
    (yt * yt).sum().backward()
    assert_close(xv.grad, xt.grad, tol=1e-4)
    assert repr(type(ours)(**ours.get_config())) == repr(ours)


def test_bicubic_at_an_unchanged_size_interpolates_and_its_gradient_is_that_forwards():
    """A scale_factor of 1.05 keeps 4 pixels 4 but moves their source positions: PyTorch's
    forward interpolates (values equal here), its backward copies (its own gradcheck fails);
    ours is the forward's gradient, numerically checked."""
    x = np.random.default_rng(5).standard_normal((1, 2, 4, 4))
    y = F.interpolate(Variable(x), scale_factor=1.05, mode="bicubic")
    assert_close(y, TF.interpolate(torch.tensor(x), scale_factor=1.05, mode="bicubic"),
                 tol=1e-12)
    assert np.abs(y.data - x).max() > 0.01  # moved, not copied
    gradcheck(lambda v: F.interpolate(v, scale_factor=1.05, mode="bicubic"), x)
    with pytest.raises(Exception, match="Jacobian mismatch"):
        torch.autograd.gradcheck(lambda v: TF.interpolate(v, scale_factor=1.05, mode="bicubic"),
                                 (torch.tensor(x, requires_grad=True),))


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("scale_factor", [(2.0, 1.05), (1.1, 0.5), 1.05])
def test_antialias_copies_an_axis_whose_size_the_scale_factor_keeps(mode, scale_factor):
    """A scale_factor of 1.05 keeps 7 columns 7 (and 1.1 keeps 5 rows 5): PyTorch's
    antialiased forward copies such an axis, as its plain linear modes do; ours resampled
    it at the moved positions (up to 1.4 off). The gradient is that copy's (PyTorch's
    backward resamples instead: its own gradcheck fails)."""
    x = np.random.default_rng(6).standard_normal((1, 2, 5, 7))

    def resize(v):
        return F.interpolate(v, scale_factor=scale_factor, mode=mode, antialias=True)

    expected = TF.interpolate(torch.tensor(x), scale_factor=scale_factor, mode=mode,
                              antialias=True)
    assert_close(resize(Variable(x)), expected, tol=1e-12)
    gradcheck(resize, x)
    if scale_factor == 1.05:  # nothing resized: the input, copied
        np.testing.assert_array_equal(resize(x).data, x)


def test_bicubic_overshoots_as_torch_and_spreads_an_inf_as_torch():
    """The cubic kernel's negative lobes overshoot a step (values beyond the input's range),
    and even at an unchanged size an inf meets zero weights: NaN around it, as PyTorch."""
    step = np.zeros((1, 1, 1, 6))
    step[..., 3:] = 1.0
    y = F.interpolate(step, size=(1, 12), mode="bicubic")
    assert y.data.min() < 0 and y.data.max() > 1
    assert_close(y, TF.interpolate(torch.tensor(step), size=(1, 12), mode="bicubic"),
                 tol=1e-12)
    spike = np.zeros((1, 1, 3, 3))
    spike[0, 0, 1, 1] = np.inf
    y = F.interpolate(spike, size=(3, 3), mode="bicubic")
    expected = TF.interpolate(torch.tensor(spike), size=(3, 3), mode="bicubic").numpy()
    np.testing.assert_array_equal(y.data, expected)
    assert np.isinf(y.data[0, 0, 1, 1]) and np.isnan(y.data[0, 0, 0, 0])


@pytest.mark.parametrize("call, error, message", [
    (lambda x: F.interpolate(x[0], scale_factor=2, mode="bicubic"), NotImplementedError,
     r"interpolate: mode 'bicubic' needs a 4-D input \(N, C, ...\), got shape \(2, 3, 4\)"),
    (lambda x: F.interpolate(x[0], scale_factor=2, mode="bilinear", antialias=True),
     ValueError, r"interpolate: antialias=True is restricted to the bilinear and bicubic"),
    (lambda x: F.interpolate(x, scale_factor=2, antialias=True), ValueError,
     r"interpolate: antialias=True is restricted to the bilinear and bicubic modes"),
    (lambda x: F.interpolate(x, scale_factor=2, mode="cubic"), ValueError,
     r"interpolate: mode must be one of 'nearest', 'nearest-exact', 'linear', 'bilinear', "
     r"'bicubic', 'trilinear', 'area', got 'cubic'"),
    (lambda x: F.interpolate(x, scale_factor=2, align_corners=False), ValueError,
     r"interpolate: align_corners can only be set with the interpolating modes"),
    (lambda x: F.interpolate(x, scale_factor=2, mode="linear"), NotImplementedError,
     r"interpolate: mode 'linear' needs a 3-D input \(N, C, ...\), got shape \(1, 2, 3, 4\)"),
    (lambda x: F.interpolate(x[0], scale_factor=2, mode="bilinear"), NotImplementedError,
     r"interpolate: mode 'bilinear' needs a 4-D input"),
    (lambda x: F.interpolate(x[0, 0], scale_factor=2), NotImplementedError,
     r"interpolate: mode 'nearest' needs a 3-D or 4-D or 5-D input"),
    (lambda x: F.interpolate(x.astype(np.int64), size=2, mode="bilinear"), TypeError,
     r"interpolate: mode 'bilinear' needs a floating-point input, got int64"),
    (lambda x: F.interpolate(x, size=2, scale_factor=2), ValueError,
     r"interpolate: only one of size or scale_factor should be defined"),
    (lambda x: F.interpolate(x), ValueError,
     r"interpolate: either size or scale_factor should be defined"),
    (lambda x: F.interpolate(x, size=5, recompute_scale_factor=True), ValueError,
     r"interpolate: recompute_scale_factor is not meaningful with an explicit size"),
    (lambda x: F.interpolate(x, size=(2, 3, 4)), ValueError,
     r"interpolate: size \(2, 3, 4\) must have one entry per spatial axis of the input "
     r"\(1, 2, 3, 4\) \(2\)"),
    (lambda x: F.interpolate(x, scale_factor=[2]), ValueError,
     r"interpolate: scale_factor \(2,\) must have one entry per spatial axis"),
    (lambda x: F.interpolate(x, size=(0, 3)), ValueError,
     r"interpolate: size must hold positive integers, got \(0, 3\)"),
    (lambda x: F.interpolate(x, size=2.5), ValueError,
     r"interpolate: size must hold positive integers, got 2.5"),
    (lambda x: F.interpolate(x, scale_factor=-1.0), ValueError,
     r"interpolate: scale_factor must hold positive finite numbers, got -1.0"),
    (lambda x: F.interpolate(x, scale_factor="2"), ValueError,
     r"interpolate: scale_factor must hold positive finite numbers, got '2'"),
    (lambda x: F.interpolate(x, scale_factor=0.2), ValueError,
     r"interpolate: scale_factor 0.2 leaves no output for an input of shape \(1, 2, 3, 4\) "
     r"\(output size \(0, 0\)\)"),
])
def test_errors_name_the_op_and_what_was_wrong(call, error, message):
    with pytest.raises(error, match=message):
        call(np.zeros((1, 2, 3, 4)))


@pytest.mark.parametrize("mode, shape, antialias", [
    ("nearest", (1, 2, 0), False), ("nearest-exact", (1, 2, 3, 0), False),
    ("linear", (1, 2, 0), False), ("bilinear", (1, 2, 0, 4), False),
    ("bilinear", (1, 2, 0, 4), True), ("bicubic", (1, 2, 3, 0), True),
    ("bicubic", (1, 2, 0, 4), False), ("trilinear", (1, 2, 3, 0, 2), False),
    ("area", (1, 2, 0, 4), False)])
def test_an_empty_spatial_axis_is_refused_by_name_as_in_torch(mode, shape, antialias):
    # antialias gave zeros made of nothing; the other modes an IndexError from get_item
    with pytest.raises(ValueError, match=r"interpolate: the input of shape "
                                         rf"{re.escape(str(shape))} has an empty spatial axis"):
        F.interpolate(np.zeros(shape), size=3, mode=mode, antialias=antialias)


def test_an_empty_batch_still_interpolates_as_in_torch():
    assert F.interpolate(np.zeros((0, 2, 3, 4)), size=5, mode="bilinear").shape == (0, 2, 5, 5)


def test_antialias_averages_what_plain_interpolation_skips():
    """Bright lines every 4th column, shrunk 4 times: plain bilinear reads only the dark
    columns between them (aliasing: the lines vanish), antialias averages each output's
    four columns (a quarter of the light, as a camera would see it)."""
    lines = np.tile((np.arange(16) % 4 == 0).astype(float), (8, 1))[None, None]
    plain = F.interpolate(lines, size=(2, 4), mode="bilinear").data
    smooth = F.interpolate(lines, size=(2, 4), mode="bilinear", antialias=True).data
    np.testing.assert_array_equal(plain, 0.0)
    np.testing.assert_allclose(smooth[..., 1:-1], 0.25, atol=0.02)
    np.testing.assert_allclose(smooth.mean(), 0.25, atol=0.02)


def test_a_numpy_array_of_scale_factors_is_one_per_axis_or_one_for_all():
    x = np.arange(8.0).reshape(1, 1, 2, 4)
    by_array = F.interpolate(x, scale_factor=np.array([2.0, 3.0]))
    assert by_array.shape == (1, 1, 4, 12)
    np.testing.assert_array_equal(by_array.data, F.interpolate(x, scale_factor=[2, 3]).data)
    assert F.interpolate(x, scale_factor=np.float64(2)).shape == (1, 1, 4, 8)
    assert F.interpolate(x, scale_factor=np.array(2.0)).shape == (1, 1, 4, 8)
