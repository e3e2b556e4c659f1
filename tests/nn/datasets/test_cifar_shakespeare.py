"""CIFAR-10 (the binary-version archive, read record by record, never unpickled) and the
Tiny Shakespeare corpus, each downloaded with a checksum and cached; all offline, on small
archives built here."""
import io
import tarfile

import numpy as np
import pytest

from nn import datasets
from nn.data import SequenceLoader
from nn.datasets import cifar, download, text_sets

from .test_mnist import serve

_RECORD = 1 + 3 * 32 * 32


def cifar_records(labels, seed):
    pixels = np.random.default_rng(seed).integers(0, 256, size=(len(labels), 3, 32, 32),
                                                  dtype=np.uint8)
    records = np.concatenate([np.asarray(labels, np.uint8)[:, None],
                              pixels.reshape(len(labels), -1)], axis=1)
    return records.tobytes(), pixels


def tar_gz(members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def fake_cifar(monkeypatch, members=None):
    """A small binary-version archive (two images per training batch, three test images)
    pinned in place of the real checksum; returns (archive bytes, train pixels and labels,
    test pixels and labels)."""
    train_labels = [0, 9, 3, 4, 5, 6, 7, 8, 1, 2]
    train, test = [], cifar_records([2, 7, 1], seed=99)
    built = {"cifar-10-batches-bin/batches.meta.txt": b"\n".join(
        c.encode() for c in cifar.CLASSES)}
    for i in range(5):
        data, pixels = cifar_records(train_labels[2 * i:2 * i + 2], seed=i)
        built[f"cifar-10-batches-bin/data_batch_{i + 1}.bin"] = data
        train.append(pixels)
    built["cifar-10-batches-bin/test_batch.bin"] = test[0]
    blob = tar_gz(built if members is None else members(built))
    monkeypatch.setattr(cifar, "_FILES", {cifar.ARCHIVE: download.Published.of(blob)})
    return blob, (np.concatenate(train), train_labels), (test[1], [2, 7, 1])


def test_cifar10_is_downloaded_verified_cached_and_decoded(monkeypatch, offline):
    blob, (pixels, labels), (test_pixels, test_labels) = fake_cifar(monkeypatch)
    requested = serve(monkeypatch, {cifar.ARCHIVE: blob})
    (x, y), (xt, yt) = datasets.cifar10()
    assert x.shape == (10, 3, 32, 32) and x.dtype == np.float32 and xt.shape == (3, 3, 32, 32)
    np.testing.assert_allclose(x * 255, pixels, atol=1e-4)
    assert y.dtype == np.int64 and y.tolist() == labels and yt.tolist() == test_labels
    (x, _), (xt, _) = datasets.cifar10(flatten=True, normalize=False)
    assert x.shape == (10, 3072) and x.dtype == np.uint8
    np.testing.assert_array_equal(xt, test_pixels.reshape(3, -1))
    assert len(requested) == 1 and requested[0].endswith("/" + cifar.ARCHIVE)
    assert [p.name for p in (offline / "cifar10").iterdir()] == [cifar.ARCHIVE]


def test_cifar10_checksum_mismatch_keeps_nothing(monkeypatch, offline):
    fake_cifar(monkeypatch)
    serve(monkeypatch, {cifar.ARCHIVE: tar_gz({"other.txt": b"not CIFAR"})})
    with pytest.raises(datasets.ChecksumError, match=cifar.ARCHIVE):
        datasets.cifar10()
    assert not list((offline / "cifar10").iterdir())


def test_cifar10_offline_error_names_the_archive_and_folder(offline):
    with pytest.raises(datasets.DownloadError) as info:
        datasets.cifar10()
    assert cifar.ARCHIVE in str(info.value) and str(offline / "cifar10") in str(info.value)


@pytest.mark.parametrize("damage, message", [
    (lambda m: {k: v for k, v in m.items() if "test_batch" not in k}, "no file .*test_batch"),
    (lambda m: {**m, "cifar-10-batches-bin/data_batch_2.bin":
                m["cifar-10-batches-bin/data_batch_2.bin"][:-5]}, "not a whole number"),
    (lambda m: {**m, "cifar-10-batches-bin/test_batch.bin":
                b"\x0c" + m["cifar-10-batches-bin/test_batch.bin"][1:]}, "label of 12"),
    (lambda m: {"data_batch_1": b"a pickle of the Python version"}, "binary version"),
])
def test_cifar10_archives_that_do_not_fit_are_named(monkeypatch, offline, damage, message):
    blob, _, _ = fake_cifar(monkeypatch, members=damage)
    (offline / "cifar10").mkdir(parents=True)
    (offline / "cifar10" / cifar.ARCHIVE).write_bytes(blob)
    with pytest.raises(datasets.CifarError, match=message) as info:
        datasets.cifar10()
    assert cifar.ARCHIVE in str(info.value)


def test_a_cut_cifar10_archive_is_named_as_corrupt(monkeypatch, offline):
    import gzip

    blob, _, _ = fake_cifar(monkeypatch)
    cut = gzip.compress(gzip.decompress(blob)[:3 * 512 + _RECORD])  # inside data_batch_2
    monkeypatch.setattr(cifar, "_FILES", {cifar.ARCHIVE: download.Published.of(cut)})
    (offline / "cifar10").mkdir(parents=True)
    (offline / "cifar10" / cifar.ARCHIVE).write_bytes(cut)
    with pytest.raises(datasets.CifarError, match="corrupt archive") as info:
        datasets.cifar10()
    assert cifar.ARCHIVE in str(info.value)


def test_pinned_checksums_are_the_published_files():
    assert cifar._FILES == {"cifar-10-binary.tar.gz": (
        "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd", 170_052_171)}
    assert text_sets._FILES == {"input.txt": (
        "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed", 1_115_394)}


# ----- Tiny Shakespeare -----
TEXT = "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n"


def fake_corpus(monkeypatch, text=TEXT):
    blob = text.encode("utf-8")
    monkeypatch.setattr(text_sets, "_FILES", {"input.txt": download.Published.of(blob)})
    return blob


def test_shakespeare_returns_ids_in_order_and_the_vocabulary(monkeypatch, offline):
    requested = serve(monkeypatch, {"input.txt": fake_corpus(monkeypatch)})
    (train, test), vocabulary = datasets.shakespeare(test_size=0.25)
    assert train.dtype == np.int64 and len(train) + len(test) == len(TEXT)
    assert len(test) == round(0.25 * len(TEXT))
    assert vocabulary.decode(np.concatenate([train, test])) == TEXT
    assert vocabulary.chars[:4] == ("F", "i", "r", "s")  # first appearance, as DeZero
    assert vocabulary.char_to_id["F"] == 0 and vocabulary.id_to_char[1] == "i"
    assert len(vocabulary) == len(set(TEXT))
    datasets.shakespeare()
    assert len(requested) == 1  # the second call reads the cache
    x, y = next(iter(SequenceLoader(train, batch_size=2, bptt=5)))
    assert x.shape == (5, 2) and np.array_equal(x[1:], y[:-1])


def test_shakespeare_checks_test_size_and_checksum(monkeypatch, offline):
    fake_corpus(monkeypatch)
    with pytest.raises(ValueError, match="test_size"):
        datasets.shakespeare(test_size=1.0)
    serve(monkeypatch, {"input.txt": b"Not Shakespeare"})
    with pytest.raises(datasets.ChecksumError, match="input.txt"):
        datasets.shakespeare()


def test_shakespeare_takes_a_numpy_fraction_and_refuses_a_bool(monkeypatch, offline):
    serve(monkeypatch, {"input.txt": fake_corpus(monkeypatch)})
    (train, test), _ = datasets.shakespeare(test_size=np.float32(0.25))
    assert len(test) == round(0.25 * (len(train) + len(test)))
    with pytest.raises(ValueError, match="shakespeare: test_size .* got False"):
        datasets.shakespeare(test_size=False)


def test_vocabulary_encodes_decodes_and_names_what_it_lacks():
    vocabulary = datasets.Vocabulary.of("hello")
    assert list(vocabulary) == ["h", "e", "l", "o"]
    np.testing.assert_array_equal(vocabulary.encode("hole"), [0, 3, 2, 1])
    assert vocabulary.decode(np.array([[0, 1], [2, 3]])) == "helo"
    with pytest.raises(KeyError, match="'z'"):
        vocabulary.encode("hez")
    with pytest.raises(IndexError, match=r"\[0, 4\)"):
        vocabulary.decode([4])
    with pytest.raises(ValueError, match="distinct"):
        datasets.Vocabulary("aa")


@pytest.mark.parametrize("ids", [[1.0, 2.0], np.array([True, False]), ["1"]])
def test_vocabulary_decode_refuses_ids_that_are_not_integers(ids):
    with pytest.raises(TypeError, match="Vocabulary.decode: ids must be integers, got"):
        datasets.Vocabulary.of("hello").decode(ids)
    assert datasets.Vocabulary.of("hello").decode([]) == ""


def test_cifar10_reads_its_archive_once(monkeypatch, offline):
    """One pass over the compressed bytes: looking the batches up by name inflated the
    archive twice (once to list it, once again from its start), a second per call."""
    blob, _, _ = fake_cifar(monkeypatch)
    (offline / "cifar10").mkdir(parents=True)
    (offline / "cifar10" / cifar.ARCHIVE).write_bytes(blob)
    read = []

    class Counting(io.FileIO):
        def read(self, size=-1):
            data = super().read(size)
            read.append(len(data))
            return data

    monkeypatch.setattr(cifar, "_open", lambda path: tarfile.open(
        fileobj=Counting(path), mode="r:gz"))
    (x, _), (xt, _) = datasets.cifar10()
    assert (len(x), len(xt)) == (10, 3) and sum(read) == len(blob)
