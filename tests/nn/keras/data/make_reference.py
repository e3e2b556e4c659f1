"""Write keras_reference.npz: fixed cases run through real Keras 3 (JAX backend), which
tests/nn/keras/test_keras_agreement.py asserts rungrad's nn.keras layers reproduce.

Run with Keras installed (not by the test suite):

    KERAS_BACKEND=jax python tests/nn/keras/data/make_reference.py

The file holds `index`, a JSON string: for each case its layer (the class in
keras.layers) and keyword arguments (the same in both libraries), the input it runs on
(`images` or `sequences`, stored once, or its own `x`) and the names and shapes of its
arrays, which are stored one after the other, raveled, as the float32 array named after
the case (few archive members keep the file small). A case's arrays: the layer's weights
w0, w1, ... (get_weights order, set to random values), the output y and, for
L = sum(y * r) with r = probe(y.shape), the gradients gx and gw0, ... BatchNormalization
cases hold a few training calls and an inference call after them; the `model` case a
small convnet's prediction and one SGD step.
"""
import json
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(2024)
index, packed = {}, {}


def normal(*shape):
    return rng.normal(size=shape).astype(np.float32)


def probe(shape):
    """The fixed weights r of the loss sum(y * r) whose gradients are compared."""
    return np.cos(0.37 * np.arange(int(np.prod(shape)))).reshape(shape).astype(np.float32)


def describe(name, cls, kwargs, source=None):
    index[name] = {"layer": cls, "kwargs": kwargs, "input": source, "arrays": []}
    packed[name] = []


def store(name, **arrays):
    for key, value in arrays.items():
        value = np.asarray(value, dtype=np.float32)
        index[name]["arrays"].append([key, list(value.shape)])
        packed[name].append(value.ravel())


def case(name, cls, source, gradients=True, **kwargs):
    """One layer on the input `source` names: its output and, with `gradients`, those of
    sum(y * r) w.r.t. x and the weights."""
    x = INPUTS[source]
    describe(name, cls, kwargs, source if source in ("images", "sequences") else None)
    if index[name]["input"] is None:
        store(name, x=x)
    layer = getattr(layers, cls)(**kwargs)
    layer(x)  # builds it
    weights = [normal(*w.shape) * 0.5 for w in layer.get_weights()]
    if cls in ("LayerNormalization",):
        weights = [1 + w for w in weights[:1]] + weights[1:]
    layer.set_weights(weights)
    y = np.asarray(layer(x))
    store(name, y=y, **{f"w{i}": w for i, w in enumerate(weights)})
    if not gradients:
        return
    r = probe(y.shape)
    trainable = [v.value for v in layer.trainable_variables]
    frozen = [v.value for v in layer.non_trainable_variables]

    def loss(params, inputs):
        result, _ = layer.stateless_call(params, frozen, inputs)
        return jnp.sum(result * r)

    grad_w, grad_x = jax.grad(loss, argnums=(0, 1))(trainable, jnp.asarray(x))
    store(name, gx=grad_x, **{f"gw{i}": g for i, g in enumerate(grad_w)})


def batchnorm_case(name, shape, steps=3, **kwargs):
    """Training calls on `steps` batches (outputs, moving statistics after each), then an
    inference call; and the gradient of sum(y * r) of the first training call."""
    layer = layers.BatchNormalization(**kwargs)
    batches = [normal(*shape) * 2 + 1 for _ in range(steps + 1)]
    layer(batches[0])
    trained = [normal(*v.shape) * 0.5 + (1.0 if "gamma" in v.path else 0.0)
               for v in layer.trainable_variables]
    layer.set_weights(trained + [np.asarray(v.value) for v in layer.non_trainable_variables])
    describe(name, "BatchNormalization", kwargs)
    store(name, **{f"w{i}": w for i, w in enumerate(layer.get_weights())})
    r = probe(shape)
    params = [v.value for v in layer.trainable_variables]
    frozen = [v.value for v in layer.non_trainable_variables]

    def loss(p, inputs):
        result, _ = layer.stateless_call(p, frozen, inputs, training=True)
        return jnp.sum(result * r)

    grad_w, grad_x = jax.grad(loss, argnums=(0, 1))(params, jnp.asarray(batches[0]))
    store(name, gx=grad_x, **{f"gw{i}": g for i, g in enumerate(grad_w)})
    for step, x in enumerate(batches[:steps]):
        y = layer(x, training=True)
        store(name, **{f"x{step}": x, f"y{step}": y,
                       f"moving_mean{step}": layer.moving_mean.value,
                       f"moving_variance{step}": layer.moving_variance.value})
    store(name, x_infer=batches[steps], y_infer=layer(batches[steps], training=False))


def model_case():
    """A small convnet: predictions with given weights, then one SGD step's weights."""
    keras.utils.set_random_seed(0)
    spec = {"input": [8, 8, 1], "layers": [
        ["Conv2D", {"filters": 4, "kernel_size": 3, "padding": "same", "activation": "relu"}],
        ["BatchNormalization", {}],
        ["MaxPooling2D", {}],
        ["Conv2D", {"filters": 6, "kernel_size": 2, "strides": 2, "padding": "same"}],
        ["Flatten", {}],
        ["Dense", {"units": 3, "activation": "softmax"}]]}
    model = keras.Sequential([keras.Input(tuple(spec["input"]))] + [
        getattr(layers, cls)(**kwargs) for cls, kwargs in spec["layers"]])
    x, y = normal(6, 8, 8, 1), rng.integers(0, 3, size=6)
    describe("model", "Sequential", spec)
    store("model", x=x, labels=y, predicted=model.predict(x, verbose=0))
    store("model", **{f"w{i}": w for i, w in enumerate(model.get_weights())})
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
                  loss="sparse_categorical_crossentropy")
    loss = model.train_on_batch(x, y)
    store("model", loss=loss)
    store("model", **{f"after{i}": w for i, w in enumerate(model.get_weights())})


INPUTS = {"images": normal(2, 7, 6, 3), "sequences": normal(2, 9, 3),
          "images4": normal(2, 5, 5, 4), "images_cf": normal(2, 3, 7, 6)}
images, sequences = "images", "sequences"
case("conv2d_valid", "Conv2D", images, filters=4, kernel_size=3)
case("conv2d_same", "Conv2D", images, filters=4, kernel_size=3, padding="same")
case("conv2d_same_stride2", "Conv2D", images, filters=4, kernel_size=3, strides=2,
     padding="same")
case("conv2d_same_even", "Conv2D", images, filters=4, kernel_size=(2, 4), padding="same")
case("conv2d_same_even_stride2", "Conv2D", images, filters=3, kernel_size=2, strides=2,
     padding="same", activation="relu")
case("conv2d_valid_stride", "Conv2D", images, filters=4, kernel_size=(3, 2), strides=(2, 1))
case("conv2d_dilated", "Conv2D", images, filters=2, kernel_size=3, dilation_rate=2,
     padding="same")
case("conv2d_groups", "Conv2D", "images4", filters=6, kernel_size=3, groups=2)
case("conv2d_channels_first", "Conv2D", "images_cf", filters=4, kernel_size=3,
     strides=2, padding="same", data_format="channels_first")
case("conv1d_valid", "Conv1D", sequences, filters=5, kernel_size=3)
case("conv1d_same_stride2", "Conv1D", sequences, filters=5, kernel_size=4, strides=2,
     padding="same")
case("conv1d_causal", "Conv1D", sequences, filters=5, kernel_size=3, padding="causal",
     dilation_rate=2)
case("maxpool2d", "MaxPooling2D", images)
case("maxpool2d_same", "MaxPooling2D", images, pool_size=3, strides=2, padding="same")
case("maxpool2d_same_uneven", "MaxPooling2D", images, pool_size=(2, 3), strides=(1, 2),
     padding="same")
case("avgpool2d", "AveragePooling2D", images, pool_size=2)
case("avgpool2d_same", "AveragePooling2D", images, pool_size=3, strides=2, padding="same")
case("avgpool2d_same_stride1", "AveragePooling2D", images, pool_size=2, strides=1,
     padding="same")
case("avgpool2d_same_default", "AveragePooling2D", images, pool_size=2, padding="same")
case("maxpool1d_same", "MaxPooling1D", sequences, pool_size=3, strides=2, padding="same")
case("avgpool1d_same", "AveragePooling1D", sequences, pool_size=4, strides=3, padding="same")
case("avgpool1d", "AveragePooling1D", sequences, pool_size=2)
case("global_avg2d", "GlobalAveragePooling2D", images)
case("global_max2d", "GlobalMaxPooling2D", images, keepdims=True)
case("global_avg1d", "GlobalAveragePooling1D", sequences)
case("global_max1d", "GlobalMaxPooling1D", sequences)
case("layernorm", "LayerNormalization", sequences)
case("layernorm_axes", "LayerNormalization", images, axis=[1, 2, 3], epsilon=1e-5)
case("layernorm_axis1", "LayerNormalization", sequences, axis=1, center=False)
case("upsampling2d", "UpSampling2D", images, False, size=(2, 3))
case("upsampling1d", "UpSampling1D", sequences, False, size=3)
case("zeropadding2d", "ZeroPadding2D", images, False, padding=((1, 2), (0, 1)))
case("zeropadding1d", "ZeroPadding1D", sequences, False, padding=(1, 2))
case("reshape", "Reshape", images, False, target_shape=(-1, 3))
case("permute", "Permute", images, False, dims=(3, 1, 2))
batchnorm_case("batchnorm", (8, 5, 4, 3))
batchnorm_case("batchnorm_axis1", (6, 4, 5), axis=1, momentum=0.9, epsilon=1e-5,
               center=False)
batchnorm_case("batchnorm_dense", (10, 3), scale=False)
model_case()

arrays = {name: np.concatenate(parts) for name, parts in packed.items()}
arrays.update({name: INPUTS[name] for name in ("images", "sequences")})
index["keras_version"] = keras.__version__
path = os.path.join(HERE, "keras_reference.npz")
np.savez_compressed(path, index=np.array(json.dumps(index)), **arrays)
print(f"{path}: {len(index) - 1} cases, {os.path.getsize(path)} bytes, "
      f"Keras {keras.__version__}")
