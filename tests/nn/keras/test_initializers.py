"""nn.initializers (keras.initializers) against Keras 3's: the spread and bounds of each
draw, the fans Keras counts (a convolution's receptive field), orthogonality; Dense's and
Conv2D's kernel_initializer= / bias_initializer=, saved with the model."""
import numpy as np
import pytest

import nn
import nn.keras as keras
from autograd import Parameter
from nn import initializers

# Keras 3.15's draws of these shapes had these standard deviations and largest values
# (float32, one draw each): the expected spreads below are the formulas they follow.
KERAS_STD = {("he_normal", (64, 48)): 0.1762, ("he_normal", (3, 3, 16, 32)): 0.1183,
             ("glorot_uniform", (64, 48)): 0.1353, ("glorot_normal", (3, 3, 16, 32)): 0.0687,
             ("lecun_normal", (64, 48)): 0.1251, ("truncated_normal", (64, 48)): 0.0439,
             ("random_uniform", (64, 48)): 0.0288, ("orthogonal", (64, 48)): 0.1248}


def spread(name, shape):
    """(standard deviation, bound on |value|) the formulas give for a draw."""
    fan_in, fan_out = (shape[-2] * np.prod(shape[:-2]), shape[-1] * np.prod(shape[:-2]))
    variance = {"he": 2 / fan_in, "glorot": 2 / (fan_in + fan_out), "lecun": 1 / fan_in}
    family, _, kind = name.partition("_")
    if family in variance:
        std = np.sqrt(variance[family])
        return std, (np.sqrt(3) * std if kind == "uniform" else 2 * std / 0.8796)
    return {"truncated_normal": (0.05 * 0.8796, 0.1), "random_uniform": (0.05 / np.sqrt(3), 0.05),
            "random_normal": (0.05, np.inf)}[name]


@pytest.mark.parametrize("name", ["he_normal", "he_uniform", "glorot_normal", "glorot_uniform",
                                  "lecun_normal", "lecun_uniform", "truncated_normal",
                                  "random_uniform", "random_normal"])
@pytest.mark.parametrize("shape", [(64, 48), (3, 3, 16, 32)])
def test_each_draw_has_keras_spread_and_bounds(name, shape):
    np.random.seed(0)
    drawn = initializers.get(name)(shape, "float32")
    std, bound = spread(name, shape)
    assert drawn.shape == shape and drawn.dtype == np.float32
    assert drawn.std() == pytest.approx(std, rel=0.05)
    assert np.abs(drawn).max() <= bound * (1 + 1e-6)
    if (name, shape) in KERAS_STD:
        assert drawn.std() == pytest.approx(KERAS_STD[name, shape], rel=0.06)


def test_orthogonal_and_the_constants():
    np.random.seed(0)
    q = initializers.get("orthogonal")((64, 48))
    np.testing.assert_allclose(q.T @ q, np.eye(48), atol=1e-6)
    wide = initializers.Orthogonal(gain=2.0)((3, 8))
    np.testing.assert_allclose(wide @ wide.T, 4 * np.eye(3), atol=1e-5)
    assert (initializers.Constant(0.3)((2, 2)) == 0.3).all()
    assert initializers.get("HeNormal").mode == "fan_in"  # Keras' class names too


def test_dense_and_conv2d_draw_with_them_in_keras_layout():
    np.random.seed(0)
    dense = nn.Dense(400, input_shape=(300,), kernel_initializer="he_uniform",
                     bias_initializer=keras.initializers.Constant(0.5))
    assert np.abs(dense.weight.data).max() <= np.sqrt(6 / 300)  # fan_in: Keras' kernel rows
    assert dense.weight.data.std() == pytest.approx(np.sqrt(2 / 300), rel=0.03)
    assert (dense.bias.data == 0.5).all()
    conv = keras.layers.Conv2D(32, 3, kernel_initializer="he_normal", bias_initializer="ones")
    conv(np.zeros((1, 8, 8, 16), np.float32))
    assert conv.kernel.data.std() == pytest.approx(np.sqrt(2 / (9 * 16)), rel=0.05)
    assert (conv.bias.data == 1).all()


def test_the_default_dense_draw_is_unchanged():
    """glorot_uniform by default draws as before (nn.init's xavier_uniform_ on the (out, in)
    weight): seeded models keep their weights."""
    np.random.seed(4)
    default = nn.Dense(5, input_shape=(3,)).weight.data
    np.random.seed(4)
    xavier = nn.init.xavier_uniform_(Parameter(np.empty((5, 3), np.float32)))
    np.testing.assert_array_equal(default, xavier.data)


def test_initializers_are_saved_with_the_model(tmp_path):
    model = keras.Sequential([keras.Input((4,)),
                              nn.Dense(3, kernel_initializer=keras.initializers.HeNormal()),
                              nn.Dense(2, kernel_initializer="lecun_uniform")])
    model.compile(optimizer="sgd", loss="mse")
    model.save(tmp_path / "m.rungrad")
    loaded = nn.load_model(tmp_path / "m.rungrad")
    assert isinstance(loaded[1].kernel_initializer, keras.initializers.HeNormal)
    assert loaded[2].kernel_initializer == "lecun_uniform"
    np.testing.assert_array_equal(loaded[1].weight.data, model[1].weight.data)


def test_an_unknown_name_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="Dense: unknown kernel_initializer 'he_norm'; use a "
                                         "callable"):
        nn.Dense(3, kernel_initializer="he_norm")
    with pytest.raises(ValueError, match="VarianceScaling: mode must be"):
        initializers.VarianceScaling(mode="fan")


@pytest.mark.parametrize("make", [
    lambda seed: keras.initializers.GlorotUniform(seed=seed),
    lambda seed: keras.initializers.HeNormal(seed=seed),
    lambda seed: keras.initializers.VarianceScaling(2.0, "fan_avg", "untruncated_normal", seed),
    lambda seed: keras.initializers.RandomUniform(seed=seed),
    lambda seed: keras.initializers.TruncatedNormal(seed=seed),
    lambda seed: keras.initializers.Orthogonal(seed=seed)])
def test_a_seeded_initializer_draws_the_same_values_every_time(make):
    """Keras 3's rule: an int seed fixes the values (two layers given the same seeded
    initializer start alike); without one, NumPy's global generator draws anew."""
    first, again = make(7)((6, 4)), make(7)((6, 4))
    np.testing.assert_array_equal(first, again)
    np.testing.assert_array_equal(make(7)((6, 4)), make(7)((6, 4)))
    assert not np.array_equal(first, make(8)((6, 4)))
    unseeded = make(None)
    assert not np.array_equal(unseeded((6, 4)), unseeded((6, 4)))
    layers = [keras.layers.Dense(4, kernel_initializer=make(3)) for _ in range(2)]
    for layer in layers:
        layer(np.ones((1, 6), np.float32))  # (built by the first call)
    np.testing.assert_array_equal(layers[0].get_weights()[0], layers[1].get_weights()[0])
    with pytest.raises(ValueError, match=r"seed must be None or an int in \[0, 2\*\*32\)"):
        make(-1)


@pytest.mark.parametrize("name", ["identity", "Identity", "IdentityInitializer"])
def test_identity_by_its_names(name):
    got = initializers.get(name)
    assert type(got) is keras.initializers.IdentityInitializer is keras.initializers.Identity
    np.testing.assert_array_equal(got((2, 3)), np.eye(2, 3, dtype=np.float32))
    np.testing.assert_array_equal(keras.initializers.Identity(2.5)((3, 3)), 2.5 * np.eye(3))
    with pytest.raises(ValueError, match="only be used for 2D matrices"):
        got((3, 3, 3))


def test_orthogonal_initializer_is_keras_alias():
    assert type(initializers.get("OrthogonalInitializer")) is initializers.Orthogonal
    assert keras.initializers.OrthogonalInitializer is keras.initializers.Orthogonal


@pytest.mark.parametrize("cls", [initializers.get(name).__class__
                                 for name in sorted(initializers.ALL)])
def test_every_class_comes_back_from_its_class_name_and_config(cls):
    made = cls()
    again = initializers.get({"class_name": cls.__name__, "config": made.get_config()})
    assert type(again) is cls and again.get_config() == made.get_config()
    seeded = {"class_name": "HeNormal", "config": {"seed": 1}}
    np.testing.assert_array_equal(initializers.get(seeded)((3, 2)),
                                  initializers.HeNormal(seed=1)((3, 2)))
    with pytest.raises(ValueError, match="unknown initializer"):
        initializers.get({"class_name": "Dense", "config": {}})


@pytest.mark.parametrize("scale", [0.0, -1.0])
def test_variance_scaling_refuses_a_scale_not_positive_when_made(scale):
    with pytest.raises(ValueError, match="Argument `scale` must be positive float"):
        initializers.VarianceScaling(scale=scale)


def test_variance_scaling_reads_normal_as_truncated_normal():
    for name in ("normal", "Normal", "TRUNCATED_NORMAL"):
        assert initializers.VarianceScaling(distribution=name).distribution == "truncated_normal"
    drawn = initializers.VarianceScaling(4.0, distribution="normal", seed=0)((200, 300))
    assert np.abs(drawn).max() <= 2 * np.sqrt(4.0 / 200) / 0.8796 + 1e-6  # cut at 2 std
    assert drawn.std() == pytest.approx(np.sqrt(4.0 / 200), rel=0.03)


@pytest.mark.parametrize("shape", [(4,), ()])
def test_orthogonal_refuses_fewer_than_two_dimensions(shape):
    with pytest.raises(ValueError, match="must be at least two-dimensional"):
        initializers.Orthogonal()(shape)


@pytest.mark.parametrize("name", ["he_normal", "glorot_uniform", "orthogonal", "zeros",
                                  "random_normal", "identity"])
def test_dtype_none_is_float32_as_keras_floatx(name):
    made = initializers.get(name)
    assert made((3, 3), None).dtype == np.float32 == made((3, 3)).dtype
    assert made((3, 3), "float64").dtype == np.float64


def test_input_and_output_axes_choose_the_fans_as_keras_3_15():
    """GlorotUniform(input_axes=[0], output_axes=[1, 2]) of (40, 5, 6): fans 40 and 30, so
    |w| <= sqrt(6 / 70), nearly reached; one of the two alone is refused (Keras 3.15
    ignores it), as are axes that are not ints, when made."""
    made = initializers.GlorotUniform(input_axes=(0,), output_axes=[1, 2], seed=3)
    assert made.get_config() == {"seed": 3, "input_axes": [0], "output_axes": [1, 2]}
    limit = np.sqrt(6 / 70)
    assert 0.95 * limit < np.abs(made((40, 5, 6))).max() <= limit
    with pytest.raises(ValueError, match=r"GlorotUniform: input_axes and output_axes count "
                                         r"the fans together: give both or neither, got "
                                         r"input_axes=\[0\], output_axes=None"):
        initializers.GlorotUniform(input_axes=[0], seed=3)
    with pytest.raises(ValueError, match="VarianceScaling: .* got input_axes=None, "
                                         r"output_axes=\[1\]"):
        initializers.VarianceScaling(output_axes=[1])
    for axes in (["x"], 2, [True]):
        with pytest.raises(TypeError, match=r"HeUniform: input_axes must be a list of ints "
                                            r"\(axes of the weight\), got "):
            initializers.HeUniform(input_axes=axes, output_axes=[0])
    wide = initializers.VarianceScaling(2.0, "fan_in", "untruncated_normal", 0, [0, 1], [2])
    np.testing.assert_allclose(wide((40, 50, 6)).std(), np.sqrt(2 / 2000), rtol=0.05)
    with pytest.raises(ValueError, match=r"HeNormal: input_axes and output_axes must be axes "
                                         r"of the weight's shape \(4, 5\), got \[2\]"):
        initializers.HeNormal(input_axes=[2], output_axes=[1])((4, 5))
    with pytest.raises(TypeError, match="GlorotUniform.__init__.* unexpected keyword"):
        initializers.GlorotUniform(fan_axes=[0])


def test_layers_take_keras_3_15_configs_with_axes():
    """Keras 3.15 writes input_axes and output_axes into every variance-scaling config."""
    config = {"module": "keras.initializers", "class_name": "GlorotUniform",
              "config": {"seed": None, "input_axes": None, "output_axes": None},
              "registered_name": None}
    np.random.seed(4)
    einsum = keras.layers.EinsumDense("abc,cde->abde", (None, 8, 16), kernel_initializer=config)
    einsum.build((2, 3, 64))  # (fans 64 and 128, the kernel's input and output axes)
    assert np.abs(einsum.get_weights()[0]).max() <= np.sqrt(6 / 192)
    dense = keras.layers.Dense(3, kernel_initializer=config)
    assert dense(np.ones((2, 4), np.float32)).shape == (2, 3)
    assert einsum.get_config()["kernel_initializer"] == config  # (as given)
