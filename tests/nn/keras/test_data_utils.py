"""Keras' Progbar, image helpers (array_to_img, img_to_array, load_img, save_img) and
image_dataset_from_directory / text_dataset_from_directory. The image tests need Pillow
(rungrad's `images` extra) and are skipped without it."""
import importlib.util
import io

import numpy as np
import pytest

import nn.keras as keras
from nn.keras import layers
from nn.keras.audio_dataset import audio_dataset_from_directory
from nn.keras.directory_index import index_directory
from nn.keras.image_dataset import image_dataset_from_directory
from nn.keras.image_utils import array_to_img, img_to_array, load_img, save_img
from nn.keras.progbar import Progbar
from nn.keras.text_dataset import text_dataset_from_directory

needs_pillow = pytest.mark.skipif(importlib.util.find_spec("PIL") is None,
                                  reason="Pillow (rungrad[images]) is not installed")


# ----- Progbar -----
def _shown(capsys, monkeypatch, verbose, steps):
    monkeypatch.setattr("time.time", iter(100.0 + 0.5 * i for i in range(50)).__next__)
    bar = Progbar(4, verbose=verbose, stateful_metrics=["acc"])
    for step, loss, acc in steps:
        bar.update(step, [("loss", loss), ("acc", acc)])
    return capsys.readouterr().out


def test_progbar_averages_values_over_steps_and_shows_stateful_ones_as_given(
        capsys, monkeypatch):
    out = _shown(capsys, monkeypatch, 2, [(1, 0.5, 0.1), (3, 0.2, 0.2), (4, 0.3, 0.7)])
    assert out == "4/4 - 2s - 333ms/step - loss: 0.3000 - acc: 0.7000\n"  # (final: as given)


def test_progbar_redraws_one_line_with_keras_colours(capsys, monkeypatch):
    out = _shown(capsys, monkeypatch, 1, [(1, 0.5, 0.1), (3, 0.2, 0.2)])
    first, second = out.split("\r")[1:]
    assert first.startswith("\x1b[1m1/4\x1b[0m \x1b[32m━━━━━\x1b[0m\x1b[37m" + "━" * 15)
    assert "500ms/step - loss: 0.5000 - acc: 0.1000" in first
    assert "loss: 0.3000 - acc: 0.2000" in second  # (0.5 once, 0.2 for two steps)


def test_progbar_add_and_unknown_target(capsys):
    bar = Progbar(None)
    bar.add(2, [("x", 1e-5)])
    out = capsys.readouterr().out
    assert "      2/Unknown" in out and "x: 1.0000e-05" in out
    with pytest.raises(ValueError, match="not both"):
        Progbar(3, stateful_metrics=["a"], stateless_metrics=["b"])
    with pytest.raises(ValueError, match="target"):
        Progbar(-1)


# ----- image helpers -----
@needs_pillow
def test_array_to_img_and_back():
    x = np.arange(2 * 3 * 3, dtype=np.float32).reshape(2, 3, 3)
    img = array_to_img(x)
    assert (img.mode, img.size) == ("RGB", (3, 2))
    back = img_to_array(img)
    assert back.dtype == np.float32 and back.shape == (2, 3, 3)
    np.testing.assert_array_equal(back, (x * 255 / 17).astype(np.uint8))
    assert img_to_array(array_to_img(x[..., :1], scale=False), "channels_first").shape == \
        (1, 2, 3)
    assert array_to_img(np.full((2, 2, 1), 300.0), scale=False).mode == "I"
    with pytest.raises(ValueError, match="1, 3 or 4 channels, got 2"):
        array_to_img(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="rank 3"):
        array_to_img(np.zeros((2, 2)))


@needs_pillow
def test_save_and_load_img(tmp_path):
    x = np.random.default_rng(0).integers(0, 256, (6, 8, 4)).astype(np.float32)
    save_img(tmp_path / "a.png", x, scale=False)
    np.testing.assert_array_equal(img_to_array(load_img(tmp_path / "a.png", "rgba")), x)
    rgb = img_to_array(load_img(str(tmp_path / "a.png")))
    np.testing.assert_array_equal(rgb, x[..., :3])
    assert load_img(tmp_path / "a.png", "grayscale").mode == "L"
    assert load_img(tmp_path / "a.png", target_size=(3, 4)).size == (4, 3)
    cropped = load_img(tmp_path / "a.png", target_size=(3, 3), keep_aspect_ratio=True)
    assert cropped.size == (3, 3)
    with pytest.warns(UserWarning, match="JPEG has no alpha"):
        save_img(tmp_path / "b.jpg", x)
    assert load_img(io.BytesIO((tmp_path / "b.jpg").read_bytes())).mode == "RGB"
    with pytest.raises(ValueError, match="color_mode"):
        load_img(tmp_path / "a.png", color_mode="cmyk")
    with pytest.raises(ValueError, match="interpolation"):
        load_img(tmp_path / "a.png", target_size=(2, 2), interpolation="cubic")
    with pytest.raises(TypeError, match="path-like"):
        load_img(3)


def test_a_missing_pillow_names_the_extra(monkeypatch):
    import builtins
    real = builtins.__import__

    def no_pil(name, *args, **kwargs):
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError("No module named 'PIL'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pil)
    with pytest.raises(ImportError, match=r"load_img needs Pillow.*rungrad\[images\]"):
        load_img("x.png")


# ----- datasets from directories -----
def _tree(root, files):
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def _texts(tmp_path, per_class=5):
    return _tree(tmp_path, {f"{c}/{i}.txt": f"{c} text {i} é".encode() for c in ("neg", "pos")
                            for i in range(per_class)} | {"pos/deep/x.txt": b"pos deep",
                                                           "neg/skip.md": b"not text"})


def test_index_directory_labels_by_subfolder_in_keras_order(tmp_path):
    root = _texts(tmp_path)
    paths, labels, names = index_directory(str(root), "inferred", (".txt",), shuffle=False)
    assert names == ["neg", "pos"] and len(paths) == 11
    assert paths[5] == str(root / "pos" / "0.txt") and paths[-1].endswith("deep/x.txt")
    assert labels.tolist() == [0] * 5 + [1] * 6
    shuffled, mixed, _ = index_directory(str(root), "inferred", (".txt",), seed=3)
    order = np.arange(11)
    np.random.RandomState(3).shuffle(order)
    assert shuffled == [paths[i] for i in order] and mixed.tolist() == labels[order].tolist()


def test_text_dataset_feeds_batches_of_texts_and_labels(tmp_path, capsys):
    data = text_dataset_from_directory(_texts(tmp_path), batch_size=4, shuffle=False,
                                       max_length=5)
    assert capsys.readouterr().out == "Found 11 files belonging to 2 classes.\n"
    assert len(data) == 3 and data.class_names == ["neg", "pos"]
    texts, labels = data[0]
    assert texts.tolist() == ["neg t"] * 4 and labels.dtype == np.int32
    assert data[2][1].tolist() == [1, 1, 1]


def test_validation_split_subsets_do_not_overlap(tmp_path, capsys):
    root = _texts(tmp_path)
    train, val = text_dataset_from_directory(root, validation_split=0.3, subset="both",
                                             seed=1, batch_size=None, verbose=False)
    assert capsys.readouterr().out == "Using 8 files for training.\nUsing 3 files for " \
        "validation.\n"
    assert not set(train.file_paths) & set(val.file_paths)
    assert len(train.file_paths) + len(val.file_paths) == 11
    text, label = val[0]
    assert isinstance(text, str) and label.shape == ()
    again = text_dataset_from_directory(root, validation_split=0.3, subset="validation",
                                        seed=1, verbose=False)
    assert again.file_paths == val.file_paths


def test_label_modes_and_explicit_labels(tmp_path):
    root = _texts(tmp_path)
    kwargs = {"shuffle": False, "verbose": False, "batch_size": 11}
    one_hot = text_dataset_from_directory(root, label_mode="categorical", **kwargs)[0][1]
    assert one_hot.dtype == np.float32 and one_hot.shape == (11, 2) and one_hot[-1, 1] == 1
    assert text_dataset_from_directory(root, label_mode="binary", **kwargs)[0][1].shape == \
        (11, 1)
    assert isinstance(text_dataset_from_directory(root, labels=None, **kwargs)[0], np.ndarray)
    given = text_dataset_from_directory(root, labels=list(range(11)), **kwargs)
    assert given.class_names == [str(i) for i in range(11)]
    only_pos = text_dataset_from_directory(root, class_names=["pos"], **kwargs)
    assert len(only_pos.file_paths) == 6


@pytest.mark.parametrize("kwargs, message", [
    ({"label_mode": "onehot"}, "label_mode must be"),
    ({"labels": "folders"}, "labels must be 'inferred'"),
    ({"validation_split": 0.2}, "subset and validation_split go together"),
    ({"validation_split": 0.2, "subset": "training"}, "give a seed"),
    ({"validation_split": 1.5, "subset": "both", "seed": 1}, "between 0 and 1"),
    ({"class_names": ["pos", "other"]}, "not all subfolders"),
    ({"batch_size": 0}, "batch_size"),
    ({"max_length": -1}, "max_length"),
])
def test_bad_arguments_are_named(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        text_dataset_from_directory(_texts(tmp_path), verbose=False, **kwargs)


def test_binary_labels_need_two_classes_and_a_directory_is_needed(tmp_path):
    _tree(tmp_path, {f"{c}/a.txt": b"x" for c in "abc"})
    with pytest.raises(ValueError, match="exactly 2 classes"):
        text_dataset_from_directory(tmp_path, label_mode="binary", verbose=False)
    with pytest.raises(ValueError, match="is not a directory"):
        text_dataset_from_directory(tmp_path / "nowhere", verbose=False)
    with pytest.raises(ValueError, match="no files found"):
        text_dataset_from_directory(_tree(tmp_path / "empty", {"c/a.md": b""}), verbose=False)


def _images(root):
    """Two classes told apart by colour: dark red and bright blue images of mixed sizes."""
    from PIL import Image
    rng = np.random.default_rng(0)
    for i in range(12):
        for name, colour in (("blue", (0, 0, 200)), ("red", (90, 0, 0))):
            size = (int(rng.integers(6, 12)), int(rng.integers(6, 12)))
            pixels = np.clip(np.array(colour) + rng.integers(-20, 20, (size[1], size[0], 3)),
                             0, 255).astype(np.uint8)
            (root / name).mkdir(exist_ok=True)
            Image.fromarray(pixels).save(root / name / f"{i}.{'png' if i % 2 else 'jpg'}")
    return root


@needs_pillow
def test_image_dataset_trains_a_classifier(tmp_path):
    train, val = image_dataset_from_directory(
        _images(tmp_path), image_size=(8, 8), batch_size=6, validation_split=0.25,
        subset="both", seed=0, verbose=False)
    images, labels = train[0]
    assert images.shape == (6, 8, 8, 3) and images.dtype == np.float32
    assert images.max() <= 255 and labels.dtype == np.int32 and train.class_names == [
        "blue", "red"]
    np.random.seed(0)
    model = keras.Sequential([keras.Input(shape=(8, 8, 3)), layers.Rescaling(1 / 255),
                              layers.GlobalAveragePooling2D(), layers.Dense(2)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), metrics=["accuracy"],
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(train, validation_data=val, epochs=15, verbose=0)
    assert history.history["val_accuracy"][-1] == 1.0


@needs_pillow
def test_image_options(tmp_path):
    root = _images(tmp_path)
    kwargs = {"shuffle": False, "verbose": False, "batch_size": 2, "image_size": 5}
    gray = image_dataset_from_directory(root, color_mode="grayscale", **kwargs)[0][0]
    assert gray.shape == (2, 5, 5, 1)
    first = image_dataset_from_directory(root, data_format="channels_first", **kwargs)[0][0]
    assert first.shape == (2, 3, 5, 5)
    for option in ("crop_to_aspect_ratio", "pad_to_aspect_ratio"):
        wide = image_dataset_from_directory(root, **{**kwargs, "image_size": (4, 8),
                                                     option: True})[0][0]
        assert wide.shape == (2, 4, 8, 3)
    padded = image_dataset_from_directory(root, pad_to_aspect_ratio=True,
                                          **{**kwargs, "image_size": (2, 40)})[0][0]
    assert padded[:, :, 0].max() == 0  # (the black margin)
    with pytest.raises(ValueError, match="interpolation"):
        image_dataset_from_directory(root, interpolation="gaussian", **kwargs)
    with pytest.raises(ValueError, match="color_mode"):
        image_dataset_from_directory(root, color_mode="cmyk", **kwargs)
    with pytest.raises(ValueError, match="size must be two positive ints"):
        image_dataset_from_directory(root, **{**kwargs, "image_size": (0, 4)})


def _wav(path, values, rate=8000, width=2):
    import wave
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(width)
        file.setframerate(rate)
        file.writeframes(np.asarray(values, "<i2" if width == 2 else np.uint8).tobytes())


def test_audio_dataset_pads_each_batch_to_its_longest_file(tmp_path):
    _wav(tmp_path / "low" / "a.wav", [0, 16384, -32768])
    _wav(tmp_path / "high" / "b.wav", [128, 255], width=1)
    data = audio_dataset_from_directory(tmp_path, shuffle=False, verbose=False)
    audio, labels = data[0]
    assert audio.dtype == np.float32 and audio.shape == (2, 3, 1)
    np.testing.assert_allclose(audio[:, :, 0], [[0, 127 / 128, 0], [0, 0.5, -1]])
    assert labels.tolist() == [0, 1] and data.class_names == ["high", "low"]
    cut = audio_dataset_from_directory(tmp_path, shuffle=False, verbose=False,
                                       output_sequence_length=2, sampling_rate=8000)
    assert cut[0][0].shape == (2, 2, 1)


def test_audio_dataset_refusals(tmp_path):
    _wav(tmp_path / "c" / "a.wav", [1, 2], rate=16000)
    (tmp_path / "c" / "b.wav").write_bytes(b"RIFF....WAVE")
    with pytest.raises(ValueError, match="sampled at 16000 Hz"):
        audio_dataset_from_directory(tmp_path, sampling_rate=8000, verbose=False,
                                     shuffle=False)[0]
    with pytest.raises(ValueError, match="b.wav is not a PCM WAV file"):
        audio_dataset_from_directory(tmp_path, verbose=False, shuffle=False)[0]
    with pytest.raises(NotImplementedError, match="ragged"):
        audio_dataset_from_directory(tmp_path, ragged=True)
