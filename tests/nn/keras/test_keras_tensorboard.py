"""keras.callbacks.TensorBoard: TensorBoard event files (TFRecord framing around Event
protobufs) written without TensorFlow, with Keras 3.15.1's directories, tags and steps.

The expected tags and steps were taken from Keras 3.15.1's own TensorBoard callback (torch
backend) on the same fit, its tf.summary calls recorded; the expected bytes of the
messages and of a framed record from TensorBoard 2.21's protobuf classes and RecordWriter.
"""
import contextlib
import os
import struct
import tempfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn.keras as keras
from nn.training.callbacks.crc32c import crc32c, masked_crc32c
from nn.training.callbacks.event_file import frame, read_records
from nn.training.callbacks.event_reader import event_files, parse_event, read_events, read_scalars
from nn.training.callbacks.protobuf_wire import as_int64, int_field, read_fields
from nn.training.callbacks.summary_events import FILE_VERSION, event, histogram_value, scalar_value

rng = np.random.default_rng(0)
X = rng.normal(size=(20, 3)).astype(np.float32)
Y = (X.sum(1, keepdims=True) > 0).astype(np.float32)
WEIGHT_TAGS = ["sequential/dense/kernel/histogram", "sequential/dense/bias/histogram",
               "sequential/dense_1/kernel/histogram", "sequential/dense_1/bias/histogram"]


def _fit(log_dir, epochs=3, **options):
    """Keras' tiny fit: 15 training samples in 2 batches of 8, 5 validation samples."""
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="binary_crossentropy",
                  metrics=["accuracy"])
    board = keras.callbacks.TensorBoard(log_dir, **options)
    history = model.fit(X, Y, batch_size=8, epochs=epochs, validation_split=0.25, verbose=0,
                        shuffle=False, callbacks=[board])
    return model, board, history.history


def _framed_records(path):
    """The test's own walk over the framing: (length, data) of each record, each of its
    CRCs checked, the records filling the file exactly."""
    content = open(path, "rb").read()
    records, at = [], 0
    while at < len(content):
        (size,) = struct.unpack("<Q", content[at:at + 8])
        assert struct.unpack("<I", content[at + 8:at + 12])[0] == masked_crc32c(
            content[at:at + 8])
        data = content[at + 12:at + 12 + size]
        assert len(data) == size
        assert struct.unpack("<I", content[at + 12 + size:at + 16 + size])[0] == \
            masked_crc32c(data)
        records.append(data)
        at += 16 + size
    assert at == len(content)
    return records


def _steps(where, tag):
    """The steps of `tag`'s scalars in a folder's event files, or in one file."""
    if os.path.isdir(where):
        return [step for step, _ in read_scalars(where).get(tag, [])]
    return [e.step for e in read_events(where) for v in e.values if v.tag == tag]


# ----- the pieces: CRC-32C, protobuf bytes, framing -----
def test_crc32c_gives_the_standard_check_values():
    """RFC 3720's test vectors and the CRC catalogue's check value."""
    assert crc32c(b"123456789") == 0xE3069283
    assert crc32c(bytes(32)) == 0x8A9136AA
    assert crc32c(b"\xff" * 32) == 0x62A8AB43
    assert crc32c(bytes(range(32))) == 0x46DD794E
    assert crc32c(b"") == 0


def test_events_are_the_bytes_protobuf_writes():
    """The same bytes as TensorBoard's own Event/HistogramProto classes serialize."""
    scalar = event(1.5, 7, value=scalar_value("epoch_loss", 0.25))
    assert scalar.hex() == ("09000000000000f83f10072a130a110a0a65706f63685f6c6f7373"
                            "150000803e")
    histogram = event(2.0, 3, value=histogram_value("w/histogram", [-1.0, 0.0, 0.5, 2.0],
                                                     buckets=3))
    assert histogram.hex() == (
        "09000000000000004010032a720a700a0b772f686973746f6772616d2a6109000000000000f0bf"
        "11000000000000004019000000000000104021000000000000f83f29000000000000154032180000"
        "000000000000000000000000f03f00000000000000403a18000000000000f03f0000000000000040"
        "000000000000f03f")


def test_a_framed_record_is_tensorboards():
    """TensorBoard's RecordWriter frames the file-version event into these bytes."""
    record = frame(event(1.5, file_version=FILE_VERSION))
    assert record.hex() == ("1800000000000000a37f4b2209000000000000f83f1a0d627261696e2e4576"
                            "656e743a322a28646c")


@settings(max_examples=50, deadline=None)
@given(st.integers(-(2 ** 63), 2 ** 63 - 1))
def test_int64_fields_read_back(n):
    [(number, wire_type, value)] = read_fields(int_field(2, n))
    assert (number, wire_type, as_int64(value)) == (2, 0, n)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.binary(max_size=40), min_size=1, max_size=4), st.data())
def test_any_changed_byte_or_cut_is_detected(records, data):
    """CRC-32C catches every error within 32 consecutive bits, so one changed byte
    anywhere (length, its CRC, the data, the data's CRC) is always found; so is a file cut
    short inside a record."""
    content = b"".join(frame(r) for r in records)
    assert _roundtrip(content) == records
    at = data.draw(st.integers(0, len(content) - 1))
    flip = data.draw(st.integers(1, 255))
    damaged = content[:at] + bytes([content[at] ^ flip]) + content[at + 1:]
    with pytest.raises(ValueError, match="corrupted|truncated"):
        _roundtrip(damaged)
    # a cut between records leaves the records before it; anywhere else, an error
    ends = np.cumsum([len(frame(r)) for r in records]).tolist()
    if at in [0] + ends:
        assert _roundtrip(content[:at]) == records[:([0] + ends).index(at)]
    else:
        with pytest.raises(ValueError, match="truncated"):
            _roundtrip(content[:at])


def _roundtrip(content):
    """read_records of a file holding `content`."""
    with tempfile.NamedTemporaryFile(suffix=".tfevents", delete=False) as f:
        f.write(content)
    try:
        return read_records(f.name)
    finally:
        os.remove(f.name)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=60))
def test_a_histogram_holds_every_value(values):
    [value] = parse_event(event(1.0, 1, value=histogram_value("h", values))).values
    h = value.value
    x = np.asarray(values)
    assert h["num"] == len(values) == sum(h["bucket"])
    assert (h["min"], h["max"]) == (x.min(), x.max())
    assert h["bucket_limit"][-1] == x.max()
    assert all(a < b for a, b in zip(h["bucket_limit"], h["bucket_limit"][1:]))
    np.testing.assert_allclose(h.get("sum", 0.0), x.sum(), rtol=1e-9, atol=1e-6)
    # each value in the bucket whose edges hold it (the first's left edge is min)
    lefts = [h["min"]] + h["bucket_limit"][:-1]
    for value in values:
        assert any(lo <= value <= hi and c > 0
                   for lo, hi, c in zip(lefts, h["bucket_limit"], h["bucket"]))


# ----- the callback in fit -----
def test_fit_writes_keras_tags_and_steps(tmp_path):
    model, board, history = _fit(tmp_path, update_freq="batch", histogram_freq=1)
    train, validation = tmp_path / "train", tmp_path / "validation"
    assert sorted(os.listdir(tmp_path)) == ["train", "validation"]
    for folder in (train, validation):
        [path] = event_files(folder)
        assert os.path.basename(path).startswith("events.out.tfevents.")
        events = read_events(path)
        assert len(_framed_records(path)) == len(events)
        assert events[0].file_version == FILE_VERSION and events[0].values == []
    scalars = read_scalars(train)
    # Keras 3.15.1: batch_* at the global batch (1-based), epoch_* at the epoch
    assert _steps(train, "batch_loss") == _steps(train, "batch_accuracy") == [1, 2, 3, 4, 5, 6]
    for name in ("loss", "accuracy"):
        assert _steps(train, f"epoch_{name}") == [0, 1, 2]
        np.testing.assert_allclose([v for _, v in scalars[f"epoch_{name}"]], history[name],
                                   rtol=1e-6)
        np.testing.assert_allclose([v for _, v in read_scalars(validation)[f"epoch_{name}"]],
                                   history[f"val_{name}"], rtol=1e-6)
        # validation after each epoch, at the optimizer's iterations (2 updates an epoch)
        tag = f"evaluation_{name}_vs_iterations"
        assert _steps(validation, tag) == [2, 4, 6]
        np.testing.assert_allclose([v for _, v in read_scalars(validation)[tag]],
                                   history[f"val_{name}"], rtol=1e-6)
    assert scalars["epoch_learning_rate"] == [(0, pytest.approx(0.1)), (1, pytest.approx(0.1)),
                                              (2, pytest.approx(0.1))]
    # the batch logs' last value of an epoch is the epoch's
    assert scalars["batch_loss"][1][1] == pytest.approx(history["loss"][0], rel=1e-6)
    assert not any(tag.startswith("val_") for tag in read_scalars(validation))
    assert not any(tag.startswith("batch_") for tag in read_scalars(validation))
    # weight histograms at every epoch, the last one of the final weights
    histograms = {}
    for e in read_events(event_files(train)[0]):
        for v in e.values:
            if v.kind == "histogram":
                histograms.setdefault(v.tag, []).append((e.step, v.value))
    assert list(histograms) == WEIGHT_TAGS
    for tag, weight in zip(WEIGHT_TAGS, [w for layer in model.layers for w in layer.weights]):
        assert [step for step, _ in histograms[tag]] == [0, 1, 2]
        last, values = histograms[tag][-1][1], np.asarray(weight.data, np.float64)
        assert last["num"] == values.size == sum(last["bucket"])
        assert (last["min"], last["max"]) == (values.min(), values.max())
        assert last["sum_squares"] == pytest.approx(float((values ** 2).sum()))
    # write_graph: the model's summary as text, at step 0
    texts = [(e.step, v) for e in read_events(event_files(train)[0]) for v in e.values
             if v.kind == "text"]
    assert [(step, v.tag) for step, v in texts] == [(0, "model_summary")]
    assert "dense_1 (Dense)" in texts[0][1].value
    assert all(writer._file.closed for writer in board._writers.values())


def test_epoch_logging_writes_no_batches_and_update_freq_counts_batches(tmp_path):
    _fit(tmp_path / "epoch", write_graph=False)
    assert sorted(read_scalars(tmp_path / "epoch" / "train")) == [
        "epoch_accuracy", "epoch_learning_rate", "epoch_loss"]
    _fit(tmp_path / "every3", update_freq=3, histogram_freq=2, write_graph=False,
         write_steps_per_second=True)
    train = tmp_path / "every3" / "train"
    for tag in ("batch_loss", "batch_accuracy", "batch_steps_per_second"):
        assert _steps(train, tag) == [3, 6]  # (Keras': global batches 3 and 6 of 6)
    # (Keras 3.15.1 writes these only at epoch 2 here, where batch 6 is a multiple of 3)
    assert _steps(train, "epoch_loss") == _steps(train, "epoch_steps_per_second") == [0, 1, 2]
    assert all(v > 0 for _, v in read_scalars(train)["epoch_steps_per_second"])
    steps = {e.step for e in read_events(event_files(train)[0]) for v in e.values
             if v.kind == "histogram"}
    assert steps == {0, 2}  # epoch % histogram_freq == 0


def test_pytorch_style_layers_get_histograms_by_their_parameter_names(tmp_path):
    import nn
    import optim
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    model.compile(optimizer=optim.SGD(model.parameters(), lr=0.1), loss="mse")
    model.fit(X, Y, epochs=1, verbose=0,
              callbacks=[keras.callbacks.TensorBoard(tmp_path, histogram_freq=1)])
    values = [v for e in read_events(event_files(tmp_path / "train")[0]) for v in e.values
              if v.kind == "histogram"]
    assert [v.tag for v in values] == ["0.weight/histogram", "0.bias/histogram",
                                       "2.weight/histogram", "2.bias/histogram"]
    assert [v.value["num"] for v in values] == [12, 4, 4, 1]
    assert read_scalars(tmp_path / "train")["epoch_learning_rate"] == [(0, pytest.approx(0.1))]


def test_files_are_flushed_at_each_epoch_end(tmp_path):
    seen = []

    class Peek(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(_steps(tmp_path / "train", "epoch_loss"))

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, Y, batch_size=8, epochs=3, verbose=0,
              callbacks=[keras.callbacks.TensorBoard(tmp_path), Peek()])
    assert seen == [[0], [0, 1], [0, 1, 2]]


def test_a_second_run_writes_new_files_and_leaves_the_first_alone(tmp_path):
    _fit(tmp_path, epochs=2)
    first = {p: open(p, "rb").read() for p in event_files(tmp_path / "train")}
    model, board, _ = _fit(tmp_path, epochs=2)
    model.evaluate(X, Y, verbose=0, callbacks=[board])
    files = event_files(tmp_path / "train")
    assert len(files) == 2 and all(open(p, "rb").read() == b for p, b in first.items())
    assert len(event_files(tmp_path / "validation")) == 3  # (two fits, one evaluate)
    for path in files + event_files(tmp_path / "validation"):
        assert len(_framed_records(path)) == len(read_events(path))
    # the evaluate: at the optimizer's iterations after the fit, its file closed
    last = read_events(event_files(tmp_path / "validation")[-1])
    assert [(e.step, v.tag) for e in last for v in e.values] == [
        (4, "evaluation_loss_vs_iterations"), (4, "evaluation_accuracy_vs_iterations")]
    assert all(writer._file.closed for writer in board._writers.values())


def test_a_fit_ended_by_an_exception_leaves_whole_files(tmp_path):
    class Crash(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise RuntimeError("crash")

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    board = keras.callbacks.TensorBoard(tmp_path)
    with pytest.raises(RuntimeError, match="crash"):
        model.fit(X, Y, epochs=3, verbose=0, callbacks=[board, Crash()])
    model.fit(X, Y, epochs=1, verbose=0, callbacks=[board])
    first, second = event_files(tmp_path / "train")  # (the second run: a file of its own)
    assert _steps(first, "epoch_loss") == [0, 1] and _steps(second, "epoch_loss") == [0]


def test_a_damaged_event_file_is_refused(tmp_path):
    _fit(tmp_path, epochs=1, write_graph=False)
    [path] = event_files(tmp_path / "train")
    content = open(path, "rb").read()
    (size,) = struct.unpack("<Q", content[:8])
    second = 16 + size  # where the second record begins
    cases = {"flipped data": (content[:second + 14] + bytes([content[second + 14] ^ 1])
                              + content[second + 15:], "corrupted: the data CRC"),
             "changed length": (content[:second] + bytes([content[second] + 1])
                                + content[second + 1:], "corrupted: the length CRC"),
             "cut in a record": (content[:-3], "truncated"),
             "cut in a header": (content[:second + 5], "truncated")}
    for name, (damaged, message) in cases.items():
        with open(path, "wb") as f:
            f.write(damaged)
        with pytest.raises(ValueError, match=message), _case(name):
            read_events(path)
    with open(path, "wb") as f:  # whole records that are not Events
        f.write(frame(b"\x0f\x01"))
    with pytest.raises(ValueError, match="not a TensorBoard Event"):
        read_events(path)


@contextlib.contextmanager
def _case(name):
    """Name the damage in a failure's message."""
    try:
        yield
    except pytest.fail.Exception as exc:
        raise AssertionError(f"{name}: {exc}") from None


@pytest.mark.parametrize("options, message", [
    ({"write_images": True}, "write_images"),
    ({"profile_batch": 5}, "profiling is not available"),
    ({"profile_batch": (2, 4)}, "profiling is not available"),
    ({"profile_batch": "3,5"}, "profiling is not available"),
    ({"profile_batch": (4, 2)}, "profile_batch must be"),
    ({"profile_batch": "many"}, "profile_batch must be"),
    ({"embeddings_freq": 1}, "embeddings_freq must be 0"),
    ({"embeddings_metadata": "meta.tsv"}, "embeddings_metadata must be None"),
    ({"update_freq": "sometimes"}, "update_freq"),
    ({"update_freq": 0}, "update_freq"),
    ({"histogram_freq": -1}, "histogram_freq"),
    ({"log_dir": ""}, "log_dir is empty"),
])
def test_options_rungrad_does_not_offer_are_refused(tmp_path, options, message):
    options = {"log_dir": tmp_path, **options}
    with pytest.raises(ValueError, match=message):
        keras.callbacks.TensorBoard(**options)


def test_defaults_are_keras_and_write_no_file_before_fit(tmp_path):
    board = keras.callbacks.TensorBoard(tmp_path / "logs", profile_batch="0",
                                        embeddings_freq=0)
    assert (board.log_dir, board.histogram_freq, board.write_graph, board.update_freq) == (
        str(tmp_path / "logs"), 0, True, "epoch")
    assert keras.callbacks.TensorBoard().log_dir == "logs"
    assert not os.path.exists(tmp_path / "logs")


def test_a_log_dir_that_is_a_file_is_named_in_the_error(tmp_path):
    from nn.training.callbacks.event_file import RecordFile
    taken = tmp_path / "logs"
    taken.write_text("not a folder")
    with pytest.raises(NotADirectoryError, match="is a file; give log_dir a folder"):
        RecordFile(str(taken / "train"))
    assert taken.read_text() == "not a folder"
