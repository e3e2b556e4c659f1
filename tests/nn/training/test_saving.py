"""model.save / nn.load_model: the architecture from each layer's get_config, the weights,
the compile settings and the optimizer state in one file; training resumes where it stopped;
nothing is unpickled or executed on load; clear errors for what cannot be saved whole."""
import json
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
import nn.functional as F
import nn.keras as keras
import optim

from ._helpers import blobs


def float64_mlp(seed=0):
    np.random.seed(seed)
    return nn.Sequential(nn.Dense(16, activation="relu", input_shape=(4,), dtype=np.float64),
                         nn.Dropout(0.2),
                         nn.Dense(3, activation="softmax", dtype=np.float64))


def compiled(model, optimizer=None):
    model.compile(optimizer=optimizer or optim.Adam(lr=0.01), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def one_hot_blobs():
    x, y = blobs(n=60)
    return x.astype(np.float64), np.eye(3)[y]


def assert_same_weights(a, b):
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sa) == list(sb)
    for key in sa:
        np.testing.assert_array_equal(sa[key], sb[key], err_msg=key)


def test_training_resumes_where_it_stopped(tmp_path):
    x, y = one_hot_blobs()
    straight = compiled(float64_mlp())
    np.random.seed(1)  # the data order (shuffle) and Dropout draw from NumPy's generator
    straight.fit(x, y, epochs=4, batch_size=16, verbose=0)

    halves = compiled(float64_mlp(), optim.Adam(lr=0.01, betas=(0.8, 0.99), amsgrad=True))
    halves.optimizer.param_groups[0]["betas"] = (0.9, 0.999)  # as straight's, via the groups
    halves.optimizer.param_groups[0]["amsgrad"] = False
    np.random.seed(1)
    halves.fit(x, y, epochs=2, batch_size=16, verbose=0)
    halves.save(tmp_path / "model.rungrad")
    resumed = nn.load_model(tmp_path / "model.rungrad")
    resumed.fit(x, y, epochs=4, initial_epoch=2, batch_size=16, verbose=0)

    assert_same_weights(resumed, straight)
    assert resumed.optimizer.state_dict()["state"][0]["step"] == 4 * 4


def test_the_loaded_model_predicts_and_evaluates_as_the_saved_one(tmp_path):
    x, y = one_hot_blobs()
    model = compiled(float64_mlp())
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "m.rungrad")
    loaded = nn.load_model(tmp_path / "m.rungrad")
    assert type(loaded) is nn.Sequential and repr(loaded) == repr(model)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    assert loaded.evaluate(x, y) == model.evaluate(x, y)
    assert type(loaded.optimizer) is optim.Adam
    assert loaded.optimizer.param_groups[0]["betas"] == (0.9, 0.999)  # a tuple again


def test_the_file_is_a_zip_of_json_and_npy_members_without_pickles(tmp_path):
    path = tmp_path / "m.rungrad"
    compiled(float64_mlp()).save(path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        document = json.loads(archive.read("model.json"))
    assert names[0] == "model.json" and all(n.endswith(".npy") for n in names[1:])
    layers = document["architecture"]["layers"]
    assert [layer["class_name"] for layer in layers] == ["Dense", "Dropout", "Dense"]
    assert layers[0]["config"]["activation"] == "relu"
    assert document["compile"]["loss"] == "categorical_crossentropy"
    assert document["compile"]["optimizer"]["class_name"] == "Adam"
    assert [name for name, _ in document["weights"]] == list(float64_mlp().state_dict())


def test_a_pickled_array_member_is_refused(tmp_path):
    path = tmp_path / "m.rungrad"
    nn.Sequential(nn.Linear(2, 3)).save(path)
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    import io
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"evil": 1}], dtype=object), allow_pickle=True)
    members["arrays/0.npy"] = buffer.getvalue()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ValueError, match=r"m\.rungrad.*corrupt"):
        nn.load_model(path)


def _zip(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_other_libraries_files_are_named_with_what_to_do(tmp_path):
    """A PyTorch checkpoint (pickled: never opened) gets an error saying what it is from
    both loaders; an HDF5 file given to load_model says which loader reads it; a damaged
    Keras 3 .keras archive (load_weights reads a sound one's weights) is named so (Keras' own
    files: test_keras_files.py)."""
    keras_file = _zip(tmp_path / "k.keras", {"config.json": "{}", "metadata.json": "{}",
                                             "model.weights.h5": b"\x89HDF\r\n\x1a\n"})
    torch_file = _zip(tmp_path / "m.pt", {"archive/data.pkl": b"x", "archive/version": "3"})
    hdf5_file = tmp_path / "w.weights.h5"
    hdf5_file.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(64))
    model = nn.Sequential(nn.Linear(2, 2))
    for load, path, words in ((model.load_weights, keras_file, "k.keras is not a readable "
                               "Keras file"),
                              (nn.load_model, hdf5_file, "an HDF5 file, such as Keras' "
                               ".weights.h5: model.load_weights"),
                              (nn.load_model, torch_file, "a PyTorch checkpoint, pickled"),
                              (model.load_weights, torch_file, "a PyTorch checkpoint, pickled")):
        with pytest.raises(ValueError, match=words):
            load(path)


@pytest.mark.parametrize("edit, words", [
    (lambda d: d["compile"]["optimizer"].update(state=[[0, 5]]), "malformed model description"),
    (lambda d: d["compile"]["optimizer"].update(class_name="Optimizer"), "the base class"),
])
def test_a_damaged_model_description_is_named_with_the_file(tmp_path, edit, words):
    path = tmp_path / "m.rungrad"
    model = nn.Sequential(nn.Linear(2, 3))
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((4, 2), np.float32), np.ones((4, 3), np.float32), verbose=0)
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    document = json.loads(members["model.json"])
    edit(document)
    members["model.json"] = json.dumps(document)
    with pytest.raises(ValueError, match=rf"m\.rungrad: .*{words}"):
        nn.load_model(_zip(path, members))
    members["model.json"] = "[" * 100000 + "]" * 100000  # (deeper than json can read)
    with pytest.raises(ValueError, match=r"m\.rungrad is corrupt"):
        nn.load_model(_zip(path, members))


def plain_settings(module):
    """The module's public attributes that are plain values (its settings)."""
    return {k: v for k, v in vars(module).items() if not k.startswith("_")
            and (v is None or isinstance(v, (bool, int, float, str, tuple, np.dtype)))}


@pytest.mark.parametrize("layer", [
    nn.Linear(3, 4, bias=False), nn.Linear(5), nn.Dense(4, activation="tanh", use_bias=False),
    nn.Conv2d(2, 4, 3, stride=2, padding=1, bias=False), nn.MaxPool2d(2),
    nn.AvgPool2d(3, stride=1, padding=1), nn.BatchNorm1d(4, momentum=None),
    nn.BatchNorm2d(3, affine=False), nn.LayerNorm((2, 3), eps=1e-3, bias=False),
    nn.Embedding(7, 3), nn.Dropout(0.3), nn.Flatten(0, -1), nn.LeakyReLU(0.2),
    nn.Softmax(dim=1), nn.GELU("tanh"), nn.Softplus(2.0, 10.0), nn.ELU(0.5), nn.Sigmoid(),
    nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True),
    nn.RNN(2, 3, nonlinearity="relu", bias=False), nn.GRUCell(2, 3), nn.Lambda(F.relu),
    nn.ModuleList([nn.Linear(2, 2), nn.ReLU()]), nn.MSELoss(reduction="sum"),
    nn.CrossEntropyLoss(label_smoothing=0.1), nn.AdaptiveAvgPool2d((2, 3)),
    nn.AdaptiveMaxPool2d((None, 2)), nn.MaxPool2d(3, stride=2, dilation=2, ceil_mode=True),
    nn.AvgPool2d(2, ceil_mode=True, count_include_pad=False, divisor_override=3),
    nn.Conv2d(4, 6, 3, dilation=2, groups=2), nn.Conv1d(2, 4, 3, padding=1, bias=False),
    nn.ConvTranspose2d(4, 2, 3, stride=2, output_padding=1, groups=2), nn.LazyConv2d(4, 3),
    nn.Embedding(6, 2, padding_idx=-1),
    nn.MultiheadAttention(8, 2, bias=False, add_bias_kv=True, kdim=6, vdim=5, batch_first=True),
    nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, activation="gelu", norm_first=True,
                               dtype=np.float64),
], ids=lambda layer: type(layer).__name__)
def test_each_layer_is_rebuilt_from_its_config(tmp_path, layer):
    layer.save(tmp_path / "layer.rungrad")
    loaded = nn.load_model(tmp_path / "layer.rungrad")
    assert type(loaded) is type(layer) and repr(loaded) == repr(layer)
    for (name, ours), (_, theirs) in zip(loaded.named_modules(), layer.named_modules()):
        assert plain_settings(ours) == plain_settings(theirs), name
    assert_same_weights(loaded, layer)
    if hasattr(layer, "get_config"):
        assert loaded.get_config() == layer.get_config()
        json.dumps(layer.get_config(), default=lambda v: v.__name__)  # plain values


def test_a_lazy_layer_comes_back_built_from_the_saved_weights(tmp_path):
    model = nn.Sequential(nn.Dense(8), nn.ReLU(), nn.Dense(2))
    model(np.zeros((1, 5), np.float32))
    model.save(tmp_path / "m.rungrad")
    loaded = nn.load_model(tmp_path / "m.rungrad")
    assert loaded[0].in_features == 5 and loaded[2].in_features == 8
    assert_same_weights(loaded, model)


def test_loading_leaves_the_global_random_generator_alone(tmp_path):
    compiled(float64_mlp()).save(tmp_path / "m.rungrad")
    np.random.seed(5)
    expected = np.random.rand(3)
    np.random.seed(5)
    nn.load_model(tmp_path / "m.rungrad")
    np.testing.assert_array_equal(np.random.rand(3), expected)


def test_compile_false_gives_an_uncompiled_model(tmp_path):
    compiled(float64_mlp()).save(tmp_path / "m.rungrad")
    loaded = nn.load_model(tmp_path / "m.rungrad", compile=False)
    assert loaded.compiled_loss is None and loaded.optimizer is None


# ----- user classes and functions -----
class Unregistered(nn.Model):
    def __init__(self, hidden):
        super().__init__()
        self.fc = nn.Linear(2, hidden)

    def forward(self, x):
        return self.fc(x)


class TakesALayer(nn.Model):
    def __init__(self, layer):
        super().__init__()
        self.layer = layer

    def forward(self, x):
        return self.layer(x)


def test_a_subclassed_model_without_config_points_to_save_weights(tmp_path):
    """Made of an argument that is no plain value (a layer), which no config can hold."""
    with pytest.raises(TypeError, match=r"TakesALayer, whose constructor takes arguments.*"
                                        r"get_config.*save_weights"):
        TakesALayer(nn.Linear(2, 3)).save(tmp_path / "m.rungrad")
    assert not (tmp_path / "m.rungrad").exists()


def test_a_registered_model_without_get_config_needs_one_if_it_takes_arguments(tmp_path):
    cls = nn.register(type("TakesALayerRegistered", (TakesALayer,), {}))
    with pytest.raises(TypeError, match=r"takes arguments.*get_config.*save_weights"):
        cls(nn.Linear(2, 3)).save(tmp_path / "m.rungrad")


def test_a_subclassed_model_made_of_plain_arguments_is_configured_by_them(tmp_path):
    """Keras 3's auto config: the numbers, strings, lists and dicts it was made with (it was
    refused, as one made of a layer still is)."""
    model = Unregistered(hidden=3)
    assert model.get_config() == {"hidden": 3}
    assert Unregistered(4).get_config() == {"hidden": 4}  # (by position too)
    model.save(tmp_path / "m.rungrad")
    loaded = nn.load_model(tmp_path / "m.rungrad", custom_objects={"Unregistered": Unregistered})
    assert isinstance(loaded, Unregistered) and loaded.fc.out_features == 3
    x = np.ones((2, 2), np.float32)
    np.testing.assert_array_equal(loaded(x).data, model(x).data)


class _Scale(nn.Module):
    """x times a factor given to the constructor: a user's layer with get_config."""

    def __init__(self, factor):
        super().__init__()
        self.factor = factor

    def get_config(self):
        return {"factor": self.factor}

    def forward(self, x):
        return x * self.factor


def test_registered_user_layers_models_and_functions_round_trip(tmp_path):
    Scale = nn.register(name="tests.Scale")(type("Scale", (_Scale,), {}))

    @nn.register(name="tests.Net")
    class Net(nn.Model):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Linear(3, 4), Scale(2.5))

        def forward(self, x):
            return self.body(x)

    @nn.register
    def halved_mse(pred, target):
        return F.mse_loss(pred, target) / 2

    np.random.seed(0)
    model = Net()
    model.compile(optimizer="sgd", loss=halved_mse)
    x = np.ones((2, 3), np.float32)
    model.fit(x, np.zeros((2, 4), np.float32), epochs=1, verbose=0)
    model.save(tmp_path / "m.rungrad")
    loaded = nn.load_model(tmp_path / "m.rungrad")
    assert type(loaded) is Net and loaded.body[1].factor == 2.5
    assert loaded.compiled_loss.fn is halved_mse
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))


def test_configs_may_hold_layers_and_layer_classes(tmp_path):
    @nn.register(name="tests.Stack")
    class Stack(nn.Module):
        """Built from a body (a layer) and a block class, as torchvision's VGG and ResNet."""

        def __init__(self, body, block, repeat):
            super().__init__()
            self.body, self.block, self.repeat = body, block, repeat
            self.blocks = nn.ModuleList([block(3, 3) for _ in range(repeat)])

        def get_config(self):
            return {"body": self.body, "block": self.block, "repeat": self.repeat}

    np.random.seed(2)
    model = Stack(nn.Sequential(nn.Linear(2, 3), nn.Tanh()), nn.Linear, 2)
    model.save(tmp_path / "m.rungrad")
    loaded = nn.load_model(tmp_path / "m.rungrad")
    assert loaded.block is nn.Linear and repr(loaded) == repr(model)
    assert_same_weights(loaded, model)


def test_a_function_neither_known_nor_registered_is_refused_at_save(tmp_path):
    model = nn.Sequential(nn.Linear(2, 2), nn.Lambda(lambda x: x * 2))
    with pytest.raises(TypeError, match=r"lambda.*@nn\.register"):
        model.save(tmp_path / "m.rungrad")

    def my_loss(pred, target):
        return F.mse_loss(pred, target)



def test_unregistered_classes_and_functions_are_saved_by_name_as_keras_3_does(tmp_path):
    """Saved by __name__; loading asks for them in custom_objects, by name."""
    Scale = type("Scale", (_Scale,), {})

    def my_loss(pred, target):
        return F.mse_loss(pred, target)

    np.random.seed(3)
    model = nn.Sequential(nn.Linear(2, 2), Scale(3.0))
    model.compile(optimizer="sgd", loss=my_loss)
    model.save(tmp_path / "m.rungrad")
    with pytest.raises(ValueError, match=r"unknown layer class 'Scale': pass "
                                         r"custom_objects=\{'Scale': the class\} \(or"):
        nn.load_model(tmp_path / "m.rungrad")
    with pytest.raises(ValueError, match=r"unknown function 'my_loss': pass custom_objects="
                                         r"\{'my_loss': the function\} \(or"):
        nn.load_model(tmp_path / "m.rungrad", custom_objects={"Scale": Scale})
    loaded = nn.load_model(tmp_path / "m.rungrad",
                           custom_objects={"Scale": Scale, "my_loss": my_loss})
    assert loaded[1].factor == 3.0
    assert_same_weights(loaded, model)


def test_an_unregistered_class_named_as_ones_of_rungrad_is_refused_at_save(tmp_path):
    class Linear(nn.Module):  # loading would build nn.Linear instead
        def forward(self, x):
            return x

    message = (r"Linear,? cannot be saved by name \(its name 'Linear' is not an identifier, "
               r"or is rungrad's own or taken\): register it under another, @nn\.register")
    with pytest.raises(TypeError, match=r"model\.save: layer '0', a .*" + message +
                       r".*save_weights"):
        nn.Sequential(Linear()).save(tmp_path / "m.rungrad")
    assert not (tmp_path / "m.rungrad").exists()
    with pytest.raises(TypeError, match="serialize: the class .*" + message):  # alike
        keras.layers.serialize(Linear())


def test_custom_objects_supply_what_is_not_registered(tmp_path):
    @nn.register(name="tests.Doubler")
    class Doubler(nn.Module):
        def forward(self, x):
            return x * 2

    nn.Sequential(Doubler()).save(tmp_path / "m.rungrad")

    class Other(nn.Module):
        def forward(self, x):
            return x * 3

    loaded = nn.load_model(tmp_path / "m.rungrad", custom_objects={"tests.Doubler": Other})
    assert type(loaded[0]) is Other


def test_register_refuses_rungrad_names_and_taken_names():
    with pytest.raises(ValueError, match="rungrad's own"):
        nn.register(type("Linear", (nn.Module,), {}))
    with pytest.raises(ValueError, match="rungrad's own"):
        nn.register(lambda x: x, name="relu")
    nn.register(type("A", (nn.Module,), {}), name="tests.taken")
    with pytest.raises(ValueError, match="taken"):
        nn.register(Unregistered, name="tests.taken")


# ----- files that are not model files -----
def test_unknown_classes_and_bad_files_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.rungrad"):
        nn.load_model(tmp_path / "nothing.rungrad")
    nn.Linear(2, 3).save_weights(tmp_path / "w.npz")
    with pytest.raises(ValueError, match=r"w\.npz.*load_weights"):
        nn.load_model(tmp_path / "w.npz")
    (tmp_path / "text.rungrad").write_text("hello")
    with pytest.raises(ValueError, match=r"text\.rungrad.*not a zip"):
        nn.load_model(tmp_path / "text.rungrad")
    path = tmp_path / "m.rungrad"
    nn.Sequential(nn.Linear(2, 3)).save(path)
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    members["model.json"] = members["model.json"].replace(b'"Linear"', b'"os.system"')
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ValueError, match=r"m\.rungrad.*unknown layer class 'os\.system'"):
        nn.load_model(path)


def test_save_is_atomic_and_refuses_the_safetensors_suffix(tmp_path, monkeypatch):
    path = tmp_path / "m.rungrad"
    nn.Sequential(nn.Linear(2, 3)).save(path)
    original = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np.lib.format, "write_array", broken)
    with pytest.raises(OSError, match="disk full"):
        nn.Sequential(nn.Linear(2, 3)).save(path)
    assert path.read_bytes() == original and [p.name for p in tmp_path.iterdir()] == ["m.rungrad"]
    with pytest.raises(ValueError, match="save_weights"):
        nn.Sequential(nn.Linear(2, 3)).save(tmp_path / "m.safetensors")


# ----- the value codec -----
_plain = st.one_of(st.none(), st.booleans(), st.integers(-2**62, 2**62),
                   st.floats(allow_nan=False), st.text(max_size=5))
_values = st.recursive(_plain, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.tuples(inner, inner),
    st.dictionaries(st.text(max_size=4).filter(lambda k: not k.startswith("__")), inner,
                    max_size=3)), max_leaves=12)


@given(_values)
@settings(max_examples=60, deadline=None)
def test_config_values_survive_json_with_their_types(value):
    from nn.training.model_config import Reader, Writer

    writer = Writer()
    back = Reader(writer.arrays).value(json.loads(json.dumps(writer.value(value, "v"))))
    assert back == value and _types(back) == _types(value)


def _types(value):
    """The value's shape of types (a tuple stays a tuple, an int an int)."""
    if isinstance(value, (list, tuple)):
        return type(value), [_types(v) for v in value]
    if isinstance(value, dict):
        return dict, {k: _types(v) for k, v in value.items()}
    return type(value)


def test_arrays_dtypes_and_functions_are_kept_by_reference():
    from nn.training.model_config import Reader, Writer

    writer = Writer()
    value = {"w": np.arange(6.0).reshape(2, 3), "n": np.zeros((), np.int64),
             "dtype": np.float16, "fn": F.relu, "scalar": np.float32(0.5)}
    back = Reader(writer.arrays).value(json.loads(json.dumps(writer.value(value, "v"))))
    np.testing.assert_array_equal(back["w"], value["w"])
    assert back["n"].shape == () and back["dtype"] == np.dtype(np.float16)
    assert back["fn"] is F.relu and back["scalar"] == 0.5 and type(back["scalar"]) is float


def test_a_sigmoid_loss_with_named_metrics_saves_and_loads(tmp_path):
    x, y = blobs(40)
    y = (y > 0).astype(np.float32)
    np.random.seed(0)
    model = nn.Sequential(nn.Dense(1, activation="sigmoid", input_shape=(4,)))
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy", "auc"])
    model.fit(x, y, epochs=1, verbose=0)
    path = model.save(tmp_path / "m.rungrad")
    loaded = nn.load_model(path)
    assert loaded.evaluate(x, y) == pytest.approx(model.evaluate(x, y))


def test_frozen_parameters_stay_frozen_and_resume_alike(tmp_path):
    """requires_grad=False is part of what is saved: a fine-tuning run resumes frozen."""
    x, y = one_hot_blobs()

    def frozen_mlp():
        model = compiled(float64_mlp(), optim.SGD(lr=0.1, momentum=0.9))
        model[0].requires_grad_(False)
        return model
    straight = frozen_mlp()
    straight.fit(x, y, epochs=2, batch_size=20, shuffle=False, verbose=0)
    half = frozen_mlp()
    half.fit(x, y, epochs=1, batch_size=20, shuffle=False, verbose=0)
    half.save(tmp_path / "m.rungrad")
    resumed = nn.load_model(tmp_path / "m.rungrad")
    assert [p.requires_grad for p in resumed.parameters()] == [False, False, True, True]
    resumed.fit(x, y, epochs=2, initial_epoch=1, batch_size=20, shuffle=False, verbose=0)
    assert_same_weights(resumed, straight)


def test_a_layer_used_twice_comes_back_as_one_layer(tmp_path):
    """Tied weights: the second place refers to the first, as the model was built."""
    x = np.random.default_rng(0).normal(size=(16, 4))
    y = np.random.default_rng(1).normal(size=(16, 4))

    def tied():
        np.random.seed(0)
        shared = nn.Dense(4, input_shape=(4,), dtype=np.float64)
        model = nn.Sequential(shared, nn.Tanh(), nn.Sequential(shared, nn.Tanh()), shared)
        model.compile(optimizer=optim.SGD(lr=0.1, momentum=0.9), loss="mse")
        return model
    straight, half = tied(), tied()
    straight.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    half.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    half.save(tmp_path / "tied.rungrad")
    resumed = nn.load_model(tmp_path / "tied.rungrad")
    assert resumed[0] is resumed[2][0] is resumed[3]
    assert len(list(resumed.parameters())) == 2
    resumed.fit(x, y, epochs=2, initial_epoch=1, batch_size=16, shuffle=False, verbose=0)
    assert_same_weights(resumed, straight)


def test_malformed_model_files_and_folders_are_named(tmp_path):
    folder = tmp_path / "folder.rungrad"
    folder.mkdir()
    with pytest.raises(IsADirectoryError, match="folder.rungrad is a directory, not a model"):
        nn.load_model(folder)
    path = tmp_path / "m.rungrad"
    nn.Sequential(nn.Linear(2, 3)).save(path)
    for old, new, match in ((b'"version": 1', b'"version": "2"', "no valid format version"),
                            (b'"class_name": "Linear"', b'"class_name": 5',
                             "class_name must be a string, got 5")):
        with zipfile.ZipFile(path) as archive:
            members = {n: archive.read(n) for n in archive.namelist()}
        damaged = tmp_path / "damaged.rungrad"
        with zipfile.ZipFile(damaged, "w") as archive:
            for name, data in members.items():
                archive.writestr(name, data.replace(old, new) if name == "model.json" else data)
        with pytest.raises(ValueError, match=f"damaged.rungrad: .*{match}"):
            nn.load_model(damaged)


def test_new_layers_and_a_double_model_round_trip(tmp_path):
    np.random.seed(0)
    model = nn.Sequential(nn.Linear(4, 6), nn.PReLU(6, init=0.1), nn.GroupNorm(2, 6),
                          nn.Unflatten(1, (2, 3)), nn.Flatten(), nn.Linear(6, 2)).double()
    encoder = nn.Sequential(nn.TransformerEncoder(
        nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0), 2, norm=nn.LayerNorm(4)))
    x = np.random.default_rng(0).normal(size=(3, 4))
    for m, inputs in ((model, x), (encoder, x.reshape(3, 1, 4).astype(np.float32))):
        m.eval()
        path = m.save(tmp_path / "m.rungrad")
        loaded = nn.load_model(path)
        loaded.eval()
        assert [p.dtype for p in loaded.parameters()] == [p.dtype for p in m.parameters()]
        np.testing.assert_array_equal(loaded.predict(inputs), m.predict(inputs))


def test_a_mixed_dtype_model_keeps_each_layer_s_dtype(tmp_path):
    model = nn.Sequential(nn.Linear(3, 4), nn.LayerNorm(4).double(),
                          nn.Linear(4, 2, dtype=np.float64))
    loaded = nn.load_model(model.save(tmp_path / "m.rungrad"))
    assert [a.dtype for a in loaded.state_dict().values()] == [
        a.dtype for a in model.state_dict().values()]



class _Symmetric(nn.Module):
    """A user's parametrization: x + x^T (no constructor arguments)."""

    def forward(self, x):
        return x + x.T


class _TwoLayers(nn.Module):
    """A subclassed model (rebuilt by its constructor) whose children get parametrized."""

    def __init__(self):
        super().__init__()
        self.first, self.second = nn.Linear(4, 4), nn.Linear(4, 3)

    def forward(self, x):
        return self.second(F.relu(self.first(x)))


def _parametrized_models():
    from nn.utils import parametrizations as PZ
    from nn.utils import parametrize as P
    np.random.seed(3)
    stack = nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 5), nn.Tanh(),
                          nn.Linear(5, 5), nn.Tanh(), nn.Linear(5, 3))
    PZ.weight_norm(stack[0], dim=None)
    PZ.spectral_norm(stack[2])
    P.register_parametrization(stack[4], "weight", _Symmetric(), unsafe=True)
    PZ.orthogonal(stack[4])  # chained after the user's
    PZ.orthogonal(stack[6], orthogonal_map="householder", use_trivialization=False)
    subclassed = _TwoLayers()
    PZ.orthogonal(subclassed.first, orthogonal_map="cayley")
    PZ.weight_norm(subclassed.second, "bias")
    return [stack, subclassed]


@pytest.mark.parametrize("index", [0, 1])
def test_parametrized_models_save_whole(tmp_path, index):
    """Each layer is written as the class it was before its parametrizations, which are
    registered again on the loaded model (rungrad's by their function and arguments, a
    user's by its class), then their originals and buffers (spectral norm's u and v,
    orthogonal's base) load: same structure, same weights, same outputs, and it trains on
    alike. It wrote a file that could not be loaded ('ParametrizedLinear' unknown)."""
    model = _parametrized_models()[index]
    x = np.random.default_rng(0).standard_normal((6, 4))
    model(x.astype(np.float32))  # a training-mode call: spectral norm's power iteration
    model.save(tmp_path / "m.rungrad")
    loaded = nn.load_model(tmp_path / "m.rungrad", custom_objects={
        "_Symmetric": _Symmetric, "_TwoLayers": _TwoLayers})
    assert repr(loaded) == repr(model)
    assert_same_weights(loaded, model)
    for net in (model, loaded):
        net.eval()
    np.testing.assert_array_equal(loaded(x.astype(np.float32)).data,
                                  model(x.astype(np.float32)).data)
    for net in (model, loaded):
        net.train()
        opt = optim.SGD(net.parameters(), lr=0.1)
        for _ in range(2):
            opt.zero_grad()
            (net(x.astype(np.float32)) ** 2).sum().backward()
            opt.step()
    assert_same_weights(loaded, model)


def test_a_clone_of_a_parametrized_model_is_parametrized_alike():
    model = _parametrized_models()[0]
    from nn.keras.models import clone_model
    clone = clone_model(model, custom_objects={"_Symmetric": _Symmetric})
    assert repr(clone) == repr(model)
    assert list(clone.state_dict()) == list(model.state_dict())
    w = clone[6].weight.data
    np.testing.assert_allclose(w @ w.T, np.eye(3), atol=1e-5)  # orthogonal, fresh weights
    assert not np.array_equal(w, model[6].weight.data)


def test_a_keras_optimizer_with_added_groups_loads_and_resumes(tmp_path):
    """A Keras optimizer was rebuilt with every parameter in one group, then handed the
    saved two: the file save wrote could not be loaded."""
    np.random.seed(0)
    x, y = np.ones((8, 3), np.float32), np.ones((8, 2), np.float32)
    model = nn.Sequential(nn.Dense(4, activation="relu", input_shape=(3,)), nn.Dense(2))
    optimizer = keras.optimizers.Adam(0.01).bind(list(model[0].parameters()))
    optimizer.add_param_group({"params": list(model[1].parameters()), "lr": 0.001})
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(x, y, verbose=0)
    model.save(tmp_path / "m.rungrad")
    loaded = nn.load_model(tmp_path / "m.rungrad")
    assert [group["lr"] for group in loaded.optimizer.param_groups] == [0.01, 0.001]
    model.fit(x, y, epochs=2, verbose=0)
    loaded.fit(x, y, epochs=2, verbose=0)
    for mine, theirs in zip(loaded.parameters(), model.parameters()):
        np.testing.assert_array_equal(mine.data, theirs.data)


def test_paths_as_bytes_load_and_open_files_are_refused_by_name(tmp_path):
    import io
    model = compiled(float64_mlp())
    model.save(bytes(tmp_path / "m.rungrad"))
    nn.load_model(bytes(tmp_path / "m.rungrad"))
    nn.save({"a": 1}, bytes(tmp_path / "c.ckpt"))
    assert nn.load(bytes(tmp_path / "c.ckpt")) == {"a": 1}
    for call in (lambda f: nn.save({"a": 1}, f), nn.load, model.save, nn.load_model,
                 model.save_weights, model.load_weights):
        with pytest.raises(TypeError, match="expected a file path .* got BytesIO"):
            call(io.BytesIO())
