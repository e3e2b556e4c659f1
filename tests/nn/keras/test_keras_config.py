"""keras.config's settings: each as Keras 3.15 has it (values and defaults written as Keras
gives them), process-wide or per thread as Keras keeps it, and taking effect where
rungrad's Keras layers, losses and fit read it."""
import threading
import warnings

import numpy as np
import pytest

import nn.keras as keras
from nn.keras import config


@pytest.fixture(autouse=True)
def _restored():
    yield
    config.set_floatx("float32")
    config.set_epsilon(1e-7)
    config.set_image_data_format("channels_last")
    config.set_max_epochs(None)
    config.set_max_steps_per_epoch(None)
    config.enable_interactive_logging()
    config.enable_flash_attention()
    keras.utils.clear_session()


def _in_thread(fn):
    out = []
    thread = threading.Thread(target=lambda: out.append(fn()))
    thread.start()
    thread.join()
    return out[0]


def test_defaults_are_keras():
    assert config.floatx() == "float32"
    assert config.epsilon() == 1e-07
    assert config.image_data_format() == "channels_last"
    assert config.max_epochs() is None and config.max_steps_per_epoch() is None
    assert config.is_interactive_logging_enabled() is True
    assert config.is_flash_attention_enabled() is None
    assert config.is_nnx_enabled() is False


def test_floatx_makes_new_keras_layers_float64_in_every_thread():
    config.set_floatx("float64")
    assert _in_thread(config.floatx) == "float64"  # (a module global in Keras)
    layer = keras.layers.Dense(2)
    out = layer(np.ones((1, 3), "float32"))
    assert out.dtype == np.float64
    assert all(p.dtype == np.float64 for p in layer.parameters())
    assert config.dtype_policy().name == "float64"
    config.set_floatx("float32")
    assert keras.layers.Dense(2)(np.ones((1, 3), "float32")).dtype == np.float32


def test_floatx_refuses_unknown_and_bfloat16():
    with pytest.raises(ValueError, match="floatx"):
        config.set_floatx("float8")
    with pytest.raises(ValueError, match="bfloat16"):
        config.set_floatx("bfloat16")
    assert config.floatx() == "float32"


def test_an_explicit_dtype_policy_wins_over_floatx():
    config.set_floatx("float64")
    config.set_dtype_policy("float32")
    assert keras.layers.Dense(2)(np.ones((1, 3), "float32")).dtype == np.float32


def test_epsilon_is_read_by_the_losses_at_each_call():
    y_true = np.array([[0.0, 1.0]], "float32")
    y_pred = np.array([[0.0, 1.0]], "float32")
    config.set_epsilon(1e-3)
    assert _in_thread(config.epsilon) == 1e-3
    # Keras 3.15's values at epsilon 1e-3
    np.testing.assert_allclose(keras.losses.BinaryCrossentropy()(y_true, y_pred).data,
                               0.001000493997707963, rtol=1e-4)  # (float32)
    np.testing.assert_allclose(keras.losses.CategoricalCrossentropy()(y_true, y_pred).data,
                               0.0010004874784499407, rtol=1e-5)
    np.testing.assert_allclose(
        keras.losses.SparseCategoricalCrossentropy()(np.array([1]),
                                                     np.array([[1.0, 0.0]], "float32")).data,
        6.907755374908447, rtol=1e-5)
    np.testing.assert_allclose(
        keras.losses.BinaryFocalCrossentropy()(y_true, np.array([[0.0, 0.5]], "float32")).data,
        0.08664339780807495, rtol=1e-5)


def test_epsilon_refuses_non_numbers():
    with pytest.raises(ValueError, match="set_epsilon"):
        config.set_epsilon("small")


def test_image_data_format_is_the_layout_layers_take_for_none():
    config.set_image_data_format("CHANNELS_FIRST")
    try:
        assert config.image_data_format() == "channels_first"
        conv = keras.layers.Conv2D(2, 3)
        pooled = keras.layers.GlobalAveragePooling2D()
        assert conv.data_format == pooled.data_format == "channels_first"
        images = np.random.default_rng(0).random((2, 1, 5, 6)).astype("float32")
        assert pooled(conv(images)).shape == (2, 2)
        assert keras.layers.Conv2D(2, 3, data_format="channels_last").data_format == \
            "channels_last"
    finally:
        config.set_image_data_format("channels_last")
    assert keras.layers.Conv2D(2, 3).data_format == "channels_last"
    with pytest.raises(ValueError, match="data_format"):
        config.set_image_data_format("nhwc")
    assert config.image_data_format() == "channels_last"


def _fitted(epochs):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model.fit(np.ones((64, 3), "float32"), np.ones((64, 1), "float32"),
                     epochs=epochs, batch_size=8, verbose=0)


def test_max_epochs_and_steps_cap_fit_with_keras_warnings():
    config.set_max_epochs(2)
    config.set_max_steps_per_epoch(3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = _fitted(5)
    assert len(history.history["loss"]) == 2
    assert history.params["steps"] == 3
    messages = {str(w.message) for w in caught}
    assert {"Limiting epochs to 2", "Limiting steps_per_epoch to 3"} <= messages


def test_max_caps_leave_shorter_runs_alone_and_check_their_value():
    config.set_max_epochs(10)
    assert len(_fitted(2).history["loss"]) == 2
    for bad in (0, -1, 2.5, "3"):
        with pytest.raises(ValueError, match="positive integer"):
            config.set_max_epochs(bad)


def test_interactive_logging_is_per_thread():
    keras.utils.disable_interactive_logging()
    assert keras.utils.is_interactive_logging_enabled() is False
    assert _in_thread(config.is_interactive_logging_enabled) is True
    config.enable_interactive_logging()
    assert config.is_interactive_logging_enabled() is True


def test_flash_attention_setting_is_keras_and_per_thread():
    config.disable_flash_attention()
    assert config.is_flash_attention_enabled() is False
    assert _in_thread(config.is_flash_attention_enabled) is None
    config.enable_flash_attention()
    assert config.is_flash_attention_enabled() is None


def test_one_backend():
    assert config.backend() == "rungrad"
    config.set_backend("rungrad")
    with pytest.raises(ValueError, match="one backend"):
        config.set_backend("jax")


def test_traceback_filtering_is_never_done():
    config.disable_traceback_filtering()
    assert config.is_traceback_filtering_enabled() is False
    with pytest.warns(UserWarning, match="does not filter"):
        config.enable_traceback_filtering()
    assert config.is_traceback_filtering_enabled() is False


def test_unsafe_deserialization_is_a_warned_no_op():
    with pytest.warns(UserWarning, match="never runs code"):
        config.enable_unsafe_deserialization()


def test_clear_session_resets_the_dtype_policy_to_floatx():
    config.set_dtype_policy("mixed_float16")
    config.disable_flash_attention()
    keras.utils.clear_session(free_memory=False)
    assert config.dtype_policy().name == "float32"
    assert config.is_flash_attention_enabled() is None
    config.set_floatx("float64")
    assert config.dtype_policy().name == "float64"
