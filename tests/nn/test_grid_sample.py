"""F.grid_sample and F.affine_grid against PyTorch: every mode (bicubic on images), padding
mode and
align_corners, several shapes of images and volumes, float32 and float64, grids reaching
outside [-1, 1] and landing on the edges; values and gradients with respect to the input,
the grid and theta; numerical first and second order; an image and a volume moved by the
pair; the errors."""
import itertools

import numpy as np
import pytest

import nn.functional as F
from autograd import Variable, gradcheck, gradgradcheck

from ._helpers import assert_close, assert_matches_torch

torch = pytest.importorskip("torch")
TF = torch.nn.functional

DTYPES = [np.float32, np.float64]
MODES = ["bilinear", "nearest", "bicubic"]  # (bicubic: images only, as PyTorch's)
PADDINGS = ["zeros", "border", "reflection"]
ALIGN = [False, True, None]
SHAPES = [((2, 3, 4, 5), (3, 6)), ((1, 1, 1, 1), (2, 2)), ((1, 2, 5, 1), (4, 3)),
          ((3, 1, 2, 3), (1, 1))]


def tolerance(dtype):
    return 2e-5 if dtype == np.float32 else 1e-12


def sample_grid(rng, batch, out, dtype):
    """(batch, *out, len(out)) in [-1.7, 1.7], with the corners (+-1) and the middle among
    them."""
    dims = len(out)
    grid = rng.uniform(-1.7, 1.7, size=(batch, *out, dims))
    edges = np.array([[-1.0, -1.0, 1.0], [1.0, 1.0, -1.0], [1.0, -1.0, 1.0], [0.0, 0.0, 0.0],
                      [-1.0, 0.5, -1.0]])[:, :dims]
    flat = grid.reshape(-1, dims)
    flat[:min(len(edges), len(flat))] = edges[:len(flat)]
    return flat.reshape(grid.shape).astype(dtype)


def compare(x, grid, mode, padding_mode, align_corners):
    """grid_sample's values and gradients (input and grid) against torch's."""
    tol = tolerance(x.dtype)
    (_, gv), (_, gt) = assert_matches_torch(
        lambda x, grid: F.grid_sample(x, grid, mode, padding_mode, align_corners),
        lambda x, grid: TF.grid_sample(x, grid, mode, padding_mode, align_corners),
        [x, grid], tol, differentiated=(0, 1), grad_tol=tol * 10)
    if mode == "nearest":  # piecewise constant in the grid: zeros, as torch's (not None)
        assert gv.grad.shape == grid.shape and not gv.grad.data.any() and not gt.grad.any()


VOLUMES = [((2, 3, 3, 4, 5), (2, 3, 4)), ((1, 1, 1, 1, 1), (2, 2, 1)),
           ((1, 2, 4, 1, 3), (3, 1, 2))]


@pytest.mark.filterwarnings("ignore::UserWarning")  # torch's note on align_corners=None
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode, padding_mode, align_corners, shapes", [
    pytest.param(mode, padding, align, shapes, id=f"{mode}-{padding}-{align}-{kind}")
    for mode, padding, align in itertools.product(MODES, PADDINGS, ALIGN)
    for kind, shapes in (("images", SHAPES), ("volumes", VOLUMES))
    if not (mode == "bicubic" and kind == "volumes")])  # (images only, as PyTorch's)
def test_grid_sample_matches_torch(mode, padding_mode, align_corners, dtype, shapes):
    rng = np.random.default_rng(0)
    for shape, out in shapes:
        x = rng.standard_normal(shape).astype(dtype)
        compare(x, sample_grid(rng, shape[0], out, dtype), mode, padding_mode, align_corners)


def test_grid_sample_on_volumes_numerically_to_second_order():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((1, 2, 2, 3, 2))
    grid = rng.uniform(-1.4, 1.4, size=(1, 2, 1, 2, 3))

    def f(x, grid):
        return F.grid_sample(x, grid, "bilinear", "reflection", False)
    gradcheck(f, x, grid)
    gradgradcheck(f, x, grid)


def test_affine_grid_and_grid_sample_move_a_volume_as_torch():
    """A 3-D affine map (rotation about the depth axis and a shift) through both ops: the
    values and the gradient with respect to theta equal torch's."""
    rng = np.random.default_rng(7)
    volume = rng.standard_normal((2, 2, 4, 5, 6)).astype(np.float32)
    a = 0.4
    theta = np.array([[[np.cos(a), -np.sin(a), 0, 0.1], [np.sin(a), np.cos(a), 0, 0.0],
                       [0, 0, 1, -0.2]]] * 2, np.float32)
    assert_matches_torch(
        lambda x, t: F.grid_sample(x, F.affine_grid(t, x.shape, False), align_corners=False),
        lambda x, t: TF.grid_sample(x, TF.affine_grid(t, x.shape, False), align_corners=False),
        [volume, theta], 1e-5, differentiated=(0, 1), grad_tol=1e-4)


@pytest.mark.parametrize("padding_mode", PADDINGS)
def test_grid_sample_far_outside_reflects_and_clips_as_torch(padding_mode):  # (and bicubic)
    """Coordinates many widths away: reflection folds them back many times."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((1, 2, 3, 4))
    grid = rng.uniform(-9.0, 9.0, size=(1, 5, 5, 2))
    for mode, align_corners in itertools.product(MODES, (False, True)):
        compare(x, grid, mode, padding_mode, align_corners)


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("padding_mode, align_corners",
                         list(itertools.product(PADDINGS, (False, True))))
def test_grid_sample_gradients_numerically_to_second_order(padding_mode, align_corners, mode):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 2, 3, 4))
    grid = rng.uniform(-1.4, 1.4, size=(2, 3, 2, 2))

    def f(x, grid):
        return F.grid_sample(x, grid, mode, padding_mode, align_corners)
    gradcheck(f, x, grid)
    gradgradcheck(f, x, grid)  # the mixed second derivatives are not zero
    gradgradcheck(lambda x, grid: f(x * x, grid) ** 2, x, grid)


def test_grid_sample_nearest_rounds_halves_to_even():
    """Positions exactly between two pixels go to the even one (ATen's nearbyint)."""
    x = np.arange(4.0).reshape(1, 1, 1, 4)
    grid = np.array([[[[-0.5, 0.0], [0.0, 0.0], [0.5, 0.0]]]])  # positions 0.5, 1.5, 2.5
    y = F.grid_sample(x, grid, "nearest", align_corners=False)
    np.testing.assert_array_equal(y.data.ravel(), [0.0, 2.0, 2.0])
    assert_close(y, TF.grid_sample(torch.tensor(x), torch.tensor(grid), "nearest",
                                   align_corners=False))


def test_affine_grid_and_grid_sample_rotate_an_image_as_torch():
    rng = np.random.default_rng(4)
    image = rng.standard_normal((2, 3, 9, 11)).astype(np.float32)
    angles = np.array([0.3, -1.1])
    theta = np.stack([[[np.cos(a), -np.sin(a), 0.1], [np.sin(a), np.cos(a), -0.2]]
                      for a in angles]).astype(np.float32)
    for mode, padding_mode, align_corners in itertools.product(MODES, PADDINGS, (False, True)):
        thv, xv = Variable(theta), Variable(image)
        tht, xt = (torch.tensor(v, requires_grad=True) for v in (theta, image))
        y = F.grid_sample(xv, F.affine_grid(thv, image.shape, align_corners), mode,
                          padding_mode, align_corners)
        yt = TF.grid_sample(xt, TF.affine_grid(tht, image.shape, align_corners), mode,
                            padding_mode, align_corners)
        assert_close(y, yt, tol=1e-5)
        (y * y).sum().backward()
        (yt * yt).sum().backward()
        assert_close(xv.grad, xt.grad, tol=1e-4)
        if mode == "bilinear":  # theta learns through the grid (a spatial transformer)
            assert_close(thv.grad, tht.grad, tol=1e-3)


def test_identity_affine_grid_samples_the_image_itself():
    image = np.random.default_rng(5).standard_normal((1, 2, 4, 6))
    identity = np.array([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
    for align_corners in (False, True):
        grid = F.affine_grid(identity, image.shape, align_corners)
        for mode in MODES:
            y = F.grid_sample(image, grid, mode, "zeros", align_corners)
            np.testing.assert_allclose(y.data, image, atol=1e-12)


AFFINE_SIZES = [(2, 3, 4, 5), (1, 1, 1, 3), (2, 1, 3, 1), (1, 2, 7, 7), (2, 1, 3, 2, 4),
                (1, 1, 1, 1, 1), (1, 3, 2, 5, 3)]


@pytest.mark.filterwarnings("ignore::UserWarning")  # torch's note on unit-size grids
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("align_corners", ALIGN)
@pytest.mark.parametrize("size", AFFINE_SIZES)
def test_affine_grid_matches_torch(size, align_corners, dtype):
    dims = len(size) - 2
    theta = np.random.default_rng(6).standard_normal((size[0], dims, dims + 1)).astype(dtype)
    tol = tolerance(dtype)
    assert_matches_torch(lambda t: F.affine_grid(t, size, align_corners),
                         lambda t: TF.affine_grid(t, size, align_corners), [theta], tol,
                         grad_tol=tol * 10)


def test_affine_grid_gradients_numerically_to_second_order():
    theta = np.random.default_rng(8).standard_normal((2, 2, 3))
    gradcheck(lambda t: F.affine_grid(t, (2, 1, 3, 4)), theta)
    gradgradcheck(lambda t: F.affine_grid(t * t, (2, 1, 3, 4), True) ** 2, theta)


def test_a_spatial_transformer_differentiates_to_second_order():
    rng = np.random.default_rng(9)
    image, theta = rng.standard_normal((1, 1, 4, 5)), rng.standard_normal((1, 2, 3)) * 0.6

    def f(image, theta):
        return F.grid_sample(image, F.affine_grid(theta, image.shape, False), "bilinear",
                             "border", False)
    gradcheck(f, image, theta)
    gradgradcheck(f, image, theta)


X4, GRID = np.zeros((2, 3, 4, 5)), np.zeros((2, 3, 3, 2))


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.grid_sample(np.zeros((1, 1, 2, 2, 2)), np.zeros((1, 1, 1, 1, 3)),
                           mode="bicubic"), ValueError,
     r"bicubic interpolation only supports 4-D input \(N, C, H, W\), got shape"),
    (lambda: F.grid_sample(X4, GRID, mode="area"), ValueError, "mode must be.*'area'"),
    (lambda: F.grid_sample(X4, GRID, padding_mode="wrap"), ValueError,
     "padding_mode must be.*'wrap'"),
    (lambda: F.grid_sample(np.zeros((1, 1, 2, 2, 2)), np.zeros((1, 1, 1, 1, 2))), ValueError,
     r"grid must have shape \(N, D_out, H_out, W_out, 3\) for a 5-D input, got "
     r"\(1, 1, 1, 1, 2\)"),
    (lambda: F.grid_sample(np.zeros((3, 4, 5)), GRID), ValueError, r"4-D input.*\(3, 4, 5\)"),
    (lambda: F.grid_sample(X4, np.zeros((2, 3, 3, 3))), ValueError,
     r"grid must have shape.*\(2, 3, 3, 3\)"),
    (lambda: F.grid_sample(X4, np.zeros((2, 9, 2))), ValueError, r"grid must.*\(2, 9, 2\)"),
    (lambda: F.grid_sample(X4, np.zeros((1, 3, 3, 2))), ValueError, "same batch size"),
    (lambda: F.grid_sample(X4.astype(np.float32), GRID), TypeError,
     "same dtype.*float32 and float64"),
    (lambda: F.grid_sample(X4.astype(int), GRID), TypeError, "grid_sample.*int64"),
    (lambda: F.grid_sample(np.zeros((2, 3, 0, 5)), GRID), ValueError, "empty spatial axis"),
    (lambda: F.affine_grid(np.zeros((2, 2, 3)), (2, 1, 4)), NotImplementedError,
     r"4-D and 5-D.*\(2, 1, 4\)"),
    (lambda: F.affine_grid(np.zeros((2, 2, 3)), (2, 1, 0, 4)), ValueError,
     r"positive output size.*\(2, 1, 0, 4\)"),
    (lambda: F.affine_grid(np.zeros((2, 2, 3)), (3, 1, 4, 4)), ValueError,
     r"\(3, 2, 3\).*got \(2, 2, 3\)"),
    (lambda: F.affine_grid(np.zeros((2, 2, 3)), (2, 1, 4, 4, 4)), ValueError,
     r"\(N, 3, 4\).*got \(2, 2, 3\)"),
    (lambda: F.affine_grid(np.zeros((2, 3)), (2, 1, 4, 4)), ValueError, r"got \(2, 3\)"),
    (lambda: F.affine_grid(np.zeros((2, 2, 3), int), (2, 1, 4, 4)), TypeError,
     "affine_grid.*int64"),
    (lambda: F.affine_grid(np.zeros((2, 2, 3)), 4), TypeError, "size must be a sequence"),
])
def test_errors_name_what_is_wrong(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("mode", ["bilinear", "nearest", "bicubic"])
def test_no_channels_give_an_empty_output_as_torch(mode):
    out = F.grid_sample(np.zeros((1, 0, 3, 3)), np.zeros((1, 2, 2, 2)), mode=mode,
                        align_corners=False)
    assert out.shape == (1, 0, 2, 2)
