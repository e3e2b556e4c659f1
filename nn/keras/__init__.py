"""nn.keras: Keras' names with Keras' meanings, so code written for Keras runs on rungrad.

    import nn.keras as keras
    from nn.keras import layers

    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])

`nn` itself follows PyTorch: `nn.LSTM(input_size, hidden_size)` on (T, N, F) sequences,
`nn.Conv2d` on channels-first images. The layers here take Keras' arguments and layouts
(`units`, channels-last images, batch-first sequences, sizes taken from the first input)
and are built on nn's; the model, its training loop, callbacks, regularizers, constraints
and utils are nn's own, which already follow Keras. `keras.Input` and
`keras.Model(inputs, outputs)` are Keras' functional API too (nn.keras.functional). Loaded
on first use: `import nn` does not load it.
"""
from autograd.lazy import lazy_attributes

__getattr__, __dir__ = lazy_attributes(
    __name__, submodules=("layers", "optimizers", "losses", "metrics", "models", "activations",
                          "saving", "utils", "callbacks", "regularizers", "initializers",
                          "constraints", "dtype_policies", "mixed_precision", "config", "ops",
                          "random", "datasets", "tree", "backend", "preprocessing",
                          "applications", "wrappers", "visualization"), names={
        "Sequential": "_training", "Model": "_training", "Input": "_training",
        "load_model": "_training", "DTypePolicy": "dtype_policies",
    })

__all__ = ["layers", "optimizers", "losses", "metrics", "initializers", "models", "activations",
           "saving", "Sequential", "Model", "Input", "load_model", "callbacks", "regularizers",
           "constraints", "utils", "dtype_policies", "DTypePolicy", "mixed_precision", "config",
           "ops", "random", "datasets", "tree", "backend", "preprocessing", "applications",
           "wrappers", "visualization"]
