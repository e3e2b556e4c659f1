"""F.interpolate's 'trilinear' and 'area' modes (and nn.Upsample with them) against PyTorch:
values and gradients over random shapes, sizes and scale factors in float32 and float64,
align_corners both ways; numerical first and second order for trilinear; their errors."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
import nn.functional as F
from autograd import gradcheck, gradgradcheck

from .test_interpolate import compare_upsample, compare_with_torch, with_size_or_scale

torch = pytest.importorskip("torch")
TF = torch.nn.functional


@st.composite
def resizes(draw):
    """(x, kwargs): 'trilinear' on (N, C, D, H, W) or 'area' on 1 to 3 spatial axes, with a
    size or a scale factor."""
    mode = draw(st.sampled_from(["trilinear", "area"]))
    rank = 5 if mode == "trilinear" else draw(st.sampled_from([3, 4, 5]))
    spatial = tuple(draw(st.integers(1, 6)) for _ in range(rank - 2))
    kwargs = dict(mode=mode)
    if mode == "trilinear":
        kwargs["align_corners"] = draw(st.booleans())
    return with_size_or_scale(draw, spatial, kwargs)


@given(resizes())
def test_trilinear_and_area_match_torch(case):
    compare_with_torch(*case)


@pytest.mark.parametrize("kwargs", [
    dict(mode="trilinear", size=(3, 1, 4)),
    dict(mode="trilinear", scale_factor=(1.5, 2, 0.7), align_corners=True),
    dict(mode="area", size=(1, 3, 2)),
])
def test_first_and_second_order_match_numerical(kwargs):
    x = np.random.default_rng(2).standard_normal((1, 1, 2, 2, 3))
    gradcheck(lambda v: F.interpolate(v, **kwargs), x)
    gradgradcheck(lambda v: F.interpolate(v * v, **kwargs) ** 2, x)  # not zero


@pytest.mark.parametrize("kwargs", [
    dict(scale_factor=2, mode="trilinear"),
    dict(size=(3, 5, 2), mode="trilinear", align_corners=True),
    dict(scale_factor=(0.5, 1.5, 2), mode="area"),
    dict(size=2, mode="area"),
])
def test_upsample_matches_torch(kwargs):
    compare_upsample(kwargs, (2, 3, 4, 3, 5))


@pytest.mark.parametrize("call, error, message", [
    (lambda x: F.interpolate(x, scale_factor=2, mode="trilinear"), NotImplementedError,
     r"interpolate: mode 'trilinear' needs a 5-D input \(N, C, ...\), got shape \(1, 2, 3, 4\)"),
    (lambda x: F.interpolate(x[0, 0], scale_factor=2, mode="area"), NotImplementedError,
     r"interpolate: mode 'area' needs a 3-D or 4-D or 5-D input"),
    (lambda x: F.interpolate(x, size=2, mode="area", align_corners=True), ValueError,
     r"interpolate: align_corners can only be set with the interpolating modes \(linear, "
     r"bilinear, bicubic, trilinear\), not with mode 'area'"),
    (lambda x: F.interpolate(x, size=2, mode="area", antialias=True), ValueError,
     r"interpolate: antialias=True is restricted to the bilinear and bicubic modes"),
    (lambda x: F.interpolate(x[..., None], size=2, mode="trilinear", antialias=True),
     ValueError, r"interpolate: antialias=True is restricted to the bilinear and bicubic"),
    (lambda x: F.interpolate(x.astype(np.int64), size=2, mode="area"), TypeError,
     r"interpolate: mode 'area' needs a floating-point input, got int64"),
    (lambda x: F.interpolate(x[..., None], size=(2, 3), mode="trilinear"), ValueError,
     r"interpolate: size \(2, 3\) must have one entry per spatial axis of the input "
     r"\(1, 2, 3, 4, 1\) \(3\)"),
    (lambda x: nn.Upsample(size=2, mode="area", align_corners=False)(x), ValueError,
     r"interpolate: align_corners can only be set with the interpolating modes"),
])
def test_errors_name_the_op_and_what_was_wrong(call, error, message):
    with pytest.raises(error, match=message):
        call(np.zeros((1, 2, 3, 4)))
