"""What the tests of files real Keras 3 wrote share: the fixtures' folder
(tests/nn/keras/data/keras_files, written by data/make_keras_files.py), their inputs, and
copies of an archive with its config edited or its weights apart."""
import json
import os
import zipfile

DATA = os.path.join(os.path.dirname(__file__), "data", "keras_files")


def keras_file(name, suffix=".keras"):
    return os.path.join(DATA, name + suffix)


def reference_inputs(reference, name):
    """Model `name`'s inputs in the reference archive: one array, or a list of them."""
    xs = [reference[f"{name}/x{i}"] for i in range(2) if f"{name}/x{i}" in reference]
    return xs if len(xs) > 1 else xs[0]


def archive_weights(name, tmp_path):
    """The model.weights.h5 a .keras archive holds, as a file of its own."""
    path = tmp_path / f"{name}.weights.h5"
    with zipfile.ZipFile(keras_file(name)) as archive:
        path.write_bytes(archive.read("model.weights.h5"))
    return path


def rewritten(tmp_path, name, edit):
    """A copy of `name`.keras whose config.json `edit` changed."""
    path = tmp_path / f"{name}_edited.keras"
    with zipfile.ZipFile(keras_file(name)) as source, zipfile.ZipFile(path, "w") as target:
        for member in source.namelist():
            data = source.read(member)
            if member == "config.json":
                config = json.loads(data)
                edit(config)
                data = json.dumps(config)
            target.writestr(member, data)
    return path
