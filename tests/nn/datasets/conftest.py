"""Every test here runs offline, with the dataset cache in a fresh temporary folder."""

import urllib.error

import pytest

from nn.datasets import download


def _refuse_network(url):
    raise urllib.error.URLError(f"network disabled in tests (asked for {url})")


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """Block downloads and point RUNGRAD_DATA (and KERAS_HOME, whose cache Keras' loaders
    read first) at tmp_path; yields the cache root."""
    monkeypatch.setattr(download, "_open_url", _refuse_network)
    monkeypatch.setenv("RUNGRAD_DATA", str(tmp_path / "cache"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    return tmp_path / "cache"

