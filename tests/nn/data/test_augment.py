"""Random augmentations: what each does to a batch, seeding, and errors on bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn.data import (
    Compose,
    DataLoader,
    GaussianNoise,
    RandomFlip,
    RandomRotation,
    RandomShift,
    SaltAndPepperNoise,
    TensorDataset,
    ToFloat,
)

AUGMENTS = [lambda seed: RandomShift(2, seed=seed), lambda seed: RandomFlip(seed=seed),
            lambda seed: RandomRotation(30, seed=seed),
            lambda seed: GaussianNoise(0.1, seed=seed),
            lambda seed: SaltAndPepperNoise(0.2, seed=seed)]


def images(n=6, c=None, h=5, w=7):
    shape = (n, h, w) if c is None else (n, c, h, w)
    return np.random.default_rng(1).random(shape).astype(np.float32)


@pytest.mark.parametrize("make", AUGMENTS)
def test_same_seed_same_batches_and_calls_draw_afresh(make):
    x = images()
    a, b = make(7), make(7)
    first, second = a(x), a(x)
    np.testing.assert_array_equal(first, b(x))
    np.testing.assert_array_equal(second, b(x))
    assert not np.array_equal(first, second)
    assert first.shape == x.shape and first.dtype == x.dtype


@pytest.mark.parametrize("make", AUGMENTS)
def test_input_is_not_modified(make):
    x = images(c=2)
    before = x.copy()
    make(0)(x)
    np.testing.assert_array_equal(x, before)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 3), st.integers(1, 3), st.integers(0, 1000))
def test_shift_matches_a_per_image_roll_with_fill(max_shift, channels, seed):
    x = images(n=4, c=channels) + 1.0  # no zeros, so the fill is visible
    out = RandomShift(max_shift, fill=-1.0, seed=seed)(x)
    dy, dx = np.random.default_rng(seed).integers(-max_shift, max_shift + 1, size=(2, 4))
    for i in range(4):
        expected = np.full_like(x[i], -1.0)
        h, w = x.shape[-2:]
        src = x[i][..., max(0, -dy[i]):h - max(0, dy[i]), max(0, -dx[i]):w - max(0, dx[i])]
        expected[..., max(0, dy[i]):max(0, dy[i]) + src.shape[-2],
                 max(0, dx[i]):max(0, dx[i]) + src.shape[-1]] = src
        np.testing.assert_array_equal(out[i], expected)


def test_shift_zero_is_identity_and_integers_keep_dtype():
    x = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    np.testing.assert_array_equal(RandomShift(0, seed=0)(x), x)
    assert RandomShift(1, seed=0)(x).dtype == np.uint8


def test_rotation_turns_counter_clockwise_about_the_centre():
    square = images(n=2, c=3, h=5, w=5).astype(np.float64)
    np.testing.assert_allclose(RandomRotation((90, 90))(square), np.rot90(square, axes=(2, 3)),
                               atol=1e-12)
    np.testing.assert_allclose(RandomRotation((180, 180))(square), square[..., ::-1, ::-1],
                               atol=1e-12)
    np.testing.assert_array_equal(RandomRotation(0)(square), square)
    corner = RandomRotation((45, 45), fill=-1.0)(np.ones((1, 9, 9)))
    assert corner[0, 0, 0] == -1.0 and corner[0, 4, 4] == 1.0  # brought in from outside: fill
    ints = RandomRotation(10, seed=0)(np.ones((2, 4, 4), np.uint8))
    assert ints.dtype == np.float32


@settings(max_examples=25, deadline=None)
@given(st.floats(-180, 180), st.integers(3, 9), st.integers(3, 9))
def test_rotation_is_scipy_s_bilinear_rotation(angle, h, w):
    ndimage = pytest.importorskip("scipy.ndimage")
    image = np.random.default_rng(h * w).random((h, w))
    expected = ndimage.rotate(image, angle, reshape=False, order=1, mode="grid-constant")
    np.testing.assert_allclose(RandomRotation((angle, angle))(image[None])[0], expected,
                               atol=1e-9)


def test_flip_modes():
    x = images(n=3, c=2)
    np.testing.assert_array_equal(RandomFlip(p=1.0, seed=0)(x), x[..., ::-1])
    np.testing.assert_array_equal(RandomFlip("vertical", p=1.0, seed=0)(x), x[..., ::-1, :])
    np.testing.assert_array_equal(RandomFlip("horizontal_and_vertical", p=1.0, seed=0)(x),
                                  x[..., ::-1, ::-1])
    np.testing.assert_array_equal(RandomFlip(p=0.0, seed=0)(x), x)


def test_flip_each_image_is_either_kept_or_mirrored_about_half_the_time():
    x = images(n=400, h=2, w=3)
    out = RandomFlip(p=0.5, seed=3)(x)
    kept = np.all(out == x, axis=(1, 2))
    mirrored = np.all(out == x[..., ::-1], axis=(1, 2))
    assert np.all(kept ^ mirrored)
    assert 150 < mirrored.sum() < 250


def test_gaussian_noise_statistics_dtype_and_clip():
    x = np.zeros((200, 50), dtype=np.float32)
    out = GaussianNoise(0.5, seed=0)(x)
    assert out.dtype == np.float32
    assert abs(out.mean()) < 0.02 and abs(out.std() - 0.5) < 0.02
    clipped = GaussianNoise(0.5, clip=(0.0, 1.0), seed=0)(x + 0.5)
    assert clipped.min() == 0.0 and clipped.max() == 1.0 and clipped.dtype == np.float32
    assert GaussianNoise(1.0, seed=0)(np.array([[1, 2]], dtype=np.uint8)).dtype == np.float32
    np.testing.assert_array_equal(GaussianNoise(0.0, seed=0)(x), x)


def test_salt_and_pepper_share_and_values():
    x = np.full((100, 100), 0.5, dtype=np.float32)
    out = SaltAndPepperNoise(0.2, seed=0)(x)
    salt, pepper = (out == 1.0).mean(), (out == 0.0).mean()
    assert abs(salt - 0.1) < 0.01 and abs(pepper - 0.1) < 0.01
    assert np.all((out == 0.5) | (out == 0.0) | (out == 1.0)) and out.dtype == np.float32
    raw = SaltAndPepperNoise(1.0, low=0, high=255, seed=0)(np.full((4, 4), 9, np.uint8))
    assert set(np.unique(raw)) <= {0, 255} and raw.dtype == np.uint8


def test_inside_a_dataset_each_epoch_sees_new_variants():
    x = np.arange(4 * 3 * 3, dtype=np.uint8).reshape(4, 3, 3)
    ds = TensorDataset(x, np.arange(4), transform=Compose([ToFloat(), RandomShift(1, seed=0)]))
    loader = DataLoader(ds, batch_size=4)
    (first, _), (second, _) = next(iter(loader)), next(iter(loader))
    assert first.shape == (4, 3, 3) and not np.array_equal(first, second)


@pytest.mark.parametrize("make, message", [
    (lambda: RandomShift(-1), r"RandomShift: max_shift must be an integer >= 0, got -1"),
    (lambda: RandomShift(1.5), r"RandomShift: max_shift"),
    (lambda: RandomShift(1, fill="black"), r"RandomShift: fill must be a number"),
    (lambda: RandomFlip("diagonal"), r"RandomFlip: mode must be one of .*'diagonal'"),
    (lambda: RandomFlip(p=1.5), r"RandomFlip: p must be a number in \[0, 1\], got 1.5"),
    (lambda: GaussianNoise(-0.1), r"GaussianNoise: std must be a finite number >= 0"),
    (lambda: GaussianNoise(float("nan")), r"GaussianNoise: std"),
    (lambda: GaussianNoise(0.1, clip=(1, 0)), r"GaussianNoise: clip must have low <= high"),
    (lambda: GaussianNoise(0.1, clip=3), r"GaussianNoise: clip must be None or \(low, high\)"),
    (lambda: SaltAndPepperNoise(2), r"SaltAndPepperNoise: amount must be a number in \[0, 1\]"),
    (lambda: RandomShift(1, seed=-3), r"RandomShift: seed must be None or an integer >= 0"),
    (lambda: RandomFlip(seed="abc"), r"RandomFlip: seed must be None or an integer >= 0"),
    (lambda: RandomRotation(-5), r"RandomRotation: degrees must be a number >= 0 or a pair"),
    (lambda: RandomRotation((10, "x")), r"RandomRotation: degrees"),
    (lambda: RandomRotation(float("inf")), r"RandomRotation: degrees"),
    (lambda: RandomRotation(5, fill=None), r"RandomRotation: fill must be a number"),
])
def test_bad_settings_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("transform", [RandomShift(1), RandomFlip(), RandomRotation(5)])
def test_image_transforms_need_image_batches(transform):
    name = type(transform).__name__
    with pytest.raises(ValueError, match=rf"{name}: expects a batch of images .* got shape "
                                         r"\(5, 64\)"):
        transform(np.zeros((5, 64)))


@pytest.mark.parametrize("transform", [RandomShift(1), RandomFlip(), GaussianNoise(0.1),
                                       SaltAndPepperNoise(0.1), RandomRotation(5)])
def test_non_numeric_input_is_named(transform):
    with pytest.raises(TypeError, match=rf"{type(transform).__name__}: expects numeric arrays, "
                                        r"got dtype <U1"):
        transform(np.array([[["a"]]]))


def test_reprs_show_the_settings():
    assert repr(RandomShift(2)) == "RandomShift(max_shift=2, fill=0.0)"
    assert repr(RandomFlip("vertical", p=0.25)) == "RandomFlip(mode='vertical', p=0.25)"
    assert "std=0.1" in repr(GaussianNoise(0.1))
    assert "amount=0.05" in repr(SaltAndPepperNoise(0.05))
