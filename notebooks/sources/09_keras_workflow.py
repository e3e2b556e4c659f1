"""Notebook 09: the Keras-style workflow, and the same model as a PyTorch-style loop."""

# %% [markdown]
# # 9. The Keras-style workflow
#
# Keras (part of TensorFlow) made a five-step recipe popular, and rungrad's `nn.Sequential`
# follows it:
#
# 1. declare the model: `model = Sequential()`;
# 2. stack layers: `model.add(Dense(units, activation=..., input_shape=(...)))`;
# 3. `model.compile(optimizer, loss, metrics)`: choose how it learns and what to report;
# 4. `model.fit(x, y, batch_size=..., epochs=..., validation_split=..., callbacks=...)`: train;
# 5. `model.evaluate(x_test, y_test)` and `model.predict(x_new)`: measure and use it.
#
# Plus `model.summary()` to see its structure and `save_weights` / `load_weights` to keep it.
# At the end we write the same model as an explicit PyTorch-style training loop, which is
# what `fit` does for you.
#
# **Where the two styles come from.** TensorFlow is the machine-learning library Google
# released as open source in 2015. Keras began the same year as a separate high-level API
# (by François Chollet) that ran on top of several such engines; TensorFlow took it in as
# `tf.keras` (2017), and TensorFlow 2.0 (2019) made it the default high-level API. (The notes
# write `tensorflow.keras.model.Sequential` and `...model.Dense(unit=...)`: the modules are
# `keras.models` and `keras.layers`, and the argument is `units`.) PyTorch was developed at Facebook's (now
# Meta's) AI Research lab and released in 2016 as the Python successor of the Lua library
# Torch; it records the graph while the code runs (define-by-run), as rungrad does. Its
# explicit training loop is the style of the last sections below.

# %% [shared] setup

# %%
import nn.functional as F
from nn import Dense, Sequential
from nn.callbacks import CSVLogger, EarlyStopping, ModelCheckpoint

(x_train, y_train), (x_test, y_test) = nn.datasets.digits()
print("train", x_train.shape, y_train.shape, "| test", x_test.shape, y_test.shape)

# %% [markdown]
# ## 1-2. Sequential and Dense
#
# `Dense(units)` is a fully connected layer with `units` outputs and an optional activation.
# The first layer states the input's shape (64 pixels); later layers infer theirs. The last
# layer has one unit per class and a softmax, so the model outputs 10 probabilities.

# %%
np.random.seed(0)
model = Sequential()
model.add(Dense(64, activation="relu", input_shape=(64,)))
model.add(Dense(64, activation="relu"))
model.add(Dense(10, activation="softmax"))

# %% [markdown]
# ## `summary()`
#
# Each Dense layer has `inputs x units` weights plus `units` biases: 64 x 64 + 64 = 4,160
# for the first.

# %%
model.summary()
assert sum(p.size for p in model.parameters()) == (64 * 64 + 64) + (64 * 64 + 64) + (64 * 10 + 10)

# %% [markdown]
# ## 3. `compile`
#
# * `optimizer`: a name (`"sgd"`, `"adam"`, `"rmsprop"`, ... with Keras' defaults) or an
#   optimizer object such as `optim.Adam(lr=0.003)`, made before the model's parameters are
#   known and bound to them here;
# * `loss`: `"mse"` (or `"mae"`) for regression; for classification
#   `"binary_crossentropy"` (one sigmoid output), `"categorical_crossentropy"` (one-hot
#   targets) or `"sparse_categorical_crossentropy"` (integer labels, as here);
# * `metrics`: what to report besides the loss: `"accuracy"`, `"mse"`, `"mae"`,
#   `"precision"`, `"recall"`, `"auc"`, `"f1_score"` (Keras' metrics of those names, with
#   Keras' numbers), `"f1"` (one macro-averaged F1), or your own function.
#
# (The cross-entropy losses are computed from the logits inside, in one numerically stable
# step, even though `predict` returns probabilities.)

# %%
model.compile(optimizer=optim.Adam(lr=0.003), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])

# %% [markdown]
# ### As the notes write it: one-hot targets and short metric names
#
# The notes compile classifiers with `loss="categorical_crossentropy"`, which expects each
# target as a **one-hot** row (1 at the true class, 0 elsewhere), and name the metrics
# `"acc"`, `"f1_score"` and `"mse"`. Those work as written, and the history reports each
# under the name it was given. `"f1_score"` is Keras' `F1Score()`: one F1 per class (an
# array of 10), whose mean is the macro-averaged F1 (`"f1"` reports that one number
# instead). `nn.data.OneHot(10)` turns the labels into one-hot rows. On the same model and
# data, the categorical loss with one-hot targets is exactly the sparse loss with integer
# labels: only the format of the targets differs.

# %%
t_train, t_test = nn.data.OneHot(10)(y_train), nn.data.OneHot(10)(y_test)
print("labels", y_train[:3], "-> one-hot rows\n", t_train[:3])

np.random.seed(0)
notes_model = Sequential()
notes_model.add(Dense(64, activation="relu", input_shape=(64,)))
notes_model.add(Dense(10, activation="softmax"))
notes_model.compile(optimizer="adam", loss="categorical_crossentropy",
                    metrics=["acc", "f1_score", "mse"])
notes_history = notes_model.fit(x_train, t_train, epochs=10, batch_size=32, verbose=0)
print("history keys:", sorted(notes_history.history))
categorical = notes_model.evaluate(x_test, t_test)
loss, acc, f1_per_class, mse = categorical
print("evaluate with one-hot targets: loss, acc, mse =", np.round([loss, acc, mse], 4))
print("F1 per class:", np.round(f1_per_class, 3))
print("macro F1 (their mean):", round(float(np.mean(f1_per_class)), 4))
notes_model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["acc"])
sparse = notes_model.evaluate(x_test, y_test)
print("the same model, sparse loss on integer labels: loss, acc =", np.round(sparse, 4))
assert sorted(notes_history.history) == ["acc", "f1_score", "loss", "mse"]
assert np.isclose(categorical[0], sparse[0]) and categorical[1] == sparse[1]
assert categorical[1] > 0.88  # 0.91-0.93 across seeds
assert np.shape(f1_per_class) == (10,) and np.mean(f1_per_class) > 0.85

# %% [markdown]
# ## 4. `fit`, with validation and callbacks
#
# * `epochs`: passes over the training data; `batch_size`: samples per gradient step;
# * `validation_split=0.2`: hold out the last 20 % of the training data and report
#   `val_loss` and `val_accuracy` after every epoch;
# * `callbacks`: objects called at the start and end of every epoch and batch. Here
#   `EarlyStopping` (stop when `val_loss` stalls, keep the best weights), `ModelCheckpoint`
#   (save the best weights to a file) and `CSVLogger` (the history as a table).
#   `optim.lr_scheduler` objects can be passed as callbacks too.
#
# `verbose=2` prints one line per epoch; `verbose=1` shows a progress bar.

# %%
callbacks = [EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=True),
             ModelCheckpoint(OUT / "best.npz", monitor="val_loss", save_best_only=True),
             CSVLogger(OUT / "history.csv")]
history = model.fit(x_train, y_train, epochs=40, batch_size=32, validation_split=0.2,
                    callbacks=callbacks, verbose=2)
print(f"early stopping after epoch {callbacks[0].stopped_epoch + 1}; the weights of epoch "
      f"{callbacks[0].best_epoch + 1} (the lowest val_loss) were restored")

# %% [markdown]
# `fit` returns a `History`; its `.history` dict holds one list per quantity, one value per
# epoch, ready to plot. The CSV file holds the same numbers.

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
left.plot(history.history["loss"], label="training")
left.plot(history.history["val_loss"], label="validation")
left.set_yscale("log")
left.set_title("loss")
right.plot(history.history["accuracy"], label="training")
right.plot(history.history["val_accuracy"], label="validation")
right.set_title("accuracy")
for ax in (left, right):
    ax.set_xlabel("epoch")
    ax.legend()
plt.show()

print((OUT / "history.csv").read_text().splitlines()[:3])
assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
# over 12 draws of the split, weights and batches the best epoch scores 0.955-0.997 on the
# 288 validation digits (one digit is 0.0035)
assert max(history.history["val_accuracy"]) > 0.93

# %% [markdown]
# ## 5. `evaluate` and `predict`
#
# `evaluate` returns the loss and the compiled metrics on new data. `predict` returns the
# model's outputs: here the 10 class probabilities per image; `argmax` picks the class.

# %%
test_loss, test_accuracy = model.evaluate(x_test, y_test)
probabilities = model.predict(x_test)
predicted = probabilities.argmax(axis=1)
print(f"test loss {test_loss:.4f}, test accuracy {test_accuracy:.4f}")
print("probabilities for the first test image:", probabilities[0].round(3),
      "-> predicted", predicted[0], "| true", y_test[0])
print("macro-averaged F1:", round(nn.metrics.f1_score(y_test, predicted, average="macro"), 4))
assert np.allclose(probabilities.sum(axis=1), 1, atol=1e-5)
assert np.isclose(test_accuracy, nn.metrics.accuracy(y_test, predicted))
# Over 12 draws of the split, weights and batches the test accuracy lands between 0.955 and 0.994
assert test_accuracy > 0.92

# %%
matrix = nn.metrics.confusion_matrix(y_test, predicted)
plt.figure(figsize=(4.5, 4))
plt.imshow(matrix, cmap="Blues")
for (i, j), count in np.ndenumerate(matrix):
    if count:
        plt.text(j, i, count, ha="center", va="center", fontsize=8,
                 color="white" if count > matrix.max() / 2 else "black")
plt.xticks(range(10))
plt.yticks(range(10))
plt.xlabel("predicted")
plt.ylabel("true")
plt.grid(False)
plt.title("confusion matrix on the test digits")
plt.show()

# %% [markdown]
# ## Saving and loading weights
#
# `save_weights` writes every parameter into one `.npz` file (NumPy's format: no code is
# stored or executed on loading). Loading needs a model of the same architecture. The
# checkpoint written by `ModelCheckpoint` is such a file too, and since `EarlyStopping`
# restored the best epoch, it holds the same weights as the model.

# %%
model.save_weights(OUT / "digits_mlp.npz")


def digits_mlp():
    fresh = Sequential()
    fresh.add(Dense(64, activation="relu", input_shape=(64,)))
    fresh.add(Dense(64, activation="relu"))
    fresh.add(Dense(10, activation="softmax"))
    fresh.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return fresh


restored = digits_mlp()
print("before loading, accuracy", round(restored.evaluate(x_test, y_test)[1], 3))
restored.load_weights(OUT / "digits_mlp.npz")
print("after loading, accuracy ", round(restored.evaluate(x_test, y_test)[1], 3))
assert np.array_equal(restored.predict(x_test), probabilities)

restored.load_weights(OUT / "best.npz")  # the checkpoint: the best epoch's weights
assert np.array_equal(restored.predict(x_test), probabilities)
print("weights in the file:", sorted(np.load(OUT / "digits_mlp.npz", allow_pickle=False).files))

# %% [markdown]
# ## Regression works the same way
#
# One output unit without activation, `loss="mse"`, `metrics=["mae"]`:

# %%
x_curve = np.linspace(-2, 2, 400, dtype=np.float32)[:, None]
y_curve = x_curve ** 2 + np.random.default_rng(0).normal(0, 0.2, x_curve.shape).astype(np.float32)
np.random.seed(0)
regressor = Sequential([Dense(32, activation="tanh", input_shape=(1,)), Dense(1)])
regressor.compile(optimizer=optim.Adam(lr=0.01), loss="mse", metrics=["mae"])
regressor.fit(x_curve, y_curve, epochs=100, batch_size=32, verbose=0)  # lr 0.02: some seeds stall
mse, mae = regressor.evaluate(x_curve, y_curve)
print(f"MSE {mse:.4f} (noise variance 0.04), MAE {mae:.4f}")
# within twice the noise's variance (0.04): over 40 draws of the data and the weights the
# MSE was 0.038-0.053, at most 0.015 above the draw's own noise
assert mse < 0.08

plt.scatter(x_curve, y_curve, s=4, color="gray", label="data")
plt.plot(x_curve, regressor.predict(x_curve), "r", lw=2, label="Dense(32, tanh) -> Dense(1)")
plt.legend()
plt.title("regression with loss='mse'")
plt.show()

# %% [markdown]
# ## The same model, PyTorch-style
#
# `fit` hides a loop. Written out, with the PyTorch-style API (`nn.Linear`, activation
# modules, an optimizer and a `DataLoader`), the same network and a loop like the one `fit`
# runs (here with its own learning rate and epochs, on all the training digits) are:

# %%
np.random.seed(0)
torch_style = nn.Sequential(nn.Linear(64, 64), nn.ReLU(),
                            nn.Linear(64, 64), nn.ReLU(),
                            nn.Linear(64, 10))  # outputs logits; the loss applies softmax
optimizer = optim.Adam(torch_style.parameters(), lr=0.001)
assert optimizer.param_groups[0]["lr"] != model.optimizer.param_groups[0]["lr"]  # not fit's
loader = nn.data.DataLoader(nn.data.TensorDataset(x_train, y_train), batch_size=32,
                            shuffle=True, seed=0)

for epoch in range(30):
    torch_style.train()
    for xb, yb in loader:
        loss = F.cross_entropy(torch_style(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    torch_style.eval()
    with ag.no_grad():
        accuracy = nn.metrics.accuracy(y_test, torch_style(x_test).data)
    if epoch % 10 == 9:
        print(f"epoch {epoch + 1}: last batch loss {loss.item():.4f}, test accuracy {accuracy:.4f}")
assert accuracy > 0.92

# %% [markdown]
# Both styles build the same kind of object: `Dense` and `Linear` store `weight` as
# (out, in) and `bias` as (out,), exactly as PyTorch does (real Keras stores a Dense kernel
# the other way round, (in, units)). So weights move between them by
# renaming the keys of the `state_dict` (the PyTorch-style model counts its ReLU modules as
# layers 1 and 3), and the two models then make identical predictions.

# %%
keras_weights = model.state_dict()
print("Keras-style keys:  ", sorted(keras_weights))
print("PyTorch-style keys:", sorted(torch_style.state_dict()))

layer_map = {"0": "0", "1": "2", "2": "4"}  # Keras layer index -> PyTorch-style index
torch_style.load_state_dict({f"{layer_map[key.split('.')[0]]}.{key.split('.')[1]}": value
                             for key, value in keras_weights.items()})
with ag.no_grad():
    logits = torch_style(x_test).data
assert np.array_equal(logits.argmax(axis=1), predicted)
assert np.allclose(F.softmax(Variable(logits)).data, probabilities, atol=1e-6)
print("after copying the Keras model's weights, both predict the same classes")

# %% [markdown]
# A custom architecture that is not a plain stack is a subclass of `nn.Model` with its own
# `forward`; it still gets `compile`, `fit`, `evaluate`, `predict` and `summary`.
#
# Here `fit` is given the `DataLoader` of the loop above in place of `(x, y)`, as Keras takes
# a dataset: an epoch is one pass over the loader (`len(loader)` steps), which does its own
# batching and shuffling. `evaluate` and `predict` take loaders too.

# %%
class Residual(nn.Model):
    """Dense -> relu -> Dense, plus a skip connection around the second layer."""

    def __init__(self):
        super().__init__()
        self.inner = nn.Linear(64, 64)
        self.mix = nn.Linear(64, 64)
        self.out = nn.Linear(64, 10)

    def forward(self, x):
        h = F.relu(self.inner(x))
        return self.out(h + F.relu(self.mix(h)))


np.random.seed(0)
residual = Residual()
residual.compile(optimizer=optim.Adam(lr=0.003), loss="sparse_categorical_crossentropy",
                 metrics=["accuracy"])
residual.fit(loader, epochs=20, verbose=0)  # the loader of the PyTorch-style loop, as x
test_loader = nn.data.DataLoader(nn.data.TensorDataset(x_test, y_test), batch_size=100)
residual_accuracy = residual.evaluate(test_loader)[1]
print(f"subclassed nn.Model trained on a DataLoader: test accuracy {residual_accuracy:.4f}")
assert np.isclose(residual_accuracy, residual.evaluate(x_test, y_test)[1])
assert residual_accuracy > 0.92

# %% [markdown]
# ## Keras code as it is written: `nn.keras`
#
# The notes write `tensorflow.keras`. `nn.keras` has Keras' names with Keras' meanings, so
# such code runs here after changing the import lines: images are channels-last (N, H, W, C)
# as in Keras, `Conv2D(filters, kernel_size)` sizes itself from its input, the optimizer and
# loss objects take Keras' arguments (`learning_rate=`, `from_logits=`), and a loss function
# of your own is written `loss(y_true, y_pred)`, Keras' order. (rungrad's own `nn` follows
# PyTorch: channels-first images, `nn.Conv2d(in_channels, out_channels, kernel_size)`.)
#
# Below, the digits as 8x8 one-channel images, and a small convolutional network written
# exactly as for Keras 3.

# %%
import nn.keras as keras
from nn.keras import layers

images_train = x_train.reshape(-1, 8, 8, 1)  # channels last, as Keras
images_test = x_test.reshape(-1, 8, 8, 1)

np.random.seed(0)
convnet = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.Conv2D(16, 3, activation="relu", padding="same", kernel_initializer="he_normal"),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dropout(0.2),
    layers.Dense(10),
], name="digits_convnet")
convnet.compile(optimizer=keras.optimizers.Adam(learning_rate=0.003),
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                metrics=["accuracy"])
convnet.summary()
convnet.fit(images_train, y_train, batch_size=32, epochs=8, verbose=0,
            callbacks=[keras.callbacks.EarlyStopping(monitor="loss", patience=2)])
keras_style_accuracy = convnet.evaluate(images_test, y_test)[1]
print(f"Keras code on nn.keras: test accuracy {keras_style_accuracy:.4f}")
assert keras_style_accuracy > 0.9
assert [w.shape for w in convnet.get_weights()][:2] == [(3, 3, 1, 16), (16,)]  # Keras' layout

# %% [markdown]
# **Next:** notebook 10 replaces the dense layers with convolutions.
