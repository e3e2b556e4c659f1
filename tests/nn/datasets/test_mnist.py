"""IDX parsing, the download cache and MNIST loading, all without network."""

import gzip
import io
import struct
from pathlib import Path

import numpy as np
import pytest

from nn import datasets
from nn.datasets import download, mnist_sets
from nn.datasets.idx import IDXError, read_idx

_CODES = {np.uint8: 0x08, np.int8: 0x09, np.int16: 0x0B, np.int32: 0x0C,
          np.float32: 0x0D, np.float64: 0x0E}


def idx_bytes(array):
    """Encode `array` as IDX: magic, big-endian dimensions, big-endian values."""
    header = struct.pack(">HBB", 0, _CODES[array.dtype.type], array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write(path, data, compress):
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


@pytest.mark.parametrize("compress", [True, False])
@pytest.mark.parametrize("dtype", list(_CODES))
def test_read_idx_round_trip(tmp_path, compress, dtype):
    array = (np.arange(24) - 5).reshape(2, 3, 4).astype(dtype)
    if dtype is np.uint8:
        array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    out = read_idx(write(tmp_path / "a.idx", idx_bytes(array), compress))
    np.testing.assert_array_equal(out, array)
    assert out.dtype == np.dtype(dtype) and out.dtype.isnative
    out[0, 0, 0] = 1  # a writable copy


@pytest.mark.parametrize("data, message", [
    (b"\x08\x03\x00\x00", "not an IDX file"),
    (b"\x00\x00\x07\x01\x00\x00\x00\x02ab", "unknown IDX data type code 0x07"),
    (b"\x00\x00\x08\x03\x00\x00", "announces 3 dimensions"),
    (b"\x00\x00\x08\x01\x00\x00\x00\x05abc", r"shape \(5,\).* holds 3 bytes"),
])
def test_read_idx_errors_name_the_file(tmp_path, data, message):
    path = write(tmp_path / "broken-idx1-ubyte", data, compress=False)
    with pytest.raises(IDXError, match=message) as info:
        read_idx(path)
    assert "broken-idx1-ubyte" in str(info.value)


def test_read_idx_truncated_gzip(tmp_path):
    good = gzip.compress(idx_bytes(np.zeros(100, dtype=np.uint8)))
    path = write(tmp_path / "cut.gz", good[:-10], compress=False)
    with pytest.raises(IDXError, match="cut.gz: corrupt gzip"):
        read_idx(path)


def test_read_idx_sizes_whose_product_overflows_int64_are_an_idx_error(tmp_path):
    header = struct.pack(">HBB4I", 0, 0x08, 4, 65536, 65536, 65536, 65536)  # 2**64 values
    path = write(tmp_path / "huge-idx4-ubyte", header, compress=False)
    with pytest.raises(IDXError, match=r"huge-idx4-ubyte: .*18446744073709551616 bytes"):
        read_idx(path)


def test_read_idx_stops_reading_a_gzip_bomb_after_the_announced_size(tmp_path):
    import tracemalloc
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip framing
    bomb = packer.compress(idx_bytes(np.zeros(10, dtype=np.uint8)))
    bomb += b"".join(packer.compress(bytes(1 << 20)) for _ in range(64)) + packer.flush()
    path = write(tmp_path / "bomb.gz", bomb, compress=False)  # ~64 kB, inflates to 64 MB
    tracemalloc.start()
    try:
        with pytest.raises(IDXError, match=r"bomb.gz: .*\(10 bytes of data\)"):
            read_idx(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20  # the 64 MB were never held


def test_data_home(monkeypatch, tmp_path):
    assert datasets.data_home() == tmp_path / "cache"  # RUNGRAD_DATA (conftest)
    monkeypatch.delenv("RUNGRAD_DATA")
    assert datasets.data_home() == Path.home() / ".rungrad" / "datasets"


def test_data_home_expands_a_tilde(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))  # quoted in a .env file, ~ reaches us as is
    monkeypatch.setenv("RUNGRAD_DATA", "~/rungrad-data")
    assert datasets.data_home() == tmp_path / "rungrad-data"


def fake_mnist(monkeypatch, n_train=6, n_test=4):
    """Small IDX files standing in for MNIST, with their checksums pinned instead
    of the real ones; returns ({name: gz bytes}, images, labels)."""
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(n_train + n_test, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n_train + n_test).astype(np.uint8)
    files = {
        "train-images-idx3-ubyte.gz": idx_bytes(images[:n_train]),
        "train-labels-idx1-ubyte.gz": idx_bytes(labels[:n_train]),
        "t10k-images-idx3-ubyte.gz": idx_bytes(images[n_train:]),
        "t10k-labels-idx1-ubyte.gz": idx_bytes(labels[n_train:]),
    }
    blobs = {name: gzip.compress(data, mtime=0) for name, data in files.items()}
    monkeypatch.setattr(mnist_sets, "_MNIST_FILES",
                        {name: download.Published.of(b) for name, b in blobs.items()})
    return blobs, images, labels


def serve(monkeypatch, blobs):
    """Answer downloads from `blobs` (by file name) instead of the network."""
    requested = []

    class Response(io.BytesIO):
        def __init__(self, data):
            super().__init__(data)
            self.headers = {"Content-Length": str(len(data))}

    def fake_open(url):
        requested.append(url)
        return Response(blobs[url.rsplit("/", 1)[-1]])

    monkeypatch.setattr(download, "_open_url", fake_open)
    return requested


def test_mnist_from_files_put_in_the_cache(monkeypatch, offline):
    blobs, images, labels = fake_mnist(monkeypatch)
    (offline / "mnist").mkdir(parents=True)
    for name, blob in blobs.items():
        (offline / "mnist" / name).write_bytes(blob)
    (x, y), (xt, yt) = datasets.mnist()  # the network is refused: files must be used
    assert x.shape == (6, 784) and x.dtype == np.float32 and xt.shape == (4, 784)
    np.testing.assert_allclose(x * 255, images[:6].reshape(6, -1), atol=1e-4)
    assert y.dtype == np.int64
    np.testing.assert_array_equal(np.concatenate([y, yt]), labels)
    (x, _), _ = datasets.mnist(flatten=False, normalize=False)
    assert x.shape == (6, 1, 28, 28) and x.dtype == np.uint8


def test_mnist_download_is_verified_and_cached(monkeypatch, offline):
    blobs, _, _ = fake_mnist(monkeypatch)
    requested = serve(monkeypatch, blobs)
    (x, _), _ = datasets.mnist()
    assert len(requested) == 4 and len(x) == 6
    assert sorted(p.name for p in (offline / "mnist").iterdir()) == sorted(blobs)
    datasets.mnist()
    assert len(requested) == 4  # second call: all from the cache


def test_checksum_mismatch_keeps_nothing(monkeypatch, offline):
    blobs, _, _ = fake_mnist(monkeypatch)
    blobs["train-labels-idx1-ubyte.gz"] = b"not the published bytes"
    serve(monkeypatch, blobs)
    with pytest.raises(datasets.ChecksumError, match="train-labels-idx1-ubyte.gz"):
        datasets.mnist()
    left = [p.name for p in (offline / "mnist").iterdir()]
    assert "train-labels-idx1-ubyte.gz" not in left
    assert not [name for name in left if name.endswith(".part")]  # no temp file either


def test_corrupt_cached_file_is_fetched_again(monkeypatch, offline):
    blobs, _, _ = fake_mnist(monkeypatch)
    (offline / "mnist").mkdir(parents=True)
    for name, blob in blobs.items():
        (offline / "mnist" / name).write_bytes(blob)
    (offline / "mnist" / "t10k-images-idx3-ubyte.gz").write_bytes(b"half a file")
    requested = serve(monkeypatch, blobs)
    _, (xt, _) = datasets.mnist()
    assert len(xt) == 4
    assert [url.rsplit("/", 1)[-1] for url in requested] == ["t10k-images-idx3-ubyte.gz"]


def test_offline_error_says_which_files_go_where(offline):
    with pytest.raises(datasets.DownloadError) as info:
        datasets.fashion_mnist()
    message = str(info.value)
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                 "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        assert name in message
    assert str(offline / "fashion_mnist") in message
    assert "RUNGRAD_DATA" in message and "network disabled" in message
    assert not list((offline / "fashion_mnist").iterdir())  # nothing half-written


def test_a_cache_path_that_cannot_be_a_folder_is_said_before_any_mirror(monkeypatch,
                                                                        offline):
    asked = []
    monkeypatch.setattr(download, "_open_url", asked.append)
    offline.parent.mkdir(exist_ok=True)
    offline.write_text("a file where the cache folder should be")
    with pytest.raises(datasets.DownloadError, match="cannot use .* as the cache folder of "
                       "mnist .*NotADirectoryError.*RUNGRAD_DATA") as info:
        datasets.mnist()
    assert str(offline / "mnist") in str(info.value) and asked == []
    assert "mirror" not in str(info.value)  # not a network problem


def test_a_full_disk_is_said_once_as_the_cache_folders_problem(monkeypatch, offline):
    import errno
    import os

    streamed = []

    def disk_full(url, out, size):  # what out.write raises when the disk fills up
        streamed.append(url)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(download, "_stream", disk_full)
    with pytest.raises(datasets.DownloadError, match="train-images-idx3-ubyte.gz: cannot "
                       "write it into the cache folder .*No space left.*RUNGRAD_DATA") as info:
        datasets.mnist()
    assert len(streamed) == 1  # not fetched again from the second mirror, to fail again
    assert "Without network" not in str(info.value)
    assert not list((offline / "mnist").iterdir())


def test_a_folder_where_a_cached_file_goes_is_the_caches_problem(monkeypatch, offline):
    asked = serve(monkeypatch, {})
    (offline / "mnist" / "train-images-idx3-ubyte.gz").mkdir(parents=True)
    with pytest.raises(datasets.DownloadError, match="cannot write it into the cache folder "
                       ".*is a directory"):
        datasets.mnist()
    assert asked == []


def test_pinned_checksums_look_like_sha256_and_sizes():
    for files in (mnist_sets._MNIST_FILES, mnist_sets._FASHION_FILES):
        assert len(files) == 4
        assert all(len(p.sha256) == 64 and int(p.sha256, 16) >= 0 for p in files.values())
    assert mnist_sets._MNIST_FILES["train-images-idx3-ubyte.gz"].size == 9_912_422
    assert mnist_sets._FASHION_FILES["train-images-idx3-ubyte.gz"].size == 26_421_880


def test_dropped_connection_is_reported_as_offline(monkeypatch, offline):
    import http.client

    class Dropping(io.BytesIO):
        headers = {}

        def read(self, size=-1):
            raise http.client.IncompleteRead(b"partial")

    monkeypatch.setattr(download, "_open_url", lambda url: Dropping())
    with pytest.raises(datasets.DownloadError, match="IncompleteRead"):
        datasets.mnist()
    assert not list((offline / "mnist").iterdir())
